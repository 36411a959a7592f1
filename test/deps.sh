#!/bin/bash
# test/deps.sh: install, from Debian's packages, what building, testing and
# running the demo need.  Does nothing for packages already installed.
#
# The monitoring tools the TAP tests run for real (test/t/050-052) are
# installed when the distribution has them for the server of PG_CONFIG
# (default: Debian 12's PostgreSQL 15); a test whose tool is missing skips
# with its reason.  PoWA's files are also copied into the server's own
# directories when PG_CONFIG names a relocated copy of PostgreSQL.
set -e
pkgs="postgresql-15 postgresql-server-dev-15 postgresql-contrib libipc-run-perl
      libkrb5-dev make gcc clang valgrind python3-psycopg
      python3-psycopg2"
pg_config=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
major=$("$pg_config" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
tools="prometheus-postgres-exporter prometheus postgresql-$major-powa"

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

missing=""
for p in $pkgs; do
    installed "$p" || missing="$missing $p"
done
missing_tools=""
for p in $tools; do
    installed "$p" || missing_tools="$missing_tools $p"
done
if [ -n "$missing$missing_tools" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "missing packages:$missing$missing_tools (run as root to install them)" >&2
        [ -z "$missing" ] || exit 1
    else
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        if [ -n "$missing" ]; then
            echo "installing:$missing"
            apt-get install -y -qq $missing >/dev/null
        fi
        # the tools only where the archive has them; their services are
        # not started (the tests start their own, on loopback)
        available=""
        for p in $missing_tools; do
            apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [0-9]' &&
                available="$available $p"
        done
        if [ -n "$available" ]; then
            echo "installing:$available"
            policy=/usr/sbin/policy-rc.d
            own_policy=""
            if [ ! -e $policy ]; then
                printf '#!/bin/sh\nexit 101\n' >$policy
                chmod 755 $policy
                own_policy=1
            fi
            apt-get install -y -qq --no-install-recommends $available >/dev/null ||
                echo "could not install:$available" >&2
            [ -z "$own_policy" ] || rm -f $policy
        fi
    fi
fi

# PoWA into a relocated server (a private copy of PostgreSQL): its library
# and extension files, from the package's list of files
pkglibdir=$("$pg_config" --pkglibdir)
extdir=$("$pg_config" --sharedir)/extension
if installed "postgresql-$major-powa" &&
    [ "$pkglibdir" != "/usr/lib/postgresql/$major/lib" ] && [ -w "$pkglibdir" ]; then
    dpkg -L "postgresql-$major-powa" | while read -r f; do
        [ -f "$f" ] || continue
        case "$f" in
        /usr/lib/postgresql/$major/lib/*.so) cp -p "$f" "$pkglibdir/" ;;
        /usr/share/postgresql/$major/extension/*) cp -p "$f" "$extdir/" ;;
        esac
    done
fi
exit 0
