# test/t/040_secrets.pl
#
# The slow sample never keeps a secret:
#   - every statement that carries a credential as a constant (roles, users
#     and groups with PASSWORD, user mappings, servers, subscriptions), in
#     any letter case, with or without ENCRYPTED, inside a multi-statement
#     string, and run from a DO block or a function with track = all, is
#     kept with its normalized text: no column of the view shows the secret,
#     to a pg_monitor member or to a superuser;
#   - after a clean shutdown, the saved file's bytes hold none of them, and
#     neither does the view after the restart;
#   - with capture_constants = off, the sample of an ordinary statement is
#     its normalized text, and its plan has no constants and no costs;
#     with it on, the sample keeps them (so the test above can fail);
#   - with standard_conforming_strings = off (any user may set it), where
#     \' inside a plain '...' is a quote, the rest of the literal stays
#     inside the constant: none of it shows in query, slowest_query or
#     the saved file (issue 18).

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use PssNode;

my $node = PssNode::start(
	'secrets',
	conf => "pg_slow_statements.track = all\n" . "wal_level = logical\n",
	extension => 0);

$node->safe_psql('postgres', q{
CREATE EXTENSION pg_slow_statements;
CREATE ROLE mon LOGIN;
GRANT pg_monitor TO mon;
CREATE FOREIGN DATA WRAPPER dummy_fdw;
CREATE TABLE t (a int, b text);
INSERT INTO t SELECT i, 'b' || i FROM generate_series(1, 1000) i;
CREATE FUNCTION set_password(r text, p text) RETURNS void LANGUAGE plpgsql AS
  $$ BEGIN EXECUTE format('ALTER ROLE %I PASSWORD %L', r, p); END $$;
SELECT pg_slow_statements_reset();
});

