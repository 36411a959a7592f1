# test/t/001_persistence.pl
#
# The statistics survive a clean restart unchanged: entries, counters, texts
# and the store-wide figures of pg_slow_statements_info.  The saved file
# exists only while the server is stopped, is readable by the server's user
# only, and is neither written nor needed with pg_slow_statements.save off.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use PssNode;

my $save_file = 'pg_stat/pg_slow_statements.stat';

my $node = PssNode::start('persistence',
	conf => "pg_slow_statements.max = 100\n");

my $file = $node->data_dir . "/$save_file";

# letters(n): n written in base 26 with the letters a-z, so that statements
# told apart by it differ in an identifier (constants and digits may not
# change a fingerprint)
sub letters
{
	my ($n) = @_;
	my $s = '';
	do
	{
		$s = chr(ord('a') + $n % 26) . $s;
		$n = int($n / 26);
	} while ($n > 0);
	return $s;
}

# Every statement below that is not part of the workload mentions
# pg_slow_statements, so that the snapshot can leave it out.
my $snapshot_sql = q{
SELECT userid, dbid, toplevel, queryid, query, calls, rows,
       total_exec_time, min_exec_time, max_exec_time, stats_since
  FROM pg_slow_statements
 WHERE query NOT LIKE '%pg_slow_statements%'
 ORDER BY queryid, toplevel};
my $info_sql = 'SELECT dealloc, stats_reset FROM pg_slow_statements_info';

# Make dealloc non-zero: overflow the 100 entries, then remove this
# database's entries (a partial reset keeps dealloc and stats_reset).
$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
$node->safe_psql('postgres',
	join('', map { "SELECT 1 AS fill_" . letters($_) . ";\n" } 1 .. 150));
$node->safe_psql('postgres',
	q{SELECT pg_slow_statements_reset(0, oid) FROM pg_database
	   WHERE datname = current_database() /* pg_slow_statements */});

# The workload: a few distinct statements, some repeated
$node->safe_psql(
	'postgres', q{
CREATE TABLE persist_t (a int);
INSERT INTO persist_t SELECT g FROM generate_series(1, 10) g;
SELECT count(*) FROM persist_t;
SELECT count(*) FROM persist_t;
SELECT count(*) FROM persist_t;
SELECT count(*) FROM persist_t;
SELECT count(*) FROM persist_t;
SELECT a FROM persist_t WHERE a < 4;
SELECT a FROM persist_t WHERE a < 4;
SELECT a FROM persist_t WHERE a < 4;
UPDATE persist_t SET a = a + 1 WHERE a > 5;
SELECT pg_sleep(0.3) AS persist_sleep;
});

# The wait events of the sleep (pg_slow_statements_waits), saved with it
my $waits_sql = q{
SELECT w.wait_event_type, w.wait_event, w.samples, w.time
  FROM pg_slow_statements_waits(
         pg_slow_statements_fingerprint('SELECT pg_sleep(0.3) AS persist_sleep')) w
 ORDER BY 1, 2};

# The plans of the workload (pg_slow_statements_plans), saved with their
# entries: ids, counts, times and texts
my $plans_sql = q{
SELECT s.query, p.planid, p.calls, p.total_exec_time, p.first_seen,
       p.last_seen, p.plan
  FROM pg_slow_statements_plans() p
  JOIN pg_slow_statements s USING (userid, dbid, queryid, toplevel)
 WHERE s.query NOT LIKE '%pg_slow_statements%'
 ORDER BY 1, 2};

my $calls_sql = q{
SELECT calls, rows FROM pg_slow_statements
 WHERE queryid = pg_slow_statements_fingerprint('SELECT count(*) FROM persist_t')};
is($node->safe_psql('postgres', $calls_sql),
	'5|5', 'repeated statement counted 5 times before the restart');

my $before = $node->safe_psql('postgres', $snapshot_sql);
my $waits_before = $node->safe_psql('postgres', $waits_sql);
my $plans_before = $node->safe_psql('postgres', $plans_sql);
like($plans_before, qr/^SELECT count\(\*\) FROM persist_t\|-?\d+\|5\|[^\n]*\|Aggregate /m,
	'the repeated statement has its plan, 5 calls, before the restart');
like($waits_before, qr/^Timeout\|PgSleep\|/m,
	'the sleep has its wait event before the restart');
my $info_before = $node->safe_psql('postgres', $info_sql);
my @lines = split /\n/, $before;
cmp_ok(scalar(@lines), '>=', 5, 'the workload left at least 5 entries');
my ($dealloc_before) = split /\|/, $info_before;
cmp_ok($dealloc_before, '>=', 50, 'dealloc is non-zero before the restart');

# Clean stop: the file is written, with the server's permissions only
$node->stop;
ok(-f $file, 'saved file exists while the server is stopped');
ok(!-e "$file.tmp", 'no temporary file left after a clean stop');
my $mode = (stat $file)[2] & 07777;
is(sprintf('%04o', $mode), '0600',
	'saved file is readable and writable by the server user only');

$node->start;
ok(!-e $file, 'saved file is removed once loaded at startup');

my $after = $node->safe_psql('postgres', $snapshot_sql);
is($after, $before, 'every entry is identical after a clean restart');
is($node->safe_psql('postgres', $waits_sql),
	$waits_before, 'wait events are identical after a clean restart');
is($node->safe_psql('postgres', $plans_sql),
	$plans_before, 'plans are identical after a clean restart');
is($node->safe_psql('postgres', $calls_sql),
	'5|5', 'repeated statement still counted 5 times after the restart');
is($node->safe_psql('postgres', $info_sql),
	$info_before, 'dealloc and stats_reset are kept across the restart');

# A second restart in a row keeps everything as well
$node->restart;
is($node->safe_psql('postgres', $snapshot_sql),
	$before, 'entries are identical after a second clean restart');

# With save off, nothing is written and the store starts empty
$node->append_conf('postgresql.conf', "pg_slow_statements.save = off\n");
$node->reload;
$node->poll_query_until('postgres',
	q{SELECT current_setting('pg_slow_statements.save') = 'off'})
  or die 'timed out waiting for pg_slow_statements.save to be off';
$node->stop;
ok(!-e $file, 'no file is written at shutdown with save off');
ok(!-e "$file.tmp", 'no temporary file is written at shutdown with save off');

$node->start;
is( $node->safe_psql(
		'postgres',
		q{SELECT count(*) FROM pg_slow_statements
		   WHERE query NOT LIKE '%pg_slow_statements%'}),
	'0',
	'store is empty after a restart with save off');
ok(!$node->log_contains(qr/ignoring invalid file|could not (read|write|open) file/),
	'no warning about the saved file in the server log');

$node->stop;
done_testing();
