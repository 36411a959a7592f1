# test/t/030_protocol_shapes.pl
#
# Figures under the extended protocol's less common shapes, driven message
# by message (test/perl/PssProto.pm): a portal whose execution fails inside
# a savepoint, a portal fetched in several Executes, a portal closed by
# COMMIT or by an SQL CLOSE, several Executes before one Sync (also through
# psycopg 3's pipeline mode).

use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use PssProto;
use Test::More;

use PssNode;

my $node = PssNode::start('protocol_shapes',
	conf => "pg_slow_statements.track = top\n");

my $c = PssProto->connect($node->host, $node->port, 'postgres');

# row_stat(where): "calls|rows|toplevel|xacts|max_calls_per_xact" of the rows
# matching where, one line per row
sub row_stat
{
	my ($where) = @_;
	return $node->safe_psql('postgres',
		    "SELECT calls, rows, toplevel, xacts, max_calls_per_xact"
		  . "  FROM pg_slow_statements WHERE $where"
		  . " ORDER BY toplevel");
}

# run_portal(sql, portal, rows): Parse sql as the unnamed statement, Bind
# it to portal, Execute it for rows rows (0: all), Sync; returns what the
# server sent back
sub run_portal
{
	my ($sql, $portal, $rows) = @_;
	$c->parse('', $sql);
	$c->bind($portal, '');
	$c->execute($portal, $rows);
	return $c->sync;
}

# 1. A portal fails inside a savepoint after a first suspended Execute: it
# is marked failed, its ExecutorEnd never runs.  Twenty times, then other
# statements in the same session: none may be accounted with a leftover
# measurement.
$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
my @errors;
for my $round (1 .. 20)
{
	$c->query('BEGIN');
	run_portal('SELECT 1/(x-3) AS leaked FROM generate_series(1,5) x', 'p', 1);
	$c->query('SAVEPOINT s');
	$c->execute('p', 0);
	push @errors, PssProto->errors($c->sync);
	$c->query('ROLLBACK TO s');
	$c->query('COMMIT');
	# statements that reuse the memory of the failed portal's executor:
	# the same portal again, not tracked (track = none), so that only a
	# leftover slot could account it
	$c->query('SET pg_slow_statements.track = none');
	$c->query('BEGIN');
	run_portal(
		'SELECT 1/(x-3) AS untracked FROM generate_series(1,5) x',
		'p', 1);
	$c->query('COMMIT');
	$c->query('RESET pg_slow_statements.track');
	$c->query('EXPLAIN SELECT 1 AS explained');
	run_portal('SELECT count(*) AS after_leak FROM pg_class', '', 0);
	$c->query("SELECT count(*) AS simple_after_leak FROM pg_attribute");
	$c->query("DO \$\$BEGIN PERFORM count(*) FROM pg_type; END\$\$");
}
is(scalar(grep { /division by zero/ } @errors), 20,
	'the portal failed in each of the 20 rounds');
is( $node->safe_psql(
		'postgres', q{
SELECT count(*) FROM pg_slow_statements
 WHERE total_exec_time < 0 OR min_exec_time < 0 OR shared_blks_hit < 0
    OR rows < 0 OR failed_exec_time < 0}),
	'0',
	'no statement is accounted with a leaked slot (negative figures)');
is( $node->safe_psql(
		'postgres', 'SELECT count(*) FROM pg_slow_statements WHERE NOT toplevel'),
	'0',
	'no nested row appears under track = top');
is( $node->safe_psql(
		'postgres',
		q{SELECT count(*) FROM pg_slow_statements WHERE query LIKE '%AS untracked%'}),
	'0',
	'an execution started under track = none is not accounted');
is(row_stat(q{query LIKE '%AS leaked%'}), '0|0|t|0|0',
	'the failed portal counts no successful call');
is( $node->safe_psql(
		'postgres',
		q{SELECT failed_calls FROM pg_slow_statements WHERE query LIKE '%AS leaked%'}),
	'20',
	'each failure of the portal is counted once');

# 2. A portal of 100 rows fetched 40 + 40 + 20
$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
$c->query('BEGIN');
$c->parse('', 'SELECT x AS fetched_in_parts FROM generate_series(1,100) x');
$c->bind('f', '');
my $fetched = 0;
for (1 .. 3)
{
	$c->execute('f', 40);
	$fetched += PssProto->rows($c->sync);
}
$c->query('COMMIT');
is($fetched, 100, 'the portal returned its 100 rows in three Executes');
is(row_stat(q{query LIKE '%fetched_in_parts%'}), '1|100|t|1|1',
	'rows sums every Execute of a portal');

# 3. The same portal closed by COMMIT, then by an SQL CLOSE: top level
# both times, decided when it started
$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
for my $close ('COMMIT', 'CLOSE c; COMMIT')
{
	$c->query('BEGIN');
	run_portal(
		'SELECT x AS closed_somehow FROM generate_series(1,10) x',
		'c', 2);
	$c->query($close);
}
is(row_stat(q{query LIKE '%closed_somehow%'}), '2|4|t|2|1',
	'a portal is top level however it is closed');

