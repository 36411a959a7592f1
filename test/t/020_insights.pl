# Insights that need several sessions or a restart: failures seen by other
# sessions while the failing one sits idle (lock_timeout, deadlock, query
# cancel), the slowest execution hidden from other users, and the new
# columns kept across a clean restart.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use PssNode;

my $node = PssNode::start('insights',
	conf => "pg_slow_statements.slow_threshold = 0\n");
$node->safe_psql('postgres', q{
	CREATE TABLE acct (id int PRIMARY KEY, balance int);
	INSERT INTO acct VALUES (1, 100), (2, 100);
	CREATE ROLE regress_pss_other LOGIN;
	GRANT SELECT, UPDATE ON acct TO regress_pss_other;
	SELECT pg_slow_statements_reset();
});

# Figures of the entry whose query matches a LIKE pattern
sub entry
{
	my ($pattern, $columns) = @_;
	return $node->safe_psql('postgres',
		"SELECT $columns FROM pg_slow_statements WHERE query LIKE '$pattern'"
		  . " ORDER BY toplevel DESC LIMIT 1");
}

# lock_timeout: one session holds a row lock, another times out on it.  The
# failing session stays connected and idle while we look.
my $holder = $node->background_psql('postgres', on_error_stop => 0);
$holder->query_safe('BEGIN');
$holder->query_safe('UPDATE acct SET balance = balance WHERE id = 1');

my $waiter = $node->background_psql('postgres', on_error_stop => 0);
$waiter->query_safe("SET lock_timeout = '50ms'");
my (undef, $err) =
  $waiter->query('UPDATE acct SET balance = balance + 1 WHERE id = 1');
ok($err, 'the waiting update fails with lock_timeout');
is( entry('UPDATE acct SET balance = balance + $1 WHERE id = $2',
		'calls, failed_calls, last_error'),
	'0|1|55P03',
	'lock_timeout counted as a failure (55P03), visible while the session is idle'
);
$holder->query_safe('ROLLBACK');

# deadlock: two sessions lock two rows in opposite orders
my $s1 = $node->background_psql('postgres', on_error_stop => 0);
my $s2 = $node->background_psql('postgres', on_error_stop => 0);
$s1->query_safe("SET deadlock_timeout = '10ms'");
$s2->query_safe("SET deadlock_timeout = '10s'");
$s1->query_safe('BEGIN');
$s2->query_safe('BEGIN');
$s1->query_safe('UPDATE acct SET balance = 1 WHERE id = 1');
$s2->query_safe('UPDATE acct SET balance = 2 WHERE id = 2');
# s2 blocks on row 1; s1 then blocks on row 2 and detects the deadlock
$s2->query_until(qr/^$/, "UPDATE acct SET balance = 3 WHERE id = 1;\n");
$node->poll_query_until('postgres',
	"SELECT count(*) = 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
) or die 'second session never waited';
my (undef, $deadlocked) =
  $s1->query('UPDATE acct SET balance = 4 WHERE id = 2');
ok($deadlocked, 'one session is chosen as the deadlock victim');
$s1->query('ROLLBACK');
$s2->query('ROLLBACK');
is( entry('UPDATE acct SET balance = $1 WHERE id = $2',
		'failed_calls >= 1, last_error'),
	't|40P01',
	'deadlock counted as a failure (40P01)');

# query cancel from another session
my $sleeper = $node->background_psql('postgres', on_error_stop => 0);
$sleeper->query_until(qr/^$/, "SELECT pg_sleep(60) AS cancelled_sleep;\n");
$node->poll_query_until('postgres',
	"SELECT count(*) = 1 FROM pg_stat_activity WHERE query LIKE '%cancelled_sleep%' AND pid <> pg_backend_pid()"
) or die 'sleeping session not seen';
$node->safe_psql('postgres',
	"SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE '%cancelled_sleep%' AND pid <> pg_backend_pid()"
);
$node->poll_query_until('postgres',
	"SELECT count(*) = 1 FROM pg_slow_statements WHERE query LIKE '%cancelled_sleep%' AND failed_calls = 1"
) or die 'cancel never counted';
is( entry('SELECT pg_sleep($1) AS cancelled_sleep', 'calls, failed_calls, last_error'),
	'0|1|57014',
	'a cancelled statement is counted as failed (57014), not as a call');
$sleeper->quit;

# the slowest execution's text is hidden from other users
$node->safe_psql('postgres', 'SELECT balance FROM acct WHERE id = 2');
my $seen_by_other = $node->safe_psql(
	'postgres',
	"SELECT slowest_query, slowest_plan, queryid IS NULL FROM pg_slow_statements"
	  . " WHERE userid <> (SELECT oid FROM pg_roles WHERE rolname = current_user)"
	  . " AND calls > 0 LIMIT 1",
	extra_params => [ '-U', 'regress_pss_other' ]);
is( $seen_by_other,
	'<insufficient privilege>|<insufficient privilege>|t',
	'slowest_query and slowest_plan of another user are hidden');
# (the second execution sleeps, so that it is the slowest: a fast first
# execution keeps no sample, and two fast ones may come in either order;
# half a second, so that no load can make the first one slower)
my $own = $node->safe_psql(
	'postgres',
	"SELECT balance FROM acct WHERE id = 3 AND pg_sleep(0) IS NOT NULL;"
	  . " SELECT balance FROM acct WHERE id = 1 AND pg_sleep(0.5) IS NOT NULL;"
	  . " SELECT slowest_query FROM pg_slow_statements"
	  . " WHERE query LIKE 'SELECT balance FROM acct%pg_sleep%'"
	  . " AND userid = (SELECT oid FROM pg_roles WHERE rolname = current_user)",
	extra_params => [ '-U', 'regress_pss_other' ]);
like(
	$own,
	qr/SELECT balance FROM acct WHERE id = 1 AND pg_sleep\(0\.5\) IS NOT NULL$/,
	'a user sees the slowest text of their own statements');

# the new columns survive a clean restart
my $columns =
	'queryid, calls, p50_exec_time, p95_exec_time, p99_exec_time, slow_calls,'
  . ' slowest_query, slowest_at, slowest_plan, failed_calls, failed_exec_time,'
  . ' last_error, last_error_at, xacts, max_calls_per_xact, last_call';
my $capture =
	"SELECT $columns FROM pg_slow_statements"
  . " WHERE query NOT LIKE '%pg_slow_statements%' ORDER BY queryid, toplevel";
my $before = $node->safe_psql('postgres', $capture);
$node->restart;
my $after = $node->safe_psql('postgres', $capture);
is($after, $before, 'percentiles, slowest, failures and N+1 figures kept across a restart');
my $histogram = $node->safe_psql('postgres',
	"SELECT count(*) > 0 AND bool_and(h = s.calls) FROM pg_slow_statements s,"
	  . " LATERAL (SELECT sum(calls) AS h"
	  . "   FROM pg_slow_statements_histogram(s.queryid) b"
	  . "  WHERE b.userid = s.userid AND b.dbid = s.dbid"
	  . "    AND b.toplevel = s.toplevel) x"
	  . " WHERE s.query LIKE 'SELECT balance FROM acct%'");
is($histogram, 't', 'the histogram is kept across a restart');

$holder->quit;
$waiter->quit;
$s1->quit;
$s2->quit;
$node->stop;
done_testing();
