// B6 (docs/benchmarks.md): copying a SQLite database into PostgreSQL. copy_database() beside a
// hand-written pipe measured in the same binary, and beside pgloader when it is installed.
// Medians come from the three repetitions each benchmark runs; ratios are computed from those.
//
//   B6_copy/wide             copy_database(sqlite, postgresql), verified (the default): tables
//                            created by the migrate path, rows in batches of 10,000, COPY FROM
//                            STDIN, indexes built after, every table read back and compared
//   B6_copy_noverify/wide    the same with copy_options::verify = false
//   B6_limit/wide            the baseline: the rows read with the SQLite C API and written by
//                            one COPY FROM STDIN per table in 1 MiB chunks, no conversion beyond
//                            the text format, no check; the table made by a plain CREATE TABLE
//                            and its indexes built after the rows (the fastest order)
//   B6_pgloader/wide         pgloader's defaults on the same file (skipped when pgloader is not
//                            on PATH; it needs the server's Unix socket directory: host=/path)
//   B6_copy/mariadb_wide, B6_copy_noverify/mariadb_wide, B6_limit/mariadb_wide
//                            the same three from MariaDB: wide1m loaded once (outside the timing)
//                            into a MariaDB database (driftless_copy_src) with MariaDB's natural
//                            types; the baseline reads it with one streamed SELECT
//                            (mysql_use_result) into one COPY FROM STDIN; B6_pgloader/mariadb_wide
//                            runs pgloader over the server's Unix socket. Only when the program
//                            is built with the MySQL backend and DRIFTLESS_BENCH_MYSQL names a
//                            server (a mysql:// URL without a database)
//
// "wide" is wide1m: DRIFTLESS_BENCH_COPY_ROWS rows (default 1,000,000) of 12 columns: an integer
// key, 3 integers, 2 reals, 4 texts of 10-40 characters, a 16-byte blob and a timestamp, some
// NULLs, 2 secondary indexes. The SQLite file is generated once into the system's temporary
// directory (driftless_copy_wide_<rows>_v2.db) and reused. Each repetition copies into a new database
// (driftless_copy_run), created and dropped outside the timing.
//
// The server comes from DRIFTLESS_BENCH_POSTGRESQL (a libpq connection string or URI):
//
//   tests/postgresql/server.sh start /tmp/pgbench-state
//   export DRIFTLESS_BENCH_POSTGRESQL="$(cat /tmp/pgbench-state/conninfo)"
//   build/gcc/benchmarks/copy_pgbench
//   tests/postgresql/server.sh stop /tmp/pgbench-state
#include <benchmark/benchmark.h>

#include <sqlite3.h>

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include <driftless/postgresql.hpp>
#include <driftless/sqlite.hpp>
#ifdef DRIFTLESS_BENCH_WITH_MYSQL
#include <mysql.h>

#include <driftless/mysql.hpp>
#endif

