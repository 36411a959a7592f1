#!/bin/bash
# test/stress/valgrind.sh: the pg_regress suite with the server under
# valgrind memcheck.
#
# Run as the postgres user from a tree it owns (test/stress/stress.sh
# arranges that), with the extension installed.  Starts a throwaway cluster
# with the library preloaded under valgrind (--trace-children, one log per
# process), runs sql/[0-9]*.sql against it with pg_regress, stops it
# (which saves the entries), starts it again (which loads them), reads them,
# stops it, and judges valgrind's reports from both runs:
#
#   - "ours": a report whose innermost frame outside libc and valgrind's
#     preload (that is, the code that made the access or the call) is in
#     pg_slow_statements.so.  Any of these fails the run.
#   - "through": a report whose stack passes through pg_slow_statements.so
#     further out (the extension's hooks wrap the executor and the
#     planner, so most of PostgreSQL's own reports pass through them).
#     Listed for review; they fail the run only if they are invalid
#     reads, writes or frees.
#   - everything else: PostgreSQL's own; counted and listed, not failed.
#     valgrind.supp suppresses the known ones, never with a stack that
#     reaches pg_slow_statements.so.
#
# Leak checking is off: PostgreSQL frees by memory context, not by pointer,
# and exits with its contexts alive.
#
# Regression diffs: under valgrind a statement runs 20 to 50 times slower,
# so outputs that depend on elapsed time may differ.  A diff counts only if
# a changed line is not one of the timing-dependent ones listed in
# timing_ok below; a crash (or a backend ended by a signal) always fails.
# Takes 10 to 20 minutes on two cores.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
export PATH=$("$PG_CONFIG" --bindir):$PATH
dir=$(mktemp -d /tmp/pss_valgrind.XXXXXX)
chmod 755 "$dir"
port=${PSS_VALGRIND_PORT:-54329}
pg_regress=$(pg_config --pkglibdir)/pgxs/src/test/regress/pg_regress
so=pg_slow_statements.so
# the extension's frames: with debug info valgrind names the function and
# the source file, not the object, so a frame is ours when its function is
# defined in the installed library and its file is one of src/*.c
sofile=$(pg_config --pkglibdir)/$so
nm --defined-only "$sofile" | awk '$2 ~ /^[tT]$/ {print $3}' >"$dir/our_functions"
ls "$top"/src/*.c | xargs -n1 basename >"$dir/our_files"

initdb -D "$dir/data" -A trust >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; exit 1; }
cat "$top/test/pg_slow_statements.conf" >>"$dir/data/postgresql.conf"
cat >>"$dir/data/postgresql.conf" <<CONF
port = $port
unix_socket_directories = '$dir'
listen_addresses = ''
max_connections = 10
jit = off
CONF

# start_server TAG: the server under valgrind, logs vg.TAG.<pid>.log
start_server() {
    valgrind --quiet --trace-children=yes --track-origins=yes \
        --leak-check=no --read-var-info=no \
        --suppressions="$top/test/stress/valgrind.supp" \
        --gen-suppressions=all \
        --error-limit=no --num-callers=40 \
        --log-file="$dir/vg.$1.%p.log" \
        postgres -D "$dir/data" >>"$dir/server.log" 2>&1 &
    vgpid=$!
    for _ in $(seq 1 300); do
        pg_isready -h "$dir" -p "$port" -q && break
        sleep 1
    done
    pg_isready -h "$dir" -p "$port" -q || { echo "server did not start"; tail "$dir/server.log"; exit 1; }
}
stop_server() {
    pg_ctl -D "$dir/data" -m fast -w -t 600 stop >/dev/null 2>&1
    wait $vgpid 2>/dev/null
}

start_server regress
tests=$(cd "$top/sql" && ls [0-9]*.sql | sed 's/\.sql$//')
start=$(date +%s)
"$pg_regress" --host="$dir" --port="$port" \
    --inputdir="$top" --outputdir="$dir" --dbname=contrib_regression \
    $tests >"$dir/regress.out" 2>&1
regress_rc=$?
grep -E "^(ok|not ok|test )|\.\.\. |tests" "$dir/regress.out"
echo "pg_regress: exit $regress_rc in $(( $(date +%s) - start ))s"

# Stop (the postmaster saves the entries the suite left), start again (it
# loads them), read them back with their texts and histograms, stop: the
# save file's write and read paths under valgrind too.
before=$(psql -X -A -t -h "$dir" -p "$port" -d contrib_regression \
    -c "SELECT count(*) FROM pg_slow_statements" 2>&1)
stop_server
saved=$(ls -l "$dir/data/pg_stat/pg_slow_statements.stat" 2>/dev/null | awk '{print $5}')
start_server reload
after=$(psql -X -A -t -h "$dir" -p "$port" -d contrib_regression -c "
    SELECT count(*), sum(length(query)), sum(length(slowest_query)),
           sum(length(slowest_plan)), sum(calls)
      FROM pg_slow_statements;
    SELECT count(*) FROM pg_slow_statements s,
           LATERAL pg_slow_statements_histogram(s.queryid) h;" 2>&1 | tr '\n' ' ')
echo "save and load: $before entries before the restart, save file ${saved:-missing} bytes;" \
    "after it: entries|query bytes|slowest bytes|plan bytes|calls, histogram rows = $after"
stop_server

fail=0
case "$after" in
    [1-9]*) ;;
    *) echo "FAIL: nothing read back after the restart"; fail=1 ;;
esac

#---- valgrind's reports ----
# One report: from "==pid== <Kind...>" to the next "==pid== " blank line,
# or, with --gen-suppressions, the suppression block that follows.
# Prints one line per report: class kind... | innermost non-libc frame
classify() {
    awk -v so="$so" '
        FILENAME == ARGV[1] { fn[$1] = 1; next }
        FILENAME == ARGV[2] { file[$1] = 1; next }
        # is this "at/by 0x..: func (file.c:N)" or "(in .../pg_slow_statements.so)" ours?
        function ours(line,   f, src) {
            if (index(line, so)) return 1
            f = line; sub(/^==[0-9]+== +(at|by) 0x[0-9A-F]+: /, "", f); sub(/ .*/, "", f)
            src = line; if (!match(src, /\([^ ()]+\.c:[0-9]+\)$/)) return 0
            src = substr(src, RSTART + 1, RLENGTH - 2); sub(/:[0-9]+$/, "", src)
            return (f in fn) && (src in file)
        }
        function flush() {
            if (!inrep) return
            cls = "pg"
            if (through) cls = "through"
            if (firstours) cls = "ours"
            print cls "\t" kind "\t" first
            inrep = 0
        }
        /^==[0-9]+== [A-Z]/ {
            flush()
            inrep = 1; through = 0; first = ""; firstours = 0; instack = 1
            kind = $0; sub(/^==[0-9]+== /, "", kind)
            next
        }
        # the first stack is where the error happened; allocation and
        # origin stacks follow it after an "Address"/"Uninitialised" line
        inrep && /^==[0-9]+==  [A-Z]/ { instack = 0; next }
        inrep && /^==[0-9]+== +(at|by) 0x/ {
            o = ours($0)
            if (o) through = 1
            if (instack && first == "" &&
                (o || ($0 ~ /\(in \// && $0 !~ /vgpreload|libc\.so|ld-linux/))) {
                first = $0; sub(/^==[0-9]+== +(at|by) 0x[0-9A-F]+: /, "", first)
                firstours = o
            }
            next
        }
        inrep && /^==[0-9]+== $/ { flush(); next }
        END { flush() }
    ' "$dir/our_functions" "$dir/our_files" "$1"
}
: >"$dir/reports.tsv"
for f in "$dir"/vg.*.log; do
    classify "$f" | sed "s|^|$(basename "$f")\t|" >>"$dir/reports.tsv"
done
nlogs=$(ls "$dir"/vg.*.log | wc -l)
total=$(wc -l <"$dir/reports.tsv")
ours=$(awk -F'\t' '$2 == "ours"' "$dir/reports.tsv" | wc -l)
through_bad=$(awk -F'\t' '$2 == "through" && $3 ~ /^(Invalid (read|write|free)|Mismatched free)/' \
    "$dir/reports.tsv" | wc -l)
through=$(awk -F'\t' '$2 == "through"' "$dir/reports.tsv" | wc -l)
echo "valgrind: $nlogs process logs, $total unsuppressed reports:" \
    "$ours in $so's code, $through through it ($through_bad invalid accesses)," \
    "$((total - ours - through)) in PostgreSQL's code"
if [ "$total" -gt 0 ]; then
    echo "--- reports by class, kind and innermost frame"
    cut -f2- "$dir/reports.tsv" | sort | uniq -c | sort -rn | head -40
fi
if [ "$ours" -ne 0 ] || [ "$through_bad" -ne 0 ]; then
    echo "FAIL: reports involving $so:"
    awk -F'\t' '$2 == "ours" || ($2 == "through" && $3 ~ /^(Invalid|Mismatched)/) {print $1}' \
        "$dir/reports.tsv" | sort -u | sed "s|^|  $dir/|" | head -10
    fail=1
fi

#---- crashes ----
killed=$(awk -F'\t' '$3 ~ /^Process terminating/' "$dir/reports.tsv" | wc -l)
if [ "$killed" -ne 0 ]; then
    echo "FAIL: $killed process(es) killed by a signal under valgrind:"
    awk -F'\t' '$3 ~ /^Process terminating/ {print "  " $1 ": " $3}' "$dir/reports.tsv"
    fail=1
fi
if grep -qE "terminated by signal|was terminated|PANIC|TRAP:" "$dir/server.log"; then
    echo "FAIL: a backend crashed under valgrind:"
    grep -E "terminated by signal|was terminated|PANIC|TRAP:" "$dir/server.log" | head -5
    fail=1
fi
if grep -qE "server closed the connection|connection to server .* failed" "$dir/regress.out" \
    "$dir"/results/*.out 2>/dev/null; then
    echo "FAIL: a test lost its connection"
    fail=1
fi

#---- regression diffs ----
# A hunk of regression.diffs (pg_regress writes them with three lines of
# context, so a hunk shows its query or its column names) is accepted when
# it mentions something that depends on elapsed time: sleeps, timeouts,
# execution times, timestamps, the slow-execution insights and the latency
# histogram.  Any other changed output fails the run.
timing_ok='pg_sleep|statement_timeout|_time|time_|_at[^a-z]|_at$|since|stats_reset|reset_ok|last_call|slow|percentile|p[0-9][0-9]|hist|bucket'
if [ -s "$dir/regression.diffs" ]; then
    awk -v ok="$timing_ok" '
        function judge() {
            if (changed && hunk !~ ok) { nbad++; print "-- hunk without a timing-dependent line:"; printf "%s", hunk }
            else if (changed) nok++
            hunk = ""; changed = 0
        }
        /^diff / || /^@@ / { judge(); if (/^@@ /) hunk = $0 "\n"; next }
        /^(\+\+\+|---) / { next }
        { hunk = hunk $0 "\n"; if (/^[-+]/) changed = 1 }
        END { judge(); printf "regression.diffs: %d hunks accepted as timing-dependent, %d not\n", nok, nbad; exit nbad > 0 }
    ' "$dir/regression.diffs" >"$dir/diffs_judged.out"
    diffs_rc=$?
    tail -1 "$dir/diffs_judged.out"
    if [ "$diffs_rc" -ne 0 ]; then
        echo "FAIL: regression diffs beyond timing-dependent output:"
        head -40 "$dir/diffs_judged.out"
        fail=1
    fi
elif [ "$regress_rc" -ne 0 ]; then
    echo "FAIL: pg_regress exited $regress_rc without diffs"; tail -20 "$dir/regress.out"
    fail=1
fi

echo "logs: $dir"
[ "$fail" -eq 0 ] && echo "valgrind: PASS" || echo "valgrind: FAIL"
exit $fail
