# test/t/012_orm_psycopg2.pl
#
# An Odoo-style workload through psycopg2 (test/orm_psycopg2.py): create()
# and write() on a model with 6 optional fields, with random subsets set to
# None and booleans flipping, the values interpolated on the client.  The
# application has one INSERT and one UPDATE per set of written fields, so
# pg_slow_statements must show exactly those entries, each with the number
# of calls the script made, whatever mix of NULL, true, false and values
# each call carried (issue 13).

use strict;
use warnings;

use JSON::PP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use PssNode;

# Debian's interpreter, where python3-psycopg2 installs the module
my $python = '/usr/bin/python3';
my $script = "$ENV{TESTDIR}/test/orm_psycopg2.py";

my $node = PssNode::start('orm', extension => 0);
$node->safe_psql(
	'postgres', q{
CREATE EXTENSION pg_slow_statements;
CREATE TABLE orm_partner (
    id serial PRIMARY KEY,
    name text NOT NULL,
    email text, phone text, comment text, ref text,
    active boolean, is_company boolean);
SELECT pg_slow_statements_reset();
});

# the workload, over the node's Unix socket
my ($out, $err);
my $ok = IPC::Run::run(
	[
		$python, $script, $node->host, $node->port,
		'postgres', '13', '120', '400'
	],
	'>', \$out, '2>', \$err,
	IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
ok($ok, 'the psycopg2 workload ran') or diag($err);
my $ran = decode_json($out);
my %updates = %{ $ran->{updates} };

is($ran->{insert}, 120, 'the script ran 120 create() calls');
cmp_ok(scalar(keys %updates), '>=', 20,
	'the writes cover at least 20 different sets of fields');

# the INSERT: one entry, every call counted
my @inserts = split /\n/, $node->safe_psql(
	'postgres', q{
SELECT calls || ' ' || query FROM pg_slow_statements
 WHERE query LIKE 'INSERT INTO "orm_partner"%'});
is(scalar(@inserts), 1, 'one entry for the INSERT of create()');
is( $inserts[0],
	'120 INSERT INTO "orm_partner" ("name", "email", "phone", "comment", '
	  . '"ref", "active", "is_company") VALUES ($1, $2, $3, $4, $5, $6, $7) '
	  . 'RETURNING "id"',
	'the INSERT has 120 calls and its values are $n');

# the UPDATEs: one entry per set of written fields, with its exact calls
my %seen;
foreach my $row (
	split /\n/,
	$node->safe_psql(
		'postgres', q{
SELECT calls || '|' || query FROM pg_slow_statements
 WHERE query LIKE 'UPDATE "orm_partner"%'}))
{
	my ($calls, $query) = split /\|/, $row, 2;
	my $shape = join(',', $query =~ /"(\w+)"=\$\d+/g);
	like($query, qr/^UPDATE "orm_partner" SET .* WHERE id IN \(\$\d+ \/\*, \.\.\. \*\/\)$/,
		"UPDATE of $shape: constants are \$n, the id list is collapsed");
	ok(!exists $seen{$shape}, "one entry for the UPDATE of $shape");
	$seen{$shape} = $calls;
}
is_deeply(\%seen, \%updates,
	'each set of written fields has one UPDATE entry with the calls the script made'
);

# nothing the client sent shows in the stored texts
is( $node->safe_psql(
		'postgres', q{
SELECT count(*) FROM pg_slow_statements
 WHERE query ~ '(partner|email|phone|comment|ref)-[0-9]|NULL|true|false'}),
	'0',
	'no value, NULL, true or false of the workload is in a stored text');

$node->stop;
done_testing();