namespace {

namespace fs = std::filesystem;

std::string server() {
    const char* s = std::getenv("DRIFTLESS_BENCH_POSTGRESQL");
    return s == nullptr ? std::string() : std::string(s);
}

std::int64_t rows_wanted() {
    const char* s = std::getenv("DRIFTLESS_BENCH_COPY_ROWS");
    return s == nullptr ? 1'000'000 : std::max<std::int64_t>(1, std::atoll(s));
}

/// A deterministic pseudo-random sequence (splitmix64), so every run copies the same rows.
struct sequence {
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
};

std::string text_of(sequence& r, std::size_t min, std::size_t max) {
    static constexpr std::string_view letters = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const std::size_t n = min + r.next() % (max - min + 1);
    std::string s(n, ' ');
    for (char& c : s) c = letters[r.next() % letters.size()];
    return s;
}

/// The wide1m file, generated once.
fs::path wide_file() {
    const std::int64_t rows = rows_wanted();
    const fs::path path = fs::temp_directory_path() / ("driftless_copy_wide_" + std::to_string(rows) + "_v2.db");
    if (fs::exists(path)) return path;
    const fs::path partial = path.string() + ".partial";
    fs::remove(partial);
    {
        auto db = driftless::sqlite::open(partial.string());
        db.execute(
            "CREATE TABLE wide (id INTEGER PRIMARY KEY, a INTEGER NOT NULL, b INTEGER, c INTEGER, x REAL NOT NULL, y REAL, "
            "t1 TEXT NOT NULL, t2 TEXT, t3 TEXT, t4 TEXT, tag BLOB, at DATETIME NOT NULL);"
            "CREATE INDEX wide_by_a ON wide (a); CREATE INDEX wide_by_t1 ON wide (t1);");
        sqlite3_stmt* st = nullptr;
        sqlite3_prepare_v2(db.handle(), "INSERT INTO wide VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", -1, &st, nullptr);
        sequence r{42};
        db.execute("BEGIN");
        for (std::int64_t i = 1; i <= rows; ++i) {
            sqlite3_reset(st);
            sqlite3_bind_int64(st, 1, i);
            sqlite3_bind_int64(st, 2, static_cast<std::int64_t>(r.next() % 1'000'000));
            if (i % 10 == 0) sqlite3_bind_null(st, 3);
            // Up to +-2^52: pgloader stops (and then hangs) on integers beyond its Lisp's fixnums.
            else sqlite3_bind_int64(st, 3, static_cast<std::int64_t>(r.next() >> 11) - (std::int64_t{1} << 52));
            sqlite3_bind_int64(st, 4, static_cast<std::int64_t>(r.next() % 100) - 50);
            sqlite3_bind_double(st, 5, static_cast<double>(r.next() % 100'000'000) / 7.0);
            if (i % 7 == 0) sqlite3_bind_null(st, 6);
            else sqlite3_bind_double(st, 6, static_cast<double>(r.next()) / 3.0e9);
            for (int c = 7; c <= 10; ++c) {
                if (c > 7 && (i + c) % 9 == 0) {
                    sqlite3_bind_null(st, c);
                } else {
                    const std::string s = text_of(r, 10, 40);
                    sqlite3_bind_text(st, c, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
                }
            }
            unsigned char tag[16];
            for (unsigned char& b : tag) b = static_cast<unsigned char>(r.next());
            sqlite3_bind_blob(st, 11, tag, sizeof tag, SQLITE_TRANSIENT);
            char at[32];
            const auto s = static_cast<unsigned long long>(r.next() % (86400ull * 365 * 20));
            std::snprintf(at, sizeof at, "%04llu-%02llu-%02llu %02llu:%02llu:%02llu", 2005 + s / (86400ull * 365),
                          1 + s / (86400ull * 28) % 12, 1 + s / 86400 % 28, s / 3600 % 24, s / 60 % 60, s % 60);
            sqlite3_bind_text(st, 12, at, -1, SQLITE_TRANSIENT);
            sqlite3_step(st);
        }
        db.execute("COMMIT");
        sqlite3_finalize(st);
    }
    fs::rename(partial, path);
    return path;
}

/// The connection string of the run's database on the server.
std::string run_database() {
    std::string s = server();
    if (s.find("://") != std::string::npos) {
        const auto q = s.find('?');
        const auto slash = s.rfind('/', q == std::string::npos ? s.size() : q);
        return s.substr(0, slash + 1) + "driftless_copy_run" + (q == std::string::npos ? "" : s.substr(q));
    }
    return s + " dbname=driftless_copy_run";
}

void recreate_run_database() {
    auto admin = driftless::postgresql::connect(server());
    admin.execute("DROP DATABASE IF EXISTS driftless_copy_run");
    admin.execute("CREATE DATABASE driftless_copy_run");
}

/// The rows that arrived, counted outside the timing: a baseline that lost rows is not a baseline.
bool all_rows_arrived() {
    auto pg = driftless::postgresql::connect(run_database());
    return pg.execute("SELECT count(*) FROM wide").integer(0, 0) == rows_wanted();
}

void set_counters(benchmark::State& state) {
    state.counters["rows"] = static_cast<double>(rows_wanted());
    state.counters["rows_per_second"] = benchmark::Counter(static_cast<double>(rows_wanted()), benchmark::Counter::kIsRate);
}

/// The repetitions of one benchmark: each into a new database, created outside the timing;
/// `copy(file)` copies the wide file into it.
template <class Copy>
void each_run(benchmark::State& state, Copy copy) {
    if (server().empty()) {
        state.SkipWithError("set DRIFTLESS_BENCH_POSTGRESQL to a PostgreSQL server");
        return;
    }
    const fs::path file = wide_file();
    for (auto _ : state) {
        state.PauseTiming();
        recreate_run_database();
        state.ResumeTiming();
        copy(file);
    }
    set_counters(state);
}

void copy_with_driftless(benchmark::State& state, bool verify) {
    each_run(state, [&](const fs::path& file) {
        auto lite = driftless::sqlite::open(file.string());
        auto pg = driftless::postgresql::connect(run_database());
        driftless::copy_options o;
        o.verify = verify;
        const auto r = driftless::copy_database(lite, pg, o);
        if (r.tables.size() != 1 || r.tables[0].rows != rows_wanted()) state.SkipWithError("the copy did not copy every row");
    });
}

void B6_copy(benchmark::State& state) { copy_with_driftless(state, true); }
void B6_copy_noverify(benchmark::State& state) { copy_with_driftless(state, false); }

/// A text in COPY's text format.
void put_text(std::string& out, std::string_view text) {
    if (text.find_first_of("\\\t\n\r") == std::string_view::npos) {
        out += text;  // the usual case: nothing to escape
        return;
    }
    for (const char ch : text) {
        if (ch == '\\' || ch == '\t' || ch == '\n' || ch == '\r') out += '\\';
        out += ch == '\t' ? 't' : ch == '\n' ? 'n' : ch == '\r' ? 'r' : ch;
    }
}

/// Bytes as a bytea in COPY's text format (the hex form).
void put_bytea(std::string& out, std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    out += "\\\\x";
    for (const char b : bytes) {
        out += digits[static_cast<unsigned char>(b) >> 4];
        out += digits[static_cast<unsigned char>(b) & 15];
    }
}

/// One cell in COPY's text format.
void put_cell(std::string& out, sqlite3_stmt* st, int c) {
    switch (sqlite3_column_type(st, c)) {
        case SQLITE_NULL: out += "\\N"; return;
        case SQLITE_INTEGER: {
            char buf[24];
            out.append(buf, std::to_chars(buf, buf + sizeof buf, sqlite3_column_int64(st, c)).ptr);
            return;
        }
        case SQLITE_FLOAT: {
            char buf[32];
            out.append(buf, std::to_chars(buf, buf + sizeof buf, sqlite3_column_double(st, c)).ptr);
            return;
        }
        case SQLITE_BLOB:
            return put_bytea(out, std::string_view(static_cast<const char*>(sqlite3_column_blob(st, c)),
                                                   static_cast<std::size_t>(sqlite3_column_bytes(st, c))));
        default:
            return put_text(out, std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(st, c)),
                                                  static_cast<std::size_t>(sqlite3_column_bytes(st, c))));
    }
}

