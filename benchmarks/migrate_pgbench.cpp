// B5 (docs/benchmarks.md): migrate<t0, ..., t99>(db), fully verified (the PostgreSQL backend has
// no fast path) on a database already at S(100), beside a hand-written libpq catalog read + compare
// in the same binary. Medians come from --benchmark_repetitions; ratios are computed from those.
//
//   B5_verified             migrate<all>(db) on S(DRIFTLESS_BENCH_TABLES)
//   B5_baseline_pipeline    the baseline: three prepared catalog queries (columns with types,
//                           nullability, defaults, identity; constraints; indexes) sent in one
//                           round trip in pipeline mode, each row compared with what
//                           driftless::to_schema gives, in the catalog's spelling
//   B5_baseline_multi       the same queries as one multi-statement PQsendQuery (parsed and
//                           planned on every call)
//   B5_part_*               where migrate's time goes: one round trip (SELECT 1); BEGIN + lock +
//                           ROLLBACK as migrate does them; read_catalog alone, split into its
//                           queries (prepared, as sent; and unprepared) and its parse; diff alone
//   B5_scale/N              migrate_schema on S(N), N = 10, 100, 1000 (scaled_schema.hpp), beside
//   B5_scale_baseline/N     the pipelined baseline; counters round_trips and statements: what
//                           one migrate sends, counted once from a libpq trace (not timed)
//
// The server comes from DRIFTLESS_BENCH_POSTGRESQL (a libpq connection string or URI). The program
// (re)creates the databases driftless_bench and driftless_bench_s<N> on it and migrates them
// untimed before timing; they are left behind for inspection. For a throwaway server:
//
//   tests/postgresql/server.sh start /tmp/pgbench-state
//   export DRIFTLESS_BENCH_POSTGRESQL="$(cat /tmp/pgbench-state/conninfo)"
//   build/<dir>/benchmarks/migrate_pgbench --benchmark_repetitions=7 --benchmark_report_aggregates_only=true
//   tests/postgresql/server.sh stop /tmp/pgbench-state
#include "schema_specs.hpp"

#include "scaled_schema.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <libpq-fe.h>

#include <driftless/postgresql.hpp>

namespace {

constexpr std::string_view server_variable = "DRIFTLESS_BENCH_POSTGRESQL";

template <class... Tables>
driftless::migrate_result migrate_all(const driftless::postgresql::connection& db, bench::table_list<Tables...>) {
    return driftless::migrate<Tables...>(db);
}

template <class... Tables>
driftless::schema schema_of(bench::table_list<Tables...>) {
    return driftless::to_schema<Tables...>();
}

/// A connection to database `name` of the server (the variable's dbname, if any, overridden).
driftless::postgresql::connection connect_to(const std::string& name, driftless::postgresql::connect_options options = {}) {
    const char* keys[] = {"dbname", "dbname", nullptr};
    const char* values[] = {std::getenv(server_variable.data()), name.empty() ? nullptr : name.c_str(), nullptr};
    PGconn* conn = PQconnectdbParams(keys, values, 1);
    if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
        const std::string message = conn != nullptr ? PQerrorMessage(conn) : "out of memory";
        PQfinish(conn);
        throw std::runtime_error("cannot connect to " + std::string(server_variable) + ": " + message);
    }
    return driftless::postgresql::connection(conn, true, std::move(options));
}

/// Database `name` created empty (dropped first if a previous run left it), and a connection to it.
driftless::postgresql::connection fresh_database(const std::string& name) {
    const driftless::postgresql::connection admin = connect_to("");
    admin.execute("SET client_min_messages = warning");
    admin.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    admin.execute("CREATE DATABASE " + name);
    return connect_to(name);
}

// --- the baseline --------------------------------------------------------------------------------

