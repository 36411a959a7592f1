#!/bin/bash
# test/bench/bench.sh: what pg_slow_statements costs, next to
# pg_stat_statements, on the same workloads in the same run.
#
# Run as root on Debian 12 (`make bench`):
#   1. installs the Debian packages that are missing (test/deps.sh), builds
#      and installs the extension;
#   2. in a temporary directory owned by postgres, makes a template data
#      directory once (initdb, pgbench -i at scale 1, both extensions
#      created) and writes the workloads (gen_workloads.py, fixed seeds);
#   3. instructions per statement: feeds each workload's statements to
#      `postgres --single` under `valgrind --tool=callgrind`, in three
#      configurations: none (no library), pgss (pg_stat_statements,
#      defaults) and pss (pg_slow_statements, defaults).  Every run starts
#      from a fresh copy of the template, so no saved statistics carry over.
#      Per statement = (Ir of set-up + N statements - Ir of set-up alone) / N,
#      which removes start-up, shutdown and set-up.  The extended protocol
#      cannot be spoken to `postgres --single`: for prepared-ext, the
#      postmaster runs under callgrind (which follows the forked backends,
#      one output file each), autovacuum off, and one pgbench client runs
#      -M prepared -t B and then, on another fresh copy, -t B+N; the client
#      backend's file is the only one whose calls to PortalRun number the
#      transactions run; per statement = (Ir(B+N) - Ir(B)) / N.  Counts do
#      not depend on the machine's load, so two runs go at a time;
#   4. throughput: one cluster per configuration (copies of the template,
#      Unix socket only, one running at a time), pgbench -c 2 -j 2 for
#      -T seconds per run; the configurations take turns (none, pgss, pss,
#      none, ...) for each workload, in ROUNDS rounds; medians are reported.
#      Every run restarts its server and resets its statistics first;
#   5. prints machine information, the table and a summary line with
#      (pss added cost) / (pgss added cost) per workload, and keeps the
#      callgrind profiles of pg_slow_statements in the results directory:
#      per function, then grouped into categories (clock reads, fingerprint,
#      store lookup, counters, hooks, libc, postgres, ...: the patterns are
#      in report.py), printed as one table for all workloads.
#
# Workloads (details in gen_workloads.py):
#   simple        a point lookup sent as text with a new literal each time
#   prepared-sql  the same statement prepared once with SQL PREPARE,
#                 executed with SQL EXECUTE s(literal); no throughput row
#                 (pgbench cannot prepare it once per connection)
#   prepared-ext  the same statement over the extended protocol (Parse
#                 once, then Bind/Execute with a parameter): pgbench -M
#                 prepared, -c 1 for the instructions
#   orm           1-2 kB Django-style statements with IN lists of 5 to 80
#                 ids
#   orm-tags      the same as an instrumented Django application sends
#                 them: application_name set, and a sqlcommenter comment
#                 of one of eight routes with its own traceparent
#   churn         distinct statements against a full table of max entries:
#                 nearly every statement evicts one
#   readers       the simple workload while another session reads the whole
#                 view, max entries present; reports the writer's
#                 throughput and the reader's latency
#
# Then test/bench/readers.sh: reads of the whole view at 5,000, 10,000 and
# 100,000 entries next to pg_stat_statements' (temporary files, latency,
# instructions, memory, writers' throughput while polling);
# and test/bench/sampler.sh: the sampler's CPU, and track_cpu's cost.
#
# Environment:
#   PG_CONFIG      the server to build for and run (default: Debian 12's 15)
#   BENCH_QUICK=1  smoke mode: fewer statements, tables of 1000 entries,
#                  3-second pgbench runs, one round (a couple of minutes)
#   BENCH_OUT=DIR  where to keep the report and profiles (default: a new
#                  /tmp/pss_bench_results.XXXXXX)
#   BENCH_PSS_OPTS="-c NAME=VALUE ..."  more settings for pg_slow_statements
#                  in the instruction counts (to measure what one feature
#                  costs: e.g. -c pg_slow_statements.max_plans=0 beside a
#                  run with the defaults)
#   BENCH_SKIP_READERS=1  leave out test/bench/readers.sh (the reads of the
#                  view at scale; the readers workload above stays)
#   BENCH_SKIP_SAMPLER=1  leave out test/bench/sampler.sh (the sampler's
#                  CPU with 0, 100 idle and 100 busy connections, and
#                  what track_cpu costs per statement)
#   BENCH_SKIP_THROUGHPUT=1  leave out the pgbench rounds: instructions
#                  and profiles only (their counts do not depend on the
#                  machine's load, so this part can run beside other jobs)
#   PSS_NO_DEPS=1  install no packages (test/deps.sh is not run)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

