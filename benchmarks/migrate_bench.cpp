// B1, B1f and B4 of BENCHMARKS.md on S(DRIFTLESS_BENCH_TABLES), each beside its baseline in the
// same binary. Run with --benchmark_repetitions=N to get medians; ratios are computed from those.
//
//   B1   migrate<all>(db, {.verify = true}) on a database already at S(N)  vs  a hand-written read
//        of the catalog a diff needs (per-table PRAGMAs in one read transaction) + a compare
//   B1f  migrate<all>(db) on the fast path  vs  PRAGMA schema_version alone
//   B4   migrate<all>(db) creating S(N) from nothing  vs  the same DDL run by hand in one transaction
#include "schema_specs.hpp"

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

/// The baseline: read everything a diff needs with the sqlite3 C API, prepared once, and compare
/// it with what the models expect (column count, names and types; index and foreign-key counts).
void B1_baseline_catalog_read(benchmark::State& state) {
    const auto& db = migrated_db();
    sqlite3* h = db.handle();
    const auto prepare = [h](const char* sql) {
        sqlite3_stmt* st = nullptr;
        sqlite3_prepare_v2(h, sql, -1, &st, nullptr);
        return st;
    };
    sqlite3_stmt* tables = prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_driftless\\_%' ESCAPE '\\'");
    sqlite3_stmt* cols = prepare("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_xinfo(?1)");
    sqlite3_stmt* idx = prepare("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1)");
    sqlite3_stmt* idx_cols = prepare("SELECT name FROM pragma_index_xinfo(?1) WHERE key = 1");
    sqlite3_stmt* fks = prepare("SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1)");
    const auto schema = schema_of(bench::all_tables{});
    for (auto _ : state) {
        sqlite3_exec(h, "BEGIN", nullptr, nullptr, nullptr);
        std::size_t mismatches = 0;
        std::size_t seen = 0;
        while (sqlite3_step(tables) == SQLITE_ROW) {
            const std::string name = reinterpret_cast<const char*>(sqlite3_column_text(tables, 0));
            const driftless::table_info* want = schema.find_table(name);
            ++seen;
            sqlite3_bind_text(cols, 1, name.c_str(), -1, SQLITE_TRANSIENT);
            std::size_t i = 0;
            while (sqlite3_step(cols) == SQLITE_ROW) {
                if (want == nullptr || i >= want->columns.size() ||
                    want->columns[i].name != reinterpret_cast<const char*>(sqlite3_column_text(cols, 0)) ||
                    driftless::render_type(want->columns[i].type, driftless::dialect::sqlite) !=
                        reinterpret_cast<const char*>(sqlite3_column_text(cols, 1)))
                    ++mismatches;
                ++i;
            }
            sqlite3_reset(cols);
            sqlite3_bind_text(idx, 1, name.c_str(), -1, SQLITE_TRANSIENT);
            std::size_t indexes = 0;
            while (sqlite3_step(idx) == SQLITE_ROW) {
                sqlite3_bind_text(idx_cols, 1, reinterpret_cast<const char*>(sqlite3_column_text(idx, 0)), -1,
                                  SQLITE_TRANSIENT);
                while (sqlite3_step(idx_cols) == SQLITE_ROW) {
                }
                sqlite3_reset(idx_cols);
                ++indexes;
            }
            sqlite3_reset(idx);
            sqlite3_bind_text(fks, 1, name.c_str(), -1, SQLITE_TRANSIENT);
            std::size_t keys = 0;
            while (sqlite3_step(fks) == SQLITE_ROW) ++keys;
            sqlite3_reset(fks);
            if (want == nullptr || indexes != want->indexes.size() + want->uniques.size() ||
                keys != want->foreign_keys.size())
                ++mismatches;
        }
        sqlite3_reset(tables);
        sqlite3_exec(h, "COMMIT", nullptr, nullptr, nullptr);
        if (mismatches != 0 || seen != schema.tables.size()) state.SkipWithError("baseline saw a difference");
        benchmark::DoNotOptimize(mismatches);
    }
    for (sqlite3_stmt* st : {tables, cols, idx, idx_cols, fks}) sqlite3_finalize(st);
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
