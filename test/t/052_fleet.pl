# test/t/052_fleet.pl
#
# Many servers, one answer.  A hot standby (pg_basebackup -R, streaming
# from a primary) tracks its read-only statements under the primary's
# queryid, can be read and reset, and keeps its statistics over a restart.
# Prometheus, scraping one prometheus-postgres-exporter per server (the
# primary, the standby and an independent second primary), answers
# sum by (queryid) (pg_stat_statements_calls_total) with the sum of the
# three views' calls, and the sum of the sampled time by wait class
# (pg_slow_statements_wait_timeout_seconds_total) with the views' sum.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use PssTools qw(require_tool monitored_node start_exporter scrape
  metric_values start_prometheus promql wait_until stop_process);
use Test::More;

# Both tools are needed for the second half: skip before starting anything
require_tool('prometheus-postgres-exporter', 'prometheus-postgres-exporter');
require_tool('prometheus',                   'prometheus');

#---- A primary and its hot standby ----

my $primary = monitored_node('primary', allows_streaming => 1);
$primary->backup('base', backup_options => ['-R']);
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'base');
$standby->start;
ok( -f $standby->data_dir . '/standby.signal',
	'pg_basebackup -R made a standby');

# catch_up: wait until the standby has replayed the primary's WAL so far
sub catch_up
{
	my $lsn = $primary->safe_psql('postgres', 'SELECT pg_current_wal_lsn()');
	$standby->poll_query_until('postgres',
		"SELECT pg_last_wal_replay_lsn() >= '$lsn'")
	  or die 'timed out waiting for the standby to replay';
	return;
}

my $stmt      = 'SELECT count(*) FROM generate_series(1, 100000) AS g';
my $id_sql    = "SELECT pg_slow_statements_fingerprint('$stmt')";
my $calls_sql = "SELECT coalesce(sum(calls), 0) FROM pg_slow_statements
                  WHERE queryid = ($id_sql) AND toplevel";

$primary->safe_psql('postgres', join('', map { "$stmt;\n" } 1 .. 5));
catch_up();
is($standby->safe_psql('postgres', 'SELECT pg_is_in_recovery()'),
	't', 'the standby is in recovery');

$standby->safe_psql('postgres', join('', map { "$stmt;\n" } 1 .. 3));
is($standby->safe_psql('postgres', $calls_sql),
	'3', 'the standby tracks its own read-only executions');
is($primary->safe_psql('postgres', $calls_sql),
	'5', 'the primary counts only its own');
my $qid_sql = "SELECT queryid FROM pg_slow_statements
                WHERE queryid = ($id_sql) AND toplevel";
my $queryid = $primary->safe_psql('postgres', $qid_sql);
is($standby->safe_psql('postgres', $qid_sql),
	$queryid, 'the statement has the same queryid on primary and standby');