# the server: PG_CONFIG (default: Debian 12's PostgreSQL 15)
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
bindir=$("$PG_CONFIG" --bindir)
export PATH=$bindir:$PATH
workloads="simple prepared-sql prepared-ext orm orm-tags churn readers"
configs="none pgss pss"
if [ "${BENCH_QUICK:-0}" = 1 ]; then
    seconds=3; rounds=1; genopt=--quick
else
    seconds=10; rounds=3; genopt=
fi
clients=2

if [ "$(id -u)" != 0 ]; then
    echo "run as root: the benchmark installs packages and the extension" >&2
    exit 1
fi
t_start=$(date +%s)

echo "== machine"
echo "date:      $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "cpu:       $(sed -n 's/^model name\s*:\s*//p' /proc/cpuinfo | head -1)"
echo "nproc:     $(nproc)"
echo "memory:    $(awk '/^MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)"
echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg)"
echo "kernel:    $(uname -r)"
echo "postgres:  $("$bindir/postgres" --version)"
echo "valgrind:  $(valgrind --version 2>/dev/null || echo missing)"
echo "commit:    $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(
    git diff --quiet HEAD 2>/dev/null || echo ' (uncommitted changes)')"
if [ "${BENCH_QUICK:-0}" = 1 ]; then
    echo "mode:      quick (BENCH_QUICK=1): smoke test, figures not meaningful"
else
    echo "mode:      full"
fi

if [ "${PSS_NO_DEPS:-0}" != 1 ]; then
    echo "== packages"
    bash test/deps.sh
fi

echo "== build and install"
make -s PG_CONFIG="$PG_CONFIG"
make -s PG_CONFIG="$PG_CONFIG" install

tmp=$(mktemp -d /tmp/pss_bench.XXXXXX)
out=${BENCH_OUT:-$(mktemp -d /tmp/pss_bench_results.XXXXXX)}
mkdir -p "$out"
chmod 755 "$out"
chown postgres:postgres "$tmp"
running=""         # data directory of the server we started, if any

# cleanup: stop the server we left running, end our background jobs, and
# remove the temporary directory (the results directory stays)
# shellcheck source=test/lib.sh
. "$top/test/lib.sh"

