--
-- Insights: percentiles, slow executions, the slowest execution with its
-- plan, failed and cancelled executions, N+1 loops, recency, ranking view.
-- Durations are only bounded as loosely as a busy machine guarantees; the
-- histogram's 5% accuracy is proven by test/unit/test_histogram.c.
--
SET pg_slow_statements.track = 'all';
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;

-- percentiles: 90 x 5 ms and 10 x 200 ms.  Sleeps only give lower bounds;
-- the one upper bound, p50 under 150 ms, would need half of the 5 ms sleeps
-- to be delayed by 145 ms each, far beyond the scheduling delays of even a
-- saturated 2-core machine (a few ms per time slice)
DO $$
BEGIN
    FOR i IN 1..90 LOOP PERFORM pg_sleep(0.005); END LOOP;
    FOR i IN 1..10 LOOP PERFORM pg_sleep(0.2); END LOOP;
END
$$;
SELECT calls,
       p50_exec_time BETWEEN 4.75 AND 150 AS p50_about_5ms,
       p95_exec_time >= 190 AS p95_about_200ms,
       p99_exec_time >= 190 AS p99_about_200ms,
       p50_exec_time <= p95_exec_time AND p95_exec_time <= p99_exec_time AS ordered,
       p50_exec_time >= min_exec_time AND p99_exec_time <= max_exec_time AS within_min_max
  FROM pg_slow_statements WHERE query = 'SELECT pg_sleep($1)' AND NOT toplevel;

-- the histogram of the same executions
SELECT sum(calls) AS calls,
       sum(calls) FILTER (WHERE upper_ms > 190) AS slow_bucket_calls,
       bool_and(lower_ms < upper_ms) AS bounds_ok,
       bool_and(NOT toplevel) AS nested
  FROM pg_slow_statements_histogram(pg_slow_statements_fingerprint('SELECT pg_sleep(1)'));
SELECT count(*) AS no_rows_for_unknown_queryid FROM pg_slow_statements_histogram(42);

-- slow executions: the fast one must stay under the threshold, so the
-- threshold is half a second above its 1 ms sleep (no load delays one
-- statement that long)
SET pg_slow_statements.slow_threshold = '500ms';
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;
SELECT pg_sleep(0.6) AS slow_one;
SELECT pg_sleep(0.001) AS slow_one;
SELECT calls, slow_calls, slow_exec_time >= 600 AS slow_time_ok
  FROM pg_slow_statements WHERE query = 'SELECT pg_sleep($1) AS slow_one';
SET pg_slow_statements.slow_threshold = 0;
SELECT pg_sleep(0.001) AS slow_one;
SET pg_slow_statements.slow_threshold = -1;
SELECT pg_sleep(0.15) AS slow_one;
SELECT calls, slow_calls
  FROM pg_slow_statements WHERE query = 'SELECT pg_sleep($1) AS slow_one';
RESET pg_slow_statements.slow_threshold;

-- the slowest execution, with its literal and its plan (the 1 s sleep is
-- the slowest unless a 10 ms or 50 ms one is delayed by most of a second)
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;
SELECT pg_sleep(0.01);
SELECT pg_sleep(1);
SELECT pg_sleep(0.05);
SELECT calls, slowest_query, slowest_plan,
       slowest_at BETWEEN stats_since - interval '1 minute' AND now() AS slowest_at_ok
  FROM pg_slow_statements WHERE query = 'SELECT pg_sleep($1)' AND toplevel;

-- a prepared statement's slowest execution shows its parameters
CREATE TABLE ins (id int PRIMARY KEY, v text);
INSERT INTO ins SELECT g, 'v' || g FROM generate_series(1, 500) g;
PREPARE ins_by_id(int) AS SELECT v FROM ins WHERE id = $1;
EXECUTE ins_by_id(41);
-- a fast first execution is not captured, but it holds the maximum: after
-- a min/max reset, the next execution sets a new one and is captured
SELECT pg_slow_statements_reset(0, 0, queryid, true) IS NOT NULL AS reset_minmax
  FROM pg_slow_statements WHERE query LIKE 'PREPARE $_(int) AS SELECT v FROM ins%';
