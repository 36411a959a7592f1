# test/t/002_saved_file.pl
#
# A bad saved file never stops the server: truncated, empty, random,
# corrupted, from another version or unreadable, it is reported with a
# WARNING and ignored, and the store starts empty.  So is a file whose
# declared sizes do not hold (issue 18): a sparse 40 GB file, which the
# postmaster used to read into memory and fail on, more entries than it
# holds, texts longer than allowed or than the file, values out of range.
# A good file saved with a larger pg_slow_statements.max loads its most
# used entries.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;

use PssNode;

my $save_file = 'pg_stat/pg_slow_statements.stat';

my $node = PssNode::start('saved_file',
	conf => "pg_slow_statements.max = 1000\n");

my $file = $node->data_dir . "/$save_file";

# Entries of the workload: everything but the test's own queries
my $count_sql = q{SELECT count(*) FROM pg_slow_statements
				   WHERE query NOT LIKE '%pg_slow_statements%'};

# letters(n): n in base 26 with the letters a-z, for distinct identifiers
sub letters
{
	my ($n) = @_;
	my $s = '';
	do
	{
		$s = chr(ord('a') + $n % 26) . $s;
		$n = int($n / 26);
	} while ($n > 0);
	return $s;
}

# install_file(bytes): put bytes in place of the saved file (server stopped)
sub install_file
{
	my ($bytes) = @_;
	open(my $fh, '>', $file) or die "could not write $file: $!";
	binmode $fh;
	print $fh $bytes;
	close $fh or die "could not close $file: $!";
	chmod 0600, $file;
	return;
}

# start_with(bytes): install bytes as the saved file, start the server,
# and report (started, warned, workload entries, file removed).  Stops the
# server again afterwards, leaving no file behind.
sub start_with
{
	my ($bytes, $sparse_size) = @_;
	my $offset = -s $node->logfile;
	install_file($bytes);
	if (defined $sparse_size)
	{
		# extended with a hole: takes no disk
		open(my $fh, '+<', $file) or die "could not open $file: $!";
		truncate($fh, $sparse_size) or die "could not extend $file: $!";
		close $fh;
	}
	my $started = $node->start(fail_ok => 1);
	return (0, 0, undef, 0) unless $started;
	my $warned = $node->log_contains(
		qr/WARNING:  (ignoring invalid file|could not read file) "\Q$save_file\E"/,
		$offset);
	my $removed = !-e $file;
	my $count = $node->safe_psql('postgres', $count_sql);
	$node->stop;
	unlink $file;
	return ($started, $warned, $count, $removed);
}

# check_bad(name, bytes[, sparse size]): the server starts, warns, and
# starts empty
sub check_bad
{
	my ($name, $bytes, $sparse_size) = @_;
	my ($started, $warned, $count, $removed) =
	  start_with($bytes, $sparse_size);
	ok($started, "$name: server starts");
	ok($warned, "$name: WARNING about the file in the server log");
	is($count, '0', "$name: store starts empty and the view works");
	ok($removed, "$name: file is removed at startup");
	return;
}

# A small valid file: two workload entries, with texts.  The reset runs
# untracked, so that the file holds nothing else.
{
	local $ENV{PGOPTIONS} = '-c pg_slow_statements.track=none';
	$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
}
$node->safe_psql('postgres', "SELECT 1 AS small_a;\nSELECT 1 AS small_b;\n");
$node->stop;
my $good = slurp_file($file);
my $size = length($good);
note "valid file: $size bytes";
cmp_ok($size, '>', 64, 'a clean stop writes a non-trivial file');

# The untouched file loads, which shows the harness itself is right
{
	my $offset = -s $node->logfile;
	install_file($good);
	$node->start;
	is($node->safe_psql('postgres', $count_sql),
		'2', 'valid file: its 2 workload entries are loaded');
	ok(!$node->log_contains(qr/WARNING/, $offset),
		'valid file: no WARNING in the server log');
	$node->stop;
	unlink $file;
}

check_bad('zero-length file', '');

