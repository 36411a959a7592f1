# test/perl/PssTools.pm
#
# Set-up shared by the tests that run real monitoring tools against
# pg_slow_statements (test/t/03x_*.pl): clusters with the library preloaded
# and the compatibility extension in the schema "pgss_compat", first on the
# search_path of a monitoring role; prometheus-postgres-exporter and
# Prometheus started on 127.0.0.1 with free ports, each stopped by the test
# (or at exit if the test dies), every wait bounded.
#
# A tool that the distribution does not package for the server under test
# makes the test skip with that reason; on PostgreSQL 15 (Debian 12, where
# test/deps.sh installs them all) a missing tool is an error instead.

package PssTools;

use strict;
use warnings;

use Cwd qw(abs_path);
use Exporter 'import';
use File::Basename qw(dirname);
use HTTP::Tiny;
use IPC::Run;
use JSON::PP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use PssNode;
use Time::HiRes qw(usleep);

our @EXPORT_OK = qw(server_major require_tool monitored_node start_exporter
  scrape metric_values start_prometheus promql wait_until stop_process
  $monitor_role $compat_schema);

our $monitor_role  = 'pss_monitor';
our $compat_schema = 'pgss_compat';

my $top = dirname(dirname(dirname(abs_path(__FILE__))));
my @started;    # harnesses still running, stopped at exit
my $http = HTTP::Tiny->new(timeout => 10);

#---- The server under test ----

# server_major: the major version of the server the tests run against
# (PG_CONFIG, else the pg_config on the PATH)
sub server_major
{
	my $pg_config = $ENV{PG_CONFIG} // 'pg_config';
	my $v         = `$pg_config --version`;
	die "could not run $pg_config" unless defined $v && $v =~ /(\d+)/;
	return $1;
}

