# test/t/041_failures.pl
#
# Every failed statement is counted once, at whatever stage it fails:
#   - over the simple protocol: a missing relation (42P01) and column
#     (42703) in parse analysis, a syntax error (42601) in the parser,
#     permission denied (42501) in ExecutorStart, a lock timeout (55P03)
#     while parse analysis waits for a table lock, and an error while the
#     statement runs (22012);
#   - the same over the extended protocol (psycopg 3: Parse, Bind,
#     Execute), plus an invalid parameter in Bind (22P02);
#   - in a multi-statement string, the failing statement is charged, not
#     the string, and the statements before it count as calls;
#   - with track = all, an error that a PL/pgSQL exception block catches is
#     counted on the failing inner statement only, and a nested statement
#     that fails in ExecutorStart is counted;
#   - a statement rejected because its transaction already failed (25P02)
#     is not counted;
#   - the failure of a statement whose text is the same as a successful
#     one's lands in the same entry (same queryid).

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use PssNode;
use PssProto;

my $node = PssNode::start('failures', extension => 0);

$node->safe_psql('postgres', q{
CREATE EXTENSION pg_slow_statements;
CREATE TABLE pss_t (a int);
INSERT INTO pss_t VALUES (1), (2), (3);
CREATE TABLE pss_secret (a int);
CREATE TABLE pss_locked (a int);
CREATE ROLE pss_noread;
GRANT SELECT ON pss_t TO pss_noread;
});

# failures(QUERY_LIKE): "calls|failed_calls|last_error" of the entries whose
# normalized text is LIKE the pattern, summed; '0|0|' when there is none
sub failures
{
	my ($like) = @_;
	return $node->safe_psql('postgres', qq{
SELECT coalesce(sum(calls), 0) || '|' || coalesce(sum(failed_calls), 0) || '|' ||
       coalesce(max(last_error), '')
FROM pg_slow_statements WHERE query LIKE '$like'});
}

# one_message(SQL): send a string as one Query message (psql -c), expecting
# an error; returns psql's stderr
sub one_message
{
	my ($sql, @extra) = @_;
	my ($ret, $out, $err) =
	  $node->psql('postgres', '', extra_params => [ @extra, '-c', $sql ]);
	return $err;
}

# Holds pss_locked in ACCESS EXCLUSIVE mode, as an ALTER TABLE would
my $locker = $node->background_psql('postgres');
$locker->query_safe('BEGIN; LOCK TABLE pss_locked IN ACCESS EXCLUSIVE MODE');

#---- simple protocol ----

$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
like(one_message('SELECT a FROM pss_nosuch WHERE a = 1'),
	qr/does not exist/, 'simple: missing relation fails');
one_message('SELECT pss_nocol FROM pss_t WHERE a = 1');
one_message('SELEC a FROM pss_t WHERE a = 1');
like(one_message('SELECT a FROM pss_secret WHERE a = 1', '-c', 'SET ROLE pss_noread'),
	qr/permission denied/, 'simple: permission denied fails');
like(one_message("SET lock_timeout = '200ms'; SELECT a FROM pss_locked WHERE a = 1"),
	qr/lock timeout/, 'simple: lock timeout fails');
one_message('SELECT 1 / (a - 1) FROM pss_t');

is(failures('SELECT a FROM pss_nosuch WHERE a = $1'), '0|1|42P01',
	'simple: missing relation (42P01) counted once');
is(failures('SELECT pss_nocol FROM pss_t WHERE a = $1'), '0|1|42703',
	'simple: missing column (42703) counted once');
is(failures('SELEC a FROM pss_t WHERE a = $1'), '0|1|42601',
	'simple: syntax error (42601) counted once');
is(failures('SELECT a FROM pss_secret WHERE a = $1'), '0|1|42501',
	'simple: permission denied in ExecutorStart (42501) counted once');
is(failures('SELECT a FROM pss_locked WHERE a = $1'), '0|1|55P03',
	'simple: lock timeout in parse analysis (55P03) counted once');
is(failures('SELECT $1 / (a - $2) FROM pss_t'), '0|1|22012',
	'simple: error while running (22012) counted once');
is(failures('SET lock_timeout = $1'), '1|0|',
	'simple: the statement before the failing one in the string is a call');

