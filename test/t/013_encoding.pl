# test/t/013_encoding.pl
#
# The fingerprint is computed over the statement's UTF-8 form, so that a
# statement with non-ASCII names has the same queryid in a LATIN1 database
# as in a UTF8 one (issue 13), through the hooks and through
# pg_slow_statements_fingerprint(); the stored text stays in the
# database's encoding.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use PssNode;

# the test sends UTF-8; each server converts it to its database's encoding
local $ENV{PGCLIENTENCODING} = 'UTF8';

my $node = PssNode::start('enc');
$node->safe_psql('postgres',
	"CREATE DATABASE lat ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"
);
$node->safe_psql('lat', 'CREATE EXTENSION pg_slow_statements');

my $stmt = 'select 3 as "café", \'naïve\' as x';
$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
$node->safe_psql($_, "$stmt;\n$stmt;") foreach ('postgres', 'lat');

my $fp_utf8 =
  $node->safe_psql('postgres', "SELECT pg_slow_statements_fingerprint(\$q\$$stmt\$q\$)");
my $fp_latin1 =
  $node->safe_psql('lat', "SELECT pg_slow_statements_fingerprint(\$q\$$stmt\$q\$)");
is($fp_latin1, $fp_utf8,
	'pg_slow_statements_fingerprint is the same in LATIN1 and UTF8 databases');

my $sql = q{
SELECT p.queryid || '|' || p.calls || '|' || p.query
  FROM pg_slow_statements p JOIN pg_database d ON d.oid = p.dbid
 WHERE d.datname = current_database() AND p.query LIKE 'select $1 as %'};
my ($id_utf8, $calls_utf8, $text_utf8) = split /\|/,
  $node->safe_psql('postgres', $sql);
my ($id_latin1, $calls_latin1, $text_latin1) = split /\|/,
  $node->safe_psql('lat', $sql);
is($calls_utf8,   '2', 'the statement is counted twice in the UTF8 database');
is($calls_latin1, '2', 'the statement is counted twice in the LATIN1 database');
is($id_utf8,   $fp_utf8, 'its queryid in the UTF8 database is the fingerprint');
is($id_latin1, $fp_utf8, 'its queryid in the LATIN1 database is the same');
is($text_latin1, 'select $1 as "café", $2 as x',
	'the stored text reads back right from the LATIN1 database');

# a failure is recorded, without allocating, under the same id
my $bad = 'select 1 / 0 as "café"';
$node->psql('lat', $bad);
is( $node->safe_psql(
		'lat', q{
SELECT failed_calls || '|' || (queryid = pg_slow_statements_fingerprint('select 1 / 0 as "café"'))
  FROM pg_slow_statements WHERE query LIKE 'select $1 / $2 as %'}),
	'1|true',
	'a failed statement in the LATIN1 database is counted under its UTF-8 fingerprint');
is( $node->safe_psql('postgres',
		"SELECT pg_slow_statements_fingerprint(\$q\$$bad\$q\$)"),
	$node->safe_psql('lat',
		"SELECT pg_slow_statements_fingerprint(\$q\$$bad\$q\$)"),
	'and that fingerprint is the one of the UTF8 database');

# ASCII texts and other statements are unaffected
is( $node->safe_psql('lat', "SELECT pg_slow_statements_fingerprint('SELECT 1')"),
	$node->safe_psql('postgres', "SELECT pg_slow_statements_fingerprint('SELECT 1')"),
	'an ASCII text has the same fingerprint in both databases');
isnt($fp_utf8,
	$node->safe_psql('postgres', "SELECT pg_slow_statements_fingerprint('select 3 as \"cafe\", 1 as x')"),
	'the non-ASCII name counts');

$node->stop;
done_testing();
