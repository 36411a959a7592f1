#!/usr/bin/env python3
"""test/bench/gen_workloads.py: write the benchmark's statements and scripts.

Usage: gen_workloads.py OUTDIR [--quick]

Writes, with fixed random seeds so that every run feeds the server the same
bytes (instruction counts are then repeatable):

  OUTDIR/cg/W.setup.sql        statements run before the measured ones (may
                               be empty): PREPARE, or the pre-fill that
                               makes the statistics table full
  OUTDIR/cg/W.measure.sql      the N measured statements, one per line, for
  OUTDIR/cg/W.measure.CFG.sql  `postgres --single` (a newline ends a
                               statement); a CFG-suffixed file replaces the
                               plain one for that configuration
  OUTDIR/cg/counts             "W N" lines: how many statements are measured;
                               "W.base N" for a workload measured as the
                               difference of two runs (prepared-ext: N
                               statements in the shorter run)
  OUTDIR/pgbench/*.sql         pgbench scripts (variables are substituted as
                               literals with -M simple, as $n with -M
                               prepared)
  OUTDIR/pgbench/orm.weights   "SCRIPT WEIGHT" lines for the orm_NN.sql
  OUTDIR/pgbench/prefill.sql   MAX distinct statements, to fill the table

Glossary: "max" is the size of both statistics tables
(pg_stat_statements.max, pg_slow_statements.max); "distinct" statements
differ in a name, not in a constant.  pg_stat_statements' query id ignores
column aliases but includes CTE names, so the distinct statements of the
churn and readers workloads each use their own CTE name: both extensions
then see a new statement every time.
"""

import os
import random
import sys

ACCOUNTS = 100000           # pgbench_accounts rows at scale 1

# Sizes of each run: (full, quick)
SIZES = {
    "max": (5000, 1000),          # statistics table size
    "simple": (5000, 500),        # measured statements, callgrind
    "prepared-sql": (5000, 500),
    "prepared-ext": (5000, 500),  # the difference of the two runs
    "prepared-ext.base": (1000, 100),  # the shorter run
    "orm": (1000, 200),
    "orm-tags": (1000, 200),
    "churn": (10000, 2000),       # new statements after the pre-fill
    "polls": (20, 5),             # reads of the whole view, callgrind
}

# IN-list lengths of the ORM-style pgbench scripts and their weights
ORM_VARIANTS = [(5, 20), (8, 20), (12, 15), (20, 15), (30, 10), (45, 8),
                (60, 7), (80, 5)]

SIMPLE = "SELECT abalance FROM pgbench_accounts WHERE aid = {aid}"


def distinct(k, aid):
    """distinct: the k-th statement of a family whose members all differ
    (for both extensions) and cost the same to run."""
    return ("WITH w{k} AS (SELECT abalance FROM pgbench_accounts "
            "WHERE aid = {aid}) SELECT abalance FROM w{k}").format(k=k, aid=aid)


def orm_statement(ids):
    """orm_statement: a Django-style query of about 1-2 kB: quoted,
    table-qualified columns with aliases, repeated as a wide model's would
    be, an IN list, an ILIKE on a string constant, ORDER BY and LIMIT.
    ids is a list of strings (literals, or pgbench variables)."""
    cols = ["aid", "bid", "abalance", "filler"]
    select = []
    for rep in range(5):
        for c in cols:
            alias = "pgbench_accounts_%s" % c if rep == 0 else \
                "pgbench_accounts_%s_%d" % (c, rep)
            select.append('"pgbench_accounts"."%s" AS "%s"' % (c, alias))
    return ('SELECT %s FROM "pgbench_accounts" '
            'WHERE ("pgbench_accounts"."aid" IN (%s) '
            'AND "pgbench_accounts"."filler"::text ILIKE \'%%  %%\') '
            'ORDER BY "pgbench_accounts"."aid" ASC LIMIT 21'
            % (", ".join(select), ", ".join(ids)))


# The routes of an instrumented Django application (orm-tags)
ROUTES = [("orders", "retrieve", "/api/orders/<int:pk>/"),
          ("orders", "list", "/api/orders/"),
          ("carts", "retrieve", "/api/carts/<int:pk>/"),
          ("carts", "update", "/api/carts/<int:pk>/items/"),
          ("products", "list", "/api/products/"),
          ("products", "retrieve", "/api/products/<slug:slug>/"),
          ("accounts", "retrieve", "/api/me/"),
          ("search", "list", "/api/search/")]

APP_NAME = "gunicorn-shop"


def quote_url(s):
    """quote_url: s URL-encoded as sqlcommenter encodes values (every byte
    but letters, digits and "_.-~")."""
    safe = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
               "0123456789_.-~")
    return "".join(c if c in safe else "%%%02X" % ord(c) for c in s)


def sqlcommenter(rnd, route):
    """sqlcommenter: the comment Django's sqlcommenter middleware appends
    for one request of a route, with a new traceparent."""
    controller, action, path = route
    tags = [("action", action), ("controller", controller),
            ("db_driver", "psycopg2"), ("framework", "django:4.2.7"),
            ("route", path),
            ("traceparent", "00-%032x-%016x-01" % (rnd.getrandbits(128),
                                                   rnd.getrandbits(64)))]
    return "/*" + ",".join("%s='%s'" % (k, quote_url(v))
                           for k, v in tags) + "*/"