# The same text, successful, lands in the entry of its failures
$node->safe_psql('postgres', 'ALTER TABLE pss_t ADD pss_nocol int');
$node->safe_psql('postgres', 'SELECT pss_nocol FROM pss_t WHERE a = 1');
is(failures('SELECT pss_nocol FROM pss_t WHERE a = $1'), '1|1|42703',
	'a failure and a success of one statement share its entry');
$node->safe_psql('postgres', 'ALTER TABLE pss_t DROP pss_nocol');

#---- multi-statement strings ----

$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
one_message('SELECT 101; SELECT a FROM pss_nosuch_m; SELECT 102');
is(failures('SELECT a FROM pss_nosuch_m'), '0|1|42P01',
	'multi: the failing statement is charged (error position)');
is(failures('SELECT $1'), '1|0|', 'multi: the statement before it is a call');
one_message("SET lock_timeout = '200ms'; SELECT 103; SELECT a FROM pss_locked; SELECT 104");
is(failures('SELECT a FROM pss_locked'), '0|1|55P03',
	'multi: a failure without position is charged to the statement after the last one done');
one_message("SELECT a FROM pss_locked WHERE a > 0; SELECT 105",
	'-c', "SET lock_timeout = '200ms'");
is(failures('SELECT a FROM pss_locked WHERE a > $1'), '0|1|55P03',
	'multi: a failure in the first statement, before any ran, is charged to it');
one_message('SELECT 106; SELEC 107; SELECT 108');
is(failures('SELEC $1'), '0|1|42601', 'multi: a syntax error is charged to its statement');
# A warning logged while the statement is planned (an immutable function
# evaluated then) must not make the planner's error lose its statement.
$node->safe_psql('postgres', q{
CREATE FUNCTION pss_warn_fail() RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$
DECLARE n int := 0;
BEGIN
	RAISE WARNING 'about to fail';
	RETURN 1 / n;
END $$});
$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
one_message('SELECT 109; SELECT pss_warn_fail()');
is(failures('SELECT pss_warn_fail()'), '0|1|22012',
	'multi: a warning before the error does not lose the failing statement');
is(failures('SELECT $1'), '1|0|', 'multi: nor charge the one before it');
my $strings = $node->safe_psql('postgres',
	q{SELECT count(*) FROM pg_slow_statements WHERE query LIKE '%;%'});
is($strings, '0', 'multi: no entry for a whole string');

#---- extended protocol ----

$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
my $conninfo = $node->connstr('postgres');
my $out = `/usr/bin/python3 $ENV{TESTDIR}/test/failures_client.py "$conninfo" relation column syntax permission bind lock execute 2>&1`;
is($out, "relation 42P01\ncolumn 42703\nsyntax 42601\npermission 42501\n"
	  . "bind 22P02\nlock 55P03\nexecute 22012\n",
	'extended: each case fails with its SQLSTATE');
is(failures('SELECT a FROM pss_nosuch WHERE a = $1'), '0|1|42P01',
	'extended: missing relation in Parse counted once');
is(failures('SELECT pss_nocol FROM pss_t WHERE a = $1'), '0|1|42703',
	'extended: missing column in Parse counted once');
is(failures('SELEC a FROM pss_t WHERE a = $1'), '0|1|42601',
	'extended: syntax error in Parse counted once');
is(failures('SELECT a FROM pss_secret WHERE a = $1'), '0|1|42501',
	'extended: permission denied in ExecutorStart counted once');
is(failures('SELECT a FROM pss_t WHERE a = $1::int'), '0|1|22P02',
	'extended: invalid parameter in Bind counted once');
is(failures('SELECT a FROM pss_locked WHERE a = $1'), '0|1|55P03',
	'extended: lock timeout in Parse counted once');
is(failures('SELECT $2 / (a - $1) FROM pss_t'), '0|1|22012',
	'extended: error in Execute counted once');

$locker->quit;

#---- nested statements, track = all ----

$node->safe_psql('postgres', q{
ALTER SYSTEM SET pg_slow_statements.track = 'all';
SELECT pg_reload_conf();
CREATE FUNCTION pss_catching() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
	BEGIN
		PERFORM 1 / (a - 1) FROM pss_t;
	EXCEPTION WHEN division_by_zero THEN
		RETURN -1;
	END;
	RETURN 1;
END $$;
CREATE FUNCTION pss_reading() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
	BEGIN
		PERFORM a FROM pss_secret;
	EXCEPTION WHEN insufficient_privilege THEN
		RETURN -2;
	END;
	RETURN 2;
END $$;
GRANT EXECUTE ON FUNCTION pss_reading() TO pss_noread;
SELECT pg_slow_statements_reset();
});
is($node->safe_psql('postgres', 'SELECT pss_catching()'), '-1',
	'the function catches the error');
