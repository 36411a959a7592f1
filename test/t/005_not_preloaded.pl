# test/t/005_not_preloaded.pl
#
# Without shared_preload_libraries the extension can be created, the
# functions that need shared memory fail with an error that tells the user
# to preload the library, the pure functions work, and the server stays up.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use PssNode;

my $node = PssNode::start('not_preloaded', preload => '');

my ($ret, $stdout, $stderr) =
  $node->psql('postgres', 'CREATE EXTENSION pg_slow_statements');
is($ret, 0, 'CREATE EXTENSION works without shared_preload_libraries');
is($stderr, '', 'CREATE EXTENSION reports nothing on stderr');

foreach my $case (
	[ 'the pg_slow_statements view', 'SELECT * FROM pg_slow_statements' ],
	[
		'the pg_slow_statements function without texts',
		'SELECT count(*) FROM pg_slow_statements(false)'
	],
	[
		'the pg_slow_statements_info view',
		'SELECT * FROM pg_slow_statements_info'
	],
	[ 'pg_slow_statements_reset()', 'SELECT pg_slow_statements_reset()' ])
{
	my ($what, $sql) = @$case;
	($ret, $stdout, $stderr) = $node->psql('postgres', $sql);
	isnt($ret, 0, "$what fails when the library is not preloaded");
	like(
		$stderr,
		qr/ERROR:  pg_slow_statements must be loaded via "shared_preload_libraries"/,
		"$what: the error tells to use shared_preload_libraries");
}

# The error has the SQLSTATE of pg_stat_statements' equivalent
($ret, $stdout, $stderr) = $node->psql(
	'postgres',
	q{DO $$
BEGIN
  PERFORM * FROM pg_slow_statements;
EXCEPTION WHEN object_not_in_prerequisite_state THEN
  RAISE NOTICE 'caught %', SQLSTATE;
END $$});
like($stderr, qr/NOTICE:  caught 55000/,
	'the error is object_not_in_prerequisite_state (55000)');

# Pure functions need no shared memory
like($node->safe_psql('postgres', q{SELECT pg_slow_statements_fingerprint('select 1')}),
	qr/^-?[0-9]+$/, 'pg_slow_statements_fingerprint works without preloading');
is( $node->safe_psql(
		'postgres',
		q{SELECT pg_slow_statements_fingerprint('select 1') =
		         pg_slow_statements_fingerprint('select 1')}),
	't',
	'pg_slow_statements_fingerprint is deterministic');
isnt($node->safe_psql('postgres', q{SELECT pg_slow_statements_fingerprint('select 1')}),
	'0', 'the fingerprint is never 0');
ok( defined $node->safe_psql(
		'postgres', q{SELECT pg_slow_statements_normalize('select 1')}),
	'pg_slow_statements_normalize works without preloading');

# Nothing is tracked, and nothing breaks, when not preloaded
is($node->safe_psql('postgres', 'SELECT 1 AS still_alive'),
	'1', 'the server is still up after the errors');
ok(!$node->log_contains(qr/PANIC|FATAL|terminated by signal/),
	'no crash in the server log');

$node->stop;
done_testing();
