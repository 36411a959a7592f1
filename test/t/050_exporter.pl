# test/t/050_exporter.pl
#
# prometheus-postgres-exporter, run for real with the statement query file
# of monitoring/ (the relation, columns, labels and metric names of its own
# pg_stat_statements collector), reads our statistics through
# pg_slow_statements_compat: /metrics shows, for a known statement, the
# calls, seconds and rows of our view.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use PssTools qw(monitored_node start_exporter scrape metric_values
  stop_process $monitor_role);
use Test::More;

my $node = monitored_node('exporter', conf => "track_io_timing = on\n");

# A statement that takes measurable time, so that it ranks above the tenth
# percentile the query keeps
my $stmt = 'SELECT count(*) FROM generate_series(1, 100000) AS g';
$node->safe_psql('postgres', join('', map { "$stmt;\n" } 1 .. 7));

my $exporter = start_exporter($node, 'exporter');
my $metrics  = scrape($exporter);

my ($queryid, $user, $calls, $seconds, $rows) = split /\|/, $node->safe_psql(
	'postgres', "
SELECT queryid, pg_get_userbyid(userid), calls, total_exec_time / 1000.0, rows
  FROM pg_slow_statements
 WHERE queryid = pg_slow_statements_fingerprint('$stmt') AND toplevel");
is($calls, '7', 'our view counts the statement 7 times');

# sample: the one sample of a metric for the statement, with its labels
sub sample
{
	my ($name) = @_;
	my @s = grep { $_->{labels}{queryid} eq $queryid }
	  metric_values($metrics, $name);
	is(scalar(@s), 1, "one $name sample for the statement");
	return $s[0] // { labels => {}, value => 'none' };
}

my $s = sample('pg_stat_statements_calls_total');
is($s->{value}, $calls, 'pg_stat_statements_calls_total equals our calls');
is($s->{labels}{user},    $user,      'label user is the role that ran it');
is($s->{labels}{datname}, 'postgres', 'label datname is the database');

$s = sample('pg_stat_statements_seconds_total');
ok( $seconds > 0 && abs($s->{value} - $seconds) <= 1e-9 * $seconds,
	"pg_stat_statements_seconds_total ($s->{value}) equals total_exec_time / 1000 ($seconds)"
);
is(sample('pg_stat_statements_rows_total')->{value},
	$rows, 'pg_stat_statements_rows_total equals our rows');
sample('pg_stat_statements_block_read_seconds_total');
sample('pg_stat_statements_block_write_seconds_total');

# The exporter asked for the unqualified relation as the monitoring role:
# its query is in our statistics
is( $node->safe_psql(
		'postgres', "
SELECT count(*) > 0 FROM pg_slow_statements
 WHERE userid = '$monitor_role'::regrole
   AND query LIKE '%FROM pg_stat_statements%percentile_cont%'"),
	't',
	'the exporter read pg_stat_statements as the monitoring role');

# A later scrape follows new executions
$node->safe_psql('postgres', "$stmt;\n$stmt;\n");
$metrics = scrape($exporter);
is(sample('pg_stat_statements_calls_total')->{value},
	9, 'a later scrape counts the new executions');

stop_process($exporter);
$node->stop;
done_testing();