cleanup() {
    end_jobs
    [ -z "$running" ] || stop_server "$running"
    # postmasters of prepared-ext runs left by an interruption
    for pidfile in "$tmp"/cg/*.data/postmaster.pid; do
        [ -f "$pidfile" ] || continue
        stop_server "$(dirname "$pidfile")" immediate
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Four free ports from 55432 up: the template's and one per configuration
# (listen_addresses is empty; the port only names the socket file)
ports=()
p=55432
while [ ${#ports[@]} -lt 4 ]; do
    port_in_use "$p" || ports+=("$p")
    p=$((p + 1))
done

sock="$tmp/sock"
gen="$tmp/gen"
as_pg mkdir "$sock"
as_pg python3 "$top/test/bench/gen_workloads.py" "$gen" $genopt
max=$(awk '$1 == "max" { print $2 }' "$gen/cg/counts")

echo "== template data directory in $tmp"
as_pg initdb -D "$tmp/template" -U postgres -A trust -E UTF8 --no-locale \
    --no-sync >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log"; exit 1; }
cat >>"$tmp/template/postgresql.conf" <<EOF

# pg_slow_statements benchmark (throwaway clusters)
listen_addresses = ''
unix_socket_directories = '$sock'
port = ${ports[0]}
max_connections = 20
fsync = off
synchronous_commit = off
full_page_writes = off
jit = off
EOF
as_pg pg_ctl -D "$tmp/template" -l "$tmp/template.log" -w start >/dev/null ||
    { cat "$tmp/template.log"; exit 1; }
running="$tmp/template"
as_pg pgbench -h "$sock" -p "${ports[0]}" -i -s 1 -q postgres \
    >"$tmp/pgbench_init.log" 2>&1 || { cat "$tmp/pgbench_init.log"; exit 1; }
as_pg psql -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "${ports[0]}" postgres \
    -c "CREATE EXTENSION pg_stat_statements" \
    -c "CREATE EXTENSION pg_slow_statements" -c "CHECKPOINT"
as_pg pg_ctl -D "$tmp/template" -m fast -w stop >/dev/null
running=""

# preload_opts CFG: server options loading the configuration's library
preload_opts() {
    case $1 in
        none) ;;
        pgss) echo "-c shared_preload_libraries=pg_stat_statements" \
                   "-c pg_stat_statements.max=$max" ;;
        pss)  echo "-c shared_preload_libraries=pg_slow_statements" \
                   "-c pg_slow_statements.max=$max" ${BENCH_PSS_OPTS:-} ;;
    esac
}

# cg_job W CFG PHASE: one callgrind run of postgres --single on a fresh copy
# of the template; appends "W CFG PHASE IR" to cg.tsv, or reports a failure
cg_job() {
    local w=$1 cfg=$2 phase=$3 d="$tmp/cg/$1.$2.$3" measure files ir
    measure="$gen/cg/$w.measure.$cfg.sql"
    [ -f "$measure" ] || measure="$gen/cg/$w.measure.sql"
    files="$gen/cg/$w.setup.sql"
    [ "$phase" = base ] || files="$files $measure"
    as_pg cp -a "$tmp/template" "$d.data"
    # shellcheck disable=SC2046,SC2086
    cat $files | as_pg valgrind --tool=callgrind --callgrind-out-file="$d.out" \
        "$bindir/postgres" --single -D "$d.data" $(preload_opts "$cfg") \
        postgres >/dev/null 2>"$d.log" || true
    ir=$(sed -n 's/^totals: *//p' "$d.out" 2>/dev/null)
    if [ -z "$ir" ] || grep -qE '^(ERROR|FATAL|PANIC):' "$d.log"; then
        echo "callgrind run $w/$cfg/$phase failed:" >&2
        grep -E '(ERROR|FATAL|PANIC):' "$d.log" | sort | uniq -c | head >&2
        tail -5 "$d.log" >&2
    else
        echo "$w $cfg $phase $ir" >>"$tmp/cg.tsv"
    fi
    as_pg rm -rf "$d.data"
}