is( $standby->safe_psql(
		'postgres', "SELECT calls FROM pgss_compat.pg_stat_statements
		              WHERE queryid = $queryid"),
	'3',
	'the compat view reads on the standby');

# Reset on the standby: one entry, then the standby's statistics only
my $other = 'SELECT count(*) FROM pg_class AS standby_only';
$standby->safe_psql('postgres', "$other;\n$other;\n");
my $other_id = "pg_slow_statements_fingerprint('$other')";
is( $standby->safe_psql(
		'postgres',
		"SELECT count(*) FROM pg_slow_statements WHERE queryid = $other_id"),
	'1',
	'the standby tracks a second statement');
$standby->safe_psql('postgres',
	"SELECT pg_slow_statements_reset(0, 0, $other_id)");
is( $standby->safe_psql(
		'postgres',
		"SELECT count(*) FROM pg_slow_statements WHERE queryid = $other_id"),
	'0',
	'a partial reset on the standby removes that entry');
is($standby->safe_psql('postgres', $calls_sql),
	'3', '... and keeps the others');

# A restart keeps the standby's statistics (saved at shutdown)
$standby->restart;
is($standby->safe_psql('postgres', $calls_sql),
	'3', 'the standby keeps its statistics over a restart');
$primary->safe_psql('postgres', "$stmt;\n");
catch_up();
is($standby->safe_psql('postgres', 'SELECT pg_is_in_recovery()'),
	't', 'the restarted standby replays again');

#---- A second, independent primary ----

my $second = monitored_node('second');
$second->safe_psql('postgres', join('', map { "$stmt;\n" } 1 .. 4));
is($second->safe_psql('postgres', $qid_sql),
	$queryid, 'an independent server computes the same queryid');

# A statement that sleeps on each server: time the sampler sees as Timeout
my $sleep    = 'SELECT pg_sleep(0.3) AS fleet_sleep';
my $sleep_id = "pg_slow_statements_fingerprint('$sleep')";
my $sleep_seconds = 0;
foreach my $node ($primary, $standby, $second)
{
	$node->safe_psql('postgres', "$sleep;\n");
	$sleep_seconds += $node->safe_psql('postgres',
		"SELECT sum(wait_timeout_time) / 1000.0 FROM pg_slow_statements
		  WHERE queryid = $sleep_id");
}
ok($sleep_seconds >= 0.45,
	"the sampler saw the three sleeps in wait_timeout_time ($sleep_seconds s)");

#---- One exporter per server, one Prometheus ----

my %exporters = (
	primary => start_exporter($primary, 'primary'),
	standby => start_exporter($standby, 'standby'),
	second  => start_exporter($second,  'second'));
my $prometheus = start_prometheus(values %exporters);

my $total_calls   = 0;
my $total_seconds = 0;
foreach my $node ($primary, $standby, $second)
{
	my ($c, $s) = split /\|/, $node->safe_psql(
		'postgres',
		"SELECT calls, total_exec_time / 1000.0 FROM pg_slow_statements
		              WHERE queryid = $queryid AND toplevel");
	$total_calls   += $c;
	$total_seconds += $s;
}
is($total_calls, 6 + 3 + 4, 'the three views count 13 calls together');

# Each exporter shows its own server's count
my %own = (primary => 6, standby => 3, second => 4);
foreach my $name (sort keys %own)
{
	my @s =
	  grep { $_->{labels}{queryid} eq $queryid }
	  metric_values(scrape($exporters{$name}),
		'pg_stat_statements_calls_total');
	is(join(',', map { $_->{value} } @s),
		$own{$name}, "the $name exporter shows its server's calls");
}

# Prometheus scrapes every second: wait until it has all three, as long as
# PostgreSQL's tests wait for anything (timeout_default)
my $sum_query =
  "sum by (queryid) (pg_stat_statements_calls_total{queryid=\"$queryid\"})";
my $result = wait_until(
	$PostgreSQL::Test::Utils::timeout_default,
	sub {
		my $r = promql($prometheus, $sum_query);
		return (@$r == 1 && $r->[0]{value}[1] == $total_calls) ? $r : undef;
	}) // promql($prometheus, $sum_query);
is(scalar(@$result), 1, 'the PromQL sum has one series for the queryid');
is($result->[0]{metric}{queryid}, $queryid, '... labelled with the queryid');
is($result->[0]{value}[1], $total_calls,
	'sum by (queryid) (pg_stat_statements_calls_total) is the sum of the three views'
);

my $count = promql($prometheus,
	"count by (queryid) (pg_stat_statements_calls_total{queryid=\"$queryid\"})"
);
is($count->[0]{value}[1], 3, 'three servers report the statement');

my $seconds = promql($prometheus,
	"sum by (queryid) (pg_stat_statements_seconds_total{queryid=\"$queryid\"})"
);
my $got = $seconds->[0]{value}[1] // 'none';
ok( $got ne 'none' && abs($got - $total_seconds) <= 1e-9 * $total_seconds,
	"the summed seconds ($got) are the views' total_exec_time / 1000 ($total_seconds)"
);

# The sampled time, from the query file's second block, sums the same way
my $sleep_qid = $primary->safe_psql('postgres', "SELECT $sleep_id");
my $timeout_query =
  "sum by (queryid) (pg_slow_statements_wait_timeout_seconds_total{queryid=\"$sleep_qid\"})";
my $timeout = wait_until(
	$PostgreSQL::Test::Utils::timeout_default,
	sub {
		my $r = promql($prometheus, $timeout_query);
		return (@$r == 1
			  && abs($r->[0]{value}[1] - $sleep_seconds) <= 1e-9 * $sleep_seconds)
		  ? $r
		  : undef;
	}) // promql($prometheus, $timeout_query);
my $got_timeout = $timeout->[0]{value}[1] // 'none';
ok( $got_timeout ne 'none'
	  && abs($got_timeout - $sleep_seconds) <= 1e-9 * $sleep_seconds,
	"sum by (queryid) (pg_slow_statements_wait_timeout_seconds_total) ($got_timeout) is the three views' wait_timeout_time / 1000 ($sleep_seconds)"
);
is( scalar(
		@{ promql($prometheus,
				"count by (queryid) (pg_slow_statements_cpu_user_seconds_total{queryid=\"$sleep_qid\"})") }),
	1,
	'the CPU time counters are exported too (0 while track_cpu is off)');

stop_process($prometheus);
stop_process($_) foreach values %exporters;
$_->stop foreach ($second, $standby, $primary);
done_testing();
