# test/t/019_sources.pl
#
# Sources per statement (src/sources.h) where pg_regress cannot go:
#   - the extended protocol, message by message: unnamed statements with
#     sqlcommenter tags and their traceparents, and a named prepared
#     statement, parsed once with its tags and executed ten times; three
#     applications sending 30, 20 and 10 calls, fifty light ones and a
#     heavy one (pgbench -M extended); the slowest run's traceparent;
#   - a client over TCP: its address;
#   - concurrent clients (pgbench, simple and prepared), more routes than
#     slots: the sources' calls always add up to the entry's, exactly;
#   - sources survive a restart, max_sources = 0 keeps none (and costs no
#     memory), and a file saved without them loads with their calls in the
#     remainder;
#   - a LATIN1 database's tags, read from a UTF8 one;
#   - a megabyte of comment and broken comments over the extended
#     protocol: no error, one entry.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use PssProto;
use Test::More;

use PssNode;

my $node = PssNode::start('sources',
	conf => "listen_addresses = '127.0.0.1'\n"
	  . "pg_slow_statements.track = top\n");
$node->append_conf('pg_hba.conf', "host all all 127.0.0.1/32 trust\n");
$node->reload;

# sources(statement): "application_name|client_addr|tags|calls|is_remainder"
# of a statement's sources, heaviest first
sub sources
{
	my ($stmt) = @_;
	return $node->safe_psql('postgres', qq{
		SELECT application_name, host(client_addr), tags, calls, is_remainder
		  FROM pg_slow_statements_sources(pg_slow_statements_fingerprint(\$pss\$$stmt\$pss\$))
		 ORDER BY is_remainder, calls DESC, tags::text});
}

# adds_up(statement): whether the sources' calls add up to the entry's
sub adds_up
{
	my ($stmt) = @_;
	return $node->safe_psql('postgres', qq{
		SELECT s.calls || '=' || sum(o.calls)
		  FROM pg_slow_statements s
		  JOIN pg_slow_statements_sources() o USING (userid, dbid, queryid, toplevel)
		 WHERE s.queryid = pg_slow_statements_fingerprint(\$pss\$$stmt\$pss\$)
		 GROUP BY s.calls});
}

# 1. The extended protocol: unnamed statements, their tags with each
# execution's traceparent; a named statement parsed once with its tags.
my $c = PssProto->connect($node->host, $node->port, 'postgres');
$c->query("SET application_name = 'django'");
for my $trace (qw(aaaa bbbb cccc))
{
	$c->parse('',
		"SELECT \$1::int AS ext_case /*controller='orders',route='%2Forders%2F%3Cint%3Aid%3E',traceparent='00-$trace-01'*/"
	);
	$c->bind('', '', 7);
	$c->execute('', 0);
	$c->sync;
}
$c->parse('named',
	"SELECT \$1::int AS ext_case /*controller='carts',route='%2Fcarts%2F'*/");
$c->sync;
for my $i (1 .. 10)
{
	$c->bind('', 'named', $i);
	$c->execute('', 0);
	$c->sync;
}
is( sources('SELECT $1::int AS ext_case'),
	qq(django||{"route": "/carts/", "controller": "carts"}|10|f\n)
	  . qq(django||{"route": "/orders/<int:id>", "controller": "orders"}|3|f),
	'extended protocol: unnamed and named statements, their tags');

# pgbench_ext(app, transactions, script text): one client, -M extended,
# as application app
sub pgbench_ext
{
	my ($app, $n, $text) = @_;
	my $file = $node->basedir . "/ext_$app.sql";
	unlink $file;
	PostgreSQL::Test::Utils::append_to_file($file, $text);
	local $ENV{PGAPPNAME} = $app;
	my ($o, $e) = ('', '');
	my $ok = IPC::Run::run(
		[
			'pgbench', '-n', '-h', $node->host, '-p', $node->port,
			'-M', 'extended', '-c', 1, '-t', $n, '-f', $file, 'postgres'
		],
		'<', \undef, '>', \$o, '2>', \$e);
	diag($e) unless $ok;
	return $ok;
}

# Three applications, 30, 20 and 10 calls; fifty light ones (2 calls) and
# then a heavy one (200): the extended protocol's figures are exact too
my $three = "SELECT 1 AS ext_three_case /*route='%2Fthree'*/;\n";
ok(pgbench_ext('ext_a', 30, $three) && pgbench_ext('ext_b', 20, $three)
	  && pgbench_ext('ext_c', 10, $three),
	'three applications over the extended protocol');
