/* sql/pg_slow_statements--1.1--1.2.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "ALTER EXTENSION pg_slow_statements UPDATE TO '1.2'" to load this file. \quit

-- 1.2 appends to pg_slow_statements where each statement's time goes, as
-- the sampler saw it (src/activity.c): running on CPU, or waiting by class
-- of wait event, in milliseconds; then the user and system CPU time
-- measured with getrusage while pg_slow_statements.track_cpu is on, and how
-- many plannings and executions were so measured (the two times are NULL
-- while none was); then how often a plan new to the statement was executed
-- after its first plan, and when last (see pg_slow_statements_plans); then
-- the application_name and the comment tags (traceparent included) of the
-- slowest execution, the one slowest_query shows.  As in --1.0--1.1.sql, the function is
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
    OUT wait_other_time float8,
    OUT cpu_user_time float8,
    OUT cpu_sys_time float8,
    OUT cpu_calls int8,
    OUT plan_changes int8,
    OUT last_plan_change timestamptz,
    OUT slowest_application_name text,
    OUT slowest_tags jsonb
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

-- pg_slow_statements_top shows where each statement's time mostly went:
-- the class of sampled time with the largest share, and that share
-- ("IO 71%"), and the trend of its execution time over the last ten
-- intervals of its history (a sparkline), which pg_slow_statements_top_rows
-- appends to its 1.1 columns; and who sends it most: the label of its
-- source of most calls (as pg_slow_statements_sources' source column).
-- pg_slow_statements_sources: who sends each statement (src/sources.h):
-- its heaviest sources, a source being an application_name, a client
-- address and the tags of a sqlcommenter or marginalia comment (without
-- traceparent and tracestate), with their calls and times, and one row
-- (is_remainder) for the calls of the other sources: an entry's rows add
-- up to its calls.  source is a short label of the row's source.  Tags and
-- names may carry personal data: another user's rows show neither the
-- queryid nor the source to a role without pg_read_all_stats.
CREATE FUNCTION @extschema@.pg_slow_statements_sources(
    IN queryid bigint DEFAULT NULL,
    OUT userid oid,
    OUT dbid oid,
    OUT queryid bigint,
    OUT toplevel bool,
    OUT application_name text,
    OUT client_addr inet,
    OUT tags jsonb,
    OUT calls int8,
    OUT total_exec_time float8,
    OUT mean_exec_time float8,
    OUT max_exec_time float8,
    OUT last_call timestamptz,
    OUT is_remainder bool,
    OUT source text
)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'pg_slow_statements_sources'
LANGUAGE C CALLED ON NULL INPUT VOLATILE PARALLEL SAFE;

CREATE VIEW @extschema@.pg_slow_statements_sources AS
    SELECT * FROM @extschema@.pg_slow_statements_sources();

GRANT SELECT ON @extschema@.pg_slow_statements_sources TO PUBLIC;

DROP VIEW @extschema@.pg_slow_statements_top;
DROP FUNCTION @extschema@.pg_slow_statements_top_rows();

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
    OUT query text,
    OUT mostly text,
    OUT trend text,
    OUT top_source text
)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'pg_slow_statements_top_rows'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

-- The view keeps the function's order: it adds no sort.
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
           s.mostly,
           s.trend,
           s.top_source,
           s.query
      FROM @extschema@.pg_slow_statements_top_rows() s;

GRANT SELECT ON @extschema@.pg_slow_statements_top TO PUBLIC;

-- pg_slow_statements_waits: the wait events behind each entry's sampled
-- time, a few per entry (src/waits.h), the rest in one row of NULL event.
-- Like the view, a row of another user's statement shows no queryid to a
-- role without pg_read_all_stats.
CREATE FUNCTION @extschema@.pg_slow_statements_waits(
    IN queryid bigint DEFAULT NULL,
    OUT userid oid,
    OUT dbid oid,
    OUT queryid bigint,
    OUT toplevel bool,
    OUT wait_event_type text,
    OUT wait_event text,
    OUT samples int8,
    OUT "time" float8
)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'pg_slow_statements_waits'
LANGUAGE C CALLED ON NULL INPUT VOLATILE PARALLEL SAFE;

-- pg_slow_statements_history: each statement's recent intervals of
-- pg_slow_statements.history_interval (src/history.h), oldest first; and
-- pg_slow_statements_recent: the statements ranked by execution time
-- within a window of the last minutes.  Same privilege rules as the view.
CREATE FUNCTION @extschema@.pg_slow_statements_history(
    IN queryid bigint DEFAULT NULL,
    OUT userid oid,
    OUT dbid oid,
    OUT queryid bigint,
    OUT toplevel bool,
    OUT bucket_start timestamptz,
    OUT calls int8,
    OUT total_exec_time float8,
    OUT max_exec_time float8,
    OUT failed_calls int8,
    OUT rows int8
)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'pg_slow_statements_history'
LANGUAGE C CALLED ON NULL INPUT VOLATILE PARALLEL SAFE;

CREATE FUNCTION @extschema@.pg_slow_statements_recent(
    IN "window" interval DEFAULT '5 minutes',
    OUT rank bigint,
    OUT userid oid,
    OUT dbid oid,
    OUT queryid bigint,
    OUT toplevel bool,
    OUT calls int8,
    OUT total_exec_time float8,
    OUT mean_exec_time float8,
    OUT max_exec_time float8,
    OUT failed_calls int8,
    OUT pct_window_time float8,
    OUT query text
)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'pg_slow_statements_recent'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

-- pg_slow_statements_plans: each statement's last distinct plans
-- (pg_slow_statements.max_plans of them), by a plan id computed from the
-- plan's shape with names, not OIDs (src/plan_id.c), with their calls,
-- execution time and text.  A plan carries the statement's values: like
-- the view's text, another user's plan and queryid are NULL to a role
-- without pg_read_all_stats.
CREATE FUNCTION @extschema@.pg_slow_statements_plans(
    IN queryid bigint DEFAULT NULL,
    OUT userid oid,
    OUT dbid oid,
    OUT queryid bigint,
    OUT toplevel bool,
    OUT planid bigint,
    OUT calls int8,
    OUT total_exec_time float8,
    OUT mean_exec_time float8,
    OUT first_seen timestamptz,
    OUT last_seen timestamptz,
    OUT plan text
)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'pg_slow_statements_plans'
LANGUAGE C CALLED ON NULL INPUT VOLATILE PARALLEL SAFE;
