# test/t/014_read_no_temp_files.pl
#
# A read of 12,000 entries at the default work_mem (4 MB) writes no
# temporary file: the view, the view without texts, and the top view.
# Before, each of these reads wrote one of 5 to 6.5 MB (the rows took more
# than work_mem in a tuplestore), and the top view's window and sort would
# have written more.  Temporary files are counted from the server log with
# log_temp_files = 0, which logs every one of them when it is removed: the
# count does not depend on timing.  A query known to spill (a function scan
# of a million rows) first shows that the log does report them here.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use PssNode;

my $entries = 12000;
my $node = PssNode::start(
	'read_no_temp',
	conf => "pg_slow_statements.max = 15000\n"
	  . "log_temp_files = 0\n"
	  . "log_min_messages = log\n");

is($node->safe_psql('postgres', 'SHOW work_mem'), '4MB',
	'work_mem is the default');

# $entries distinct statements: each names its own CTE
my $fill = '';
for my $k (1 .. $entries)
{
	$fill .= "WITH w$k AS (SELECT $k AS aid, 'abc' AS filler) "
	  . "SELECT aid, filler FROM w$k WHERE aid > 0;\n";
}
$node->safe_psql('postgres', $fill);
cmp_ok(
	$node->safe_psql('postgres', 'SELECT count(*) FROM pg_slow_statements'),
	'>=', $entries, "$entries entries or more");

# temp_files(SQL): the temporary files a query wrote, from the log
sub temp_files
{
	my ($sql) = @_;
	my $offset = -s $node->logfile;
	$node->safe_psql('postgres', $sql);
	my $log = slurp_file($node->logfile, $offset);
	my @files = ($log =~ /LOG:\s+temporary file: /g);
	return scalar @files;
}

cmp_ok(temp_files('SELECT * FROM generate_series(1, 1000000)'),
	'>', 0, 'a query past work_mem writes temporary files, and they are logged');

for my $sql (
	'SELECT * FROM pg_slow_statements',
	'SELECT * FROM pg_slow_statements(showtext => false)',
	'SELECT * FROM pg_slow_statements_top')
{
	is(temp_files($sql), 0, "no temporary file: $sql");
}

$node->stop;
done_testing();