is(failures('SELECT $1 / (a - $2) FROM pss_t'), '0|1|22012',
	'nested: the caught error is counted on the inner statement');
is(failures('SELECT pss_catching()'), '1|0|',
	'nested: the calling statement succeeded, with no failure');
is($node->safe_psql('postgres', '',
		extra_params => [ '-c', 'SET ROLE pss_noread', '-c', 'SELECT pss_reading()' ]), '-2',
	'the function catches permission denied');
is(failures('SELECT a FROM pss_secret'), '0|1|42501',
	'nested: permission denied in ExecutorStart is counted on the inner statement');

#---- a statement in a failed transaction block is not run ----

$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
$node->psql('postgres',
	"BEGIN;\nSELECT 1 / 0;\nSELECT 'ignored 25P02';\nROLLBACK;",
	on_error_stop => 0);
is(failures('SELECT $1 / $2'), '0|1|22012', 'the failing statement is counted');
is(failures('SELECT $1'), '0|0|', 'statements ignored in a failed transaction are not counted');

#---- a failure inside a savepoint that the log does not see ----

# With log_min_messages above error, the error never reaches the log hook:
# the subtransaction's abort must restore the nesting level, or every
# later statement of the session is taken for a nested one.
foreach my $track ('top', 'all')
{
	$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
	$node->psql(
		'postgres', qq{
SET log_min_messages = fatal;
SET pg_slow_statements.track = '$track';
BEGIN;
SAVEPOINT a;
SELECT 1 / (a - 1) FROM pss_t;
ROLLBACK TO a;
SELECT 'after the savepoint $track';
COMMIT;
SELECT 'after the transaction $track';
},
		on_error_stop => 0);
	is( $node->safe_psql(
			'postgres', q{
SELECT string_agg(query || ' ' || toplevel || ' ' || calls, ', ' ORDER BY query)
FROM pg_slow_statements WHERE query = 'SELECT $1'}),
		'SELECT $1 true 2',
		"track = $track: statements after an unlogged failure in a savepoint are top level"
	);
}

#---- a failure unwinding through more levels than are kept ----

