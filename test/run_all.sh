#!/bin/bash
# test/run_all.sh: the whole test suite, as the README and CI run it.
#
# Run as root on Debian 12.  Installs what is missing, then:
#   - natively, once (pure C, no server): the lexer's unit tests and a short
#     fuzz run;
#   - for each PostgreSQL version in PSS_VERSIONS (default "15 17 18 19"):
#     test/server_tests.sh (build, install, pg_regress, TAP) with that
#     version's own pg_config, pg_regress and TAP modules: natively for 15
#     (PG_CONFIG, by default Debian 12's), inside a Debian chroot for the
#     others (test/chroot.sh makes them once, under /var/lib/pss-chroots);
#   - before the servers' tests (which make install): the versions of the
#     control file, META.json, debian/changelog and CHANGELOG.md in step,
#     and for each version the Debian package built, installed, smoke
#     tested and removed (test/package_tests.sh; PSS_PACKAGES=0 skips them);
#   - the demo (test/demo_check.sh: checked for what it must show) on 15,
#     and on 18 in its chroot (PSS_DEMO=0 skips them);
#   - the peer suite on 18, in its chroot (test/peer/peer_suite.sh:
#     PostgreSQL 18's own pg_stat_statements regression suite through the
#     compat extension; prints "peer18: I/N result blocks identical";
#     PSS_PEER=0 skips it).  Not on 19: Debian's archive has no source
#     package for its experimental postgresql-19.  It adds about 40 s
#     (100 s the first time, when it fetches and unpacks the source).
# Prints one line "pgNN: N passed, N failed" per version and ends with the
# total line "N passed, N failed"; exits non-zero on any failure.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

versions=${PSS_VERSIONS:-15 17 18 19}
start=$(date +%s)

bash test/deps.sh || exit 1
# Version 15's server: PG_CONFIG, or Debian 12's PostgreSQL 15
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}

passed=0
failed=0
summary=""
log=$(mktemp -d /tmp/pss_test.XXXXXX)
chmod 755 "$log"