is( sources('SELECT 1 AS ext_three_case'),
	qq(ext_a||{"route": "/three"}|30|f\n)
	  . qq(ext_b||{"route": "/three"}|20|f\n)
	  . qq(ext_c||{"route": "/three"}|10|f),
	'three applications: three sources, exact calls');
my $sketch = "SELECT 1 AS ext_sketch_case;\n";
my $all_ok = 1;
$all_ok &&= pgbench_ext("light_$_", 2, $sketch) for 1 .. 50;
$all_ok &&= pgbench_ext('heavy', 200, $sketch);
ok($all_ok, 'fifty light applications and a heavy one');
is( $node->safe_psql('postgres', q{
		SELECT calls FROM pg_slow_statements_sources(
		         pg_slow_statements_fingerprint('SELECT 1 AS ext_sketch_case'))
		 WHERE application_name = 'heavy'}),
	'200', 'the heavy application: exact calls');
is(adds_up('SELECT 1 AS ext_sketch_case'), '300=300',
	'fifty light and a heavy application: the sources add up');

# The slowest run over the extended protocol: its traceparent
$c->query("SET application_name = 'ext_slow'");
for my $ms (2, 30, 2)
{
	$c->parse('',
		"SELECT pg_sleep(\$1::float8 / 1000) AS ext_slow_case /*route='%2Fslow',traceparent='00-$ms-01'*/"
	);
	$c->bind('', '', $ms);
	$c->execute('', 0);
	$c->sync;
}
is( $node->safe_psql('postgres', q{
		SELECT slowest_application_name || ' ' || (slowest_tags->>'route') || ' ' ||
		       (slowest_tags->>'traceparent' = substring(slowest_query from 'traceparent=''([^'']*)'''))
		  FROM pg_slow_statements WHERE query LIKE '%AS ext_slow_case%'}),
	'ext_slow /slow true',
	'the slowest run over the extended protocol: its source and traceparent');

# 2. A client over TCP: its address, as pg_stat_activity shows it
my ($ret, $out, $err) = $node->psql('postgres',
	"SET application_name = 'tcp_client'; SELECT 1 AS tcp_case /*app:web*/",
	connstr => 'host=127.0.0.1 port=' . $node->port . ' dbname=postgres');
is($ret, 0, 'psql over TCP') or diag($err);
is(sources('SELECT 1 AS tcp_case'),
	qq(tcp_client|127.0.0.1|{"app": "web"}|1|f),
	'the client address of a TCP connection');

# 3. Concurrent clients: twelve routes (more than the six slots) from four
# clients, and a prepared statement with its tags from two more: every
# call is counted once, the remainder takes those of the routes left out.
my $script = $node->basedir . '/routes.sql';
PostgreSQL::Test::Utils::append_to_file($script,
	"\\set r random(1, 12)\n"
	  . "SELECT 1 AS routes_case /*route='%2Froute%2F:r',controller='c:r'*/;\n");
my $prepared = $node->basedir . '/prepared.sql';
PostgreSQL::Test::Utils::append_to_file($prepared,
	"SELECT 2 AS prepared_case /*route='%2Fprepared'*/;\n");
my @runs;
for my $run ([ $script, 'simple', 4, 'bench_simple' ],
	[ $prepared, 'prepared', 2, 'bench_prepared' ])
{
	my ($file, $mode, $clients, $app) = @$run;
	my ($o, $e) = ('', '');
	local $ENV{PGAPPNAME} = $app;
	push @runs,
	  {
		h => IPC::Run::start(
			[
				'pgbench', '-n', '-h', $node->host, '-p', $node->port,
				'-M', $mode, '-c', $clients, '-t', 500, '-f', $file,
				'postgres'
			],
			'<', \undef, '>', \$o, '2>', \$e),
		err => \$e
	  };
}
for my $r (@runs)
{
	ok(eval { $r->{h}->finish; }, 'pgbench ran') or diag(${ $r->{err} });
}
is(adds_up('SELECT 1 AS routes_case'), '2000=2000',
	'12 routes from 4 clients: the sources add up to the calls');
my $routes = $node->safe_psql('postgres', q{
	SELECT count(*) FILTER (WHERE NOT is_remainder) || ' ' ||
	       count(*) FILTER (WHERE is_remainder) || ' ' ||
	       bool_and(is_remainder OR application_name = 'bench_simple')
	  FROM pg_slow_statements_sources(pg_slow_statements_fingerprint('SELECT 1 AS routes_case'))});
