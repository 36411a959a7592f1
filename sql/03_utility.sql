--
-- Utility statements, rows of utility commands, prepared statements
--
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;

CREATE TABLE u (a int);
COPY u FROM STDIN;
1
2
3
\.
COPY (SELECT a FROM u WHERE a > 1) TO STDOUT;
CREATE TABLE u2 AS SELECT a FROM u;
SELECT a INTO u3 FROM u WHERE a < 3;
CREATE MATERIALIZED VIEW umv AS SELECT a FROM u;
INSERT INTO u VALUES (4);
REFRESH MATERIALIZED VIEW umv;
BEGIN;
DECLARE c CURSOR FOR SELECT a FROM u ORDER BY a;
FETCH 3 FROM c;
CLOSE c;
COMMIT;

-- EXECUTE is counted under the prepared statement, not as a utility
PREPARE pst(int) AS SELECT a FROM u WHERE a = $1;
EXECUTE pst(1);
EXECUTE pst(2);
EXECUTE pst(3);
DEALLOCATE pst;

-- track_utility = off: utility statements are not tracked
SET pg_slow_statements.track_utility = off;
CREATE TABLE not_tracked (a int);
DROP TABLE not_tracked;
SELECT a FROM u WHERE a = 4;
RESET pg_slow_statements.track_utility;

SELECT calls, rows, query
  FROM pg_slow_statements
 ORDER BY query COLLATE "C";

DROP MATERIALIZED VIEW umv;
DROP TABLE u, u2, u3;
