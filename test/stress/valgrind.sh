#!/bin/bash
# test/stress/valgrind.sh: the pg_regress suite with the server under
# valgrind memcheck.
#
# Run as the postgres user from a tree it owns (test/stress/stress.sh
# arranges that), with the extension installed.  Starts a throwaway cluster
# with the library preloaded under valgrind (--trace-children, one log per
# process), runs sql/[0-9]*.sql against it with pg_regress, stops it, and
# fails if any log shows an invalid read or write, or an invalid free,
# whose stack passes through pg_slow_statements.so.  Other reports
# (PostgreSQL's own, see valgrind.supp) are counted and listed, not failed.
# Takes 10 to 20 minutes on two cores.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
export PATH=/usr/lib/postgresql/15/bin:$PATH
dir=$(mktemp -d /tmp/pss_valgrind.XXXXXX)
port=${PSS_VALGRIND_PORT:-54329}
pgxs=$(dirname "$(pg_config --pgxs)")/..

initdb -D "$dir/data" -A trust >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; exit 1; }
cat "$top/test/pg_slow_statements.conf" >>"$dir/data/postgresql.conf"
cat >>"$dir/data/postgresql.conf" <<CONF
port = $port
unix_socket_directories = '$dir'
listen_addresses = ''
max_connections = 10
CONF

valgrind --quiet --trace-children=yes --track-origins=no \
    --suppressions="$top/test/stress/valgrind.supp" \
    --error-limit=no --num-callers=30 \
    --log-file="$dir/vg.%p.log" \
    postgres -D "$dir/data" >"$dir/server.log" 2>&1 &
vgpid=$!

for _ in $(seq 1 300); do
    pg_isready -h "$dir" -p "$port" -q && break
    sleep 1
done
pg_isready -h "$dir" -p "$port" -q || { echo "server did not start"; tail "$dir/server.log"; exit 1; }

tests=$(cd "$top/sql" && ls [0-9]*.sql | sed 's/\.sql$//')
"$pgxs/src/test/regress/pg_regress" --host="$dir" --port="$port" \
    --inputdir="$top" --outputdir="$dir" --dbname=contrib_regression \
    $tests >"$dir/regress.out" 2>&1
regress_rc=$?
cat "$dir/regress.out" | grep -E "ok|FAILED|tests"

pg_ctl -D "$dir/data" -m fast -w -t 600 stop >/dev/null 2>&1
wait $vgpid 2>/dev/null

total=$(cat "$dir"/vg.*.log | grep -cE "^==[0-9]+== [A-Z]")
ours=0
for f in "$dir"/vg.*.log; do
    # one report = lines from "==pid== Invalid ..." to the next blank report line
    n=$(awk '/== (Invalid (read|write|free)|Mismatched free)/ {inrep=1; hit=0; next}
             inrep && /pg_slow_statements\.so/ {hit=1}
             inrep && /^==[0-9]+== $/ {if (hit) c++; inrep=0}
             END {print c+0}' "$f")
    ours=$((ours + n))
done
echo "valgrind: $(ls "$dir"/vg.*.log | wc -l) process logs, $total report lines, $ours invalid accesses in pg_slow_statements.so"
echo "logs: $dir"
if [ "$ours" -ne 0 ]; then
    grep -l "pg_slow_statements.so" "$dir"/vg.*.log | head -5
    exit 1
fi
# the regression diffs under valgrind are not failures (timing, plans),
# but a crash would be
if grep -q "terminated by signal" "$dir/server.log"; then
    echo "a backend crashed under valgrind"; exit 1
fi
exit 0
