#!/bin/bash
# test/bench/readers.sh: what a read of the whole view costs at 5,000,
# 10,000 and 100,000 entries, next to pg_stat_statements' view with the same
# entries, in one run.  Called by bench.sh (`make bench`); runs alone too:
#   PG_CONFIG=/path/to/pg_config bash test/bench/readers.sh   (as root)
#
# One cluster preloads both extensions, each with max = 110000, so that both
# hold the same entries: N distinct statements (each names its own CTE:
# both extensions see a new statement).  For each N, the cases below are
# measured; the "43" cases select the columns pg_stat_statements' view has
# (on PostgreSQL 15, 43 of them) from both views:
#   pss43, pgss43          those columns, texts on
#   pss43_notext,          the same with showtext => false
#     pgss43_notext
#   pss_all, pss_notext    every column of pg_slow_statements, texts on, off
#   pss_count, pgss_count  count(*) of each extension's function, no texts
#   pss_top                pg_slow_statements_top
# and for each:
#   temp files / read      temporary files written per read and their size,
#                          from the server log (log_temp_files = 0,
#                          work_mem left at its default)
#   median ms              median latency of a read as psql's \timing gives
#                          it (rows received, not printed), the cases taking
#                          turns, ROUNDS rounds
#   Ir / read              instructions per read: callgrind on
#                          `postgres --single` over a copy of the stopped
#                          cluster (both extensions load the statistics
#                          they saved), (Ir of K reads - Ir of none) / K;
#                          each read is COPY (query) TO '/dev/null', which
#                          converts every value to text as a client's read
#                          does (the single-user backend's own printing of
#                          rows would cost ten times the read)
#   CPU ms / read          the reading backend's user + system time per
#                          read (/proc/PID/stat, in ticks of the clock),
#                          over POLLS reads of each case in a session of
#                          its own: counts cache misses and page faults,
#                          which instructions do not
#   faults / read          the reading backend's minor page faults during
#                          a read (minflt of /proc/PID/stat), median: the
#                          memory a read takes afresh, in pages
#   new: ms, CPU ms,       the same three for the first read of a new
#     faults               connection (psql -f with one read), median of
#                          POLLS connections: what a tool that connects for
#                          each poll pays
#   read MB                peak growth of the reading backend's anonymous
#                          memory during one read (RssAnon, sampled)
# and the writers' throughput: pgbench -c 2 -j 2 -M prepared on an
# existing entry, alone, then while a loop reads pss43 or pgss43 without
# pause (pgbench -c 1), then while it reads one of them once a second
# (pgbench -R 1: ten times as often as a dashboard polling every 10 s), the
# five taking turns, ROUNDS rounds, medians.  Two writers keep the CPUs
# busy: a lone client and its backend, waiting on each other, run several
# times faster on a virtual machine when something else keeps its CPUs
# awake, which would make any poller look like a help.  On a machine with
# 2 CPUs a loop without pause takes a share of them: that ratio is mostly
# that, hence printed for both extensions; the paced loop shows what
# polling costs writers at a dashboard's pace (the CPU of the reads, the
# lock readers take).
#
# Environment: PG_CONFIG (default: pg_config in PATH), BENCH_QUICK=1 (10,000
# entries only, one round, a couple of minutes), READERS_SIZES (the numbers
# of entries, for example "5000 100000"), READERS_SKIP (parts not measured:
# "writers", "instructions" or both), READERS_CONF (lines added to the
# server's configuration, for example "huge_pages = on"), BENCH_OUT=DIR
# (where to keep the report; default a new /tmp/pss_readers.XXXXXX).  Needs pgbench, psql,
# valgrind (test/deps.sh installs them); installs nothing itself.
set -eu
pg_config=${PG_CONFIG:-pg_config}
bindir=$("$pg_config" --bindir)
export PATH=$bindir:$PATH

if [ "${BENCH_QUICK:-0}" = 1 ]; then
    sizes="10000"; rounds=1; seconds=2; polls=3
else
    sizes="5000 10000 100000"; rounds=5; seconds=5; polls=7
