// MySQL/MariaDB B1 (docs/benchmarks.md): migrate<t0, ..., t99>(db) with full verification (the
// MySQL backend has no fast path) on a database already at S(100), beside a hand-written MariaDB C
// API catalog read + compare in the same binary. Medians come from --benchmark_repetitions; ratios
// are computed from those.
//
//   B1_verified             migrate<all>(db) on S(DRIFTLESS_BENCH_TABLES); counters round_trips
//                           (mysql_real_query calls) and statements (the session's Questions) of
//                           one migrate, counted once before timing
//   B1_baseline             the baseline: the information_schema rows a diff needs, each table read
//                           alone and filtered on the database (TABLES for the base tables; COLUMNS
//                           with type, nullability, default and extra; STATISTICS;
//                           KEY_COLUMN_USAGE; REFERENTIAL_CONSTRAINTS; CHECK_CONSTRAINTS), six
//                           SELECTs sent as one multi-statement query (one round trip), rows
//                           streamed (mysql_use_result) and each compared with what
//                           driftless::to_schema gives, in the catalog's spelling
//   B1_baseline_joined      the same with COLUMNS joined with TABLES and KEY_COLUMN_USAGE with
//                           REFERENTIAL_CONSTRAINTS (driftless's first version): MariaDB fills
//                           the second information_schema table of a join from every database
//   B1_part_*               where migrate's time goes: one round trip (SELECT 1); GET_LOCK +
//                           RELEASE_LOCK; the migration lock as migrate takes it (lock_wait_timeout
//                           read, set and restored around GET_LOCK / RELEASE_LOCK); the tracking
//                           tables' bookkeeping (which exist, the remembered expressions, an
//                           unfinished migration); introspect alone; its six queries alone, not
//                           parsed (catalog_queries as sent, with DATABASE(); with the database
//                           named; each query by itself: 0 base tables, 1 columns, 2 indexes,
//                           3 foreign-key columns, 4 foreign-key rules, 5 checks); diff alone
//   B1_scale/N              migrate_schema on S(N), N = 10, 100, 1000 (scaled_schema.hpp), beside
//   B1_scale_baseline/N     the baseline on the same database; counters as for B1_verified
//
// The baseline is written for MariaDB (it expects MariaDB's COLUMN_TYPE spelling, "bigint(20)",
// and CHECK_CONSTRAINTS.TABLE_NAME, as driftless's own query does) and refuses anything S(N) does
// not use rather than guess its spelling.
//
// The server comes from DRIFTLESS_BENCH_MYSQL (a mysql:// URL without a database, as
// tests/mysql/server.sh writes it). The program (re)creates the databases driftless_bench and
// driftless_bench_s<N> on it and migrates them untimed before timing. Since some catalog reads
// cost in proportion to everything the server holds, it keeps one of them at a time (dropping the
// others, a previous run's too); the last one is left behind for inspection. For a throwaway
// server:
//
//   tests/mysql/server.sh start /tmp/mybench-state
//   export DRIFTLESS_BENCH_MYSQL="$(cat /tmp/mybench-state/conninfo)"
//   build/<dir>/benchmarks/migrate_mybench --benchmark_repetitions=7 --benchmark_report_aggregates_only=true
//   tests/mysql/server.sh stop /tmp/mybench-state
#include "schema_specs.hpp"

#include "scaled_schema.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <dlfcn.h>
#include <mysql.h>

#include <driftless/mysql.hpp>

// --- counting round trips ----------------------------------------------------------------------
//
// Every statement driftless sends goes through mysql_real_query, one request and one response
// each (a multi-statement string is one). This definition takes precedence over the client
// library's for the calls made from this program, counts them, and forwards to the library's.

namespace {
std::uint64_t real_query_calls = 0;
}  // namespace

extern "C" int STDCALL mysql_real_query(MYSQL* mysql, const char* q, unsigned long length) {
    using query_fn = int (*)(MYSQL*, const char*, unsigned long);
    static const query_fn forward = [] {
        void* symbol = dlsym(RTLD_NEXT, "mysql_real_query");
        if (symbol == nullptr) {
            std::fprintf(stderr, "migrate_mybench: the client library's mysql_real_query was not found\n");
            std::abort();
        }
        return reinterpret_cast<query_fn>(symbol);
    }();
    ++real_query_calls;
    return forward(mysql, q, length);
}

