# test/t/018_plans.pl
#
# Plans per statement (src/plan_id.c), across servers and at their bounds:
#   - the same plans have the same ids on two servers, one of them restored
#     from the other's dump (every OID differs), for scans, joins,
#     aggregates, subplans and a DML statement; a server planning another
#     way (an index the other lacks) gives another id;
#   - 10,000 distinct plans of one statement keep max_plans (4) of them,
#     the last run, and the text memory they take stays bounded;
#   - a plan too large for the text memory is kept without its text, its
#     statement counted and unharmed;
#   - a prepared statement's cached plan keeps its id after the server
#     replans it for a new index, which is another plan.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use PssNode;

my $schema = q{
CREATE TABLE orders (id int PRIMARY KEY, customer int, total numeric);
CREATE TABLE customers (id int PRIMARY KEY, name text);
CREATE INDEX orders_customer ON orders (customer);
INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 2000) g;
INSERT INTO orders SELECT g, g % 2000 + 1, g FROM generate_series(1, 20000) g;
ANALYZE orders;
ANALYZE customers;
};

# The workload: statements of several shapes, each twice
my $workload = join('', map { "$_;\n$_;\n" } (
	'SELECT total FROM orders WHERE id = 42',
	'SELECT count(*) FROM orders WHERE customer = 7',
	'SELECT c.name, sum(o.total) FROM orders o JOIN customers c ON c.id = o.customer GROUP BY c.name ORDER BY 2 DESC LIMIT 5',
	'SELECT name FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer = c.id AND o.total > 19990)',
	'SELECT id FROM customers WHERE id = (SELECT max(customer) FROM orders)',
	'UPDATE orders SET total = total WHERE id = 5'));

my $plans_sql = q{
SELECT s.query, p.planid, p.calls
  FROM pg_slow_statements_plans() p
  JOIN pg_slow_statements s USING (userid, dbid, queryid, toplevel)
 WHERE s.query ~ '(orders|customers)' AND s.query !~ '^(CREATE|INSERT|ANALYZE)'
 ORDER BY 1, 2};

my $na = PssNode::start('plans_a');
$na->safe_psql('postgres', $schema);

# b: objects created first, so that its OIDs differ; then a's dump
my $nb = PssNode::start('plans_b');
$nb->safe_psql('postgres',
	join('', map { "CREATE TABLE filler_$_ (x int PRIMARY KEY);\n" } 1 .. 20));
my $dump = $na->data_dir . '/../plans_a.sql';
command_ok(
	[
		'pg_dump', '-d', $na->connstr('postgres'),
		'-t', 'orders', '-t', 'customers', '-f', $dump
	],
	'pg_dump of the schema of a');
$nb->command_ok([ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1',
		'-d', $nb->connstr('postgres'), '-f', $dump ],
	'restored into b');
$nb->safe_psql('postgres', 'ANALYZE orders; ANALYZE customers;');
isnt(
	$na->safe_psql('postgres', q{SELECT 'orders'::regclass::oid}),
	$nb->safe_psql('postgres', q{SELECT 'orders'::regclass::oid}),
	'the restored table has another OID');

foreach my $node ($na, $nb)
{
	$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
	$node->safe_psql('postgres', $workload);
}
my $plans_a = $na->safe_psql('postgres', $plans_sql);
my $plans_b = $nb->safe_psql('postgres', $plans_sql);
my @lines = split /\n/, $plans_a;
is(scalar(@lines), 6, 'six statements, one plan each, on a');
ok(!grep({ !/\|2$/ } @lines), 'each plan has its two calls');
is($plans_b, $plans_a, 'the same plans have the same ids on b, restored from a dump');

# b without the index on customer plans the count another way
$nb->safe_psql('postgres', 'DROP INDEX orders_customer');
$nb->safe_psql('postgres', 'SELECT count(*) FROM orders WHERE customer = 7');
my $count_plans = q{
SELECT string_agg(p.planid::text, ',' ORDER BY p.first_seen)
  FROM pg_slow_statements_plans() p
  JOIN pg_slow_statements s USING (userid, dbid, queryid, toplevel)
 WHERE s.query = 'SELECT count(*) FROM orders WHERE customer = $1'};
