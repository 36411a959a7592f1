--
-- pg_slow_statements_compat: the same view, functions and privileges as
-- this server's pg_stat_statements, whatever its version.  contrib's
-- extension is created (not loaded: only its catalog entries are compared)
-- in one schema, ours in another whose name needs quoting.
--
CREATE SCHEMA regress_contrib;
CREATE EXTENSION pg_stat_statements SCHEMA regress_contrib;
CREATE SCHEMA "Pss Compat";
CREATE EXTENSION pg_slow_statements_compat SCHEMA "Pss Compat";

-- the relations' columns: names, order, types; no row means identical
CREATE TEMPORARY VIEW regress_columns AS
SELECT n.nspname, c.relname, a.attnum, a.attname,
       format_type(a.atttypid, a.atttypmod) AS atttype
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname IN ('regress_contrib', 'Pss Compat')
   AND c.relname IN ('pg_stat_statements', 'pg_stat_statements_info')
   AND a.attnum > 0;
SELECT coalesce(t.relname, o.relname) AS relname, coalesce(t.attnum, o.attnum) AS attnum,
       t.attname AS contrib_name, t.atttype AS contrib_type,
       o.attname AS compat_name, o.atttype AS compat_type
  FROM (SELECT * FROM regress_columns WHERE nspname = 'regress_contrib') t
  FULL JOIN (SELECT * FROM regress_columns WHERE nspname = 'Pss Compat') o
       ON o.relname = t.relname AND o.attnum = t.attnum
 WHERE (t.attname, t.atttype) IS DISTINCT FROM (o.attname, o.atttype)
 ORDER BY 1, 2;

-- ... and they are not empty, and grant the same (same owner here)
SELECT c.relname, count(*) > 5 AS many_columns,
       (SELECT relacl FROM pg_class WHERE oid = ('regress_contrib.' || c.relname)::regclass)
       IS NOT DISTINCT FROM
       (SELECT relacl FROM pg_class WHERE oid = ('"Pss Compat".' || c.relname)::regclass)
       AS same_acl
  FROM (VALUES ('pg_stat_statements'), ('pg_stat_statements_info')) c(relname),
       pg_attribute a
 WHERE a.attrelid = ('"Pss Compat".' || c.relname)::regclass AND a.attnum > 0
 GROUP BY c.relname ORDER BY c.relname;

-- the functions: same names, arguments with defaults, results, strictness,
-- volatility, parallel safety and privileges; no row means identical
CREATE TEMPORARY VIEW regress_functions AS
SELECT n.nspname, p.proname,
       concat_ws(' | ', p.proname, pg_get_function_arguments(p.oid),
                 pg_get_function_result(p.oid), p.proretset, p.proisstrict,
                 p.provolatile, p.proparallel, p.proacl) AS signature
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname IN ('regress_contrib', 'Pss Compat');
SELECT coalesce(t.proname, o.proname) AS proname,
       t.signature AS contrib, o.signature AS compat
  FROM (SELECT * FROM regress_functions WHERE nspname = 'regress_contrib') t
  FULL JOIN (SELECT * FROM regress_functions WHERE nspname = 'Pss Compat') o
       ON o.signature = t.signature
 WHERE t.signature IS NULL OR o.signature IS NULL
 ORDER BY 1, 2;
SELECT count(*) AS functions FROM regress_functions WHERE nspname = 'Pss Compat';

SELECT proname, has_function_privilege('public', oid, 'EXECUTE') AS public_may_run
  FROM pg_proc WHERE pronamespace = '"Pss Compat"'::regnamespace
 ORDER BY proname;

-- The data is ours, read with a search_path that has neither our schema
-- nor public: every reference inside is qualified.
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;
SELECT 'compat' AS probe;
SELECT 'compat' AS probe;
SET search_path = "Pss Compat";
SELECT p.calls, p.rows, p.query, p.total_exec_time = s.total_exec_time AS same_time
  FROM pg_stat_statements p
  JOIN public.pg_slow_statements s USING (userid, dbid, toplevel, queryid)
 WHERE p.query LIKE '%probe%' AND p.query NOT LIKE '%pg_stat_statements%';
SELECT count(*) > 0 AS rows, count(query) AS texts
  FROM pg_stat_statements(false);
SELECT dealloc FROM pg_stat_statements_info;
SELECT (SELECT stats_reset FROM pg_stat_statements_info)
       = (SELECT stats_reset FROM public.pg_slow_statements_info) AS same_stats_reset;

