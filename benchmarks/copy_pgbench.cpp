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
        case SQLITE_BLOB: {
            static constexpr char digits[] = "0123456789abcdef";
            const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(st, c));
            out += "\\\\x";
            for (int i = 0; i < sqlite3_column_bytes(st, c); ++i) {
                out += digits[p[i] >> 4];
                out += digits[p[i] & 15];
            }
            return;
        }
        default: {
            const std::string_view text(reinterpret_cast<const char*>(sqlite3_column_text(st, c)),
                                        static_cast<std::size_t>(sqlite3_column_bytes(st, c)));
            if (text.find_first_of("\\\t\n\r") == std::string_view::npos) {
                out += text;  // the usual case: nothing to escape
                return;
            }
            for (const char ch : text) {
                if (ch == '\\' || ch == '\t' || ch == '\n' || ch == '\r') out += '\\';
                out += ch == '\t' ? 't' : ch == '\n' ? 'n' : ch == '\r' ? 'r' : ch;
            }
        }
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

void B6_pgloader(benchmark::State& state) {
    const std::string conninfo = server();
    const auto host_at = conninfo.find("host=/");
    if (conninfo.empty() || host_at == std::string::npos || std::system("command -v pgloader >/dev/null 2>&1") != 0) {
        state.SkipWithError("needs pgloader on PATH and DRIFTLESS_BENCH_POSTGRESQL with host=/socket-directory");
        return;
    }
    const auto field = [&](std::string_view key, std::string fallback) {
        const auto at = conninfo.find(std::string(key) + "=");
        if (at == std::string::npos) return fallback;
        const auto start = at + key.size() + 1;
        return conninfo.substr(start, conninfo.find(' ', start) - start);
    };
    const std::string target =
        "postgresql://" + field("user", "postgres") + "@unix:" + field("host", "/tmp") + ":" + field("port", "5432") + "/driftless_copy_run";
    each_run(state, [&](const fs::path& file) {
        // Bounded: pgloader has been seen to hang after an error instead of exiting.
        const std::string command = "timeout 900 pgloader --quiet '" + file.string() + "' '" + target + "' >/dev/null 2>&1";
        const bool ok = std::system(command.c_str()) == 0;
        state.PauseTiming();
        if (!ok || !all_rows_arrived()) state.SkipWithError("pgloader failed or left rows out");
        state.ResumeTiming();
    });
}

}  // namespace

BENCHMARK(B6_copy)->Name("B6_copy/wide")->Iterations(1)->Repetitions(3)->UseRealTime()->Unit(benchmark::kSecond);
BENCHMARK(B6_copy_noverify)->Name("B6_copy_noverify/wide")->Iterations(1)->Repetitions(3)->UseRealTime()->Unit(benchmark::kSecond);
BENCHMARK(B6_limit)->Name("B6_limit/wide")->Iterations(1)->Repetitions(3)->UseRealTime()->Unit(benchmark::kSecond);
BENCHMARK(B6_pgloader)->Name("B6_pgloader/wide")->Iterations(1)->Repetitions(3)->UseRealTime()->Unit(benchmark::kSecond);

BENCHMARK_MAIN();
