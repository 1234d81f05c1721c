// B1 of BENCHMARKS.md across N = 10, 100, 1000: migrate with full verification on a file database
// already at S(N), against the hand-written catalog read (catalog_baseline.hpp) in the same binary.
//
// migrate<Ts...>() computes its schema once from the models and then calls the non-template
// sqlite::migrate_schema(); the run-time cost is all there. So S(N) is built here at run time from
// the shape of the generated tables t0 and t1 (12 columns, two indexes, a foreign key to the
// previous table), which spares the build the compile time of 1000 reflected structs (that is
// what C1 measures), and migrate_schema() gets exactly what migrate<t0, ..., tN-1>() would give it.
//
//   scale_bench --benchmark_repetitions=7 --benchmark_report_aggregates_only=true
#include "schema_specs.hpp"

#include "catalog_baseline.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <driftless/sqlite.hpp>

namespace {

/// S(n) from the generated t0 and t1: t{i} is t1 renamed, its index names and its foreign key
/// following the table's name.
driftless::schema make_schema(int n) {
    const driftless::schema two = driftless::to_schema<bench::t0, bench::t1>();
    driftless::schema out;
    out.tables.push_back(two.tables[0]);
    const driftless::table_info& shape = two.tables[1];
    const auto rename = [](std::string text, const std::string& from, const std::string& to) {
        if (text.rfind(from, 0) == 0) text = to + text.substr(from.size());
        return text;
    };
    for (int i = 1; i < n; ++i) {
        driftless::table_info t = shape;
        const std::string name = "t" + std::to_string(i);
        t.name = name;
        for (auto& x : t.indexes) x.name = rename(x.name, "t1_", name + "_");
        for (auto& u : t.uniques) u.name = rename(u.name, "t1_", name + "_");
        for (auto& fk : t.foreign_keys) {
            fk.name = rename(fk.name, "t1_", name + "_");
            fk.ref_table = "t" + std::to_string(i - 1);
        }
        out.tables.push_back(std::move(t));
    }
    return out;
}

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
        slot->schema = make_schema(n);
        slot->fingerprint = driftless::sqlite::fingerprint(slot->schema);
        slot->path = (std::filesystem::temp_directory_path() / ("driftless_scale_" + std::to_string(n) + ".db")).string();
        std::filesystem::remove(slot->path);
        slot->db = driftless::sqlite::open(slot->path);
        driftless::sqlite::migrate_schema(slot->db, slot->schema, {}, "S(N)", slot->fingerprint);
    }
    return *slot;
}

void B1_verified(benchmark::State& state) {
    const scale_db& s = database(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        const auto r = driftless::sqlite::migrate_schema(s.db, s.schema, {.verify = true}, "S(N)", s.fingerprint);
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
    driftless::sqlite::migrate_schema(s.db, s.schema, {}, "S(N)", s.fingerprint);
    for (auto _ : state) {
        const auto r = driftless::sqlite::migrate_schema(s.db, s.schema, {}, "S(N)", s.fingerprint);
        if (!r.fast_path) state.SkipWithError("expected the fast path");
        benchmark::DoNotOptimize(r);
    }
}

}  // namespace

BENCHMARK(B1_verified)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK(B1_baseline_catalog_read)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK(B1f_fast_path)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
