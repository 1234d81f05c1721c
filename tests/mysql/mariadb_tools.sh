# Shell functions shared by the MariaDB test fixtures (tests/mysql/server.sh, tests/galera/cluster.sh);
# sourced, not run. The caller sets BINARIES (the programs it needs) before find_binaries.

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
