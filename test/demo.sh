#!/bin/bash
# test/demo.sh: the extension's main job, end to end, on a throwaway cluster.
#
# Run as root, with PG_CONFIG naming the server (default: Debian 12's
# PostgreSQL 15):
#   1. installs the Debian packages that are missing (test/deps.sh; not
#      with PSS_NO_DEPS=1, as in a chroot that has them already),
#   2. builds and installs the extension,
#   3. creates a temporary cluster owned by postgres, with the library in
#      shared_preload_libraries, reachable only through a Unix socket in its
#      own directory,
#   4. loads a small shop schema (res_partner, sale_order, sale_order_line,
#      mail_message) and runs a workload shaped like an ORM application that
#      talks through psycopg2: plain-text statements with literal constants,
#      one simple-protocol message each, application_name shop-web, the
#      statements of two requests tagged by sqlcommenter comments,
#   5. prints the statements ranked by total execution time, the slowest
#      execution of the first, and who sends the N+1 loop (its sources),
#   6. stops the cluster and removes it, whatever happened (trap on EXIT).
#
# The workload (pgbench -M simple, so that :variables reach the server as
# literals) mixes: point lookups by id; a form view that loads an order,
# then its lines one by one (an N+1 loop: many cheap identical statements
# per transaction) and writes an audit row; IN lists of several lengths; a
# quoted, table-qualified, Django-style search with ILIKE; an occasional
# slow report (sequential scan, aggregate, sort).
#
# DEMO_SECONDS (default 20) sets how long the workload runs.
# test/demo_check.sh runs it and checks what it prints (CI does).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
bindir=$("$PG_CONFIG" --bindir)
seconds=${DEMO_SECONDS:-20}
clients=4

if [ "$(id -u)" != 0 ]; then
    echo "run as root: the demo installs packages and the extension" >&2
    exit 1
fi

if [ "${PSS_NO_DEPS:-0}" != 1 ]; then
    echo "== packages"
    bash test/deps.sh
fi

echo "== build and install"
make -s PG_CONFIG="$PG_CONFIG"
make -s PG_CONFIG="$PG_CONFIG" install

# The throwaway cluster: data directory, socket and scripts in one place
tmp=$(mktemp -d /tmp/pss_demo.XXXXXX)
data="$tmp/data"
chown postgres:postgres "$tmp"
started=0

# shellcheck source=test/lib.sh
. "$top/test/lib.sh"

cleanup() {
    [ "$started" != 1 ] || stop_server "$data"
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A port nobody listens on over TCP (the socket itself is private anyway)
port=$((20000 + RANDOM % 40000))
while port_in_use "$port"; do
    port=$((20000 + RANDOM % 40000))
done

echo "== cluster in $tmp (port $port)"
as_pg "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 --no-locale \
    --no-sync >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log"; exit 1; }
cat >>"$data/postgresql.conf" <<EOF

# pg_slow_statements demo (throwaway cluster)
listen_addresses = ''
port = $port
unix_socket_directories = '$tmp'
shared_preload_libraries = 'pg_slow_statements'
fsync = off
max_connections = 20
EOF
as_pg "$bindir/pg_ctl" -D "$data" -l "$tmp/server.log" -w start >/dev/null ||
    { cat "$tmp/server.log"; exit 1; }
started=1

# psql_demo ARGS...: psql on the demo database, stopping at the first error
psql_demo() {
    as_pg "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$tmp" -p "$port" \
        -d shop "$@"
}

as_pg "$bindir/createdb" -h "$tmp" -p "$port" shop

echo "== schema and data"
psql_demo <<'EOF'
CREATE EXTENSION pg_slow_statements;

