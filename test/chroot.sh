#!/bin/bash
# test/chroot.sh: Debian chroots holding the PostgreSQL versions Debian 12 lacks.
#
#   test/chroot.sh ensure VERSION...     make (or reuse) the chroots for them
#   test/chroot.sh dir VERSION           print the chroot's directory
#   test/chroot.sh run VERSION CMD...    run CMD (as root) inside that chroot
#
# VERSION is a PostgreSQL major version: 17 lives in a trixie chroot, 18 and 19
# in a sid one (19 comes from experimental).  The chroots live outside the
# repository, under $PSS_CHROOTS (default /var/lib/pss-chroots), and are reused:
# a chroot is made once (debootstrap --variant=minbase), then only the packages
# it lacks are installed.  Nothing in them starts a server on installation.
# /proc, /dev and a tmpfs on /dev/shm are mounted only while a command runs
# there, and always unmounted afterwards.  Runs as root.
set -eu

root=${PSS_CHROOTS:-/var/lib/pss-chroots}

# suite_of VERSION: the Debian suite whose chroot carries that version
suite_of() {
	case "$1" in
	17) echo trixie ;;
	18 | 19) echo sid ;;
	*)
		echo "chroot.sh: no chroot for PostgreSQL $1 (15 is native)" >&2
		return 1
		;;
	esac
}

# mirror: Debian's archive as this machine's apt is configured to reach it
mirror() {
	local m
	if [ -n "${PSS_MIRROR:-}" ]; then
		echo "$PSS_MIRROR"
		return
	fi
	m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
		awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' |
		grep -E '/debian/?$' | head -1)
	if [ -z "$m" ]; then
		m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' |
			grep -E '/debian/?$' | head -1)
	fi
	if [ -z "$m" ]; then
		echo "chroot.sh: no Debian mirror found in /etc/apt" >&2
		return 1
	fi
	echo "${m%/}"
}

# mount_all DIR: mount what package scripts and servers need; remembers what
# it mounted in $mounted so that umount_all undoes exactly that
mounted=""
mount_all() {
	local d=$1
	if ! mountpoint -q "$d/proc"; then
		mount -t proc proc "$d/proc"
		mounted="$d/proc $mounted"
	fi
	if ! mountpoint -q "$d/dev"; then
		mount --bind /dev "$d/dev"
		mount --make-private "$d/dev"
		mounted="$d/dev $mounted"
	fi
	if ! mountpoint -q "$d/dev/shm"; then
		mount -t tmpfs -o mode=1777 shm "$d/dev/shm"
		mounted="$d/dev/shm $mounted"
	fi
}

umount_all() {
	local m
	for m in $mounted; do
		umount "$m" 2>/dev/null || umount -l "$m" || true
	done
	mounted=""
}

# packages VERSION: what the suite needs in that version's chroot.  19 is
# taken from experimental, and only the server: "-t experimental" would
# upgrade perl too, past what sid's libio-pty-perl is built for.
packages() {
	local from=""
	if [ "$1" = 19 ]; then
		from=/experimental
	fi
	echo "postgresql-$1$from postgresql-server-dev-$1$from make gcc libc6-dev" \
		"libkrb5-dev perl libipc-run-perl python3 python3-psycopg python3-psycopg2"
}

# tools VERSION: the monitoring tools the TAP tests run for real, as
# test/deps.sh installs them natively: only where the suite has them (a
# test whose tool is missing skips, saying why)
tools() {
	echo "prometheus-postgres-exporter prometheus postgresql-$1-powa"
}

