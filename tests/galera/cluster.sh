#!/usr/bin/env bash
# A throwaway three-node MariaDB Galera cluster for the tests.
#
#   cluster.sh start <state-dir>         create three data directories in a fresh directory under
#                                        /tmp, start a node on each, and write
#                                        <state-dir>/conninfo1 .. conninfo3 (a mysql:// URL per
#                                        node) and <state-dir>/cluster_dir (the cluster's
#                                        directory); succeeds once every node is Synced in a
#                                        Primary component of three
#   cluster.sh stop <state-dir>          stop every node still running and remove the directory;
#                                        succeeds when there is nothing to stop
#   cluster.sh stop-node <state-dir> N   shut node N (1..3) down cleanly, keeping its data; returns
#                                        once the nodes left have a view without it (at once)
#   cluster.sh start-node <state-dir> N  start node N again: it rejoins (an incremental or a full
#                                        state transfer, as Galera decides); returns once every
#                                        running node is Synced in a Primary component of them all;
#                                        fails when no other node runs
#   cluster.sh kill-node <state-dir> N   SIGKILL node N; returns once the nodes left have a view
#                                        without it (after Galera's suspect timeout, about 6 s;
#                                        Primary or not: that is theirs to decide)
#
# stop-node and kill-node succeed when node N does not run; start-node only waits when it does.
#
# The node commands also take N before the state directory (cluster.sh stop-node N <state-dir>).
#
# Node N listens on 127.0.0.1 only: SQL on port 3306N, group communication on 4567N, incremental
# state transfer on 4568N, rsync state transfer on 4444N (a port in use is an error, not a reason
# to pick another: the URLs are fixed), and on a Unix socket in its own directory. It reads no
# option files (--no-defaults). Its user "driftless" (@"127.0.0.1" and @"localhost") has no
# password and ALL PRIVILEGES ON *.* WITH GRANT OPTION; the URL of node N is
#   mysql://driftless@127.0.0.1:3306N/
# (no database). Root has no password either and is used, over the socket, only to create that
# user, to read the nodes' wsrep status and to shut nodes down.
#
# Starting: mariadb-install-db runs once. Node 1 bootstraps a new cluster (--wsrep-new-cluster)
# from a grastate.dat naming a fresh cluster UUID at seqno 0, creates the user and shuts down; its
# data directory, where InnoDB now records the cluster's position too, is copied for the other
# nodes with a grastate.dat at the same seqno. Then node 1 bootstraps again and the others join one
# at a time, each by an incremental state transfer of the few write sets since (view changes)
# instead of a copy of the data directory. (A data directory that never ran under Galera records
# no position in InnoDB, and a node that joins with it fails after the incremental transfer; nodes
# that join together may first form a component of their own, which takes seconds to merge.)
# Nodes are stopped one at a time: a node that leaves cleanly is out of the others' view at once,
# while nodes that vanish together leave each other waiting for the suspect timeout.
#
# Under root the nodes run as the "mysql" system user (--user=mysql), who owns the directory: the
# rsync daemon that a joining node starts for a state transfer drops root privileges for "nobody",
# who cannot write the data directory. Under any other user they run as that user.
#
# Binaries (mariadbd, mariadb-install-db, mariadb-admin, mariadb): $DRIFTLESS_MYSQL_BINDIR when set
# (a directory, or several separated by ':'; nothing else is tried), else PATH followed by
# /usr/local/sbin and /usr/sbin (Debian keeps mariadbd in /usr/sbin, which a normal user's PATH
# lacks). mariadb-install-db bootstraps with the mariadbd of its own installation; mariadbd runs
# the state transfer script wsrep_sst_rsync of its own installation, which needs rsync on PATH.
# The Galera provider: $DRIFTLESS_GALERA_PROVIDER when set (nothing else is tried), else
# /usr/lib/galera/libgalera_smm.so, /usr/lib/libgalera_smm.so or /usr/lib/galera-4/libgalera_smm.so.
# No binaries or no provider is an error, not a reason to skip: the Galera tests must not pass
# without a cluster.
set -euo pipefail

# Socket paths are limited to 107 bytes: keep the directory short, and ignore TMPDIR.
readonly DIR_TEMPLATE=/tmp/driftless-gal.XXXXXXXX
readonly DIR_PATTERN='^/tmp/driftless-gal\.[A-Za-z0-9]+$'
readonly BINARIES=(mariadbd mariadb-install-db mariadb-admin mariadb)
readonly PROVIDERS=(/usr/lib/galera/libgalera_smm.so /usr/lib/libgalera_smm.so
    /usr/lib/galera-4/libgalera_smm.so)
