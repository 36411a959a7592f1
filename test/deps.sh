#!/bin/bash
# test/deps.sh: install, from Debian 12's packages, what building, testing and
# running the demo need.  Does nothing for packages already installed.
set -e
pkgs="postgresql-15 postgresql-server-dev-15 postgresql-contrib libipc-run-perl
      libkrb5-dev make gcc clang valgrind python3-psycopg2"
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "missing packages:$missing (run as root to install them)" >&2
        exit 1
    fi
    echo "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq $missing >/dev/null
fi
