# test/t/003_crash.pl
#
# A backend killed in the middle of a statement, of a read of the view or of
# a reset makes the postmaster reinitialise shared memory; afterwards the
# store works and counts exactly, and no stale statistics come back.  An
# immediate shutdown saves nothing, leaves no half-written file, and the next
# start begins with an empty store.

use strict;
use warnings;

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use PssNode;

my $save_file = 'pg_stat/pg_slow_statements.stat';

my $node = PssNode::start('crash', conf => "restart_after_crash = on\n");

my $file = $node->data_dir . "/$save_file";

# letters(n): n in base 26 with the letters a-z, for distinct identifiers
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

# calls(text): calls of the entry of a statement text, 0 if there is none
sub calls
{
	my ($text) = @_;
	$text =~ s/'/''/g;
	return $node->safe_psql('postgres',
		"SELECT coalesce(sum(calls), 0) FROM pg_slow_statements
		  WHERE queryid = pg_slow_statements_fingerprint('$text')");
}

# start_psql(appname, args...): a psql in the background
sub start_psql
{
	my ($appname, @args) = @_;
	my ($out, $err) = ('', '');
	my $h = IPC::Run::start(
		[
			'psql', '-XAtq', '-v', 'ON_ERROR_STOP=1',
			'-d', $node->connstr('postgres') . " application_name=$appname",
			@args
		],
		'<', \undef, '>', \$out, '2>', \$err);
	return $h;
}

# backend_pid(appname, condition): wait until that client's backend
# exists and meets an SQL condition on pg_stat_activity; its pid
sub backend_pid
{
	my ($appname, $condition) = @_;
	$node->poll_query_until('postgres',
		"SELECT count(*) = 1 FROM pg_stat_activity
		  WHERE application_name = '$appname' AND $condition")
	  or die "timed out waiting for $appname";
	return $node->safe_psql('postgres',
		"SELECT pid FROM pg_stat_activity WHERE application_name = '$appname'");
}

# kill_and_wait(pid, harness, what): SIGKILL a backend and wait until the
# postmaster has reinitialised and accepts connections again
sub kill_and_wait
{
	my ($pid, $h, $what) = @_;
	my $offset = -s $node->logfile;
	kill 'KILL', $pid;
	$node->wait_for_log(qr/all server processes terminated; reinitializing/,
		$offset);
	$node->poll_query_until('postgres', 'SELECT true')
	  or die 'timed out waiting for the server to accept connections';
	# The client lost its connection; reap it
	eval { $h->finish; };
	ok( $node->log_contains(
			PssNode::killed_re($pid), $offset),
		"backend running $what was killed by SIGKILL");
	return;
}

my $start_time =
  $node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()');

#---- Killed in the middle of a statement ----

$node->safe_psql('postgres',
	"SELECT 1 AS before_crash;\nSELECT 1 AS before_crash;\n");
is(calls('SELECT 1 AS before_crash'), '2', 'statement counted before the crash');

{
	my $h = start_psql('pss_sleeper', '-c', 'SELECT pg_sleep(300)');
	my $pid = backend_pid('pss_sleeper',
		"state = 'active' AND query = 'SELECT pg_sleep(300)'");
	kill_and_wait($pid, $h, 'a sleeping statement');
}
is($node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()'),
	$start_time,
	'crash restart keeps the postmaster: pg_postmaster_start_time unchanged');
is(calls('SELECT pg_sleep(300)'),
	'0', 'the statement killed in the middle is not counted');
is(calls('SELECT 1 AS before_crash'),
	'0', 'shared memory was reinitialised: statistics from before are gone');
ok(!-e $file, 'no saved file after a crash restart');
$node->safe_psql('postgres',
	join('', map { "SELECT 1 AS before_crash;\n" } 1 .. 3));
is(calls('SELECT 1 AS before_crash'),
	'3', 'after the crash restart, new executions are counted exactly');

#---- Killed in the middle of a read of the view ----

# Many entries, so that a read takes a while
$node->safe_psql('postgres',
	join('', map { "SELECT 1 AS many_" . letters($_) . ";\n" } 1 .. 2000));
cmp_ok(
	$node->safe_psql('postgres', 'SELECT entries FROM pg_slow_statements_info'),
	'>=', 2000, '2000 entries before the reads');
{
	my $script = $node->basedir . '/reader.sql';
	my $read_sql =
	  'SELECT count(*), sum(length(query)) FROM pg_slow_statements';
	# The sleep at the end keeps the backend alive should the loop finish
	# before the kill
	PostgreSQL::Test::Utils::append_to_file($script,
		"$read_sql;\n" x 5000 . "SELECT pg_sleep(300);\n");
	my $h = start_psql('pss_reader', '-f', $script);
	my $pid = backend_pid('pss_reader', 'true');
	# Kill once a few reads are done, while the loop is reading
	$node->poll_query_until('postgres',
		"SELECT coalesce(sum(calls), 0) >= 3 FROM pg_slow_statements
		  WHERE queryid = pg_slow_statements_fingerprint('$read_sql')")
	  or die 'timed out waiting for the reads';
	kill_and_wait($pid, $h, 'a loop of view reads');
}
is(calls('SELECT 1 AS many_b'),
	'0', 'after a crash during a read, the store was reinitialised');
$node->safe_psql('postgres',
	join('', map { "SELECT 1 AS after_reader;\n" } 1 .. 4));
is(calls('SELECT 1 AS after_reader'),
	'4', 'after a crash during a read, new executions are counted exactly');

#---- Killed in the middle of a reset ----

{
	my $block =
	  join('', map { "SELECT 1 AS reset_" . letters($_) . ";\n" } 1 .. 200)
	  . "SELECT pg_slow_statements_reset();\n";
	my $script = $node->basedir . '/resetter.sql';
	PostgreSQL::Test::Utils::append_to_file($script,
		$block x 200 . "SELECT pg_sleep(300);\n");
	my $reset_before = $node->safe_psql('postgres',
		'SELECT stats_reset FROM pg_slow_statements_info');
	my $h = start_psql('pss_resetter', '-f', $script);
	my $pid = backend_pid('pss_resetter', 'true');
	# Kill once the loop has done at least one reset.  Whether the backend
	# is inside a reset at that moment is up to the scheduler; it is in the
	# loop of inserts and resets either way.
	$node->poll_query_until('postgres',
		"SELECT stats_reset > '$reset_before' FROM pg_slow_statements_info")
	  or die 'timed out waiting for a reset';
	kill_and_wait($pid, $h, 'a loop of inserts and resets');
}
$node->safe_psql('postgres',
	join('', map { "SELECT 1 AS after_reset;\n" } 1 .. 5));
is(calls('SELECT 1 AS after_reset'),
	'5', 'after a crash during a reset, new executions are counted exactly');
is( $node->safe_psql('postgres',
		'SELECT pg_slow_statements_reset() IS NOT NULL'),
	't',
	'after a crash during a reset, reset works');
is(calls('SELECT 1 AS after_reset'), '0', 'reset removed the entries');

#---- Immediate shutdown ----

$node->safe_psql('postgres',
	join('', map { "SELECT 1 AS before_immediate;\n" } 1 .. 2));
is(calls('SELECT 1 AS before_immediate'),
	'2', 'statement counted before the immediate shutdown');
$node->stop('immediate');
ok(!-e $file, 'immediate shutdown writes no saved file');
ok(!-e "$file.tmp", 'immediate shutdown leaves no temporary file');

my $offset = -s $node->logfile;
$node->start;
is($node->safe_psql('postgres', "SELECT count(*) FROM pg_slow_statements
		WHERE query NOT LIKE '%pg_slow_statements%'"),
	'0', 'after an immediate shutdown the store starts empty');
ok(!$node->log_contains(qr/WARNING:.*pg_slow_statements/, $offset),
	'after an immediate shutdown no warning about the saved file');
cmp_ok(
	$node->safe_psql('postgres',
		"SELECT pg_postmaster_start_time() > '$start_time'"),
	'eq', 't',
	'a new postmaster after the immediate shutdown: later start time');

# Saving works again after the recovery
$node->safe_psql('postgres',
	join('', map { "SELECT 1 AS after_immediate;\n" } 1 .. 2));
$node->stop;
ok(-f $file, 'after recovery, a clean stop saves the file again');
$node->start;
is(calls('SELECT 1 AS after_immediate'),
	'2', 'after recovery, the saved statistics load with exact counts');

ok(!$node->log_contains(qr/PANIC|TRAP:|stuck spinlock/),
	'no PANIC, assertion failure or stuck spinlock in the server log');

$node->stop;
done_testing();