void B6_limit(benchmark::State& state) {
    each_run(state, [&](const fs::path& file) {
        auto lite = driftless::sqlite::open(file.string());
        PGconn* pg = PQconnectdb(run_database().c_str());
        const auto command = [&](const char* sql, ExecStatusType want) {
            PGresult* r = PQexec(pg, sql);
            const bool ok = PQresultStatus(r) == want;
            PQclear(r);
            return ok;
        };
        bool ok = command("CREATE TABLE wide (id BIGINT PRIMARY KEY, a BIGINT NOT NULL, b BIGINT, c BIGINT, x DOUBLE PRECISION NOT NULL, "
                          "y DOUBLE PRECISION, t1 TEXT NOT NULL, t2 TEXT, t3 TEXT, t4 TEXT, tag BYTEA, at TIMESTAMPTZ NOT NULL)",
                          PGRES_COMMAND_OK) &&
                  command("COPY wide FROM STDIN", PGRES_COPY_IN);
        sqlite3_stmt* st = nullptr;
        sqlite3_prepare_v2(lite.handle(), "SELECT * FROM wide ORDER BY id", -1, &st, nullptr);
        std::string chunk;
        while (sqlite3_step(st) == SQLITE_ROW) {
            for (int c = 0; c < 12; ++c) {
                if (c != 0) chunk += '\t';
                put_cell(chunk, st, c);
            }
            chunk += '\n';
            if (chunk.size() >= (1u << 20)) {
                ok = ok && PQputCopyData(pg, chunk.data(), static_cast<int>(chunk.size())) == 1;
                chunk.clear();
            }
        }
        sqlite3_finalize(st);
        ok = ok && PQputCopyData(pg, chunk.data(), static_cast<int>(chunk.size())) == 1 && PQputCopyEnd(pg, nullptr) == 1;
        while (PGresult* res = PQgetResult(pg)) {
            ok = ok && PQresultStatus(res) == PGRES_COMMAND_OK;
            PQclear(res);
        }
        ok = ok && command("CREATE INDEX wide_by_a ON wide (a)", PGRES_COMMAND_OK) && command("CREATE INDEX wide_by_t1 ON wide (t1)", PGRES_COMMAND_OK);
        PQfinish(pg);
        state.PauseTiming();
        if (!ok || !all_rows_arrived()) state.SkipWithError("the pipe failed or lost rows");
        state.ResumeTiming();
    });
}