readonly NODES=(1 2 3)
readonly SERVER_USER=mysql
readonly START_TIMEOUT=60 STOP_TIMEOUT=60 VIEW_TIMEOUT=60

# The ports of node N are these plus N.
readonly SQL_PORT=33060 GCOMM_PORT=45670 IST_PORT=45680 SST_PORT=44440

die() {
    echo "cluster.sh: $*" >&2
    exit 1
}

usage() {
    echo "usage: $0 start|stop <state-dir>" >&2
    echo "       $0 stop-node|start-node|kill-node <state-dir> 1|2|3   (or 1|2|3 <state-dir>)" >&2
    exit 2
}

# find_binaries, is_running, FAST_SERVER_OPTIONS
# shellcheck source=tests/mysql/mariadb_tools.sh
source "$(dirname "${BASH_SOURCE[0]}")/../mysql/mariadb_tools.sh"

# Sets PROVIDER to the Galera library; says why and fails when there is none. Also insists on
# rsync, without which no node can join.
find_provider() {
    local file
    PROVIDER=
    if [[ -n ${DRIFTLESS_GALERA_PROVIDER-} ]]; then
        if [[ ! -f $DRIFTLESS_GALERA_PROVIDER ]]; then
            echo "cluster.sh: no Galera provider at DRIFTLESS_GALERA_PROVIDER=$DRIFTLESS_GALERA_PROVIDER" >&2
            return 1
        fi
        PROVIDER=$DRIFTLESS_GALERA_PROVIDER
    else
        for file in "${PROVIDERS[@]}"; do
            if [[ -f $file ]]; then
                PROVIDER=$file
                break
            fi
        done
        if [[ -z $PROVIDER ]]; then
            echo "cluster.sh: no Galera provider (libgalera_smm.so) found; install the Debian" \
                "package 'galera-4' (apt-get install galera-4) or set DRIFTLESS_GALERA_PROVIDER" >&2
            return 1
        fi
    fi
    if ! command -v rsync >/dev/null; then
        echo "cluster.sh: no rsync on PATH (a joining node's state transfer needs it); install the" \
            "Debian package 'rsync' (apt-get install rsync)" >&2
        return 1
    fi
}

# The cluster directory recorded in <state-dir>, or nothing; refuses anything it did not create.
recorded_dir() {
    local state=$1 dir
    [[ -f $state/cluster_dir ]] || return 0
    dir=$(<"$state/cluster_dir")
    [[ $dir =~ $DIR_PATTERN ]] || die "refusing to touch '$dir' (from $state/cluster_dir)"
    printf '%s\n' "$dir"
}

# The cluster directory recorded in <state-dir>; fails when there is none.
existing_dir() {
    local state=$1 dir
    dir=$(recorded_dir "$state") || exit 1
    [[ -n $dir && -d $dir ]] || die "no cluster recorded in $state (run '$0 start $state' first)"
    printf '%s\n' "$dir"
}

# is_node <pid> <data-dir>: whether <pid> is a running mariadbd on that data directory (the pid
# file of a killed node stays, and its pid may come back as another server's).
is_node() {
    is_running "$1" && [[ $(cat "/proc/$1/comm" 2>/dev/null) =~ ^(mariadbd|mysqld)$ ]] &&
        tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | grep -qxF -- "--datadir=$2"
}

# node_pid <dir> <n>: node n's pid if it still runs, or nothing. The pid file appears only once
# mariadbd is up, so launching a node also records the pid it launched.
node_pid() {
    local node=$1/node$2 file pid
    for file in "$node/mysqld.pid" "$node/launched.pid"; do
        [[ -f $file ]] || continue
        pid=$(head -n 1 "$file")
        if is_node "$pid" "$node/data"; then
            echo "$pid"
            return 0
        fi
    done
}

# node_alive <dir> <n>: whether node n runs or is being launched (until setsid has exec'd
# mariadbd, the launched process has another name).
node_alive() {
    local file=$1/node$2/launched.pid
    [[ -n $(node_pid "$1" "$2") ]] || { [[ -f $file ]] && is_running "$(head -n 1 "$file")"; }
}

