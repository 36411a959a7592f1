# test/t/013_encoding.pl
#
# The fingerprint is computed over the statement's UTF-8 form, so that a
# statement with non-ASCII names has the same queryid in a LATIN1 database
# as in a UTF8 one (issue 13), through the hooks and through
# pg_slow_statements_fingerprint(); the stored text stays in the
# database's encoding.  Read from a database of another encoding, an ASCII
# text is shown as it is, another converted or NULL, never an error, also
# from a SQL_ASCII database whose client expects UTF-8 (issue 18).

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Encode ();

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

# Texts stored by a database of another encoding (issue 18).  There is no
# conversion between EUC_JP and LATIN1, but ASCII is the same in every
# server encoding: an ASCII text reads back anywhere.
foreach my $db (['eucjp', 'EUC_JP'], ['sqlascii', 'SQL_ASCII'])
{
	$node->safe_psql('postgres',
		"CREATE DATABASE $db->[0] ENCODING '$db->[1]' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"
	);
	$node->safe_psql($db->[0], 'CREATE EXTENSION pg_slow_statements');
}
# the first execution of at least 1 ms is the slow sample, constants kept
$node->safe_psql('eucjp',
	"select pg_sleep(0.01), 'plain ascii' as eucjp_ascii");
$node->safe_psql('eucjp', 'select 1 as "ラーメン"');
my $from_eucjp = q{
SELECT coalesce(p.query, '<null>') || '|' || coalesce(p.slowest_query, '<null>')
  FROM pg_slow_statements p JOIN pg_database d ON d.oid = p.dbid
 WHERE d.datname = 'eucjp' AND p.queryid = %s};
# queryids, computed where the texts can be written
my $ascii_stmt = $node->safe_psql('eucjp',
	q{SELECT pg_slow_statements_fingerprint('select pg_sleep(0.01), ''plain ascii'' as eucjp_ascii')}
);
my $ramen_stmt = $node->safe_psql('eucjp',
	q{SELECT pg_slow_statements_fingerprint('select 1 as "ラーメン"')});
is( $node->safe_psql('lat', sprintf($from_eucjp, $ascii_stmt)),
	'select pg_sleep($1), $2 as eucjp_ascii|'
	  . q{select pg_sleep(0.01), 'plain ascii' as eucjp_ascii},
	'an ASCII text stored in EUC_JP reads back from LATIN1 (no conversion between them)');
is( $node->safe_psql('lat', sprintf($from_eucjp, $ramen_stmt)),
	'<null>|<null>',
	'a Japanese text stored in EUC_JP reads as NULL from LATIN1');

# A SQL_ASCII database checks what it sends against the client's encoding:
# a text of another encoding is converted to that one.
my ($ret, $out, $err) = $node->psql('sqlascii',
	sprintf($from_eucjp, $ramen_stmt));
is($ret, 0, 'the view reads from SQL_ASCII with client_encoding UTF8')
  or diag($err);
# (the slow sample is kept only if that first execution took 1 ms, which
# a loaded machine may make it take)
like($out, qr/^select \$1 as "ラーメン"\|(<null>|select 1 as "ラーメン")$/,
	'the EUC_JP text is shown in the client encoding, UTF8');
($ret, $out, $err) = $node->psql('sqlascii',
	'SELECT query, slowest_query, slowest_plan FROM pg_slow_statements');
is($ret, 0, 'the whole view reads from SQL_ASCII with client_encoding UTF8')
  or diag($err);
is( $node->safe_psql('sqlascii', sprintf($from_eucjp, $ascii_stmt)),
	'select pg_sleep($1), $2 as eucjp_ascii|'
	  . q{select pg_sleep(0.01), 'plain ascii' as eucjp_ascii},
	'and the ASCII one as it is');
# pg_slow_statements_top shortens texts to 100 characters: in a SQL_ASCII
# database, characters of the client's encoding
{
	my $long = 'select 1 as "' . ('ラーメン' x 30) . '"';
	$node->safe_psql('eucjp', $long);
	my $id = $node->safe_psql('eucjp',
		"SELECT pg_slow_statements_fingerprint('$long')");
	($ret, $out, $err) = $node->psql('sqlascii',
		"SELECT query FROM pg_slow_statements_top WHERE queryid = $id");
	is($ret, 0, 'pg_slow_statements_top reads from SQL_ASCII with client_encoding UTF8')
	  or diag($err);
	is($out, 'select $1 as "' . ('ラーメン' x 20) . 'ラーメ...',
		'and shortens the converted text by characters');
}

{
	# a client that takes any bytes gets the text as it was stored
	local $ENV{PGCLIENTENCODING} = 'SQL_ASCII';
	my $eucjp = Encode::encode('EUC-JP',
		Encode::decode('UTF-8', 'select $1 as "ラーメン"'));
	is( $node->safe_psql('sqlascii',
			"SELECT encode(convert_to(p.query, 'SQL_ASCII'), 'hex')"
			  . ' FROM pg_slow_statements p JOIN pg_database d ON d.oid = p.dbid'
			  . " WHERE d.datname = 'eucjp' AND p.queryid = $ramen_stmt"),
		unpack('H*', $eucjp),
		'a SQL_ASCII client reads the EUC_JP bytes from SQL_ASCII');
}

# A SQL_ASCII database's own texts are bytes of no known encoding: one not
# valid in the client's encoding is shown as NULL, and does not make the
# read fail, while one valid in it is shown
{
	local $ENV{PGCLIENTENCODING} = 'SQL_ASCII';
	$node->safe_psql('sqlascii', qq{select 1 as "own_invalid_\xff"});
	$node->safe_psql('sqlascii', qq{select 1 as "own_valid_caf\xc3\xa9"});
}
($ret, $out, $err) = $node->psql('sqlascii',
	q{SELECT string_agg(coalesce(query, '<null>'), ',' ORDER BY query NULLS LAST)
	    FROM pg_slow_statements p JOIN pg_database d ON d.oid = p.dbid
	   WHERE d.datname = 'sqlascii'
	     AND (query IS NULL OR query LIKE '%own\_%')});
is($ret, 0, "the view reads from SQL_ASCII with one of its texts invalid in UTF8")
  or diag($err);
like($out, qr/^select \$1 as "own_valid_café",<null>$/,
	'that text is NULL, a valid one shown');
($ret, $out, $err) = $node->psql('sqlascii',
	'SELECT count(*) FROM pg_slow_statements_top');
is($ret, 0, 'and so does pg_slow_statements_top') or diag($err);

$node->stop;
done_testing();