/// The run's database as pgloader takes it (over the server's Unix socket); empty when pgloader
/// is not on PATH or the connection string has no host=/socket-directory.
std::string pgloader_target() {
    const std::string conninfo = server();
    if (conninfo.find("host=/") == std::string::npos || std::system("command -v pgloader >/dev/null 2>&1") != 0) return {};
    const auto field = [&](std::string_view key, std::string fallback) {
        const auto at = conninfo.find(std::string(key) + "=");
        if (at == std::string::npos) return fallback;
        const auto start = at + key.size() + 1;
        return conninfo.substr(start, conninfo.find(' ', start) - start);
    };
    return "postgresql://" + field("user", "postgres") + "@unix:" + field("host", "/tmp") + ":" + field("port", "5432") + "/driftless_copy_run";
}

/// One timed run of pgloader from `source` with its defaults, its rows counted after.
void run_pgloader(benchmark::State& state, const std::string& source) {
    // Bounded: pgloader has been seen to hang after an error instead of exiting.
    const std::string command = "timeout 900 pgloader --quiet '" + source + "' '" + pgloader_target() + "' >/dev/null 2>&1";
    const bool ok = std::system(command.c_str()) == 0;
    state.PauseTiming();
    if (!ok || !all_rows_arrived()) state.SkipWithError("pgloader failed or left rows out");
    state.ResumeTiming();
}

void B6_pgloader(benchmark::State& state) {
    if (pgloader_target().empty()) {
        state.SkipWithError("needs pgloader on PATH and DRIFTLESS_BENCH_POSTGRESQL with host=/socket-directory");
        return;
    }
    each_run(state, [&](const fs::path& file) { run_pgloader(state, file.string()); });
}

#ifdef DRIFTLESS_BENCH_WITH_MYSQL

std::string mysql_server() {
    const char* s = std::getenv("DRIFTLESS_BENCH_MYSQL");
    return s == nullptr ? std::string() : std::string(s);
}

/// The URL of database `name` on the MySQL server (its URL has no database: "mysql://u@h/?socket=...").
std::string mysql_database(const std::string& name) {
    const std::string base = mysql_server();
    const auto q = base.find("/?");
    return q == std::string::npos ? base + (base.back() == '/' ? "" : "/") + name : base.substr(0, q) + "/" + name + base.substr(q + 1);
}

