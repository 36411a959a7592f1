# test/t/016_waits.pl
#
# Where a statement's time goes, as the sampler sees it (src/activity.c):
# a 2 s row-lock wait in wait_lock_time, pg_sleep(1.5) in wait_timeout_time,
# a PL/pgSQL loop spinning for 1 s in cpu_time, a COPY FROM STDIN fed by a
# slow client in wait_client_time, and for each the sum of the
# eight columns close to total_exec_time, and pg_slow_statements_waits
# naming each one's event; a disk read in wait_io_time; the same loop in
# cpu_user_time with track_cpu.  Then the sampler's life: seen in
# pg_stat_activity, turned off and on by a reload, started again by the
# postmaster when terminated; a backend terminated mid-statement; a server
# with max_connections = 1000.
#
# Tolerance: each figure within 50 % of what it estimates.  The sampler
# charges each pass with the time since the previous one, so a pass that
# wakes late on a loaded machine loses nothing; what remains is the error
# at the two ends of a period (at most one interval, 10 ms, each) and a
# process descheduled while it spins (still no wait event: counted as CPU,
# as total_exec_time counts it).  Only a sampler stopped for more than 1 s
# (PSS_PASS_MAX_US) loses time, which 50 % of 1.5 s leaves room for.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);
use IPC::Run;

use PssNode;

my $node = PssNode::start('waits',
	conf => "pg_slow_statements.sample_interval = 10\n");

my $sampler_sql = "SELECT pid FROM pg_stat_activity
					WHERE backend_type = 'pg_slow_statements sampler'";
$node->poll_query_until('postgres', "SELECT count(*) = 1 FROM ($sampler_sql) s")
  or die 'no sampler';
pass('the sampler shows in pg_stat_activity with its backend_type');