# Truncated files.  A restart per length costs a fraction of a second, so
# for a file of more than 300 bytes we test every length up to 64 (all of
# the header), 64 lengths spread evenly over the rest, then the last 16
# lengths (the checksum and the end of the last text); a smaller file is
# tested at every length.  The checksum covers every byte, so any cut is
# detected wherever it falls.
my @lengths;
if ($size > 300)
{
	my %seen;
	my $step = ($size - 80) / 64;
	@lengths = grep { !$seen{$_}++ }
	  sort { $a <=> $b } (0 .. 64, map({ 64 + int($step * $_) } 1 .. 63),
		$size - 16 .. $size - 1);
}
else
{
	@lengths = (0 .. $size - 1);
}
my @failed;
foreach my $len (@lengths)
{
	my ($started, $warned, $count, $removed) =
	  start_with(substr($good, 0, $len));
	push @failed, "$len (started=$started warned=$warned count="
	  . ($count // 'none') . " removed=$removed)"
	  unless $started && $warned && defined $count && $count eq '0' && $removed;
}
is_deeply(\@failed, [],
	    'truncated file at each of '
	  . scalar(@lengths)
	  . ' lengths: server starts, warns and starts empty');

# Random bytes of a few sizes (a fixed seed keeps the test repeatable)
srand(20240601);
foreach my $len (1, 47, 300, 4096)
{
	my $bytes = join('', map { chr(int(rand(256))) } 1 .. $len);
	check_bad("random file of $len bytes", $bytes);
}

# One byte flipped in the middle: only the checksum can tell
{
	my $bytes = $good;
	my $pos = int($size / 2);
	substr($bytes, $pos, 1) = chr(ord(substr($bytes, $pos, 1)) ^ 0x5a);
	my $offset = -s $node->logfile;
	check_bad('one byte flipped in the middle', $bytes);
	ok($node->log_contains(qr/DETAIL:  The file's checksum does not match/, $offset),
		'one byte flipped in the middle: reported as a checksum mismatch');
}

# Header fields: uint32 magic, uint32 version, native (little-endian) order
{
	my $bytes = $good;
	my $version = unpack('L<', substr($bytes, 4, 4));
	substr($bytes, 4, 4) = pack('L<', $version + 1);
	my $offset = -s $node->logfile;
	check_bad('wrong version in the header', $bytes);
	ok( $node->log_contains(qr/DETAIL:  The file was written by another version/,
			$offset),
		'wrong version in the header: reported as another version');

	$bytes = $good;
	substr($bytes, 0, 4) = pack('L<', unpack('L<', substr($bytes, 0, 4)) ^ 1);
	$offset = -s $node->logfile;
	check_bad('wrong magic number', $bytes);
	ok( $node->log_contains(qr/DETAIL:  The file is not a pg_slow_statements file/,
			$offset),
		'wrong magic number: reported as not our file');
}

# A file the server cannot read
{
	my $offset = -s $node->logfile;
	install_file($good);
	chmod 0000, $file;
	SKIP:
	{
		skip 'running as root: chmod 000 does not stop reads', 5
		  if open(my $probe, '<', $file);
		ok($node->start(fail_ok => 1), 'unreadable file: server starts');
		ok( $node->log_contains(
				qr/WARNING:  could not read file "\Q$save_file\E": Permission denied/,
				$offset),
			'unreadable file: WARNING with the reason in the server log');
		is($node->safe_psql('postgres', $count_sql),
			'0', 'unreadable file: store starts empty and the view works');
		ok(!-e $file, 'unreadable file: file is removed at startup');
		$node->stop;
		ok(!$node->log_contains(qr/PANIC|TRAP|terminated by signal/, $offset),
			'unreadable file: no crash in the server log');
	}
	chmod 0600, $file if -e $file;
	unlink $file;
}

# Files whose declared sizes do not hold (issue 18).  Each is made from the
# valid file, with a checksum recomputed so that only the size tells.
my @crc_table = map {
	my $c = $_;
	$c = ($c & 1) ? (($c >> 1) ^ 0x82F63B78) : ($c >> 1) for 1 .. 8;
	$c
} 0 .. 255;

# crc32c(bytes): the checksum the server writes (CRC-32C)
sub crc32c
{
	my ($bytes) = @_;
	my $crc = 0xFFFFFFFF;
	$crc = $crc_table[ ($crc ^ $_) & 0xFF ] ^ ($crc >> 8)
	  foreach unpack('C*', $bytes);
	return $crc ^ 0xFFFFFFFF;
}

# The layout (persist.c): a 56-byte header (magic, version, pg_version,
# record_size as uint32, then nentries as int64 at 16, ..., the counters'
# layout as uint32 at 48), then each
# record, whose last 40 bytes are usage (double), stats_since,
# minmax_stats_since, then encoding and the three text lengths (int32),
# after the 96 bytes of the entry's wait events (src/waits.h), the count
# of its intervals of history, of its plans and of its sources and the
# length of its slowest run's source (int32 each), then the remainder's
# max time and last call (8 bytes each); followed by the texts (the three
# above, then the slowest run's source), the intervals, the plans (56
# bytes each, the length of its text as int32 at 48, then the text) and
# the sources (48 bytes each, the length of its text as int32 at 44, then
# the text); the checksum last.
my $header_size = 56;
my $record_size = unpack('L<', substr($good, 12, 4));
my $at_nhistory = $record_size - 72;
my $at_nplans = $record_size - 68;
my $at_nsources = $record_size - 64;
my $at_source_len = $record_size - 60;

# parse_saved(bytes): (header, [ { rec => bytes, texts => [3 texts],
# source => slowest run's source, history => bytes, plans => bytes,
# sources => bytes } ])
sub parse_saved
{
	my ($bytes) = @_;
	my $n = unpack('q<', substr($bytes, 16, 8));
	my $pos = $header_size;
	my @recs;
	foreach (1 .. $n)
	{
		my $rec = substr($bytes, $pos, $record_size);
		$pos += $record_size;
		my @texts;
		foreach my $len (unpack('l<3', substr($rec, $record_size - 12, 12)))
		{
			push @texts, $len >= 0 ? substr($bytes, $pos, $len) : undef;
			$pos += $len if $len > 0;
		}
		# the slowest run's source
		my $slen = unpack('l<', substr($rec, $at_source_len, 4));
		my $source = $slen >= 0 ? substr($bytes, $pos, $slen) : undef;
		$pos += $slen if $slen > 0;
		# then its intervals of history, 32 bytes each
		my $nhistory = unpack('l<', substr($rec, $at_nhistory, 4));
		my $history = substr($bytes, $pos, 32 * $nhistory);
		$pos += 32 * $nhistory;
		# then its plans, each with its text
		my $nplans = unpack('l<', substr($rec, $at_nplans, 4));
		my $plans = '';
		foreach (1 .. $nplans)
		{
			my $plan = substr($bytes, $pos, 56);
			my $len = unpack('l<', substr($plan, 48, 4));
			$len = 0 if $len < 0;
			$plans .= substr($bytes, $pos, 56 + $len);
			$pos += 56 + $len;
		}
		# then its sources, each with its text
		my $nsources = unpack('l<', substr($rec, $at_nsources, 4));
		my $sources = '';
		foreach (1 .. $nsources)
		{
			my $len = unpack('l<', substr($bytes, $pos + 44, 4));
			$len = 0 if $len < 0;
			$sources .= substr($bytes, $pos, 48 + $len);
			$pos += 48 + $len;
		}
		push @recs,
		  {
			rec => $rec,
			texts => \@texts,
			source => $source,
			history => $history,
			plans => $plans,
			sources => $sources
		  };
	}
	return (substr($bytes, 0, $header_size), \@recs);
}

# build_saved(header, records, nentries, lengths): a file with a valid
# checksum; nentries and the text lengths (of every record, or a record's
# own {lengths}; by default the texts' own) may lie
sub build_saved
{
	my ($header, $recs, $nentries, $lengths) = @_;
	substr($header, 16, 8) = pack('q<', $nentries // scalar(@$recs));
	my $body = $header;
	foreach my $r (@$recs)
	{
		my $rec = $r->{rec};
		my @texts = @{ $r->{texts} };
		substr($rec, $record_size - 12, 12) = pack('l<3',
			@{ $r->{lengths} // $lengths
				  // [ map { defined $_ ? length($_) : -1 } @texts ] });
		$body .= $rec . join('', map { $_ // '' } @texts) . ($r->{source} // '')
		  . ($r->{history} // '') . ($r->{plans} // '') . ($r->{sources} // '');
	}
	return $body . pack('L<', crc32c($body));
}

my ($good_header, $good_recs) = parse_saved($good);
is(build_saved($good_header, $good_recs), $good,
	'the test reads and rewrites the valid file byte for byte');

# check_bad_detail(name, detail, bytes[, sparse size]): check_bad, and the
# reason given
sub check_bad_detail
{
	my ($name, $detail, @file) = @_;
	my $offset = -s $node->logfile;
	check_bad($name, @file);
	ok($node->log_contains(qr/DETAIL:  \Q$detail\E/, $offset),
		"$name: reported as \"$detail\"");
	return;
}

# Sparse files of 40 GB, which take no disk.  The whole file used to be
# read into memory: the postmaster failed (out of memory), or took minutes
# where memory allows.  Checked by size and records, the file is rejected
# after reading what its records declare.  pg_ctl waits 60 s at most.
{
	local $ENV{PGCTLTIMEOUT} = 60;
	my $huge = 40 * 1024**3;
	check_bad_detail('valid file extended to 40 GB by a hole',
		'The file has trailing data.', $good, $huge);

	# a header that declares as many entries as 40 GB holds: the hole reads
	# as records of id 0, which no statement has
	my $header = $good_header;
	substr($header, 16, 8) =
	  pack('q<', int(($huge - $header_size - 4) / $record_size));
	check_bad_detail('40 GB hole under a header declaring 28 million entries',
		'An entry has no statement id.', $header, $huge);
}

# More entries declared than the file holds, or than any server writes
check_bad_detail('1001 entries declared (max is 1000), 2 held',
	"The file's entry count is wrong.",
	build_saved($good_header, $good_recs, 1001));
check_bad_detail('2^40 entries declared',
	"The file's entry count is wrong.",
	build_saved($good_header, $good_recs, 2**40));

# Texts longer than allowed: a slowest text or plan is at most 1 MB
# (slowest_text_max at its largest), a query text less than 1 GB
{
	my @recs = map { { %$_, texts => [ @{ $_->{texts} } ] } }
	  @$good_recs;
	$recs[0]{texts}[1] = 'x' x (1024 * 1024 + 1);
	check_bad_detail('slowest text of 1 MB + 1 byte',
		'A text is longer than allowed.',
		build_saved($good_header, \@recs));
	$recs[0]{texts}[1] = 'x' x (1024 * 1024);
	my ($started, $warned, $count) =
	  start_with(build_saved($good_header, \@recs));
	ok($started && !$warned && $count eq '2',
		'slowest text of exactly 1 MB: loaded');

	check_bad_detail('query text declared 2 GB - 1 long',
		'A text is longer than allowed.',
		build_saved($good_header, $good_recs, undef,
			[ 2**31 - 1, -1, -1 ]));
}

# Truncated pieces, with a checksum that matches what is left
{
	my $cut = build_saved($good_header, $good_recs);
	$cut = substr($cut, 0, length($cut) - 4 - 5);
	check_bad_detail('last text cut short, checksum recomputed',
		'The file is truncated.', $cut . pack('L<', crc32c($cut)));

	my @recs = map { { %$_ } } @$good_recs;
	$recs[1]{lengths} = [ length($recs[1]{texts}[0]) + 100, -1, -1 ];
	check_bad_detail('last text declared 100 bytes longer than the file',
		'The file is truncated.', build_saved($good_header, \@recs));
}

# Values out of range, with a valid checksum
{
	my @recs = map { { %$_, texts => [ @{ $_->{texts} } ] } }
	  @$good_recs;
	$recs[0]{texts}[0] = "SELECT 1\0AS nul";
	check_bad_detail('a text with a NUL byte',
		'A text is not valid in its encoding.',
		build_saved($good_header, \@recs));

	@recs = map { { %$_ } } @$good_recs;
	substr($recs[0]{rec}, $record_size - 16, 4) = pack('l<', 9999);
	check_bad_detail('an encoding no server has',
		'An entry has an invalid encoding.',
		build_saved($good_header, \@recs));

	@recs = map { { %$_ } } @$good_recs;
	substr($recs[0]{rec}, $record_size - 40, 8) = pack('d<', 9**9**9 / 9**9**9);
	check_bad_detail('a usage that is not a number',
		'An entry has an invalid usage.',
		build_saved($good_header, \@recs));

	# the wait events (96 bytes before the history's count, their times
	# from byte 48)
	@recs = map { { %$_ } } @$good_recs;
	substr($recs[0]{rec}, $at_nhistory - 96 + 48, 8) = pack('q<', -5);
	check_bad_detail('a wait event of negative time',
		'An entry has invalid wait events.',
		build_saved($good_header, \@recs));

	@recs = map { { %$_ } } @$good_recs;
	substr($recs[0]{rec}, $at_nhistory, 4) = pack('l<', -5);
	check_bad_detail('a history of negative length',
		"An entry's history has an invalid length.",
		build_saved($good_header, \@recs));

	@recs = map { { %$_ } } @$good_recs;
	substr($recs[0]{rec}, $at_nplans, 4) = pack('l<', 65);
	check_bad_detail('65 plans declared (64 at most)',
		'An entry has an invalid number of plans.',
		build_saved($good_header, \@recs));

	# the first entry with a plan: its first plan's id made 0
	@recs = map { { %$_ } } @$good_recs;
	my ($with_plan) = grep { length($_->{plans} // '') > 0 } @recs;
	ok(defined $with_plan, 'the valid file holds plans');
	substr($with_plan->{plans}, 0, 8) = pack('q<', 0);
	check_bad_detail('a plan of id 0',
		'An entry has an invalid plan.',
		build_saved($good_header, \@recs));

	@recs = map { { %$_ } } @$good_recs;
	substr($recs[0]{rec}, $at_nsources, 4) = pack('l<', 33);
	check_bad_detail('33 sources declared (32 at most)',
		'An entry has an invalid number of sources.',
		build_saved($good_header, \@recs));

	# the first entry with a source: its text's length prefix made wrong,
	# then its parts made one (no NUL between them)
	@recs = map { { %$_ } } @$good_recs;
	my ($with_source) = grep { length($_->{sources} // '') > 0 } @recs;
	ok(defined $with_source, 'the valid file holds sources');
	substr($with_source->{sources}, 48, 1) =
	  chr((ord(substr($with_source->{sources}, 48, 1)) + 1) % 256);
	check_bad_detail('a source text of a wrong length',
		'An entry has an invalid source.',
		build_saved($good_header, \@recs));
	@recs = map { { %$_ } } @$good_recs;
	($with_source) = grep { length($_->{sources} // '') > 0 } @recs;
	my $text = substr($with_source->{sources}, 48);
	$text =~ s/^(..)([^\0]*)\0/$1$2 /s;
	substr($with_source->{sources}, 48) = $text;
	check_bad_detail('a source text without its parts',
		'An entry has an invalid source.',
		build_saved($good_header, \@recs));

	@recs = map { { %$_ } } @$good_recs;
	$recs[1] = $recs[0];
	my ($started, $warned, $count) =
	  start_with(build_saved($good_header, \@recs));
	ok($started && !$warned && $count eq '1',
		'the same entry twice: loaded once');
}

# A file saved with max = 1000 and 300 entries, loaded with max = 100: the
# 100 most used entries are kept.  20 statements run 3 times are the most
# used; the 280 others run once.
{
	$node->start;
	$node->safe_psql('postgres', 'SELECT pg_slow_statements_reset()');
	my $sql = '';
	foreach my $i (1 .. 299)
	{
		my $stmt = "SELECT 1 AS many_" . letters($i) . ";\n";
		$sql .= ($i <= 20) ? $stmt x 3 : $stmt;
	}
	$node->safe_psql('postgres', $sql);
	# 299 statements and the reset call (this query is recorded after it
	# reads the figures: 301 entries are saved)
	is($node->safe_psql('postgres',
			'SELECT entries FROM pg_slow_statements_info'),
		'300', 'max = 1000: 300 entries before the stop');
	$node->stop;
	ok(-f $file, 'max = 1000: file saved');

	my $offset = -s $node->logfile;
	$node->append_conf('postgresql.conf', "pg_slow_statements.max = 100\n");
	ok($node->start(fail_ok => 1), 'max lowered to 100: server starts');
	is( $node->safe_psql(
			'postgres',
			q{SELECT count(*), count(*) FILTER (WHERE calls = 3)
				FROM pg_slow_statements}),
		'100|20',
		'max lowered to 100: 100 entries loaded, all 20 most used among them');
	ok( $node->log_contains(
			qr/LOG:  pg_slow_statements loaded 100 of 301 saved statements/,
			$offset),
		'max lowered to 100: LOG line about the entries left out');
	ok(!$node->log_contains(qr/WARNING/, $offset),
		'max lowered to 100: no WARNING, the file is valid');
	$node->stop;
}

# A file of extension version 1.1 loads.  test/data/saved-1.1-pgV.stat was
# written at a clean stop by 1.1's library (commit 6dfa148^) on PostgreSQL
# V, the only major version that accepts it, and saved-1.1-pgV.txt is what
# 1.1's view showed of it just before (test/data/make_saved_1_1.sh made
# both).  The entries come back with the same figures and texts, and with
# no wait events, history or plans, which 1.1 did not keep.
{
	$node->start;
	my $major = $node->safe_psql('postgres',
		'SELECT current_setting(\'server_version_num\')::int / 10000');
	$node->stop;
	my $data = "$FindBin::RealBin/../data";
	my $shown = slurp_file("$data/saved-1.1-pg$major.txt");
	chomp $shown;
	my $query = slurp_file("$data/saved-1.1.sql");

	my $offset = -s $node->logfile;
	install_file(slurp_file("$data/saved-1.1-pg$major.stat"));
	$node->start;
	ok(!$node->log_contains(qr/WARNING/, $offset),
		"file of 1.1 on $major: loaded with no WARNING");
	is($node->safe_psql('postgres', $query), $shown,
		"file of 1.1 on $major: its entries as 1.1 showed them before its stop");
	is( $node->safe_psql(
			'postgres', q{
		SELECT sum(cpu_time + wait_io_time + wait_other_time), sum(cpu_calls),
			   sum(plan_changes), count(*) FILTER (WHERE p50_exec_time IS NOT NULL)
		  FROM pg_slow_statements WHERE query NOT LIKE '%pg_slow_statements%'}),
		'0|0|0|5',
		"file of 1.1 on $major: histograms kept, the counters of 1.2 zero");
	is( $node->safe_psql(
			'postgres', q{
		SELECT (SELECT count(*) FROM pg_slow_statements_waits() w
				 WHERE w.queryid = s.queryid)
			 + (SELECT count(*) FROM pg_slow_statements_history() h
				 WHERE h.queryid = s.queryid)
			 + (SELECT count(*) FROM pg_slow_statements_plans() p
				 WHERE p.queryid = s.queryid)
		  FROM pg_slow_statements s WHERE query = 'SELECT pg_sleep($1)'}),
		'0', "file of 1.1 on $major: no wait events, history or plans");
	$node->stop;
	ok(-f $file, "file of 1.1 on $major: saved again at the stop");
	$node->start;
	is($node->safe_psql('postgres', $query), $shown,
		"file of 1.1 on $major: saved again in this version's format and loaded");
	$node->stop;
	unlink $file;
}

done_testing();
