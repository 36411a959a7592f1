# test/t/032_orm_shapes_psycopg.pl
#
# What ORMs send through psycopg 3, with its server-side binding (the
# extended protocol, $n parameters): one entry per statement shape whatever
# the batch size or the generated name, with calls, rows and failures exact.
#   - SQLAlchemy's IN with typed parameters: IN ($1::INTEGER, ...) of 1 to 5
#     items;
#   - insertmanyvalues: VALUES ($1::VARCHAR, $2::DATE), ... RETURNING of 1
#     to 3 rows, and Sequelize's VALUES (DEFAULT, $1), ...;
#   - nested transactions (psycopg's savepoints "_pg3_1", "_pg3_2") and a
#     savepoint rolled back after a failure;
#   - named server-side cursors: DECLARE, FETCH FORWARD n FROM, CLOSE.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use PssNode;

my $node = PssNode::start('orm_shapes',
	conf => "pg_slow_statements.track = top\n");
$node->safe_psql('postgres', q{
CREATE TABLE users (id serial PRIMARY KEY, name varchar, born date);
SELECT pg_slow_statements_reset();
});

my $py = <<'PY';
import sys
import datetime
import psycopg
with psycopg.connect(host=sys.argv[1], port=sys.argv[2], dbname="postgres",
                     autocommit=True) as conn:
    # insertmanyvalues: batches of 1 to 3 rows
    for n in (1, 2, 3):
        rows = ", ".join(["(%s::VARCHAR, %s::DATE)"] * n)
        args = []
        for i in range(n):
            args += ["u%d" % i, datetime.date(2000, 1, 1 + i)]
        conn.execute("INSERT INTO users (name, born) VALUES " + rows +
                     " RETURNING users.id", args).fetchall()
    # Sequelize's bulkCreate
    for n in (2, 3):
        rows = ",".join(["(DEFAULT,%s,NULL)"] * n)
        conn.execute("INSERT INTO users (id,name,born) VALUES " + rows,
                     ["s%d" % i for i in range(n)])
    # IN with typed parameters, 1 to 5 items
    for n in range(1, 6):
        items = ", ".join(["%s::INTEGER"] * n)
        conn.execute("SELECT users.id FROM users WHERE users.id IN (" +
                     items + ")", list(range(1, n + 1))).fetchall()
    # a failure in such a list
    try:
        conn.execute("SELECT users.id FROM users WHERE users.id IN "
                     "(%s::INTEGER, %s::INTEGER)", [1, "x"])
    except psycopg.Error:
        pass
    # nested transactions: savepoints _pg3_1, _pg3_2
    with conn.transaction():
        with conn.transaction():
            conn.execute("SELECT 1 AS in_savepoint")
            with conn.transaction():
                conn.execute("SELECT 1 AS in_savepoint")
        try:
            with conn.transaction():
                conn.execute("SELECT 1 / 0 AS in_savepoint_fails")
        except psycopg.Error:
            pass
    # named server-side cursors
    for name in ("c_one", "c_two"):
        with conn.transaction():
            with conn.cursor(name=name) as cur:
                cur.itersize = 2
                cur.execute("SELECT id FROM users ORDER BY id")
                cur.fetchmany(2)
                cur.fetchmany(2)
print("done")
PY
my ($out, $err);
my $ok = IPC::Run::run([ 'python3', '-c', $py, $node->host, $node->port ],
	'>', \$out, '2>', \$err);
if (!$ok && $err =~ /No module named 'psycopg'/)
{
	plan skip_all => 'psycopg 3 is not installed (test/deps.sh installs it)';
}
ok($ok, 'the psycopg 3 workload ran') or diag($err);

sub stat_of
{
	my ($like) = @_;
	return $node->safe_psql('postgres',
		    "SELECT count(*) || '|' || sum(calls) || '|' || sum(rows) || '|'"
		  . " || sum(failed_calls) FROM pg_slow_statements"
		  . " WHERE query LIKE '$like'");
}

is(stat_of('INSERT INTO users (name, born) VALUES%'), '1|3|6|0',
	'insertmanyvalues: one entry for batches of 1 to 3 rows, 6 rows');
is(stat_of('INSERT INTO users (id,name,born) VALUES%'), '1|2|5|0',
	'VALUES (DEFAULT, ...) rows: one entry, 5 rows');
is(stat_of('SELECT users.id FROM users WHERE users.id IN%'), '1|5|15|1',
	'IN ($1::INTEGER, ...) of 1 to 5 items: one entry, and its failure');
is( $node->safe_psql(
		'postgres',
		"SELECT query FROM pg_slow_statements WHERE query LIKE 'SELECT users.id%'"),
	'SELECT users.id FROM users WHERE users.id IN ($1 /*, ... */)',
	'its text shows the list once');
is(stat_of('SAVEPOINT%'), '1|3|0|0', 'savepoints of every depth: one entry');
is(stat_of('RELEASE%'), '1|3|0|0',
	'their release (psycopg releases a savepoint rolled back to, too): one entry');
is(stat_of('ROLLBACK TO%'), '1|1|0|0', 'the rollback to one: one entry');
is(stat_of('%in_savepoint_fails%'), '1|0|0|1',
	'the failure inside a savepoint counts once');
is(stat_of('DECLARE%'), '1|2|0|0', 'named cursors: one DECLARE entry');
is(stat_of('FETCH%'), '1|4|8|0', 'their FETCHes: one entry, 8 rows');
is(stat_of('CLOSE%'), '1|2|0|0', 'their CLOSE: one entry');

$node->stop;
done_testing();