namespace {

constexpr std::string_view server_variable = "DRIFTLESS_BENCH_MYSQL";

template <class... Tables>
driftless::migrate_result migrate_all(const driftless::mysql::connection& db, bench::table_list<Tables...>) {
    return driftless::migrate<Tables...>(db);
}

template <class... Tables>
driftless::schema schema_of(bench::table_list<Tables...>) {
    return driftless::to_schema<Tables...>();
}

/// A connection to database `name` of the server (empty: none), as driftless::mysql::connect
/// opens one: utf8mb4, multi-statements, found rows.
driftless::mysql::connection connect_to(const std::string& name) {
    const char* url = std::getenv(server_variable.data());
    driftless::mysql::url_parts u = driftless::mysql::parse_url(url != nullptr ? url : "");
    u.database = name;
    MYSQL* db = mysql_init(nullptr);
    if (db == nullptr) throw std::runtime_error("mysql_init: out of memory");
    mysql_options(db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    const auto or_null = [](const std::string& s) { return s.empty() ? nullptr : s.c_str(); };
    if (mysql_real_connect(db, or_null(u.host), or_null(u.user), or_null(u.password), or_null(u.database), u.port,
                           or_null(u.socket), CLIENT_MULTI_STATEMENTS | CLIENT_FOUND_ROWS) == nullptr) {
        const std::string message = mysql_error(db);
        mysql_close(db);
        throw std::runtime_error("cannot connect to " + std::string(server_variable) + ": " + message);
    }
    return driftless::mysql::connection(db, true);
}

// --- the baseline --------------------------------------------------------------------------------

/// How the baseline reads the catalog.
enum class shape {
    /// Each information_schema table read alone, filtered on the database, joined (in effect) by
    /// the compare: TABLES (base tables), COLUMNS, STATISTICS, KEY_COLUMN_USAGE,
    /// REFERENTIAL_CONSTRAINTS, CHECK_CONSTRAINTS. MariaDB applies a schema filter to the first
    /// information_schema table of a join only, and fills the others from every database of the
    /// server: reading them alone spares that.
    separate,
    /// The shape of driftless's catalog_queries: COLUMNS joined with TABLES, KEY_COLUMN_USAGE
    /// joined with REFERENTIAL_CONSTRAINTS.
    joined,
};

/// The catalog of one database as result sets, ordered so that rows compare one to one with the
/// expected ones: what driftless's introspection reads (base tables; columns with type,
/// nullability, default and extra; every index column with its prefix length, type and order;
/// foreign keys with their rules; checks), driftless's own tables left out in SQL.
std::string baseline_queries(const std::string& database, shape how) {
    const std::string db = "'" + database + "'";  // the bench databases' names need no escaping
    const std::string own = "'\\\\_driftless\\\\_%'";
    const std::string statistics =
        "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, INDEX_TYPE, COLLATION "
        "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = " + db + " AND TABLE_NAME NOT LIKE " + own +
        " ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX;\n";
    const std::string checks =
        "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE, LEVEL FROM information_schema.CHECK_CONSTRAINTS "
        "WHERE CONSTRAINT_SCHEMA = " + db + " AND TABLE_NAME NOT LIKE " + own + " ORDER BY TABLE_NAME, CONSTRAINT_NAME";
    if (how == shape::separate) {
        return "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + db +
               " AND TABLE_NAME NOT LIKE " + own + " ORDER BY TABLE_NAME;\n"
               "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA "
               "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " + db + " AND TABLE_NAME NOT LIKE " + own +
               " ORDER BY TABLE_NAME, ORDINAL_POSITION;\n" +
               statistics +
               "SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, "
               "REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = " + db +
               " AND REFERENCED_TABLE_NAME IS NOT NULL AND TABLE_NAME NOT LIKE " + own +
               " ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION;\n"
               "SELECT TABLE_NAME, CONSTRAINT_NAME, REFERENCED_TABLE_NAME, DELETE_RULE, UPDATE_RULE "
               "FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = " + db +
               " AND TABLE_NAME NOT LIKE " + own + " ORDER BY TABLE_NAME, CONSTRAINT_NAME;\n" +
               checks;
    }
    return "SELECT c.TABLE_NAME, c.COLUMN_NAME, c.COLUMN_TYPE, c.IS_NULLABLE, c.COLUMN_DEFAULT, c.EXTRA "
           "FROM information_schema.COLUMNS c JOIN information_schema.TABLES t "
           "ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME "
           "WHERE c.TABLE_SCHEMA = " + db + " AND t.TABLE_TYPE = 'BASE TABLE' AND c.TABLE_NAME NOT LIKE " + own +
           " ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION;\n" +
           statistics +
           "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, "
           "k.REFERENCED_COLUMN_NAME, r.DELETE_RULE, r.UPDATE_RULE "
           "FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r "
           "ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME "
           "WHERE k.TABLE_SCHEMA = " + db + " AND k.REFERENCED_TABLE_NAME IS NOT NULL AND k.TABLE_NAME NOT LIKE " + own +
           " ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION;\n" +
           checks;
}

/// One expected cell: a text, or SQL NULL.
struct cell {
    bool null = false;
    std::string text{};

    // Implicit, so that rows are written as lists of texts.
    cell(std::string t) : text(std::move(t)) {}
    cell(const char* t) : text(t) {}
    static cell sql_null() {
        cell c("");
        c.null = true;
        return c;
    }
};

/// ORDER BY on information_schema's names (utf8mb3_general_ci): for ASCII, case-insensitive.
bool less_ci(const std::string& a, const std::string& b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::toupper(static_cast<unsigned char>(x)) < std::toupper(static_cast<unsigned char>(y));
    });
}