fi
sizes=${READERS_SIZES:-$sizes}
if [ "$(id -u)" != 0 ]; then
    echo "run as root: the servers run as postgres" >&2
    exit 1
fi

tmp=$(mktemp -d /tmp/pss_readers.XXXXXX)
out=${BENCH_OUT:-$(mktemp -d /tmp/pss_readers_results.XXXXXX)}
mkdir -p "$out"
chown postgres:postgres "$tmp"
data="$tmp/data"
running=""

# shellcheck source=test/lib.sh
. "$(dirname "$0")/../lib.sh"

# cleanup: end our background jobs, stop our server, remove the temporary
# directory (the results stay)
cleanup() {
    end_jobs
    [ -z "$running" ] || stop_server "$data"
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# a free port from 56432 up (the port only names the socket file)
port=56432
while [ -e "$tmp/.s.PGSQL.$port" ] ||
    grep -q "$(printf ':%04X ' $port)" /proc/net/tcp 2>/dev/null; do
    port=$((port + 1))
done

as_pg initdb -D "$data" -U postgres -A trust -E UTF8 --no-locale --no-sync \
    >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log"; exit 1; }
cat >>"$data/postgresql.conf" <<EOF

# pg_slow_statements reader benchmark (throwaway cluster)
listen_addresses = ''
unix_socket_directories = '$tmp'
port = $port
max_connections = 20
fsync = off
synchronous_commit = off
jit = off
shared_preload_libraries = 'pg_stat_statements,pg_slow_statements'
pg_stat_statements.max = 110000
pg_slow_statements.max = 110000
log_temp_files = 0
log_line_prefix = '%m [%p] %a '
${READERS_CONF:-}
EOF

start() {
    as_pg pg_ctl -D "$data" -l "$tmp/server.log" -w start >/dev/null ||
        { tail -20 "$tmp/server.log"; exit 1; }
    running=1
}
stop() {
    as_pg pg_ctl -D "$data" -m fast -w stop >/dev/null
    running=""
}
sql() {
    as_pg psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$tmp" -p "$port" postgres \
        -c "$1"
}

start
sql "CREATE EXTENSION pg_stat_statements" >/dev/null
sql "CREATE EXTENSION pg_slow_statements" >/dev/null
cols=$(sql "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum)
              FROM pg_attribute
             WHERE attrelid = 'pg_stat_statements'::regclass AND attnum > 0")
ncols=$(sql "SELECT count(*) FROM pg_attribute
              WHERE attrelid = 'pg_stat_statements'::regclass AND attnum > 0")
cases="pss43 pgss43 pss43_notext pgss43_notext pss_all pss_notext pss_count pgss_count pss_top"
query_of() {
    case $1 in
        pss43)          echo "SELECT $cols FROM pg_slow_statements" ;;
        pgss43)         echo "SELECT $cols FROM pg_stat_statements" ;;
        pss43_notext)   echo "SELECT $cols FROM pg_slow_statements(showtext => false)" ;;
        pgss43_notext)  echo "SELECT $cols FROM pg_stat_statements(showtext => false)" ;;
        pss_all)        echo "SELECT * FROM pg_slow_statements" ;;
        pss_notext)     echo "SELECT * FROM pg_slow_statements(showtext => false)" ;;
        pss_count)      echo "SELECT count(*) FROM pg_slow_statements(false)" ;;
        pgss_count)     echo "SELECT count(*) FROM pg_stat_statements(false)" ;;
        pss_top)        echo "SELECT * FROM pg_slow_statements_top" ;;
    esac
}

# fill N: reset both extensions, then N distinct statements
fill() {
    sql "SELECT pg_stat_statements_reset()" >/dev/null
    sql "SELECT pg_slow_statements_reset()" >/dev/null
    awk -v n="$1" 'BEGIN { for (k = 1; k <= n; k++)
        printf "WITH w%d AS (SELECT %d AS aid, %d AS bid, %s AS filler) " \
               "SELECT aid, filler FROM w%d WHERE bid > 0 ORDER BY aid;\n",
               k, k, k, "'\''abc'\''", k }' >"$tmp/fill.sql"
    chown postgres "$tmp/fill.sql"
    as_pg psql -X -q -h "$tmp" -p "$port" postgres -f "$tmp/fill.sql" \
        >/dev/null
}