# running_nodes <dir>: the numbers of the nodes that run, one per line.
running_nodes() {
    local n
    for n in "${NODES[@]}"; do
        [[ -z $(node_pid "$1" "$n") ]] || echo "$n"
    done
}

# wait_for_exit <dir> <n> <seconds>: whether node n is gone within that time.
wait_for_exit() {
    local i
    for ((i = 0; i < $3 * 10; i++)); do
        [[ -n $(node_pid "$1" "$2") ]] || return 0
        sleep 0.1
    done
    [[ -z $(node_pid "$1" "$2") ]]
}

# Processes a node may leave behind when it dies during a state transfer: the transfer script and
# its rsync daemon, whose command lines name the node's directory.
leftover_pids() {
    local dir=$1 proc comm
    for proc in /proc/[0-9]*; do
        comm=
        read -r comm 2>/dev/null <"$proc/comm" || true
        [[ $comm =~ ^(mariadbd|mysqld|rsync|wsrep_sst_) ]] || continue
        if tr '\0' '\n' <"$proc/cmdline" 2>/dev/null | grep -qF -- "$dir/"; then
            echo "${proc#/proc/}"
        fi
    done
}

# stop_node <dir> <n> <last resort>: shuts node n down cleanly, through mariadb-admin, else by
# SIGTERM; when that fails, the last resort "kill" sends SIGKILL, "fail" fails.
stop_node() {
    local dir=$1 n=$2 pid
    pid=$(node_pid "$dir" "$n")
    [[ -n $pid ]] || return 0
    # mariadb-admin shutdown returns once the node has removed its pid file.
    if [[ -z ${BIN[mariadb-admin]-} ]] ||
        ! "${BIN[mariadb-admin]}" --no-defaults --socket="$dir/node$n/mysqld.sock" --user=root \
            --connect-timeout=10 --shutdown-timeout="$STOP_TIMEOUT" shutdown 2>/dev/null ||
        ! wait_for_exit "$dir" "$n" "$STOP_TIMEOUT"; then
        # No mariadb-admin to ask, or the node did not listen yet: SIGTERM is a clean shutdown.
        echo "cluster.sh: no shutdown through mariadb-admin; sending SIGTERM to node $n (mariadbd $pid)" >&2
        kill -TERM "$pid" 2>/dev/null || true
        if ! wait_for_exit "$dir" "$n" "$STOP_TIMEOUT"; then
            if [[ $3 != kill ]]; then
                echo "cluster.sh: node $n in $dir did not stop" >&2
                return 1
            fi
            echo "cluster.sh: node $n (mariadbd $pid) ignored SIGTERM; sending SIGKILL" >&2
            kill -KILL "$pid" 2>/dev/null || true
            wait_for_exit "$dir" "$n" 10 || die "node $n in $dir did not stop"
        fi
    fi
}

