/* sql/pg_slow_statements--1.0.sql */

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
    OUT minmax_stats_since timestamptz
)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'pg_slow_statements_1_0'
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
    OUT texts_dropped bigint
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
