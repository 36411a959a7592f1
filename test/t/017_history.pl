# test/t/017_history.pl
#
# Each statement's recent history (src/history.c), with intervals of 2 s
# and 4 of them kept: calls land in the interval they ran in, failures
# count apart, pg_slow_statements_recent() counts only its window, old
# intervals drop out while the entry stays, pg_slow_statements_top's trend
# shows the intervals, other users' rows hide their queryid and text, a
# reset clears the history with the entries, a restart keeps it unless
# the interval's length changed, and a log that wraps shows each statement
# its last intervals only, never another statement's.
#
# Timing: each batch of statements is sent at the start of a 2 s interval
# (the test waits for one) and takes a few milliseconds, so a loaded
# machine has nearly 2 s of margin before a batch could straddle two.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time usleep);

use PssNode;

my $node = PssNode::start('history',
	conf => "pg_slow_statements.history_interval = 2\n"
	  . "pg_slow_statements.history_size = 4\n");
$node->safe_psql('postgres', 'CREATE ROLE pss_other');

# next_interval: sleep until just after the next 2 s interval starts (the
# server's intervals count from 2000-01-01, an even number of seconds
# after the epoch)
sub next_interval
{
	my $now = time;
	my $next = (int($now / 2) + 1) * 2;
	usleep(int(($next - $now + 0.05) * 1_000_000));
	return;
}

# history(PATTERN): "calls|failed_calls" of each interval of the top-level
# entry whose text is like PATTERN, oldest first, one line each
sub history
{
	my ($pattern) = @_;
	return $node->safe_psql(
		'postgres', qq{
SELECT h.calls || '|' || h.failed_calls
  FROM pg_slow_statements s, pg_slow_statements_history(s.queryid) h
 WHERE s.query LIKE '$pattern' AND s.toplevel AND h.toplevel
 ORDER BY h.bucket_start});
}

$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
next_interval();
$node->safe_psql('postgres', join('', map { "SELECT 'a' AS batch;\n" } 1 .. 3));
$node->psql('postgres', 'SELECT 1 / 0');
next_interval();
$node->safe_psql('postgres', join('', map { "SELECT 'a' AS batch;\n" } 1 .. 2));
is(history('SELECT $1 AS batch'), "3|0\n2|0",
	'calls land in the interval they ran in (3, then 2)');
is( $node->safe_psql(
		'postgres', q{SELECT sum(h.failed_calls)
			FROM pg_slow_statements s, pg_slow_statements_history(s.queryid) h
			WHERE s.query = 'SELECT $1 / $2'}),
	'1', 'a failed execution counts as a failed call of its interval');
my ($b0, $b1) = split /\n/,
  $node->safe_psql(
	'postgres', q{
SELECT extract(epoch FROM h.bucket_start)
  FROM pg_slow_statements s, pg_slow_statements_history(s.queryid) h
 WHERE s.query = 'SELECT $1 AS batch' ORDER BY 1});
is($b1 - $b0, 2, 'the intervals start 2 s apart');

like(
	$node->safe_psql(
		'postgres', q{SELECT trend FROM pg_slow_statements_top t
			JOIN pg_slow_statements s USING (queryid)
			WHERE s.query = 'SELECT $1 AS batch'}),
	qr/\x{e2}\x{96}[\x{81}-\x{88}]\x{e2}\x{96}[\x{81}-\x{88}]$/,
	'pg_slow_statements_top: the trend shows the last two intervals as blocks');

# recent(): only the window.  'old' runs now, 'new' two intervals later.
$node->safe_psql('postgres', "SELECT 'old' AS recent_case");
next_interval();
next_interval();
$node->safe_psql('postgres', "SELECT 'new' AS recent_case; SELECT 'new' AS recent_case");
is( $node->safe_psql(
		'postgres', q{SELECT string_agg(calls || ' ' || query, ', ')
			FROM pg_slow_statements_recent('1 second')
			WHERE query LIKE '%recent_case'}),
	'2 SELECT $1 AS recent_case',
	'recent(1 second): only the current interval');
is( $node->safe_psql(
		'postgres', q{SELECT sum(calls) FROM pg_slow_statements_recent('1 minute')
			WHERE query LIKE '%recent_case'}),
	'3', 'recent(1 minute): every interval kept');
is( $node->safe_psql(
		'postgres', q{SELECT count(*) FROM pg_slow_statements_recent()
			WHERE rank = 1 AND pct_window_time > 0}),
	'1', 'recent(): ranked, with the share of the window');

# Windows out of range: refused, or taking every interval kept
my ($rc, $out, $err) = $node->psql('postgres',
	"SELECT count(*) FROM pg_slow_statements_recent('-1 day')");
like($err, qr/window must be an interval of days, hours, minutes or seconds, not negative/,
	'recent(): a negative window is refused');
($rc, $out, $err) = $node->psql('postgres',
	"SELECT count(*) FROM pg_slow_statements_recent('1 month')");
like($err, qr/window must be/, 'recent(): a window in months is refused');
is( $node->safe_psql(
		'postgres', q{SELECT sum(calls) FROM pg_slow_statements_recent('2147483647 days')
			WHERE query LIKE '%recent_case'}),
	'3', 'recent(): a window longer than timestamps go back takes every interval');

