#!/usr/bin/env bash
# A throwaway MariaDB server for the tests (the ctest fixture "mysql").
#
#   server.sh start <state-dir>   create a data directory in a fresh directory under /tmp, start a
#                                 server on it and write <state-dir>/conninfo (a mysql:// URL) and
#                                 <state-dir>/server_dir (the server's directory)
#   server.sh stop <state-dir>    stop that server and remove its directory; succeeds when there is
#                                 nothing to stop
#
# The server listens on a Unix socket in its own directory only, never on TCP, so it cannot
# collide with a system MariaDB (Debian's package starts one on 3306 and /run/mysqld). It reads no
# option files (--no-defaults). Its user "driftless"@"localhost" has no password and ALL
# PRIVILEGES ON *.* WITH GRANT OPTION; the URL is
#   mysql://driftless@localhost/?socket=<dir>/mysqld.sock
# (no database; the directory name is alphanumeric, so the path needs no percent-encoding).
# Root has no password either and is used only to create that user and to shut the server down.
# MariaDB runs as root only when told so: under root both mariadb-install-db and mariadbd get
# --user=root.
#
# Binaries (mariadbd, mariadb-install-db, mariadb-admin, mariadb): $DRIFTLESS_MYSQL_BINDIR when set
# (a directory, or several separated by ':'; nothing else is tried), else PATH followed by
# /usr/local/sbin and /usr/sbin (Debian keeps mariadbd in /usr/sbin, which a normal user's PATH
# lacks). mariadb-install-db bootstraps with the mariadbd of its own installation. No server
# binaries is an error, not a reason to skip: the MySQL tests must not pass without a server.
set -euo pipefail

# Socket paths are limited to 107 bytes: keep the directory short, and ignore TMPDIR.
readonly DIR_TEMPLATE=/tmp/driftless-my.XXXXXXXX
readonly DIR_PATTERN='^/tmp/driftless-my\.[A-Za-z0-9]+$'
readonly BINARIES=(mariadbd mariadb-install-db mariadb-admin mariadb)
readonly START_TIMEOUT=60 STOP_TIMEOUT=60

die() {
    echo "server.sh: $*" >&2
    exit 1
}

usage() {
    echo "usage: $0 start|stop <state-dir>" >&2
    exit 2
}

# find_binaries, is_running, FAST_SERVER_OPTIONS
# shellcheck source=tests/mysql/mariadb_tools.sh
source "$(dirname "${BASH_SOURCE[0]}")/mariadb_tools.sh"

# The server directory recorded in <state-dir>, or nothing; refuses anything it did not create.
recorded_dir() {
    local state=$1 dir
    [[ -f $state/server_dir ]] || return 0
    dir=$(<"$state/server_dir")
    [[ $dir =~ $DIR_PATTERN ]] || die "refusing to touch '$dir' (from $state/server_dir)"
    printf '%s\n' "$dir"
}

# Whether <pid> is a running mariadbd.
is_server() {
    is_running "$1" && [[ $(cat "/proc/$1/comm" 2>/dev/null) =~ ^(mariadbd|mysqld)$ ]]
}

# The server's pid if it still runs, or nothing. The pid file appears only once mariadbd is up,
# so start also records the pid it launched.
server_pid() {
    local dir=$1 file pid
    for file in "$dir/mysqld.pid" "$dir/launched.pid"; do
        [[ -f $file ]] || continue
        pid=$(head -n 1 "$file")
        if is_server "$pid"; then
            echo "$pid"
            return 0
        fi
    done
}

# wait_for_exit <dir> <seconds>: whether the server in <dir> is gone within that time.
wait_for_exit() {
    local dir=$1 i
    for ((i = 0; i < $2 * 10; i++)); do
        [[ -n $(server_pid "$dir") ]] || return 0
        sleep 0.1
    done
    [[ -z $(server_pid "$dir") ]]
}