# add_counts NAME FILE: add the "N passed, N failed" line ending FILE to the
# totals (a missing line is a failure: the run died)
add_counts() {
	local line p f
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$2" | tail -1)
	if [ -z "$line" ]; then
		p=0
		f=1
	else
		p=${line%% passed*}
		f=${line#*, }
		f=${f%% failed}
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	summary="$summary$1: $p passed, $f failed"$'\n'
}

# copy_tree DIR: a fresh copy of the source tree in DIR (for a chroot),
# without git's files or build products
copy_tree() {
	rm -rf "$1"
	mkdir -p "$1"
	tar -C "$top" --exclude=./.git --exclude=./test/unit/build \
		--exclude=./tmp_check --exclude=./tmp_regress \
		--exclude=./results --exclude='*.o' --exclude='*.so' \
		--exclude='*.bc' -cf - . | tar -C "$1" -xf -
}

echo "== unit tests (lexer)"
make -s -C test/unit check >"$log/unit.out" 2>&1
grep -E "passed|failed|FAIL" "$log/unit.out" | tail -20
# the unit test programs end with "N passed, N failed" lines of their own
up=0
uf=0
while read -r p f; do
	up=$((up + p))
	uf=$((uf + f))
done < <(sed -nE 's/^([0-9]+) passed, ([0-9]+) failed.*/\1 \2/p' "$log/unit.out")
if ! grep -qE "^[0-9]+ passed" "$log/unit.out"; then
	tail -20 "$log/unit.out"
	uf=$((uf + 1))
fi

echo "== fuzz smoke run (libFuzzer, ASan + UBSan, 20000 inputs)"
if make -s -C test/unit fuzz-smoke >"$log/fuzz.out" 2>&1 &&
	grep -q "^Done 20000 runs" "$log/fuzz.out"; then
	echo "fuzz: ok"
	up=$((up + 1))
else
	tail -30 "$log/fuzz.out"
	echo "fuzz: FAILED"
	uf=$((uf + 1))
fi
echo "$up passed, $uf failed" >"$log/unit.counts"
add_counts "unit+fuzz" "$log/unit.counts"

# ---- Packaging: versions in step, then the Debian packages ----------------
# (test/check_versions.py, test/package_tests.sh).  The packages come first,
# before server_tests.sh's "make install" into the same servers: each is
# built, installed with dpkg -i into a server without our files, smoke
# tested, and removed (dpkg -r) leaving none.  PSS_PACKAGES=0 skips them.
echo
echo "== versions: control file, META.json, debian/changelog, CHANGELOG.md"
python3 test/check_versions.py >"$log/versions.out" 2>&1
grep -E '^not ok|passed' "$log/versions.out"
add_counts "versions" "$log/versions.out"
if [ "${PSS_PACKAGES:-1}" != 0 ]; then
	pkg_start=$(date +%s)
	for v in $versions; do
		echo
		echo "==== Debian package for PostgreSQL $v"
		if [ "$v" = 15 ]; then
			bash test/package_tests.sh 15 2>&1 | tee "$log/pkg15.out"
		elif ! bash test/chroot.sh ensure "$v" >"$log/chroot$v.out" 2>&1; then
			cat "$log/chroot$v.out"
			echo "no chroot for PostgreSQL $v" | tee "$log/pkg$v.out"
		else
			copy_tree "$(bash test/chroot.sh dir "$v")/tmp/pss-pkgsrc-$v"
			bash test/chroot.sh run "$v" env -i \
				PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root \
				bash "/tmp/pss-pkgsrc-$v/test/package_tests.sh" "$v" 2>&1 |
				tee "$log/pkg$v.out"
		fi
		add_counts "pkg$v" "$log/pkg$v.out"
	done
	echo
	echo "packages built and tested: $(grep -hoE 'dpkg -i [^ ]+\.deb' \
		"$log"/pkg*.out | sed 's/dpkg -i //' | tr '\n' ' ')"
	echo "packages: $(($(date +%s) - pkg_start)) s"
fi
# ---- end of packaging -------------------------------------------------------

for v in $versions; do
	echo
	echo "==== PostgreSQL $v"
	if [ "$v" = 15 ]; then
		PSS_LOG="$log/pg15" bash test/server_tests.sh 2>&1 | tee "$log/pg15.out"
	elif ! bash test/chroot.sh ensure "$v" >"$log/chroot$v.out" 2>&1; then
		cat "$log/chroot$v.out"
		echo "no chroot for PostgreSQL $v" | tee "$log/pg$v.out"
	else
		# a fresh copy of the tree in the chroot; logs stay there too
		root=$(bash test/chroot.sh dir "$v")
		copy_tree "$root/tmp/pss-$v"
		bash test/chroot.sh run "$v" env -i \
			PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root \
			PG_CONFIG="/usr/lib/postgresql/$v/bin/pg_config" \
			PSS_LOG="/tmp/pss-$v-log" \
			bash "/tmp/pss-$v/test/server_tests.sh" 2>&1 | tee "$log/pg$v.out"
		echo "(logs in $root/tmp/pss-$v-log)"
	fi
	add_counts "pg$v" "$log/pg$v.out"
done

# The demo, checked: on 15 natively, and on 18 in its chroot
if [ "${PSS_DEMO:-1}" != 0 ]; then
	for v in $versions; do
		case "$v" in
		15)
			echo
			echo "==== demo (PostgreSQL 15)"
			DEMO_SECONDS=${DEMO_SECONDS:-10} bash test/demo_check.sh \
				>"$log/demo15.out" 2>&1
			;;
		18)
			echo
			echo "==== demo (PostgreSQL 18, in its chroot)"
			bash test/chroot.sh run 18 env -i \
				PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root \
				PG_CONFIG=/usr/lib/postgresql/18/bin/pg_config PSS_NO_DEPS=1 \
				DEMO_SECONDS="${DEMO_SECONDS:-10}" \
				bash /tmp/pss-18/test/demo_check.sh >"$log/demo18.out" 2>&1
			;;
		*) continue ;;
		esac
		grep -E '^demo: ' "$log/demo$v.out"
		add_counts "demo$v" "$log/demo$v.out"
	done
fi

# The peer suite, on 18 (after its server tests installed the extension
# there, from the copy of the tree in /tmp/pss-18)
if [ "${PSS_PEER:-1}" != 0 ] && [[ " $versions " == *" 18 "* ]] &&
	[ -f "$(bash test/chroot.sh dir 18)/tmp/pss-18/test/peer/peer_suite.sh" ]; then
	echo
	echo "==== peer suite: PostgreSQL 18's pg_stat_statements tests, through the compat extension"
	bash test/chroot.sh run 18 env -i \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root \
		bash /tmp/pss-18/test/peer/peer_suite.sh 18 >"$log/peer18.out" 2>&1
	grep -v '^ok ' "$log/peer18.out"
	add_counts "peer18" "$log/peer18.out"
fi

echo
echo "logs: $log ($(($(date +%s) - start)) s)"
printf '%s' "$summary"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