CREATE TABLE res_partner (
    id          serial PRIMARY KEY,
    name        text NOT NULL,
    email       text,
    city        text,
    active      boolean NOT NULL DEFAULT true,
    create_date timestamp NOT NULL DEFAULT now()
);
CREATE TABLE sale_order (
    id           serial PRIMARY KEY,
    name         text NOT NULL,
    partner_id   integer NOT NULL REFERENCES res_partner,
    state        text NOT NULL,
    date_order   timestamp NOT NULL,
    amount_total numeric(12, 2) NOT NULL DEFAULT 0,
    write_date   timestamp
);
CREATE TABLE sale_order_line (
    id              serial PRIMARY KEY,
    order_id        integer NOT NULL REFERENCES sale_order,
    product_name    text NOT NULL,
    product_uom_qty numeric(12, 3) NOT NULL,
    price_unit      numeric(12, 2) NOT NULL,
    price_subtotal  numeric(12, 2) NOT NULL
);
CREATE INDEX ON sale_order_line (order_id);
CREATE TABLE mail_message (
    id           bigserial PRIMARY KEY,
    model        text NOT NULL,
    res_id       integer NOT NULL,
    message_type text NOT NULL,
    body         text,
    author_id    integer,
    date         timestamp NOT NULL DEFAULT now()
);
CREATE INDEX ON mail_message (model, res_id);

INSERT INTO res_partner (name, email, city, active)
SELECT 'Partner ' || i, 'partner' || i || '@example.com',
       (ARRAY['Brussels', 'Lyon', 'Porto', 'Gdansk', 'Leipzig'])[1 + i % 5],
       i % 17 <> 0
FROM generate_series(1, 20000) i;

INSERT INTO sale_order (name, partner_id, state, date_order, amount_total)
SELECT 'SO' || lpad(i::text, 5, '0'), 1 + (i * 7919) % 20000,
       (ARRAY['draft', 'sent', 'sale', 'done', 'cancel'])[1 + i % 5],
       timestamp '2024-01-01' + i * interval '47 minutes', 0
FROM generate_series(1, 10000) i;

-- eight lines per order: order o owns lines 8 * (o - 1) + 1 .. 8 * o
INSERT INTO sale_order_line (order_id, product_name, product_uom_qty,
                             price_unit, price_subtotal)
SELECT o, 'Product ' || (1 + (o * 31 + l) % 500), 1 + l,
       5 + (o + l) % 95, (1 + l) * (5 + (o + l) % 95)
FROM generate_series(1, 10000) o, generate_series(1, 8) l
ORDER BY o, l;

UPDATE sale_order o SET amount_total = s.total
FROM (SELECT order_id, sum(price_subtotal) AS total
      FROM sale_order_line GROUP BY order_id) s
WHERE s.order_id = o.id;

INSERT INTO mail_message (model, res_id, message_type, body, author_id, date)
SELECT 'sale.order', 1 + i % 10000, 'comment', '<p>Note ' || i || '</p>',
       1 + i % 50, timestamp '2024-01-01' + i * interval '13 minutes'
FROM generate_series(1, 20000) i;

VACUUM ANALYZE;
EOF

# The workload's scripts, one per kind of request
w="$tmp/workload"
mkdir "$w"

# Open a partner's form: a point lookup by primary key
cat >"$w/partner_read.sql" <<'EOF'
\set id random(1, 20000)
\set t random(1000000, 9999999)
SELECT id, name, email, city, active FROM res_partner WHERE id = :id /*action='read',controller='res.partner',framework='django%3A4.2',route='%2Fpartners%2F%3Cint%3Aid%3E',traceparent='00-0af7651916cd43dd8448eb21:t-b7ad6b7169203331-01'*/;
EOF