/// wide1m in MariaDB (driftless_copy_src.wide), loaded once from the SQLite file, in the types a
/// MariaDB schema has by hand: VARCHAR(40) texts, BINARY(16), DATETIME.
void ensure_mariadb_source() {
    auto admin = driftless::mysql::connect(mysql_server());
    const auto have = admin.execute("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'driftless_copy_src' AND TABLE_NAME = 'wide'");
    if (have.integer(0, 0) == 1 && admin.execute("SELECT COUNT(*) FROM driftless_copy_src.wide").integer(0, 0) == rows_wanted()) return;
    admin.execute("DROP DATABASE IF EXISTS driftless_copy_src");
    admin.execute("DROP DATABASE IF EXISTS driftless_copy_stage");
    admin.execute("CREATE DATABASE driftless_copy_stage CHARACTER SET utf8mb4");
    {
        auto lite = driftless::sqlite::open(wide_file().string());
        auto stage = driftless::mysql::connect(mysql_database("driftless_copy_stage"));
        driftless::copy_options o;
        o.verify = false;
        driftless::copy_database(lite, stage, o);
    }
    admin.execute("CREATE DATABASE driftless_copy_src CHARACTER SET utf8mb4");
    admin.execute(
        "CREATE TABLE driftless_copy_src.wide (id BIGINT NOT NULL PRIMARY KEY, a BIGINT NOT NULL, b BIGINT, c BIGINT, x DOUBLE NOT NULL, "
        "y DOUBLE, t1 VARCHAR(40) NOT NULL, t2 VARCHAR(40), t3 VARCHAR(40), t4 VARCHAR(40), tag BINARY(16), `at` DATETIME NOT NULL, "
        "KEY wide_by_a (a), KEY wide_by_t1 (t1))");
    admin.execute("INSERT INTO driftless_copy_src.wide SELECT id, a, b, c, x, y, t1, t2, t3, t4, tag, `at` FROM driftless_copy_stage.wide");
    admin.execute("DROP DATABASE driftless_copy_stage");
}

/// The repetitions of a benchmark from MariaDB, as each_run(); skipped without both servers.
template <class Copy>
void each_mariadb_run(benchmark::State& state, Copy copy) {
    if (mysql_server().empty() || server().empty()) {
        state.SkipWithError("set DRIFTLESS_BENCH_MYSQL to a MariaDB server and DRIFTLESS_BENCH_POSTGRESQL to a PostgreSQL server");
        return;
    }
    ensure_mariadb_source();
    each_run(state, [&](const fs::path&) { copy(); });
}

void copy_mariadb_with_driftless(benchmark::State& state, bool verify) {
    each_mariadb_run(state, [&] {
        auto my = driftless::mysql::connect(mysql_database("driftless_copy_src"));
        auto pg = driftless::postgresql::connect(run_database());
        driftless::copy_options o;
        o.verify = verify;
        const auto r = driftless::copy_database(my, pg, o);
        if (r.tables.size() != 1 || r.tables[0].rows != rows_wanted()) state.SkipWithError("the copy did not copy every row");
    });
}

void B6_copy_mariadb(benchmark::State& state) { copy_mariadb_with_driftless(state, true); }
void B6_copy_noverify_mariadb(benchmark::State& state) { copy_mariadb_with_driftless(state, false); }

/// The baseline from MariaDB: one streamed SELECT, each value as MariaDB's text (the blob in
/// bytea's hex form) in COPY's text format, one COPY FROM STDIN.
void B6_limit_mariadb(benchmark::State& state) {
    each_mariadb_run(state, [&] {
        auto my = driftless::mysql::connect(mysql_database("driftless_copy_src"));
        PGconn* pg = PQconnectdb(run_database().c_str());
        const auto command = [&](const char* sql, ExecStatusType want) {
            PGresult* r = PQexec(pg, sql);
            const bool ok = PQresultStatus(r) == want;
            PQclear(r);
            return ok;
        };
        bool ok = command("CREATE TABLE wide (id BIGINT PRIMARY KEY, a BIGINT NOT NULL, b BIGINT, c BIGINT, x DOUBLE PRECISION NOT NULL, "
                          "y DOUBLE PRECISION, t1 VARCHAR(40) NOT NULL, t2 VARCHAR(40), t3 VARCHAR(40), t4 VARCHAR(40), tag BYTEA, "
                          "at TIMESTAMP NOT NULL)",
                          PGRES_COMMAND_OK) &&
                  command("COPY wide FROM STDIN", PGRES_COPY_IN);
        const std::string select = "SELECT * FROM wide ORDER BY id";
        ok = ok && mysql_real_query(my.handle(), select.data(), static_cast<unsigned long>(select.size())) == 0;
        MYSQL_RES* rows = ok ? mysql_use_result(my.handle()) : nullptr;
        std::string chunk;
        while (MYSQL_ROW row = rows == nullptr ? nullptr : mysql_fetch_row(rows)) {
            const unsigned long* lengths = mysql_fetch_lengths(rows);
            for (int c = 0; c < 12; ++c) {
                if (c != 0) chunk += '\t';
                if (row[c] == nullptr) {
                    chunk += "\\N";
                    continue;
                }
                const std::string_view v(row[c], lengths[c]);
                if (c == 10) put_bytea(chunk, v);  // tag
                else put_text(chunk, v);
            }
            chunk += '\n';
            if (chunk.size() >= (1u << 20)) {
                ok = ok && PQputCopyData(pg, chunk.data(), static_cast<int>(chunk.size())) == 1;
                chunk.clear();
            }
        }
        ok = ok && rows != nullptr && mysql_errno(my.handle()) == 0;
        if (rows != nullptr) mysql_free_result(rows);
        ok = ok && PQputCopyData(pg, chunk.data(), static_cast<int>(chunk.size())) == 1 && PQputCopyEnd(pg, nullptr) == 1;
        while (PGresult* res = PQgetResult(pg)) {
            ok = ok && PQresultStatus(res) == PGRES_COMMAND_OK;
            PQclear(res);
        }
        ok = ok && command("CREATE INDEX wide_by_a ON wide (a)", PGRES_COMMAND_OK) && command("CREATE INDEX wide_by_t1 ON wide (t1)", PGRES_COMMAND_OK);
        PQfinish(pg);
        state.PauseTiming();
        if (!ok || !all_rows_arrived()) state.SkipWithError("the pipe failed or lost rows");
        state.ResumeTiming();
    });
}