/// The catalog of one schema as three result sets, ordered so that rows compare one to one.
/// Everything driftless's diff reads: columns (type as format_type spells it, NOT NULL, default,
/// identity, generated); primary keys, uniques, foreign keys and checks with their full definitions
/// (pg_get_constraintdef: actions, deferrability, NOT VALID included); every index with its
/// uniqueness, validity, key columns (attnums, resolved with the column rows of the same round
/// trip: pg_get_indexdef would cost ~10 us an index), predicate, expressions and access method.
constexpr const char* baseline_queries[] = {
    "SELECT c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, "
    "pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, a.attnum "
    "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid "
    "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
    "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') "
    "AND c.relname NOT LIKE '\\_driftless\\_%' AND a.attnum > 0 AND NOT a.attisdropped "
    "ORDER BY c.relname, a.attnum",
    "SELECT c.relname, k.conname, pg_catalog.pg_get_constraintdef(k.oid) "
    "FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid "
    "WHERE k.connamespace = current_schema()::regnamespace AND k.contype IN ('p', 'u', 'f', 'c') "
    "AND c.relname NOT LIKE '\\_driftless\\_%' "
    "ORDER BY c.relname, k.conname",
    "SELECT c.relname, i.relname, x.indisunique, x.indisvalid, x.indkey, x.indnkeyatts, "
    "pg_catalog.pg_get_expr(x.indpred, x.indrelid), x.indexprs IS NULL, i.relam "
    "FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class c ON c.oid = x.indrelid "
    "JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid "
    "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') "
    "AND c.relname NOT LIKE '\\_driftless\\_%' "
    "ORDER BY c.relname, i.relname",
};
constexpr int query_count = 3;

/// One expected cell: a text, SQL NULL, an attnum to remember (`capture`: stored in slot
/// slots[0]), or an int2vector of remembered attnums (`keys`).
struct cell {
    enum class kind { text, null, capture, keys };
    kind what = kind::text;
    std::string text{};
    std::vector<std::size_t> slots{};

    // Implicit, so that rows are written as lists of texts.
    cell(std::string t) : text(std::move(t)) {}
    cell(const char* t) : text(t) {}
    static cell null() { return with(kind::null, {}); }
    static cell capture(std::size_t slot) { return with(kind::capture, {slot}); }
    static cell keys(std::vector<std::size_t> slots) { return with(kind::keys, std::move(slots)); }

private:
    static cell with(kind k, std::vector<std::size_t> slots) {
        cell c("");
        c.what = k;
        c.slots = std::move(slots);
        return c;
    }
};

/// The rows one query must return, in order.
struct rowset {
    int width = 0;
    std::vector<cell> cells{};

    void add(std::vector<cell> row) {
        for (auto& c : row) cells.push_back(std::move(c));
    }
    /// Sort rows by relname, then (`by_name`) by the second cell, as ORDER BY does under the C
    /// collation of `name`; columns keep their table order.
    void sort_rows(bool by_name) {
        std::vector<std::vector<cell>> rows;
        for (std::size_t i = 0; i < cells.size(); i += static_cast<std::size_t>(width))
            rows.emplace_back(cells.begin() + static_cast<std::ptrdiff_t>(i),
                              cells.begin() + static_cast<std::ptrdiff_t>(i) + width);
        std::stable_sort(rows.begin(), rows.end(), [by_name](const auto& a, const auto& b) {
            if (a[0].text != b[0].text) return a[0].text < b[0].text;
            return by_name && a[1].text < b[1].text;
        });
        cells.clear();
        for (auto& r : rows) add(std::move(r));
    }
};

