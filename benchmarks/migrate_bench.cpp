// B1, B1f, B4 (docs/benchmarks.md) on S(DRIFTLESS_BENCH_TABLES), each beside its baseline in the
// same binary. Run with --benchmark_repetitions=N to get medians; ratios are computed from those.
//
//   B1   migrate<all>(db, {.verify = true}) on a database already at S(N)  vs  a hand-written read
//        of the catalog a diff needs (per-table PRAGMAs in one read transaction) + a compare
//   B1f  migrate<all>(db) on the fast path  vs  PRAGMA schema_version alone
//   B4   migrate<all>(db) creating S(N) from nothing  vs  the same DDL run by hand in one transaction
#include "schema_specs.hpp"

#include "catalog_baseline.hpp"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <driftless/sqlite.hpp>

namespace {

template <class... Tables>
driftless::migrate_result migrate_all(const driftless::sqlite::connection& db, bench::table_list<Tables...>,
                                      driftless::migrate_options options = {}) {
    return driftless::migrate<Tables...>(db, options);
}

template <class... Tables>
driftless::schema schema_of(bench::table_list<Tables...>) {
    return driftless::to_schema<Tables...>();
}

template <class... Tables>
std::vector<std::string> all_ddl(bench::table_list<Tables...>) {
    std::vector<std::string> out;
    (
        [&] {
            for (auto& s : driftless::create_table_statements<Tables>(driftless::dialect::sqlite)) out.push_back(s);
        }(),
        ...);
    return out;
}

std::string scratch(const char* name) {
    return (std::filesystem::temp_directory_path() / (std::string("driftless_") + name + ".db")).string();
}

driftless::sqlite::connection fresh(const std::string& path) {
    std::filesystem::remove(path);
    return driftless::sqlite::open(path);
}

const driftless::sqlite::connection& migrated_db() {
    static const std::string path = scratch("b1");
    static const driftless::sqlite::connection db = [] {
        auto c = fresh(path);
        migrate_all(c, bench::all_tables{});
        return c;
    }();
    return db;
}

void B1_verified(benchmark::State& state) {
    const auto& db = migrated_db();
    for (auto _ : state) {
        const auto r = migrate_all(db, bench::all_tables{}, {.verify = true});
        if (r.applied || r.fast_path) state.SkipWithError("expected a verified no-op");
        benchmark::DoNotOptimize(r);
    }
}

/// The baseline: catalog_baseline.hpp, the hand-written catalog read and compare.
void B1_baseline_catalog_read(benchmark::State& state) {
    const auto& db = migrated_db();
    bench::catalog_baseline baseline(db.handle());
    const auto schema = schema_of(bench::all_tables{});
    for (auto _ : state) {
        const std::size_t mismatches = baseline.run(schema);
        if (mismatches != 0) state.SkipWithError("baseline saw a difference");
        benchmark::DoNotOptimize(mismatches);
    }
}

void B1f_fast_path(benchmark::State& state) {
    const auto& db = migrated_db();
    migrate_all(db, bench::all_tables{});
    for (auto _ : state) {
        const auto r = migrate_all(db, bench::all_tables{});
        if (!r.fast_path) state.SkipWithError("expected the fast path");
        benchmark::DoNotOptimize(r);
    }
}

void B1f_baseline_schema_version(benchmark::State& state) {
    const auto& db = migrated_db();
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db.handle(), "PRAGMA schema_version", -1, &st, nullptr);
    for (auto _ : state) {
        sqlite3_step(st);
        benchmark::DoNotOptimize(sqlite3_column_int(st, 0));
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
}

void B4_create(benchmark::State& state) {
    const std::string path = scratch("b4");
    for (auto _ : state) {
        state.PauseTiming();
        auto db = fresh(path);
        state.ResumeTiming();
        const auto r = migrate_all(db, bench::all_tables{});
        if (!r.applied) state.SkipWithError("expected to create the schema");
    }
    std::filesystem::remove(path);
}

void B4_baseline_by_hand(benchmark::State& state) {
    const std::string path = scratch("b4_base");
    const std::vector<std::string> ddl = all_ddl(bench::all_tables{});
    for (auto _ : state) {
        state.PauseTiming();
        auto db = fresh(path);
        state.ResumeTiming();
        db.execute("BEGIN");
        for (const auto& s : ddl) db.execute(s);
        db.execute("COMMIT");
    }
    std::filesystem::remove(path);
}

}  // namespace

BENCHMARK(B1_verified)->Unit(benchmark::kMicrosecond);
BENCHMARK(B1_baseline_catalog_read)->Unit(benchmark::kMicrosecond);
BENCHMARK(B1f_fast_path)->Unit(benchmark::kMicrosecond);
BENCHMARK(B1f_baseline_schema_version)->Unit(benchmark::kMicrosecond);
BENCHMARK(B4_create)->Unit(benchmark::kMillisecond);
BENCHMARK(B4_baseline_by_hand)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