EXECUTE ins_by_id(42);
SELECT slowest_query LIKE E'PREPARE ins_by_id(int) AS SELECT v FROM ins WHERE id = $1\nparameters: $1 = ''4_''' AS with_parameters,
       slowest_plan LIKE 'Index Scan using ins_pkey on ins%' AS with_plan
  FROM pg_slow_statements WHERE query LIKE 'PREPARE $_(int) AS SELECT v FROM ins%';
DEALLOCATE ins_by_id;
-- a parameter far longer than slowest_text_max is not printed whole to be
-- cut: it shows as its size
PREPARE ins_by_text(text) AS SELECT count(*) FROM ins WHERE v = $1;
EXECUTE ins_by_text('x');
SELECT pg_slow_statements_reset(0, 0, queryid, true) IS NOT NULL AS reset_minmax
  FROM pg_slow_statements WHERE query LIKE 'PREPARE $_(text) AS SELECT count(*) FROM ins%';
EXECUTE ins_by_text(repeat('x', 1000000));
SELECT slowest_query LIKE E'%\nparameters: $1 = (1000000 bytes)' AS long_parameter_by_size
  FROM pg_slow_statements WHERE query LIKE 'PREPARE $_(text) AS SELECT count(*) FROM ins%';
DEALLOCATE ins_by_text;

-- capture_plan = off keeps the text but no plan; minmax_only reset clears
SET pg_slow_statements.capture_plan = off;
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;
SELECT v FROM ins WHERE id = 7;
-- (a first execution is kept only from 1 ms: checked against its own
-- time, as no load can be trusted to keep an index lookup under 1 ms)
SELECT calls, (slowest_query IS NULL) = (max_exec_time < 1) AS first_call_kept_from_1ms
  FROM pg_slow_statements WHERE query = 'SELECT v FROM ins WHERE id = $1';
SELECT pg_slow_statements_reset(0, 0, queryid, true) IS NOT NULL AS reset_minmax
  FROM pg_slow_statements WHERE query = 'SELECT v FROM ins WHERE id = $1';
SELECT v FROM ins WHERE id = 8;
SELECT slowest_query IN ('SELECT v FROM ins WHERE id = 7', 'SELECT v FROM ins WHERE id = 8')
         AS slowest_kept, slowest_plan IS NULL AS no_plan
  FROM pg_slow_statements WHERE query = 'SELECT v FROM ins WHERE id = $1';
RESET pg_slow_statements.capture_plan;
SELECT pg_slow_statements_reset(0, 0, pg_slow_statements_fingerprint('SELECT v FROM ins WHERE id = 1'), true)
       IS NOT NULL AS reset_minmax;
SELECT calls, slowest_query IS NULL AS no_slowest, slowest_at IS NULL AS no_slowest_at
  FROM pg_slow_statements WHERE query = 'SELECT v FROM ins WHERE id = $1';

-- failed and cancelled executions: counted apart, not in calls
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;
-- (the cancel comes 100 ms into a 30 s sleep: the failure's time is
-- bounded by 10 s, which only a broken measure reaches)
SET statement_timeout = '100ms';
SELECT pg_sleep(30);
RESET statement_timeout;
SELECT 1 / 0 AS planning_error;
SELECT v::int / (id - id) FROM ins WHERE id = 3;
INSERT INTO ins VALUES (1, 'duplicate');
CREATE TABLE ins_child (id int REFERENCES ins (id));
INSERT INTO ins_child VALUES (100000);
SELEC 1;
SELECT calls, failed_calls, failed_exec_time >= 90 AS timed_out_after_100ms,
       failed_exec_time < 10000 AS before_the_end, last_error, last_error_at IS NOT NULL AS at_ok
  FROM pg_slow_statements WHERE query = 'SELECT pg_sleep($1)';
SELECT calls, failed_calls, last_error, query
  FROM pg_slow_statements WHERE failed_calls > 0
 ORDER BY query COLLATE "C";
