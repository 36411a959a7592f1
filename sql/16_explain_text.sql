--
-- With track = all, the statement an EXPLAIN ANALYZE runs is stored as
-- at top level: without the EXPLAIN's trailing semicolon.
--
SET pg_slow_statements.track = 'all';
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;
CREATE TABLE ex (a int);
INSERT INTO ex VALUES (1), (2);
-- (the plans' output differs between server versions: not shown)
\o /dev/null
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT a FROM ex WHERE a = 1;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT a FROM ex WHERE a = 2 ;  
\o
SELECT a FROM ex WHERE a = 2;
SELECT calls, rows, toplevel, query
  FROM pg_slow_statements
 WHERE query LIKE '%FROM ex%'
 ORDER BY query COLLATE "C", toplevel;
RESET pg_slow_statements.track;
DROP TABLE ex;