-- reset through the compat function removes our entries (1.10 returns
-- void, 1.11 on a time: show neither)
SELECT count(*) AS before FROM public.pg_slow_statements
 WHERE query = 'SELECT $1 AS probe';
SELECT 1 AS done FROM pg_stat_statements_reset(0, 0,
    (SELECT queryid FROM public.pg_slow_statements WHERE query = 'SELECT $1 AS probe'));
SELECT count(*) AS after FROM public.pg_slow_statements
 WHERE query = 'SELECT $1 AS probe';

-- a monitoring read leaves no trace of itself: with track = all and
-- track_planning, the statements of the compat functions (SQL bodies that
-- read ours) are neither executions nor plannings of their own, while
-- other nested statements still are
CREATE FUNCTION public.regress_nested_probe() RETURNS void LANGUAGE plpgsql
    AS $$ BEGIN PERFORM 1 FROM pg_catalog.pg_class WHERE relname = 'nested_probe'; END $$;
SET pg_slow_statements.track = 'all';
SET pg_slow_statements.track_planning = on;
SELECT count(*) > 0 AS rows FROM pg_stat_statements;
SELECT count(*) > 0 AS rows FROM pg_stat_statements(false);
SELECT dealloc FROM pg_stat_statements_info;
SELECT 1 AS done FROM pg_stat_statements_reset(0, 0, 1);
SELECT public.regress_nested_probe();
RESET pg_slow_statements.track;
RESET pg_slow_statements.track_planning;
SELECT calls, plans, query FROM public.pg_slow_statements
 WHERE NOT toplevel ORDER BY query;
DROP FUNCTION public.regress_nested_probe();
RESET search_path;

-- other users' texts are hidden, and they may not reset
CREATE ROLE regress_compat_reader;
GRANT USAGE ON SCHEMA "Pss Compat" TO regress_compat_reader;
SET ROLE regress_compat_reader;
SELECT count(*) > 0 AS others_rows, count(*) FILTER (WHERE query <> '<insufficient privilege>') AS shown,
       count(queryid) AS ids
  FROM "Pss Compat".pg_stat_statements WHERE userid <> 'regress_compat_reader'::regrole;
SELECT "Pss Compat".pg_stat_statements_reset();
RESET ROLE;
REVOKE USAGE ON SCHEMA "Pss Compat" FROM regress_compat_reader;
DROP ROLE regress_compat_reader;

-- ALTER EXTENSION pg_slow_statements UPDATE may redefine our functions:
-- nothing of the compat extension depends on them (its SQL bodies are
-- strings), while our own views do
CREATE TEMPORARY VIEW regress_deps_on_ours AS
SELECT n.nspname, count(*) AS deps
  FROM pg_depend d
  JOIN pg_rewrite r ON d.classid = 'pg_rewrite'::regclass AND r.oid = d.objid
  JOIN pg_class c ON c.oid = r.ev_class
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE d.refclassid = 'pg_proc'::regclass
   AND d.refobjid IN (SELECT e.objid FROM pg_depend e
                       WHERE e.refclassid = 'pg_extension'::regclass
                         AND e.refobjid = (SELECT oid FROM pg_extension
                                            WHERE extname = 'pg_slow_statements')
                         AND e.classid = 'pg_proc'::regclass)
 GROUP BY n.nspname
UNION ALL
SELECT 'functions', count(*)
  FROM pg_depend d
 WHERE d.classid = 'pg_proc'::regclass AND d.refclassid = 'pg_proc'::regclass
   AND d.objid IN (SELECT oid FROM pg_proc WHERE pronamespace = '"Pss Compat"'::regnamespace);
SELECT nspname, deps > 0 AS depends FROM regress_deps_on_ours ORDER BY 1;
DROP VIEW regress_deps_on_ours;

-- relocatable: it moves to another schema and keeps working
CREATE SCHEMA regress_moved;
ALTER EXTENSION pg_slow_statements_compat SET SCHEMA regress_moved;
SELECT count(*) > 0 AS reads FROM regress_moved.pg_stat_statements;

-- our extension cannot be dropped under it
DROP EXTENSION pg_slow_statements;

DROP EXTENSION pg_slow_statements_compat;
DROP VIEW regress_columns, regress_functions;
DROP EXTENSION pg_stat_statements;
DROP SCHEMA regress_moved, "Pss Compat", regress_contrib;
