#!/usr/bin/env bash
# C1 (docs/benchmarks.md): what reflecting a whole schema costs the compiler.
#
# Generates S(N) (default 100) into the build tree, then for each compiler compiles, at -O2:
#   c1_structs_only.cpp  the N structs alone, no driftless (the baseline)
#   c1_reflect.cpp       the structs + their specs, rendering every table's PostgreSQL DDL
#   c1_migrate.cpp       the structs + their specs, calling migrate<all N>() on SQLite: header-only,
#                        and again with -DDRIFTLESS_COMPILED_RUNTIME ("c1_migrate+rt": the runner
#                        and the engine only declared, as when linking driftless::runtime)
# and reports the median wall time and median peak memory (/usr/bin/time -v) over REPEAT runs.
#
# Usage: benchmarks/compile_time.sh [N]
# Environment: REPEAT (default 3), COMPILERS (default "g++ clang++"), BUILD_DIR (default
# build/bench), EXTRA_CXXFLAGS (added to every compile).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
n=${1:-100}
repeat=${REPEAT:-3}
compilers=${COMPILERS:-"g++ clang++"}
out=${BUILD_DIR:-"$root/build/bench"}
schema="$out/schema_$n"
# The C1 targets (docs/benchmarks.md), for g++: c1_reflect.cpp within 20 s and 1.5 GiB; the
# migrate TU with the runtime compiled once within 10 s and 1 GiB.
target_seconds=20
target_mib=1536
migrate_target_seconds=10
migrate_target_mib=1024

if [[ ! -x /usr/bin/time ]]; then
    echo "compile_time.sh: /usr/bin/time (GNU time) is required" >&2
    exit 1
fi
mkdir -p "$out"
cmake -P "$root/cmake/generate_schema.cmake" "$n" "$schema"

# median <numbers...>
median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
        if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# measure <compiler> <tu>: prints "<seconds> <MiB>" of one compilation. A TU named "x+rt" is
# x.cpp compiled with the runtime compiled once.
measure() {
    local cxx=$1 tu=$2
    local source=${tu%+rt} flags=()
    [[ $tu == *+rt ]] && flags=(-DDRIFTLESS_COMPILED_RUNTIME=1)
    local log="$out/$tu.$cxx.time.log"
    # shellcheck disable=SC2086 # EXTRA_CXXFLAGS is a list of flags
    if ! /usr/bin/time -v "$cxx" -std=c++20 -O2 ${EXTRA_CXXFLAGS:-} "${flags[@]}" \
            -I"$root/include" -I"$schema" \
            -c "$root/benchmarks/$source.cpp" -o "$out/$tu.$cxx.o" 2>"$log"; then
        echo "compile_time.sh: $cxx failed to compile $tu.cpp:" >&2
        cat "$log" >&2
        return 1
    fi
    awk -F': ' '
        /Elapsed \(wall clock\) time/ {
            k = split($2, p, ":"); s = 0
            for (i = 1; i <= k; i++) s = s * 60 + p[i]
            seconds = s
        }
        /Maximum resident set size/ { mib = $2 / 1024 }
        END { printf "%.2f %.0f\n", seconds, mib }' "$log"
}

printf '\nC1 compile time: schema S(%s), -std=c++20 -O2, median of %s runs\n\n' "$n" "$repeat"
printf '%-14s %-17s %9s %10s %15s\n' compiler TU seconds "peak MiB" "vs baseline"
printf '%-14s %-17s %9s %10s %15s\n' -------------- ----------------- --------- ---------- ---------------
status=0
verdict=""
for cxx in $compilers; do
    if ! command -v "$cxx" >/dev/null; then
        printf '%-14s (not installed, skipped)\n' "$cxx"
        continue
    fi
    version=$("$cxx" -dumpfullversion 2>/dev/null || "$cxx" -dumpversion)
    base_seconds="" base_mib=""
    for tu in c1_structs_only c1_reflect c1_migrate c1_migrate+rt; do
        seconds=() mibs=()
        for ((run = 0; run < repeat; run++)); do
            if ! result=$(measure "$cxx" "$tu"); then
                status=1
                continue 3
            fi
            seconds+=("${result% *}")
            mibs+=("${result#* }")
        done
        s=$(median "${seconds[@]}")
        m=$(median "${mibs[@]}")
        ratio=""
        if [[ -z $base_seconds ]]; then
            base_seconds=$s base_mib=$m
        else
            ratio=$(awk -v s="$s" -v bs="$base_seconds" -v m="$m" -v bm="$base_mib" \
                'BEGIN { printf "%.1fx / %.1fx", (bs > 0 ? s / bs : 0), (bm > 0 ? m / bm : 0) }')
            if [[ $cxx == g++* && $tu == c1_reflect ]]; then
                met=$(awk -v s="$s" -v m="$m" -v ts="$target_seconds" -v tm="$target_mib" \
                    'BEGIN { print (s <= ts && m <= tm) ? "met" : "MISSED" }')
                verdict="target for g++ c1_reflect (<= ${target_seconds} s and <= ${target_mib} MiB): $met ($s s, $m MiB)"
            elif [[ $cxx == g++* && $tu == c1_migrate+rt ]]; then
                met=$(awk -v s="$s" -v m="$m" -v ts="$migrate_target_seconds" -v tm="$migrate_target_mib" \
                    'BEGIN { print (s <= ts && m <= tm) ? "met" : "MISSED" }')
                verdict="$verdict
C1 target for g++ c1_migrate, runtime compiled once (<= ${migrate_target_seconds} s and <= ${migrate_target_mib} MiB): $met ($s s, $m MiB)"
            fi
        fi
        printf '%-14s %-17s %9s %10s %15s\n' "$cxx $version" "$tu" "$s" "$m" "$ratio"
    done
done
printf '\n(vs baseline: time ratio / memory ratio against c1_structs_only with the same compiler)\n'
if [[ -n $verdict ]]; then
    printf 'C1 %s\n' "$verdict"
fi
exit $status
