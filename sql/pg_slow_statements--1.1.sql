/* sql/pg_slow_statements--1.1.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION pg_slow_statements" to load this file. \quit

-- Every reference below is schema-qualified, so the script is safe whatever
-- search_path the installing role has.

CREATE FUNCTION @extschema@.pg_slow_statements(IN showtext boolean DEFAULT true,
    OUT userid oid,
    OUT dbid oid,
    OUT toplevel bool,
    OUT queryid bigint,
    OUT query text,
    OUT plans int8,
    OUT total_plan_time float8,
    OUT min_plan_time float8,
    OUT max_plan_time float8,
    OUT mean_plan_time float8,
    OUT stddev_plan_time float8,
    OUT calls int8,
    OUT total_exec_time float8,
    OUT min_exec_time float8,
    OUT max_exec_time float8,
    OUT mean_exec_time float8,
    OUT stddev_exec_time float8,
    OUT rows int8,
    OUT shared_blks_hit int8,
    OUT shared_blks_read int8,
    OUT shared_blks_dirtied int8,
    OUT shared_blks_written int8,
    OUT local_blks_hit int8,
    OUT local_blks_read int8,
    OUT local_blks_dirtied int8,
    OUT local_blks_written int8,
    OUT temp_blks_read int8,
    OUT temp_blks_written int8,
    OUT blk_read_time float8,
    OUT blk_write_time float8,
    OUT temp_blk_read_time float8,
    OUT temp_blk_write_time float8,
    OUT wal_records int8,
    OUT wal_fpi int8,
    OUT wal_bytes numeric,
    OUT jit_functions int8,
    OUT jit_generation_time float8,
    OUT jit_inlining_count int8,
    OUT jit_inlining_time float8,
    OUT jit_optimization_count int8,
    OUT jit_optimization_time float8,
    OUT jit_emission_count int8,
    OUT jit_emission_time float8,
    OUT hit_percent float8,
    OUT stats_since timestamptz,
    OUT minmax_stats_since timestamptz,
    OUT p50_exec_time float8,
    OUT p95_exec_time float8,
    OUT p99_exec_time float8,
    OUT slow_calls int8,
    OUT slow_exec_time float8,
    OUT slowest_query text,
    OUT slowest_at timestamptz,
    OUT slowest_plan text,
    OUT failed_calls int8,
    OUT failed_exec_time float8,
    OUT last_error text,
    OUT last_error_at timestamptz,
    OUT xacts int8,
    OUT max_calls_per_xact int8,
    OUT last_call timestamptz,
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
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

CREATE VIEW @extschema@.pg_slow_statements AS
    SELECT * FROM @extschema@.pg_slow_statements(true);

GRANT SELECT ON @extschema@.pg_slow_statements TO PUBLIC;

CREATE FUNCTION @extschema@.pg_slow_statements_reset(
    IN userid oid DEFAULT 0,
    IN dbid oid DEFAULT 0,
    IN queryid bigint DEFAULT 0,
    IN minmax_only boolean DEFAULT false
)
RETURNS timestamptz
AS 'MODULE_PATHNAME', 'pg_slow_statements_reset_1_0'
LANGUAGE C STRICT PARALLEL SAFE;

-- Only superusers may reset, unless they grant it
REVOKE ALL ON FUNCTION @extschema@.pg_slow_statements_reset(oid, oid, bigint, boolean)
    FROM PUBLIC;

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

CREATE FUNCTION @extschema@.pg_slow_statements_fingerprint(query text)
RETURNS bigint
AS 'MODULE_PATHNAME', 'pg_slow_statements_fingerprint'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.pg_slow_statements_normalize(query text)
RETURNS text
AS 'MODULE_PATHNAME', 'pg_slow_statements_normalize'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.pg_slow_statements_histogram(IN queryid bigint,
    OUT lower_ms float8,
    OUT upper_ms float8,
    OUT calls int8,
    OUT userid oid,
    OUT dbid oid,
    OUT toplevel bool
)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'pg_slow_statements_histogram'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

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
