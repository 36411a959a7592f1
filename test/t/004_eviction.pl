# test/t/004_eviction.pl
#
# With more distinct statements than pg_slow_statements.max, the least used
# entries are evicted and counted in dealloc, while a statement in constant
# use survives with exact counts.  Long texts are stored whole when the text
# memory allows; a text too large for it is dropped (the entry keeps its
# counters), counted in texts_dropped and logged, and nothing breaks.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use PssNode;

my $node = PssNode::start('eviction',
	conf => "pg_slow_statements.max = 100\n"
	  . "pg_slow_statements.text_memory = 4096\n");

# letters(n): n in base 26 with the letters a-z.  The statements differ in
# an identifier, since constants (and digits) may not change a fingerprint.
sub letters
{
	my ($n) = @_;
	my $s = '';
	do
	{
		$s = chr(ord('a') + $n % 26) . $s;
		$n = int($n / 26);
	} while ($n > 0);
	return $s;
}

# calls(text): calls of the entry of a statement text, 0 if there is none
sub calls
{
	my ($text) = @_;
	$text =~ s/'/''/g;
	return $node->safe_psql('postgres',
		"SELECT coalesce(sum(calls), 0) FROM pg_slow_statements
		  WHERE queryid = pg_slow_statements_fingerprint('$text')");
}

#---- 1000 distinct statements and a hot one through 100 entries ----

my @names = map { 'ev_' . letters($_) } 1 .. 1000;
my $hot = 'SELECT 1 AS hot';

is( $node->safe_psql(
		'postgres',
		"SELECT count(DISTINCT pg_slow_statements_fingerprint('SELECT 1 AS ' || n))
		   FROM unnest(ARRAY['"
		  . join("','", @names) . "']) n"),
	'1000',
	'precondition: the 1000 statements have 1000 distinct fingerprints');

$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
my $offset = -s $node->logfile;

# The hot statement runs after every second new statement: 500 times
my $sql = '';
foreach my $i (0 .. $#names)
{
	$sql .= "SELECT 1 AS $names[$i];\n";
	$sql .= "$hot;\n" if $i % 2 == 1;
}
$node->safe_psql('postgres', $sql);

my ($entries, $max_entries, $dealloc) = split /\|/,
  $node->safe_psql('postgres',
	'SELECT entries, max_entries, dealloc FROM pg_slow_statements_info');
is($max_entries, '100', 'max_entries shows pg_slow_statements.max');
cmp_ok($entries, '<=', 100, 'no more entries than pg_slow_statements.max');
cmp_ok($dealloc, '>=', 900, 'dealloc counts at least 900 evictions');
is( $node->safe_psql(
		'postgres',
		'SELECT count(*) <= 100 FROM pg_slow_statements'),
	't',
	'the view shows no more rows than pg_slow_statements.max');
# Each eviction takes the least used of 16 sampled entries.  The hot
# entry's usage stays far above the others' (it gains 1 per call and decays
# only when sampled), so it would be evicted only if all 16 samples were
# itself: it is never evicted in practice.
is(calls($hot), '500',
	'the hot statement survived eviction with exactly 500 calls');
ok(!$node->log_contains(qr/\b(ERROR|FATAL|PANIC)\b/, $offset),
	'no error in the server log during eviction');

#---- A 200 kB text is stored whole ----

# An array of column references (a list, not a recursive expression): no
# constants for the normalizer to replace, so the stored text is as long as
# the statement
my $n_long = 50_000;
my $long_sql =
  "SELECT cardinality(ARRAY[" . ('aa, ' x ($n_long - 1)) . "aa]) FROM (SELECT 1 AS aa) s";
my $long_sql_expr =
  "'SELECT cardinality(ARRAY[' || repeat('aa, ', "
  . ($n_long - 1)
  . ") || 'aa]) FROM (SELECT 1 AS aa) s'";
cmp_ok(length($long_sql), '>=', 200_000, 'the long statement is 200 kB');
is($node->safe_psql('postgres', $long_sql), $n_long, 'the long statement runs');
is( $node->safe_psql(
		'postgres', "
SELECT query = pg_slow_statements_normalize($long_sql_expr),
       length(query) >= 100000, calls
  FROM pg_slow_statements
 WHERE queryid = pg_slow_statements_fingerprint($long_sql_expr)"),
	't|t|1',
	'the 200 kB text is stored completely');

#---- A 1 MB text with 1 MB of text memory is dropped ----

$node->append_conf('postgresql.conf',
	"pg_slow_statements.text_memory = 1024\n");
$node->restart;
is($node->safe_psql('postgres', 'SELECT text_memory FROM pg_slow_statements_info'),
	1024 * 1024, 'text_memory is 1 MB after the restart');

my $n_huge = 250_000;
my $huge_sql =
  "SELECT cardinality(ARRAY[" . ('bb, ' x ($n_huge - 1)) . "bb]) FROM (SELECT 1 AS bb) s";
my $huge_sql_expr =
  "'SELECT cardinality(ARRAY[' || repeat('bb, ', "
  . ($n_huge - 1)
  . ") || 'bb]) FROM (SELECT 1 AS bb) s'";
my $dropped_before = $node->safe_psql('postgres',
	'SELECT texts_dropped FROM pg_slow_statements_info');
$offset = -s $node->logfile;
is($node->safe_psql('postgres', $huge_sql), $n_huge, 'the 1 MB statement runs');
is( $node->safe_psql(
		'postgres', "
SELECT query IS NULL, calls
  FROM pg_slow_statements
 WHERE queryid = pg_slow_statements_fingerprint($huge_sql_expr)"),
	't|1',
	'the 1 MB statement is counted, without text');
cmp_ok(
	$node->safe_psql(
		'postgres', 'SELECT texts_dropped FROM pg_slow_statements_info'),
	'>', $dropped_before,
	'texts_dropped increased');
ok( $node->log_contains(
		qr/LOG:  pg_slow_statements could not store a query text of (?:more than )?\d+ bytes/,
		$offset),
	'a LOG line reports the dropped text');
is($node->safe_psql('postgres', 'SELECT 1 AS still_alive'),
	'1', 'the server still answers after the dropped text');
ok(!$node->log_contains(qr/\b(PANIC|FATAL)\b|terminated by signal/, $offset),
	'no crash in the server log');

$node->stop;
done_testing();