-- a syntax error is counted too, fingerprinted from its own text
SELECT count(*) AS syntax_errors_tracked FROM pg_slow_statements WHERE query LIKE 'SELEC %';
-- an error caught inside a function counts on the nested statement only
DO $$
BEGIN
    PERFORM 1 / x FROM (VALUES (0)) v(x);
EXCEPTION WHEN division_by_zero THEN
    NULL;
END
$$;
SELECT toplevel, calls, failed_calls, last_error, query
  FROM pg_slow_statements WHERE query LIKE 'DO %' OR query LIKE '%FROM (VALUES%'
 ORDER BY toplevel, query COLLATE "C";

-- N+1 loops: executions per top-level transaction
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;
DO $$ BEGIN FOR i IN 1..300 LOOP PERFORM v FROM ins WHERE id = i; END LOOP; END $$;
BEGIN;
SELECT v FROM ins WHERE id = 1;
SELECT v FROM ins WHERE id = 2;
SELECT v FROM ins WHERE id = 3;
COMMIT;
SELECT v FROM ins WHERE id = 4;
SELECT toplevel, calls, xacts, max_calls_per_xact, query
  FROM pg_slow_statements WHERE query LIKE '%FROM ins WHERE id =%'
 ORDER BY toplevel;

-- interleaved in one transaction: the first statement's executions are
-- counted with the others
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;
BEGIN;
SELECT v AS a FROM ins WHERE id = 1;
SELECT v AS b FROM ins WHERE id = 1;
SELECT v AS a FROM ins WHERE id = 2;
SELECT v AS a FROM ins WHERE id = 3;
COMMIT;
SELECT calls, xacts, max_calls_per_xact, query
  FROM pg_slow_statements WHERE query LIKE '%AS _ FROM ins%'
 ORDER BY query COLLATE "C";

-- recency: last_call is the latest execution's start
SELECT statement_timestamp() AS before_last \gset
SELECT v FROM ins WHERE id = 5;
SELECT last_call >= :'before_last' AS last_call_moved, last_call <= now() AS last_call_past
  FROM pg_slow_statements WHERE query = 'SELECT v FROM ins WHERE id = $1' AND toplevel;

-- the ranking view
\d pg_slow_statements_top
SELECT v
  FROM ins
 WHERE id = 6
   AND v <> 'a long query text that spreads over several lines and goes on and on, longer than the view shows';
SELECT round(sum(pct_total_time)) AS pct_sum,
       bool_and(length(query) <= 100) AS short,
       bool_and(query NOT LIKE E'%\n%') AS one_line,
       count(*) = (SELECT count(*) FROM pg_slow_statements) AS one_row_per_entry
  FROM pg_slow_statements_top;
SELECT query FROM pg_slow_statements_top WHERE query LIKE 'SELECT v FROM ins WHERE id = $1 AND%';
SELECT (SELECT array_agg(calls ORDER BY rank) FROM pg_slow_statements_top)
     = (SELECT array_agg(calls ORDER BY total_exec_time DESC, queryid) FROM pg_slow_statements)
       AS ordered_by_total_time;
-- its texts on one line are what regexp_replace would make of them
SELECT	'white  space	and tabs' AS "ünïcödé",
   1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11 + 12 + 13 + 14 + 15 + 16 + 17 AS total   ;
SELECT count(*) FILTER (WHERE t.query LIKE '%...') > 0 AS some_cut,
       count(*) FILTER (WHERE t.query LIKE 'SELECT $1 AS "ünïcödé", $2 + $3 + %...') = 1 AS multibyte_cut,
       bool_and(t.query = CASE WHEN length(v.oneline) > 100
                               THEN substr(v.oneline, 1, 97) || '...'
                               ELSE v.oneline END) AS same_as_sql
  FROM pg_slow_statements_top t
  JOIN (SELECT queryid, btrim(regexp_replace(query, '\s+', ' ', 'g')) AS oneline
          FROM pg_slow_statements) v USING (queryid);
-- the view's rows come in rank order without an ORDER BY
SELECT bool_and(rank >= prev_rank) AS in_rank_order
  FROM (SELECT rank, lag(rank) OVER () AS prev_rank FROM pg_slow_statements_top) t;

DROP TABLE ins_child, ins;
RESET pg_slow_statements.track;