# require_tool: the path of a tool's executable, or, when it is missing, a
# skip of the whole test saying which package would provide it (an error on
# PostgreSQL 15, whose tools Debian 12 packages)
sub require_tool
{
	my ($exe, $package) = @_;
	foreach my $dir (split(/:/, $ENV{PATH} // ''), '/usr/bin', '/usr/sbin')
	{
		return "$dir/$exe" if -x "$dir/$exe";
	}
	my $major = server_major();
	die "$exe is missing: run test/deps.sh as root (package $package)\n"
	  if $major == 15;
	plan skip_all =>
	  "$exe is not installed (package $package is not available for PostgreSQL $major)";
}

# monitored_node: a started cluster with pg_slow_statements preloaded (and
# the libraries in $opts{preload} after it), the extension created in
# database postgres, pg_slow_statements_compat in schema pgss_compat, and a
# login role pss_monitor (pg_read_all_stats) whose search_path puts that
# schema first, as the README tells DBAs to do.  $opts{conf} is appended to
# postgresql.conf.
sub monitored_node
{
	my ($name, %opts) = @_;
	my $node = PssNode::start(
		$name,
		preload => join(', ', 'pg_slow_statements', @{ $opts{preload} // [] }),
		conf => $opts{conf},
		init => { allows_streaming => $opts{allows_streaming} // 0 },
		extension => 0);

	$node->safe_psql('postgres', setup_sql('postgres'));
	return $node;
}

# setup_sql: the statements that make database $db ready for the tools
sub setup_sql
{
	my ($db) = @_;
	return qq{
CREATE EXTENSION pg_slow_statements;
CREATE SCHEMA $compat_schema;
CREATE EXTENSION pg_slow_statements_compat SCHEMA $compat_schema;
CREATE ROLE $monitor_role LOGIN IN ROLE pg_read_all_stats;
GRANT USAGE ON SCHEMA $compat_schema TO $monitor_role;
ALTER ROLE $monitor_role IN DATABASE $db SET search_path = $compat_schema, public;
};
}

#---- Processes ----

# start_process: run a tool in the background, its output to a log file
sub start_process
{
	my ($name, $cmd, $env) = @_;
	my $log = "$PostgreSQL::Test::Utils::tmp_check/$name.log";
	local %ENV = (%ENV, %{ $env // {} });
	my $h = IPC::Run::start($cmd, '<', \undef, '>', $log, '2>&1');
	push @started, $h;
	return { name => $name, harness => $h, log => $log };
}

# stop_process: TERM, then KILL after 10 s
sub stop_process
{
	my ($proc) = @_;
	my $h = $proc->{harness};
	@started = grep { $_ != $h } @started;
	$h->kill_kill(grace => 10);
	return;
}

END
{
	$_->kill_kill(grace => 5) foreach @started;
}

# wait_until: call $check every 0.2 s until it returns true, for at most
# $timeout seconds; returns its last result
sub wait_until
{
	my ($timeout, $check) = @_;
	my $tries = int($timeout * 5);
	my $result;
	while ($tries-- > 0)
	{
		$result = $check->();
		return $result if $result;
		usleep(200_000);
	}
	return $result;
}

# http_get: the body of a 200 response, or undef
sub http_get
{
	my ($url) = @_;
	my $res = $http->get($url);
	return $res->{success} ? $res->{content} : undef;
}

# wait_http: wait (60 s at most) until a URL answers, or die with the log
sub wait_http
{
	my ($proc, $url) = @_;
	return if wait_until(60, sub { defined http_get($url) });
	die "$proc->{name} did not answer $url; its log:\n"
	  . slurp_file($proc->{log});
}

#---- prometheus-postgres-exporter ----

# start_exporter: an exporter for database postgres of $node, connected as
# the monitoring role over the node's Unix socket, on a free port of
# 127.0.0.1.  Statement metrics come from the query file of the server's
# version in monitoring/ (Debian 12's exporter, 0.11, has no collector for
# them), or from the exporter's own stat_statements collector when it has
# one (0.13 and later, where query files are deprecated); ours
# (monitoring/pg_slow_statements.yaml) is appended to the first, or given
# alone beside the second.
sub start_exporter
{
	my ($node, $name) = @_;
	my $exe = require_tool('prometheus-postgres-exporter',
		'prometheus-postgres-exporter');
	my $port = PostgreSQL::Test::Cluster::get_free_port();
	my $help = `$exe --help 2>&1`;
	my @statements;
	if ($help =~ /collector\.stat_statements/)
	{
		@statements = ('--collector.stat_statements',
			"--extend.query-path=$top/monitoring/pg_slow_statements.yaml");
	}
	else
	{
		# one query file: the version's, then ours, as the README says
		my $queries = "${PostgreSQL::Test::Utils::tmp_check}/queries_$name.yaml";
		unlink $queries;
		PostgreSQL::Test::Utils::append_to_file($queries,
			PostgreSQL::Test::Utils::slurp_file(
				"$top/monitoring/postgres_exporter-pg"
				  . (server_major() >= 17 ? '17' : '15') . '.yaml')
			  . PostgreSQL::Test::Utils::slurp_file(
				"$top/monitoring/pg_slow_statements.yaml"));
		@statements = ("--extend.query-path=$queries");
	}
	my $dsn =
	  sprintf('host=%s port=%d user=%s dbname=postgres sslmode=disable',
		$node->host, $node->port, $monitor_role);
	my $proc = start_process(
		"exporter_$name",
		[ $exe, "--web.listen-address=127.0.0.1:$port", @statements ],
		{ DATA_SOURCE_NAME => $dsn });
	note("exporter $name: @statements");
	$proc->{port} = $port;
	$proc->{url}  = "http://127.0.0.1:$port/metrics";
	wait_http($proc, $proc->{url});
	return $proc;
}

# scrape: the exporter's /metrics text
sub scrape
{
	my ($exporter) = @_;
	my $text = http_get($exporter->{url});
	die "could not scrape $exporter->{url}" unless defined $text;
	return $text;
}

# metric_values: the samples of metric $name in a /metrics text, as
# { labels => { name => value }, value => number }
sub metric_values
{
	my ($text, $name) = @_;
	my @samples;
	foreach my $line (split /\n/, $text)
	{
		next unless $line =~ /^\Q$name\E(?:\{(.*)\})?\s+(\S+)$/;
		my ($labels, $value) = ($1 // '', $2);
		my %labels;
		$labels{$1} = $2 while $labels =~ /(\w+)="((?:[^"\\]|\\.)*)"/g;
		push @samples, { labels => \%labels, value => $value + 0 };
	}
	return @samples;
}

#---- Prometheus ----

# start_prometheus: a Prometheus scraping the given exporters every second,
# its data in a temporary directory, on a free port of 127.0.0.1
sub start_prometheus
{
	my (@exporters) = @_;
	my $exe         = require_tool('prometheus', 'prometheus');
	my $port        = PostgreSQL::Test::Cluster::get_free_port();
	my $dir         = PostgreSQL::Test::Utils::tempdir('prometheus');
	my $targets     = join(', ', map { "'127.0.0.1:$_->{port}'" } @exporters);
	open(my $fh, '>', "$dir/prometheus.yml") or die $!;
	print $fh <<"EOF";
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: postgres
    static_configs:
      - targets: [$targets]
EOF
	close($fh);
	my $proc = start_process(
		'prometheus',
		[   $exe,
			"--config.file=$dir/prometheus.yml",
			"--storage.tsdb.path=$dir/data",
			"--web.listen-address=127.0.0.1:$port" ]);
	$proc->{port} = $port;
	wait_http($proc, "http://127.0.0.1:$port/-/ready");
	return $proc;
}

# promql: the result vector of an instant query through the HTTP API
sub promql
{
	my ($prometheus, $query) = @_;
	my $res =
	  $http->post_form("http://127.0.0.1:$prometheus->{port}/api/v1/query",
		{ query => $query });
	die "Prometheus query failed: $res->{status} $res->{content}"
	  unless $res->{success};
	my $json = decode_json($res->{content});
	die "Prometheus query failed: $res->{content}"
	  unless $json->{status} eq 'success';
	return $json->{data}{result};
}

1;