stop_cluster() {
    local state=$1 dir i pids
    dir=$(recorded_dir "$state")
    rm -f "$state"/conninfo[0-9]
    if [[ -n $dir && -d $dir ]]; then
        find_binaries 2>/dev/null || true
        # One at a time, node 1 last: each leaves the view of the others at once.
        for ((i = ${#NODES[@]} - 1; i >= 0; i--)); do
            stop_node "$dir" "${NODES[i]}" kill
        done
        pids=$(leftover_pids "$dir")
        if [[ -n $pids ]]; then
            # shellcheck disable=SC2086 # one pid a word
            kill -KILL $pids 2>/dev/null || true
            sleep 0.2
        fi
        rm -rf "$dir"
    fi
    rm -f "$state/cluster_dir"
}

# The status of node n as "<cluster size> <local state> <cluster status>", e.g. "3 Synced
# Primary"; fails when the node does not answer.
node_status() {
    local dir=$1 n=$2 output name value
    local -A status=()
    output=$("${BIN[mariadb]}" --no-defaults --socket="$dir/node$n/mysqld.sock" --user=root \
        --connect-timeout=2 --batch --skip-column-names \
        --execute="SHOW GLOBAL STATUS WHERE Variable_name IN
                   ('wsrep_cluster_size', 'wsrep_local_state_comment', 'wsrep_cluster_status')" \
        2>/dev/null) || return 1
    while IFS=$'\t' read -r name value; do
        status[$name]=$value
    done <<<"$output"
    echo "${status[wsrep_cluster_size]:-?} ${status[wsrep_local_state_comment]:-?}" \
        "${status[wsrep_cluster_status]:-?}"
}

# wait_for_view <dir> <wanted> <seconds> <n>...: waits until each node n reports a status that
# matches the extended regular expression <wanted>; says which did not and fails when one exits or
# the time is up.
wait_for_view() {
    local dir=$1 wanted=$2 seconds=$3 n all status deadline=$((SECONDS + $3))
    shift 3
    while true; do
        all=1
        for n in "$@"; do
            if ! node_alive "$dir" "$n"; then
                echo "cluster.sh: node $n exited" >&2
                return 1
            fi
            status=$(node_status "$dir" "$n") || status="no answer"
            [[ $status =~ $wanted ]] || all=0
        done
        ((all == 0)) || return 0
        if ((SECONDS >= deadline)); then
            echo "cluster.sh: no view matching '$wanted' within $seconds s:" >&2
            for n in "$@"; do
                echo "  node $n: $(node_status "$dir" "$n" || echo "no answer")" >&2
            done
            return 1
        fi
        sleep 0.1
    done
}

# Whether something listens on 127.0.0.1:<port>.
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# check_ports <n>...: fails naming the first port of those nodes that is in use.
check_ports() {
    local n port
    for n in "$@"; do
        for port in $((SQL_PORT + n)) $((GCOMM_PORT + n)) $((IST_PORT + n)) $((SST_PORT + n)); do
            if port_in_use "$port"; then
                echo "cluster.sh: port $port (node $n) on 127.0.0.1 is in use (by a cluster of" \
                    "another state directory?)" >&2
                return 1
            fi
        done
    done
}

# write_grastate <data-dir> <uuid> <seqno> <safe to bootstrap>: Galera's saved state, which says
# which cluster a data directory holds and up to which write set.
write_grastate() {
    printf '# GALERA saved state\nversion: 2.1\nuuid:    %s\nseqno:   %s\nsafe_to_bootstrap: %s\n' \
        "$2" "$3" "$4" >"$1/grastate.dat"
}

# Under root, hands files to the user the nodes run as.
give_to_server() {
    if ((EUID == 0)); then
        chown -R "$SERVER_USER:" "$@"
    fi
}

# FAST_SERVER_OPTIONS (see mariadb_tools.sh), under root with the user the nodes run as; many
# connections are wanted: 16 and more test processes connect at once. Set by set_server_options.
SERVER_OPTIONS=()
set_server_options() {
    SERVER_OPTIONS=("${FAST_SERVER_OPTIONS[@]}")
    if ((EUID == 0)); then
        SERVER_OPTIONS+=(--user="$SERVER_USER")
    fi
}

# launch_node <dir> <n> [<option>...]: starts node n's mariadbd with those extra options and
# returns at once.
launch_node() {
    local dir=$1 n=$2 node=$1/node$2 gcomm=gcomm:// i
    shift 2
    for i in "${NODES[@]}"; do
        gcomm+=127.0.0.1:$((GCOMM_PORT + i)),
    done
    # Galera's own timeouts stay: shorter ones make nodes that are slow under load (a test run
    # keeps every core busy) suspect each other and split. pc.recovery off: a killed node that
    # comes back joins the cluster there is instead of trying to restore the component it left.
    local provider_options="base_port=$((GCOMM_PORT + n));"
    provider_options+=" gmcast.listen_addr=tcp://127.0.0.1:$((GCOMM_PORT + n));"
    provider_options+=" ist.recv_addr=127.0.0.1:$((IST_PORT + n));"
    provider_options+=" gcache.size=32M; pc.recovery=false"
    local -a options=(
        --datadir="$node/data"
        "${SERVER_OPTIONS[@]}"
        --port=$((SQL_PORT + n))
        --bind-address=127.0.0.1
        --socket="$node/mysqld.sock"
        --pid-file="$node/mysqld.pid"
        --log-error="$node/server.log"
        --skip-log-bin
        --max-connections=200
        --binlog-format=ROW
        --default-storage-engine=InnoDB
        --innodb-autoinc-lock-mode=2
        --wsrep-on=ON
        --wsrep-provider="$PROVIDER"
        --wsrep-provider-options="$provider_options"
        --wsrep-cluster-name=driftless
        --wsrep-cluster-address="${gcomm%,}"
        --wsrep-node-name="node$n"
        --wsrep-node-address=127.0.0.1:$((GCOMM_PORT + n))
        --wsrep-node-incoming-address=127.0.0.1:$((SQL_PORT + n))
        --wsrep-sst-method=rsync
        --wsrep-sst-receive-address=127.0.0.1:$((SST_PORT + n))
        "$@"
    )
    # Detached from ctest: its own session, and no inherited output pipes for ctest to wait on.
    (cd "$node" && exec setsid "${BIN[mariadbd]}" --no-defaults "${options[@]}" \
        </dev/null >>"$node/server.log" 2>&1) &
    printf '%s\n' "$!" >"$node/launched.pid"
}

# sql <dir> <n> <statements>: runs them as root on node n, its output into node n's log.
sql() {
    "${BIN[mariadb]}" --no-defaults --socket="$1/node$2/mysqld.sock" --user=root --batch \
        --skip-column-names --execute="$3" 2>>"$1/node$2/server.log"
}

start_cluster() {
    local state=$1 dir n uuid seqno
    mkdir -p "$state"
    # A cluster left behind by an interrupted run.
    stop_cluster "$state"
    find_binaries || exit 1
    find_provider || exit 1
    if ((EUID == 0)); then
        id -u "$SERVER_USER" >/dev/null 2>&1 ||
            die "running as root needs the '$SERVER_USER' user (created by the Debian package 'mariadb-server')"
    fi
    check_ports "${NODES[@]}" || exit 1
    set_server_options

    dir=$(mktemp -d "$DIR_TEMPLATE")
    printf '%s\n' "$dir" >"$state/cluster_dir"
    for n in "${NODES[@]}"; do
        mkdir "$dir/node$n"
        : >"$dir/node$n/server.log"
    done
    give_to_server "$dir"
    if ! (cd "$dir" && "${BIN[mariadb-install-db]}" --no-defaults --datadir="$dir/node1/data" \
        "${SERVER_OPTIONS[@]}" --auth-root-authentication-method=normal --skip-test-db) \
        >"$dir/install.log" 2>&1; then
        start_failed "$state" "$dir"
    fi

    # Node 1 bootstraps a new cluster from its fresh data directory and creates the user; once it
    # has shut down, its data directory (with InnoDB's record of the last write set, which a node
    # that joins by an incremental state transfer must have) is the other nodes' too.
    uuid=$(</proc/sys/kernel/random/uuid)
    write_grastate "$dir/node1/data" "$uuid" 0 1
    give_to_server "$dir/node1/data/grastate.dat"
    launch_node "$dir" 1 --wsrep-new-cluster
    wait_for_view "$dir" '^1 Synced Primary$' "$START_TIMEOUT" 1 || start_failed "$state" "$dir"
    if ! sql "$dir" 1 "CREATE USER 'driftless'@'127.0.0.1', 'driftless'@'localhost';
                       GRANT ALL PRIVILEGES ON *.* TO 'driftless'@'127.0.0.1' WITH GRANT OPTION;
                       GRANT ALL PRIVILEGES ON *.* TO 'driftless'@'localhost' WITH GRANT OPTION;"; then
        echo "cluster.sh: creating the user 'driftless' failed" >&2
        start_failed "$state" "$dir"
    fi
    stop_node "$dir" 1 fail || start_failed "$state" "$dir"
    seqno=$(sed -n 's/^seqno: *//p' "$dir/node1/data/grastate.dat")
    if [[ ! $seqno =~ ^[0-9]+$ ]]; then
        echo "cluster.sh: node 1 did not save its state (seqno '$seqno' in its grastate.dat)" >&2
        start_failed "$state" "$dir"
    fi
    for n in "${NODES[@]:1}"; do
        cp -a "$dir/node1/data" "$dir/node$n/data"
        # Each node keeps its own write set cache.
        rm -f "$dir/node$n/data/galera.cache" "$dir/node$n/data/gvwstate.dat"
        write_grastate "$dir/node$n/data" "$uuid" "$seqno" 0
        give_to_server "$dir/node$n/data/grastate.dat"
    done

    # Node 1 bootstraps the cluster again at that seqno and the others join it.
    launch_node "$dir" 1 --wsrep-new-cluster
    wait_for_view "$dir" '^1 Synced Primary$' "$START_TIMEOUT" 1 || start_failed "$state" "$dir"
    # One at a time: nodes that join together may first form a component of their own, which
    # takes seconds to merge.
    for n in "${NODES[@]:1}"; do
        launch_node "$dir" "$n"
        wait_for_view "$dir" "^$n Synced Primary\$" "$START_TIMEOUT" "${NODES[@]:0:n}" ||
            start_failed "$state" "$dir"
    done

    for n in "${NODES[@]}"; do
        printf 'mysql://driftless@127.0.0.1:%s/\n' $((SQL_PORT + n)) >"$state/conninfo$n"
    done
    echo "cluster.sh: MariaDB Galera cluster (${BIN[mariadbd]}, $PROVIDER) of ${#NODES[@]}" \
        "nodes running in $dir"
}

# print_logs <dir>: the end of each node's log, mariadb-install-db's output when no node ran.
print_logs() {
    local dir=$1 n file
    for n in "${NODES[@]}"; do
        file=$dir/node$n/server.log
        if [[ -s $file ]]; then
            echo "--- $file (the last 60 lines)" >&2
            tail -n 60 "$file" >&2
        fi
    done
    file=$dir/install.log
    if [[ ! -s $dir/node1/server.log && -s $file ]]; then
        echo "--- $file" >&2
        cat "$file" >&2
    fi
}

start_failed() {
    local state=$1 dir=$2
    echo "cluster.sh: starting a MariaDB Galera cluster (${BIN[mariadbd]}) in $dir failed" >&2
    print_logs "$dir"
    stop_cluster "$state" || true
    exit 1
}

stop_one() {
    local dir n=$2
    dir=$(existing_dir "$1")
    find_binaries 2>/dev/null || true
    [[ -n $(node_pid "$dir" "$n") ]] || return 0
    stop_node "$dir" "$n" fail || exit 1
    wait_for_rest "$dir" "$n"
}

kill_one() {
    local dir n=$2 pid
    dir=$(existing_dir "$1")
    find_binaries 2>/dev/null || true
    pid=$(node_pid "$dir" "$n")
    [[ -n $pid ]] || return 0
    kill -KILL "$pid" 2>/dev/null || true
    wait_for_exit "$dir" "$n" 10 || die "node $n (mariadbd $pid) did not die"
    wait_for_rest "$dir" "$n"
}

# wait_for_rest <dir> <n>: waits until the nodes still running have a view without node n.
wait_for_rest() {
    local dir=$1 n=$2 rest=()
    mapfile -t rest < <(running_nodes "$dir")
    ((${#rest[@]} > 0)) || return 0
    if [[ -z ${BIN[mariadb]-} ]] ||
        ! wait_for_view "$dir" "^${#rest[@]} " "$VIEW_TIMEOUT" "${rest[@]}"; then
        die "the nodes left (${rest[*]}) did not drop node $n from their view"
    fi
}

start_one() {
    local state=$1 dir n=$2 running=()
    dir=$(existing_dir "$state")
    find_binaries || exit 1
    find_provider || exit 1
    set_server_options
    mapfile -t running < <(running_nodes "$dir")
    if [[ " ${running[*]} " != *" $n "* ]]; then
        # Without --wsrep-new-cluster a node only joins a cluster there is.
        ((${#running[@]} > 0)) ||
            die "no node runs in $dir, so node $n has no cluster to join (run '$0 start $state')"
        check_ports "$n" || exit 1
        launch_node "$dir" "$n"
        running+=("$n")
    fi
    if ! wait_for_view "$dir" "^${#running[@]} Synced Primary\$" "$START_TIMEOUT" "${running[@]}"; then
        echo "cluster.sh: node $n in $dir did not rejoin" >&2
        print_logs "$dir"
        exit 1
    fi
}

# node_arguments <a> <b>: sets STATE and NODE from "<state-dir> N", or from "N <state-dir>".
node_arguments() {
    if [[ $2 =~ ^[0-9]+$ ]]; then
        STATE=$1 NODE=$2
    else
        STATE=$2 NODE=$1
    fi
    [[ $NODE =~ ^[1-9]$ && " ${NODES[*]} " == *" $NODE "* ]] || usage
}

case ${1-}/$# in
    start/2) start_cluster "$2" ;;
    stop/2) stop_cluster "$2" ;;
    stop-node/3) node_arguments "$2" "$3" && stop_one "$STATE" "$NODE" ;;
    start-node/3) node_arguments "$2" "$3" && start_one "$STATE" "$NODE" ;;
    kill-node/3) node_arguments "$2" "$3" && kill_one "$STATE" "$NODE" ;;
    *) usage ;;
esac