def write(path, lines):
    """write: one statement or script line per line."""
    with open(path, "w") as f:
        for line in lines:
            f.write(line + "\n")


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: gen_workloads.py OUTDIR [--quick]")
    out = sys.argv[1]
    size = {k: v[1 if "--quick" in sys.argv[2:] else 0]
            for k, v in SIZES.items()}
    cg = os.path.join(out, "cg")
    pgb = os.path.join(out, "pgbench")
    os.makedirs(cg, exist_ok=True)
    os.makedirs(pgb, exist_ok=True)
    rnd = random.Random(20240601)
    counts = {}

    def aid():
        return rnd.randint(1, ACCOUNTS)

    # simple: a point lookup sent as text, a new literal every time
    n = size["simple"]
    write(os.path.join(cg, "simple.setup.sql"), [])
    write(os.path.join(cg, "simple.measure.sql"),
          [SIMPLE.format(aid=aid()) for _ in range(n)])
    counts["simple"] = n

    # prepared-sql: the same statement, prepared once with SQL PREPARE,
    # executed with SQL EXECUTE and a parameter
    n = size["prepared-sql"]
    write(os.path.join(cg, "prepared-sql.setup.sql"),
          ["PREPARE s(int) AS " + SIMPLE.format(aid="$1")])
    write(os.path.join(cg, "prepared-sql.measure.sql"),
          ["EXECUTE s(%d)" % aid() for _ in range(n)])
    counts["prepared-sql"] = n

    # prepared-ext: the same statement over the extended protocol (pgbench
    # -M prepared with pgbench/simple.sql, a fixed random seed): bench.sh
    # runs base + n and base transactions, the difference is measured
    counts["prepared-ext"] = size["prepared-ext"]
    counts["prepared-ext.base"] = size["prepared-ext.base"]

    # orm: long statements, IN lists of 5 to 80 ids
    n = size["orm"]
    write(os.path.join(cg, "orm.setup.sql"), [])
    write(os.path.join(cg, "orm.measure.sql"),
          [orm_statement([str(aid()) for _ in range(rnd.randint(5, 80))])
           for _ in range(n)])
    counts["orm"] = n

    # orm-tags: the same statements as an instrumented Django application
    # sends them: with application_name set and a sqlcommenter comment of
    # one of eight routes, each request with its own traceparent
    n = size["orm-tags"]
    write(os.path.join(cg, "orm-tags.setup.sql"),
          ["SET application_name = '%s'" % APP_NAME])
    write(os.path.join(cg, "orm-tags.measure.sql"),
          [orm_statement([str(aid()) for _ in range(rnd.randint(5, 80))]) +
           " " + sqlcommenter(rnd, rnd.choice(ROUTES))
           for _ in range(n)])
    counts["orm-tags"] = n

    # churn: fill the table, then only new statements (each one evicts)
    mx = size["max"]
    prefill = [distinct(k, aid()) for k in range(1, mx + 1)]
    n = size["churn"]
    write(os.path.join(cg, "churn.setup.sql"), prefill)
    write(os.path.join(cg, "churn.measure.sql"),
          [distinct(k, aid()) for k in range(mx + 1, mx + n + 1)])
    counts["churn"] = n

    # readers: with a full table, the cost of reading the whole view
    n = size["polls"]
    write(os.path.join(cg, "readers.setup.sql"), prefill)
    write(os.path.join(cg, "readers.measure.pgss.sql"),
          ["SELECT count(*) FROM pg_stat_statements"] * n)
    write(os.path.join(cg, "readers.measure.pss.sql"),
          ["SELECT count(*) FROM pg_slow_statements"] * n)
    counts["readers"] = n

    write(os.path.join(cg, "counts"),
          ["%s %d" % (w, c) for w, c in counts.items()] + ["max %d" % mx])

    # pgbench scripts
    write(os.path.join(pgb, "simple.sql"),
          ["\\set aid random(1, %d)" % ACCOUNTS,
           SIMPLE.format(aid=":aid") + ";"])
    weights = []
    for length, weight in ORM_VARIANTS:
        ids = [":aid"] + [str(aid()) for _ in range(length - 1)]
        name = "orm_%02d.sql" % length
        write(os.path.join(pgb, name),
              ["\\set aid random(1, %d)" % ACCOUNTS,
               orm_statement(ids) + ";"])
        weights.append("%s %d" % (name, weight))
    write(os.path.join(pgb, "orm.weights"), weights)
    # orm-tags: the orm scripts with a route's comment (pgbench substitutes
    # no variable inside it: its traceparent is fixed per script)
    weights = []
    for (length, weight), route in zip(ORM_VARIANTS, ROUTES):
        ids = [":aid"] + [str(aid()) for _ in range(length - 1)]
        name = "orm_tags_%02d.sql" % length
        write(os.path.join(pgb, name),
              ["\\set aid random(1, %d)" % ACCOUNTS,
               orm_statement(ids) + " " + sqlcommenter(rnd, route) + ";"])
        weights.append("%s %d" % (name, weight))
    write(os.path.join(pgb, "orm-tags.weights"), weights)
    # pgbench replaces :k inside the name too: w:k becomes w123
    write(os.path.join(pgb, "churn.sql"),
          ["\\set k random(1, %d)" % (10 * mx),
           "\\set aid random(1, %d)" % ACCOUNTS,
           distinct(":k", ":aid") + ";"])
    write(os.path.join(pgb, "poll_pgss.sql"),
          ["SELECT * FROM pg_stat_statements;"])
    write(os.path.join(pgb, "poll_pss.sql"),
          ["SELECT * FROM pg_slow_statements;"])
    write(os.path.join(pgb, "prefill.sql"), [s + ";" for s in prefill])


if __name__ == "__main__":
    main()