# make_chroot SUITE DIR: debootstrap it, once
make_chroot() {
	local suite=$1 d=$2 m
	if [ -f "$d/.pss-bootstrapped" ]; then
		return
	fi
	m=$(mirror)
	if ! command -v debootstrap >/dev/null; then
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
	fi
	echo "chroot.sh: debootstrap $suite into $d (from $m)"
	rm -rf "$d"
	mkdir -p "$d"
	debootstrap --variant=minbase "$suite" "$d" "$m" >"$root/$suite.debootstrap.log" 2>&1 || {
		tail -20 "$root/$suite.debootstrap.log" >&2
		return 1
	}
	{
		echo "deb $m $suite main"
		if [ "$suite" = sid ]; then
			echo "deb $m experimental main"
		fi
	} >"$d/etc/apt/sources.list"
	add_sources "$d"
	# the archive is a frozen copy: its Release files look expired
	cat >"$d/etc/apt/apt.conf.d/99pss" <<-EOF
		Acquire::Check-Valid-Until "false";
		Acquire::Check-Date "false";
		APT::Install-Recommends "false";
	EOF
	# no service starts on installation, and no cluster is created
	printf '#!/bin/sh\nexit 101\n' >"$d/usr/sbin/policy-rc.d"
	chmod 755 "$d/usr/sbin/policy-rc.d"
	mkdir -p "$d/etc/postgresql-common"
	echo "create_main_cluster = false" >"$d/etc/postgresql-common/createcluster.conf"
	touch "$d/.pss-bootstrapped"
}

# add_sources DIR: deb-src lines for each deb line of the chroot's
# sources.list (test/peer/peer_suite.sh fetches the server's source package
# with "apt-get source"); chroots made before they were added get them too
add_sources() {
	local list=$1/etc/apt/sources.list
	if ! grep -q '^deb-src ' "$list"; then
		sed -n 's/^deb /deb-src /p' "$list" >"$list.src"
		cat "$list.src" >>"$list"
		rm -f "$list.src"
	fi
}

# ensure VERSION: the chroot exists with that version's packages installed
ensure() {
	local v=$1 suite d want
	suite=$(suite_of "$v")
	d=$root/$suite
	mkdir -p "$root"
	exec 9>"$root/$suite.lock"
	flock 9
	make_chroot "$suite" "$d"
	add_sources "$d"
	want="$(packages "$v") | $(tools "$v")"
	if [ -f "$d/.pss-ready-$v" ] && [ "$(cat "$d/.pss-ready-$v")" = "$want" ]; then
		flock -u 9
		return
	fi
	cp /etc/resolv.conf "$d/etc/resolv.conf" 2>/dev/null || true
	trap umount_all EXIT INT TERM
	mount_all "$d"
	echo "chroot.sh: installing PostgreSQL $v's packages in $d"
	if ! chroot "$d" env DEBIAN_FRONTEND=noninteractive LC_ALL=C sh -c \
		"apt-get update -qq && apt-get install -y -qq $(packages "$v")" \
		>"$root/$suite.$v.install.log" 2>&1; then
		tail -30 "$root/$suite.$v.install.log" >&2
		umount_all
		return 1
	fi
	for p in $(tools "$v"); do
		if chroot "$d" apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
			chroot "$d" env DEBIAN_FRONTEND=noninteractive LC_ALL=C \
				apt-get install -y -qq "$p" >>"$root/$suite.$v.install.log" 2>&1 ||
				echo "chroot.sh: could not install $p (its tests will skip)" >&2
		fi
	done
	umount_all
	echo "$want" >"$d/.pss-ready-$v"
	flock -u 9
}

# run VERSION CMD...: CMD inside the chroot, with the mounts it needs
run() {
	local v=$1 d rc
	shift
	d=$root/$(suite_of "$v")
	if [ ! -f "$d/.pss-ready-$v" ]; then
		echo "chroot.sh: no chroot for PostgreSQL $v yet (run: $0 ensure $v)" >&2
		return 1
	fi
	exec 9>"$root/$(suite_of "$v").lock"
	flock 9
	trap umount_all EXIT INT TERM
	mount_all "$d"
	rc=0
	chroot "$d" "$@" || rc=$?
	umount_all
	flock -u 9
	return $rc
}

if [ "$(id -u)" != 0 ]; then
	echo "chroot.sh: run as root" >&2
	exit 1
fi
cmd=${1:-}
shift || true
case "$cmd" in
ensure)
	for v in "$@"; do
		ensure "$v"
	done
	;;
dir) echo "$root/$(suite_of "$1")" ;;
run) run "$@" ;;
*)
	echo "usage: $0 ensure VERSION... | dir VERSION | run VERSION CMD..." >&2
	exit 2
	;;
esac
