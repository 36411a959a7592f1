--
-- The query of a cursor opened by DECLARE is run by the statements that
-- use the cursor (DECLARE, FETCH, MOVE, CLOSE, and the COMMIT that
-- persists a holdable one): with track = all it is not a nested statement
-- of its own, on every version (PostgreSQL 19 gives it a query id of its
-- own, 15 to 18 do not), neither its execution nor its planning, however
-- the cursor ends: read to the end, closed, persisted at commit, or
-- dropped by a rollback.  Other nested statements still are.
--
CREATE FUNCTION cursor_probe() RETURNS void LANGUAGE plpgsql
    AS $$ BEGIN PERFORM 1 FROM pg_catalog.pg_class WHERE relname = 'cursor_probe'; END $$;
SET pg_slow_statements.track = 'all';
SET pg_slow_statements.track_planning = on;
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;
-- persisted by the implicit commit
DECLARE c1 CURSOR WITH HOLD FOR SELECT a FROM generate_series(1, 3) a;
FETCH ALL FROM c1;
CLOSE c1;
-- persisted by COMMIT
BEGIN;
DECLARE c2 CURSOR WITH HOLD FOR SELECT a FROM generate_series(1, 3) a;
FETCH 1 FROM c2;
COMMIT;
FETCH ALL FROM c2;
CLOSE c2;
-- dropped by a rollback, partly read
BEGIN;
DECLARE c3 CURSOR FOR SELECT a FROM generate_series(1, 3) a;
FETCH 1 FROM c3;
ROLLBACK;
-- closed by the end of its transaction, unread
BEGIN;
DECLARE c4 CURSOR FOR SELECT a FROM generate_series(1, 3) a;
COMMIT;
SELECT cursor_probe();
RESET pg_slow_statements.track;
RESET pg_slow_statements.track_planning;
SELECT toplevel, calls, failed_calls, rows, query
  FROM pg_slow_statements
 WHERE NOT toplevel OR query LIKE '%cursor_probe%' OR query LIKE 'DECLARE%'
    OR query LIKE 'FETCH%' OR query LIKE 'CLOSE%'
 ORDER BY query COLLATE "C", toplevel;
DROP FUNCTION cursor_probe();
