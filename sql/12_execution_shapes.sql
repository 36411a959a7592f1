--
-- Figures under less common execution shapes: a PL/pgSQL loop's cursor,
-- percentiles after a min/max reset, a slow sample that cannot be captured,
-- which execution the slow sample shows, a long text whose first execution
-- fails, a nested planning failure, a cursor closed by an abort, and the
-- bound of text_memory.  (The protocol-level shapes are in
-- test/t/030_protocol_shapes.pl.)
--
SET pg_slow_statements.track = 'all';
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;

-- rows: a FOR loop fetches its query's 95 rows in several runs
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT x AS looped FROM generate_series(1, 95) x LOOP
        NULL;
    END LOOP;
END
$$;
SELECT calls, rows FROM pg_slow_statements
 WHERE query LIKE '%AS looped%' AND NOT toplevel;

-- percentiles after a min/max reset describe the calls since the reset
SELECT pg_sleep(0.05) AS minmax_case;
SELECT pg_sleep(0.05) AS minmax_case;
SELECT pg_sleep(0.05) AS minmax_case;
SELECT pg_sleep(0.05) AS minmax_case;
SELECT pg_slow_statements_reset(0, 0, queryid, true) IS NOT NULL AS reset
  FROM pg_slow_statements WHERE query LIKE '%AS minmax_case%' AND toplevel;
SELECT calls, p50_exec_time, p99_exec_time, min_exec_time, max_exec_time,
       (SELECT sum(calls) FROM pg_slow_statements_histogram(queryid)) AS hist_calls
  FROM pg_slow_statements WHERE query LIKE '%AS minmax_case%' AND toplevel;
SELECT pg_sleep(0.001) AS minmax_case;
SELECT calls, p50_exec_time = max_exec_time AS p50_is_the_one_call,
       p99_exec_time = max_exec_time AS p99_is_the_one_call,
       min_exec_time = max_exec_time AS minmax_of_one_call,
       (SELECT sum(calls) FROM pg_slow_statements_histogram(queryid)) AS hist_calls
  FROM pg_slow_statements WHERE query LIKE '%AS minmax_case%' AND toplevel;

-- a slow sample whose capture fails (its plan names a function dropped
-- since) is dropped: the statement and its transaction still succeed.
-- (PL/pgSQL opens the cursors: the statement of an SQL DECLARE has no
-- query id of its own.)
CREATE TABLE shapes_log (v int);
CREATE FUNCTION shapes_f(int) RETURNS int LANGUAGE plpgsql
    AS $$BEGIN RETURN $1; END$$;
CREATE FUNCTION shapes_open_capture(c refcursor) RETURNS refcursor
LANGUAGE plpgsql AS $$
BEGIN
    OPEN c FOR SELECT x, pg_sleep(0.01) AS capture_case
                 FROM generate_series(1, 3) x WHERE shapes_f(x) > 0;
    RETURN c;
END
$$;
BEGIN;
SELECT shapes_open_capture('capture_c');
FETCH 1 FROM capture_c;
DROP FUNCTION shapes_f(int);
INSERT INTO shapes_log VALUES (1);
CLOSE capture_c;
COMMIT;
SELECT count(*) AS committed FROM shapes_log;
SELECT calls, failed_calls, slowest_query IS NULL AS no_sample,
       slowest_plan IS NULL AS no_plan
  FROM pg_slow_statements WHERE query LIKE '%AS capture_case%' AND NOT toplevel;
-- its plan, new to the statement, is kept without the text EXPLAIN failed
-- to make
SELECT p.calls, p.plan IS NULL AS no_plan_text
  FROM pg_slow_statements_plans() p
  JOIN pg_slow_statements s USING (userid, dbid, queryid, toplevel)
 WHERE s.query LIKE '%AS capture_case%' AND NOT s.toplevel;

-- the slow sample is the execution whose time is max_exec_time: a first
-- execution under 1 ms is not captured, and a faster one does not replace
-- it.  Which one is faster is read from the times measured, not assumed:
-- a loaded machine may slow either down
-- (pg_sleep cannot make one: it sleeps whole milliseconds)
SELECT count(*) AS sample_case FROM generate_series(1, 3000);
SELECT max_exec_time AS first_time
  FROM pg_slow_statements WHERE query LIKE '%AS sample_case%' AND toplevel \gset
SELECT count(*) AS sample_case FROM generate_series(1, 1);
SELECT calls,
       CASE WHEN max_exec_time > :first_time
            THEN slowest_query LIKE '%(1, 1)%'
            WHEN :first_time >= 1 THEN slowest_query LIKE '%3000%'
            ELSE slowest_query IS NULL END AS sample_is_the_max
  FROM pg_slow_statements WHERE query LIKE '%AS sample_case%' AND toplevel;

-- a text too long to keep in the error path: the first execution fails,
-- the entry's text is filled in by the next one, and texts_dropped counts
-- the text not stored meanwhile
CREATE TABLE shapes_zero AS SELECT 0 AS x;
SELECT texts_dropped AS dropped_before FROM pg_slow_statements_info \gset
SELECT format('SELECT 1/x AS long_text_case, length(%L) AS pad FROM shapes_zero',
              repeat('y', 9000)) AS long_sql \gset
:long_sql;
SELECT query IS NULL AS no_text_yet, failed_calls
  FROM pg_slow_statements WHERE queryid = pg_slow_statements_fingerprint(:'long_sql');
SELECT texts_dropped - :dropped_before AS texts_dropped FROM pg_slow_statements_info;
UPDATE shapes_zero SET x = 1;
:long_sql;
SELECT calls, failed_calls, left(query, 40) AS query
  FROM pg_slow_statements WHERE queryid = pg_slow_statements_fingerprint(:'long_sql');

-- a nested planning failure is timed from its own start, not from the
-- start of the top-level statement (which slept 1 s before): the bound is
-- the sleep itself, so only planning "SELECT 1/0" for a second could fail
-- it
CREATE FUNCTION shapes_plan_fail() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_sleep(1);
    EXECUTE 'SELECT 1/0 AS plan_fail_case';
END
$$;
SELECT shapes_plan_fail();
SELECT failed_calls, failed_exec_time < 1000 AS timed_from_its_own_start
  FROM pg_slow_statements WHERE query LIKE '%AS plan_fail_case%' AND NOT toplevel;

-- a cursor closed by its transaction's abort did not complete
CREATE FUNCTION shapes_open_abort(c refcursor) RETURNS refcursor
LANGUAGE plpgsql AS $$
BEGIN
    OPEN c FOR SELECT x AS abort_case FROM generate_series(1, 10) x;
    RETURN c;
END
$$;
BEGIN;
SELECT shapes_open_abort('abort_c');
FETCH 2 FROM abort_c;
ROLLBACK;
SELECT calls, failed_calls, last_error
  FROM pg_slow_statements WHERE query LIKE '%AS abort_case%' AND NOT toplevel;

-- text_memory is bounded so that chunk numbers fit their 32 bits
SELECT max_val::bigint * 1024 / 128 < 2147483647 AS chunk_numbers_fit
  FROM pg_settings WHERE name = 'pg_slow_statements.text_memory';

DROP TABLE shapes_log, shapes_zero;
DROP FUNCTION shapes_plan_fail(), shapes_open_capture(refcursor),
    shapes_open_abort(refcursor);