/// What the catalog shows for `schema`, in its own spelling, and the number of attnum slots. The
/// baseline is hand-written for S(N): anything S(N) does not use is refused rather than guessed.
std::pair<std::vector<rowset>, std::size_t> expected_catalog(const driftless::schema& schema) {
    std::vector<rowset> out(query_count);
    out[0].width = 8;
    out[1].width = 3;
    out[2].width = 9;
    const auto unsupported = [] { throw std::logic_error("the libpq baseline only knows what S(N) uses"); };
    const auto list = [](const std::vector<std::string>& names) {
        std::string s;
        for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
        return s;
    };
    std::map<std::pair<std::string, std::string>, std::size_t> slot_of;  // (table, column) -> slot
    for (const driftless::table_info& t : schema.tables) {
        for (const driftless::column_info& c : t.columns) {
            if (c.auto_increment || c.default_value.kind != driftless::default_kind::none) unsupported();
            // BIGINT, INTEGER, TEXT, DOUBLE PRECISION, BYTEA: format_type spells them in lower case.
            std::string type = driftless::render_type(c.type, driftless::dialect::postgresql);
            for (char& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            const std::size_t slot = slot_of.size();
            slot_of[{t.name, c.name}] = slot;
            out[0].add({t.name, c.name, type, c.nullable ? "f" : "t", cell::null(), "", "", cell::capture(slot)});
        }
    }
    for (const driftless::table_info& t : schema.tables) {
        if (!t.uniques.empty() || !t.checks.empty()) unsupported();
        const auto keys = [&](const std::vector<std::string>& columns) {
            std::vector<std::size_t> slots;
            for (const auto& c : columns) slots.push_back(slot_of.at({t.name, c}));
            return cell::keys(std::move(slots));
        };
        const std::string count = std::to_string(t.primary_key.size());
        out[1].add({t.name, t.name + "_pkey", "PRIMARY KEY (" + list(t.primary_key) + ")"});
        out[2].add({t.name, t.name + "_pkey", "t", "t", keys(t.primary_key), count, cell::null(), "t", "403"});
        for (const driftless::foreign_key_info& fk : t.foreign_keys) {
            if (fk.on_delete != driftless::fk_action::no_action || fk.on_update != driftless::fk_action::no_action)
                unsupported();
            out[1].add({t.name, fk.name,
                        "FOREIGN KEY (" + list(fk.columns) + ") REFERENCES " + fk.ref_table + "(" + list(fk.ref_columns) + ")"});
        }
        for (const driftless::index_info& x : t.indexes) {
            if (!x.where.empty()) unsupported();
            out[2].add({t.name, x.name, x.unique ? "t" : "f", "t", keys(x.columns), std::to_string(x.columns.size()),
                        cell::null(), "t", "403"});  // 403: btree
        }
    }
    out[0].sort_rows(false);
    out[1].sort_rows(true);
    out[2].sort_rows(true);
    return {std::move(out), slot_of.size()};
}

/// Compares the rows of `r` with `want`, in order; returns the number of cells that differ (1 + the
/// row difference when the shapes differ). Captured attnums point into `r`, which must outlive
/// their use; `scratch` is reused for int2vector texts.
std::size_t compare(const PGresult* r, const rowset& want, std::vector<std::string_view>& captured, std::string& scratch) {
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQnfields(r) != want.width) return 1;
    const auto rows = static_cast<std::size_t>(PQntuples(r));
    const std::size_t want_rows = want.cells.size() / static_cast<std::size_t>(want.width);
    if (rows != want_rows) return 1 + (rows > want_rows ? rows - want_rows : want_rows - rows);
    std::size_t mismatches = 0;
    std::size_t k = 0;
    for (int i = 0; i < static_cast<int>(rows); ++i) {
        for (int j = 0; j < want.width; ++j, ++k) {
            const cell& c = want.cells[k];
            if (PQgetisnull(r, i, j) != 0) {
                mismatches += c.what == cell::kind::null ? 0 : 1;
                continue;
            }
            const std::string_view value(PQgetvalue(r, i, j), static_cast<std::size_t>(PQgetlength(r, i, j)));
            switch (c.what) {
                case cell::kind::text: mismatches += value == c.text ? 0 : 1; break;
                case cell::kind::null: ++mismatches; break;
                case cell::kind::capture: captured[c.slots[0]] = value; break;
                case cell::kind::keys:
                    scratch.clear();
                    for (const std::size_t slot : c.slots) {
                        if (!scratch.empty()) scratch += ' ';
                        scratch += captured[slot];
                    }
                    mismatches += value == scratch ? 0 : 1;
                    break;
            }
        }
    }
    return mismatches;
}

constexpr std::size_t failed = static_cast<std::size_t>(-1);

/// The hand-written libpq read of one schema's catalog plus the compare, on its own connection.
class libpq_baseline {
public:
    libpq_baseline(const std::string& database, const driftless::schema& schema) : db_(connect_to(database)) {
        auto [expected, slots] = expected_catalog(schema);
        expected_ = std::move(expected);
        captured_.resize(slots);
        for (int q = 0; q < query_count; ++q) {
            PGresult* r = PQprepare(db_.handle(), name(q).c_str(), baseline_queries[q], 0, nullptr);
            const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
            PQclear(r);
            if (!ok) throw std::runtime_error(std::string("cannot prepare a baseline query: ") + PQerrorMessage(db_.handle()));
        }
        for (int q = 0; q < query_count; ++q) multi_ += std::string(baseline_queries[q]) + ";\n";
    }