# Each statement, sent on its own (safe_psql sends a string as one Query
# message, so the multi-statement strings stay whole); secret-N are the
# credentials that must never be shown or saved
my @statements = (
	q{CREATE ROLE r1 LOGIN PASSWORD 'secret-01'},
	q{ALTER ROLE r1 PASSWORD 'secret-02'},
	q{create user u2 with encrypted password 'secret-03'},
	q{AlTeR uSeR u2 WiTh EnCrYpTeD pAsSwOrD 'secret-04'},
	q{CREATE GROUP g3 WITH PASSWORD 'secret-05'},
	q{ALTER GROUP g3 RENAME TO g4; ALTER ROLE g4 PASSWORD 'secret-06'},
	q{CREATE SERVER s1 FOREIGN DATA WRAPPER dummy_fdw OPTIONS (host 'h', password 'secret-07')},
	q{ALTER SERVER s1 OPTIONS (SET password 'secret-08')},
	q{create user mapping for r1 server s1 options (user 'r1', password 'secret-09')},
	q{ALTER USER MAPPING FOR r1 SERVER s1 OPTIONS (SET password 'secret-10')},
	q{CREATE SUBSCRIPTION sub1 CONNECTION 'host=/nonexistent dbname=x password=secret-11' PUBLICATION p1 WITH (connect = false)},
	q{ALTER SUBSCRIPTION sub1 CONNECTION 'host=/nonexistent dbname=x password=secret-12'},
	q{SELECT 1; CREATE ROLE r5 PASSWORD 'secret-13'; SELECT 2},
	q{DO $$ BEGIN EXECUTE 'ALTER ROLE r5 PASSWORD ''secret-14'''; END $$},
	q{DO $body$ BEGIN EXECUTE format('ALTER ROLE r5 PASSWORD %L', 'secret-15'); END $body$},
	q{SELECT set_password('r1', current_setting('pss_test.secret'))},
);
# One Query message each (psql -c), so that a multi-statement string
# reaches the server whole.  The last one takes the secret from a setting,
# not from its own text: the function's ALTER ROLE must be kept normalized.
# (A custom setting, not application_name: the sources keep that, as
# pg_stat_activity shows it to every role.)
sub one_message
{
	my ($sql) = @_;
	return $node->safe_psql('postgres', '', extra_params => [ '-c', $sql ]);
}
one_message($_) for @statements[ 0 .. $#statements - 1 ];
{
	local $ENV{PGOPTIONS} = '-c pss_test.secret=secret-16';
	one_message($statements[-1]);
}
my @secrets = map { sprintf 'secret-%02d', $_ } 1 .. 16;

# With standard_conforming_strings off, as any user may set it: the words
# after a \' are inside the literal, and must be as hidden as the rest of
# it (a lexer that ended the string at the \' showed them as code).
# PostgreSQL 19 refuses the setting: there the case cannot arise.
my $scs_off_possible =
  $node->safe_psql('postgres', 'SHOW server_version_num') < 190000;
SKIP:
{
	skip 'PostgreSQL 19 rejects standard_conforming_strings = off', 1
	  unless $scs_off_possible;
{
	local $ENV{PGOPTIONS} =
	    '-c standard_conforming_strings=off -c escape_string_warning=off '
	  . '-c pg_slow_statements.capture_constants=off';
	one_message(q{alter role r1 with password 'x\'; LEAKSCS1 \''});
	one_message(
		q{select 'O\'BrienSCS' as name, '078-05-1120' as ssn, pg_sleep(0.02)});
}
my %scs_query = map { split /\|/ } split /\n/, $node->safe_psql('postgres', q{
SELECT query, slowest_query FROM pg_slow_statements
WHERE query ~ '^(alter role r1 with password|select \$1 as name)'});
is_deeply(
	\%scs_query,
	{
		'alter role r1 with password $1' => 'alter role r1 with password $1',
		'select $1 as name, $2 as ssn, pg_sleep($3)' =>
		  'select $1 as name, $2 as ssn, pg_sleep($3)'
	},
	'standard_conforming_strings off: query and slowest_query hold the '
	  . 'literals with \\\' whole');
}
push @secrets, 'LEAKSCS1', 'BrienSCS', '078-05' if $scs_off_possible;

# What each role reads: every column of every row, as text
sub view_text
{
	my ($user) = @_;
	return $node->safe_psql('postgres',
		'SELECT s::text FROM pg_slow_statements s ORDER BY queryid',
		extra_params => [ '-U', $user ]);
}

# The samples exist: the password statements were kept as slowest samples
# (SCRAM hashing makes each one take well over a millisecond)
my $kept = $node->safe_psql('postgres', q{
SELECT count(*) FROM pg_slow_statements
WHERE slowest_query ~* 'password \$[0-9]+' AND query ~* 'password'});
cmp_ok($kept, '>=', 4, "normalized samples of password statements are kept ($kept)");

for my $user ('mon', 'postgres')
{
	my $all = view_text($user);
	like($all, qr/ALTER ROLE r1 PASSWORD \$1/i,
		"$user reads the statements, normalized");
	my @found = grep { index($all, $_) >= 0 } @secrets;
	is("@found", '', "$user reads no secret in any column of the view");
}

# The utility statement that a function ran (track = all) is tracked, and
# kept normalized too
my $nested = $node->safe_psql('postgres', q{
SELECT count(*) FROM pg_slow_statements
WHERE NOT toplevel AND query ~* '^ALTER ROLE .* PASSWORD \$1'});
cmp_ok($nested, '>=', 1, 'statements run by functions and DO blocks are tracked');

# The saved file, after a clean shutdown, and the view after the restart
$node->stop('fast');
my $file = $node->data_dir . '/pg_stat/pg_slow_statements.stat';
ok(-f $file, 'the statistics were saved');
my $bytes = slurp_file($file);
like($bytes, qr/PASSWORD \$1/i, 'the saved file holds the normalized statements');
my @in_file = grep { index($bytes, $_) >= 0 } @secrets;
is("@in_file", '', 'the saved file holds no secret');
$node->start;
my @after = grep { index(view_text('postgres'), $_) >= 0 } @secrets;
is("@after", '', 'no secret after the restart');

# A file written by an earlier build (format version 2, whose samples kept
# utility constants) is not loaded
$node->stop('fast');
$bytes = slurp_file($file);
substr($bytes, 4, 4) = pack('L<', 2);
open(my $fh, '>:raw', $file) or die "could not write $file: $!";
print $fh $bytes;
close($fh);
$node->start;
is($node->safe_psql('postgres', 'SELECT count(*) FROM pg_slow_statements'),
	'0', 'a saved file of format version 2 is not loaded');
ok($node->log_contains(qr/written by another version/),
	'and the server says why');

#---- capture_constants ----

# with constants kept (the default), the sample and its plan have them
$node->safe_psql('postgres', q{
SELECT pg_slow_statements_reset();
SELECT count(*), pg_sleep(0.02) FROM t WHERE a < 424242 AND b <> 'value-kept';
});
my ($q, $p) = split /\|/, $node->safe_psql('postgres', q{
SELECT slowest_query, slowest_plan FROM pg_slow_statements
WHERE query LIKE 'SELECT count(*), pg_sleep%'});
like($q, qr/'value-kept'/, 'capture_constants on: the sample keeps its constants');
like($p, qr/424242/, 'capture_constants on: the plan shows them');
like($p, qr/cost=/, 'capture_constants on: the plan shows costs');

$node->safe_psql('postgres', q{
SELECT pg_slow_statements_reset();
SET pg_slow_statements.capture_constants = off;
SELECT count(*), pg_sleep(0.02) FROM t WHERE a < 424242 AND b <> 'value-hidden';
});
($q, $p) = split /\|/, $node->safe_psql('postgres', q{
SELECT slowest_query, slowest_plan FROM pg_slow_statements
WHERE query LIKE 'SELECT count(*), pg_sleep%'});
is($q, q{SELECT count(*), pg_sleep($1) FROM t WHERE a < $2 AND b <> $3},
	'capture_constants off: the sample is the normalized text');
unlike($p, qr/424242|value-hidden|0\.02/, 'capture_constants off: the plan has no constants');
unlike($p, qr/cost=/, 'capture_constants off: the plan has no costs');
like($p, qr/Seq Scan on t/, 'capture_constants off: the plan is kept');

# Only a superuser may turn it back on for a session
my ($ret, $out, $err) = $node->psql('postgres',
	'SET pg_slow_statements.capture_constants = on',
	extra_params => [ '-U', 'mon' ]);
like($err, qr/permission denied/, 'a monitoring role cannot change capture_constants');

$node->stop;
done_testing();