is($routes, '6 1 true', 'six routes kept, the others in the remainder');
is( sources('SELECT 2 AS prepared_case'),
	qq(bench_prepared||{"route": "/prepared"}|1000|f),
	'a prepared statement from two clients: one source, exact');

# 4. A restart keeps the sources
my $all = q{
	SELECT queryid, application_name, client_addr, tags, calls,
	       total_exec_time, max_exec_time, last_call, is_remainder
	  FROM pg_slow_statements_sources
	 WHERE application_name IS DISTINCT FROM '019_sources.pl'
	 ORDER BY queryid, application_name, tags::text, calls, is_remainder};
my $before = $node->safe_psql('postgres', $all);
my $slowest_sql = q{
	SELECT queryid, slowest_application_name, slowest_tags
	  FROM pg_slow_statements
	 WHERE slowest_application_name <> '019_sources.pl'
	 ORDER BY 1};
my $slowest_before = $node->safe_psql('postgres', $slowest_sql);
$node->restart;
is($node->safe_psql('postgres', $all), $before,
	'sources are the same after a restart');
is($node->safe_psql('postgres', $slowest_sql), $slowest_before,
	'the slowest runs\' sources too');

# 5. max_sources = 0: no sources, entries counted; the file it saves has
# none, and once sources are kept again, their calls are the remainder's
$node->append_conf('postgresql.conf', "pg_slow_statements.max_sources = 0\n");
$node->restart;
$node->safe_psql('postgres', 'SELECT 3 AS off_case /*route=\'%2Foff\'*/');
is( $node->safe_psql('postgres',
		"SELECT count(*) FROM pg_slow_statements_sources"),
	'0', 'max_sources = 0: no sources');
is( $node->safe_psql('postgres',
		"SELECT calls FROM pg_slow_statements WHERE queryid = pg_slow_statements_fingerprint('SELECT 3 AS off_case')"
	),
	'1',
	'max_sources = 0: the statement is counted');
$node->append_conf('postgresql.conf', "pg_slow_statements.max_sources = 6\n");
$node->restart;
is(sources('SELECT 1 AS routes_case'), '|||2000|t',
	'a file saved without sources: all calls in the remainder');

# 6. A LATIN1 database: a marginalia value in LATIN1 is shown converted
# in a UTF8 database; a sqlcommenter value that decodes to UTF-8 bytes is
# kept as written there (they are not LATIN1 text)
$node->safe_psql('postgres',
	"CREATE DATABASE latin1 TEMPLATE template0 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C'"
);
{
	local $ENV{PGCLIENTENCODING} = 'UTF8';
	$node->safe_psql('latin1',
		"SELECT 5 AS latin1_case /*place:caf\xc3\xa9,enc='caf%C3%A9'*/");
}
is( $node->safe_psql('postgres', q{
		SELECT tags->>'place', tags->>'enc', source
		  FROM pg_slow_statements_sources o
		  JOIN pg_database d ON d.oid = o.dbid AND d.datname = 'latin1'
		 WHERE tags ? 'place'}),
	"caf\xc3\xa9|caf%C3%A9|019_sources.pl enc=caf%C3%A9,place=caf\xc3\xa9",
	'a LATIN1 database: its tags converted, undecodable values as written');

# 7. A megabyte of comment, and broken ones, over the extended protocol
$c = PssProto->connect($node->host, $node->port, 'postgres');
my @errors;
for my $comment ('big=\'' . ('x' x 1_000_000) . '\'',
	'a=\'%ZZ\',b=\'1', '/* nested */ a=\'1\'', 'k:' . ('"\\' x 50_000))
{
	$c->parse('', "SELECT 4 AS huge_case /*$comment*/");
	$c->bind('', '');
	$c->execute('', 0);
	push @errors, PssProto->errors($c->sync);
}
is(scalar @errors, 0, 'hostile comments: no error') or diag(join "\n", @errors);
is( $node->safe_psql('postgres',
		"SELECT count(*) || ' ' || sum(calls) FROM pg_slow_statements WHERE query LIKE 'SELECT \$1 AS huge_case%'"
	),
	'1 4',
	'hostile comments: one entry');
is(sources('SELECT 4 AS huge_case'), '||{}|4|f',
	'hostile comments: no tags kept');
$c->disconnect;

done_testing();
