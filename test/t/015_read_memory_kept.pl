# test/t/015_read_memory_kept.pl
#
# A backend that reads the whole view keeps the memory of the read for its
# next one: a second read of 5,000 entries faults in few new pages of
# memory (28 on 15, about 700 on 18), where it used to fault in about a
# kilobyte per entry, as many as the first read, every time.  What is kept stays the same from read to read (no
# leak), and a read that fails gives it all back.  Page faults are counted
# from the backend's own /proc/self/stat (Linux only), which does not
# depend on timing.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use PssNode;

plan skip_all => 'needs /proc/self/stat' unless -r '/proc/self/stat';

my $entries = 5000;
# No slow samples: whether a first execution takes 1 ms, and so keeps its
# text and plan, depends on the machine's load, and on 18 and later a
# read's rows live in the tuplestore's own memory (the context "tuplestore
# tuples", made and freed with each read),
# not in what a read keeps: rows of samples there would make the faults
# below depend on the load.
my $node = PssNode::start('read_memory_kept',
	conf => "pg_slow_statements.max = 6000\n"
	  . "pg_slow_statements.slowest_text_max = 0\n");

# $entries distinct statements: each names its own CTE
my $fill = '';
for my $k (1 .. $entries)
{
	$fill .= "WITH w$k AS (SELECT $k AS aid, 'abc' AS filler) "
	  . "SELECT aid, filler FROM w$k WHERE aid > 0;\n";
}
$node->safe_psql('postgres', $fill);

# In one session: minor page faults of the backend (field 10 of its stat)
# around the second and third reads, and the memory kept after each.
my $faults =
  "SELECT split_part(pg_read_file('/proc/self/stat'), ' ', 10)::bigint";
my $kept = "SELECT coalesce(sum(total_bytes), 0) FROM pg_backend_memory_contexts"
  . " WHERE name IN ('pg_slow_statements reads', 'pg_slow_statements rows')";
my $read = 'SELECT count(*) FROM (SELECT * FROM pg_slow_statements) s';
#
# The second read is compared with what a read keeps, not with a fixed
# number: with nothing kept, it would fault all of it in again.
my $out = $node->safe_psql(
	'postgres', qq{
$faults \\gset z_
$read;
$kept;
$faults \\gset a_
$read;
$faults \\gset b_
$kept;
$read;
$kept;
SELECT :a_split_part - :z_split_part;
SELECT :b_split_part - :a_split_part;
});
my ($n1, $kept1, $n2, $kept2, $n3, $kept3, $first, $delta) = split /\n/,
  $out;
cmp_ok($n1, '>=', $entries, "$entries entries or more read");
cmp_ok($n2, '>=', $n1, 'the second read returns every row');
# Against the pages the read keeps: a second read that kept nothing would
# fault them all in again.  (Not against the first read's faults, which
# count whatever else that read allocates and drops: the fewer, the
# closer a sound second read comes to it; and on 18 a read's rows are
# formed in memory of the tuplestore's own, fresh at each read.)
cmp_ok($delta, '<', $kept1 / 4096 / 2,
	"a second read of $entries entries faults in less than half the pages it keeps ($delta against "
	  . int($kept1 / 4096)
	  . " kept; the first read $first)");
cmp_ok($kept1, '>', 1024 * 1024, "memory is kept after a read ($kept1 bytes)");
cmp_ok($kept1, '<', $entries * 4096, 'what is kept is bounded');
is($kept2, $kept1, 'what is kept does not grow from read to read');
is($kept3, $kept1, 'nor on the third read');

# a read that fails: the memory kept is given back, and the next read works
my ($ret, $stdout, $stderr) = $node->psql(
	'postgres', qq{
$read;
SELECT 1 / (count(*) - count(*)) FROM pg_slow_statements;
$kept;
$read;
$kept;
}, on_error_stop => 0);
like($stderr, qr/division by zero/, 'the second read fails');
my ($n4, $kept4, $n5, $kept5) = split /\n/, $stdout;
cmp_ok($kept4, '<', 64 * 1024,
	"after the failed read, the memory is given back ($kept4 bytes left)");
cmp_ok($n5, '>=', $n4, 'the next read returns every row');
# sized anew from the entries present, a few more than at the first read
cmp_ok(abs($kept5 - $kept1), '<', $kept1 / 8,
	"and keeps about what a read keeps ($kept5 against $kept1 bytes)");

# Reads that fail inside a longer one (a loop over the view that reads it
# again in an exception block, each time failing): their rows are freed as
# each fails, not kept until the loop's read ends.
$node->safe_psql('postgres', q{CREATE TABLE nested_kept (k int, bytes bigint)});
my $nested = $node->safe_psql(
	'postgres', q{
DO $$
DECLARE
	r record;
	k int := 0;
BEGIN
	FOR r IN SELECT * FROM pg_slow_statements LOOP
		k := k + 1;
		EXIT WHEN k > 20;
		BEGIN
			PERFORM 1 / (calls - calls) FROM pg_slow_statements;
		EXCEPTION WHEN division_by_zero THEN
			NULL;
		END;
		IF k IN (1, 20) THEN
			INSERT INTO nested_kept
			SELECT k, sum(total_bytes) FROM pg_backend_memory_contexts
			 WHERE name LIKE 'pg_slow_statements%';
		END IF;
	END LOOP;
END $$;
SELECT string_agg(bytes::text, ' ' ORDER BY k) FROM nested_kept;
});
my ($after1, $after20) = split / /, $nested;
cmp_ok($after20 - $after1, '<', $kept1 / 2,
	"19 more failed reads inside a read keep less than half a read more ($after1 then $after20 bytes)"
);

$node->stop;

# Reads of entries that keep their slowest run: one entry in four runs
# slowly enough (2 ms) to keep its text, plan and source, whose tags make
# the slowest_tags column.  What a read keeps stays bounded by what its
# rows take (a row's space is estimated from its stored texts: an
# estimate of 4 kB per source once kept 22.8 MB here), and the same from
# read to read.  No fault count here: which executions keep a sample
# depends on the load.
my $slow = PssNode::start('read_memory_kept_samples',
	conf => "pg_slow_statements.max = 6000\n");
$fill = '';
for my $k (1 .. $entries)
{
	my $sleep = $k % 4 == 0 ? ", pg_sleep(0.002)" : '';
	$fill .= "SELECT aid, filler$sleep FROM (SELECT $k AS aid, 'abc' AS filler) w$k"
	  . " /* application='shop',route='/orders/$k',traceparent='00-$k' */;\n";
}
$slow->safe_psql('postgres', $fill);
$out = $slow->safe_psql(
	'postgres', qq{
$read;
$kept;
$read;
$kept;
SELECT count(*) FROM pg_slow_statements WHERE slowest_tags IS NOT NULL;
});
my ($s1, $skept1, $s2, $skept2, $tagged) = split /\n/, $out;
cmp_ok($s1, '>=', $entries, "$entries entries or more read, with samples");
cmp_ok($tagged, '>=', $entries / 8,
	"many entries keep their slowest run's tags ($tagged)");
cmp_ok($skept1, '<', $entries * 4096,
	"what a read of entries with samples keeps is bounded ($skept1 bytes)");
is($skept2, $skept1, 'and does not grow from read to read');
$slow->stop;

done_testing();
