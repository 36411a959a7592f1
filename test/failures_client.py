#!/usr/bin/python3
"""test/failures_client.py: statements that fail, sent over the extended
protocol (psycopg 3 binds its parameters on the server: Parse, Bind,
Execute, Sync).

Usage: failures_client.py CONNINFO CASE...
Each CASE runs one statement that must fail, in its own transaction, and
prints "CASE SQLSTATE".  Cases:
  relation    SELECT from a table that does not exist (42P01, in Parse)
  column      SELECT a column that does not exist (42703, in Parse)
  syntax      a syntax error (42601, in Parse)
  permission  SELECT from a table the role may not read (42501, in Bind's
              ExecutorStart), run as role pss_noread
  bind        a parameter that is not a valid integer (22P02, in Bind)
  lock        SELECT from a table another session holds locked, with
              lock_timeout (55P03, in Parse's parse analysis)
  execute     division by zero while the statement runs (22012, in Execute)
  commit      an INSERT whose deferred foreign key fails at the implicit
              commit that follows its Execute (23503, at Sync)
"""
import sys

import psycopg

CASES = {
    "relation": ("SELECT a FROM pss_nosuch WHERE a = %s", (1,)),
    "column": ("SELECT pss_nocol FROM pss_t WHERE a = %s", (1,)),
    "syntax": ("SELEC a FROM pss_t WHERE a = %s", (1,)),
    "permission": ("SELECT a FROM pss_secret WHERE a = %s", (1,)),
    "bind": ("SELECT a FROM pss_t WHERE a = %s::int", ("x",)),
    "lock": ("SELECT a FROM pss_locked WHERE a = %s", (1,)),
    "execute": ("SELECT 1 / (a - %s) FROM pss_t", (1,)),
    "commit": ("INSERT INTO pss_child VALUES (%s)", (99999,)),
}


def main():
    conninfo = sys.argv[1]
    for case in sys.argv[2:]:
        query, params = CASES[case]
        with psycopg.connect(conninfo, autocommit=True) as conn:
            if case == "permission":
                conn.execute("SET ROLE pss_noread")
            if case == "lock":
                conn.execute("SET lock_timeout = '200ms'")
            try:
                # prepare=False: the unnamed statement, as most drivers send
                conn.execute(query, params, prepare=False)
                print(case, "no error")
            except psycopg.Error as e:
                print(case, e.sqlstate)


if __name__ == "__main__":
    main()