# Other users: no queryid, no text
$node->safe_psql('postgres', "SET ROLE pss_other; SELECT 'theirs' AS private_case");
is( $node->safe_psql(
		'postgres', q{
SET ROLE pss_other;
SELECT count(*) FILTER (WHERE queryid IS NULL) || '|' ||
       count(*) FILTER (WHERE query = '<insufficient privilege>')
  FROM pg_slow_statements_recent() r JOIN pg_roles u ON u.oid = r.userid
 WHERE u.rolname <> 'pss_other'}) =~ /^(\d+)\|\1$/ ? 'hidden' : 'shown',
	'hidden',
	"recent(): other users' rows show neither queryid nor text");
is( $node->safe_psql(
		'postgres', q{
SET ROLE pss_other;
SELECT count(*) FROM pg_slow_statements_history() h JOIN pg_roles u ON u.oid = h.userid
 WHERE u.rolname <> 'pss_other' AND h.queryid IS NOT NULL}),
	'0', "history(): other users' rows show no queryid");

# Old intervals drop out: 4 intervals of 2 s are kept
usleep(9_000_000);
is(history('SELECT $1 AS batch'), '',
	'intervals older than history_size are no longer shown');
is( $node->safe_psql(
		'postgres', q{SELECT calls FROM pg_slow_statements
			WHERE query = 'SELECT $1 AS batch'}),
	'5', '... while the entry keeps its counters');

$node->safe_psql('postgres', "SELECT 'again' AS reset_case");
$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
is($node->safe_psql('postgres', 'SELECT count(*) FROM pg_slow_statements_history()'),
	'1', 'a reset clears the history (the reset itself is the one row left)');

# Saved with the entry at a clean shutdown, loaded at start
$node->safe_psql('postgres', "SELECT 'kept' AS restart_case");
$node->restart;
is(history('SELECT $1 AS restart_case'), '1|0',
	'the history is saved and loaded with its entry');

# Another interval length at start: the saved history is dropped, not
# misread; the entry keeps its counters
$node->safe_psql('postgres', "SELECT 'kept' AS restart_case");
$node->append_conf('postgresql.conf', "pg_slow_statements.history_interval = 3\n");
$node->restart;
is(history('SELECT $1 AS restart_case'), '',
	'a history of another interval length is not loaded');
is( $node->safe_psql(
		'postgres', q{SELECT calls FROM pg_slow_statements
			WHERE query = 'SELECT $1 AS restart_case'}),
	'2', '... while its entry is');
ok(!$node->log_contains(qr/WARNING/), 'no WARNING about the saved file');

$node->stop;

# The log wraps: with max = 100 it holds 600 records (6 per entry), and 90
# statements each run in each of 10 intervals of 1 s take 900.  The
# oldest records are taken over by newer intervals of other entries: each
# statement's history then shows its last intervals only, each with its
# one call, never a record another statement took over.
my $wrap = PssNode::start('history_wrap',
	conf => "pg_slow_statements.history_interval = 1\n"
	  . "pg_slow_statements.max = 100\n");
$wrap->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
# 30 statements run once per interval, 30 twice and 30 three times: a
# record shown for the wrong statement would show the wrong count
my $batch = '';
foreach my $k (1 .. 3)
{
	$batch .= join('',
		map { ("SELECT 1 AS wrap${k}_" . chr(97 + $_ / 26) . chr(97 + $_ % 26) . ";\n") x $k }
		  0 .. 29);
}
foreach (1 .. 10)
{
	my $now = time;
	usleep(int((int($now) + 1 - $now + 0.05) * 1_000_000));
	$wrap->safe_psql('postgres', $batch);
}
is( $wrap->safe_psql(
		'postgres', q{
WITH h AS (
  SELECT s.queryid, substring(s.query from 'wrap(.)')::int AS runs,
         h.bucket_start, h.calls, h.failed_calls
    FROM pg_slow_statements s, pg_slow_statements_history(s.queryid) h
   WHERE s.query LIKE 'SELECT $1 AS wrap%' AND h.toplevel)
SELECT count(DISTINCT queryid), bool_and(calls = runs AND failed_calls = 0),
       min(n) >= 5 AND max(n) <= 7, count(*) <= 600
  FROM h JOIN (SELECT queryid, count(*) AS n FROM h GROUP BY queryid) c
       USING (queryid)}),
	'90|t|t|t',
	'a wrapped log: each statement shows 5 to 7 of its last intervals, each with its own calls');
is( $wrap->safe_psql(
		'postgres', q{
SELECT count(*) FROM (
  SELECT s.queryid, max(h.bucket_start) AS last
    FROM pg_slow_statements s, pg_slow_statements_history(s.queryid) h
   WHERE s.query LIKE 'SELECT $1 AS wrap%'
   GROUP BY s.queryid) l
 WHERE last = (SELECT max(bucket_start) FROM pg_slow_statements_history())}),
	'90', 'a wrapped log: every statement still has its newest interval');
$wrap->stop;

done_testing();