# Open an order's form the naive way: the order, then each line by its own
# query (N+1), the chatter, and an audit row.  The application is
# instrumented as Django's sqlcommenter middleware does it: each statement
# ends with a comment naming the route, controller and action of the
# request, and its trace (traceparent, one per request)
cat >"$w/order_form.sql" <<'EOF'
\set oid random(1, 10000)
\set uid random(1, 50)
\set t random(1000000, 9999999)
\set line 8 * (:oid - 1) + 1
BEGIN;
SELECT id, name, partner_id, state, date_order, amount_total FROM sale_order WHERE id = :oid /*action='form',controller='sale.order',framework='django%3A4.2',route='%2Forders%2F%3Cint%3Aid%3E',traceparent='00-4bf92f3577b34da6a3ce929d:t-00f067aa0ba902b7-01'*/;
SELECT id FROM sale_order_line WHERE order_id = :oid ORDER BY id /*action='form',controller='sale.order',framework='django%3A4.2',route='%2Forders%2F%3Cint%3Aid%3E',traceparent='00-4bf92f3577b34da6a3ce929d:t-00f067aa0ba902b7-01'*/;
SELECT id, order_id, product_name, product_uom_qty, price_unit, price_subtotal FROM sale_order_line WHERE id = :line /*action='form',controller='sale.order',framework='django%3A4.2',route='%2Forders%2F%3Cint%3Aid%3E',traceparent='00-4bf92f3577b34da6a3ce929d:t-00f067aa0ba902b7-01'*/;
\set line :line + 1
SELECT id, order_id, product_name, product_uom_qty, price_unit, price_subtotal FROM sale_order_line WHERE id = :line /*action='form',controller='sale.order',framework='django%3A4.2',route='%2Forders%2F%3Cint%3Aid%3E',traceparent='00-4bf92f3577b34da6a3ce929d:t-00f067aa0ba902b7-01'*/;
\set line :line + 1
SELECT id, order_id, product_name, product_uom_qty, price_unit, price_subtotal FROM sale_order_line WHERE id = :line /*action='form',controller='sale.order',framework='django%3A4.2',route='%2Forders%2F%3Cint%3Aid%3E',traceparent='00-4bf92f3577b34da6a3ce929d:t-00f067aa0ba902b7-01'*/;
\set line :line + 1
SELECT id, order_id, product_name, product_uom_qty, price_unit, price_subtotal FROM sale_order_line WHERE id = :line /*action='form',controller='sale.order',framework='django%3A4.2',route='%2Forders%2F%3Cint%3Aid%3E',traceparent='00-4bf92f3577b34da6a3ce929d:t-00f067aa0ba902b7-01'*/;
\set line :line + 1
SELECT id, order_id, product_name, product_uom_qty, price_unit, price_subtotal FROM sale_order_line WHERE id = :line /*action='form',controller='sale.order',framework='django%3A4.2',route='%2Forders%2F%3Cint%3Aid%3E',traceparent='00-4bf92f3577b34da6a3ce929d:t-00f067aa0ba902b7-01'*/;
\set line :line + 1
SELECT id, order_id, product_name, product_uom_qty, price_unit, price_subtotal FROM sale_order_line WHERE id = :line /*action='form',controller='sale.order',framework='django%3A4.2',route='%2Forders%2F%3Cint%3Aid%3E',traceparent='00-4bf92f3577b34da6a3ce929d:t-00f067aa0ba902b7-01'*/;
\set line :line + 1
SELECT id, order_id, product_name, product_uom_qty, price_unit, price_subtotal FROM sale_order_line WHERE id = :line /*action='form',controller='sale.order',framework='django%3A4.2',route='%2Forders%2F%3Cint%3Aid%3E',traceparent='00-4bf92f3577b34da6a3ce929d:t-00f067aa0ba902b7-01'*/;
\set line :line + 1
SELECT id, order_id, product_name, product_uom_qty, price_unit, price_subtotal FROM sale_order_line WHERE id = :line /*action='form',controller='sale.order',framework='django%3A4.2',route='%2Forders%2F%3Cint%3Aid%3E',traceparent='00-4bf92f3577b34da6a3ce929d:t-00f067aa0ba902b7-01'*/;
SELECT id, body, author_id, date FROM mail_message WHERE model = 'sale.order' AND res_id = :oid ORDER BY id DESC LIMIT 30 /*action='form',controller='sale.order',framework='django%3A4.2',route='%2Forders%2F%3Cint%3Aid%3E',traceparent='00-4bf92f3577b34da6a3ce929d:t-00f067aa0ba902b7-01'*/;
INSERT INTO mail_message (model, res_id, message_type, body, author_id) VALUES ('sale.order', :oid, 'notification', 'Order viewed', :uid) /*action='form',controller='sale.order',framework='django%3A4.2',route='%2Forders%2F%3Cint%3Aid%3E',traceparent='00-4bf92f3577b34da6a3ce929d:t-00f067aa0ba902b7-01'*/;
UPDATE sale_order SET write_date = now() WHERE id = :oid /*action='form',controller='sale.order',framework='django%3A4.2',route='%2Forders%2F%3Cint%3Aid%3E',traceparent='00-4bf92f3577b34da6a3ce929d:t-00f067aa0ba902b7-01'*/;
COMMIT;
EOF

