# test/t/011_scanner_diff.pl
#
# Differential test of the fingerprint lexer against PostgreSQL's own
# scanner (core_yylex): on texts the scanner accepts, both must cut the
# same tokens at the same byte offsets and agree on which are constants,
# parameters, identifiers/keywords, operators and the rest.
#
# The corpus: test/scanner_diff/corpus.sql (hand-written, every token
# kind), every file of the pg_regress suite (sql/*.sql, whole and block by
# block), and generated expressions crossing operands with operators,
# spaced and unspaced (the trimming of trailing + and - is where lexers
# go wrong).
#
# The test-only module test/scanner_diff (built here, in place, loaded by
# absolute path) returns both token streams.  Intended differences are
# recognised and counted, not failed:
#
#	negative	the lexer folds a unary minus into the number after it
#				("-1", "- 1.5" are one constant): PostgreSQL's scanner gives
#				'-' then the number.  Only where an operand starts (so "a-1"
#				is three tokens in both).
#	dot_dot		".." is one token for the scanner (PL/pgSQL ranges), two
#				'.' for the lexer; "1..2" is "1." ".2" to the lexer.
#	nchar		N'x' is the keyword NCHAR then the string 'x' for the
#				scanner, one constant for the lexer (so the normalized text
#				shows $1, not N$1).
#
# Texts the scanner rejects (unterminated literals, trailing junk after a
# number) are counted and skipped.  Any other difference fails the test
# and is printed with its context.
#
# The whole comparison runs twice: with standard_conforming_strings on,
# and off, where a backslash escapes the next byte in '...' as in E'...'
# (the scanner and the lexer both follow the session's setting).

use strict;
use warnings;

use Cwd;
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use PssNode;

my $top = $ENV{TESTDIR} // '.';
my $moddir = "$top/test/scanner_diff";

#---- Build the module in place ----

# The module calls the core scanner through parser/gramparse.h, which the
# server's development files install only up to PostgreSQL 15 (16 made it
# a private header of src/backend/parser).  Building the scanner from
# PostgreSQL's source instead would need each version's source package,
# which is not downloadable here for 17 or 19: the differential runs on 15
# only.
my $pg_config = $ENV{PG_CONFIG} // 'pg_config';
my $incdir = `$pg_config --includedir-server`;
chomp $incdir;
plan skip_all => 'parser/gramparse.h is not installed (PostgreSQL 16 and later)'
  unless -f "$incdir/parser/gramparse.h";

my ($stdout, $stderr);
my $built = IPC::Run::run([ 'make', '-s', '-C', $moddir ],
	'>', \$stdout, '2>', \$stderr);
ok($built, 'the scanner_diff test module builds') or diag($stderr);
my $so = Cwd::abs_path("$moddir/scanner_diff.so");
BAIL_OUT('scanner_diff.so not built') unless -f $so;

