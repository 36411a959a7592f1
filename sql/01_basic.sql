--
-- Basic tracking: one entry per fingerprint, calls and rows, texts
--
CREATE EXTENSION pg_slow_statements;
SHOW pg_slow_statements.max;
SHOW pg_slow_statements.track;
SHOW pg_slow_statements.track_utility;
SHOW pg_slow_statements.track_planning;
SHOW pg_slow_statements.save;

-- the view's columns: pg_stat_statements 1.10's, ours, then those of
-- pg_stat_statements 1.11 to 1.13 (1.1)
\d pg_slow_statements

SELECT pg_slow_statements_reset() IS NOT NULL AS reset;

-- constants, whitespace, letter case do not make new entries
SELECT 1 AS x;
SELECT 2 AS x;
select   3   AS X;
SELECT 'hello' AS y;
SELECT 'world' AS y;

CREATE TABLE tab (a int PRIMARY KEY, b text);
INSERT INTO tab VALUES (1, 'one'), (2, 'two'), (3, 'three');
INSERT INTO tab VALUES (4, 'four');
INSERT INTO tab VALUES (5, 'five'), (6, 'six');
UPDATE tab SET b = 'x' WHERE a = 1;
UPDATE tab SET b = 'y' WHERE a > 2;
DELETE FROM tab WHERE a = 6;

-- IN lists of any length share one entry
SELECT a FROM tab WHERE a IN (1, 2) ORDER BY a;
SELECT a FROM tab WHERE a IN (1, 2, 3, 4) ORDER BY a;
SELECT a FROM tab WHERE a IN (5) ORDER BY a;

-- negative numbers are constants too
SELECT a FROM tab WHERE a = -1;
SELECT a FROM tab WHERE a = 1;

-- a multi-statement string gives one entry per statement
SELECT 10 AS m \; SELECT 20 AS n \; SELECT 30 AS m;

-- leading comments are kept in the text (from PostgreSQL 18 on, the parser
-- leaves them outside the statement's location): also after another
-- statement in the same string, and for a statement that fails
/* app:report */ SELECT count(*) FROM tab;
SELECT 40 AS o \; /* app:second */ /* app:third */ SELECT 50 AS p;
/* app:fails */ SELECT 1 / (SELECT count(*) - 5 FROM tab) AS fails;

SELECT toplevel, calls, rows, query
  FROM pg_slow_statements
 ORDER BY query COLLATE "C", toplevel;

-- queryid is the fingerprint of the statement's text
SELECT count(*) AS matching_fingerprints
  FROM pg_slow_statements
 WHERE queryid = pg_slow_statements_fingerprint('SELECT 1 AS x')
    OR queryid = pg_slow_statements_fingerprint('insert into tab values (1, ''z'')')
    OR queryid = pg_slow_statements_fingerprint('SELECT a FROM tab WHERE a IN (7,8,9) ORDER BY a');

-- time counters are consistent
SELECT query,
       total_exec_time >= 0 AS total_ok,
       min_exec_time <= mean_exec_time AND mean_exec_time <= max_exec_time AS minmax_ok,
       stddev_exec_time >= 0 AS stddev_ok,
       abs(total_exec_time - mean_exec_time * calls) < 0.001 * greatest(total_exec_time, 1) AS mean_ok,
       plans = 0 AND total_plan_time = 0 AS no_plans,
       stats_since <= now() AND minmax_stats_since = stats_since AS since_ok
  FROM pg_slow_statements
 WHERE query LIKE 'SELECT a FROM tab%'
 ORDER BY query COLLATE "C";

-- info view
SELECT dealloc, entries > 0 AS has_entries, max_entries, text_bytes > 0 AS has_text,
       text_memory, texts_dropped, stats_reset <= now() AS reset_ok
  FROM pg_slow_statements_info;
