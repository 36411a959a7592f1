# test/t/008_hostile_texts.pl
#
# Hostile statement texts, through the server and through
# pg_slow_statements_fingerprint and pg_slow_statements_normalize: 10 MB
# statements, a 100,000-element IN list, parentheses nested beyond the
# parser's limits, every string and comment form unterminated, invalid
# escapes, multibyte text in a UTF8 and in a LATIN1 database, and random
# NUL-free bytes.  The server may reject a statement, but never crashes (the
# same postmaster throughout, no backend killed), and the functions always
# return.
#
# Size: each of seventeen patterns, 1 MB and 8 MB of it, goes through the
# SQL functions, which must return; their times are printed, not asserted
# (a loaded machine can stretch any run).  That the work is linear in the
# size is checked without a clock by the unit tests (test_big in
# test/unit/test_fingerprint.c counts the lexer's steps), over the same
# patterns.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use PssNode;

my $node = PssNode::start('hostile',
	conf => "pg_slow_statements.text_memory = 65536\n");
$node->safe_psql('postgres',
	"CREATE DATABASE latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C'
	 TEMPLATE template0");
$node->safe_psql('latin1', 'CREATE EXTENSION pg_slow_statements');

my $start_time =
  $node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()');
my $log_offset = -s $node->logfile;
my $server_statements = 0;
my $function_calls = 0;

# run(db, sql, env...): run a statement through psql, success or error
# alike; returns psql's exit code (0 ok, 1 or 3 error, 2 connection lost)
sub run
{
	my ($db, $sql, %extra) = @_;
	$server_statements++;
	my ($out, $err);
	my $rc = $node->psql($db, $sql, stdout => \$out, stderr => \$err,
		%extra);
	return ($rc, $out, $err);
}

# funcs_ok(db, expr, name): fingerprint and normalize of a text expression
# both return (normalize a non-NULL text)
sub funcs_ok
{
	my ($db, $expr, $name) = @_;
	$function_calls += 2;
	my ($rc, $out, $err) = run($db,
		"SELECT pg_slow_statements_fingerprint(t) <> 0,
				pg_slow_statements_normalize(t) IS NOT NULL
		   FROM (SELECT $expr AS t) s");
	is("$rc|$out", '0|t|t', "functions return on $name") or diag($err);
	return;
}

# alive(name): the server still answers
sub alive
{
	my ($name) = @_;
	is($node->safe_psql('postgres', 'SELECT 1'), '1',
		"server answers after $name");
	return;
}

#---- 10 MB statements ----

my $mb10 = 10 * 1024 * 1024;
{
	my ($rc, $out) =
	  run('postgres', "SELECT 1 AS big_comment /* " . ('x' x $mb10) . " */");
	is("$rc|$out", '0|1', 'a statement with a 10 MB comment runs');
	($rc, $out) = run('postgres',
		"SELECT length('" . ('y' x $mb10) . "') AS big_literal");
	is("$rc|$out", "0|$mb10", 'a statement with a 10 MB literal runs');
	is( $node->safe_psql(
			'postgres',
			"SELECT query, calls FROM pg_slow_statements
			  WHERE query LIKE 'SELECT length(%) AS big_literal'"),
		'SELECT length($1) AS big_literal|1',
		'the 10 MB literal is counted, normalized to $1');
	($rc, $out) = run('postgres',
		"SELECT 1 AS big_unterminated /* " . ('z' x $mb10));
	isnt($rc, 0, 'a 10 MB unterminated comment is an error');
	alive('10 MB statements');
}
funcs_ok('postgres', "'SELECT 1 /* ' || repeat('x', $mb10) || ' */'",
	'a 10 MB comment');
funcs_ok('postgres', "'SELECT ''' || repeat('x', $mb10) || ''''",
	'a 10 MB literal');
funcs_ok('postgres', "'SELECT 1 /* ' || repeat('x', $mb10)",
	'a 10 MB unterminated comment');

#---- 100,000-element IN list ----

{
	my $list = join(', ', 1 .. 100_000);
	my ($rc, $out) = run('postgres',
		"SELECT count(*) AS in_list FROM generate_series(1, 10) g
		  WHERE g IN ($list)");
	is("$rc|$out", '0|10', 'a 100,000-element IN list runs');
	is( $node->safe_psql(
			'postgres',
			"SELECT query FROM pg_slow_statements
			  WHERE query LIKE 'SELECT count(*) AS in_list%'"),
		"SELECT count(*) AS in_list FROM generate_series(\$1, \$2) g\n"
		  . "\t\t  WHERE g IN (\$3 /*, ... */)",
		'the 100,000-element IN list is stored collapsed');
}
funcs_ok('postgres',
	"'SELECT 1 WHERE a IN (' || repeat('1, ', 100000) || '1)'",
	'a 100,000-element IN list');

#---- Deep nesting ----

foreach my $depth (1000, 100_000)
{
	my ($rc, $out, $err) = run('postgres',
		"SELECT " . ('(' x $depth) . '1' . (')' x $depth) . " AS deep");
	if ($depth == 1000)
	{
		is("$rc|$out", '0|1', 'parentheses nested 1000 deep run');
	}
	else
	{
		ok($rc == 1 || $rc == 3,
			"parentheses nested $depth deep: a clean error ($err)");
	}
	funcs_ok('postgres',
		"'SELECT ' || repeat('(', $depth) || '1' || repeat(')', $depth)",
		"parentheses nested $depth deep");
}
{
	# nested array brackets and unbalanced closers
	my ($rc) = run('postgres',
		'SELECT ARRAY' . ('[' x 10_000) . '1' . (']' x 10_000));
	funcs_ok('postgres', "'SELECT ' || repeat(')', 100000) || repeat(']', 100000)",
		'100,000 unbalanced closing brackets');
	funcs_ok('postgres', "repeat('/*', 100000)",
		'comments nested 100,000 deep, unterminated');
	alive('deep nesting');
}

#---- Unterminated strings and comments, invalid escapes ----

my @unterminated = (
	q{SELECT 'abc}, q{SELECT E'abc\\}, q{SELECT E'abc\\'}, q{SELECT N'abc},
	q{SELECT B'0101}, q{SELECT X'ab}, q{SELECT U&'abc},
	q{SELECT U&'abc' UESCAPE '}, q{SELECT "abc}, q{SELECT U&"abc},
	q{SELECT $$abc}, q{SELECT $tag$abc$ta}, q{SELECT $tag$abc$TAG$},
	q{SELECT 1 /* abc}, q{SELECT 1 /* a /* b */}, q{SELECT 'a'
'b}, q{SELECT 'a' -- c
'b}, q{SELECT 1 --}, q{SELECT $}, q{SELECT $1$}, q{SELECT 'a''},
	q{SELECT E'\\x'}, q{SELECT E'\\u12'}, q{SELECT E'\\U0000'},
	q{SELECT E'\\400'}, q{SELECT E'\\uD800'}, q{SELECT U&'\\D800'},
	q{SELECT U&'\\12'}, q{SELECT U&'x' UESCAPE 'ab'},
	q{SELECT U&'x' UESCAPE '+'}, q{SELECT E'\\'}, q{SELECT B'012'},
	q{SELECT X'G'}, q{SELECT 1e}, q{SELECT 1.2.3}, q{SELECT 0x}, q{SELECT 1_000},
	q{SELECT $1a}, q{SELECT 1abc}, q{SELECT "" AS x}, q{SELECT 'a' 'b'},
	q{SELECT -}, q{SELECT 1 -}, q{SELECT --1}, q{SELECT /*/},
	q{SELECT */}, q{SELECT ::}, q{SELECT :=}, q{SELECT \\},
	q{SELECT 'foo' ''});
{
	my $errors = 0;
	foreach my $sql (@unterminated)
	{
		my ($rc) = run('postgres', $sql);
		$errors++ if $rc != 0;
		die "connection lost on: $sql" if $rc == 2;
	}
	cmp_ok($errors, '>', 30,
		scalar(@unterminated)
		  . " malformed statements sent, $errors rejected cleanly");
	alive('malformed statements');
	my $all_ok = 1;
	foreach my $sql (@unterminated)
	{
		my $q = $sql =~ s/'/''/gr;
		$function_calls += 2;
		my ($rc, $out) = run('postgres',
			"SELECT pg_slow_statements_fingerprint('$q') <> 0,
					pg_slow_statements_normalize('$q') IS NOT NULL");
		$all_ok = 0, diag("functions failed on: $sql") if "$rc|$out" ne '0|t|t';
	}
	ok($all_ok, 'the functions return on every malformed statement');
}

#---- Multibyte text ----

{
	my ($rc, $out) = run('postgres',
		"SELECT '日本語' AS \"列\", 'é' || 'ü' AS café");
	is("$rc|$out", '0|日本語|éü', 'UTF8: multibyte literals and identifiers run');
	is( $node->safe_psql(
			'postgres',
			"SELECT query FROM pg_slow_statements WHERE query LIKE '%AS café'"),
		'SELECT $1 AS "列", $2 || $3 AS café',
		'UTF8: stored normalized, multibyte identifiers kept');
	is( $node->safe_psql(
			'postgres',
			"SELECT pg_slow_statements_fingerprint('SELECT 1 AS café')
				  = pg_slow_statements_fingerprint('SELECT 2 AS CAFé')"),
		't',
		'UTF8: ASCII letters fold, multibyte bytes are kept');
	funcs_ok('postgres', "repeat('日本語 ', 100000)", 'UTF8: 900 kB of CJK');
	funcs_ok('postgres', "'SELECT ''' || repeat('é', 100000)",
		'UTF8: unterminated literal of 2-byte characters');
}
{
	# LATIN1: é is the single byte 0xE9
	my $latin = "SELECT 'caf\xe9' AS caf\xe9, 'na\xefve' AS \"\xfcml\"";
	my ($rc, $out, $err) = run('latin1', $latin,
		extra_params => [ '-v', 'ON_ERROR_STOP=1' ],
		connstr => $node->connstr('latin1') . ' client_encoding=LATIN1');
	is($rc, 0, 'LATIN1: a statement with Latin-1 bytes runs') or diag($err);
	# A text with characters LATIN1 cannot show is NULL there (texts are
	# converted to the reader's database encoding); the view still works
	# and the other texts are shown
	($rc, $out, $err) = run('latin1',
		"SELECT count(*) FILTER (WHERE query IS NULL) > 0,"
		  . " count(query) > 0 FROM pg_slow_statements");
	is($rc, 0, 'LATIN1: the view works while a UTF8 text with CJK is stored')
	  or diag($err);
	is($out, 't|t',
		'LATIN1: the CJK text shows as NULL, convertible texts are shown');
	is( $node->safe_psql(
			'latin1', 'SELECT count(*) > 0 FROM pg_slow_statements(false)'),
		't', 'LATIN1: pg_slow_statements(false) still reads');
	$node->safe_psql('postgres',
		"SELECT pg_slow_statements_reset(0, oid) FROM pg_database
		  WHERE datname = 'postgres'");
	is( $node->safe_psql(
			'latin1',
			"SELECT convert_to(query, 'LATIN1') FROM pg_slow_statements
			  WHERE query LIKE 'SELECT%AS \"%'"),
		'\x' . unpack('H*', 'SELECT $1 AS caf' . "\xe9" . ', $2 AS "' . "\xfc" . 'ml"'),
		'LATIN1: stored normalized, in the database encoding');
	funcs_ok('latin1', "'SELECT ''' || repeat(chr(233), 100000)",
		'LATIN1: unterminated literal of Latin-1 letters');
}

#---- Random NUL-free bytes ----

{
	# LATIN1 accepts every byte but NUL, so any byte string is a text there
	srand(20240917);
	my $n = 300;
	my $lost = 0;
	my $hexes = '';
	foreach my $i (1 .. $n)
	{
		my $len = 1 + int(rand(3000));
		# bias towards SQL's special bytes
		my @special = map { ord } split //, q{'"$-/*()[],;:.E\\ 
};
		my $bytes = join '', map {
			chr(rand() < 0.5 ? $special[ int(rand(@special)) ]
				: 1 + int(rand(255)))
		} 1 .. $len;
		my ($rc) = run('latin1', $bytes,
			connstr => $node->connstr('latin1') . ' client_encoding=LATIN1');
		$lost++ if $rc == 2;
		$hexes .= ($hexes eq '' ? '' : ',') . "'" . unpack('H*', $bytes) . "'";
	}
	is($lost, 0, "$n random byte strings sent as statements: no connection lost");
	$function_calls += 2 * $n;
	is( $node->safe_psql(
			'latin1',
			"SELECT count(*) FILTER (WHERE pg_slow_statements_fingerprint(t) <> 0
									   AND pg_slow_statements_normalize(t) IS NOT NULL)
			   FROM (SELECT convert_from(decode(h, 'hex'), 'LATIN1') AS t
					   FROM unnest(ARRAY[$hexes]) h) s"),
		$n,
		"the functions return on the $n random byte strings");
	alive('random bytes');
}

#---- Linear time ----

my @patterns = (
	[ 'words',                 q{'abc '} ],
	[ 'comment',               q{'x'}, q{'/* '} ],
	[ 'nested comment opens',  q{'/*'} ],
	[ 'literal',               q{'x'}, q{''''} ],
	[ 'escaped quotes',        q{''''''} ],
	[ 'backslash escapes',     q{'\\'''}, q{'E'''} ],
	[ 'continued literals',    q{''''' ' || chr(10)} ],
	[ 'open parentheses',      q{'('} ],
	[ 'operator run',          q{'=-'} ],
	[ 'plus-minus run',        q{'+-'} ],
	[ 'minus signs',           q{'- '} ],
	[ 'negative numbers',      q{' -1,'}, q{'SELECT ('} ],
	[ 'IN list',               q{'1, '}, q{'SELECT 1 WHERE a IN ('} ],
	[ 'VALUES rows',           q{'(1, 2), '}, q{'VALUES (1, 2), '} ],
	[ 'dollar signs',          q{'$a'}, q{'$a$'} ],
	[ 'quoted identifier',     q{'"'}, q{'""'} ],
	[ 'parameters',            q{'$1 '} ]);
my @slow;
foreach my $p (@patterns)
{
	my ($name, $unit, $prefix) = @$p;
	$prefix //= q{''};
	my $mb = 1024 * 1024;
	my $res = $node->safe_psql(
		'postgres', "
CREATE TEMP TABLE t AS
  SELECT $prefix || repeat($unit, $mb / length($unit)) AS t1,
		 $prefix || repeat($unit, 8 * $mb / length($unit)) AS t8;
DO \$\$
DECLARE
	r record;
	a timestamptz;
	d1 float8;
	d8 float8;
BEGIN
	SELECT * INTO r FROM t;
	a := clock_timestamp();
	PERFORM pg_slow_statements_fingerprint(r.t1),
			length(pg_slow_statements_normalize(r.t1));
	d1 := extract(epoch FROM clock_timestamp() - a);
	a := clock_timestamp();
	PERFORM pg_slow_statements_fingerprint(r.t8),
			length(pg_slow_statements_normalize(r.t8));
	d8 := extract(epoch FROM clock_timestamp() - a);
	RAISE NOTICE 'times % %', d1, d8;
	CREATE TEMP TABLE res AS SELECT d1, d8;
END
\$\$;
SELECT round(d1::numeric, 4) || '|' || round(d8::numeric, 4) FROM res;");
	$function_calls += 4;
	my ($t1, $t8) = split /\|/, $res;
	push @slow, $name unless defined $t8 && $t8 ne '';
	note("$name: 1 MB ${t1}s, 8 MB ${t8}s");
}
is(scalar(@slow), 0,
	scalar(@patterns) . ' patterns: the functions return on 1 MB and 8 MB')
  or diag(join("\n", @slow));

#---- The same server throughout ----

is($node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()'),
	$start_time, 'the postmaster never restarted');
ok( !$node->log_contains(
		qr/terminated by signal|server process|PANIC|TRAP:/, $log_offset),
	'no backend crashed');

diag("008_hostile_texts: $server_statements statements sent, "
	  . "$function_calls function calls, 0 crashes");

$node->stop;
done_testing();
