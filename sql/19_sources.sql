--
-- Sources: who sends each statement, by application_name, client address
-- and the tags of a sqlcommenter or marginalia comment (src/sources.h),
-- over the simple protocol (019_sources.pl does the extended one)
--
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;

-- three applications send one statement 30, 20 and 10 times: three
-- sources, exact calls, no remainder
\set ECHO none
\o /dev/null
SELECT format('SET application_name = %L', a) AS s, 'SELECT 1 AS three_apps' AS q
  FROM (VALUES ('app_a', 30), ('app_b', 20), ('app_c', 10)) v(a, n),
       generate_series(1, n) \gexec
\o
\set ECHO all
RESET application_name;
SELECT application_name, client_addr, tags, calls, is_remainder, source,
       max_exec_time <= total_exec_time AS max_within_total,
       mean_exec_time = total_exec_time / calls AS mean,
       last_call IS NOT NULL AS last_call
  FROM pg_slow_statements_sources
 WHERE queryid = pg_slow_statements_fingerprint('SELECT 1 AS three_apps')
 ORDER BY calls DESC;
-- the function form reads one statement, and the rows add up to the
-- entry's calls and time
SELECT s.calls, sum(o.calls) AS source_calls,
       abs(s.total_exec_time - sum(o.total_exec_time)) < 1e-6 AS times_add_up
  FROM pg_slow_statements s
  JOIN pg_slow_statements_sources(pg_slow_statements_fingerprint('SELECT 1 AS three_apps')) o
       USING (userid, dbid, queryid, toplevel)
 GROUP BY s.calls, s.total_exec_time;

-- Django's sqlcommenter: two controllers, each run with two traceparents:
-- two sources (traceparent is not part of one), values URL-decoded
SET application_name = 'shop';
SELECT 2 AS django /*action='show',controller='orders',framework='django%3A4.2',route='%2Forders%2F%3Cint%3Aid%3E',traceparent='00-5bd66ef5095369c7b0d1f8f4bd33716a-c532cb4098ac3dd2-01'*/;
SELECT 2 AS django /*action='show',controller='orders',framework='django%3A4.2',route='%2Forders%2F%3Cint%3Aid%3E',traceparent='00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'*/;
SELECT 2 AS django /*action='list',controller='carts',framework='django%3A4.2',route='%2Fcarts%2F',traceparent='00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'*/;
SELECT 2 AS django /*action='list',controller='carts',framework='django%3A4.2',route='%2Fcarts%2F',traceparent='00-11111111111111111111111111111111-2222222222222222-01'*/;
-- the same tags in another order, with spaces: the same source
SELECT 2 AS django /* route='%2Fcarts%2F', framework='django%3A4.2', controller='carts', action='list' */;
RESET application_name;
SELECT application_name, tags->>'controller' AS controller, tags->>'route' AS route,
       tags->>'framework' AS framework, tags ? 'traceparent' AS has_trace,
       calls, source
  FROM pg_slow_statements_sources
 WHERE queryid = pg_slow_statements_fingerprint('SELECT 2 AS django')
 ORDER BY calls DESC, controller;
-- one entry: the comments do not split it
SELECT count(*) AS entries, sum(calls) AS calls
  FROM pg_slow_statements WHERE query LIKE 'SELECT $1 AS django%';

-- Rails' marginalia, appended and prepended (its line tag holds colons,
-- spaces and quotes)
SET application_name = 'puma';
SELECT 3 AS rails /*application:Shop,controller:posts,action:index*/;
/*application:Shop,controller:posts,action:index*/ SELECT 3 AS rails;
SELECT 3 AS rails /*application:Shop,controller:posts,action:show,line:/app/models/post.rb:12:in 'show'*/;
RESET application_name;
SELECT tags, calls, source
  FROM pg_slow_statements_sources
 WHERE queryid = pg_slow_statements_fingerprint('SELECT 3 AS rails')
 ORDER BY calls DESC;

-- a comment of traceparent alone: the source without tags
SET application_name = 'traced';
SELECT 9 AS trace_only /*traceparent='00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'*/;
SELECT 9 AS trace_only;
RESET application_name;
SELECT tags, calls
  FROM pg_slow_statements_sources
 WHERE queryid = pg_slow_statements_fingerprint('SELECT 9 AS trace_only');