my ($first_a) = split /,/, $na->safe_psql('postgres', $count_plans);
my ($first_b, $second_b) = split /,/, $nb->safe_psql('postgres', $count_plans);
is($first_b, $first_a, 'b: the first plan of the count is a\'s');
ok(defined $second_b && $second_b ne $first_a,
	'b: without the index, the count has a second plan, of another id');

# A prepared statement: its cached plan keeps its id; an index created
# makes the server replan it, and the new plan has its own id and calls
$na->safe_psql(
	'postgres', q{
CREATE TABLE prep (id int, v int);
INSERT INTO prep SELECT g, g FROM generate_series(1, 10000) g;
ANALYZE prep;
PREPARE prep_q(int) AS SELECT v FROM prep WHERE id = $1;
} . join('', map { "EXECUTE prep_q($_);\n" } 1 .. 10) . q{
CREATE INDEX prep_id ON prep (id);
ANALYZE prep;
} . join('', map { "EXECUTE prep_q($_);\n" } 1 .. 10));
is( $na->safe_psql(
		'postgres', q{
SELECT string_agg(p.calls || ':' || split_part(p.plan, '  (', 1), ',' ORDER BY p.first_seen)
  FROM pg_slow_statements_plans() p
  JOIN pg_slow_statements s USING (userid, dbid, queryid, toplevel)
 WHERE s.query LIKE 'PREPARE % AS SELECT v FROM prep WHERE id = $1'}),
	'10:Seq Scan on prep,10:Index Scan using prep_id on prep',
	'a prepared statement: 10 calls on each of its two plans');

# 10,000 distinct plans of one statement (each uses an index of another
# name): 4 are kept, the last 4, and the text memory stays bounded
$na->safe_psql('postgres', 'CREATE TABLE many (id int, v int)');
my $text_bytes_sql = 'SELECT text_bytes FROM pg_slow_statements_info';
my $bytes_before = $na->safe_psql('postgres', $text_bytes_sql);
$na->safe_psql(
	'postgres', q{
SET pg_slow_statements.track = 'all';
SET pg_slow_statements.track_utility = off;
SET enable_seqscan = off;
DO $$
BEGIN
    FOR i IN 1 .. 10000 LOOP
        EXECUTE format('CREATE INDEX many_%s ON many (id)', i);
        EXECUTE 'SELECT v FROM many WHERE id = 7';
        EXECUTE format('DROP INDEX many_%s', i);
    END LOOP;
END
$$;
});
is( $na->safe_psql(
		'postgres', q{
SELECT s.calls, s.plan_changes, count(*), sum(p.calls),
       string_agg(substring(p.plan from 'many_[0-9]+'), ','
                  ORDER BY substring(p.plan from 'many_[0-9]+'))
  FROM pg_slow_statements s
  JOIN pg_slow_statements_plans() p USING (userid, dbid, queryid, toplevel)
 WHERE s.query = 'SELECT v FROM many WHERE id = $1'
 GROUP BY s.calls, s.plan_changes}),
	'10000|9999|4|4|many_10000,many_9997,many_9998,many_9999',
	'10,000 plans of one statement: the last 4 kept, 9,999 changes');
my $bytes_after = $na->safe_psql('postgres', $text_bytes_sql);
cmp_ok($bytes_after - $bytes_before, '<', 64 * 1024,
	'10,000 plans of one statement: text memory grew by '
	  . ($bytes_after - $bytes_before) . ' bytes, not per plan');

# A plan too large for the text memory (32 kB): kept without its text
my $c = PssNode::start('plans_small',
	conf => "pg_slow_statements.text_memory = 32\n"
	  . "pg_slow_statements.slowest_text_max = '1MB'\n");
my $union = join(' UNION ALL ', map { "SELECT $_ AS big_plan_$_" } 1 .. 1500);
my ($ret, $out, $err) = $c->psql('postgres',
	"SELECT count(*) FROM ($union) u;\nSELECT count(*) FROM ($union) u");
is($ret, 0, 'a statement whose plan is too large for the text memory succeeds');
is( $c->safe_psql(
		'postgres', q{
SELECT p.calls, p.plan IS NULL
  FROM pg_slow_statements_plans() p
  JOIN pg_slow_statements s USING (userid, dbid, queryid, toplevel)
 WHERE s.calls = 2 AND s.rows = 2 AND s.query IS NULL}),
	'2|t',
	'its plan is kept without text, its call counted');

done_testing();
