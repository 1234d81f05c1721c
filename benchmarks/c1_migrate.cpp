// C1 (docs/benchmarks.md): a TU that reflects every table of S(N) and calls migrate<...>() on a
// SQLite database, as an application's start-up does. benchmarks/compile_time.sh measures it
// header-only and with the runtime compiled once (-DDRIFTLESS_COMPILED_RUNTIME: this TU then only
// declares the runner and the engine, and links driftless::runtime).
#include "schema_specs.hpp"

#include <cstdio>

#include <driftless/sqlite.hpp>

namespace {

template <class... Tables>
driftless::migrate_result migrate_all(const driftless::sqlite::connection& db, bench::table_list<Tables...> /*tables*/) {
    return driftless::migrate<Tables...>(db);
}

}  // namespace

int main() {
    auto db = driftless::sqlite::open(":memory:");
    const auto first = migrate_all(db, bench::all_tables{});
    const auto again = migrate_all(db, bench::all_tables{});
    std::printf("S(%d): %zu statements, then %s\n", DRIFTLESS_BENCH_TABLES, first.statements.size(),
                again.fast_path ? "the fast path" : "a full check");
    return first.applied && again.fast_path ? 0 : 1;
}
