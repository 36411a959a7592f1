#!/bin/bash
# test/server_tests.sh: the tests that need a server, against one version.
#
# Run as root, with PG_CONFIG naming the server (natively for 15, inside its
# chroot for 17, 18 and 19: see test/run_all.sh).  Builds and installs the
# extension for that server, then, as the postgres user (the server refuses
# root), on a copy of the tree it owns:
#   - pg_regress against a throwaway instance with the library preloaded,
#   - the TAP tests (PostgreSQL::Test::Cluster of that version, with the
#     project's own module test/perl/PssNode.pm).
# Writes its logs under $PSS_LOG (default: a new directory in /tmp; not in
# the tree, which "make clean" cleans), prints
# one line per test file and ends with "N passed, N failed".  Exits non-zero
# on any failure.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

: "${PG_CONFIG:?PG_CONFIG must name a pg_config}"
export PG_CONFIG
bindir=$("$PG_CONFIG" --bindir)
# the server's test tools: pgxs/src/{makefiles,test/regress,test/perl}
pgxs=$(dirname "$(dirname "$("$PG_CONFIG" --pgxs)")")
export PATH=$bindir:$PATH

passed=0
failed=0
log=${PSS_LOG:-$(mktemp -d /tmp/pss_test.XXXXXX)}
mkdir -p "$log"
chmod 755 "$log"

# count_results FILE PASS_REGEX FAIL_REGEX
count_results() {
	local p f
	p=$(grep -cE "$2" "$1")
	f=$(grep -cE "$3" "$1")
	passed=$((passed + p))
	failed=$((failed + f))
}

echo "== build ($("$PG_CONFIG" --version))"
# Scripts an earlier install left (a base script since dropped) would be
# used instead of the upgrade path: install ours alone
rm -f "$("$PG_CONFIG" --sharedir)"/extension/pg_slow_statements--*.sql
if ! { make -s clean && make -s && make -s install; } >"$log/build.out" 2>&1; then
	cat "$log/build.out"
	echo "build failed"
	echo "0 passed, 1 failed"
	exit 1
fi
if grep -E "warning|error" "$log/build.out"; then
	echo "build: warnings"
	failed=$((failed + 1))
fi

# The server tests run as postgres, on a copy of the tree it owns
work="$log/tree"
rm -rf "$work"
mkdir -p "$work"
tar -C "$top" --exclude=./test/unit/build --exclude=./tmp_check \
	--exclude=./tmp_regress --exclude=./results --exclude=./.git \
	-cf - . | tar -C "$work" -xf -
chown -R postgres:postgres "$log"

echo "== pg_regress"
runuser -u postgres -- make -s -C "$work" installcheck TAP_TESTS= \
	PG_CONFIG="$PG_CONFIG" \
	>"$log/regress.out" 2>&1
grep -E "\.\.\. |^(ok|not ok) " "$log/regress.out" | head -80
count_results "$log/regress.out" '\.\.\. ok|^ok [0-9]' '\.\.\. FAILED|^not ok [0-9]'
if [ -f "$work/regression.diffs" ]; then
	echo "--- regression.diffs (first 200 lines)"
	head -200 "$work/regression.diffs"
fi

echo "== TAP"
for t in "$work"/test/t/*.pl; do
	[ -e "$t" ] || continue
	name=$(basename "$t")
	(cd "$work" && runuser -u postgres -- env PATH="$PATH" \
		TESTDIR="$work" PG_CONFIG="$PG_CONFIG" \
		PG_REGRESS="$pgxs/test/regress/pg_regress" \
		prove -I "$pgxs/test/perl" -I "$work/test/perl" -v "test/t/$name") \
		>"$log/tap_$name.out" 2>&1
	p=$(grep -cE '^ok [0-9]' "$log/tap_$name.out")
	f=$(grep -cE '^not ok [0-9]' "$log/tap_$name.out")
	if grep -qE '^Result: NOTESTS' "$log/tap_$name.out"; then
		why=$(sed -nE 's/.*skipped: //p' "$log/tap_$name.out" | head -1)
		echo "$name: skipped: $why"
		continue
	fi
	# a script that dies after its last assertion is a failure too
	if ! grep -qE '^Result: PASS' "$log/tap_$name.out"; then
		f=$((f + 1))
		tail -30 "$log/tap_$name.out"
	fi
	echo "$name: $p passed, $f failed"
	passed=$((passed + p))
	failed=$((failed + f))
done

echo "logs: $log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
