/* sql/pg_slow_statements--1.0--1.1.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "ALTER EXTENSION pg_slow_statements UPDATE TO '1.1'" to load this file. \quit

-- 1.1 appends to pg_slow_statements the columns that pg_stat_statements
-- 1.11 to 1.13 added (PostgreSQL 17 to 19), and samples_dropped to
-- pg_slow_statements_info.  A function's result columns cannot be changed
-- in place: the views over them are dropped and made again, with their
-- grants.  (The library still serves 1.0's function until this runs.)
--
-- This script also installs 1.1 afresh, after pg_slow_statements--1.0.sql
-- (there is no --1.1.sql): a fresh and an updated installation are the
-- same by construction.  Each column of pg_slow_statements() is written
-- out once, in the version that added it: the function is declared again
-- with the columns it has, read back from the catalog, and the new ones.
-- The library checks the result against its own table of columns
-- (src/counterlist.h) on every call.  A later version appends the same way.

DROP VIEW @extschema@.pg_slow_statements_top;
DROP VIEW @extschema@.pg_slow_statements;

DO $pss$
DECLARE
    columns_1_0 text := pg_catalog.pg_get_function_arguments(
        '@extschema@.pg_slow_statements(boolean)'::pg_catalog.regprocedure);
BEGIN
    DROP FUNCTION @extschema@.pg_slow_statements(boolean);
    EXECUTE pg_catalog.format($sql$
CREATE FUNCTION @extschema@.pg_slow_statements(%s,
    OUT shared_blk_read_time float8,
    OUT shared_blk_write_time float8,
    OUT local_blk_read_time float8,
    OUT local_blk_write_time float8,
    OUT jit_deform_count int8,
    OUT jit_deform_time float8,
    OUT wal_buffers_full int8,
    OUT parallel_workers_to_launch int8,
    OUT parallel_workers_launched int8,
    OUT generic_plan_calls int8,
    OUT custom_plan_calls int8
)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'pg_slow_statements_1_1'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE
$sql$, columns_1_0);
END
$pss$;

CREATE VIEW @extschema@.pg_slow_statements AS
    SELECT * FROM @extschema@.pg_slow_statements(true);

GRANT SELECT ON @extschema@.pg_slow_statements TO PUBLIC;

-- The rows of pg_slow_statements_top, ranked by the library: ranking and
-- sorting in SQL kept every row in a tuplestore or a sort, which went to
-- temporary files past work_mem (three files, 95 MB, per read of 100,000
-- entries).  Rows come in rank order; sum_exec_time is the total execution
-- time of all entries, for the percentages; query is on one line of at
-- most 100 characters (white space runs made one space, "..." if cut).
CREATE FUNCTION @extschema@.pg_slow_statements_top_rows(
    OUT rank bigint,
    OUT queryid bigint,
    OUT calls int8,
    OUT total_exec_time float8,
    OUT sum_exec_time float8,
    OUT mean_exec_time float8,
    OUT p95_exec_time float8,
    OUT p99_exec_time float8,
    OUT hit_percent float8,
    OUT rows int8,
    OUT slow_calls int8,
    OUT failed_calls int8,
    OUT max_calls_per_xact int8,
    OUT query text
)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'pg_slow_statements_top_rows'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

-- The first thing to look at: statements ranked by total execution time,
-- with rounded figures and the text on one short line.  The view keeps the
-- function's order: it adds no sort (see above).
CREATE VIEW @extschema@.pg_slow_statements_top AS
    SELECT s.rank,
           s.queryid,
           pg_catalog.round((100 * s.total_exec_time /
                             NULLIF(s.sum_exec_time, 0))::numeric,
                            1) AS pct_total_time,
           s.calls,
           pg_catalog.round(s.total_exec_time::numeric, 1) AS total_exec_time,
           pg_catalog.round(s.mean_exec_time::numeric, 3) AS mean_exec_time,
           pg_catalog.round(s.p95_exec_time::numeric, 3) AS p95_exec_time,
           pg_catalog.round(s.p99_exec_time::numeric, 3) AS p99_exec_time,
           pg_catalog.round(s.hit_percent::numeric, 1) AS hit_percent,
           pg_catalog.round(s.rows::numeric / NULLIF(s.calls, 0), 1) AS rows_per_call,
           s.slow_calls,
           s.failed_calls,
           s.max_calls_per_xact,
           s.query
      FROM @extschema@.pg_slow_statements_top_rows() s;

GRANT SELECT ON @extschema@.pg_slow_statements_top TO PUBLIC;

DROP VIEW @extschema@.pg_slow_statements_info;
DROP FUNCTION @extschema@.pg_slow_statements_info();

CREATE FUNCTION @extschema@.pg_slow_statements_info(
    OUT dealloc bigint,
    OUT stats_reset timestamptz,
    OUT entries bigint,
    OUT max_entries bigint,
    OUT text_bytes bigint,
    OUT text_memory bigint,
    OUT texts_dropped bigint,
    OUT samples_dropped bigint
)
RETURNS record
AS 'MODULE_PATHNAME', 'pg_slow_statements_info'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

CREATE VIEW @extschema@.pg_slow_statements_info AS
    SELECT * FROM @extschema@.pg_slow_statements_info();

GRANT SELECT ON @extschema@.pg_slow_statements_info TO PUBLIC;
