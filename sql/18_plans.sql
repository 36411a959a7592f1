--
-- Plans: each statement's last distinct plans, by an id computed from the
-- plan's shape with names (src/plan_id.c)
--
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;
CREATE TABLE plans_t (id int PRIMARY KEY, v int, w text);
INSERT INTO plans_t SELECT g, g % 100, 'w' || g FROM generate_series(1, 5000) g;
ANALYZE plans_t;

-- an index, then none: two plans, each with its own calls and text; the
-- ids are those of every server and version (names, not OIDs)
SELECT v FROM plans_t WHERE id = 1;
SELECT v FROM plans_t WHERE id = 2;
SELECT v FROM plans_t WHERE id = 3;
ALTER TABLE plans_t DROP CONSTRAINT plans_t_pkey;
SELECT v FROM plans_t WHERE id = 4;
SELECT v FROM plans_t WHERE id = 5;
SELECT p.planid, p.calls, p.plan ~ '^Index Scan using plans_t_pkey on plans_t' AS index_scan,
       p.plan ~ '^Seq Scan on plans_t' AS seq_scan,
       p.first_seen <= p.last_seen AS seen_in_order,
       p.mean_exec_time = p.total_exec_time / p.calls AS mean
  FROM pg_slow_statements_plans() p
  JOIN pg_slow_statements s USING (userid, dbid, queryid, toplevel)
 WHERE s.query = 'SELECT v FROM plans_t WHERE id = $1'
 ORDER BY p.first_seen;
-- the view: one plan change, when the second plan first ran
SELECT calls, plan_changes,
       last_plan_change = (SELECT max(first_seen) FROM pg_slow_statements_plans(queryid))
         AS at_second_plan
  FROM pg_slow_statements WHERE query = 'SELECT v FROM plans_t WHERE id = $1';
-- a statement with one plan has changed none
SELECT plan_changes, last_plan_change IS NULL AS never
  FROM pg_slow_statements WHERE query = 'INSERT INTO plans_t SELECT g, g % $1, $2 || g FROM generate_series($3, $4) g';

-- a prepared statement run 20 times: its calls on its plan (custom and
-- generic plans of one shape are one plan); on 19 the server's plan kinds
-- add up too
PREPARE plans_q(int) AS SELECT w FROM plans_t WHERE v = $1;
\set ECHO none
\o /dev/null
SELECT format('EXECUTE plans_q(%s)', g % 3) FROM generate_series(1, 20) g \gexec
\o
\set ECHO all
SELECT s.calls, count(p.planid) AS plans, sum(p.calls) AS plan_calls,
       coalesce(s.generic_plan_calls + s.custom_plan_calls, 20) AS kinds
  FROM pg_slow_statements s
  LEFT JOIN pg_slow_statements_plans() p USING (userid, dbid, queryid, toplevel)
 WHERE s.query LIKE 'PREPARE %SELECT w FROM plans_t WHERE v = $1'
 GROUP BY s.calls, s.generic_plan_calls, s.custom_plan_calls;

-- utility statements have no plan
SELECT count(*) AS utility_plans
  FROM pg_slow_statements_plans() p
  JOIN pg_slow_statements s USING (userid, dbid, queryid, toplevel)
 WHERE s.query LIKE 'ALTER TABLE%' OR s.query LIKE 'CREATE TABLE%';

-- a parallel plan is one plan, its workers' part of its execution
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT count(*) AS parallel_case FROM plans_t;
SELECT count(*) AS parallel_case FROM plans_t;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SELECT p.calls, p.plan ~ 'Gather' AS gather, p.plan ~ 'Parallel Seq Scan on plans_t' AS parallel_scan
  FROM pg_slow_statements_plans() p
  JOIN pg_slow_statements s USING (userid, dbid, queryid, toplevel)
 WHERE s.query LIKE '%AS parallel_case%';

-- with capture_constants off, a plan's text has no constant, nor costs (a
-- plan gets its text at its second execution, or at its first if that took
-- a millisecond or more: a statement run once pays for no EXPLAIN)
SET pg_slow_statements.capture_constants = off;
SELECT count(*) AS hidden_case FROM plans_t WHERE w = 'secret_w';
SELECT count(*) AS hidden_case FROM plans_t WHERE w = 'secret_w';
RESET pg_slow_statements.capture_constants;
SELECT p.plan
  FROM pg_slow_statements_plans() p
  JOIN pg_slow_statements s USING (userid, dbid, queryid, toplevel)
 WHERE s.query LIKE '%AS hidden_case%';

-- at most max_plans (4) plans per statement, the last ones run: 50 plans
-- of one statement, each using an index of another name
SET pg_slow_statements.track = 'all';
DO $$
BEGIN
    FOR i IN 1 .. 50 LOOP
        EXECUTE format('CREATE INDEX plans_i%s ON plans_t (id)', i);
        EXECUTE 'SELECT v FROM plans_t WHERE id = 7 AND w IS NOT NULL';
        EXECUTE format('DROP INDEX plans_i%s', i);
    END LOOP;
END
$$;
RESET pg_slow_statements.track;
SELECT s.calls, s.plan_changes, count(*) AS plans, sum(p.calls) AS plan_calls,
       string_agg(substring(p.plan from 'plans_i[0-9]+'), ',' ORDER BY substring(p.plan from 'plans_i[0-9]+')) AS kept
  FROM pg_slow_statements s
  JOIN pg_slow_statements_plans() p USING (userid, dbid, queryid, toplevel)
 WHERE s.query = 'SELECT v FROM plans_t WHERE id = $1 AND w IS NOT NULL'
 GROUP BY s.calls, s.plan_changes;

-- resetting a statement forgets its plans
SELECT pg_slow_statements_reset(0, 0, queryid) IS NOT NULL AS reset_one
  FROM pg_slow_statements WHERE query = 'SELECT v FROM plans_t WHERE id = $1';
SELECT count(*) AS plans_left
  FROM pg_slow_statements_plans(pg_slow_statements_fingerprint('SELECT v FROM plans_t WHERE id = 1'));

DROP TABLE plans_t;