# ext_job CFG PHASE: prepared-ext under callgrind: the postmaster of a fresh
# copy of the template runs under callgrind (one output file per process),
# one pgbench client runs -M prepared for B (PHASE base) or B + N (full)
# transactions; appends "prepared-ext CFG PHASE IR" (the client backend's
# file) to cg.tsv, or reports a failure
ext_job() {
    local cfg=$1 phase=$2 d="$tmp/cg/prepared-ext.$1.$2" t vpid i st
    local file=""
    t=$(awk '$1 == "prepared-ext.base" { print $2 }' "$gen/cg/counts")
    [ "$phase" = base ] ||
        t=$((t + $(awk '$1 == "prepared-ext" { print $2 }' "$gen/cg/counts")))
    as_pg cp -a "$tmp/template" "$d.data"
    as_pg mkdir "$d.cg" "$d.sock"
    # shellcheck disable=SC2046
    as_pg valgrind --tool=callgrind --trace-children=yes \
        --callgrind-out-file="$d.cg/cg.%p" "$bindir/postgres" -D "$d.data" \
        -c autovacuum=off -c unix_socket_directories="$d.sock" \
        $(preload_opts "$cfg") >"$d.log" 2>&1 &
    vpid=$!
    # ready when postmaster.pid says so (no connection: it would fork one
    # more backend); at most two minutes
    st=""
    for i in $(seq 1 1200); do
        st=$(sed -n '8s/ *$//p' "$d.data/postmaster.pid" 2>/dev/null || true)
        [ "$st" != ready ] || break
        kill -0 "$vpid" 2>/dev/null || break
        sleep 0.1
    done
    if [ "$st" = ready ]; then
        as_pg pgbench -n -h "$d.sock" -p "${ports[0]}" -M prepared -c 1 \
            -t "$t" --random-seed=20240601 -f "$gen/pgbench/simple.sql" \
            postgres >"$d.pgbench" 2>&1 || tail -5 "$d.pgbench" >>"$d.log"
    else
        echo "postmaster not ready (state '$st') after $i tries" >>"$d.log"
    fi
    as_pg pg_ctl -D "$d.data" -m fast -w -t 120 stop >/dev/null 2>&1 ||
        as_pg pg_ctl -D "$d.data" -m immediate -w -t 60 stop >/dev/null 2>&1 ||
        kill -KILL "$(head -1 "$d.data/postmaster.pid" 2>/dev/null)" \
            2>/dev/null || true
    wait "$vpid" || true
    file=$(python3 "$top/test/bench/report.py" backend "$t" "$d.cg"/cg.* \
        2>>"$d.log" || true)
    if [ -z "$file" ] || grep -qE '^(ERROR|FATAL|PANIC):|PANIC' "$d.log"; then
        echo "callgrind run prepared-ext/$cfg/$phase failed:" >&2
        tail -5 "$d.log" >&2
    else
        as_pg mv "$file" "$d.out"
        echo "prepared-ext $cfg $phase $(sed -n 's/^totals: *//p' "$d.out")" \
            >>"$tmp/cg.tsv"
    fi
    as_pg rm -rf "$d.data" "$d.cg" "$d.sock"
}

echo "== instructions per statement (callgrind; postgres --single, and" \
    "a postmaster for prepared-ext)"
as_pg mkdir "$tmp/cg"
: >"$tmp/cg.tsv"
t0=$(date +%s)
njobs=0
# longest runs first, two at a time
for w in churn readers orm orm-tags simple prepared-sql prepared-ext; do
    for cfg in $configs; do
        [ "$w.$cfg" != readers.none ] || continue
        for phase in full base; do
            if [ "$w" = prepared-ext ]; then
                ext_job "$cfg" "$phase" &
            else
                cg_job "$w" "$cfg" "$phase" &
            fi
            njobs=$((njobs + 1))
            if [ "$njobs" -ge 2 ]; then
                wait -n || true
                njobs=$((njobs - 1))
            fi
        done
    done
done
wait
expected=$(( $(echo "$workloads" | wc -w) * 6 - 2 ))
if [ "$(wc -l <"$tmp/cg.tsv")" -ne "$expected" ]; then
    echo "some callgrind runs failed" >&2
    exit 1
fi
cp "$tmp/cg.tsv" "$gen/cg/counts" "$out/"
echo "$expected runs in $(( $(date +%s) - t0 )) s"

echo "== profiles of pg_slow_statements"
profiled="simple prepared-sql prepared-ext orm orm-tags churn"
for w in $profiled; do
    n=$(awk -v w="$w" '$1 == w { print $2 }' "$gen/cg/counts")
    python3 "$top/test/bench/report.py" profile "$out/profile_$w.txt" "$n" \
        "$tmp/cg/$w.pss.full.out" "$tmp/cg/$w.pss.base.out" \
        "$tmp/cg/$w.none.full.out" "$tmp/cg/$w.none.base.out"
    cp "$tmp/cg/$w.pss.full.out" "$out/callgrind.out.$w.pss"
