# test/t/042_hardening.pl
#
# Hostile input against the capture path, which any role can reach:
#   - a statement whose normalized text passes the 1 GB allocation limit
#     (a function body of 54 million constants numbered after a huge
#     parameter), sent by a role with no grant: the server survives (it
#     crashed in pfree(NULL)), the sample is the first slowest_text_max
#     bytes of the normalized text, and the text, too long, is dropped;
#   - a small slowest_text_max cuts samples at a character boundary;
#   - a statement_timeout firing during a capture fails no command.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

use PssNode;

my $node = PssNode::start('hardening',
	conf => "pg_slow_statements.track_utility = on\n");

$node->safe_psql('postgres', q{
CREATE ROLE pss_nobody LOGIN;
});

# A role with no grant: TEMP, which PUBLIC has, is enough to create a
# function whose body is never checked.  Each ",1" of the body becomes
# ",$9000000000000000001" and up (21 bytes; the $1 before the huge $n
# leaves no room for our numbers below it): the normalized text passes
# 1 GB.
{
	my $t0 = time;
	my $body = ' select $1,$9000000000000000000' . (',1' x 54_000_000) . ' ';
	my $sql = "set check_function_bodies = off;\n"
	  . "create function pg_temp.big_f() returns void language sql as \$f\$"
	  . $body . "\$f\$;\n";
	undef $body;
	my ($ret, $out, $err) = $node->psql('postgres', $sql,
		extra_params => [ '-U', 'pss_nobody' ]);
	note sprintf("huge statement: %.1f s", time - $t0);
	is($ret, 0, 'a statement normalized past 1 GB succeeds')
	  or diag $err;
	is($node->safe_psql('postgres', 'SELECT 1'), '1',
		'the server survives it');
	my $log = slurp_file($node->logfile);
	unlike($log, qr/terminated by signal/, 'no backend crashed');
	is( $node->safe_psql(
			'postgres', q{
SELECT query IS NULL, length(slowest_query) <= 8192,
       slowest_query LIKE 'create function pg_temp.big_f() returns void language sql as $f$ select $1,$9000000000000000000,$9000000000000000001,%'
FROM pg_slow_statements WHERE slowest_query LIKE 'create function pg_temp.big_f%'}),
		't|t|t',
		'its sample is the first slowest_text_max bytes of its normalized text; its text, too long, is dropped'
	);
}

# The same cut, through a small slowest_text_max: at a character boundary
# (each é is two bytes), and for a statement kept with its constants too.
{
	$node->safe_psql('postgres', q{
ALTER SYSTEM SET pg_slow_statements.slowest_text_max = 101;
SELECT pg_reload_conf();
SELECT pg_slow_statements_reset();
});
	my $e = 'é' x 100;
	$node->safe_psql('postgres', qq{
set check_function_bodies = off;
create function pg_temp.small_f() returns text language sql as \$f\$ select 1 as $e \$f\$;
select pg_sleep(0.002), 'x$e' as x;
});
	is( $node->safe_psql(
			'postgres', q{
SELECT octet_length(slowest_query) || ' ' || right(slowest_query, 16)
FROM pg_slow_statements WHERE query LIKE 'create function pg_temp.small_f%'}),
		'100 $1 as éééééééééé',
		'a normalized sample is cut to slowest_text_max bytes, at a character boundary');
	is( $node->safe_psql(
			'postgres', q{
SELECT octet_length(slowest_query) || ' ' || right(slowest_query, 2)
FROM pg_slow_statements WHERE query LIKE 'select pg_sleep%'}),
		'100 éé',
		'a sample with constants is cut there too');
}

# A statement_timeout that fires while a completed statement's sample is
# captured (interrupts held) is withdrawn: neither the statement nor the
# client's next command fails.  test_capture_wait makes the capture wait
# for the timeout, so that it fires there whatever the machine's speed.
{
	$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
	my ($ret, $out, $err) = $node->psql(
		'postgres', q{
SET pg_slow_statements.test_capture_wait = on;
SET statement_timeout = '1s';
SELECT pg_sleep(0.01), 'captured under a timeout';
SELECT 42;
});
	is($err, '', 'no command fails for a timeout that fired during a capture');
	like($out, qr/^42$/m, 'the next command runs');
	is( $node->safe_psql(
			'postgres', q{
SELECT calls || ' ' || failed_calls || ' ' || (slowest_query IS NOT NULL)
FROM pg_slow_statements WHERE query LIKE 'SELECT pg_sleep%'}),
		'1 0 true',
		'the statement counts as a success, with its sample');
}

done_testing();
