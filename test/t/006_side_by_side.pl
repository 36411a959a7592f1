# test/t/006_side_by_side.pl
#
# pg_slow_statements runs beside pg_stat_statements: both count the same
# statements, ours keyed by the text's fingerprint, theirs by the core's
# query id, which is then the id that pg_stat_activity shows.  Alone, with
# compute_query_id = auto, our fingerprint becomes the statement's query id
# in pg_stat_activity and EXPLAIN VERBOSE.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use PssNode;

#---- Beside pg_stat_statements ----

my $both = PssNode::start('both',
	preload => 'pg_stat_statements, pg_slow_statements');
$both->safe_psql('postgres', 'CREATE EXTENSION pg_stat_statements');

is($both->safe_psql('postgres', 'SHOW compute_query_id'),
	'auto', 'compute_query_id is auto');

my $stmt = 'SELECT count(*) FROM pg_class WHERE relname = current_user';
$both->safe_psql('postgres', join('', map { "$stmt;\n" } 1 .. 5));

my $ours = $both->safe_psql(
	'postgres', "
SELECT queryid, calls FROM pg_slow_statements
 WHERE queryid = pg_slow_statements_fingerprint('$stmt')");
my $theirs = $both->safe_psql(
	'postgres', "
SELECT queryid, calls FROM pg_stat_statements
 WHERE query = '$stmt'");
my ($our_id,   $our_calls)   = split /\|/, $ours;
my ($their_id, $their_calls) = split /\|/, $theirs;
is($our_calls,   '5', 'pg_slow_statements counts the statement 5 times');
is($their_calls, '5', 'pg_stat_statements counts the statement 5 times');
is( $our_id,
	$both->safe_psql('postgres',
		"SELECT pg_slow_statements_fingerprint('$stmt')"),
	'our queryid is the fingerprint of the text');
ok(defined $their_id && $their_id ne '' && $their_id ne $our_id,
	'our queryid differs from the core query id of pg_stat_statements');

# pg_stat_activity shows the core's id: compare the id this very statement
# sees with the ids both extensions record for it
my $self_sql =
  'SELECT query_id FROM pg_stat_activity WHERE pid = pg_backend_pid()';
my $activity_id = $both->safe_psql('postgres', $self_sql);
is( $both->safe_psql(
		'postgres', "SELECT queryid FROM pg_stat_statements WHERE query = '$self_sql'"),
	$activity_id,
	'pg_stat_activity.query_id is the core query id (pg_stat_statements)');
isnt(
	$both->safe_psql(
		'postgres', "SELECT queryid FROM pg_slow_statements
		              WHERE queryid = pg_slow_statements_fingerprint('$self_sql')"),
	$activity_id,
	'pg_stat_activity.query_id is not our fingerprint when the core computes ids'
);

my $explain = $both->safe_psql('postgres', "EXPLAIN (VERBOSE) $stmt");
my ($explain_id) = $explain =~ /Query Identifier: (-?\d+)/;
is($explain_id, $their_id,
	'EXPLAIN VERBOSE shows the core query id beside pg_stat_statements');

# Utility statements are counted too, in either order of the libraries
# (pg_stat_statements clears the core query id of the utility statements it
# tracks itself)
$both->safe_psql('postgres', 'CREATE TABLE side_t (a int); DROP TABLE side_t;');
is( $both->safe_psql(
		'postgres', "SELECT sum(calls) FROM pg_slow_statements
		              WHERE query IN ('CREATE TABLE side_t (a int)', 'DROP TABLE side_t')"),
	'2', 'utility statements are counted beside pg_stat_statements');
$both->stop;

my $reversed = PssNode::start('reversed',
	preload => 'pg_slow_statements, pg_stat_statements', extension => 0);
$reversed->safe_psql('postgres', "CREATE EXTENSION pg_slow_statements;\n"
	  . "CREATE TABLE side_t (a int);\n$stmt;\n$stmt;\nDROP TABLE side_t;\n");
is( $reversed->safe_psql(
		'postgres', "SELECT string_agg(calls || ' ' || query, ', ' ORDER BY query)
		              FROM pg_slow_statements
		             WHERE query LIKE 'CREATE TABLE side_t%' OR query LIKE 'DROP TABLE side_t%'
		                OR queryid = pg_slow_statements_fingerprint('$stmt')"),
	'1 CREATE TABLE side_t (a int), 1 DROP TABLE side_t, '
	  . '2 SELECT count(*) FROM pg_class WHERE relname = current_user',
	'listed before pg_stat_statements: statements and utility statements are counted');
$reversed->stop;

#---- Alone: our fingerprint is the query id ----

my $alone = PssNode::start('alone');
is($alone->safe_psql('postgres', 'SHOW compute_query_id'),
	'auto', 'alone: compute_query_id is auto');

# A statement that stays running until we let it go: another session holds
# the advisory lock it waits for
my $holder = $alone->background_psql('postgres');
$holder->query_safe('SELECT pg_advisory_lock(4242)');

my $waiter = $alone->background_psql('postgres');
my $wait_sql = 'SELECT pg_advisory_lock(4242) AS waited';
$waiter->query_until(qr/waiting/, "\\echo waiting\n$wait_sql;\n");
# pg_stat_activity shows the string psql sent, with its semicolon
$alone->poll_query_until('postgres',
	"SELECT count(*) = 1 FROM pg_stat_activity
	  WHERE query = '$wait_sql;' AND wait_event_type = 'Lock'")
  or die 'timed out waiting for the statement to block';
my $running_id = $alone->safe_psql('postgres',
	"SELECT query_id FROM pg_stat_activity WHERE query = '$wait_sql;'");

$holder->query_safe('SELECT pg_advisory_unlock(4242)');
$waiter->query_safe('SELECT pg_advisory_unlock(4242)');
$waiter->quit;
$holder->quit;

is( $alone->safe_psql(
		'postgres', "SELECT queryid FROM pg_slow_statements
		              WHERE queryid = pg_slow_statements_fingerprint('$wait_sql')"),
	$running_id,
	'alone: pg_stat_activity.query_id of a running statement is our queryid');
is($alone->safe_psql('postgres',
		"SELECT calls FROM pg_slow_statements WHERE queryid = $running_id"),
	'1', 'alone: the statement was counted once it finished');

my $alone_stmt = 'SELECT count(*) FROM pg_class WHERE relname = current_user';
$alone->safe_psql('postgres', join('', map { "$alone_stmt;\n" } 1 .. 5));
my $alone_explain =
  $alone->safe_psql('postgres', "EXPLAIN (VERBOSE) $alone_stmt");
my ($alone_explain_id) = $alone_explain =~ /Query Identifier: (-?\d+)/;
is( $alone->safe_psql(
		'postgres', "SELECT queryid FROM pg_slow_statements
		              WHERE queryid = pg_slow_statements_fingerprint('$alone_stmt')
		                AND calls = 5"),
	$alone_explain_id,
	'alone: EXPLAIN VERBOSE shows our queryid as the Query Identifier');
my $alone_self_id = $alone->safe_psql('postgres', $self_sql);
is( $alone->safe_psql(
		'postgres', "SELECT queryid FROM pg_slow_statements
		              WHERE queryid = pg_slow_statements_fingerprint('$self_sql')
		                AND query IS NOT NULL"),
	$alone_self_id,
	'alone: a statement sees our queryid as its own query_id');

$alone->stop;
done_testing();
