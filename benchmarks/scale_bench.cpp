// B1 (docs/benchmarks.md) for N = 10, 100, 1000: migrate, fully verified, on a file database
// already at S(N), against the hand-written catalog read (catalog_baseline.hpp) in the same binary.
//
// migrate<Ts...>() computes its schema once from the models and then calls the non-template
// sqlite::migrate_schema(); the run-time cost is all there. So S(N) is built at run time
// (scaled_schema.hpp), and migrate_schema() gets exactly what migrate<t0, ..., tN-1>() would give it.
//
//   scale_bench --benchmark_repetitions=7 --benchmark_report_aggregates_only=true
#include "schema_specs.hpp"

#include "catalog_baseline.hpp"
#include "scaled_schema.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <driftless/sqlite.hpp>

namespace {

struct scale_db {
    driftless::schema schema;
    std::string fingerprint;
    std::string path;
    driftless::sqlite::connection db;
};

const scale_db& database(int n) {
    static std::map<int, std::unique_ptr<scale_db>> cache;
    auto& slot = cache[n];
    if (!slot) {
        slot = std::make_unique<scale_db>();
        slot->schema = bench::scaled_schema(n);
        slot->fingerprint = driftless::sqlite::fingerprint(slot->schema);
        slot->path = (std::filesystem::temp_directory_path() / ("driftless_scale_" + std::to_string(n) + ".db")).string();
        std::filesystem::remove(slot->path);
        slot->db = driftless::sqlite::open(slot->path);
        driftless::migrate_schema(slot->db, slot->schema, {}, "S(N)", slot->fingerprint);
    }
    return *slot;
}

void B1_verified(benchmark::State& state) {
    const scale_db& s = database(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        const auto r = driftless::migrate_schema(s.db, s.schema, {.verify = true}, "S(N)", s.fingerprint);
        if (r.applied || r.fast_path) state.SkipWithError("expected a verified no-op");
        benchmark::DoNotOptimize(r);
    }
}

void B1_baseline_catalog_read(benchmark::State& state) {
    const scale_db& s = database(static_cast<int>(state.range(0)));
    bench::catalog_baseline baseline(s.db.handle());
    for (auto _ : state) {
        const std::size_t mismatches = baseline.run(s.schema);
        if (mismatches != 0) state.SkipWithError("baseline saw a difference");
        benchmark::DoNotOptimize(mismatches);
    }
}

void B1f_fast_path(benchmark::State& state) {
    const scale_db& s = database(static_cast<int>(state.range(0)));
    driftless::migrate_schema(s.db, s.schema, {}, "S(N)", s.fingerprint);
    for (auto _ : state) {
        const auto r = driftless::migrate_schema(s.db, s.schema, {}, "S(N)", s.fingerprint);
        if (!r.fast_path) state.SkipWithError("expected the fast path");
        benchmark::DoNotOptimize(r);
    }
}

}  // namespace

BENCHMARK(B1_verified)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK(B1_baseline_catalog_read)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK(B1f_fast_path)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
