#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests (the ctest fixture "postgresql").
#
#   server.sh start <state-dir>   create a cluster in a fresh directory under /tmp, start it and
#                                 write <state-dir>/conninfo (a libpq connection string) and
#                                 <state-dir>/server_dir (the cluster's directory)
#   server.sh stop <state-dir>    stop that server and remove its directory; succeeds when there is
#                                 nothing to stop
#
# The server listens on a Unix socket in its own directory only, never on TCP; its user is
# "driftless" with trust authentication. PostgreSQL refuses to run as root, so under root the
# directory belongs to the "postgres" system user and the server runs as that user.
#
# Binaries: $DRIFTLESS_POSTGRESQL_BINDIR when set (nothing else is tried), else the newest
# /usr/lib/postgresql/*/bin (Debian keeps initdb off PATH), else PATH. No server binaries is an
# error, not a reason to skip: the PostgreSQL tests must not pass without a server.
set -euo pipefail

# Socket paths are limited to 107 bytes: keep the directory short, and ignore TMPDIR.
readonly DIR_TEMPLATE=/tmp/driftless-pg.XXXXXXXX
readonly DIR_PATTERN='^/tmp/driftless-pg\.[A-Za-z0-9]+$'
readonly SERVER_USER=postgres

die() {
    echo "server.sh: $*" >&2
    exit 1
}

usage() {
    echo "usage: $0 start|stop <state-dir>" >&2
    exit 2
}

# Sets BIN_DIR to the directory holding initdb and pg_ctl; says why and fails when there is none.
find_binaries() {
    local dir
    BIN_DIR=
    if [[ -n ${DRIFTLESS_POSTGRESQL_BINDIR-} ]]; then
        dir=$DRIFTLESS_POSTGRESQL_BINDIR
        if [[ ! -x $dir/initdb || ! -x $dir/pg_ctl ]]; then
            echo "server.sh: no initdb and pg_ctl in DRIFTLESS_POSTGRESQL_BINDIR=$dir" >&2
            return 1
        fi
        BIN_DIR=$dir
        return 0
    fi
    while IFS= read -r dir; do
        if [[ -x $dir/initdb && -x $dir/pg_ctl ]]; then
            BIN_DIR=$dir
        fi
    done < <(compgen -G '/usr/lib/postgresql/*/bin' | sort -V)
    if [[ -z $BIN_DIR ]] && command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        BIN_DIR=$(dirname "$(command -v initdb)")
    fi
    if [[ -z $BIN_DIR ]]; then
        echo "server.sh: no PostgreSQL server binaries (initdb, pg_ctl) found; install the Debian" \
            "package 'postgresql' (apt-get install postgresql) or set DRIFTLESS_POSTGRESQL_BINDIR" >&2
        return 1
    fi
}

# as_owner <dir> <command>...: runs the command as the owner of <dir>, from inside <dir> (the
# caller's working directory may be unreadable to that user).
as_owner() {
    local dir=$1 owner
    shift
    owner=$(stat -c %U "$dir")
    if ((EUID == 0)) && [[ $owner != root ]]; then
        (cd "$dir" && runuser -u "$owner" -- "$@")
    else
        (cd "$dir" && "$@")
    fi
}

# The server directory recorded in <state-dir>, or nothing; refuses anything it did not create.
recorded_dir() {
    local state=$1 dir
    [[ -f $state/server_dir ]] || return 0
    dir=$(<"$state/server_dir")
    [[ $dir =~ $DIR_PATTERN ]] || die "refusing to touch '$dir' (from $state/server_dir)"
    printf '%s\n' "$dir"
}

# The postmaster's pid if it still runs, or nothing.
postmaster_pid() {
    local data=$1 pid
    [[ -f $data/postmaster.pid ]] || return 0
    pid=$(head -n 1 "$data/postmaster.pid")
    if [[ $pid =~ ^[0-9]+$ && $(cat "/proc/$pid/comm" 2>/dev/null) == postgres* ]]; then
        echo "$pid"
    fi
}

stop_server() {
    local state=$1 dir pid i
    dir=$(recorded_dir "$state")
    rm -f "$state/conninfo"
    if [[ -n $dir && -d $dir ]]; then
        pid=$(postmaster_pid "$dir/data")
        if [[ -n $pid ]]; then
            find_binaries 2>/dev/null || true
            if [[ -z $BIN_DIR ]] || ! as_owner "$dir" "$BIN_DIR/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop; then
                # No pg_ctl to ask: SIGINT is the postmaster's fast shutdown.
                echo "server.sh: pg_ctl stop failed; sending SIGINT to postmaster $pid" >&2
                kill -INT "$pid" 2>/dev/null || true
                for ((i = 0; i < 600; i++)); do
                    [[ -n $(postmaster_pid "$dir/data") ]] || break
                    sleep 0.1
                done
            fi
            [[ -z $(postmaster_pid "$dir/data") ]] || die "the server in $dir did not stop"
        fi
        rm -rf "$dir"
    fi
    rm -f "$state/server_dir"
}

start_server() {
    local state=$1 dir
    mkdir -p "$state"
    # A server left behind by an interrupted run.
    stop_server "$state"
    find_binaries || exit 1
    if ((EUID == 0)); then
        id -u "$SERVER_USER" >/dev/null 2>&1 ||
            die "running as root needs the '$SERVER_USER' user (created by the Debian package 'postgresql')"
    fi

    dir=$(mktemp -d "$DIR_TEMPLATE")
    printf '%s\n' "$dir" >"$state/server_dir"
    if ((EUID == 0)); then
        chown "$SERVER_USER:" "$dir"
    fi
    if ! as_owner "$dir" "$BIN_DIR/initdb" -D "$dir/data" -A trust -U driftless --no-sync \
        -E UTF8 --locale=C >"$dir/initdb.log" 2>&1; then
        start_failed "$state" "$dir"
    fi
    # Durability is not wanted here; connections are: 16 and more test processes connect at once.
    if ! as_owner "$dir" "$BIN_DIR/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
        -o "-k $dir -c listen_addresses='' -c fsync=off -c synchronous_commit=off \
            -c full_page_writes=off -c max_connections=200" start >/dev/null; then
        start_failed "$state" "$dir"
    fi

    printf 'host=%s port=5432 user=driftless dbname=postgres\n' "$dir" >"$state/conninfo"
    echo "server.sh: PostgreSQL ($BIN_DIR) running in $dir"
}

start_failed() {
    local state=$1 dir=$2 file=$2/log
    echo "server.sh: starting PostgreSQL ($BIN_DIR) in $dir failed" >&2
    # The server's log once pg_ctl has run, initdb's output before.
    [[ -e $file ]] || file=$dir/initdb.log
    if [[ -s $file ]]; then
        echo "--- $file" >&2
        cat "$file" >&2
    fi
    stop_server "$state" || true
    exit 1
}

(($# == 2)) || usage
case $1 in
    start) start_server "$2" ;;
    stop) stop_server "$2" ;;
    *) usage ;;
esac