done
echo "written to $out/profile_{${profiled// /,}}.txt"
echo
echo "Where pg_slow_statements' added instructions go, by category (Ir per" \
    "statement, exclusive; patterns in test/bench/report.py):"
# shellcheck disable=SC2046
python3 "$top/test/bench/report.py" categories $(for w in $profiled; do
    echo "$w=$out/profile_$w.txt.categories"; done) | tee "$out/categories.txt"

echo "== throughput (pgbench -c $clients -j $clients -T $seconds," \
    "$rounds round(s))"
i=1
for cfg in $configs; do
    as_pg cp -a "$tmp/template" "$tmp/c_$cfg"
    {
        echo "port = ${ports[$i]}"
        case $cfg in
            pgss) echo "shared_preload_libraries = 'pg_stat_statements'"
                  echo "pg_stat_statements.max = $max" ;;
            pss)  echo "shared_preload_libraries = 'pg_slow_statements'"
                  echo "pg_slow_statements.max = $max" ;;
        esac
    } >>"$tmp/c_$cfg/postgresql.conf"
    eval "port_$cfg=${ports[$i]}"
    i=$((i + 1))
done

# port_of CFG: the port of a configuration's cluster
port_of() {
    eval "echo \$port_$1"
}

# start_cluster CFG / stop_cluster: only one server runs at a time
start_cluster() {
    as_pg pg_ctl -D "$tmp/c_$1" -l "$tmp/c_$1.log" -w start >/dev/null ||
        { tail -20 "$tmp/c_$1.log"; exit 1; }
    running="$tmp/c_$1"
}
stop_cluster() {
    as_pg pg_ctl -D "$running" -m fast -w stop >/dev/null
    running=""
}

# sql CFG STATEMENT: run one statement, print its unaligned result
sql() {
    as_pg psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$sock" -p "$(port_of "$1")" \
        postgres -c "$2"
}

# bench CFG LOG PGBENCH_ARGS...: a pgbench run against CFG's cluster
bench() {
    local cfg=$1 log=$2
    shift 2
    as_pg pgbench -n -h "$sock" -p "$(port_of "$cfg")" "$@" postgres \
        >"$log" 2>&1 || { tail -20 "$log" >&2; return 1; }
}

# tps_of LOG / latency_of LOG: figures from pgbench's report
tps_of() {
    sed -nE 's/^tps = ([0-9.]+) .*/\1/p' "$1"
}
latency_of() {
    sed -nE 's/^latency average = ([0-9.]+) ms/\1/p' "$1"
}

orm_args=()
while read -r script weight; do
    orm_args+=(-f "$gen/pgbench/$script@$weight")
done <"$gen/pgbench/orm.weights"
orm_tags_args=()
while read -r script weight; do
    orm_tags_args+=(-f "$gen/pgbench/$script@$weight")
done <"$gen/pgbench/orm-tags.weights"