-- comments that are not tags give the source without tags: a person's
-- note, a planner hint, a comment in the middle or inside a string
SET application_name = 'notes';
SELECT 4 AS not_tags /* TODO: check this, later */;
SELECT 4 AS not_tags /*+ SeqScan(t) */;
SELECT /* a='1' */ 4 AS not_tags;
SELECT '/* a=''1'' */' AS not_tags;
RESET application_name;
SELECT o.tags, sum(o.calls) AS calls
  FROM pg_slow_statements_sources o
  JOIN pg_slow_statements s USING (userid, dbid, queryid, toplevel)
 WHERE s.query LIKE '%AS not_tags%' AND o.application_name = 'notes'
 GROUP BY o.tags;

-- 50 light applications (2 calls each) and a heavy one (4 calls after
-- each of them): with max_sources 6, the heavy one is kept with exact
-- calls, the others are folded into the remainder, and the rows add up
SHOW pg_slow_statements.max_sources;
\set ECHO none
\o /dev/null
SELECT format('SET application_name = %L', 'light_' || g) AS s,
       'SELECT 5 AS sketch' AS q1, 'SELECT 5 AS sketch' AS q2,
       'SET application_name = heavy' AS h,
       'SELECT 5 AS sketch' AS h1, 'SELECT 5 AS sketch' AS h2,
       'SELECT 5 AS sketch' AS h3, 'SELECT 5 AS sketch' AS h4
  FROM generate_series(1, 50) g \gexec
\o
\set ECHO all
RESET application_name;
SELECT application_name, calls
  FROM pg_slow_statements_sources
 WHERE queryid = pg_slow_statements_fingerprint('SELECT 5 AS sketch')
   AND application_name = 'heavy';
SELECT count(*) AS rows, count(*) FILTER (WHERE is_remainder) AS remainders,
       sum(calls) AS calls,
       (SELECT calls FROM pg_slow_statements
         WHERE queryid = pg_slow_statements_fingerprint('SELECT 5 AS sketch')) AS entry_calls,
       bool_and(is_remainder = (application_name IS NULL)) AS remainder_has_no_source,
       bool_and(max_exec_time IS NOT NULL AND last_call IS NOT NULL) AS remainder_has_times
  FROM pg_slow_statements_sources
 WHERE queryid = pg_slow_statements_fingerprint('SELECT 5 AS sketch');

-- the slowest run: its application_name and tags with its traceparent,
-- those of the run slowest_query shows (which of the three is slowest is
-- read, not assumed: a loaded machine may slow any down)
SET application_name = 'tracer';
SELECT pg_sleep(0.002) AS slowest /*route='%2Fslow',traceparent='00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-1111111111111111-01'*/;
SELECT pg_sleep(0.050) AS slowest /*route='%2Fslow',traceparent='00-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-2222222222222222-01'*/;
SELECT pg_sleep(0.002) AS slowest /*route='%2Fslow',traceparent='00-cccccccccccccccccccccccccccccccc-3333333333333333-01'*/;
RESET application_name;
SELECT calls, slowest_application_name, slowest_tags->>'route' AS route,
       slowest_tags->>'traceparent' =
         substring(slowest_query from 'traceparent=''([^'']*)''') AS its_traceparent
  FROM pg_slow_statements WHERE query LIKE '%AS slowest /*%';
-- the top view: who sends each statement most
SELECT top_source FROM pg_slow_statements_top WHERE query LIKE 'SELECT $1 AS three_apps%';
SELECT top_source FROM pg_slow_statements_top WHERE query LIKE 'SELECT $1 AS django%';

-- hostile comments: hundreds of keys, kilobytes of value, broken escapes,
-- unbalanced quotes, nested comments, bytes that decode to no text: no
-- error, one entry, tags bounded
SET application_name = 'hostile';
SELECT format('SELECT 6 AS hostile /*%s*/',
              string_agg(format('k%s=''v''', g), ',')) AS q
  FROM generate_series(1, 500) g \gset
