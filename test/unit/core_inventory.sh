#!/bin/bash
# test/unit/core_inventory.sh: how many entries PostgreSQL's own regression
# statements make for pg_stat_statements and for us, and where we split
# what it merges.
#
# Runs every file of PostgreSQL 15's src/test/regress/sql, in its schedule's
# order, through psql on a temporary instance of PG_CONFIG's server (default:
# the system's 15) with compute_query_id = on and every statement logged in
# jsonlog with its query id: that id is the one pg_stat_statements would
# key the statement by.  Our fingerprint of each logged text comes from
# test/unit/fp_dump (the extension's own lexer), so the extension need not
# be installed.  test/unit/core_inventory.py then counts the top-level
# entries of both and lists, by kind, the statements that one id of the core
# gathers and we keep apart.  The files come from the cache that
# test/unit/fp_inventory.sh fills (Debian's postgresql-15 source package,
# never stored here): run that once first.  A tool, not a test: run it as
# root after changing the lexer.  Files that need the suite's C library
# (regress.so) fail in part; what ran is counted.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${PSS_INVENTORY_CACHE:-/var/cache/pss-inventory}
pg_config=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
bindir=$("$pg_config" --bindir)
tarball=$(ls "$cache"/postgresql-15_*.orig.tar.* 2>/dev/null | head -1)
if [ -z "$tarball" ]; then
	echo "core_inventory: no source in $cache: run test/unit/fp_inventory.sh first" >&2
	exit 1
fi
work=$(mktemp -d /tmp/pss_core_inventory.XXXXXX)
trap 'su postgres -s /bin/sh -c "$bindir/pg_ctl -D $work/data -m immediate stop" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

# the suite's files, schedule and data (its COPY ... FROM reads them)
tar -xf "$tarball" -C "$work" --wildcards '*/src/test/regress/sql/*' \
	'*/src/test/regress/data/*' '*/src/test/regress/parallel_schedule'
regress=$(echo "$work"/postgresql-*/src/test/regress)
cc -O2 -std=c99 -I"$top/src" -o "$work/fp_dump" \
	"$top/test/unit/fp_dump.c" $(ls "$top"/src/fingerprint*.c)
chown -R postgres: "$work"

# ---- a temporary instance, reached by its socket only -----------------------
su postgres -s /bin/sh -c "$bindir/initdb -D $work/data -A trust -U postgres \
	--no-sync -E UTF8 --locale=C" >"$work/initdb.log" 2>&1
cat >>"$work/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$work'
port = 5432
compute_query_id = on
logging_collector = on
log_destination = 'jsonlog'
log_directory = '$work/log'
log_min_duration_statement = 0
lc_messages = 'C'
statement_timeout = '20s'
fsync = off
CONF
su postgres -s /bin/sh -c "$bindir/pg_ctl -D $work/data -l $work/server.log -w start" >/dev/null

# ---- the suite, one file after another ----------------------------------------
start=$(date +%s)
su postgres -s /bin/bash -c "
	export PGHOST=$work PGPORT=5432 PGUSER=postgres
	export PG_ABS_SRCDIR=$regress PG_ABS_BUILDDIR=$work/build
	export PG_LIBDIR=$work/nolib PG_DLSUFFIX=.so
	mkdir -p $work/build/results
	$bindir/psql -X -q -d postgres -c 'CREATE DATABASE regression' >/dev/null
	for t in \$(sed -n 's/^test: *//p' $regress/parallel_schedule); do
		[ -f $regress/sql/\$t.sql ] || continue
		timeout 180 $bindir/psql -X -q -d regression -f $regress/sql/\$t.sql >/dev/null 2>&1 || true
	done"
echo "core_inventory: the suite ran in $(($(date +%s) - start)) s on $("$pg_config" --version)"
su postgres -s /bin/sh -c "$bindir/pg_ctl -D $work/data -w stop" >/dev/null
python3 "$top/test/unit/core_inventory.py" "$work/log" "$work/fp_dump" "$work/texts"
