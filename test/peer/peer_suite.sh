#!/bin/bash
# test/peer/peer_suite.sh VERSION: PostgreSQL's own contrib/pg_stat_statements
# regression suite, run through pg_slow_statements_compat.
#
# Runs as root where PostgreSQL VERSION and its server-dev package are
# installed, with pg_slow_statements already installed in that server (in
# test/run_all.sh: in the version's chroot, after test/server_tests.sh);
# the server is PG_CONFIG's if set (a relocated copy), else Debian's.
#   - The suite comes from Debian's postgresql-VERSION source package,
#     fetched with "apt-get source" the first time (the chroot's sources have
#     deb-src lines, see test/chroot.sh) and kept, only its
#     contrib/pg_stat_statements, under $PSS_PEER_CACHE (default
#     /var/cache/pss-peer/VERSION): later runs fetch nothing.  It is never
#     stored in the repository.
#   - test/peer/transform.sed changes its settings' prefix and the extension
#     it creates, in its input, expected output and configuration, nothing
#     else.
#   - pg_regress runs it, as the suite's Makefile does (its REGRESS list and
#     its --temp-config), on a temporary instance, as user postgres, with
#     pg_slow_statements created in its database first (the compat extension
#     requires it).
#   - test/peer/compare.py compares the output with the expected one, result
#     block by result block, against test/peer/known_differences_VERSION.tsv.
# Prints "peer: I/N result blocks identical" and ends with "N passed, N failed"
# (one test per suite file; a file fails when a block of it differs that the
# list does not name).
set -u
v=${1:?usage: peer_suite.sh VERSION}
here=$(cd "$(dirname "$0")" && pwd)
cache=${PSS_PEER_CACHE:-/var/cache/pss-peer/$v}
work=/tmp/pss-peer-$v
suite=$cache/pg_stat_statements
# the server: PG_CONFIG if given (a private copy), else Debian's for VERSION
pg_config=${PG_CONFIG:-/usr/lib/postgresql/$v/bin/pg_config}
start=$(date +%s)

fail() {
	echo "peer$v: $*"
	echo "0 passed, 1 failed"
	exit 1
}

case "$v" in
'' | *[!0-9]*) fail "not a major version: $v" ;;
esac
[ -x "$pg_config" ] || fail "no pg_config at $pg_config"
libdir=$("$pg_config" --pkglibdir)
sharedir=$("$pg_config" --sharedir)
bindir=$("$pg_config" --bindir)
pgxs=$(dirname "$(dirname "$(dirname "$("$pg_config" --pgxs)")")")
if [ ! -f "$libdir/pg_slow_statements.so" ] ||
	[ ! -f "$sharedir/extension/pg_slow_statements_compat.control" ]; then
	fail "pg_slow_statements is not installed in PostgreSQL $v (make install first)"
fi

# ---- the suite, fetched once ----------------------------------------------
if [ ! -f "$suite/Makefile" ]; then
	mkdir -p "$cache/src"
	cd "$cache/src" || fail "no $cache/src"
	if ! apt-cache showsrc "postgresql-$v" 2>/dev/null | grep -q '^Package:'; then
		apt-get update -qq || fail "apt-get update failed"
	fi
	apt-get source --download-only "postgresql-$v" >"$cache/fetch.log" 2>&1 ||
		fail "apt-get source postgresql-$v failed: $(grep '^E:' "$cache/fetch.log" | head -1)"
	tarball=$(ls postgresql-"$v"_*.orig.tar.* | head -1)
	rm -rf "$cache/x"
	mkdir -p "$cache/x"
	tar -C "$cache/x" -xf "$tarball" --wildcards '*/contrib/pg_stat_statements/*' ||
		fail "cannot extract contrib/pg_stat_statements from $tarball"
	rm -rf "$suite"
	mv "$cache"/x/*/contrib/pg_stat_statements "$suite"
	echo "$tarball" >"$suite/.from"
	rm -rf "$cache/x" "$cache/src"
fi
echo "peer$v: the suite of $(cat "$suite/.from")"

# ---- transformed copy -------------------------------------------------------
rm -rf "$work"
mkdir -p "$work/sql" "$work/expected"
for f in "$suite"/sql/*.sql; do
	sed -f "$here/transform.sed" "$f" >"$work/sql/$(basename "$f")"
done
for f in "$suite"/expected/*.out; do
	sed -f "$here/transform.sed" "$f" >"$work/expected/$(basename "$f")"
done
sed -f "$here/transform.sed" "$suite/pg_stat_statements.conf" >"$work/peer.conf"
# the tests, in the order of the suite's Makefile
tests=$(sed -n '/^REGRESS *=/,/[^\\]$/p' "$suite/Makefile" |
	sed -e 's/^REGRESS *=//' -e 's/\\$//' | tr -s ' \t\n' ' ')
[ -n "${tests// /}" ] || fail "no REGRESS list in the suite's Makefile"
chown -R postgres: "$work"

# ---- run -----------------------------------------------------------------------
su postgres -s /bin/bash -c "cd $work && $pgxs/src/test/regress/pg_regress \
	--temp-instance=$work/tmp_check --bindir=$bindir \
	--inputdir=$work --outputdir=$work --temp-config=$work/peer.conf \
	--load-extension=pg_slow_statements \
	$tests" >"$work/pg_regress.log" 2>&1
python3 "$here/compare.py" "$work/sql" "$work/expected" "$work/results" \
	"$here/known_differences_$v.tsv" $tests | sed "s/^peer:/peer$v:/"
echo "peer$v: $(($(date +%s) - start)) s (diffs: $work/regression.diffs)"