my $node = PssNode::start('scanner_diff', preload => '');
$node->safe_psql(
	'postgres', "
CREATE FUNCTION scanner_diff_core(text)
  RETURNS TABLE (start int, stop int, kind text)
  AS '$so', 'scanner_diff_core' LANGUAGE C STRICT;
CREATE FUNCTION scanner_diff_pss(text)
  RETURNS TABLE (start int, stop int, kind text)
  AS '$so', 'scanner_diff_pss' LANGUAGE C STRICT;
CREATE TABLE corpus (id int PRIMARY KEY, src text, txt text);");

#---- The corpus ----

my @texts;					# [source, text]

# blocks(text): the text cut at blank lines
sub blocks
{
	my ($text) = @_;
	return grep { /\S/ } split /\n[ \t]*\n/, $text;
}

my $corpus = slurp_file("$moddir/corpus.sql");
push @texts, map { [ 'corpus.sql', $_ ] } blocks($corpus);
my $n_corpus = scalar @texts;

my @sqlfiles = sort glob("$top/sql/*.sql");
foreach my $f (@sqlfiles)
{
	my $name = 'sql/' . (split m{/}, $f)[-1];
	my $text = slurp_file($f);
	# psql meta-commands are not SQL: blank them out, keeping the offsets
	$text =~ s/^(\\.*)$/' ' x length($1)/mge;
	push @texts, [ $name, $text ];
	push @texts, map { [ $name, $_ ] } blocks($text);
}

my @operands = ('1', '-1', '1.5', '.5', "'s'", '$1', 'a', '"q"', '(a)',
	'a[1]', 'NULL');
my @operators = (
	'+', '-', '*', '/', '%', '^', '<', '>', '=', '<=', '>=', '<>', '!=',
	'||', '~', '@>', '+-', '-+', '*-', '=-', '<-', '>-', '!-', '#-', '?-',
	'@-', '->>', '=+', '<=-', '~~*', '&&', '-|-');
foreach my $l (@operands)
{
	foreach my $op (@operators)
	{
		foreach my $r (@operands)
		{
			push @texts, [ 'generated', "SELECT $l$op$r" ];
			push @texts, [ 'generated', "SELECT $l $op $r" ];
		}
	}
}

# Load the texts through COPY, escaping what COPY's text format needs
my $copy = '';
foreach my $i (0 .. $#texts)
{
	my ($src, $txt) = @{ $texts[$i] };
	my $esc = $txt;
	$esc =~ s/\\/\\\\/g;
	$esc =~ s/\t/\\t/g;
	$esc =~ s/\n/\\n/g;
	$esc =~ s/\r/\\r/g;
	$copy .= "$i\t$src\t$esc\n";
}
my $copyfile = $node->basedir . '/corpus.copy';
PostgreSQL::Test::Utils::append_to_file($copyfile, $copy);
$node->safe_psql('postgres', "COPY corpus FROM '$copyfile'");
is($node->safe_psql('postgres', 'SELECT count(*) FROM corpus'),
	scalar(@texts), 'the whole corpus loaded');

#---- Compare ----

foreach my $scs ('on', 'off')
{
	compare_streams($scs);
}

$node->stop;
done_testing();

# compare_streams(setting): both token streams of every text with
# standard_conforming_strings set so, compared
sub compare_streams
{
	my ($scs) = @_;
	my %tok;					# id => { core => [...], pss => [...] }
	foreach my $which ('core', 'pss')
	{
		my $out = $node->safe_psql(
			'postgres', "
	SET standard_conforming_strings = $scs;
	SET escape_string_warning = off;
	SELECT c.id, t.start, t.stop, t.kind
	  FROM corpus c, scanner_diff_$which(c.txt) WITH ORDINALITY t
	 ORDER BY c.id, t.ordinality");
		foreach my $line (split /\n/, $out)
		{
			my ($id, $start, $stop, $kind) = split /\|/, $line;
			push @{ $tok{$id}{$which} }, [ $start, $stop, $kind ];
		}
	}

	my %stats = (
		texts => 0,
		rejected => 0,
		tokens => 0,
		negative => 0,
		dot_dot => 0,
		nchar => 0,
		unexpected => 0);
	my %bad_by_src;
	my @report;

	# context(text, start, stop): the text around a token, on one line
	sub context
	{
		my ($text, $start, $stop) = @_;
		my $from = $start > 20 ? $start - 20 : 0;
		my $s = substr($text, $from, $stop - $from + 20);
		$s =~ s/\s+/ /g;
		return $s;
	}

	foreach my $id (0 .. $#texts)
	{
		my ($src, $txt) = @{ $texts[$id] };
		my @c = @{ $tok{$id}{core} // [] };
		my @p = @{ $tok{$id}{pss} // [] };

		$stats{texts}++;
		if (@c && $c[-1][2] eq 'error')
		{
			$stats{rejected}++;
			next;
		}

		my ($i, $j) = (0, 0);
		while ($i < @c || $j < @p)
		{
			my $ct = $c[$i];
			my $pt = $p[$j];
			if ($ct && $pt && "@$ct" eq "@$pt")
			{
				$stats{tokens}++;
				$i++;
				$j++;
				next;
			}
			# negative number: core '-' then a number ending where ours does
			if (   $ct
				&& $pt
				&& $pt->[2] eq 'const'
				&& substr($txt, $pt->[0], 1) eq '-'
				&& $ct->[0] == $pt->[0]
				&& $ct->[1] == $ct->[0] + 1
				&& $ct->[2] eq 'op'
				&& $c[ $i + 1 ]
				&& $c[ $i + 1 ][2] eq 'const'
				&& $c[ $i + 1 ][1] == $pt->[1])
			{
				$stats{negative}++;
				$i += 2;
				$j++;
				next;
			}
			# "..": one token for the scanner (after a number too: "1..2" is
			# "1" ".." "2"), two '.' or a number's dot for the lexer
			if ($ct
				&& $pt
				&& (substr($txt, $ct->[0], 2) eq '..'
					|| substr($txt, $ct->[1], 2) eq '..'))
			{
				$stats{dot_dot}++;
				# resynchronise after the ".." and every token overlapping it
				my $end = index($txt, '..', $ct->[0]) + 2;
				my $moved = 1;
				while ($moved)
				{
					$moved = 0;
					while ($i < @c && $c[$i][0] < $end)
					{
						$end = $c[$i][1] if $c[$i][1] > $end;
						$i++;
						$moved = 1;
					}
					while ($j < @p && $p[$j][0] < $end)
					{
						$end = $p[$j][1] if $p[$j][1] > $end;
						$j++;
						$moved = 1;
					}
				}
				next;
			}
			# N'...': the scanner returns the keyword NCHAR for the N, then the
			# string; the lexer one constant
			if (   $ct
				&& $pt
				&& $pt->[2] eq 'const'
				&& substr($txt, $pt->[0], 2) =~ /^[nN]'/
				&& "@$ct" eq "$pt->[0] " . ($pt->[0] + 1) . ' ident'
				&& $c[ $i + 1 ]
				&& $c[ $i + 1 ][2] eq 'const'
				&& $c[ $i + 1 ][1] == $pt->[1])
			{
				$stats{nchar}++;
				$i += 2;
				$j++;
				next;
			}
			$stats{unexpected}++;
			$bad_by_src{$src}++;
			my $what =
				!$ct ? "core: end, pss: [@$pt]"
			  : !$pt ? "core: [@$ct], pss: end"
			  :        "core: [@$ct], pss: [@$pt]";
			my $at = $ct ? $ct->[0] : $pt->[0];
			push @report, "$src #$id: $what near <"
			  . context($txt, $at, $ct ? $ct->[1] : $pt->[1]) . '>';
			last;					# one difference per text is enough
		}
	}

	my %srcs = map { $_->[0] => 1 } @texts;
	foreach my $src (sort keys %srcs)
	{
		is($bad_by_src{$src} // 0,
			0,
			"no unexpected difference with PostgreSQL's scanner in $src, "
			  . "standard_conforming_strings $scs");
	}
	diag(join("\n", @report[ 0 .. ($#report < 40 ? $#report : 39) ])) if @report;
	diag(   "scanner_diff ($scs): $stats{texts} texts ($n_corpus hand-written), "
		  . "$stats{rejected} rejected by the scanner, $stats{tokens} tokens "
		  . "identical, intended differences: $stats{negative} negative "
		  . "numbers, $stats{dot_dot} '..', $stats{nchar} N'...'; "
		  . "$stats{unexpected} unexpected");
	cmp_ok($stats{tokens}, '>', 10000,
		"more than 10000 tokens compared ($scs)");
	cmp_ok($stats{texts} - $stats{rejected},
		'>', 500, "more than 500 texts accepted by the scanner compared ($scs)");
	return;
}
