// B2 and B3 (docs/benchmarks.md), each beside its baseline in the same binary:
//
//   B2  change one column's type on a 1,000,000-row, 12-column table with 2 indexes (the 12-step
//       rebuild), file database re-created for each run, only the migration timed  vs  the same
//       12 steps written by hand with the sqlite3 C API
//   B3  add a nullable column to the 1,000,000-row table  vs  the same on a 1,000-row table
//
// Each run builds its database first (not timed), so run with few repetitions:
//   rebuild_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <driftless/sqlite.hpp>

namespace big {
struct V1 {
    std::int64_t id;
    std::int64_t i1;
    std::int64_t i2;
    std::int32_t i3;
    std::int32_t i4;
    std::string s1;
    std::string s2;
    std::string s3;
    double r1;
    double r2;
    std::vector<std::byte> b1;
    std::optional<std::string> n1;
};
struct V3 {
    std::int64_t id;
    std::int64_t i1;
    std::int64_t i2;
    std::int32_t i3;
    std::int32_t i4;
    std::string s1;
    std::string s2;
    std::string s3;
    double r1;
    double r2;
    std::vector<std::byte> b1;
    std::optional<std::string> n1;
    std::optional<std::string> extra;  // added: ALTER TABLE ADD COLUMN
};
}  // namespace big

template <>
inline constexpr auto driftless::customize::table<big::V1> =
    driftless::table<big::V1>("big").index("big_s1", &big::V1::s1).unique_index("big_s2", &big::V1::s2);
template <>
inline constexpr auto driftless::customize::table<big::V3> =
    driftless::table<big::V3>("big").index("big_s1", &big::V3::s1).unique_index("big_s2", &big::V3::s2);

namespace {

// V1 with s3 limited to 100 characters: VARCHAR(100) instead of TEXT, a rebuild on SQLite.
struct V2Plain {
    std::int64_t id;
    std::int64_t i1;
    std::int64_t i2;
    std::int32_t i3;
    std::int32_t i4;
    std::string s1;
    std::string s2;
    std::string s3;
    double r1;
    double r2;
    std::vector<std::byte> b1;
    std::optional<std::string> n1;
};

}  // namespace

template <>
inline constexpr auto driftless::customize::table<V2Plain> = driftless::table<V2Plain>("big")
                                                                  .length(&V2Plain::s3, 100)
                                                                  .index("big_s1", &V2Plain::s1)
                                                                  .unique_index("big_s2", &V2Plain::s2);

namespace {

std::string scratch() { return (std::filesystem::temp_directory_path() / "driftless_big.db").string(); }

driftless::sqlite::connection build(std::int64_t rows) {
    std::filesystem::remove(scratch());
    auto db = driftless::sqlite::open(scratch());
    driftless::migrate<big::V1>(db);
    db.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " + std::to_string(rows) +
               ") INSERT INTO big SELECT x, x, x * 2, x % 1000, x % 7, 's1-' || x, 's2-' || x, 's3-' || (x % 100), "
               "x * 0.5, x * 0.25, randomblob(16), NULL FROM c");
    return db;
}

void B2_migrate_rebuild(benchmark::State& state) {
    for (auto _ : state) {
        state.PauseTiming();
        auto db = build(state.range(0));
        state.ResumeTiming();
        const auto r = driftless::migrate<V2Plain>(db);
        if (!r.applied) state.SkipWithError("expected a rebuild");
    }
    std::filesystem::remove(scratch());
}

void B2_baseline_hand_written(benchmark::State& state) {
    const std::string create = driftless::render_create_table(
        [] {
            auto t = driftless::to_table_info<V2Plain>();
            t.name = "big_new";
            return t;
        }(),
        driftless::dialect::sqlite);
    for (auto _ : state) {
        state.PauseTiming();
        auto db = build(state.range(0));
        state.ResumeTiming();
        db.execute("PRAGMA foreign_keys = OFF");
        db.execute("BEGIN IMMEDIATE");
        db.execute(create);
        db.execute("INSERT INTO big_new SELECT * FROM big");
        db.execute("DROP TABLE big");
        db.execute("ALTER TABLE big_new RENAME TO big");
        db.execute("CREATE INDEX big_s1 ON big (s1)");
        db.execute("CREATE UNIQUE INDEX big_s2 ON big (s2)");
        db.execute("PRAGMA foreign_key_check");
        db.execute("COMMIT");
    }
    std::filesystem::remove(scratch());
}

void B3_add_nullable_column(benchmark::State& state) {
    for (auto _ : state) {
        state.PauseTiming();
        auto db = build(state.range(0));
        state.ResumeTiming();
        const auto r = driftless::migrate<big::V3>(db);
        if (!r.applied) state.SkipWithError("expected ADD COLUMN");
    }
    std::filesystem::remove(scratch());
}

}  // namespace

BENCHMARK(B2_migrate_rebuild)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(B2_baseline_hand_written)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(B3_add_nullable_column)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(1);

BENCHMARK_MAIN();
