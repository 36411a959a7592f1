#!/bin/bash
# test/data/make_saved_1_1.sh SRC PG_CONFIG OUT
#
# Writes the saved statistics file of extension 1.1 that 002_saved_file.pl
# loads: builds and installs the 1.1 source tree SRC (commit 6dfa148^, e.g.
# from `git archive 6dfa148^`) into the server of PG_CONFIG, runs a small
# workload on a new cluster, and writes OUT.stat (the file 1.1 saved at a
# clean stop) and OUT.txt (what 1.1's view showed of it just before).
# Run as root; the cluster runs as postgres in a temporary directory.
set -euo pipefail
src=$1 pg_config=$2 out=$3
bin=$($pg_config --bindir)
work=$(mktemp -d /tmp/pss-saved-1.1.XXXXXX)
chown postgres "$work"
cp -a "$src" "$work/src"
(cd "$work/src" && make -s clean >/dev/null 2>&1 || true
 make -s -j2 PG_CONFIG="$pg_config" >/dev/null && make -s install PG_CONFIG="$pg_config" >/dev/null)
as_pg() { runuser -u postgres -- "$@"; }
as_pg "$bin/initdb" -D "$work/data" -A trust --no-sync >/dev/null
cat >>"$work/data/postgresql.conf" <<CONF
port = 55499
listen_addresses = ''
unix_socket_directories = '$work'
shared_preload_libraries = 'pg_slow_statements'
CONF
as_pg "$bin/pg_ctl" -D "$work/data" -l "$work/log" -w start >/dev/null
psql() { as_pg "$bin/psql" -h "$work" -p 55499 -X -q -v ON_ERROR_STOP=1 "$@" postgres; }
psql -c "CREATE EXTENSION pg_slow_statements"
psql >/dev/null <<'SQL'
CREATE TABLE f11 (id int PRIMARY KEY, v text);
INSERT INTO f11 SELECT g, 'x' || g FROM generate_series(1, 1000) g;
SELECT count(*) FROM f11 WHERE v <> 'never';
SELECT count(*) FROM f11 WHERE v <> 'never';
SELECT count(*) FROM f11 WHERE v <> 'never';
SELECT pg_sleep(0.02);
SELECT v FROM f11 WHERE id = 7;
SQL
psql -c "SELECT 1/0" 2>/dev/null || true
# the query 002_saved_file.pl runs after loading the file (its own text
# mentions pg_slow_statements, so it is left out)
psql -At -f "$(dirname "$0")/saved-1.1.sql" >"$out.txt"
as_pg "$bin/pg_ctl" -D "$work/data" -w stop >/dev/null
cp "$work/data/pg_stat/pg_slow_statements.stat" "$out.stat"
rm -rf "$work"
