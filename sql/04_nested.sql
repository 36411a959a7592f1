--
-- Nested statements: track = all, and the nesting level through errors
--
SET pg_slow_statements.track = 'all';
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;

CREATE FUNCTION plus_one(i int) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT i + 1);
END
$$;
CREATE FUNCTION fails() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT 1 / 0);
END
$$;
CREATE PROCEDURE proc() LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 42;
END
$$;

SELECT plus_one(1);
SELECT plus_one(2);
DO $$ BEGIN PERFORM plus_one(10); END $$;
CALL proc();

-- an error inside a nested statement must not leave the level raised
-- (from 18 on, its CONTEXT reads "PL/pgSQL expression": 04_nested_1.out)
SELECT fails();
SELECT 'after error' AS z;
DO $$ BEGIN PERFORM fails(); EXCEPTION WHEN division_by_zero THEN NULL; END $$;
SELECT 'after caught error' AS z;

SELECT toplevel, calls, rows, query
  FROM pg_slow_statements
 ORDER BY query COLLATE "C", toplevel;

-- track = top: nested statements are not tracked
SET pg_slow_statements.track = 'top';
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;
SELECT plus_one(3);
SELECT toplevel, calls, query
  FROM pg_slow_statements
 ORDER BY query COLLATE "C", toplevel;

-- track = none: nothing is tracked
SET pg_slow_statements.track = 'none';
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;
SELECT plus_one(4);
SELECT 'untracked' AS z;
SET pg_slow_statements.track = 'top';
SELECT count(*) AS entries FROM pg_slow_statements;

DROP FUNCTION plus_one(int);
DROP FUNCTION fails();
DROP PROCEDURE proc();
RESET pg_slow_statements.track;
