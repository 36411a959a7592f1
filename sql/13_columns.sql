--
-- The library forms the columns of pg_slow_statements() from one table
-- (src/counterlist.h) and checks the function's declared result against
-- it, by name and type, on every call: a declaration that does not match
-- is refused rather than shown with figures under the wrong names.
--
-- pss_declared(): pg_slow_statements() declared again with the library's
-- symbol for an extension version, from the installed function's own
-- arguments with one string replaced by another.
CREATE FUNCTION pss_declare(symbol text, old text, new text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DROP FUNCTION IF EXISTS pss_declared;
    EXECUTE format('CREATE FUNCTION pss_declared(%s) RETURNS SETOF record '
                   'AS %L, %L LANGUAGE C',
                   replace(pg_catalog.pg_get_function_arguments(
                             'pg_slow_statements(boolean)'::regprocedure),
                           old, new),
                   '$libdir/pg_slow_statements', symbol);
END
$$;

SET client_min_messages = warning;

-- as installed: accepted
SELECT pss_declare('pg_slow_statements_1_2', '', '');
SELECT count(*) > 0 AS rows FROM pss_declared();

-- a column renamed
SELECT pss_declare('pg_slow_statements_1_2',
                   'OUT wal_buffers_full', 'OUT wal_buffers_fill');
SELECT count(*) FROM pss_declared();

-- a column of another type
SELECT pss_declare('pg_slow_statements_1_2',
                   'OUT jit_functions bigint',
                   'OUT jit_functions double precision');
SELECT count(*) FROM pss_declared();

-- two columns swapped
SELECT pss_declare('pg_slow_statements_1_2',
                   'OUT generic_plan_calls bigint, OUT custom_plan_calls bigint',
                   'OUT custom_plan_calls bigint, OUT generic_plan_calls bigint');
SELECT count(*) FROM pss_declared();

-- a column of 1.2 declared with another type than its float8 milliseconds
SELECT pss_declare('pg_slow_statements_1_2',
                   'OUT wait_lock_time double precision',
                   'OUT wait_lock_time bigint');
SELECT count(*) FROM pss_declared();

-- 1.0's and 1.1's functions declared with 1.2's columns
SELECT pss_declare('pg_slow_statements_1_0', '', '');
SELECT count(*) FROM pss_declared();
SELECT pss_declare('pg_slow_statements_1_1', '', '');
SELECT count(*) FROM pss_declared();

DROP FUNCTION pss_declared;
DROP FUNCTION pss_declare;
RESET client_min_messages;
