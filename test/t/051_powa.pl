# test/t/051_powa.pl
#
# PoWA 4 (postgresql-NN-powa), its background worker preloaded as its
# documentation says, takes its snapshots from our statistics: contrib's
# pg_stat_statements is created in the powa database (PoWA requires the
# extension and reads its version) but not loaded, and
# pg_slow_statements_compat's schema comes first on that database's
# search_path.  After a workload, PoWA's history holds our statements with
# our call counts, from the worker's own snapshots and from a manual one.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use PssTools qw(server_major monitored_node wait_until $compat_schema);
use Test::More;

my $major     = server_major();
my $pg_config = $ENV{PG_CONFIG} // 'pg_config';
my $sharedir  = `$pg_config --sharedir`;
chomp $sharedir;
my $control = "$sharedir/extension/powa.control";
if (!-f $control)
{
	die "PoWA is missing: run test/deps.sh as root (postgresql-15-powa)\n"
	  if $major == 15;
	plan skip_all =>
	  "PoWA is not installed (package postgresql-$major-powa is not available for PostgreSQL $major)";
}
my ($powa_version) =
  slurp_file($control) =~ /default_version\s*=\s*'([^']+)'/;
plan skip_all =>
  "PoWA $powa_version: this test drives PoWA 4's snapshot worker and tables"
  unless $powa_version =~ /^4\./;

# powa.frequency: the worker's snapshot interval (5 s is its minimum)
my $node = monitored_node('powa',
	conf => "powa.frequency = 5s\ntrack_io_timing = on\n");

$node->safe_psql('postgres', 'CREATE DATABASE powa');
$node->safe_psql(
	'powa', qq{
CREATE EXTENSION pg_slow_statements;
CREATE SCHEMA $compat_schema;
CREATE EXTENSION pg_slow_statements_compat SCHEMA $compat_schema;
CREATE EXTENSION pg_stat_statements;
CREATE EXTENSION btree_gist;
CREATE EXTENSION powa;
ALTER DATABASE powa SET search_path = $compat_schema, public;
});

# Then the worker, once its database exists
$node->append_conf('postgresql.conf',
	"shared_preload_libraries = 'pg_slow_statements, powa'\n");
$node->restart;

# contrib's module is created but not loaded: its own view cannot be read
my $log_offset = -s $node->logfile;
my ($ret, $stdout, $stderr) =
  $node->psql('powa', 'SELECT count(*) FROM public.pg_stat_statements');
like(
	$stderr,
	qr/must be loaded via shared_preload_libraries/,
	"contrib's pg_stat_statements is not loaded");
$log_offset = -s $node->logfile;

# The workload, in two databases
my $stmt = 'SELECT count(*) FROM generate_series(1, 1000) AS g';
$node->safe_psql('postgres', join('', map { "$stmt;\n" } 1 .. 6));
$node->safe_psql('powa',     join('', map { "$stmt;\n" } 1 .. 4));

my $expected = $node->safe_psql(
	'powa', "
SELECT string_agg(d.datname || ':' || s.calls, ',' ORDER BY d.datname)
  FROM public.pg_slow_statements s JOIN pg_database d ON d.oid = s.dbid
 WHERE s.queryid = pg_slow_statements_fingerprint('$stmt') AND s.toplevel");
is($expected, 'postgres:6,powa:4', 'our view counts the workload');

# what PoWA holds for the statement: the calls of its latest snapshot per
# database, and the texts it stored
my $history_sql = "
SELECT string_agg(d.datname || ':' || x.calls, ',' ORDER BY d.datname)
  FROM (SELECT DISTINCT ON (dbid) dbid, (record).calls AS calls
          FROM public.powa_statements_history_current
         WHERE srvid = 0 AND queryid = pg_slow_statements_fingerprint('$stmt')
         ORDER BY dbid, (record).ts DESC) x
  JOIN pg_database d ON d.oid = x.dbid";

# The worker snapshots every 5 s: wait for one taken after the workload,
# as long as PostgreSQL's tests wait for anything (timeout_default, 180 s
# unless PG_TEST_TIMEOUT_DEFAULT says otherwise), not a figure of our own
my $seen = wait_until(
	$PostgreSQL::Test::Utils::timeout_default,
	sub {
		my $h = $node->safe_psql('powa', $history_sql);
		return $h eq $expected ? $h : undef;
	});
is($seen // $node->safe_psql('powa', $history_sql),
	$expected, "the worker's snapshot holds our call counts per database");

is( $node->safe_psql(
		'powa', "
SELECT count(*) FROM public.powa_statements
 WHERE srvid = 0 AND queryid = pg_slow_statements_fingerprint('$stmt')
   AND query = 'SELECT count(*) FROM generate_series(\$1, \$2) AS g'"),
	'2',
	'PoWA stored our normalized text for each database');

# A manual snapshot after more executions
$node->safe_psql('postgres', "$stmt;\n$stmt;\n");
$node->safe_psql('powa',     'SELECT public.powa_take_snapshot()');
is($node->safe_psql('powa', $history_sql),
	'postgres:8,powa:4', 'a manual snapshot holds the new count');

# The worker ran without errors about pg_stat_statements
my $log = slurp_file($node->logfile, $log_offset);
unlike($log, qr/(ERROR|FATAL|WARNING):/,
	'no error or warning in the server log during the workload and snapshots'
);
ok( $node->safe_psql(
		'powa', 'SELECT count(*) FROM public.powa_snapshot_metas
		          WHERE srvid = 0 AND coalesce(errors, \'{}\') = \'{}\'') eq '1',
	'PoWA recorded no snapshot errors');

$node->stop;
done_testing();
