#!/bin/bash
# test/lib.sh: shell helpers shared by the scripts that run their own
# throwaway servers (test/demo.sh, test/bench/bench.sh,
# test/bench/readers.sh).  Source it once tmp (the script's temporary
# directory, which postgres can enter) and bindir (the server's binaries)
# are set; the functions read them when they run.
# shellcheck disable=SC2154

# as_pg CMD...: run a command as postgres, from the temporary directory
as_pg() {
    (cd "$tmp" && runuser -u postgres -- "$@")
}

# end_jobs: end this shell's background jobs and wait for them
end_jobs() {
    local pids
    pids=$(jobs -p)
    # shellcheck disable=SC2086
    [ -z "$pids" ] || kill $pids 2>/dev/null || true
    wait 2>/dev/null || true
}

# stop_server DATADIR [MODE]: stop a server we started, whatever state it
# is in (MODE: fast by default), quietly and within a minute
stop_server() {
    runuser -u postgres -- "$bindir/pg_ctl" -D "$1" -m "${2:-fast}" -w \
        -t 60 stop >/dev/null 2>&1 || true
}

# port_in_use PORT: whether something listens on that TCP port
port_in_use() {
    local hex
    hex=$(printf ':%04X ' "$1")
    cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
        awk '$4 == "0A" { print $2 " " }' | grep -q "$hex"
}
