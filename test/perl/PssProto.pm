# test/perl/PssProto.pm
#
# A minimal client of PostgreSQL's frontend/backend protocol (version 3),
# for tests that need what libpq-based tools hide: the extended protocol's
# Parse, Bind, Execute with a row limit, Close and Sync as separate
# messages, over the server's Unix socket.  Trust authentication only; no
# dependency beyond Perl's core modules.
#
#   my $c = PssProto->connect($node->host, $node->port, 'postgres');
#   $c->parse('', 'SELECT x FROM generate_series(1, 10) x');
#   $c->bind('p', '');
#   $c->execute('p', 4);          # 4 rows, then PortalSuspended
#   my @msgs = $c->sync;          # replies up to ReadyForQuery
#   $c->query('COMMIT');          # simple query protocol
#
# Replies are hashes: { type => 'row' | 'complete' | 'suspended' | 'error'
# | 'ready', tag (complete), code and message (error), status (ready) }.

package PssProto;

use strict;
use warnings;

use IO::Socket::UNIX;
use Carp;

# connect(socket directory, port, database): connected and ready
sub connect
{
	my ($class, $host, $port, $dbname) = @_;
	my $sock = IO::Socket::UNIX->new(
		Type => SOCK_STREAM(),
		Peer => "$host/.s.PGSQL.$port")
	  or croak "could not connect to $host/.s.PGSQL.$port: $!";
	my $self = bless { sock => $sock }, $class;
	my $user = getpwuid($>);
	my $body = pack('N', 196608)
	  . "user\0$user\0database\0$dbname\0\0";
	$self->_write(pack('N', 4 + length($body)) . $body);
	for my $m ($self->_until_ready)
	{
		croak "startup failed: $m->{message}" if $m->{type} eq 'error';
	}
	return $self;
}

sub _write
{
	my ($self, $data) = @_;
	my $off = 0;
	while ($off < length($data))
	{
		my $n = syswrite($self->{sock}, $data, length($data) - $off, $off);
		croak "write failed: $!" unless defined $n;
		$off += $n;
	}
}

sub _read_exact
{
	my ($self, $len) = @_;
	my $buf = '';
	while (length($buf) < $len)
	{
		my $n = sysread($self->{sock}, $buf, $len - length($buf),
			length($buf));
		croak "connection closed" unless $n;
	}
	return $buf;
}

# _message(type byte, body): send one message
sub _message
{
	my ($self, $type, $body) = @_;
	$self->_write($type . pack('N', 4 + length($body)) . $body);
}

# _until_ready: read replies up to ReadyForQuery, decoded
sub _until_ready
{
	my ($self) = @_;
	my @out;
	for (;;)
	{
		my ($type, $len) = unpack('a N', $self->_read_exact(5));
		my $body = $self->_read_exact($len - 4);
		if ($type eq 'R')
		{
			my $code = unpack('N', $body);
			croak "authentication method $code not supported" if $code != 0;
		}
		elsif ($type eq 'D')
		{
			my $n = unpack('n', $body);
			my @cols;
			my $pos = 2;
			for (1 .. $n)
			{
				my $l = unpack('l>', substr($body, $pos, 4));
				$pos += 4;
				push @cols, $l < 0 ? undef : substr($body, $pos, $l);
				$pos += $l if $l > 0;
			}
			push @out, { type => 'row', values => \@cols };
		}
		elsif ($type eq 'C')
		{
			push @out, { type => 'complete', tag => unpack('Z*', $body) };
		}
		elsif ($type eq 's')
		{
			push @out, { type => 'suspended' };
		}
		elsif ($type eq 'E')
		{
			my %f;
			for my $field (split /\0/, $body)
			{
				$f{ substr($field, 0, 1) } = substr($field, 1)
				  if length $field;
			}
			push @out,
			  { type => 'error', code => $f{C}, message => $f{M} };
		}
		elsif ($type eq 'Z')
		{
			push @out, { type => 'ready', status => $body };
			return @out;
		}
		# others (ParameterStatus, BackendKeyData, ParseComplete,
		# BindComplete, CloseComplete, RowDescription, NoData, notices)
		# are not needed by the tests
	}
}

# parse(statement name, query text): Parse, no parameter types given
sub parse
{
	my ($self, $name, $sql) = @_;
	$self->_message('P', "$name\0$sql\0" . pack('n', 0));
}

# bind(portal, statement, parameters...): Bind, parameters as text
sub bind
{
	my ($self, $portal, $stmt, @params) = @_;
	my $body = "$portal\0$stmt\0" . pack('n n', 0, scalar @params);
	for my $p (@params)
	{
		$body .= defined $p ? pack('N', length $p) . $p : pack('l>', -1);
	}
	$body .= pack('n', 0);
	$self->_message('B', $body);
}

# execute(portal, row limit or 0 for all): Execute
sub execute
{
	my ($self, $portal, $maxrows) = @_;
	$self->_message('E', "$portal\0" . pack('N', $maxrows // 0));
}

# close_portal(portal): Close of a portal
sub close_portal
{
	my ($self, $portal) = @_;
	$self->_message('C', "P$portal\0");
}

# sync: Sync, then the replies up to ReadyForQuery
sub sync
{
	my ($self) = @_;
	$self->_message('S', '');
	return $self->_until_ready;
}

# query(sql): a simple query, and its replies up to ReadyForQuery
sub query
{
	my ($self, $sql) = @_;
	$self->_message('Q', "$sql\0");
	return $self->_until_ready;
}

# errors(replies): the error messages among replies
sub errors
{
	my ($class, @msgs) = @_;
	return map { $_->{message} } grep { $_->{type} eq 'error' } @msgs;
}

# rows(replies): number of data rows among replies
sub rows
{
	my ($class, @msgs) = @_;
	return scalar grep { $_->{type} eq 'row' } @msgs;
}

sub disconnect
{
	my ($self) = @_;
	$self->_message('X', '');
	close $self->{sock};
}

1;
