#!/bin/bash
# test/stress/stress.sh: the long tests, behind `make stress`.
#
# Run as root from the source tree.  Builds and installs the extension
# first (make && make install), so the server tests run the tree's code,
# then:
#   1. test/t/007_concurrency.pl with a 300-second mixed phase
#      (PSS_STRESS_SECONDS overrides);
#   2. the libFuzzer harness for five minutes (make -C test/unit fuzz);
#   3. the pg_regress suite with the server under valgrind memcheck
#      (test/stress/valgrind.sh).
# Ends with "N passed, N failed" like run_all.sh.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
# the server: PG_CONFIG (default: Debian 12's PostgreSQL 15)
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
export PATH=$("$PG_CONFIG" --bindir):$PATH
pgxs=$(dirname "$(dirname "$("$PG_CONFIG" --pgxs)")")
seconds=${PSS_STRESS_SECONDS:-300}
passed=0
failed=0
log=$(mktemp -d /tmp/pss_stress.XXXXXX)
chmod 755 "$log"
t0=$(date +%s)
# lap: set $took to "(Ns)", the seconds since the previous lap
lap() { local now; now=$(date +%s); took="($((now - t0))s)"; t0=$now; }

echo "== build and install"
if ! { make -s && make -s install; } >"$log/build.out" 2>&1; then
    cat "$log/build.out"; echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi
work="$log/tree"
mkdir -p "$work"
tar -C "$top" --exclude=./test/unit/build --exclude=./tmp_check \
    --exclude=./tmp_regress --exclude=./results -cf - . | tar -C "$work" -xf -
chown -R postgres:postgres "$log"

lap
echo "== concurrency, ${seconds}s mixed phase"
(cd "$work" && runuser -u postgres -- env PATH="$PATH" PSS_STRESS_SECONDS="$seconds" \
    TESTDIR="$work" PG_CONFIG="$PG_CONFIG" PG_REGRESS="$pgxs/test/regress/pg_regress" \
    prove -I "$pgxs/test/perl" -I "$work/test/perl" -v test/t/007_concurrency.pl) \
    >"$log/concurrency.out" 2>&1
grep -E "^(not )?ok|^# 007" "$log/concurrency.out"
p=$(grep -cE '^ok [0-9]' "$log/concurrency.out")
f=$(grep -cE '^not ok [0-9]' "$log/concurrency.out")
grep -qE '^Result: PASS' "$log/concurrency.out" || { f=$((f + 1)); tail -30 "$log/concurrency.out"; }
passed=$((passed + p)); failed=$((failed + f))
lap; echo "concurrency: $p passed, $f failed $took"

echo "== fuzz, five minutes"
if make -s -C test/unit fuzz >"$log/fuzz.out" 2>&1 && grep -q "^Done [0-9]* runs" "$log/fuzz.out"; then
    grep "^Done" "$log/fuzz.out"; passed=$((passed + 1))
else
    tail -30 "$log/fuzz.out"; echo "fuzz: FAILED"; failed=$((failed + 1))
fi
lap; echo "fuzz $took"

echo "== pg_regress under valgrind"
if runuser -u postgres -- bash "$work/test/stress/valgrind.sh" >"$log/valgrind.out" 2>&1; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
fi
cat "$log/valgrind.out"
lap; echo "valgrind $took"

echo "logs: $log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
