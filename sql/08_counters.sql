--
-- Buffer, WAL and temporary file counters; hit_percent
--
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;

CREATE TABLE cnt (a int, b text);
INSERT INTO cnt SELECT g, repeat('x', 100) FROM generate_series(1, 5000) g;
SELECT count(*) FROM cnt;
SELECT count(*) FROM cnt;
SET work_mem = '64kB';
SELECT count(*) FROM (SELECT a FROM cnt ORDER BY b, a DESC) s;
RESET work_mem;
CREATE TEMP TABLE tmp_cnt AS SELECT * FROM cnt;
SELECT count(*) FROM tmp_cnt;

SELECT query, calls, rows,
       shared_blks_hit + shared_blks_read > 0 AS shared_blocks,
       hit_percent BETWEEN 0 AND 100 AS hit_percent_ok
  FROM pg_slow_statements
 WHERE query LIKE 'INSERT INTO cnt%' OR query = 'SELECT count(*) FROM cnt'
 ORDER BY query COLLATE "C";

-- the insert wrote WAL and dirtied buffers
SELECT wal_records >= 5000 AS wal_records, wal_bytes > 0 AS wal_bytes,
       shared_blks_dirtied > 0 AS dirtied
  FROM pg_slow_statements WHERE query LIKE 'INSERT INTO cnt%';

SELECT query, temp_blks_written > 0 AS temp_written, temp_blks_read > 0 AS temp_read
  FROM pg_slow_statements WHERE query LIKE '%ORDER BY b, a DESC%';

SELECT query, local_blks_hit + local_blks_read > 0 AS local_blocks
  FROM pg_slow_statements WHERE query LIKE '%FROM tmp_cnt';

-- hit_percent is 100 * hit / (hit + read), NULL without shared blocks
SELECT bool_and(hit_percent IS NOT DISTINCT FROM
                CASE WHEN shared_blks_hit + shared_blks_read > 0
                     THEN 100.0 * shared_blks_hit / (shared_blks_hit + shared_blks_read) END)
       AS hit_percent_formula
  FROM pg_slow_statements;
SELECT hit_percent FROM pg_slow_statements WHERE query LIKE 'SELECT pg_slow_statements_reset%';

-- stddev is the population standard deviation of the execution times
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;
SELECT pg_sleep(0.001);
SELECT pg_sleep(0.02);
SELECT calls, stddev_exec_time > 0 AS stddev_positive,
       abs(stddev_exec_time - (max_exec_time - min_exec_time) / 2) < 0.01 AS stddev_of_two
  FROM pg_slow_statements WHERE query LIKE 'SELECT pg_sleep%';

-- a parallel query is one call, counted by the leader only
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM cnt WHERE a > 0;
SELECT count(*) FROM cnt WHERE a > 0;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
SELECT calls, rows, shared_blks_hit + shared_blks_read > 0 AS workers_blocks_counted
  FROM pg_slow_statements WHERE query LIKE 'SELECT count(*) FROM cnt WHERE a > $1';

DROP TABLE cnt;