:q;
SELECT format('SELECT 6 AS hostile /*big=''%s''*/', repeat('x', 100000)) AS q \gset
:q;
SELECT format('SELECT 6 AS hostile /*a:%s*/', repeat('"\', 3000)) AS q \gset
:q;
SELECT 6 AS hostile /*a='%ZZ',b='%',c='%FF%FE',d='%00',e='%0A',f='it\'s'*/;
SELECT 6 AS hostile /*a='1,b='2*/;
SELECT 6 AS hostile /*a='1' /* nested */ */;
SELECT 6 AS hostile /*/*/**/*/*/;
RESET application_name;
SELECT count(*) AS entries, sum(calls) AS calls
  FROM pg_slow_statements WHERE query LIKE 'SELECT $1 AS hostile%';
SELECT (SELECT count(*) FROM jsonb_object_keys(tags)) AS keys,
       length(tags::text) <= 2048 AS bounded, calls
  FROM pg_slow_statements_sources
 WHERE queryid = pg_slow_statements_fingerprint('SELECT 6 AS hostile')
 ORDER BY keys DESC, calls DESC;
SELECT tags, source FROM pg_slow_statements_sources
 WHERE queryid = pg_slow_statements_fingerprint('SELECT 6 AS hostile') AND tags ? 'f';

-- capture_constants off: tags keep their keys, not their values (a route
-- may hold a user's id), in sources and in the slowest run
SET pg_slow_statements.capture_constants = off;
SET application_name = 'private';
SELECT 7 AS private /*route='%2Fusers%2F42',traceparent='00-dddd-01'*/;
SELECT 7 AS private /*route='%2Fusers%2F43',traceparent='00-eeee-01'*/;
SELECT pg_sleep(0.005) AS private_slow /*route='%2Fusers%2F44',traceparent='00-ffff-01'*/;
RESET application_name;
RESET pg_slow_statements.capture_constants;
SELECT tags, calls, source FROM pg_slow_statements_sources
 WHERE queryid = pg_slow_statements_fingerprint('SELECT 7 AS private');
SELECT slowest_application_name, slowest_tags
  FROM pg_slow_statements WHERE query LIKE '%AS private_slow%';

-- another user's sources: no queryid, application_name, address, tags or
-- label for a role without pg_read_all_stats; its own are shown
CREATE ROLE regress_pss_src_reader;
CREATE ROLE regress_pss_src_stats IN ROLE pg_read_all_stats;
SET ROLE regress_pss_src_reader;
SET application_name = 'reader_app';
SELECT 8 AS own_source /*route='%2Fmine'*/;
RESET application_name;
SELECT count(*) > 0 AS rows_seen,
       count(*) FILTER (WHERE queryid IS NOT NULL OR application_name IS NOT NULL
                        OR client_addr IS NOT NULL OR tags IS NOT NULL
                        OR source IS NOT NULL) AS others_shown
  FROM pg_slow_statements_sources
 WHERE userid <> 'regress_pss_src_reader'::regrole;
SELECT application_name, tags, calls FROM pg_slow_statements_sources
 WHERE userid = 'regress_pss_src_reader'::regrole AND application_name = 'reader_app'
 ORDER BY tags::text;
SELECT count(*) FILTER (WHERE slowest_application_name IS NOT NULL
                        OR slowest_tags IS NOT NULL) AS others_slowest_shown
  FROM pg_slow_statements WHERE userid <> 'regress_pss_src_reader'::regrole;
SELECT count(*) FILTER (WHERE top_source IS NOT NULL) AS others_top_source
  FROM pg_slow_statements_top WHERE queryid IS NULL;
RESET ROLE;
SET ROLE regress_pss_src_stats;
SELECT count(*) FILTER (WHERE application_name = 'app_a') AS stats_role_sees
  FROM pg_slow_statements_sources;
RESET ROLE;
DROP ROLE regress_pss_src_reader;
DROP ROLE regress_pss_src_stats;

-- a reset clears them
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;
SELECT count(*) AS sources_left FROM pg_slow_statements_sources
 WHERE application_name IS DISTINCT FROM 'pg_regress/19_sources';