# Medians and the table are computed by awk from lines "N CASE KEY VALUE"
: >"$tmp/figures"
record() {
    echo "$*" >>"$tmp/figures"
}

# reads N: temporary files and latency, the cases taking turns
reads() {
    local n=$1 r c before f bytes script
    script="$tmp/reads.sql"
    {
        printf '%s\n' '\timing on'
        echo '\o /dev/null'
        for r in $(seq 1 "$polls"); do
            for c in $cases; do
                echo "SET application_name = '$c';"
                echo '\o /dev/null'
                query_of "$c" | sed 's/$/;/'
            done
        done
    } >"$script"
    chown postgres "$script"
    before=$(wc -l <"$tmp/server.log")
    as_pg psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$tmp" -p "$port" postgres \
        -f "$script" >"$tmp/timing.out"
    # every second Time line is a read (the first is its SET)
    awk -v cases="$cases" 'BEGIN { nc = split(cases, c, " ") }
        /^Time: / { t++; if (t % 2 == 0) { i = (t / 2 - 1) % nc + 1;
                    print c[i], $2 } }' "$tmp/timing.out" |
        while read -r c ms; do record "$n $c ms $ms"; done
    for c in $cases; do
        f=$(tail -n +"$((before + 1))" "$tmp/server.log" |
            grep -c " $c LOG:  temporary file: " || true)
        bytes=$(tail -n +"$((before + 1))" "$tmp/server.log" |
            grep " $c LOG:  temporary file: " |
            awk '{ s += $NF } END { print s + 0 }')
        record "$n $c temp_files $(awk -v f="$f" -v p="$polls" 'BEGIN { print f / p }')"
        record "$n $c temp_mb $(awk -v b="$bytes" -v p="$polls" 'BEGIN { printf "%.1f", b / p / 1048576 }')"
    done
}

# cpu N: CPU time and minor page faults of the reading backend per read
# (user + system time and minflt, from /proc/PID/stat), over POLLS reads of
# each case in its own session after one read to warm it: unlike
# instructions, this counts cache misses and page faults.  Each case has a
# session of its own: reads of the other extension in the same backend
# would change what the allocator has at hand for this one.
cpu() {
    local n=$1 c
    for c in $cases; do
        {
            echo 'SELECT pg_backend_pid() AS pid \gset'
            echo '\setenv PID :pid'
            echo '\o /dev/null'
            query_of "$c" | sed 's/$/;/'
            for _ in $(seq 1 "$polls"); do
                echo '\o'
                echo "\\! awk '{ print \$10, \$14 + \$15 }' /proc/\$PID/stat"
                echo '\o /dev/null'
                query_of "$c" | sed 's/$/;/'
            done
            echo '\o'
            echo "\\! awk '{ print \$10, \$14 + \$15 }' /proc/\$PID/stat"
        } >"$tmp/cpu.sql"
        chown postgres "$tmp/cpu.sql"
        as_pg psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$tmp" -p "$port" \
            postgres -f "$tmp/cpu.sql" >"$tmp/cpu.out"
        # lines "minflt ticks" between reads: faults of each read, CPU
        # over all of them (a read takes a few ticks of 10 ms)
        awk -v n="$n" -v c="$c" -v p="$polls" -v hz="$(getconf CLK_TCK)" '
            NR > 1 { print n, c, "faults", $1 - f }
            NR == 1 { t0 = $2 }
            { f = $1; t = $2 }
            END { printf "%s %s cpu_ms %.1f\n", n, c, (t - t0) * 1000 / hz / p }' \
            "$tmp/cpu.out" >>"$tmp/figures"
    done
}