/// The rows one query must return, in order.
struct rowset {
    std::size_t width = 0;
    std::vector<cell> cells{};

    void add(std::vector<cell> row) {
        for (auto& c : row) cells.push_back(std::move(c));
    }
    /// Sort rows by table name, then (`by_name`) by the second cell; rows that tie keep their
    /// order (columns their position, index and key columns theirs).
    void sort_rows(bool by_name) {
        std::vector<std::vector<cell>> rows;
        for (std::size_t i = 0; i < cells.size(); i += width)
            rows.emplace_back(cells.begin() + static_cast<std::ptrdiff_t>(i), cells.begin() + static_cast<std::ptrdiff_t>(i + width));
        std::stable_sort(rows.begin(), rows.end(), [by_name](const auto& a, const auto& b) {
            if (less_ci(a[0].text, b[0].text)) return true;
            if (less_ci(b[0].text, a[0].text)) return false;
            return by_name && less_ci(a[1].text, b[1].text);
        });
        cells.clear();
        for (auto& r : rows) add(std::move(r));
    }
};

/// How MariaDB's COLUMN_TYPE spells a type of S(N): lower case, integers with display widths.
std::string catalog_type(const driftless::column_type& t) {
    std::string type = driftless::render_type(t, driftless::dialect::mysql);
    for (char& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (type == "bigint") return "bigint(20)";
    if (type == "int") return "int(11)";
    if (type == "double" || type == "longblob" || type.rfind("varchar(", 0) == 0) return type;
    throw std::logic_error("the MariaDB baseline only knows the types S(N) uses, not " + type);
}

/// What the catalog of `database` shows for `schema` (as migrate stores it), in MariaDB's
/// spelling, query by query. The baseline is hand-written for S(N): anything S(N) does not use is
/// refused rather than guessed.
std::vector<rowset> expected_catalog(const driftless::schema& schema, const std::string& database, shape how) {
    const bool separate = how == shape::separate;
    rowset tables{2}, columns{6}, indexes{7}, keys{separate ? 6u : 8u}, rules{5}, checks{4};
    const auto unsupported = [] { throw std::logic_error("the MariaDB baseline only knows what S(N) uses"); };
    for (const driftless::table_info& t : schema.tables) {
        if (!t.uniques.empty() || !t.checks.empty()) unsupported();
        tables.add({t.name, "BASE TABLE"});
        for (const driftless::column_info& c : t.columns) {
            if (c.auto_increment || c.default_value.kind != driftless::default_kind::none) unsupported();
            // No default: SQL NULL for a NOT NULL column, the text NULL for a nullable one.
            columns.add({t.name, c.name, catalog_type(c.type), c.nullable ? "YES" : "NO", c.nullable ? cell("NULL") : cell::sql_null(), ""});
        }
        for (const std::string& k : t.primary_key) indexes.add({t.name, "PRIMARY", "0", k, cell::sql_null(), "BTREE", "A"});
        for (const driftless::index_info& x : t.indexes) {
            if (!x.where.empty()) unsupported();
            for (const std::string& k : x.columns) indexes.add({t.name, x.name, x.unique ? "0" : "1", k, cell::sql_null(), "BTREE", "A"});
        }
        for (const driftless::foreign_key_info& fk : t.foreign_keys) {
            if (fk.on_delete != driftless::fk_action::no_action || fk.on_update != driftless::fk_action::no_action) unsupported();
            // InnoDB indexes a foreign key's columns under its name when no index starts with them;
            // in S(N) none does.
            for (const std::string& k : fk.columns) indexes.add({t.name, fk.name, "1", k, cell::sql_null(), "BTREE", "A"});
            // A foreign key without actions is RESTRICT in the catalog.
            for (std::size_t i = 0; i < fk.columns.size(); ++i) {
                std::vector<cell> row{t.name, fk.name, fk.columns[i], database, fk.ref_table, fk.ref_columns[i]};
                if (!separate) row.insert(row.end(), {"RESTRICT", "RESTRICT"});
                keys.add(std::move(row));
            }
            rules.add({t.name, fk.name, fk.ref_table, "RESTRICT", "RESTRICT"});
        }
    }
    tables.sort_rows(false);
    columns.sort_rows(false);
    indexes.sort_rows(true);
    keys.sort_rows(true);
    rules.sort_rows(true);
    if (separate) return {std::move(tables), std::move(columns), std::move(indexes), std::move(keys), std::move(rules), std::move(checks)};
    return {std::move(columns), std::move(indexes), std::move(keys), std::move(checks)};
}

/// Compares the rows of `r` (streamed) with `want`, in order; returns the number of cells that
/// differ (1 + the row difference when the shapes differ).
std::size_t compare(MYSQL_RES* r, const rowset& want) {
    const std::size_t want_rows = want.cells.size() / want.width;
    if (mysql_num_fields(r) != want.width) {
        while (mysql_fetch_row(r) != nullptr) {
        }
        return 1;
    }
    std::size_t mismatches = 0;
    std::size_t rows = 0;
    std::size_t k = 0;
    while (MYSQL_ROW row = mysql_fetch_row(r)) {
        if (rows++ >= want_rows) continue;  // counted below
        const unsigned long* lengths = mysql_fetch_lengths(r);
        for (std::size_t j = 0; j < want.width; ++j, ++k) {
            const cell& c = want.cells[k];
            if (row[j] == nullptr) {
                mismatches += c.null ? 0 : 1;
                continue;
            }
            const std::string_view value(row[j], lengths[j]);
            mismatches += !c.null && value == c.text ? 0 : 1;
        }
    }
    if (rows != want_rows) return 1 + (rows > want_rows ? rows - want_rows : want_rows - rows);
    return mismatches;
}

constexpr std::size_t failed = static_cast<std::size_t>(-1);

/// The hand-written MariaDB C API read of one database's catalog plus the compare, on its own
/// connection.
class mariadb_baseline {
public:
    mariadb_baseline(const std::string& database, const driftless::schema& schema, shape how)
        : db_(connect_to(database)), sql_(baseline_queries(database, how)) {
        if (std::string_view(mysql_get_server_info(db_.handle())).find("MariaDB") == std::string_view::npos)
            throw std::runtime_error("the baseline is written for MariaDB's information_schema; this server is not MariaDB");
        expected_ = expected_catalog(driftless::mysql::as_stored(schema), database, how);
    }

    /// The queries in one round trip; returns the number of differences, `failed` on an error.
    std::size_t run() {
        MYSQL* c = db_.handle();
        if (mysql_real_query(c, sql_.data(), static_cast<unsigned long>(sql_.size())) != 0) return failed;
        std::size_t mismatches = 0;
        std::size_t q = 0;
        for (;;) {
            MYSQL_RES* r = mysql_use_result(c);
            if (r == nullptr) return failed;  // every statement returns rows
            mismatches += q < expected_.size() ? compare(r, expected_[q]) : 1;
            mysql_free_result(r);
            ++q;
            const int next = mysql_next_result(c);
            if (next == -1) break;
            if (next > 0) return failed;
        }
        return q == expected_.size() ? mismatches : failed;
    }

private:
    driftless::mysql::connection db_;
    std::string sql_;
    std::vector<rowset> expected_{};
};

// --- the databases ---------------------------------------------------------------------------------

/// One database at a schema, migrated once untimed, with its connection and baselines.
struct bench_database {
    std::string name;
    driftless::schema schema;
    driftless::mysql::connection db;
    std::unique_ptr<mariadb_baseline> baseline{};
    std::unique_ptr<mariadb_baseline> baseline_joined{};
};

/// True for the names of the databases this program makes: driftless_bench, driftless_bench_s<N>.
bool bench_database_name(std::string_view name) {
    if (name == "driftless_bench") return true;
    constexpr std::string_view scaled = "driftless_bench_s";
    if (name.size() <= scaled.size() || name.substr(0, scaled.size()) != scaled) return false;
    return std::all_of(name.begin() + static_cast<std::ptrdiff_t>(scaled.size()), name.end(),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

/// The bench database `name` at `schema`, made by `create` on first use. The joins driftless sends
/// read information_schema tables of every database on the server, so times depend on what else
/// it holds: before a database is made, every other bench database (a previous run's too) is
/// dropped, so that each measurement sees one. The last one is left behind for inspection.
template <class Create>
bench_database& bench_database_for(const std::string& name, const driftless::schema& schema, Create&& create) {
    static std::map<std::string, std::unique_ptr<bench_database>> cache;
    if (const auto it = cache.find(name); it != cache.end()) return *it->second;
    cache.clear();
    {
        const driftless::mysql::connection admin = connect_to("");
        const driftless::mysql::result r =
            admin.execute("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'driftless\\_bench%'");
        for (int i = 0; i < r.rows(); ++i) {
            if (bench_database_name(r.view(i, 0))) admin.execute("DROP DATABASE `" + r.text(i, 0) + "`");
        }
        admin.execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4");
    }
    auto d = std::make_unique<bench_database>(bench_database{name, schema, connect_to(name)});
    if (!create(d->db).applied) throw std::runtime_error("creating " + name + " applied nothing");
    d->baseline = std::make_unique<mariadb_baseline>(name, schema, shape::separate);
    d->baseline_joined = std::make_unique<mariadb_baseline>(name, schema, shape::joined);
    return *cache.emplace(name, std::move(d)).first->second;
}

/// driftless_bench at S(DRIFTLESS_BENCH_TABLES), built by migrate<t0, ...>() itself.
bench_database& models_database() {
    static const driftless::schema schema = schema_of(bench::all_tables{});
    return bench_database_for("driftless_bench", schema,
                              [](const driftless::mysql::connection& db) { return migrate_all(db, bench::all_tables{}); });
}

const std::string scale_source = "S(N)";

/// driftless_bench_s<n> at S(n), built by migrate_schema().
bench_database& scaled_database(int n) {
    const driftless::schema schema = bench::scaled_schema(n);
    return bench_database_for("driftless_bench_s" + std::to_string(n), schema, [&](const driftless::mysql::connection& db) {
        return driftless::migrate_schema(db, schema, {}, scale_source);
    });
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

/// The session's Questions: statements the server ran for it, one per statement of a
/// multi-statement string, the SHOW that reads it included.
std::int64_t questions(const driftless::mysql::connection& db) {
    const driftless::mysql::result r = db.execute("SHOW SESSION STATUS LIKE 'Questions'");
    return r.rows() == 1 ? r.integer(0, 1) : 0;
}

/// Round trips (mysql_real_query calls) and statements of one call of `f` on `db`, as counters.
template <class F>
void count_wire(benchmark::State& state, const driftless::mysql::connection& db, F&& f) {
    const std::int64_t before = questions(db);
    const std::uint64_t calls = real_query_calls;
    f();
    state.counters["round_trips"] = static_cast<double>(real_query_calls - calls);
    state.counters["statements"] = static_cast<double>(questions(db) - before - 1);
}

void expect_no_op(benchmark::State& state, const driftless::migrate_result& r) {
    if (r.applied || r.fast_path || !r.plan.empty()) state.SkipWithError("expected a verified no-op");
}

void expect_equal(benchmark::State& state, std::size_t mismatches) {
    if (mismatches == failed) state.SkipWithError("the baseline failed");
    if (mismatches != 0 && mismatches != failed) state.SkipWithError("the baseline saw a difference");
}

// --- B1 --------------------------------------------------------------------------------------------

void B1_verified(benchmark::State& state) {
    bench_database* d = guarded(state, models_database);
    if (d == nullptr) return;
    count_wire(state, d->db, [&] { expect_no_op(state, migrate_all(d->db, bench::all_tables{})); });
    for (auto _ : state) {
        const auto r = migrate_all(d->db, bench::all_tables{});
        expect_no_op(state, r);
        benchmark::DoNotOptimize(r);
    }
}

void B1_baseline(benchmark::State& state) {
    bench_database* d = guarded(state, models_database);
    if (d == nullptr) return;
    for (auto _ : state) {
        const std::size_t mismatches = d->baseline->run();
        expect_equal(state, mismatches);
        benchmark::DoNotOptimize(mismatches);
    }
}

void B1_baseline_joined(benchmark::State& state) {
    bench_database* d = guarded(state, models_database);
    if (d == nullptr) return;
    for (auto _ : state) {
        const std::size_t mismatches = d->baseline_joined->run();
        expect_equal(state, mismatches);
        benchmark::DoNotOptimize(mismatches);
    }
}

void B1_part_round_trip(benchmark::State& state) {
    bench_database* d = guarded(state, models_database);
    if (d == nullptr) return;
    for (auto _ : state) benchmark::DoNotOptimize(d->db.execute("SELECT 1"));
}

/// GET_LOCK and RELEASE_LOCK, two round trips.
void B1_part_get_release_lock(benchmark::State& state) {
    bench_database* d = guarded(state, models_database);
    if (d == nullptr) return;
    const std::string name = "'" + std::string(driftless::mysql::migration_lock_name) + "'";
    for (auto _ : state) {
        benchmark::DoNotOptimize(d->db.execute("SELECT GET_LOCK(" + name + ", 5)"));
        benchmark::DoNotOptimize(d->db.execute("SELECT RELEASE_LOCK(" + name + ")"));
    }
}

/// The migration lock as migrate takes and releases it (detail::migration_lock): lock_wait_timeout
/// read and set, GET_LOCK; RELEASE_LOCK, lock_wait_timeout restored. Five round trips.
void B1_part_migration_lock(benchmark::State& state) {
    bench_database* d = guarded(state, models_database);
    if (d == nullptr) return;
    const driftless::lock_options lock_options;  // the defaults migrate uses
    for (auto _ : state) {
        const driftless::mysql::detail::migration_lock lock(d->db, lock_options);
        benchmark::ClobberMemory();
    }
}

/// What migrate reads besides the catalog: the remembered expressions and an unfinished
/// migration, in one round trip (read_state sends them after the catalog, which shows which
/// tracking tables exist).
void B1_part_bookkeeping(benchmark::State& state) {
    namespace my = driftless::mysql;
    bench_database* d = guarded(state, models_database);
    if (d == nullptr) return;
    for (auto _ : state) {
        benchmark::DoNotOptimize(d->db.batch("SELECT table_name, kind, name, catalog_sql, model_sql FROM _driftless_expressions; " +
                                             my::detail::history_query(true)));
    }
}

void B1_part_introspect(benchmark::State& state) {
    bench_database* d = guarded(state, models_database);
    if (d == nullptr) return;
    for (auto _ : state) benchmark::DoNotOptimize(driftless::mysql::introspect(d->db));
}

/// introspect's six queries alone, one round trip, results copied but not parsed: as sent (the
/// database as DATABASE())...
void B1_part_catalog_queries(benchmark::State& state) {
    bench_database* d = guarded(state, models_database);
    if (d == nullptr) return;
    const std::string sql = driftless::mysql::detail::catalog_queries("");
    for (auto _ : state) benchmark::DoNotOptimize(d->db.batch(sql));
}

/// ... and with the database named (introspect_options::database).
void B1_part_catalog_queries_named(benchmark::State& state) {
    bench_database* d = guarded(state, models_database);
    if (d == nullptr) return;
    const std::string sql = driftless::mysql::detail::catalog_queries(d->name);
    for (auto _ : state) benchmark::DoNotOptimize(d->db.batch(sql));
}

/// ... and each of them alone (0 base tables, 1 columns, 2 indexes, 3 foreign-key columns,
/// 4 foreign-key rules, 5 checks).
void B1_part_catalog_query(benchmark::State& state) {
    bench_database* d = guarded(state, models_database);
    if (d == nullptr) return;
    const std::string all = driftless::mysql::detail::catalog_queries("");
    std::vector<std::string> queries;
    for (std::size_t at = 0; at <= all.size();) {
        const std::size_t end = std::min(all.find(";\n", at), all.size());
        queries.push_back(all.substr(at, end - at));
        at = end + 2;
    }
    const auto k = static_cast<std::size_t>(state.range(0));
    if (queries.size() != 6 || k >= queries.size()) {
        state.SkipWithError("catalog_queries is no longer six statements");
        return;
    }
    for (auto _ : state) benchmark::DoNotOptimize(d->db.execute(queries[k]));
}

/// diff alone, on the catalog as migrate prepares it (remembered expressions applied, unique
/// indexes reconciled) against the models as stored.
void B1_part_diff(benchmark::State& state) {
    namespace my = driftless::mysql;
    bench_database* d = guarded(state, models_database);
    if (d == nullptr) return;
    const driftless::schema desired = my::as_stored(d->schema);
    driftless::schema actual = my::detail::read_state(d->db).actual;
    my::reconcile_uniques(actual, desired);
    for (auto _ : state) {
        const auto plan = driftless::diff(desired, actual, driftless::dialect::mysql);
        if (!plan.empty()) state.SkipWithError("expected an empty plan");
        benchmark::DoNotOptimize(plan);
    }
}

void B1_scale(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    bench_database* d = guarded(state, [n]() -> bench_database& { return scaled_database(n); });
    if (d == nullptr) return;
    const auto migrate = [d] { return driftless::migrate_schema(d->db, d->schema, {}, scale_source); };
    count_wire(state, d->db, [&] { expect_no_op(state, migrate()); });
    for (auto _ : state) {
        const auto r = migrate();
        expect_no_op(state, r);
        benchmark::DoNotOptimize(r);
    }
}

void B1_scale_baseline(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    bench_database* d = guarded(state, [n]() -> bench_database& { return scaled_database(n); });
    if (d == nullptr) return;
    for (auto _ : state) {
        const std::size_t mismatches = d->baseline->run();
        expect_equal(state, mismatches);
        benchmark::DoNotOptimize(mismatches);
    }
}

}  // namespace

BENCHMARK(B1_verified)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B1_baseline)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B1_baseline_joined)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B1_part_round_trip)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B1_part_get_release_lock)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B1_part_migration_lock)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B1_part_bookkeeping)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B1_part_introspect)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B1_part_catalog_queries)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B1_part_catalog_queries_named)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B1_part_catalog_query)->DenseRange(0, 5)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B1_part_diff)->UseRealTime()->Unit(benchmark::kMicrosecond);
// Interleaved, so that each scaled database is made once (see bench_database_for).
BENCHMARK(B1_scale)->Arg(10)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B1_scale_baseline)->Arg(10)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B1_scale)->Arg(100)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B1_scale_baseline)->Arg(100)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B1_scale)->Arg(1000)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(B1_scale_baseline)->Arg(1000)->UseRealTime()->Unit(benchmark::kMicrosecond);

int main(int argc, char** argv) {
    const char* server = std::getenv(server_variable.data());
    if (server == nullptr || *server == '\0') {
        std::fprintf(stderr,
                     "%s: set %s to a mysql:// URL (no database) of a MariaDB server where this program may\n"
                     "create the databases driftless_bench and driftless_bench_s<N>. A throwaway one:\n"
                     "  tests/mysql/server.sh start /tmp/mybench-state\n"
                     "  %s=\"$(cat /tmp/mybench-state/conninfo)\" %s --benchmark_repetitions=7 "
                     "--benchmark_report_aggregates_only=true\n"
                     "  tests/mysql/server.sh stop /tmp/mybench-state\n",
                     argv[0], server_variable.data(), server_variable.data(), argv[0]);
        return 2;
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