# With track = all, every level of a recursion that fails at depth 12 is
# a failed statement: the innermost (the statement that raised the error)
# and the outermost, the top-level statement, are always counted.  Each
# level's statement has a FROM clause: PostgreSQL 19's PL/pgSQL evaluates
# a "SELECT expression INTO" without one as an expression, without the
# executor (no module sees it as a statement, pg_stat_statements neither).
$node->safe_psql('postgres', q{
CREATE FUNCTION pss_rec(n int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE r int;
BEGIN
	IF n = 0 THEN
		SELECT 1 / n INTO r FROM (VALUES (1)) v;
	END IF;
	SELECT pss_rec(n - 1) INTO r FROM (VALUES (1)) v;
	RETURN r;
END $$;
SELECT pg_slow_statements_reset();
});
$node->psql('postgres',
	"SET pg_slow_statements.track = 'all';
SELECT pss_rec(12);",
	on_error_stop => 0);
is(failures('SELECT pss_rec($1)'), '0|1|22012',
	'a failure 12 levels deep is counted on the top-level statement');
is(failures('SELECT $1 / n %FROM%'), '0|1|22012',
	'and on the statement that raised it');
my $pg19 = $node->safe_psql('postgres', 'SHOW server_version_num') >= 190000;

#---- a COMMIT that fails to commit counts once, as a failure ----

$node->safe_psql('postgres', q{
CREATE TABLE pss_parent (a int PRIMARY KEY);
CREATE TABLE pss_child (a int REFERENCES pss_parent DEFERRABLE INITIALLY DEFERRED);
SELECT pg_slow_statements_reset();
});
$node->psql('postgres', "BEGIN;
INSERT INTO pss_child VALUES (1);
COMMIT;",
	on_error_stop => 0);
is(failures('COMMIT'), '0|1|23503',
	'a COMMIT whose deferred foreign key check fails is a failure, not also a call');
$node->psql('postgres', "BEGIN;
INSERT INTO pss_parent VALUES (1);
COMMIT;");
is(failures('COMMIT'), '1|1|23503', 'a COMMIT that commits is a call');

$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
$node->psql('postgres', q{
BEGIN;
DECLARE pss_held CURSOR WITH HOLD FOR SELECT 1 / (a - 5) FROM generate_series(1, 10) a;
COMMIT;
}, on_error_stop => 0);
is(failures('COMMIT'), '0|1|22012',
	'a COMMIT that fails to persist a holdable cursor is a failure, not also a call');

# the same, without the error in the log: counted when the transaction aborts
$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
$node->psql('postgres',
	"SET log_min_messages = fatal;
BEGIN;
INSERT INTO pss_child VALUES (2);
COMMIT;",
	on_error_stop => 0);
is(failures('COMMIT'), '0|1|40000',
	'with log_min_messages = fatal, the failed COMMIT counts once, as a rollback');

# a COMMIT that fails after the deferred work, in the serializable
# transaction's conflict check, is a failure too: two sessions, each
# reading what the other writes; the second to commit fails with 40001
$node->safe_psql('postgres', q{
CREATE TABLE pss_ssi (k int PRIMARY KEY, v int);
INSERT INTO pss_ssi VALUES (1, 0), (2, 0);
SELECT pg_slow_statements_reset();
});
my @ssi = map { PssProto->connect($node->host, $node->port, 'postgres') } (1, 2);
for my $i (0, 1)
{
	my ($read, $write) = $i == 0 ? (1, 2) : (2, 1);
	for my $sql ('BEGIN ISOLATION LEVEL SERIALIZABLE',
		"SELECT sum(v) FROM pss_ssi WHERE k = $read",
		"UPDATE pss_ssi SET v = v + 1 WHERE k = $write")
	{
		my @e = PssProto->errors($ssi[$i]->query($sql));
		is("@e", '', "session $i: $sql");
	}
}
my @first = PssProto->errors($ssi[0]->query('COMMIT'));
my @second = PssProto->errors($ssi[1]->query('COMMIT'));
is("@first", '', 'the first COMMIT commits');
like("@second", qr/could not serialize/, 'the second fails to serialize');
$_->disconnect for @ssi;
is(failures('COMMIT'), '1|1|40001',
	'a COMMIT that fails its serialization check is a failure, not a call');

# an error that a deferred trigger catches does not fail the COMMIT
$node->safe_psql('postgres', q{
CREATE TABLE pss_caught (a int);
CREATE FUNCTION pss_catch_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	BEGIN
		PERFORM 1 / 0;
	EXCEPTION WHEN division_by_zero THEN
		NULL;
	END;
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER pss_caught_trg AFTER INSERT ON pss_caught
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION pss_catch_trg();
SELECT pg_slow_statements_reset();
});
$node->safe_psql('postgres',
	"BEGIN;
INSERT INTO pss_caught VALUES (1);
COMMIT;");
is(failures('COMMIT'), '1|0|',
	'a COMMIT whose deferred trigger catches an error is a call');

#---- a single statement whose implicit commit fails counts once ----

# each statement its own message and transaction: the commit that follows
# the INSERT checks the deferred foreign key
$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
$node->psql('postgres', "INSERT INTO pss_child VALUES (3);
INSERT INTO pss_child VALUES (1);", on_error_stop => 0);
is(failures('INSERT INTO pss_child%'), '1|1|23503',
	'an INSERT whose implicit commit fails is a failure, not also a call');
$node->psql('postgres', "SET log_min_messages = fatal;
INSERT INTO pss_child VALUES (4);", on_error_stop => 0);
is(failures('INSERT INTO pss_child%'), '1|2|40000',
	'with log_min_messages = fatal too, as a rollback');
$node->safe_psql('postgres', 'INSERT INTO pss_caught VALUES (2)');
is(failures('INSERT INTO pss_caught%'), '1|0|',
	'an INSERT whose deferred trigger catches an error at commit is a call');

# the same over the extended protocol (the commit at Sync), and with
# track = top (the statements above ran with track = all)
$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
$out = `/usr/bin/python3 $ENV{TESTDIR}/test/failures_client.py "$conninfo" commit 2>&1`;
is($out, "commit 23503\n", 'extended: the implicit commit fails');
is(failures('INSERT INTO pss_child%'), '0|1|23503',
	'extended: an INSERT whose implicit commit fails is a failure, not also a call');
$out = `/usr/bin/python3 $ENV{TESTDIR}/test/failures_client.py "$conninfo options='-c pg_slow_statements.track=top'" commit 2>&1`;
$node->psql('postgres', "SET pg_slow_statements.track = 'top';
INSERT INTO pss_child VALUES (99999);", on_error_stop => 0);
is(failures('INSERT INTO pss_child%'), '0|3|23503',
	'track = top: the same, over both protocols');

# a holdable cursor declared outside a transaction block is persisted by
# the DECLARE's own commit
$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
$node->psql('postgres',
	'DECLARE pss_held2 CURSOR WITH HOLD FOR SELECT 1 / (a - 5) FROM generate_series(1, 10) a;',
	on_error_stop => 0);
$node->safe_psql('postgres',
	'DECLARE pss_held3 CURSOR WITH HOLD FOR SELECT 1 / a FROM generate_series(1, 10) a');
# (the cursor's own query, tracked as a nested statement with track = all
# on 19, is not the DECLARE)
is( $node->safe_psql(
		'postgres', q{
SELECT sum(calls) || '|' || sum(failed_calls) || '|' || max(last_error)
FROM pg_slow_statements WHERE query LIKE 'DECLARE%' AND toplevel}),
	'1|1|22012',
	'a DECLARE WITH HOLD whose commit fails to persist the cursor is a failure, not also a call');

#---- statements that deferred triggers run at COMMIT ----

# They run after the COMMIT's own hook returned, outside any statement of
# the client's: with track = top they are recorded as top-level statements,
# as pg_stat_statements records them (README).
$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
$node->psql('postgres', "BEGIN;
INSERT INTO pss_child VALUES (1);
COMMIT;");
SKIP:
{
	# 19 checks this foreign key without a SQL statement of its own
	skip 'PostgreSQL 19 runs no statement for this foreign key check', 1
	  if $pg19;
is( $node->safe_psql(
		'postgres', q{
SELECT string_agg(calls || ' ' || toplevel, ', ')
FROM pg_slow_statements WHERE query LIKE '%FROM ONLY "public"."pss_parent" x%'}),
	'1 true',
	'track = top: the deferred foreign key check is recorded as a top-level statement'
);
}

# the same with a deferred constraint trigger that runs a statement, on
# every version
$node->safe_psql('postgres', q{
CREATE TABLE pss_audited (a int);
CREATE FUNCTION pss_audit_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM count(*) FROM pss_audited;
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER pss_audited_trg AFTER INSERT ON pss_audited
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION pss_audit_trg();
SELECT pg_slow_statements_reset();
});
$node->psql('postgres', "BEGIN;
INSERT INTO pss_audited VALUES (1);
COMMIT;");
is( $node->safe_psql(
		'postgres', q{
SELECT string_agg(calls || ' ' || toplevel, ', ')
FROM pg_slow_statements WHERE query = 'SELECT count(*) FROM pss_audited'}),
	'1 true',
	'track = top: a deferred trigger\'s statement is recorded as a top-level statement'
);

# a deferred trigger's statement that leaves a deferred check of its own,
# which fails at the implicit commit: the client's statement fails, and is
# not counted as a call (the trigger's statement does not take its place)
$node->safe_psql('postgres', q{
CREATE TABLE pss_pa (a int PRIMARY KEY);
CREATE TABLE pss_pb (a int REFERENCES pss_pa DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE pss_src (a int);
CREATE FUNCTION pss_src_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO pss_pb VALUES (NEW.a);
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER pss_src_trg AFTER INSERT ON pss_src
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION pss_src_trg();
SELECT pg_slow_statements_reset();
});
my ($chain_ret, $chain_out, $chain_err) =
  $node->psql('postgres', 'INSERT INTO pss_src VALUES (7)');
like($chain_err, qr/violates foreign key constraint/,
	'the trigger\'s deferred check fails at the implicit commit');
is(failures('INSERT INTO pss_src%'), '0|1|23503',
	'the client\'s statement is a failure, not a call');
is($node->safe_psql('postgres', 'SELECT count(*) FROM pss_src'), '0',
	'and its row is gone');

$node->stop;
done_testing();
