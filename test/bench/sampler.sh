#!/bin/bash
# test/bench/sampler.sh: what the sampler and track_cpu cost (part of
# `make bench`, after bench.sh's tables; or alone, as root, once the
# extension is installed for PG_CONFIG).
#
#   1. the sampler's CPU: its process's utime + stime (/proc/PID/stat) over
#      SECONDS at the default sample_interval (10 ms), with no client, with
#      100 idle connections and with 100 connections running statements
#      (each a pg_sleep(0.05) in a loop, so that the machine is not
#      saturated and the sampler is what is measured), as a percentage of
#      one CPU;
#   2. track_cpu: the time per statement of a PL/pgSQL loop of PERFORMs,
#      each a nested statement tracked with track = all, with track_cpu off
#      and on, taking turns for ROUNDS rounds; the median difference is what
#      track_cpu's getrusage calls cost a statement, in microseconds (no
#      client round trip in it to blur the figure).
#
# Environment: PG_CONFIG (default Debian 12's 15), BENCH_QUICK=1 (5-second
# runs, one round), BENCH_OUT (a directory for sampler.txt).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
bindir=$("$PG_CONFIG" --bindir)
export PATH=$bindir:$PATH
if [ "${BENCH_QUICK:-0}" = 1 ]; then
    seconds=5; rounds=1; loops=20000
else
    seconds=30; rounds=5; loops=200000
fi

tmp=$(mktemp -d /tmp/pss_sampler.XXXXXX)
chown postgres:postgres "$tmp"
running=""
# shellcheck source=test/lib.sh
. "$top/test/lib.sh"
cleanup() {
    end_jobs
    [ -z "$running" ] || stop_server "$running"
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=55480
while port_in_use "$port"; do port=$((port + 1)); done
sock="$tmp/sock"
as_pg mkdir "$sock"
as_pg initdb -D "$tmp/data" -U postgres -A trust -E UTF8 --no-locale \
    --no-sync >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log"; exit 1; }
cat >>"$tmp/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$sock'
port = $port
max_connections = 230
fsync = off
synchronous_commit = off
jit = off
shared_preload_libraries = 'pg_slow_statements'
CONF
as_pg pg_ctl -D "$tmp/data" -l "$tmp/log" -w start >/dev/null ||
    { cat "$tmp/log"; exit 1; }
running="$tmp/data"

psql_() {
    as_pg psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$sock" -p "$port" postgres "$@"
}
psql_ -c "CREATE EXTENSION pg_slow_statements"

sampler=$(psql_ -c "SELECT pid FROM pg_stat_activity
                     WHERE backend_type = 'pg_slow_statements sampler'")
[ -n "$sampler" ] || { echo "no sampler" >&2; exit 1; }
hz=$(getconf CLK_TCK)

# cpu_ticks PID: utime + stime of a process, in clock ticks
cpu_ticks() {
    awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# sampler_pct: the sampler's CPU over SECONDS, as a percentage of one CPU
sampler_pct() {
    local t0 t1
    t0=$(cpu_ticks "$sampler")
    sleep "$seconds"
    t1=$(cpu_ticks "$sampler")
    awk -v d=$((t1 - t0)) -v hz="$hz" -v s="$seconds" \
        'BEGIN { printf "%.2f", 100 * d / hz / s }'
}

printf '%s\n' '\sleep 1 s' >"$tmp/idle.sql"
echo "SELECT pg_sleep(0.05);" >"$tmp/busy.sql"
chown postgres "$tmp"/*.sql

{
echo "== the sampler's CPU (sample_interval = 10 ms, $seconds s each;" \
    "$(nproc) CPUs, load average $(cut -d' ' -f1 /proc/loadavg))"
echo "no connection:             $(sampler_pct) % of one CPU"
as_pg pgbench -n -h "$sock" -p "$port" -c 100 -j 4 -T $((seconds + 10)) \
    -f "$tmp/idle.sql" postgres >"$tmp/idle.log" 2>&1 &
sleep 5
echo "100 idle connections:      $(sampler_pct) % of one CPU"
wait
as_pg pgbench -n -h "$sock" -p "$port" -c 100 -j 4 -T $((seconds + 10)) \
    -f "$tmp/busy.sql" postgres >"$tmp/busy.log" 2>&1 &
sleep 5
echo "100 running statements:    $(sampler_pct) % of one CPU"
wait

echo "== track_cpu ($rounds round(s) of a PL/pgSQL loop of $loops PERFORMs," \
    "each a statement tracked with track = all, off and on in turns;" \
    "microseconds per statement, from clock_timestamp() around the loop)"
for r in $(seq 1 "$rounds"); do
    for mode in off on; do
        us=$(psql_ -c "SET pg_slow_statements.track = 'all'" \
            -c "SET pg_slow_statements.track_cpu = $mode" \
            -c "DO \$\$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN
    FOR i IN 1 .. $loops LOOP PERFORM abs(i); END LOOP;
    RAISE NOTICE 'us=%', round(extract(epoch FROM clock_timestamp() - t0)
                               * 1e6 / $loops, 3);
END
\$\$" 2>&1 | sed -nE 's/.*us=([0-9.]+).*/\1/p')
        echo "round $r track_cpu=$mode: $us us"
    done
done | tee "$tmp/cpu.txt"
# the median of the rounds' differences (mawk has no sort)
awk '/track_cpu=off/ { off[$2] = $4 } /track_cpu=on/ { on[$2] = $4 }
     END { for (r in off) print on[r] - off[r] }' "$tmp/cpu.txt" |
    sort -g | awk '{ d[NR] = $1 }
     END { m = (NR % 2) ? d[(NR + 1) / 2] : (d[NR / 2] + d[NR / 2 + 1]) / 2
           printf "track_cpu costs %.2f us per statement (median of %d differences)\n", m, NR }'
psql_ -c "SELECT 'cpu_calls of the loop''s statement: ' || sum(cpu_calls) || ' of ' || sum(calls) || ' calls'
            FROM pg_slow_statements WHERE query LIKE 'SELECT abs(i)%'"
} | tee "${BENCH_OUT:-$tmp}/sampler.txt"
