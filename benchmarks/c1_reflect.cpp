// C1 (docs/benchmarks.md): a TU that reflects every table of S(N) and renders its DDL.
// benchmarks/compile_time.sh measures how long it takes to compile, and how much memory.
#include "schema_specs.hpp"

#include <cstdio>
#include <string>

namespace {

template <class... Tables>
std::string render_all(bench::table_list<Tables...> /*tables*/) {
    std::string ddl;
    ((ddl += driftless::create_table_sql<Tables>(driftless::dialect::postgresql)), ...);
    return ddl;
}

}  // namespace

int main() {
    const std::string ddl = render_all(bench::all_tables{});
    std::printf("S(%d): %zu bytes of PostgreSQL DDL\n", DRIFTLESS_BENCH_TABLES, ddl.size());
    return ddl.empty() ? 1 : 0;
}
