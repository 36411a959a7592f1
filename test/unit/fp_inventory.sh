#!/bin/bash
# test/unit/fp_inventory.sh [BASE]: which fingerprints the lexer's changes
# since BASE (a commit; default 9bfa6c8, extension 1.1's lexer) move, over
# PostgreSQL's own regression statements (src/test/regress, contrib and
# PL/pgSQL test files of Debian's postgresql-15 source package, fetched
# with "apt-get source" into a cache the first time), test/scanner_diff's
# corpus and the fuzz corpus.  Each changed statement is listed under the
# change that explains it (test/unit/fp_inventory.py).  A tool, not a test:
# run it by hand (as root for the first fetch) after changing the lexer.
set -eu
base=${1:-9bfa6c8}
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${PSS_INVENTORY_CACHE:-/var/cache/pss-inventory}
work=$(mktemp -d /tmp/pss_inventory.XXXXXX)
trap 'rm -rf "$work"' EXIT

# ---- the regression statements, fetched once -------------------------------
if [ ! -d "$cache/sql" ]; then
	mkdir -p "$cache/apt/lists/partial" "$cache/apt/sources"
	# a deb-src line of the machine's own Debian release, in a private list
	. /etc/os-release
	cat >"$cache/apt/sources/src.sources" <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $VERSION_CODENAME
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	apt_o="-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$cache/apt/sources -o Dir::State::Lists=$cache/apt/lists"
	apt-get $apt_o update -qq
	(cd "$cache" && apt-get $apt_o source --download-only postgresql-15 >/dev/null 2>&1)
	tarball=$(ls "$cache"/postgresql-15_*.orig.tar.* | head -1)
	mkdir -p "$cache/sql"
	tar -xf "$tarball" -C "$cache/sql" --wildcards '*/src/test/regress/sql/*' \
		'*/contrib/*/sql/*' '*/src/pl/plpgsql/src/sql/*'
fi

# ---- fp_dump built from both lexers -----------------------------------------
mkdir -p "$work/old" "$work/new"
git -C "$top" archive "$base" src | tar -x -C "$work/old"
sed 's/pss_normalize(q, len, std, /pss_normalize(q, len, /' \
	"$top/test/unit/fp_dump.c" >"$work/old/fp_dump_old.c"
if grep -q 'bool std_strings' "$work/old/src/fingerprint.h"; then
	cp "$top/test/unit/fp_dump.c" "$work/old/fp_dump_old.c"
fi
cc -O2 -std=c99 -I"$work/old/src" -o "$work/old/fp_dump" \
	"$work/old/fp_dump_old.c" $(ls "$work"/old/src/fingerprint*.c)
cc -O2 -std=c99 -I"$top/src" -o "$work/new/fp_dump" \
	"$top/test/unit/fp_dump.c" $(ls "$top"/src/fingerprint*.c)

files="$(find "$cache/sql" -name '*.sql' | sort) $top/test/scanner_diff/corpus.sql $(ls "$top"/test/fuzz/corpus/* | sort)"
# standard_conforming_strings on: the only setting the old lexer knew
"$work/old/fp_dump" $files 2>/dev/null | grep ' std=1 ' >"$work/old.txt"
"$work/new/fp_dump" $files 2>/dev/null | grep ' std=1 ' >"$work/new.txt"
python3 "$top/test/unit/fp_inventory.py" "$work/old.txt" "$work/new.txt"
