# Shell functions and server options shared by the MariaDB test fixtures (tests/mysql/server.sh,
# tests/galera/cluster.sh); sourced, not run. The caller sets BINARIES (the programs it needs)
# before find_binaries.

# The options every test server runs with. Durability is not wanted here, a fast start and
# shutdown are (the redo log through the page cache: with O_DIRECT, creating it takes a second).
# Native AIO (io_uring, libaio) is often refused in containers, so InnoDB uses its own I/O
# threads. utf8mb4 as Debian's own configuration has.
# shellcheck disable=SC2034 # used by the scripts that source this file
readonly FAST_SERVER_OPTIONS=(
    --skip-name-resolve
    --innodb-buffer-pool-size=64M
    --innodb-log-file-size=16M
    --innodb-flush-log-at-trx-commit=0
    --innodb-flush-method=nosync
    --innodb-log-file-buffering
    --skip-innodb-doublewrite
    --skip-innodb-use-native-aio
    --innodb-fast-shutdown=3
    --skip-sync-frm
    --character-set-server=utf8mb4
    --collation-server=utf8mb4_general_ci
)

# Sets BIN[<name>] to the path of each of BINARIES; says why and fails when one is missing.
declare -A BIN
find_binaries() {
    local search name dir missing=()
    BIN=()
    if [[ -n ${DRIFTLESS_MYSQL_BINDIR-} ]]; then
        search=$DRIFTLESS_MYSQL_BINDIR
    else
        search=${PATH-}:/usr/local/sbin:/usr/sbin
    fi
    for name in "${BINARIES[@]}"; do
        while IFS= read -r -d : dir; do
            if [[ -n $dir && -x $dir/$name && ! -d $dir/$name ]]; then
                BIN[$name]=$dir/$name
                break
            fi
        done <<<"$search:"
        [[ -n ${BIN[$name]-} ]] || missing+=("$name")
    done
    if ((${#missing[@]} > 0)); then
        if [[ -n ${DRIFTLESS_MYSQL_BINDIR-} ]]; then
            echo "${0##*/}: no ${missing[*]} in DRIFTLESS_MYSQL_BINDIR=$DRIFTLESS_MYSQL_BINDIR" >&2
        else
            echo "${0##*/}: no MariaDB server binaries (${missing[*]}) found; install the Debian" \
                "package 'mariadb-server' (apt-get install mariadb-server) or set" \
                "DRIFTLESS_MYSQL_BINDIR" >&2
        fi
        return 1
    fi
}

# Whether process <pid> runs (a zombie that nobody has reaped yet does not count).
is_running() {
    local pid=$1 stat
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    # The state follows the parenthesised command name.
    stat=${stat##*) }
    [[ ${stat%% *} != Z ]]
}