: >"$tmp/pgbench.tsv"
: >"$out/sanity.txt"
t0=$(date +%s)
[ "${BENCH_SKIP_THROUGHPUT:-0}" != 1 ] || rounds=0
for r in $(seq 1 "$rounds"); do
    for w in $workloads; do
        # pgbench cannot run SQL PREPARE once per connection
        [ "$w" != prepared-sql ] || continue
        for cfg in $configs; do
            start_cluster "$cfg"
            case $cfg in
                pgss) sql "$cfg" "SELECT pg_stat_statements_reset()" >/dev/null ;;
                pss)  sql "$cfg" "SELECT pg_slow_statements_reset()" >/dev/null ;;
            esac
            log="$tmp/pgbench.$r.$w.$cfg"
            common=(-c "$clients" -j "$clients" -T "$seconds")
            case $w in
                simple)
                    bench "$cfg" "$log" "${common[@]}" -M simple \
                        -f "$gen/pgbench/simple.sql" ;;
                prepared-ext)
                    bench "$cfg" "$log" "${common[@]}" -M prepared \
                        -f "$gen/pgbench/simple.sql" ;;
                orm)
                    bench "$cfg" "$log" "${common[@]}" -M simple \
                        "${orm_args[@]}" ;;
                orm-tags)
                    PGAPPNAME=gunicorn-shop bench "$cfg" "$log" \
                        "${common[@]}" -M simple "${orm_tags_args[@]}" ;;
                churn)
                    bench "$cfg" "$log" "${common[@]}" -M simple \
                        -f "$gen/pgbench/churn.sql" ;;
                readers)
                    as_pg psql -X -q -v ON_ERROR_STOP=1 -h "$sock" \
                        -p "$(port_of "$cfg")" postgres \
                        -f "$gen/pgbench/prefill.sql" >/dev/null
                    poll_pid=""
                    if [ "$cfg" != none ]; then
                        bench "$cfg" "$log.poll" -c 1 -T "$seconds" -M simple \
                            -f "$gen/pgbench/poll_$cfg.sql" &
                        poll_pid=$!
                    fi
                    bench "$cfg" "$log" "${common[@]}" -M simple \
                        -f "$gen/pgbench/simple.sql"
                    if [ -n "$poll_pid" ]; then
                        wait "$poll_pid"
                        echo "$r $w $cfg poll_ms $(latency_of "$log.poll")" \
                            >>"$tmp/pgbench.tsv"
                    fi ;;
            esac
            echo "$r $w $cfg tps $(tps_of "$log")" >>"$tmp/pgbench.tsv"
            if [ "$w" = churn ] && [ "$cfg" != none ]; then
                view=$([ "$cfg" = pgss ] && echo pg_stat_statements ||
                    echo pg_slow_statements)
                echo "round $r churn $cfg: $(sql "$cfg" \
                    "SELECT count(*) || ' entries, ' || (SELECT dealloc FROM ${view}_info) || ' deallocations' FROM $view")" \
                    >>"$out/sanity.txt"
            fi
            stop_cluster
        done
    done
    echo "round $r done ($(( $(date +%s) - t0 )) s)"
done
cp "$tmp/pgbench.tsv" "$out/"

echo "== results"
{
    echo "machine: $(nproc) CPUs, $(sed -n 's/^model name\s*:\s*//p' /proc/cpuinfo | head -1)," \
        "$(date -u '+%Y-%m-%d')"
    echo "instructions: callgrind, postgres --single, fresh data directory" \
        "per run, max = $max"
    echo "throughput: pgbench -c $clients -j $clients -T $seconds over the" \
        "Unix socket, median of $rounds round(s)"
    echo
    python3 "$top/test/bench/report.py" table "$gen/cg/counts" \
        "$tmp/cg.tsv" "$tmp/pgbench.tsv"
} | tee "$out/report.txt"
echo
echo "churn sanity (statistics table at the end of each run):"
cat "$out/sanity.txt"
echo
echo "profiles (where pg_slow_statements' instructions go):" \
    "$out/profile_*.txt"
echo "report, raw figures and callgrind files: $out"

if [ "${BENCH_SKIP_READERS:-0}" != 1 ]; then
    echo
    echo "== reading the whole view at scale (test/bench/readers.sh)"
    PG_CONFIG="$PG_CONFIG" BENCH_OUT="$out/readers" \
        bash "$top/test/bench/readers.sh"
fi
if [ "${BENCH_SKIP_SAMPLER:-0}" != 1 ]; then
    echo
    echo "== the sampler and track_cpu (test/bench/sampler.sh)"
    PG_CONFIG="$PG_CONFIG" BENCH_OUT="$out" bash "$top/test/bench/sampler.sh"
fi
echo "took $(( $(date +%s) - t_start )) s"
