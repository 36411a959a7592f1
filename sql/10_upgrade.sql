--
-- Extension versions: 1.0 and 1.1 keep working with this library, ALTER
-- EXTENSION ... UPDATE brings them to 1.2, and an updated installation has
-- the same objects as a fresh one.  1.1 appends pg_stat_statements' newer
-- columns (NULL where the running server does not measure them), 1.2 the
-- sampled time by wait class.  There is one base script, 1.0's: a fresh
-- 1.2 runs it, then the upgrades to 1.1 and 1.2.
--
DROP EXTENSION pg_slow_statements;
CREATE EXTENSION pg_slow_statements VERSION '1.0';
SELECT extversion FROM pg_extension WHERE extname = 'pg_slow_statements';

-- 1.0's function, served by the newer library
SELECT count(*) > 0 AS rows_1_0 FROM pg_slow_statements;
SELECT count(*) AS columns_1_0 FROM pg_attribute
 WHERE attrelid = 'pg_slow_statements'::regclass AND attnum > 0;
SELECT * FROM pg_slow_statements_info WHERE false;

ALTER EXTENSION pg_slow_statements UPDATE TO '1.1';
SELECT extversion FROM pg_extension WHERE extname = 'pg_slow_statements';

-- the columns 1.1 appends after last_call, with their types
SELECT attnum, attname, atttypid::regtype AS type FROM pg_attribute
 WHERE attrelid = 'pg_slow_statements'::regclass AND attnum > 61
 ORDER BY attnum;
SELECT attname, atttypid::regtype AS type FROM pg_attribute
 WHERE attrelid = 'pg_slow_statements_info'::regclass AND attnum > 7;
SELECT samples_dropped FROM pg_slow_statements_info;

-- 1.1's function, served by the newer library
SELECT count(*) > 0 AS rows_1_1 FROM pg_slow_statements;

ALTER EXTENSION pg_slow_statements UPDATE TO '1.2';
SELECT extversion FROM pg_extension WHERE extname = 'pg_slow_statements';

-- the columns 1.2 appends after custom_plan_calls, with their types
SELECT attnum, attname, atttypid::regtype AS type FROM pg_attribute
 WHERE attrelid = 'pg_slow_statements'::regclass AND attnum > 72
 ORDER BY attnum;
SELECT count(*) > 0 AS rows_1_2 FROM pg_slow_statements;
-- and the function of wait events
SELECT pg_get_function_arguments(p.oid) AS arguments,
       pg_get_function_result(p.oid) AS result
  FROM pg_proc p WHERE p.proname = 'pg_slow_statements_waits';
SELECT count(*) >= 0 AS waits_readable FROM pg_slow_statements_waits();

-- Updating an installation already at 1.2 does nothing
ALTER EXTENSION pg_slow_statements UPDATE;

-- The objects of the updated installation, to compare with a fresh one:
-- every column of every relation and function result, the grants, the
-- views' and functions' whole definitions, and the extension's members
CREATE TEMP VIEW objects AS
SELECT c.relname, a.attnum, a.attname, a.atttypid::regtype::text AS type,
       c.relacl::text AS acl
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
 WHERE c.relname LIKE 'pg\_slow\_statements%'
   AND c.relnamespace = 'public'::regnamespace
UNION ALL
SELECT c.relname, -1, 'definition', pg_get_viewdef(c.oid), NULL
  FROM pg_class c
 WHERE c.relname LIKE 'pg\_slow\_statements%' AND c.relkind = 'v'
   AND c.relnamespace = 'public'::regnamespace
UNION ALL
SELECT p.proname, 0, pg_get_function_result(p.oid),
       pg_get_function_identity_arguments(p.oid), p.proacl::text
  FROM pg_proc p WHERE p.proname LIKE 'pg\_slow\_statements%'
UNION ALL
SELECT p.proname, -1, 'definition', pg_get_functiondef(p.oid), NULL
  FROM pg_proc p WHERE p.proname LIKE 'pg\_slow\_statements%'
UNION ALL
SELECT 'member', -2, pg_describe_object(d.classid, d.objid, 0), NULL, NULL
  FROM pg_depend d JOIN pg_extension e ON d.refobjid = e.oid
 WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
   AND e.extname = 'pg_slow_statements'
   AND d.classid IN ('pg_class'::regclass, 'pg_proc'::regclass);
CREATE TEMP TABLE objects_updated AS TABLE objects;

DROP EXTENSION pg_slow_statements;
CREATE EXTENSION pg_slow_statements VERSION '1.1';
SELECT extversion FROM pg_extension WHERE extname = 'pg_slow_statements';
DROP EXTENSION pg_slow_statements;
CREATE EXTENSION pg_slow_statements VERSION '1.2';
SELECT extversion FROM pg_extension WHERE extname = 'pg_slow_statements';
DROP EXTENSION pg_slow_statements;
CREATE EXTENSION pg_slow_statements;
SELECT extversion FROM pg_extension WHERE extname = 'pg_slow_statements';
CREATE TEMP TABLE objects_fresh AS TABLE objects;
SELECT relname, count(*) FROM objects_fresh GROUP BY relname ORDER BY relname;
(TABLE objects_updated EXCEPT ALL TABLE objects_fresh)
UNION ALL
(TABLE objects_fresh EXCEPT ALL TABLE objects_updated);

-- Real figures where the server measures them, NULL where it does not:
-- block I/O times split into shared and local and JIT deforming (17+),
-- WAL buffers full and parallel workers (18+), generic and custom plans
-- (19+).  blk_read_time and blk_write_time, shared plus local, everywhere.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
CREATE TABLE pss_par AS SELECT i FROM generate_series(1, 1000) i;
ANALYZE pss_par;
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;
SELECT count(*) FROM pss_par /* parallel */;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
PREPARE pss_plan(int) AS SELECT count(*) FROM pss_par WHERE i < $1;
SET plan_cache_mode = force_generic_plan;
EXECUTE pss_plan(1);
EXECUTE pss_plan(2);
SET plan_cache_mode = force_custom_plan;
EXECUTE pss_plan(3);
RESET plan_cache_mode;
DEALLOCATE pss_plan;

SELECT current_setting('server_version_num')::int / 10000 AS major \gset
SELECT query,
       (shared_blk_read_time IS NOT NULL) = (:major >= 17) AS shared_io,
       (local_blk_write_time IS NOT NULL) = (:major >= 17) AS local_io,
       (jit_deform_count IS NOT NULL) = (:major >= 17) AS jit_deform,
       (wal_buffers_full IS NOT NULL) = (:major >= 18) AS wal_full,
       (parallel_workers_launched IS NOT NULL) = (:major >= 18) AS workers,
       (custom_plan_calls IS NOT NULL) = (:major >= 19) AS plan_kinds,
       blk_read_time IS NOT NULL AS blk_time,
       CASE WHEN :major < 18 THEN parallel_workers_to_launch IS NULL
            WHEN query LIKE '%parallel%' THEN parallel_workers_to_launch > 0
            ELSE parallel_workers_to_launch = 0 END AS to_launch,
       CASE WHEN :major < 19 THEN generic_plan_calls IS NULL
            WHEN query LIKE 'PREPARE%'
            THEN generic_plan_calls = 2 AND custom_plan_calls = 1
            ELSE generic_plan_calls = 0 AND custom_plan_calls = 0 END AS plans
  FROM pg_slow_statements
 WHERE query LIKE '%pss_par%' AND query NOT LIKE 'CREATE%' AND query NOT LIKE 'ANALYZE%'
 ORDER BY query COLLATE "C";
DROP TABLE pss_par;
