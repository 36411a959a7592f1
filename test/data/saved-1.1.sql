-- test/data/saved-1.1.sql: what 002_saved_file.pl compares before the stop
-- of 1.1 (make_saved_1_1.sh) and after 1.2 loaded the file.  Columns of
-- both versions; this query's own entry (it names pg_slow_statements) is
-- left out.
SELECT calls, rows, failed_calls, shared_blks_hit, shared_blks_read,
       round(total_exec_time::numeric, 3) AS total,
       round(max_exec_time::numeric, 3) AS max,
       p99_exec_time IS NOT NULL AS has_p99, slowest_query IS NOT NULL AS sample,
       query
  FROM pg_slow_statements
 WHERE query NOT LIKE '%pg_slow_statements%'
 ORDER BY query COLLATE "C";
