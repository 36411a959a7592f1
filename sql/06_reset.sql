--
-- Resets, showtext, info
--
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;
SELECT 1 AS reset_a;
SELECT 1 AS reset_a;
SELECT 1 AS reset_b;
SELECT 1 AS reset_c;

-- by queryid: only that entry goes
SELECT pg_slow_statements_reset(0, 0, pg_slow_statements_fingerprint('SELECT 1 AS reset_b'))
       IS NOT NULL AS reset;
SELECT calls, query FROM pg_slow_statements
 WHERE query LIKE 'SELECT $1 AS reset%' ORDER BY query;

-- by user and database
SELECT pg_slow_statements_reset((SELECT oid FROM pg_roles WHERE rolname = current_user),
                                (SELECT oid FROM pg_database WHERE datname = current_database()),
                                0) IS NOT NULL AS reset;
SELECT count(*) AS left_after_user_db_reset FROM pg_slow_statements
 WHERE query LIKE 'SELECT $1 AS reset%';
SELECT 1 AS reset_a;
SELECT pg_slow_statements_reset(1, 1, 1) IS NOT NULL AS reset_nothing;
SELECT calls, query FROM pg_slow_statements
 WHERE query LIKE 'SELECT $1 AS reset%' ORDER BY query;

-- NULL arguments reset nothing (STRICT)
SELECT pg_slow_statements_reset(NULL, 0, 0) AS strict_null;
SELECT count(*) AS still_there FROM pg_slow_statements
 WHERE query LIKE 'SELECT $1 AS reset%';

-- minmax_only: min/max cleared, counters kept, minmax_stats_since moves
SELECT pg_sleep(0.01) AS slept;
SELECT pg_slow_statements_reset(0, 0, pg_slow_statements_fingerprint('SELECT pg_sleep(0.01) AS slept'), true)
       IS NOT NULL AS reset_minmax;
SELECT calls, min_exec_time, max_exec_time, total_exec_time > 0 AS total_kept,
       minmax_stats_since > stats_since AS since_moved
  FROM pg_slow_statements WHERE query LIKE 'SELECT pg_sleep%';
SELECT pg_sleep(0.01) AS slept;
SELECT calls, min_exec_time > 0 AS min_set, min_exec_time = max_exec_time AS one_call_since
  FROM pg_slow_statements WHERE query LIKE 'SELECT pg_sleep%';

-- showtext = false: no text, everything else
SELECT count(*) > 0 AS rows, bool_and(query IS NULL) AS no_text,
       bool_and(queryid IS NOT NULL) AS ids
  FROM pg_slow_statements(false);

-- full reset clears entries and the store-wide figures
SELECT pg_slow_statements_reset() AS reset_time \gset
SELECT stats_reset = :'reset_time' AS stats_reset_matches, dealloc, texts_dropped
  FROM pg_slow_statements_info;
SELECT count(*) AS entries_after_reset FROM pg_slow_statements
 WHERE query NOT LIKE '%pg_slow_statements_info%';
