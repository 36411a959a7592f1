# test/t/010_security.pl
#
# Security:
#   - a role without pg_read_all_stats sees other users' rows without text
#     (NULL, or '<insufficient privilege>' as pg_stat_statements shows) or
#     queryid, through the view, the function with showtext true or
#     false, and every other function of the extension that returns rows;
#     no column of those rows carries the other user's text;
#   - it cannot reset; no function is SECURITY DEFINER; only the reset is
#     revoked from PUBLIC;
#   - installed into a quoted schema ("pss schema") while hostile functions
#     and operators named like the extension's objects and like built-ins
#     sit in public, first in search_path, the install script, the views and
#     the functions work and nothing hostile runs;
#   - the saved file is readable and writable by the server's user only.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use PssNode;

my $node = PssNode::start(
	'security',
	conf => "pg_slow_statements.track = all\n",
	extension => 0);

#---- Hostile objects first in search_path, then the install ----

# The extension goes into "pss schema" with the hostile objects in public,
# unless its control file pins it to public: then the hostile objects go
# into "evil schema", first in search_path, and the quoted-schema install
# is skipped (reported)
my $control = slurp_file(($ENV{TESTDIR} // '.') . '/pg_slow_statements.control');
my $pinned = $control =~ /^\s*schema\s*=\s*public\s*$/m;
my $ext = $pinned ? 'public' : 'pss schema';
my $evil = $pinned ? 'evil schema' : 'public';
my $q_ext = qq{"$ext"};
my $q_evil = qq{"$evil"};

$node->safe_psql('postgres', qq{CREATE SCHEMA IF NOT EXISTS $q_evil;
CREATE SCHEMA IF NOT EXISTS "pss schema";
GRANT USAGE ON SCHEMA $q_evil TO PUBLIC;});
$node->safe_psql(
	'postgres', qq{
CREATE TABLE $q_evil.hostile_log (what text);
GRANT ALL ON $q_evil.hostile_log TO PUBLIC;
CREATE FUNCTION $q_evil.hostile(text) RETURNS void LANGUAGE sql AS
  \$\$ INSERT INTO $q_evil.hostile_log VALUES (\$1) \$\$;
-- named like the extension's functions, same signatures
CREATE FUNCTION $q_evil.pg_slow_statements(showtext boolean DEFAULT true)
  RETURNS SETOF record LANGUAGE plpgsql AS
  \$\$ BEGIN PERFORM $q_evil.hostile('pg_slow_statements'); END \$\$;
CREATE FUNCTION $q_evil.pg_slow_statements_info()
  RETURNS record LANGUAGE plpgsql AS
  \$\$ BEGIN PERFORM $q_evil.hostile('pg_slow_statements_info'); RETURN NULL; END \$\$;
CREATE FUNCTION $q_evil.pg_slow_statements_fingerprint(text)
  RETURNS bigint LANGUAGE plpgsql AS
  \$\$ BEGIN PERFORM $q_evil.hostile('fingerprint'); RETURN 0; END \$\$;
-- operators and functions a script might use unqualified
CREATE FUNCTION $q_evil.hostile_eq(oid, oid) RETURNS boolean LANGUAGE plpgsql AS
  \$\$ BEGIN PERFORM $q_evil.hostile('oid ='); RETURN \$1 OPERATOR(pg_catalog.=) \$2; END \$\$;
CREATE OPERATOR $q_evil.= (LEFTARG = oid, RIGHTARG = oid, FUNCTION = $q_evil.hostile_eq);
CREATE FUNCTION $q_evil.hostile_eq8(bigint, bigint) RETURNS boolean LANGUAGE plpgsql AS
  \$\$ BEGIN PERFORM $q_evil.hostile('bigint ='); RETURN \$1 OPERATOR(pg_catalog.=) \$2; END \$\$;
CREATE OPERATOR $q_evil.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = $q_evil.hostile_eq8);
CREATE FUNCTION $q_evil.now() RETURNS timestamptz LANGUAGE plpgsql AS
  \$\$ BEGIN PERFORM $q_evil.hostile('now'); RETURN pg_catalog.now(); END \$\$;
CREATE FUNCTION $q_evil.length(text) RETURNS int LANGUAGE plpgsql AS
  \$\$ BEGIN PERFORM $q_evil.hostile('length'); RETURN 0; END \$\$;
CREATE FUNCTION $q_evil.textlike(text, text) RETURNS boolean LANGUAGE plpgsql AS
  \$\$ BEGIN PERFORM $q_evil.hostile('like'); RETURN true; END \$\$;
});

my $path = qq{SET search_path = $q_evil, $q_ext, pg_catalog;};
my ($rc, $out, $err) = $node->psql('postgres',
	"$path\nCREATE EXTENSION pg_slow_statements SCHEMA $q_ext;");
is($rc, 0,
	"CREATE EXTENSION into $q_ext with hostile objects first in search_path")
  or diag($err);
is( $node->safe_psql(
		'postgres',
		qq{SELECT count(*) FROM pg_proc p JOIN pg_depend d
			ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass
		   JOIN pg_extension e ON e.oid = d.refobjid
		  WHERE e.extname = 'pg_slow_statements'
			AND p.pronamespace <> '$q_ext'::regnamespace}),
	'0',
	"every function of the extension is in $q_ext");

my $use_sql = qq{
$path
SELECT 1 AS probe;
SELECT count(*) > 0 FROM $q_ext.pg_slow_statements;
SELECT count(*) >= 0 FROM $q_ext.pg_slow_statements(false);
SELECT entries > 0 FROM $q_ext.pg_slow_statements_info;
SELECT $q_ext.pg_slow_statements_fingerprint('SELECT 1') <> 0;
SELECT $q_ext.pg_slow_statements_normalize('SELECT 1');
SELECT $q_ext.pg_slow_statements_reset(0, 0, 0, true) IS NOT NULL;
SELECT $q_ext.pg_slow_statements_reset() IS NOT NULL;
};
($rc, $out, $err) = $node->psql('postgres', $use_sql);
is($rc, 0, 'the views and functions work with the hostile search_path')
  or diag($err);
is($out, "1\nt\nt\nt\nt\nSELECT \$1\nt\nt",
	'and give the expected answers');
is( $node->safe_psql(
		'postgres', "SELECT string_agg(what, ', ') FROM $q_evil.hostile_log"),
	'', 'no hostile function or operator ran');

#---- Privileges ----

# A schema other than public needs USAGE for the monitoring roles, as a DBA
# would grant it
$node->safe_psql('postgres', "GRANT USAGE ON SCHEMA $q_ext TO PUBLIC");

$node->safe_psql(
	'postgres', q{
CREATE ROLE alice LOGIN;
CREATE ROLE bob LOGIN;
CREATE ROLE reader LOGIN IN ROLE pg_read_all_stats;
});
$node->safe_psql('postgres',
	"SELECT 1 AS alice_secret_column; SELECT 'x' AS alice_secret_two",
	connstr => $node->connstr('postgres') . ' user=alice');
$node->safe_psql('postgres', 'SELECT 1 AS bob_own_column',
	connstr => $node->connstr('postgres') . ' user=bob');

# as(role, sql): run as a role
sub as
{
	my ($role, $sql) = @_;
	my ($rc, $out, $err) = $node->psql('postgres',
		"SET search_path = $q_ext, pg_catalog;\n$sql",
		connstr => $node->connstr('postgres') . " user=$role");
	return ($rc, $out, $err);
}

my $alice = $node->safe_psql('postgres',
	"SELECT oid FROM pg_roles WHERE rolname = 'alice'");
my $bob = $node->safe_psql('postgres',
	"SELECT oid FROM pg_roles WHERE rolname = 'bob'");

foreach my $src ('pg_slow_statements', 'pg_slow_statements(true)',
	'pg_slow_statements(false)')
{
	my ($rc, $out) = as('bob',
		"SELECT count(*),
				count(*) FILTER (WHERE query IS DISTINCT FROM '<insufficient privilege>'
									   AND query IS NOT NULL
								 OR queryid IS NOT NULL),
				count(*) FILTER (WHERE row_to_json(p)::text LIKE '%alice_secret%')
		   FROM $src p WHERE userid = $alice");
	my ($rows, $shown, $leaks) = split /\|/, $out // '';
	cmp_ok($rows // 0, '>=', 2, "bob sees alice's rows in $src");
	is("$shown|$leaks", '0|0',
		"bob sees neither text nor queryid of alice's rows in $src, in no column");
}
($rc, $out) = as('bob',
	"SELECT count(*) FROM pg_slow_statements WHERE query LIKE '%bob_own_column%'");
is($out, '1', 'bob sees his own text');
($rc, $out) = as('reader',
	"SELECT count(*) FROM pg_slow_statements
	  WHERE userid = $alice AND query LIKE '%alice_secret%' AND queryid IS NOT NULL");
is($out, '2', 'a member of pg_read_all_stats sees alice\'s texts and queryids');

# Every function of the extension that bob may call without arguments:
# nothing it returns outside bob's own rows holds alice's text (bob's own
# rows may: his statements above name it in their constants, which the
# raw slowest-execution sample keeps)
my @funcs = split /\n/,
  $node->safe_psql(
	'postgres', q{
SELECT p.proname || '|' || p.prosecdef || '|'
	   || has_function_privilege('bob', p.oid, 'EXECUTE') || '|'
	   || (p.pronargs = p.pronargdefaults) || '|' || p.proretset
	   || '|' || (p.prorettype = 'record'::regtype)
  FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'pg_slow_statements'
 ORDER BY 1});
cmp_ok(scalar(@funcs), '>=', 5, scalar(@funcs) . ' functions in the extension');
foreach my $f (@funcs)
{
	my ($name, $secdef, $exec, $noargs, $retset, $record) = split /\|/, $f;
	is($secdef, 'false', "$name is not SECURITY DEFINER");
	if ($name =~ /reset/)
	{
		is($exec, 'false', "bob may not execute $name");
		my ($rc, $out, $err) = as('bob', "SELECT $name()");
		like($err, qr/permission denied/, "bob's call of $name is refused");
		next;
	}
	next unless $exec eq 'true' && $noargs eq 'true' && ($retset eq 'true' || $record eq 'true');
	my ($rc, $out, $err) = as('bob',
		"SELECT count(*) FILTER (WHERE row_to_json(f)::text LIKE '%alice_secret%')
		   FROM $name() f
		  WHERE (row_to_json(f)->>'userid') IS DISTINCT FROM '$bob'");
	is("$rc|$out", '0|0', "nothing $name() returns to bob holds alice's text")
	  or diag($err);
}
# A function taking a queryid gives nothing of alice's to bob, even with
# her statement's fingerprint (which anyone can compute from a guessed text)
($rc, $out) = as('bob',
	"SELECT count(*) FROM pg_slow_statements_histogram(
		pg_slow_statements_fingerprint('SELECT 1 AS alice_secret_column'))");
is($out, '0', "bob gets no histogram of alice's statement from its fingerprint");
($rc, $out) = as('reader',
	"SELECT count(*) > 0 FROM pg_slow_statements_histogram(
		pg_slow_statements_fingerprint('SELECT 1 AS alice_secret_column'))");
is($out, 't', 'a member of pg_read_all_stats gets it');
$node->safe_psql('postgres', 'SELECT 1 AS still_there');
is( $node->safe_psql(
		'postgres',
		"SELECT count(*) FROM $q_ext.pg_slow_statements
		  WHERE query LIKE '%alice_secret%'"),
	'2',
	'the refused resets removed nothing');

#---- The saved file ----

$node->stop;
my $file = $node->data_dir . '/pg_stat/pg_slow_statements.stat';
ok(-f $file, 'a clean stop saved the file');
my $mode = (stat($file))[2] & 07777;
is(sprintf('%04o', $mode), '0600',
	'the saved file is readable and writable by the server\'s user only');

done_testing();