# first N: the first read of a new connection, POLLS connections per case,
# the cases taking turns: latency (psql's \timing), CPU time and minor page
# faults of the backend during that read (/proc/PID/stat before and after)
first() {
    local n=$1 c r
    for r in $(seq 1 "$polls"); do
        for c in $cases; do
            {
                echo 'SELECT pg_backend_pid() AS pid \gset'
                echo '\setenv PID :pid'
                echo "\\! awk '{ print \"stat\", \$10, \$14 + \$15 }' /proc/\$PID/stat"
                echo '\timing on'
                echo '\o /dev/null'
                query_of "$c" | sed 's/$/;/'
                echo '\o'
                echo '\timing off'
                echo "\\! awk '{ print \"stat\", \$10, \$14 + \$15 }' /proc/\$PID/stat"
            } >"$tmp/first.sql"
            chown postgres "$tmp/first.sql"
            as_pg psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$tmp" -p "$port" \
                postgres -f "$tmp/first.sql" >"$tmp/first.out"
            awk -v n="$n" -v c="$c" -v hz="$(getconf CLK_TCK)" '
                /^stat / { if (f != "") { print n, c, "new_faults", $2 - f
                           printf "%s %s new_cpu_ms %.1f\n", n, c, ($3 - t) * 1000 / hz }
                           f = $2; t = $3 }
                /^Time: / { print n, c, "new_ms", $2 }' \
                "$tmp/first.out" >>"$tmp/figures"
        done
    done
}

