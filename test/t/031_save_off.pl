# test/t/031_save_off.pl
#
# With pg_slow_statements.save off, a saved file found at start is not
# loaded (it is removed), as with pg_stat_statements.save.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use PssNode;

my $node = PssNode::start('save_off');
$node->safe_psql('postgres', 'SELECT 1 AS saved_statement');
$node->stop;

# saved_rows: the rows of the statement run before the first shutdown
sub saved_rows
{
	return $node->safe_psql('postgres',
		q{SELECT count(*) FROM pg_slow_statements WHERE query LIKE '%saved_statement%'}
	);
}

my $file = $node->data_dir . '/pg_stat/pg_slow_statements.stat';
ok(-f $file, 'a clean shutdown with save on wrote the file');

$node->append_conf('postgresql.conf', "pg_slow_statements.save = off\n");
$node->start;
is(saved_rows(), '0',
	'with save off, the saved statistics are not loaded');
ok(!-f $file, 'with save off, the file found at start is removed');

# and it stays gone: save on again loads nothing old
$node->stop;
$node->append_conf('postgresql.conf', "pg_slow_statements.save = on\n");
$node->start;
is(saved_rows(), '0',
	'statistics from before the save-off period never come back');
$node->stop;
done_testing();
