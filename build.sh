#!/usr/bin/env bash
# Build, test and benchmark driftless on Debian/Ubuntu.
#
#   ./build.sh example   build and run examples/quickstart (build/gcc, Release)
#   ./build.sh test      the CI run: three builds, each compiling the library's tests, examples
#                        and every public header on its own, and running ctest:
#                          build/gcc    g++, Release, also the benchmarks (built, and run once
#                                       as smoke tests)
#                          build/clang  clang++, Release (all but the reliability sweeps and the
#                                       Galera cluster tests, which the other two builds run, and
#                                       the package tests, which the g++ Release build runs)
#                          build/asan   g++, Debug, AddressSanitizer + UBSan (the crash sweep
#                                       at 50 kill points per journal mode, not 200)
#   ./build.sh bench     benchmarks/compile_time.sh (compile time and memory of C1)
#
# Missing Debian packages are installed first (with sudo when not root). Build directories are
# reused, so later runs are incremental. Environment: JOBS (default 2).
set -euo pipefail

# Debian packages the builds need. Backends add theirs here: libpq-dev for driftless::postgresql,
# and postgresql for the server its tests start; libmariadb-dev for driftless::mysql, and
# mariadb-server for the server its tests start (the tests start their own on a Unix socket, never
# the system service, which Debian's package enables where systemd runs); galera-4 and rsync for
# the 3-node Galera cluster its cluster tests start (rsync moves a joining node's state).
PACKAGES="cmake ninja-build g++ clang libclang-rt-14-dev libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libsqlite3-dev
doctest-dev libcli11-dev libtomlplusplus-dev libbenchmark-dev nlohmann-json3-dev time
libpq-dev postgresql libmariadb-dev mariadb-server galera-4 rsync"

JOBS=${JOBS:-2}
SANITIZER_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"

cd "$(dirname "${BASH_SOURCE[0]}")"

usage() {
    echo "usage: $0 example|test|bench" >&2
    exit 2
}

log() {
    printf '\n==> %s\n' "$*"
}