# Prefetch partners for a list view: IN lists whose length varies with the
# page (script variants of 3, 8 and 20 ids)
for n in 3 8 20; do
    {
        list=""
        for i in $(seq 1 "$n"); do
            echo "\\set p$i random(1, 20000)"
            list="$list${list:+, }:p$i"
        done
        echo "SELECT id, name, email FROM res_partner WHERE id IN ($list);"
    } >"$w/partner_in_$n.sql"
done

# A search box as an ORM writes it (Odoo, Django): every name quoted and
# table-qualified, ILIKE with a leading wildcard (a sequential scan)
cat >"$w/partner_search.sql" <<'EOF'
\set n random(1, 999)
SELECT "res_partner"."id", "res_partner"."name", "res_partner"."email" FROM "res_partner" WHERE ("res_partner"."active" AND "res_partner"."name"::text ILIKE '%Partner :n%') ORDER BY "res_partner"."name" ASC LIMIT 80;
EOF

# Now and then, a report: sales by partner, over every order line
cat >"$w/sales_report.sql" <<'EOF'
\set since random(0, 300)
SELECT o.partner_id, count(*) AS nlines, sum(l.price_subtotal) AS revenue FROM sale_order_line l JOIN sale_order o ON o.id = l.order_id WHERE o.state IN ('sale', 'done') AND o.date_order >= timestamp '2024-01-01' + :since * interval '1 day' GROUP BY o.partner_id ORDER BY revenue DESC LIMIT 20;
EOF

chown -R postgres:postgres "$w"

# Only the workload's statements in the ranking
psql_demo -c "SELECT pg_slow_statements_reset()" >/dev/null

echo "== workload: $clients clients for $seconds s (pgbench -M simple)"
as_pg env PGAPPNAME=shop-web "$bindir/pgbench" -h "$tmp" -p "$port" -n -M simple \
    -c "$clients" -j 2 -T "$seconds" \
    -f "$w/partner_read.sql@30" \
    -f "$w/order_form.sql@15" \
    -f "$w/partner_in_3.sql@6" \
    -f "$w/partner_in_8.sql@4" \
    -f "$w/partner_in_20.sql@2" \
    -f "$w/partner_search.sql@2" \
    -f "$w/sales_report.sql@1" \
    shop >"$tmp/pgbench.log" 2>&1 || { cat "$tmp/pgbench.log"; exit 1; }
grep -E "^(number of transactions actually processed|tps)" "$tmp/pgbench.log" || true

echo
echo "== top statements by total execution time"
psql_demo -P pager=off <<'EOF'
SELECT * FROM pg_slow_statements_top LIMIT 10;
\echo '== the slowest execution of the top statement, with its plan'
\x on
SELECT slowest_query, slowest_exec_time, slowest_at, slowest_plan
  FROM (SELECT slowest_query, round(max_exec_time::numeric, 3) AS slowest_exec_time,
               slowest_at, slowest_plan
          FROM pg_slow_statements ORDER BY total_exec_time DESC LIMIT 1) s;
\x off
\echo '== who sends the N+1 statement: its sources (application, tags)'
SELECT application_name, tags->>'controller' AS controller,
       tags->>'route' AS route, calls, round(total_exec_time::numeric, 1) AS total_exec_time
  FROM pg_slow_statements_sources
 WHERE queryid = (SELECT queryid FROM pg_slow_statements
                   WHERE query LIKE 'SELECT id, order_id, product_name%'
                   ORDER BY calls DESC LIMIT 1)
 ORDER BY calls DESC;
SELECT * FROM pg_slow_statements_info;
EOF

echo "== stopping and removing the cluster"
