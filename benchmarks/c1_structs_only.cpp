// The C1 baseline (docs/benchmarks.md): a TU that only defines the structs of S(N), with no
// driftless. benchmarks/compile_time.sh compares the cost of c1_reflect.cpp against this one.
#include "schema_structs.hpp"

#include <cstdio>

int main() {
    const bench::t0 row{};
    std::printf("S(%d): sizeof(bench::t0) = %zu\n", DRIFTLESS_BENCH_TABLES, sizeof(row));
    return 0;
}