install_packages() {
    local missing=() package
    if ! command -v dpkg-query >/dev/null; then
        echo "build.sh: not a Debian-based system; install these yourself: $PACKAGES" >&2
        return 0
    fi
    for package in $PACKAGES; do
        if [[ $(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true) != "install ok installed" ]]; then
            missing+=("$package")
        fi
    done
    if ((${#missing[@]} == 0)); then
        return 0
    fi
    local sudo=()
    if ((EUID != 0)); then
        sudo=(sudo)
    fi
    log "installing missing packages: ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

# configure <dir> <c++ compiler> <build type> [cmake args...]
configure() {
    local dir=$1 cxx=$2 type=$3
    shift 3
    cmake -S . -B "$dir" -G Ninja \
        -DCMAKE_CXX_COMPILER="$cxx" \
        -DCMAKE_BUILD_TYPE="$type" \
        "$@"
}

# One test build: configure, build everything, run ctest. Returns non-zero on the first failure.
# test_build <name> <c++ compiler> <build type> <CXXFLAGS> <benchmarks ON|OFF> [ctest args...]
test_build() {
    local name=$1 cxx=$2 type=$3 flags=$4 benchmarks=$5 dir="build/$1"
    shift 5
    log "[$name] configure ($cxx, $type${flags:+, $flags}, benchmarks $benchmarks)"
    configure "$dir" "$cxx" "$type" \
        -DCMAKE_CXX_FLAGS="$flags" \
        -DDRIFTLESS_BUILD_TESTS=ON \
        -DDRIFTLESS_BUILD_EXAMPLES=ON \
        -DDRIFTLESS_BUILD_BENCHMARKS="$benchmarks" || return 1
    # The default target also depends on all_verify_interface_header_sets (every public header
    # compiled on its own); naming it keeps that visible.
    log "[$name] build"
    cmake --build "$dir" --parallel "$JOBS" --target all all_verify_interface_header_sets || return 1
    log "[$name] test"
    ctest --test-dir "$dir" --output-on-failure --parallel "$JOBS" --timeout 900 "$@" || return 1
}

run_tests() {
    local results=() failed=0 start name cxx type flags benchmarks
    # The package tests (label "package") build a consumer project against the installed and the
    # source tree; they check packaging, which sanitizers do not change, so the asan build skips
    # them rather than pay for two more configure+build rounds. The benchmarks are programs that
    # measure (run by hand, docs/benchmarks.md); the g++ Release build compiles them and runs each
    # once as a smoke test, the other two builds leave them out (about 3 minutes of CI).
    local -a builds=(
        "gcc|g++|Release||ON"
        "clang|clang++|Release||OFF"
        "asan|g++|Debug|$SANITIZER_FLAGS|OFF"
    )
    export ASAN_OPTIONS=${ASAN_OPTIONS:-"detect_leaks=1:detect_stack_use_after_return=1"}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-"print_stacktrace=1:halt_on_error=1"}
    for build in "${builds[@]}"; do
        IFS='|' read -r name cxx type flags benchmarks <<<"$build"
        local ctest_args=() crash_points=${DRIFTLESS_CRASH_POINTS:-}
        if [[ $name == clang ]]; then
            # The reliability sweeps (label "reliability": kill -9 at every write, an I/O error
            # and an allocation failure at every point of a rebuild) test SQLite's journal and
            # driftless's transaction handling, which the compiler does not change; the g++
            # Release build runs them in full and the sanitizer build runs them under ASan and
            # UBSan. The package tests (label "package": install, find_package, add_subdirectory)
            # check CMake's packaging, which the compiler does not change either; the g++ Release
            # build runs them. The Galera tests (label "galera": a 3-node cluster, the slowest
            # fixture) check the cluster's behaviour and the lease, which the compiler does not
            # change; the g++ Release and sanitizer builds run them. Every other test runs here too.
            ctest_args=(--label-exclude "reliability|package|galera")
        fi
        if [[ $name == asan ]]; then
            ctest_args=(--label-exclude package)
            # The crash sweep checks what SQLite's journal and driftless's transaction leave after
            # kill -9; the Release builds run it at its default 200 kill points per journal mode.
            # Under the sanitizers its purpose is the memory checks on the same path, and 200
            # points there take 15 minutes: 50 per mode unless DRIFTLESS_CRASH_POINTS says.
            crash_points=${DRIFTLESS_CRASH_POINTS:-50}
        fi
        start=$SECONDS
        if DRIFTLESS_CRASH_POINTS=$crash_points test_build "$name" "$cxx" "$type" "$flags" "$benchmarks" "${ctest_args[@]}"; then
            results+=("PASS  build/$name  ($((SECONDS - start)) s)")
        else
            results+=("FAIL  build/$name  ($((SECONDS - start)) s)")
            failed=1
        fi
    done
    printf '\n==> summary\n'
    printf '    %s\n' "${results[@]}"
    if ((failed)); then
        printf '\nbuild.sh test: FAILED\n'
        return 1
    fi
    printf '\nbuild.sh test: all builds passed\n'
}

run_example() {
    local dir=build/gcc
    log "configure ($dir)"
    configure "$dir" g++ Release -DDRIFTLESS_BUILD_EXAMPLES=ON
    log "build quickstart"
    cmake --build "$dir" --parallel "$JOBS" --target quickstart
    log "run quickstart"
    mkdir -p "$dir/examples/quickstart/run"
    (cd "$dir/examples/quickstart/run" && ../quickstart)
}

main() {
    (($# == 1)) || usage
    case $1 in
        example | test | bench) ;;
        *) usage ;;
    esac
    install_packages
    case $1 in
        example) run_example ;;
        test) run_tests ;;
        bench) benchmarks/compile_time.sh ;;
    esac
}

main "$@"
