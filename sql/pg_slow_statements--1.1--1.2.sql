/* sql/pg_slow_statements--1.1--1.2.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "ALTER EXTENSION pg_slow_statements UPDATE TO '1.2'" to load this file. \quit

-- 1.2 appends to pg_slow_statements where each statement's time goes, as
-- the sampler saw it (src/activity.c): running on CPU, or waiting by class
-- of wait event, in milliseconds.  As in --1.0--1.1.sql, the function is
-- declared again with the columns it has, read back from the catalog, and
-- the new ones, and the view over it is made again with its grant.  (The
-- library still serves 1.1's function until this runs.)

DROP VIEW @extschema@.pg_slow_statements;

DO $pss$
DECLARE
    columns_1_1 text := pg_catalog.pg_get_function_arguments(
        '@extschema@.pg_slow_statements(boolean)'::pg_catalog.regprocedure);
BEGIN
    DROP FUNCTION @extschema@.pg_slow_statements(boolean);
    EXECUTE pg_catalog.format($sql$
CREATE FUNCTION @extschema@.pg_slow_statements(%s,
    OUT cpu_time float8,
    OUT wait_io_time float8,
    OUT wait_lock_time float8,
    OUT wait_lwlock_time float8,
    OUT wait_ipc_time float8,
    OUT wait_timeout_time float8,
    OUT wait_client_time float8,
    OUT wait_other_time float8
)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'pg_slow_statements_1_2'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE
$sql$, columns_1_1);
END
$pss$;

CREATE VIEW @extschema@.pg_slow_statements AS
    SELECT * FROM @extschema@.pg_slow_statements(true);

GRANT SELECT ON @extschema@.pg_slow_statements TO PUBLIC;
