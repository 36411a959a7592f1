--
-- Privileges: other users' texts and ids are hidden; reset is not public
--
CREATE ROLE regress_pss_alice;
CREATE ROLE regress_pss_bob;
CREATE ROLE regress_pss_reader IN ROLE pg_read_all_stats;
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;

SET ROLE regress_pss_alice;
SELECT 'alice' AS who;
-- long enough for the sampler (every 10 ms) to see it, even on a loaded host
SELECT pg_sleep(0.5) AS alice_sleeps;
-- a plan shows the constants: alice's plan must not reach bob (run twice:
-- a plan gets its text when its statement runs again)
SELECT count(*) AS alice_plan FROM pg_class WHERE relname = 'alice_secret_value';
SELECT count(*) AS alice_plan FROM pg_class WHERE relname = 'alice_secret_value';
RESET ROLE;
SET ROLE regress_pss_bob;
SELECT 'bob' AS who;
SELECT count(*) AS bob_plan FROM pg_class WHERE relname = 'bob_own_value';
SELECT count(*) AS bob_plan FROM pg_class WHERE relname = 'bob_own_value';

-- bob sees his own row in full and alice's without text or id
SELECT r.rolname, p.queryid IS NOT NULL AS has_id, p.query
  FROM pg_slow_statements p JOIN pg_roles r ON r.oid = p.userid
 WHERE r.rolname LIKE 'regress_pss_%'
 ORDER BY r.rolname, p.query COLLATE "C";
-- the same through the function, and with showtext = false
SELECT r.rolname, p.queryid IS NOT NULL AS has_id, p.query
  FROM pg_slow_statements(false) p JOIN pg_roles r ON r.oid = p.userid
 WHERE r.rolname LIKE 'regress_pss_%'
 ORDER BY r.rolname, p.query COLLATE "C";

-- the top view ranks alice's rows with the rest, hidden alike
SELECT bool_or(query = 'SELECT $1 AS who' AND queryid IS NOT NULL) AS own_shown,
       count(*) FILTER (WHERE query = '<insufficient privilege>') > 0 AS others_hidden,
       count(*) FILTER (WHERE query = '<insufficient privilege>')
         = count(*) FILTER (WHERE queryid IS NULL) AS text_and_id_hidden_alike,
       count(*) = (SELECT count(*) FROM pg_slow_statements) AS every_row
  FROM pg_slow_statements_top;

-- the wait events of alice's sleep: bob sees them without their id, and
-- cannot ask for them by id
SELECT r.rolname, w.queryid IS NOT NULL AS has_id, w.wait_event_type,
       w.wait_event, w.samples > 0 AS sampled
  FROM pg_slow_statements_waits() w JOIN pg_roles r ON r.oid = w.userid
 WHERE r.rolname LIKE 'regress_pss_%' AND w.wait_event = 'PgSleep';
SELECT count(*) AS alice_by_id
  FROM pg_slow_statements_waits(
         pg_slow_statements_fingerprint('SELECT pg_sleep(0.5) AS alice_sleeps'));

-- alice's plans: bob sees their calls without their id or text, and
-- cannot ask for them by id; his own plan's text shows his constant
SELECT r.rolname, p.queryid IS NOT NULL AS has_id, p.planid IS NOT NULL AS has_planid,
       p.calls, p.plan IS NOT NULL AS has_plan,
       coalesce(p.plan LIKE '%alice_secret_value%' OR p.plan LIKE '%bob_own_value%', false) AS shows_value
  FROM pg_slow_statements_plans() p JOIN pg_roles r ON r.oid = p.userid
 WHERE r.rolname = 'regress_pss_alice' OR
       (r.rolname = 'regress_pss_bob' AND p.plan LIKE '%_value%')
 ORDER BY r.rolname, has_plan, shows_value;
SELECT count(*) AS alice_plans_by_id
  FROM pg_slow_statements_plans(
         pg_slow_statements_fingerprint('SELECT count(*) AS alice_plan FROM pg_class WHERE relname = ''x'''));

-- bob may not reset
SELECT pg_slow_statements_reset();
SELECT pg_slow_statements_reset(0, 0, 0, true);
RESET ROLE;

-- a member of pg_read_all_stats sees everything
SET ROLE regress_pss_reader;
SELECT r.rolname, p.queryid IS NOT NULL AS has_id, p.query
  FROM pg_slow_statements p JOIN pg_roles r ON r.oid = p.userid
 WHERE r.rolname LIKE 'regress_pss_%'
 ORDER BY r.rolname, p.query COLLATE "C";
SELECT r.rolname, w.queryid IS NOT NULL AS has_id, w.wait_event_type,
       w.wait_event
  FROM pg_slow_statements_waits(
         pg_slow_statements_fingerprint('SELECT pg_sleep(0.5) AS alice_sleeps')) w
  JOIN pg_roles r ON r.oid = w.userid
 WHERE w.wait_event = 'PgSleep';
SELECT r.rolname, p.queryid IS NOT NULL AS has_id, p.calls,
       p.plan LIKE '%alice_secret_value%' AS shows_value
  FROM pg_slow_statements_plans(
         pg_slow_statements_fingerprint('SELECT count(*) AS alice_plan FROM pg_class WHERE relname = ''x''')) p
  JOIN pg_roles r ON r.oid = p.userid;
RESET ROLE;

-- no function is SECURITY DEFINER, and only the reset is revoked
SELECT p.proname, p.prosecdef,
       has_function_privilege('regress_pss_bob', p.oid, 'EXECUTE') AS bob_can_execute
  FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'pg_slow_statements'
 ORDER BY p.proname, p.pronargs;

DROP ROLE regress_pss_alice, regress_pss_bob, regress_pss_reader;