stop_server() {
    local state=$1 dir pid
    dir=$(recorded_dir "$state")
    rm -f "$state/conninfo"
    if [[ -n $dir && -d $dir ]]; then
        pid=$(server_pid "$dir")
        if [[ -n $pid ]]; then
            find_binaries 2>/dev/null || true
            # mariadb-admin shutdown returns once the server has removed its pid file.
            if [[ -z ${BIN[mariadb-admin]-} ]] ||
                ! "${BIN[mariadb-admin]}" --no-defaults --socket="$dir/mysqld.sock" --user=root \
                    --connect-timeout=10 --shutdown-timeout="$STOP_TIMEOUT" shutdown ||
                ! wait_for_exit "$dir" "$STOP_TIMEOUT"; then
                # No mariadb-admin to ask, or the server did not listen: SIGTERM is a clean shutdown.
                echo "server.sh: no shutdown through mariadb-admin; sending SIGTERM to mariadbd $pid" >&2
                kill -TERM "$pid" 2>/dev/null || true
                wait_for_exit "$dir" "$STOP_TIMEOUT" || die "the server in $dir did not stop"
            fi
        fi
        rm -rf "$dir"
    fi
    rm -f "$state/server_dir"
}

start_server() {
    local state=$1 dir pid i
    local -a as_user=()
    mkdir -p "$state"
    # A server left behind by an interrupted run.
    stop_server "$state"
    find_binaries || exit 1
    if ((EUID == 0)); then
        as_user=(--user=root)
    fi

    dir=$(mktemp -d "$DIR_TEMPLATE")
    printf '%s\n' "$dir" >"$state/server_dir"
    # FAST_SERVER_OPTIONS (see mariadb_tools.sh); many connections are wanted: 16 and more test
    # processes connect at once.
    local -a options=(
        --datadir="$dir/data"
        "${as_user[@]}"
        "${FAST_SERVER_OPTIONS[@]}"
    )
    if ! (cd "$dir" && "${BIN[mariadb-install-db]}" --no-defaults "${options[@]}" \
        --auth-root-authentication-method=normal --skip-test-db) >"$dir/install.log" 2>&1; then
        start_failed "$state" "$dir"
    fi

    # Detached from ctest: its own session, and no inherited output pipes for ctest to wait on.
    (cd "$dir" && exec setsid "${BIN[mariadbd]}" --no-defaults "${options[@]}" \
        --socket="$dir/mysqld.sock" --skip-networking --pid-file="$dir/mysqld.pid" \
        --log-error="$dir/server.log" --skip-log-bin --max-connections=200 \
        </dev/null >>"$dir/server.log" 2>&1) &
    pid=$!
    printf '%s\n' "$pid" >"$dir/launched.pid"

    for ((i = 0; ; i++)); do
        if "${BIN[mariadb-admin]}" --no-defaults --socket="$dir/mysqld.sock" --user=root \
            --connect-timeout=2 ping >/dev/null 2>&1; then
            break
        fi
        # Not is_server: until setsid has exec'd mariadbd, the process has another name.
        if ! is_running "$pid"; then
            echo "server.sh: mariadbd exited during startup" >&2
            start_failed "$state" "$dir"
        fi
        if ((i >= START_TIMEOUT * 10)); then
            echo "server.sh: mariadbd did not answer within $START_TIMEOUT s" >&2
            start_failed "$state" "$dir"
        fi
        sleep 0.1
    done

    if ! "${BIN[mariadb]}" --no-defaults --socket="$dir/mysqld.sock" --user=root --batch \
        --execute="CREATE USER 'driftless'@'localhost';
                   GRANT ALL PRIVILEGES ON *.* TO 'driftless'@'localhost' WITH GRANT OPTION;" \
        >>"$dir/server.log" 2>&1; then
        echo "server.sh: creating the user 'driftless' failed" >&2
        start_failed "$state" "$dir"
    fi

    printf 'mysql://driftless@localhost/?socket=%s/mysqld.sock\n' "$dir" >"$state/conninfo"
    echo "server.sh: MariaDB (${BIN[mariadbd]}) running in $dir"
}

start_failed() {
    local state=$1 dir=$2 file=$2/server.log
    echo "server.sh: starting MariaDB (${BIN[mariadbd]}) in $dir failed" >&2
    # The server's log once mariadbd has run, mariadb-install-db's output before.
    [[ -e $file ]] || file=$dir/install.log
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