/// pgloader from MariaDB over its Unix socket: mysql://USER@unix:SOCKET:3306/driftless_copy_src.
void B6_pgloader_mariadb(benchmark::State& state) {
    const std::string url = mysql_server();
    const auto user_end = url.find('@'), socket_at = url.find("socket=");
    if (pgloader_target().empty() || url.rfind("mysql://", 0) != 0 || user_end == std::string::npos || socket_at == std::string::npos) {
        state.SkipWithError("needs pgloader on PATH, DRIFTLESS_BENCH_POSTGRESQL with host=/socket-directory and DRIFTLESS_BENCH_MYSQL with ?socket=");
        return;
    }
    const std::string socket = url.substr(socket_at + 7, url.find('&', socket_at) - socket_at - 7);
    const std::string source = "mysql://" + url.substr(8, user_end - 8) + "@unix:" + socket + ":3306/driftless_copy_src";
    each_mariadb_run(state, [&] { run_pgloader(state, source); });
}

#endif

}  // namespace

BENCHMARK(B6_copy)->Name("B6_copy/wide")->Iterations(1)->Repetitions(3)->UseRealTime()->Unit(benchmark::kSecond);
BENCHMARK(B6_copy_noverify)->Name("B6_copy_noverify/wide")->Iterations(1)->Repetitions(3)->UseRealTime()->Unit(benchmark::kSecond);
BENCHMARK(B6_limit)->Name("B6_limit/wide")->Iterations(1)->Repetitions(3)->UseRealTime()->Unit(benchmark::kSecond);
BENCHMARK(B6_pgloader)->Name("B6_pgloader/wide")->Iterations(1)->Repetitions(3)->UseRealTime()->Unit(benchmark::kSecond);
#ifdef DRIFTLESS_BENCH_WITH_MYSQL
BENCHMARK(B6_copy_mariadb)->Name("B6_copy/mariadb_wide")->Iterations(1)->Repetitions(3)->UseRealTime()->Unit(benchmark::kSecond);
BENCHMARK(B6_copy_noverify_mariadb)->Name("B6_copy_noverify/mariadb_wide")->Iterations(1)->Repetitions(3)->UseRealTime()->Unit(benchmark::kSecond);
BENCHMARK(B6_limit_mariadb)->Name("B6_limit/mariadb_wide")->Iterations(1)->Repetitions(3)->UseRealTime()->Unit(benchmark::kSecond);
BENCHMARK(B6_pgloader_mariadb)->Name("B6_pgloader/mariadb_wide")->Iterations(1)->Repetitions(3)->UseRealTime()->Unit(benchmark::kSecond);
#endif

BENCHMARK_MAIN();