# memory N: peak RssAnon growth of the backend during one read of each case
memory() {
    local n=$1 c pid psql_pid base peak v
    for c in pss43 pgss43 pss_all pss_notext pss_top; do
        PGAPPNAME="mem_$c" as_pg psql -X -q -h "$tmp" -p "$port" postgres \
            -c "SELECT pg_sleep(0.5)" -c "$(query_of "$c")" >/dev/null &
        psql_pid=$!
        pid=""
        while [ -z "$pid" ]; do
            sleep 0.05
            pid=$(sql "SELECT pid FROM pg_stat_activity
                        WHERE application_name = 'mem_$c'")
        done
        base=$(awk '/^RssAnon/ { print $2 }' "/proc/$pid/status")
        peak=$base
        while kill -0 "$psql_pid" 2>/dev/null; do
            v=$(awk '/^RssAnon/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
            [ -z "$v" ] || [ "$v" -le "$peak" ] || peak=$v
            sleep 0.005
        done
        wait "$psql_pid"
        record "$n $c read_mb $(awk -v a="$peak" -v b="$base" 'BEGIN { printf "%.1f", (a - b) / 1024 }')"
    done
}

# writers N: writer throughput alone and while a loop polls
writers() {
    local n=$1 r mode log poll_pid
    echo '\set k random(1, 1000000)' >"$tmp/writer.sql"
    echo "WITH w1 AS (SELECT :k AS aid, 1 AS bid, 'abc' AS filler) SELECT aid, filler FROM w1 WHERE bid > 0 ORDER BY aid;" \
        >>"$tmp/writer.sql"
    query_of pss43 | sed 's/$/;/' >"$tmp/poll_pss.sql"
    query_of pgss43 | sed 's/$/;/' >"$tmp/poll_pgss.sql"
    chown postgres "$tmp"/*.sql
    for r in $(seq 1 "$rounds"); do
        for mode in alone pss pgss pss_1s pgss_1s; do
            log="$tmp/writer.$n.$r.$mode"
            poll_pid=""
            case $mode in
                pss | pgss)
                    as_pg pgbench -n -h "$tmp" -p "$port" -c 1 -T "$seconds" \
                        -f "$tmp/poll_$mode.sql" postgres >"$log.poll" 2>&1 &
                    poll_pid=$! ;;
                *_1s)
                    as_pg pgbench -n -h "$tmp" -p "$port" -c 1 -R 1 \
                        -T "$seconds" -f "$tmp/poll_${mode%_1s}.sql" postgres \
                        >"$log.poll" 2>&1 &
                    poll_pid=$! ;;
            esac
            as_pg pgbench -n -h "$tmp" -p "$port" -c 2 -j 2 -M prepared \
                -T "$seconds" -f "$tmp/writer.sql" postgres >"$log" 2>&1 ||
                { tail "$log" >&2; exit 1; }
            [ -z "$poll_pid" ] || wait "$poll_pid"
            record "$n writer tps_$mode $(sed -nE 's/^tps = ([0-9.]+) .*/\1/p' "$log")"
        done
    done
}

# instructions N: callgrind per read, on copies of the stopped cluster
instructions() {
    local n=$1 c k d njobs=0
    k=$([ "$n" -ge 100000 ] && echo 2 || echo 4)
    [ "${BENCH_QUICK:-0}" != 1 ] || k=1
    stop
    for c in base $cases; do
        d="$tmp/cg.$c"
        as_pg cp -a "$data" "$d"
        : >"$tmp/cg.$c.sql"
        if [ "$c" != base ]; then
            for _ in $(seq 1 "$k"); do
                echo "COPY ($(query_of "$c")) TO '/dev/null'"
            done >"$tmp/cg.$c.sql"
        fi
        chown postgres "$tmp/cg.$c.sql"
        (
            as_pg valgrind --tool=callgrind --callgrind-out-file="$d.out" \
                postgres --single -D "$d" -c log_temp_files=-1 postgres \
                <"$tmp/cg.$c.sql" >/dev/null 2>"$d.log" || true
            as_pg rm -rf "$d"
        ) &
        njobs=$((njobs + 1))
        if [ "$njobs" -ge 2 ]; then
            wait -n || true
            njobs=$((njobs - 1))
        fi
    done
    wait
    base_ir=$(sed -n 's/^totals: *//p' "$tmp/cg.base.out")
    for c in base $cases; do
        # the server's messages follow log_line_prefix; a run that ended
        # early (one that did not load the saved statistics, say) costs
        # less than the base run and would give a negative count
        if grep -qE '(^|[] ])(ERROR|FATAL|PANIC|WARNING): |Process terminating' \
            "$tmp/cg.$c.log" || ! grep -q '^totals:' "$tmp/cg.$c.out" ||
            { [ "$c" != base ] &&
              [ "$(sed -n 's/^totals: *//p' "$tmp/cg.$c.out")" -le "$base_ir" ]; }; then
            echo "callgrind run $n/$c failed (log and output in $out):" >&2
            tail -5 "$tmp/cg.$c.log" >&2
            mkdir -p "$out/callgrind.$n"
            cp "$tmp"/cg.*.out "$tmp"/cg.*.log "$out/callgrind.$n/" 2>/dev/null || true
            exit 1
        fi
        [ "$c" = base ] ||
            record "$n $c ir $(awk -v a="$(sed -n 's/^totals: *//p' "$tmp/cg.$c.out")" \
                -v b="$base_ir" -v k="$k" 'BEGIN { printf "%.0f", (a - b) / k }')"
    done
    mkdir -p "$out/callgrind.$n"
    cp "$tmp"/cg.*.out "$out/callgrind.$n/"
    rm -f "$tmp"/cg.*
    start
}

# skipped PART: is PART (writers, instructions) in READERS_SKIP?
skipped() {
    case " ${READERS_SKIP:-} " in
        *" $1 "*) return 0 ;;
    esac
    return 1
}

echo "== readers: $ncols columns of pg_stat_statements; entries: $sizes"
t0=$(date +%s)
for n in $sizes; do
    fill "$n"
    got=$(sql "SELECT (SELECT count(*) FROM pg_slow_statements(false)) || ' / ' ||
                      (SELECT count(*) FROM pg_stat_statements(false))")
    echo "$n entries (pg_slow_statements / pg_stat_statements): $got"
    reads "$n"
    cpu "$n"
    first "$n"
    memory "$n"
    skipped writers || writers "$n"
    skipped instructions || instructions "$n"
    echo "$n done ($(( $(date +%s) - t0 )) s)"
done
cp "$tmp/figures" "$out/readers.figures"

# The table: medians per (N, case)
awk -v cases="$cases" -v sizes="$sizes" '
function median(key,    n, i, j, t, a) {
    n = cnt[key]
    for (i = 1; i <= n; i++) a[i] = v[key, i]
    for (i = 2; i <= n; i++) {
        t = a[i]
        for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]
        a[j + 1] = t
    }
    if (n == 0) return ""
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
# a median, with its ratio to the peer case in brackets if there is one
function with_ratio(n, k, peer, what,    m, p) {
    m = median(n SUBSEP k SUBSEP what)
    p = (peer != k) ? median(n SUBSEP peer SUBSEP what) : ""
    if (p != "" && p > 0)
        return sprintf("%.1f (%.2f)", m, m / p)
    return m
}
{ key = $1 SUBSEP $2 SUBSEP $3; v[key, ++cnt[key]] = $4 }
END {
    nc = split(cases, c, " "); ns = split(sizes, s, " ")
    printf "%-8s %-14s %10s %9s %14s %14s %9s %15s %13s %16s %16s %13s %8s\n", "entries", "case",
        "temp/read", "temp MB", "median ms", "Ir/read", "Ir ratio",
        "CPU ms/read", "faults/read", "new: ms", "new: CPU ms",
        "new: faults", "read MB"
    for (i = 1; i <= ns; i++) {
        for (j = 1; j <= nc; j++) {
            n = s[i]; k = c[j]
            ir = median(n SUBSEP k SUBSEP "ir")
            peer = k; sub(/^pss/, "pgss", peer)
            ratio = "-"
            if (peer != k && median(n SUBSEP peer SUBSEP "ir") > 0)
                ratio = sprintf("%.2f", ir / median(n SUBSEP peer SUBSEP "ir"))
            msr = median(n SUBSEP k SUBSEP "ms")
            if (peer != k && median(n SUBSEP peer SUBSEP "ms") > 0)
                msr = sprintf("%.1f (%.2f)", msr, msr / median(n SUBSEP peer SUBSEP "ms"))
            cpu = median(n SUBSEP k SUBSEP "cpu_ms")
            if (peer != k && median(n SUBSEP peer SUBSEP "cpu_ms") > 0)
                cpu = sprintf("%.1f (%.2f)", cpu, cpu / median(n SUBSEP peer SUBSEP "cpu_ms"))
            flt = median(n SUBSEP k SUBSEP "faults")
            nms = with_ratio(n, k, peer, "new_ms")
            ncpu = with_ratio(n, k, peer, "new_cpu_ms")
            nflt = median(n SUBSEP k SUBSEP "new_faults")
            printf "%-8s %-14s %10s %9s %14s %14s %9s %15s %13s %16s %16s %13s %8s\n", n, k,
                median(n SUBSEP k SUBSEP "temp_files"),
                median(n SUBSEP k SUBSEP "temp_mb"), msr, ir, ratio, cpu, flt,
                nms, ncpu, nflt,
                (cnt[n SUBSEP k SUBSEP "read_mb"] ? median(n SUBSEP k SUBSEP "read_mb") : "-")
        }
        if (!cnt[n SUBSEP "writer" SUBSEP "tps_alone"])
            continue
        a = median(n SUBSEP "writer" SUBSEP "tps_alone")
        p = median(n SUBSEP "writer" SUBSEP "tps_pss")
        g = median(n SUBSEP "writer" SUBSEP "tps_pgss")
        printf "%-8s writers tps: alone %.0f, polled by pss43 %.0f (%.2f), by pgss43 %.0f (%.2f)\n",
            n, a, p, (a > 0 ? p / a : 0), g, (a > 0 ? g / a : 0)
        p = median(n SUBSEP "writer" SUBSEP "tps_pss_1s")
        g = median(n SUBSEP "writer" SUBSEP "tps_pgss_1s")
        printf "%-8s writers tps: polled once a second by pss43 %.0f (%.2f), by pgss43 %.0f (%.2f)\n",
            n, p, (a > 0 ? p / a : 0), g, (a > 0 ? g / a : 0)
    }
}' "$tmp/figures" | tee "$out/readers.txt"
echo "(ratios to the same case of pg_stat_statements in brackets; CPU ms/read: the reading backend's user + system time; faults/read: its minor page faults, median; new: the first read of a new connection)"
echo "reader figures and callgrind files: $out"
