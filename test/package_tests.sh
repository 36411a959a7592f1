#!/bin/bash
# test/package_tests.sh VERSION: the Debian package for one PostgreSQL major
# version, built, installed, used and removed, as a DBA would.
#
# Runs as root where that version's server is installed from Debian's
# packages (natively for 15 on Debian 12, inside a chroot for the others:
# test/run_all.sh calls it there on a copy of the tree).  It must run before
# anything does a "make install" of ours into the same server (run_all.sh
# runs it first): files of ours that no package owns are left-overs of an
# earlier make install, and are removed first, so the package is tested
# alone.
#
#   1. builds the package (dpkg-buildpackage -us -uc -b) on a copy of the
#      tree, with debian/control generated for VERSION (except on 15, where
#      the committed one must already be right: Debian 12 is the reference);
#   2. checks that the library, the control files and every SQL script land
#      in Debian's paths for VERSION, and nothing else outside the docs;
#   3. lintian: no error (on 15 only);
#   4. dpkg -i into the server;
#   5. debian/tests/smoke (the autopkgtest): a throwaway preloaded cluster,
#      CREATE EXTENSION at 1.0, ALTER EXTENSION UPDATE, statements read
#      from the views, the compat extension;
#   6. dpkg -r, then checks that no file of the package is left.
# Installs what building needs (apt-get update first).  Ends with
# "N passed, N failed"; exits non-zero on any failure.
set -u
v=${1:?usage: package_tests.sh VERSION}
top=$(cd "$(dirname "$0")/.." && pwd)
work=${PSS_PKG_WORK:-/tmp/pss-pkg-$v}
pkg=postgresql-$v-pg-slow-statements
start=$(date +%s)

passed=0
failed=0
# result OK|FAIL TEXT
result() {
	if [ "$1" = OK ]; then
		passed=$((passed + 1))
		echo "ok - pg$v package: $2"
	else
		failed=$((failed + 1))
		echo "not ok - pg$v package: $2"
	fi
}
finish() {
	echo "pg$v package: $(($(date +%s) - start)) s"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

# what building needs: debian/control's Build-Depends (checked below by
# dpkg-checkbuilddeps), and dpkg-dev to build at all
missing=""
# and lintian on 15 (Debian 12, the reference: lintian runs there only, to
# keep the chroots small and CI short)
lint=""
[ "$v" != 15 ] || lint=lintian
for p in build-essential dpkg-dev debhelper postgresql-server-dev-all \
	"postgresql-$v" $lint; do
	installed "$p" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends \
		$missing >"/tmp/pss-pkg-$v-apt.log" 2>&1; }; then
		tail -20 "/tmp/pss-pkg-$v-apt.log"
		result FAIL "build dependencies installed"
		finish
	fi
fi

# 1. build, on a copy named as dpkg-source expects (source-version)
upstream=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
upstream=${upstream%-*}
src=$work/pg-slow-statements-$upstream
rm -rf "$work"
mkdir -p "$src"
tar -C "$top" --exclude=./.git --exclude=./test/unit/build \
	--exclude=./tmp_check --exclude=./tmp_regress --exclude=./results \
	--exclude='*.o' --exclude='*.so' --exclude='*.bc' -cf - . |
	tar -C "$src" -xf -
cd "$src" || exit 1
export PG_SUPPORTED_VERSIONS=$v
if [ "$v" != 15 ]; then
	pg_buildext updatecontrol
fi
if ! dpkg-checkbuilddeps; then
	result FAIL "build dependencies of debian/control installed"
	finish
fi
echo "building $pkg (dpkg-buildpackage -us -uc -b; log: $work/build.log)"
# both cores, and no debug symbols package (not tested here)
export DEB_BUILD_OPTIONS="noddebs${DEB_BUILD_OPTIONS:+ $DEB_BUILD_OPTIONS}"
if dpkg-buildpackage -us -uc -b -j"$(nproc)" >"$work/build.log" 2>&1; then
	result OK "dpkg-buildpackage -us -uc -b"
else
	tail -30 "$work/build.log"
	result FAIL "dpkg-buildpackage -us -uc -b"
	finish
fi
deb=$(ls "$work/${pkg}_${upstream}"-*_"$(dpkg --print-architecture)".deb)
echo "built: $(ls "$work" | grep -E '\.deb$' | tr '\n' ' ')"

