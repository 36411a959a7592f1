--
-- Names that applications generate (savepoints, cursors, prepared
-- statements) and SET's ON/OFF are constants: one entry per statement
-- shape, whatever the name, counted exactly.
--
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;
CREATE TABLE gn (a int, b text);

-- Django's atomic(), SQLAlchemy's begin_nested(), JDBC: names per depth
BEGIN;
SAVEPOINT "s140234567_x1";
INSERT INTO gn VALUES (1, 'a');
RELEASE SAVEPOINT "s140234567_x1";
SAVEPOINT sa_savepoint_7;
INSERT INTO gn VALUES (2, 'b');
ROLLBACK TO SAVEPOINT sa_savepoint_7;
SAVEPOINT "s140234567_x2";
INSERT INTO gn VALUES (3, 'c');
RELEASE "s140234567_x2";
SAVEPOINT sa_savepoint_8;
ROLLBACK WORK TO SAVEPOINT "sa_savepoint_8";
-- a failure inside one, rolled back to it
SAVEPOINT sp_fail;
SELECT 1 / 0 AS fails;
ROLLBACK TO sp_fail;
COMMIT;

-- Django's QuerySet.iterator(): server-side cursors per call
BEGIN;
DECLARE "_django_curs_139871_sync_1" NO SCROLL CURSOR WITH HOLD FOR
  SELECT a FROM gn;
FETCH FORWARD 2000 FROM "_django_curs_139871_sync_1";
CLOSE "_django_curs_139871_sync_1";
DECLARE "_django_curs_139871_sync_2" NO SCROLL CURSOR WITH HOLD FOR
  SELECT a FROM gn;
FETCH FORWARD 1 FROM "_django_curs_139871_sync_2";
MOVE FORWARD 0 IN "_django_curs_139871_sync_2";
FETCH ALL IN "_django_curs_139871_sync_2";
CLOSE "_django_curs_139871_sync_2";
COMMIT;

-- PDO through a pooler: one prepared statement per name; what it runs is
-- one entry whatever the name
PREPARE pdo_stmt_00000001 AS INSERT INTO gn VALUES ($1, 'x');
PREPARE pdo_stmt_00000002 AS INSERT INTO gn VALUES ($1, 'x');
EXECUTE pdo_stmt_00000001(10);
EXECUTE pdo_stmt_00000002(11);
EXECUTE "pdo_stmt_00000002"(12);
DEALLOCATE pdo_stmt_00000001;
DEALLOCATE PREPARE pdo_stmt_00000002;

-- SET: one statement per setting name
SET enable_seqscan = on;
SET enable_seqscan = off;
SET enable_seqscan = true;
SET enable_seqscan TO 'on';
SET enable_hashjoin = on;
RESET enable_seqscan;
RESET enable_hashjoin;

SELECT calls, rows, failed_calls, query
  FROM pg_slow_statements
 ORDER BY query COLLATE "C";

DROP TABLE gn;