    /// Pipeline mode: the three prepared statements and one Sync, one round trip. Returns the
    /// number of differences, `failed` on an error.
    std::size_t run_pipeline() {
        PGconn* c = db_.handle();
        if (PQenterPipelineMode(c) == 0) return failed;
        for (int q = 0; q < query_count; ++q) PQsendQueryPrepared(c, name(q).c_str(), 0, nullptr, nullptr, nullptr, 0);
        PQpipelineSync(c);
        std::size_t mismatches = 0;
        std::vector<PGresult*> results;
        for (int q = 0; q < query_count; ++q) {
            PGresult* r = PQgetResult(c);
            mismatches += r != nullptr ? compare(r, expected_[static_cast<std::size_t>(q)], captured_, scratch_) : 1;
            results.push_back(r);  // kept until the attnums captured from it are used
            while (PGresult* end = PQgetResult(c)) PQclear(end);  // the NULL that ends each query's results
        }
        for (PGresult* r : results) PQclear(r);
        PGresult* sync = PQgetResult(c);
        const bool synced = PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
        PQclear(sync);
        PQexitPipelineMode(c);
        return synced ? mismatches : failed;
    }

    /// The same queries as one simple-protocol multi-statement string (parsed and planned on every
    /// call), one round trip.
    std::size_t run_multi_statement() {
        PGconn* c = db_.handle();
        if (PQsendQuery(c, multi_.c_str()) == 0) return failed;
        std::size_t mismatches = 0;
        std::vector<PGresult*> results;
        while (PGresult* r = PQgetResult(c)) {
            const std::size_t q = results.size();
            mismatches += q < expected_.size() ? compare(r, expected_[q], captured_, scratch_) : 1;
            results.push_back(r);
        }
        for (PGresult* r : results) PQclear(r);
        return results.size() == expected_.size() ? mismatches : failed;
    }

private:
    static std::string name(int q) { return "driftless_bench_" + std::to_string(q); }

    driftless::postgresql::connection db_;
    std::vector<rowset> expected_{};
    std::vector<std::string_view> captured_{};
    std::string scratch_{};
    std::string multi_{};
};

// --- the databases ---------------------------------------------------------------------------------

/// One database at a schema, migrated once untimed, with its connection and baseline.
struct bench_database {
    std::string name;
    driftless::schema schema;
    driftless::postgresql::connection db;
    std::unique_ptr<libpq_baseline> baseline;
};

/// driftless_bench at S(DRIFTLESS_BENCH_TABLES), built by migrate<t0, ...>() itself.
bench_database& models_database() {
    static bench_database d = [] {
        bench_database out{"driftless_bench", schema_of(bench::all_tables{}), fresh_database("driftless_bench"), nullptr};
        if (!migrate_all(out.db, bench::all_tables{}).applied) throw std::runtime_error("creating S(N) applied nothing");
        out.baseline = std::make_unique<libpq_baseline>(out.name, out.schema);
        return out;
    }();
    return d;
}

const std::string scale_source = "S(N)";

/// driftless_bench_s<n> at S(n), built by migrate_schema().
bench_database& scaled_database(int n) {
    static std::map<int, std::unique_ptr<bench_database>> cache;
    auto& slot = cache[n];
    if (!slot) {
        const std::string name = "driftless_bench_s" + std::to_string(n);
        slot = std::make_unique<bench_database>(bench_database{name, bench::scaled_schema(n), fresh_database(name), nullptr});
        if (!driftless::migrate_schema(slot->db, slot->schema, {}, scale_source).applied)
            throw std::runtime_error("creating S(n) applied nothing");
        slot->baseline = std::make_unique<libpq_baseline>(name, slot->schema);
    }
    return *slot;
}

/// Runs `setup` and returns its result; on an exception, skips the benchmark with its message.
template <class Setup>
auto guarded(benchmark::State& state, Setup&& setup) -> decltype(&setup()) {
    try {
        return &setup();
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
        return nullptr;
    }
}

