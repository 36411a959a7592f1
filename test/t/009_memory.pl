# test/t/009_memory.pl
#
# Shared memory used by the store at pg_slow_statements.max = 100, 5000 and
# 50000, with the default text memory (2 kB per entry) and with a fixed
# 1 MB of text memory: the allocation named "pg_slow_statements" in
# pg_shmem_allocations, which holds the whole store (control block,
# entries, dense array, index and text region), plus any growth of the
# anonymous allocations over a server without the library, so that memory
# taken without a name would be counted too.  The figures are printed for
# the README, and checked against bounds:
#
#	- the store without texts costs at most 2.5 kB per entry plus 64 kB,
#	  beside the activity slots (about 70 kB, which depend on the process
#	  counts, not on max, and are checked apart);
#	- the default text memory adds 2 kB per entry (within one chunk per
#	  entry's worth of rounding);
#	- a fixed text_memory adds exactly that, rounded to chunks.
#
# The server also runs a statement at each size, so a store of each size is
# known to work, not only to be allocated.  The activity slots (one of 64
# bytes per PGPROC: src/activity.h) are a second named allocation, whose
# size depends on max_connections and the other process counts, not on
# max: it is checked apart, and counted in the figures like the rest.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use PssNode;

my $node = PssNode::start('memory', preload => '');

my $anon_sql = "SELECT sum(allocated_size) FROM pg_shmem_allocations
				 WHERE name = '<anonymous>'";
my $anon_baseline = $node->safe_psql('postgres', $anon_sql);
$node->append_conf('postgresql.conf',
	"shared_preload_libraries = 'pg_slow_statements'\n");
$node->restart;
$node->safe_psql('postgres', 'CREATE EXTENSION pg_slow_statements');

# usage(): (number of named allocations, bytes of the extension's shared
# memory: named allocations plus the growth of the anonymous ones)
sub usage
{
	my ($n, $named) = split /\|/,
	  $node->safe_psql(
		'postgres', "
SELECT count(*), sum(allocated_size) FROM pg_shmem_allocations
 WHERE name LIKE 'pg\\_slow\\_statements%'");
	my $anon = $node->safe_psql('postgres', $anon_sql);
	return ($n, $named + $anon - $anon_baseline);
}

# configure(max, text_memory): restart with these settings
sub configure
{
	my ($max, $text_memory) = @_;
	$node->append_conf('postgresql.conf',
		"pg_slow_statements.max = $max\n"
		  . "pg_slow_statements.text_memory = $text_memory\n");
	$node->restart;
	return;
}

my %bytes;
foreach my $max (100, 5000, 50000)
{
	foreach my $text ('-1', '1MB')
	{
		configure($max, $text);
		my ($n, $size) = usage();
		is($n, 2,
			"max = $max, text_memory = $text: one allocation holds the whole store, another the activity slots"
		);
		$bytes{$max}{$text} = $size;
		is($node->safe_psql('postgres', 'SELECT 1 AS memory_probe'),
			'1', "max = $max, text_memory = $text: the store works");
		my ($max_entries, $text_capacity) = split /\|/,
		  $node->safe_psql('postgres',
			'SELECT max_entries, text_memory FROM pg_slow_statements_info');
		is($max_entries, $max, "max = $max: max_entries reports it");
		$bytes{$max}{"cap$text"} = $text_capacity;
	}
}

# The activity slots: 592 bytes per PGPROC (backends, auxiliary processes,
# prepared transactions), fewer than 64 auxiliary ones on any version
my ($slots, $procs) = split /\|/,
  $node->safe_psql(
	'postgres', "
SELECT (SELECT size FROM pg_shmem_allocations
		 WHERE name = 'pg_slow_statements activity'),
	   current_setting('max_connections')::int
	   + current_setting('autovacuum_max_workers')::int + 1
	   + current_setting('max_worker_processes')::int
	   + current_setting('max_wal_senders')::int
	   + current_setting('max_prepared_transactions')::int");
cmp_ok($slots, '<=', 592 * ($procs + 64),
	"the activity slots take 592 bytes per process ($slots bytes for $procs processes and the auxiliary ones)"
);

my @figures;
foreach my $max (100, 5000, 50000)
{
	my $base = $bytes{$max}{'1MB'} - $bytes{$max}{'cap1MB'};
	my $default_text = $bytes{$max}{'-1'} - $bytes{$max}{'1MB'}
	  + $bytes{$max}{'cap1MB'};
	# the activity slots (checked above) depend on the process counts,
	# not on max: beside them
	cmp_ok($base - $slots, '<=', 2560 * $max + 65536,
		"max = $max: the store without texts takes at most 2.5 kB per entry + 64 kB, beside the activity slots ($base bytes, $slots of them the slots)"
	);
	cmp_ok(abs($default_text - 2048 * $max),
		'<=', 65536,
		"max = $max: the default text memory is 2 kB per entry ($default_text bytes)"
	);
	push @figures,
	  sprintf(
		"max = %6d: %8.1f MB with the default text memory, %8.1f MB with text_memory = 1MB; %d bytes per entry without texts",
		$max, $bytes{$max}{'-1'} / 1048576,
		$bytes{$max}{'1MB'} / 1048576, $base / $max);
}
diag("009_memory: shared memory of the store:\n" . join("\n", @figures));

$node->stop;
done_testing();
