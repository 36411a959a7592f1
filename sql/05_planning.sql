--
-- Planning statistics: track_planning
--
SET pg_slow_statements.track_planning = on;
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;

CREATE TABLE pl (a int);
SELECT a FROM pl WHERE a = 1;
SELECT a FROM pl WHERE a = 2;
SELECT a FROM pl WHERE a = 3;

SELECT plans, calls, total_plan_time > 0 AS planned,
       min_plan_time <= mean_plan_time AND mean_plan_time <= max_plan_time AS minmax_ok,
       stddev_plan_time >= 0 AS stddev_ok, query
  FROM pg_slow_statements
 WHERE query LIKE 'SELECT a FROM pl%';

-- without track_planning, plans stay 0
SET pg_slow_statements.track_planning = off;
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;
SELECT a FROM pl WHERE a = 4;
SELECT plans, calls, total_plan_time, query
  FROM pg_slow_statements
 WHERE query LIKE 'SELECT a FROM pl%';

DROP TABLE pl;
RESET pg_slow_statements.track_planning;