/// Round trips (ReadyForQuery messages) and statements (CommandComplete messages) of one call of
/// `f`, read from a libpq protocol trace.
template <class F>
void count_wire(benchmark::State& state, PGconn* conn, F&& f) {
    char* buffer = nullptr;
    std::size_t size = 0;
    FILE* trace = open_memstream(&buffer, &size);
    if (trace == nullptr) return;
    PQtrace(conn, trace);
    PQsetTraceFlags(conn, PQTRACE_SUPPRESS_TIMESTAMPS);
    f();
    PQuntrace(conn);
    std::fclose(trace);
    const std::string_view text(buffer, size);
    const auto count = [&](std::string_view message) {
        double n = 0;
        for (std::size_t at = text.find(message); at != std::string_view::npos; at = text.find(message, at + 1)) ++n;
        return n;
    };
    state.counters["round_trips"] = count("\tReadyForQuery");
    state.counters["statements"] = count("\tCommandComplete") + count("\tEmptyQueryResponse");
    std::free(buffer);
}

void expect_no_op(benchmark::State& state, const driftless::migrate_result& r) {
    if (r.applied || r.fast_path || !r.plan.empty()) state.SkipWithError("expected a verified no-op");
}

void expect_equal(benchmark::State& state, std::size_t mismatches) {
    if (mismatches == failed) state.SkipWithError("the baseline failed");
    if (mismatches != 0 && mismatches != failed) state.SkipWithError("the baseline saw a difference");
}

// --- B5 --------------------------------------------------------------------------------------------

void B5_verified(benchmark::State& state) {
    bench_database* d = guarded(state, models_database);
    if (d == nullptr) return;
    count_wire(state, d->db.handle(), [&] { expect_no_op(state, migrate_all(d->db, bench::all_tables{})); });
    for (auto _ : state) {
        const auto r = migrate_all(d->db, bench::all_tables{});
        expect_no_op(state, r);
        benchmark::DoNotOptimize(r);
    }
}

void B5_baseline_pipeline(benchmark::State& state) {
    bench_database* d = guarded(state, models_database);
    if (d == nullptr) return;
    for (auto _ : state) {
        const std::size_t mismatches = d->baseline->run_pipeline();
        expect_equal(state, mismatches);
        benchmark::DoNotOptimize(mismatches);
    }
}

void B5_baseline_multi(benchmark::State& state) {
    bench_database* d = guarded(state, models_database);
    if (d == nullptr) return;
    for (auto _ : state) {
        const std::size_t mismatches = d->baseline->run_multi_statement();
        expect_equal(state, mismatches);
        benchmark::DoNotOptimize(mismatches);
    }
}

void B5_part_round_trip(benchmark::State& state) {
    bench_database* d = guarded(state, models_database);
    if (d == nullptr) return;
    for (auto _ : state) benchmark::DoNotOptimize(d->db.execute("SELECT 1"));
}

/// What migrate sends around the catalog read (as detail::begin_locked does, with the advisory
/// lock): BEGIN, SET LOCAL, the lock and the tracking tables' check in one round trip; ROLLBACK.
void B5_part_lock_rollback(benchmark::State& state) {
    bench_database* d = guarded(state, models_database);
    if (d == nullptr) return;
    const std::string begin = "BEGIN;\nSET LOCAL lock_timeout = 5000;\nSET LOCAL client_min_messages = warning;\n"
                              "SELECT pg_catalog.pg_advisory_xact_lock(" +
                              std::to_string(driftless::postgresql::migration_lock_key) +
                              "), to_regclass('\"_driftless_migrations\"') IS NOT NULL, "
                              "to_regclass('\"_driftless_expressions\"') IS NOT NULL";
    for (auto _ : state) {
        benchmark::DoNotOptimize(d->db.batch(begin));
        d->db.execute("ROLLBACK");
    }
}

void B5_part_read_catalog(benchmark::State& state) {
    bench_database* d = guarded(state, models_database);
    if (d == nullptr) return;
    for (auto _ : state) benchmark::DoNotOptimize(driftless::postgresql::read_catalog(d->db, {}, true));
}