# 6. Five Executes before one Sync share one implicit transaction
$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
$c->parse('n1', 'SELECT 1 AS batched');
for (1 .. 5)
{
	$c->bind('', 'n1');
	$c->execute('', 0);
}
$c->sync;
is(row_stat(q{query LIKE '%AS batched%'}), '5|5|t|1|5',
	'Executes before one Sync count as one transaction');
# and one Sync per Execute: five transactions
$c->parse('n2', 'SELECT 1 AS synced');
for (1 .. 5)
{
	$c->bind('', 'n2');
	$c->execute('', 0);
	$c->sync;
}
is(row_stat(q{query LIKE '%AS synced%'}), '5|5|t|5|1',
	'one Sync per Execute: one transaction each');

# the same through psycopg 3's pipeline mode
my $py = <<'PY';
import sys
import psycopg
with psycopg.connect(host=sys.argv[1], port=sys.argv[2], dbname="postgres",
                     autocommit=True) as conn:
    with conn.pipeline():
        for i in range(4):
            conn.execute("SELECT %s::int AS pipelined", (i,))
PY
my ($out, $err);
my $ok = IPC::Run::run([ 'python3', '-c', $py, $node->host, $node->port ],
	'>', \$out, '2>', \$err);
ok($ok, 'psycopg pipeline ran') or diag($err);
is(row_stat(q{query LIKE '%AS pipelined%'}), '4|4|t|1|4',
	'a psycopg pipeline is one transaction');

# 7. A suspended top-level portal dropped by its transaction's abort, or by
# the rollback of the savepoint it was made in, did not complete: a failure,
# SQLSTATE 40000 (a top-level execution's slot is released at the abort,
# without a memory context callback)
$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
$c->query('BEGIN');
run_portal(
	'SELECT x AS dropped_by_abort FROM generate_series(1,10) x',
	'd', 2);
$c->query('ROLLBACK');
$c->query('BEGIN');
$c->query('SAVEPOINT s');
run_portal(
	'SELECT x AS dropped_by_rollback_to FROM generate_series(1,10) x',
	'd', 2);
$c->query('ROLLBACK TO s');
$c->query('COMMIT');
is( $node->safe_psql(
		'postgres', q{
SELECT string_agg(calls || '|' || failed_calls || '|' || last_error, ',' ORDER BY query)
  FROM pg_slow_statements WHERE query LIKE '%AS dropped_by_%'}),
	'0|1|40000,0|1|40000',
	'a suspended portal dropped by ROLLBACK or ROLLBACK TO counts as failed');

# 8. A top-level execution that fails while errors are not logged
# (log_min_messages = fatal: pss_emit_log does not see the error) is still
# counted, as a rollback (40000), and the next statements are top level
$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
$c->query('SET log_min_messages = fatal');
my @unlogged = PssProto->errors(run_portal(
	'SELECT 1/(x-3) AS unlogged_failure FROM generate_series(1,5) x',
	'', 0));
$c->query('RESET log_min_messages');
$c->query('SELECT 1 AS after_unlogged');
is(scalar(grep { /division by zero/ } @unlogged), 1,
	'the unlogged statement failed');
is( $node->safe_psql(
		'postgres', q{
SELECT calls || '|' || failed_calls || '|' || last_error
  FROM pg_slow_statements WHERE query LIKE '%AS unlogged_failure%'}),
	'0|1|40000',
	'an unlogged failure is counted, as a rollback');
is(row_stat(q{query LIKE '%AS after_unlogged%'}), '1|1|t|1|1',
	'the statement after it is top level');

# 9. Statements whose implicit commit has work to do (a DECLARE ... WITH
# HOLD, an INSERT with a deferred foreign key), several before one Sync:
# each is accounted, the last at the commit, the others as the next takes
# its place
$node->safe_psql('postgres', q{
CREATE TABLE pss_dparent (a int PRIMARY KEY);
INSERT INTO pss_dparent VALUES (1);
CREATE TABLE pss_dchild (a int REFERENCES pss_dparent
                         DEFERRABLE INITIALLY DEFERRED);
SELECT pg_slow_statements_reset();
});
for my $sql ('DECLARE pss_hc1 CURSOR WITH HOLD FOR SELECT 1 AS held_first',
	'DECLARE pss_hc2 CURSOR WITH HOLD FOR SELECT 1 AS held_second',
	'INSERT INTO pss_dchild VALUES (1)',
	'DECLARE pss_hc3 CURSOR WITH HOLD FOR SELECT 1 AS held_third')
{
	$c->parse('', $sql);
	$c->bind('', '');
	$c->execute('', 0);
}
my @held = PssProto->errors($c->sync);
is("@held", '', 'four deferred statements before one Sync succeed');
is( $node->safe_psql(
		'postgres', q{
SELECT string_agg(calls || '|' || failed_calls, ',' ORDER BY query)
  FROM pg_slow_statements
 WHERE query LIKE '%AS held_%' OR query LIKE 'INSERT INTO pss_dchild%'}),
	'1|0,1|0,1|0,1|0',
	'each deferred statement before one Sync is one call');
$c->query('CLOSE ALL');

$c->disconnect;
$node->stop;
done_testing();
