# test/perl/PssNode.pm
#
# What the TAP tests share: a throwaway node set up for the extension, and
# the few log lines that PostgreSQL words differently across versions.
# Loaded with "prove -I test/perl" (test/server_tests.sh), next to the
# PostgreSQL::Test modules of the server under test.

package PssNode;

use strict;
use warnings;

use PostgreSQL::Test::Cluster;

# start(NAME, OPTION => VALUE...)
#	A new node, initialised and started, with:
#	  preload	shared_preload_libraries ('pg_slow_statements' by default;
#				'' for none)
#	  conf		more postgresql.conf lines
#	  extension	CREATE EXTENSION pg_slow_statements in database postgres
#				(by default, when the library is preloaded)
#	  init		options for PostgreSQL::Test::Cluster's init (a hash)
sub start
{
	my ($name, %opt) = @_;
	my $preload = $opt{preload} // 'pg_slow_statements';
	my $conf = '';

	$conf .= "shared_preload_libraries = '$preload'\n" if $preload ne '';
	$conf .= $opt{conf} // '';
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init(%{ $opt{init} // {} });
	$node->append_conf('postgresql.conf', $conf) if $conf ne '';
	$node->start;
	$node->safe_psql('postgres', 'CREATE EXTENSION pg_slow_statements')
	  if $opt{extension} // ($preload =~ /\bpg_slow_statements\b/);
	return $node;
}

# killed_re(PID)
#	The postmaster's log line for a backend killed by SIGKILL: 18 names it
#	"client backend", earlier versions "server process".
sub killed_re
{
	my ($pid) = @_;
	return qr/(?:server process|client backend) \(PID $pid\) was terminated by signal 9/;
}

1;