$node->safe_psql('postgres',
	'CREATE ROLE pss_nobody;
	 CREATE TABLE pss_w (id int PRIMARY KEY, v int);
	 INSERT INTO pss_w VALUES (1, 0)');

my $columns = 'total_exec_time, cpu_time, wait_io_time, wait_lock_time,
			   wait_lwlock_time, wait_ipc_time, wait_timeout_time,
			   wait_client_time, wait_other_time';

# figures(PATTERN): the columns above of the top-level entry whose text is
# like PATTERN, as a hash
sub figures
{
	my ($pattern) = @_;
	my @v = split /\|/,
	  $node->safe_psql('postgres',
		"SELECT $columns FROM pg_slow_statements
		  WHERE query LIKE '$pattern' AND toplevel");
	my @names = split /,\s*/, $columns;
	die "no entry like $pattern" unless @v == @names;
	my %f;
	@f{@names} = @v;
	return \%f;
}

# sampler_took(TEST): wait until a short sleep's sampled time passes TEST
# ("= 0", "> 0"): the sampler reads a reloaded file when it gets to it,
# maybe after the backends
sub sampler_took
{
	my ($test) = @_;
	return $node->poll_query_until(
		'postgres', qq{
\\o /dev/null
SELECT pg_slow_statements_reset();
SELECT pg_sleep(0.05);
\\o
SELECT coalesce(sum(wait_timeout_time), 0) $test FROM pg_slow_statements
 WHERE query = 'SELECT pg_sleep(\$1)'});
}

# within(FIGURE, EXPECTED, NAME): FIGURE within 50 % of EXPECTED
sub within
{
	my ($figure, $expected, $name) = @_;
	ok( $figure >= 0.5 * $expected && $figure <= 1.5 * $expected,
		"$name ($figure ms, expected $expected ms +-50 %)");
	return;
}

# mostly_is(CONDITION, CLASS, NAME): pg_slow_statements_top says the entry
# whose text satisfies CONDITION ("LIKE '...'") spent its time mostly in CLASS
sub mostly_is
{
	my ($condition, $class, $name) = @_;
	like(
		$node->safe_psql(
			'postgres', "SELECT t.mostly FROM pg_slow_statements_top t
			JOIN pg_slow_statements s USING (queryid)
			WHERE s.query $condition"),
		qr/^$class [0-9]+%$/,
		$name);
	return;
}

# event_is(PATTERN, TYPE, EVENT, CLASS_COLUMN, NAME): pg_slow_statements_waits
# names the event TYPE/EVENT for the top-level entry whose text is like
# PATTERN, with most of that class's time (CLASS_COLUMN, +-50 %), and the
# entry's rows of events add up to its eight columns (within 5 samples of
# 10 ms: the ends of each period and the sampler racing the reads)
sub event_is
{
	my ($pattern, $type, $event, $column, $name) = @_;
	my $f = figures($pattern);
	my ($time, $sum) = split /\|/, $node->safe_psql(
		'postgres', qq{
SELECT coalesce(sum(w.time) FILTER (WHERE w.wait_event_type = '$type'
                                      AND w.wait_event = '$event'), 0),
       sum(w.time)
  FROM pg_slow_statements s,
       pg_slow_statements_waits(s.queryid) w
 WHERE s.query LIKE '$pattern' AND s.toplevel AND w.toplevel});
	within($time, $f->{$column}, "$name: $type $event");
	my $classes = 0;
	$classes += $f->{$_} foreach grep { $_ ne 'total_exec_time' } keys %$f;
	ok(abs($sum - $classes) <= 50,
		"$name: the events add up to the classes ($sum ms, $classes ms)");
	return;
}

# sum_close(FIGURES, NAME): the eight columns sum to total_exec_time +-50 %
sub sum_close
{
	my ($f, $name) = @_;
	my $sum = 0;
	$sum += $f->{$_} foreach grep { $_ ne 'total_exec_time' } keys %$f;
	within($sum, $f->{total_exec_time},
		"$name: the sampled times sum to total_exec_time");
	return;
}

# A row lock held for 2 s
my $holder = $node->background_psql('postgres');
$holder->query_safe('BEGIN');
$holder->query_safe('UPDATE pss_w SET v = v WHERE id = 1');
my $waiter = $node->background_psql('postgres');
$waiter->query_until(qr/^$/, "UPDATE pss_w SET v = v + 1 WHERE id = 1;\n");
$node->poll_query_until('postgres',
	"SELECT count(*) = 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
) or die 'the update never waited';
usleep(2_000_000);
$holder->query_safe('COMMIT');
$node->poll_query_until('postgres',
	"SELECT count(*) = 1 FROM pg_slow_statements
	  WHERE query = 'UPDATE pss_w SET v = v + \$1 WHERE id = \$2'")
  or die 'the update never ended';
my $f = figures('UPDATE pss_w SET v = v + $1 WHERE id = $2');
ok($f->{total_exec_time} >= 2000, 'the update waited at least 2 s');
within($f->{wait_lock_time}, $f->{total_exec_time},
	'a 2 s row-lock wait is in wait_lock_time');
sum_close($f, 'row lock');
mostly_is(q{LIKE 'UPDATE pss_w SET v = v + $1 WHERE id = $2'}, 'Lock', 'pg_slow_statements_top: the update mostly waited for a Lock');
event_is('UPDATE pss_w SET v = v + $1 WHERE id = $2', 'Lock', 'transactionid',
	'wait_lock_time', 'pg_slow_statements_waits, row lock');
$holder->quit;
$waiter->quit;

# pg_sleep, a Timeout wait
$node->safe_psql('postgres', 'SELECT pg_sleep(1.5)');
$f = figures('SELECT pg_sleep($1)');
ok($f->{total_exec_time} >= 1500, 'the sleep took at least 1.5 s');
within($f->{wait_timeout_time}, $f->{total_exec_time},
	'pg_sleep(1.5) is in wait_timeout_time');
sum_close($f, 'pg_sleep');
mostly_is(q{LIKE 'SELECT pg_sleep($1)'}, 'Timeout', 'pg_slow_statements_top: pg_sleep mostly in Timeout');
event_is('SELECT pg_sleep($1)', 'Timeout', 'PgSleep', 'wait_timeout_time',
	'pg_slow_statements_waits, pg_sleep');

# A loop that spins for 1 s, with no wait event
my $spin = q{
DO $$
DECLARE
	t0 timestamptz := clock_timestamp();
	n bigint := 0;
BEGIN
	WHILE clock_timestamp() < t0 + interval '1 s' LOOP
		n := n + 1;
	END LOOP;
END
$$};
$node->safe_psql('postgres', $spin);
$f = figures('DO $$%');
is( $node->safe_psql(
		'postgres', q{SELECT cpu_user_time IS NULL, cpu_sys_time IS NULL, cpu_calls
					   FROM pg_slow_statements WHERE query LIKE 'DO $$%'}),
	't|t|0',
	'track_cpu off: cpu_user_time and cpu_sys_time are NULL, cpu_calls 0');
ok($f->{total_exec_time} >= 1000, 'the loop spun at least 1 s');
within($f->{cpu_time}, $f->{total_exec_time},
	'a CPU-bound PL/pgSQL loop is in cpu_time');
sum_close($f, 'loop');
mostly_is(q{LIKE 'DO $$%'}, 'CPU', 'pg_slow_statements_top: the loop mostly on CPU');
event_is('DO $$%', 'CPU', 'CPU', 'cpu_time', 'pg_slow_statements_waits, loop');

# The same loop with track_cpu: its user CPU time, measured by getrusage,
# at most its elapsed time (one process), and at least a fifth of it (the
# loop may share a loaded CPU with others, and a descheduled process gets
# no CPU time)
$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
$node->safe_psql('postgres',
	"SET pg_slow_statements.track_cpu = on;\n$spin");
my ($total, $user, $sys, $cpu_calls) = split /\|/,
  $node->safe_psql(
	'postgres', q{SELECT total_exec_time, cpu_user_time, cpu_sys_time, cpu_calls
				   FROM pg_slow_statements WHERE query LIKE 'DO $$%'});
is($cpu_calls, '1', 'track_cpu: the execution is CPU-timed (cpu_calls 1)');
ok( $user >= 0.2 * $total && $user + $sys <= $total + 20,
	"track_cpu: a CPU-bound loop is in cpu_user_time ($user ms user, $sys ms system, $total ms elapsed)"
);
my ($ret, $out_nobody, $err_nobody) = $node->psql('postgres',
	'SET ROLE pss_nobody; SET pg_slow_statements.track_cpu = on');
like($err_nobody, qr/permission denied to set parameter/,
	'track_cpu may be set by a superuser only');

# A COPY FROM STDIN whose client sends a row every 250 ms: its time is
# the backend waiting for the client (ClientRead)
$node->safe_psql('postgres', 'CREATE TABLE pss_c (v int)');
my ($in, $out, $err) = ('', '', '');
my $copier = IPC::Run::start(
	[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr('postgres') ],
	'<', \$in, '>', \$out, '2>', \$err);
$in .= "COPY pss_c FROM STDIN;\n";
$copier->pump_nb;
# the rows only once the COPY runs, so that none waits in the pipe
$node->poll_query_until('postgres',
	"SELECT count(*) = 1 FROM pg_stat_activity
	  WHERE query LIKE 'COPY pss_c%' AND state = 'active'")
  or die 'the COPY never started';
foreach my $i (1 .. 6)
{
	usleep(250_000);
	$in .= "$i\n";
	$copier->pump_nb;
}
$in .= "\\.\n\\q\n";
$copier->finish or die "psql: $err";
is($node->safe_psql('postgres', 'SELECT count(*) FROM pss_c'),
	'6', 'the slow COPY loaded its rows');
$f = figures('COPY pss_c FROM STDIN');
ok($f->{total_exec_time} >= 1250,
	'the COPY took at least 1.25 s (its first row to its last)');
within($f->{wait_client_time}, $f->{total_exec_time},
	'a COPY FROM STDIN waiting for its client is in wait_client_time');
mostly_is(q{= 'COPY pss_c FROM STDIN'}, 'Client', 'pg_slow_statements_top: the COPY mostly waited for its Client');
event_is('COPY pss_c FROM STDIN', 'Client', 'ClientRead', 'wait_client_time',
	'pg_slow_statements_waits, COPY');

# A parallel query whose worker sleeps 1 s (the table's one page goes to
# one worker) while the leader only waits for it (IPC; parallel leader
# participation off): the worker's samples count in the leader's
# statement, so its Timeout time is there and the sampled time is about
# twice the elapsed (with no worker launched, the leader would sleep
# itself, and the sampled time would be the elapsed)
$node->safe_psql('postgres', q{
CREATE TABLE pss_par AS SELECT g FROM generate_series(1, 10) g;
ALTER TABLE pss_par SET (parallel_workers = 2);
ANALYZE pss_par});
$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
$node->safe_psql(
	'postgres', q{
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT count(pg_sleep(0.1)) FROM pss_par});
$f = figures('SELECT count(pg_sleep($1)) FROM pss_par');
my $sampled = 0;
$sampled += $f->{$_} foreach grep { $_ ne 'total_exec_time' } keys %$f;
ok( $f->{wait_timeout_time} >= 500 && $sampled >= 1.3 * $f->{total_exec_time},
	"a parallel query's workers' sleep counts in the leader's statement ($f->{wait_timeout_time} ms of Timeout in $f->{total_exec_time} ms, $sampled ms sampled)"
);

# Reads from disk: a table of 5,000 pages (one row each) read through an
# index in random order, after a restart (shared buffers empty) and once
# the kernel dropped its cached pages (dd's nocache flag: posix_fadvise
# DONTNEED over the whole file, clean pages after a checkpoint)
$node->safe_psql('postgres', 'CREATE TABLE pss_io (r int, pad text) WITH (fillfactor = 10)');
$node->safe_psql('postgres', q{
INSERT INTO pss_io
SELECT r, repeat('x', 600)
  FROM (SELECT row_number() OVER (ORDER BY random()) AS r
          FROM generate_series(1, 5000)) s});
$node->safe_psql('postgres', 'CREATE INDEX ON pss_io (r)');
$node->safe_psql('postgres', 'VACUUM ANALYZE pss_io');
$node->safe_psql('postgres', 'CHECKPOINT');
my $io_file = $node->data_dir . '/'
  . $node->safe_psql('postgres', "SELECT pg_relation_filepath('pss_io')");
$node->restart;
system('dd', "if=$io_file", 'iflag=nocache', 'count=0', 'status=none') == 0
  or die "dd could not drop the cached pages of $io_file";
$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
$node->safe_psql(
	'postgres', q{
SET track_io_timing = on;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SELECT sum(length(pad)) FROM pss_io WHERE r > 0});
my ($io_wait, $io_read, $io_blocks) = split /\|/,
  $node->safe_psql(
	'postgres', q{SELECT wait_io_time, blk_read_time, shared_blks_read
				   FROM pg_slow_statements
				  WHERE query LIKE 'SELECT sum(length(pad)) FROM pss_io%'});
cmp_ok($io_blocks, '>=', 5000, "the scan read its 5,000 pages ($io_blocks blocks)");
my ($io_event, $io_samples) = split /\|/,
  $node->safe_psql(
	'postgres', q{SELECT w.wait_event, w.samples
				   FROM pg_slow_statements s,
				        pg_slow_statements_waits(s.queryid) w
				  WHERE s.query LIKE 'SELECT sum(length(pad)) FROM pss_io%'
				    AND w.wait_event_type = 'IO'
				  ORDER BY w.samples DESC LIMIT 1});
ok($io_wait > 0 && ($io_samples // 0) > 0,
	"a disk read is in wait_io_time ($io_wait ms, mostly $io_event: $io_samples samples)");
SKIP:
{
	# a disk that answers 5,000 reads in under 0.2 s leaves too few samples
	skip "the reads took $io_read ms: too fast to compare", 1
	  if $io_read < 200;
	within($io_wait, $io_read,
		'wait_io_time estimates the block read time (track_io_timing)');
}

# Off on reload: nothing sampled; on again: sampled again
$node->append_conf('postgresql.conf', "pg_slow_statements.sample_interval = 0\n");
$node->reload;
$node->poll_query_until('postgres',
	"SELECT current_setting('pg_slow_statements.sample_interval') = '0'");
ok(sampler_took('= 0'), 'the sampler took sample_interval = 0');
$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
$node->safe_psql('postgres', 'SELECT pg_sleep(0.5)');
$f = figures('SELECT pg_sleep($1)');
is($f->{wait_timeout_time}, '0', 'sample_interval = 0: nothing sampled');

$node->append_conf('postgresql.conf', "pg_slow_statements.sample_interval = 5\n");
$node->reload;
$node->poll_query_until('postgres',
	"SELECT current_setting('pg_slow_statements.sample_interval') = '5ms'");
ok(sampler_took('> 0'), 'the sampler took sample_interval = 5ms');
$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
$node->safe_psql('postgres', 'SELECT pg_sleep(0.5)');
$f = figures('SELECT pg_sleep($1)');
within($f->{wait_timeout_time}, $f->{total_exec_time},
	'sample_interval back on reload: pg_sleep sampled again');

# Terminated, the sampler is started again by the postmaster
my $pid = $node->safe_psql('postgres', $sampler_sql);
$node->safe_psql('postgres', "SELECT pg_terminate_backend($pid)");
ok( $node->poll_query_until(
		'postgres',
		"SELECT count(*) = 1 FROM ($sampler_sql) s WHERE pid <> $pid"),
	'a terminated sampler is started again');
$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
$node->safe_psql('postgres', 'SELECT pg_sleep(0.5)');
$f = figures('SELECT pg_sleep($1)');
within($f->{wait_timeout_time}, $f->{total_exec_time},
	'the new sampler samples');

# A backend terminated in the middle of a 5 s sleep: the next statements,
# whichever slot they get, carry none of its samples
my $victim = $node->background_psql('postgres');
my $victim_pid = $victim->query_safe('SELECT pg_backend_pid()');
$victim->query_until(qr/^$/, "SELECT pg_sleep(5) AS victim;\n");
$node->poll_query_until('postgres',
	"SELECT count(*) = 1 FROM pg_stat_activity
	  WHERE pid = $victim_pid AND wait_event = 'PgSleep'")
  or die 'the victim never slept';
usleep(500_000);
$node->safe_psql('postgres', "SELECT pg_terminate_backend($victim_pid)");
$node->poll_query_until('postgres',
	"SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = $victim_pid")
  or die 'the victim did not exit';
eval { $victim->quit };
$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
$node->safe_psql('postgres', "SELECT pg_sleep(0.3)") foreach 1 .. 3;
$f = figures('SELECT pg_sleep($1)');
within($f->{wait_timeout_time}, $f->{total_exec_time},
	'after a backend was terminated mid-statement, new sleeps get their own time only');

$node->stop;

# max_connections = 1000: a slot for each, the sampler looks at all
my $big = PssNode::start('waits_big',
	conf => "pg_slow_statements.sample_interval = 10\nmax_connections = 1000\n");
$big->poll_query_until('postgres', "SELECT count(*) = 1 FROM ($sampler_sql) s")
  or die 'no sampler';
$big->safe_psql('postgres', 'SELECT pg_sleep(0.3)');
my ($big_total, $big_timeout) = split /\|/,
  $big->safe_psql(
	'postgres', q{SELECT total_exec_time, wait_timeout_time FROM pg_slow_statements
				   WHERE query = 'SELECT pg_sleep($1)'});
within($big_timeout, $big_total, 'max_connections = 1000: pg_sleep sampled');
$big->stop;
done_testing();