# 2. its files, where Debian's PostgreSQL looks for them: the library, the
# control files and every SQL script of the source tree, nothing else but
# the JIT bitcode and the docs
dpkg-deb --fsys-tarfile "$deb" | tar -tf - | sed -e 's|^\./|/|' |
	grep -v '/$' | sort >"$work/files"
{
	echo "/usr/lib/postgresql/$v/lib/pg_slow_statements.so"
	for f in *.control sql/pg_slow_statements*--*.sql; do
		echo "/usr/share/postgresql/$v/extension/${f#sql/}"
	done
} | sort >"$work/expected"
grep -E "^/usr/(lib/postgresql/$v/lib/pg_slow_statements\.so|share/postgresql/$v/extension/)" \
	"$work/files" >"$work/got"
others=$(grep -vE "^/usr/(lib/postgresql/$v/lib/(pg_slow_statements\.so|bitcode/pg_slow_statements)|share/postgresql/$v/extension/|share/doc/$pkg/)" \
	"$work/files")
if diff -u "$work/expected" "$work/got" && [ -z "$others" ]; then
	result OK "library, control files, SQL scripts in Debian's paths for $v"
else
	echo "unexpected files: $others"
	result FAIL "library, control files, SQL scripts in Debian's paths for $v"
fi

# 3. lintian, on 15
if [ -n "$lint" ]; then
	# on the .changes: the package and its .buildinfo; not as root
	changes=$(ls "$work"/pg-slow-statements_*.changes)
	as=""
	[ "$(id -u)" != 0 ] || as="runuser -u nobody --"
	(cd / && $as lintian --fail-on error "$changes") >"$work/lintian.out" 2>&1
	rc=$?
	cat "$work/lintian.out"
	if [ $rc -eq 0 ] && ! grep -q '^E:' "$work/lintian.out"; then
		result OK "lintian: no error ($(grep -c '^W:' "$work/lintian.out") warnings)"
	else
		result FAIL "lintian: no error"
	fi
fi

# 4. install into a server without our files: left-overs of a make install
# (owned by no package) are removed first
ours() {
	ls -d "/usr/lib/postgresql/$v/lib/pg_slow_statements.so" \
		"/usr/lib/postgresql/$v/lib/bitcode/pg_slow_statements" \
		"/usr/lib/postgresql/$v/lib/bitcode/pg_slow_statements.index.bc" \
		"/usr/share/postgresql/$v/extension/pg_slow_statements"* 2>/dev/null
}
for f in $(ours); do
	if dpkg -S "$f" >/dev/null 2>&1; then
		echo "$f belongs to a package: $(dpkg -S "$f" 2>&1 | head -1)"
		result FAIL "no package owns our files before the test"
		finish
	fi
	echo "removing $f (an earlier make install)"
	rm -rf "$f"
done
if dpkg -i "$deb" >"$work/dpkg-i.log" 2>&1 &&
	[ "$(dpkg -S "/usr/lib/postgresql/$v/lib/pg_slow_statements.so" 2>/dev/null)" = \
		"$pkg: /usr/lib/postgresql/$v/lib/pg_slow_statements.so" ]; then
	result OK "dpkg -i $(basename "$deb")"
else
	cat "$work/dpkg-i.log"
	result FAIL "dpkg -i $(basename "$deb")"
	finish
fi

# 5. the autopkgtest smoke test against the installed package
sh debian/tests/smoke "$v" 2>&1 | tee "$work/smoke.out" | grep -E '^(not )?ok'
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$work/smoke.out" | tail -1)
if [ -n "$line" ]; then
	passed=$((passed + ${line%% passed*}))
	f=${line#*, }
	failed=$((failed + ${f%% failed}))
else
	tail -30 "$work/smoke.out"
	result FAIL "debian/tests/smoke ran"
fi

# 6. removal leaves no file of the package, nor any of ours
dpkg -L "$pkg" | sort >"$work/listed"
dpkg -r "$pkg" >"$work/dpkg-r.log" 2>&1
left=$(while read -r f; do
	[ -d "$f" ] || [ ! -e "$f" ] || echo "$f"
done <"$work/listed")
left="$left$(ours)"
if ! installed "$pkg" && [ -z "$left" ]; then
	result OK "dpkg -r leaves no file of ours ($(grep -vc '^/\.$' "$work/listed") paths checked)"
else
	cat "$work/dpkg-r.log"
	echo "left: $left"
	result FAIL "dpkg -r leaves no file of ours"
fi
finish