/// read_catalog's statements alone (one round trip in pipeline mode, prepared once per session;
/// results not parsed)...
std::vector<driftless::postgresql::pipelined> driftless_catalog_calls(const driftless::postgresql::connection& db) {
    namespace pg = driftless::postgresql;
    return pg::detail::catalog_calls(db.options().schema, pg::detail::own_table(db, pg::expressions_table), true);
}

void B5_part_catalog_queries(benchmark::State& state) {
    bench_database* d = guarded(state, models_database);
    if (d == nullptr) return;
    const auto calls = driftless_catalog_calls(d->db);
    for (auto _ : state) benchmark::DoNotOptimize(d->db.pipeline(calls));
}

/// ... the same statements not prepared (connect_options::prepare_statements = false: parsed and
/// planned on every call, as behind a pooler that drops prepared statements)...
void B5_part_catalog_queries_unprepared(benchmark::State& state) {
    bench_database* d = guarded(state, models_database);
    if (d == nullptr) return;
    driftless::postgresql::connect_options options;
    options.prepare_statements = false;
    const driftless::postgresql::connection db = connect_to(d->name, options);
    const auto calls = driftless_catalog_calls(db);
    for (auto _ : state) benchmark::DoNotOptimize(db.pipeline(calls));
}

/// ... and turning their results into a catalog (read_catalog's client side).
void B5_part_catalog_parse(benchmark::State& state) {
    bench_database* d = guarded(state, models_database);
    if (d == nullptr) return;
    std::vector<driftless::postgresql::result> results = d->db.pipeline(driftless_catalog_calls(d->db));
    for (auto _ : state) benchmark::DoNotOptimize(driftless::postgresql::detail::read_catalog(results, false));
}

void B5_part_diff(benchmark::State& state) {
    bench_database* d = guarded(state, models_database);
    if (d == nullptr) return;
    const driftless::postgresql::catalog before = driftless::postgresql::read_catalog(d->db, {}, true);
    for (auto _ : state) {
        const auto plan = driftless::diff(d->schema, before.tables, driftless::dialect::postgresql);
        if (!plan.empty()) state.SkipWithError("expected an empty plan");
        benchmark::DoNotOptimize(plan);
    }
}

void B5_scale(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    bench_database* d = guarded(state, [n]() -> bench_database& { return scaled_database(n); });
    if (d == nullptr) return;
    const auto migrate = [d] { return driftless::migrate_schema(d->db, d->schema, {}, scale_source); };
    count_wire(state, d->db.handle(), [&] { expect_no_op(state, migrate()); });
    for (auto _ : state) {
        const auto r = migrate();
        expect_no_op(state, r);
        benchmark::DoNotOptimize(r);
    }
}

void B5_scale_baseline(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    bench_database* d = guarded(state, [n]() -> bench_database& { return scaled_database(n); });
    if (d == nullptr) return;
    for (auto _ : state) {
        const std::size_t mismatches = d->baseline->run_pipeline();
        expect_equal(state, mismatches);
        benchmark::DoNotOptimize(mismatches);
    }
}

}  // namespace

BENCHMARK(B5_verified)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B5_baseline_pipeline)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B5_baseline_multi)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B5_part_round_trip)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B5_part_lock_rollback)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B5_part_read_catalog)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B5_part_catalog_queries)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B5_part_catalog_queries_unprepared)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B5_part_catalog_parse)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B5_part_diff)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B5_scale)->Arg(10)->Arg(100)->Arg(1000)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B5_scale_baseline)->Arg(10)->Arg(100)->Arg(1000)->UseRealTime()->Unit(benchmark::kMicrosecond);

int main(int argc, char** argv) {
    const char* server = std::getenv(server_variable.data());
    if (server == nullptr || *server == '\0') {
        std::fprintf(stderr,
                     "%s: set %s to a libpq connection string (or URI) of a PostgreSQL server where this\n"
                     "program may create the databases driftless_bench and driftless_bench_s<N>. A throwaway one:\n"
                     "  tests/postgresql/server.sh start /tmp/pgbench-state\n"
                     "  %s=\"$(cat /tmp/pgbench-state/conninfo)\" %s --benchmark_repetitions=7 "
                     "--benchmark_report_aggregates_only=true\n"
                     "  tests/postgresql/server.sh stop /tmp/pgbench-state\n",
                     argv[0], server_variable.data(), server_variable.data(), argv[0]);
        return 2;
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
