// docs/reliability.md, test 1: kill -9 at random moments in the 12-step rebuild of a 1,000,000-row
// table with two indexes, in the DELETE and the WAL journal mode. A program of its own with its own
// main(): it forks, execs itself (--child) and kills the child. Exit status 0 when every check
// passed; each failure is printed with its kill point.
//
// Once per run, in the working directory: a file database at model V1 (created by migrate, then
// filled), one copy per journal mode. V2 gives the string column a length (TEXT -> VARCHAR(8)):
// the same affinity, so no value can change and no allow_data_loss is needed, but SQLite cannot
// alter a column's type, so driftless plans the rebuild (checked: "_driftless_new_" in the plan,
// and the plan's worst step is "rebuild").
//
// Per journal mode, first a few uncrashed migrations in a child measure T and give the reference
// V2 state. T is measured on the child's own CPU-time clock, from its call of migrate to its exit
// (the median of the runs), and so are the kill moments: the machine is shared, and wall-clock
// moments would land anywhere in the migration's work as the load changes. Then, for every kill
// point: the pristine V1 file is copied to a work file, a child runs migrate<V2> on it and gets
// SIGKILL when its CPU time reaches a moment drawn uniformly from its stratum of [0, T] (two points
// at 0, two at T). A child may finish first; extra points, uniform over [0, T], follow until as
// many children as points were really killed (at most half as many again).
// The parent then opens the file (SQLite rolls a hot journal back, or recovers the WAL) and checks:
//   - PRAGMA integrity_check is "ok" and the journal mode is unchanged;
//   - the schema is exactly V1 or exactly V2: table_xinfo, index_list / index_xinfo and every
//     sqlite_schema entry equal those of the pristine V1 file or of an uncrashed V2 file;
//   - count(*) is 1,000,000, the ids are 1..1,000,000 and every row holds the values it was given
//     (each value is a function of its id, compared by SQL, types included; VARCHAR(8) keeps TEXT
//     affinity, so the values are the same in V1 and V2);
//   - a V2 history row exists iff the schema is V2, beside V1's; no _driftless_new_* table is left;
//   - migrate<V2> (verify on) then applies iff the schema was V1, and leads to V2 with every row.
// The shortcut that keeps the sweep within minutes: a main file that after the parent's recovery is
// byte for byte the pristine V1 file, with no journal or WAL left, *is* the pristine state, which
// passed every check above at the start (and whose migration was measured); such a point counts as
// "ended old", and only every DRIFTLESS_CRASH_FULL_EVERY-th of them (besides every point that is
// not identical) gets the full list of checks, which then must find V1.
//
// Environment: DRIFTLESS_CRASH_POINTS (kill points per mode, default 200),
// DRIFTLESS_CRASH_LANES (kill points run at once, each on its own work file; default 2 on 2+ cores),
// DRIFTLESS_CRASH_FULL_EVERY (default 16; 1 checks every point in full), DRIFTLESS_CRASH_SEED;
// DRIFTLESS_CRASH_BROKEN_CHILD=1 is a self-test of the checks, not of driftless: the child runs
// the same statements without a transaction, and the sweep must fail.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <driftless/sqlite.hpp>

namespace crash {
struct RowV1 {
    std::int64_t id;
    std::int64_t k;
    std::string s;
};
struct RowV2 {  // s limited to 8 characters: VARCHAR(8) instead of TEXT, a rebuild on SQLite
    std::int64_t id;
    std::int64_t k;
    std::string s;
};
}  // namespace crash

template <>
inline constexpr auto driftless::customize::table<crash::RowV1> = driftless::table<crash::RowV1>("crash_rows")
                                                                      .index("crash_rows_by_k", &crash::RowV1::k)
                                                                      .index("crash_rows_by_s", &crash::RowV1::s);
template <>
inline constexpr auto driftless::customize::table<crash::RowV2> = driftless::table<crash::RowV2>("crash_rows")
                                                                      .length(&crash::RowV2::s, 8)  // exact_types: a rebuild
                                                                      .index("crash_rows_by_k", &crash::RowV2::k)
                                                                      .index("crash_rows_by_s", &crash::RowV2::s);

namespace {

namespace fs = std::filesystem;
using steady = std::chrono::steady_clock;
using driftless::sqlite::connection;

constexpr std::int64_t row_count = 1'000'000;
// Every row's values are a function of its id. Narrow on purpose: a one-byte integer and a
// one-letter string, about 33 MB with both indexes; the cost of a rebuild is per row.
constexpr std::string_view fill_sql =
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1000000) "
    "INSERT INTO crash_rows (id, k, s) SELECT x, x / 4096, char(65 + x / 40000) FROM n";
// The rows whose values differ from those; no function that allocates per row (char() would, and
// costs a second per scan under AddressSanitizer). Min and max of the rowid come from a statement
// of their own: alone, they are read from the ends of the b-tree.
constexpr std::string_view content_sql =
    "SELECT count(*), coalesce(sum(CASE WHEN typeof(k) = 'integer' AND k = id / 4096 AND typeof(s) = 'text' AND "
    "length(s) = 1 AND unicode(s) = 65 + id / 40000 THEN 0 ELSE 1 END), 0) FROM crash_rows";
constexpr std::string_view id_range_sql = "SELECT coalesce(min(id), 0), coalesce(max(id), 0) FROM crash_rows";
constexpr std::string_view v2_description = "v2";

double ms(steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

std::string fixed(double v, int decimals = 0) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

// ---------------------------------------------------------------------------------------------
// Failures: printed as they happen, counted for the exit status.
// ---------------------------------------------------------------------------------------------
std::atomic<int> failures{0};
thread_local int local_failures = 0;  // this thread's, to tell which kill point failed

constexpr int failures_printed = 40;  // the rest are only counted

bool expect(bool ok, const std::string& where, const std::string& what) {
    if (!ok) {
        ++local_failures;
        if (++failures <= failures_printed) {
            std::printf("FAIL %s: %s\n", where.c_str(), what.c_str());
            std::fflush(stdout);
        }
    }
    return ok;
}

template <class A, class B>
bool expect_eq(const A& actual, const B& wanted, const std::string& where, const std::string& what) {
    if (actual == wanted) return true;
    std::string message = what + ": got ";
    if constexpr (std::is_arithmetic_v<A>) {
        message += std::to_string(actual) + ", expected " + std::to_string(wanted);
    } else {
        message += "'" + std::string(actual) + "', expected '" + std::string(wanted) + "'";
    }
    return expect(false, where, message);
}

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------
const char* const side_suffixes[] = {"-journal", "-wal", "-shm"};

void remove_database(const std::string& path) {
    fs::remove(path);
    for (const char* suffix : side_suffixes) fs::remove(path + suffix);
}

/// The side files (journal, WAL, shared memory) next to `path`, as "name:size" text; "" for none.
std::string side_files(const std::string& path) {
    std::string out;
    for (const char* suffix : side_suffixes) {
        std::error_code ec;
        const auto size = fs::file_size(path + suffix, ec);
        if (!ec) out += (out.empty() ? "" : " ") + std::string(suffix + 1) + ":" + std::to_string(size);
    }
    return out;
}

/// Copy a (page-cached) database file over `to`, whose side files are removed first.
void copy_database(const std::string& from, const std::string& to) {
    remove_database(to);
    fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

std::vector<char> read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool same_bytes(const std::string& path, const std::vector<char>& bytes) {
    std::error_code ec;
    if (fs::file_size(path, ec) != bytes.size() || ec) return false;
    std::ifstream in(path, std::ios::binary);
    std::vector<char> buf(std::size_t{1} << 20);
    std::size_t at = 0;
    while (at < bytes.size()) {
        const std::size_t n = std::min(buf.size(), bytes.size() - at);
        if (!in.read(buf.data(), static_cast<std::streamsize>(n))) return false;
        if (std::memcmp(buf.data(), bytes.data() + at, n) != 0) return false;
        at += n;
    }
    return true;
}

// ---------------------------------------------------------------------------------------------
// What a database holds
// ---------------------------------------------------------------------------------------------
std::string text_of(const connection& db, const std::string& sql) {
    auto st = db.prepare(sql);
    if (!st.step()) return "<no row>";
    return st.is_null(0) ? "NULL" : st.text(0);
}

/// The table's columns and indexes as PRAGMA table_xinfo / index_list / index_xinfo report them,
/// and every entry of sqlite_schema (the tracking tables included), as one text.
std::string signature(const connection& db) {
    std::string out;
    {
        auto st = db.prepare(
            "SELECT cid, name, type, \"notnull\", quote(dflt_value), pk, hidden FROM pragma_table_xinfo('crash_rows')");
        while (st.step()) {
            out += "column";
            for (int i = 0; i < 7; ++i) out += " " + st.text(i);
            out += "\n";
        }
    }
    std::vector<std::string> indexes;
    {
        auto st =
            db.prepare("SELECT name, \"unique\", origin, partial FROM pragma_index_list('crash_rows') ORDER BY name");
        while (st.step()) {
            indexes.push_back(st.text(0));
            out += "index " + st.text(0) + " unique=" + st.text(1) + " origin=" + st.text(2) +
                   " partial=" + st.text(3) + "\n";
        }
    }
    for (const std::string& index : indexes) {
        auto st = db.prepare("SELECT seqno, cid, name, \"desc\", coll, \"key\" FROM pragma_index_xinfo(?1)");
        st.bind(1, index);
        while (st.step()) {
            out += "  key";
            for (int i = 0; i < 6; ++i) out += " " + (st.is_null(i) ? std::string("NULL") : st.text(i));
            out += "\n";
        }
    }
    {
        auto st = db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name");
        while (st.step()) {
            out += "schema " + st.text(0) + " " + st.text(1) + " on " + st.text(2) + ": " +
                   (st.is_null(3) ? std::string("NULL") : st.text(3)) + "\n";
        }
    }
    return out;
}

struct observed {
    std::string journal_mode;
    std::string integrity;  ///< "" when not checked
    std::string signature;
    std::int64_t rows = 0;
    std::int64_t min_id = 0;
    std::int64_t max_id = 0;
    std::int64_t wrong = 0;  ///< rows whose values are not the ones they were given
    std::int64_t history = 0;
    std::int64_t history_v2 = 0;
    std::int64_t leftovers = 0;  ///< _driftless_new_* tables
};

/// What the database holds; `values`: read every row's values (else count(*) only; wrong = -1).
observed inspect(const connection& db, bool integrity, bool values = true) {
    observed o;
    o.journal_mode = text_of(db, "PRAGMA journal_mode");
    if (integrity) {
        auto st = db.prepare("PRAGMA integrity_check");
        while (st.step()) o.integrity += (o.integrity.empty() ? "" : "; ") + st.text(0);
    }
    o.signature = signature(db);
    if (values) {
        auto st = db.prepare(std::string(content_sql));
        if (st.step()) {
            o.rows = st.integer(0);
            o.wrong = st.integer(1);
        }
    } else {
        auto st = db.prepare("SELECT count(*) FROM crash_rows");
        if (st.step()) o.rows = st.integer(0);
        o.wrong = -1;
    }
    {
        auto st = db.prepare(std::string(id_range_sql));
        if (st.step()) {
            o.min_id = st.integer(0);
            o.max_id = st.integer(1);
        }
    }
    {
        auto st = db.prepare(
            "SELECT count(*), coalesce(sum(description = ?1 AND state = 'applied' AND rolled_back_at IS NULL), 0) "
            "FROM _driftless_migrations");
        st.bind(1, v2_description);
        if (st.step()) {
            o.history = st.integer(0);
            o.history_v2 = st.integer(1);
        }
    }
    {
        auto st = db.prepare("SELECT count(*) FROM sqlite_schema WHERE name LIKE '\\_driftless\\_new\\_%' ESCAPE '\\'");
        if (st.step()) o.leftovers = st.integer(0);
    }
    return o;
}

connection open_for_checks(const std::string& path) {
    auto db = driftless::sqlite::open(path, {.create = false});
    db.execute("PRAGMA mmap_size = 268435456");  // reads without a copy per page, for integrity_check
    return db;
}

/// Every row is there with the values it was given.
void expect_rows(const observed& o, const std::string& where) {
    expect_eq(o.rows, row_count, where, "count(*)");
    expect_eq(o.min_id, std::int64_t{1}, where, "min(id)");
    expect_eq(o.max_id, row_count, where, "max(id)");
    if (o.wrong != -1) expect_eq(o.wrong, std::int64_t{0}, where, "rows whose values changed");
}

void expect_version(const observed& o, bool v2, const std::string& where) {
    expect_eq(o.history, std::int64_t{v2 ? 2 : 1}, where, std::string("history rows at ") + (v2 ? "V2" : "V1"));
    expect_eq(o.history_v2, std::int64_t{v2 ? 1 : 0}, where, std::string("V2 history rows at ") + (v2 ? "V2" : "V1"));
    expect_eq(o.leftovers, std::int64_t{0}, where, "_driftless_new_* tables left");
}

// ---------------------------------------------------------------------------------------------
// The child: this program again, exec'd with --child <db> <ready fd>
// ---------------------------------------------------------------------------------------------
int child_main(const char* path, int ready_fd) {
    try {
        auto db = driftless::sqlite::open(path, {.create = false});
        if (const char* broken = std::getenv("DRIFTLESS_CRASH_BROKEN_CHILD"); broken != nullptr && *broken == '1') {
            // Self-test of the checks, not of driftless: the same statements without the
            // transaction, then a history row. The sweep must report failures.
            const auto plan = driftless::plan<crash::RowV2>(db, {.exact_types = true});
            const char byte = 'r';
            if (write(ready_fd, &byte, 1) != 1) return 5;
            close(ready_fd);
            for (const std::string& statement : plan.statements) db.execute(statement);
            db.execute(
                "INSERT INTO _driftless_migrations VALUES (2, 'v2', 'auto', 'crash_rows', '', 'sha256', '', '', '', "
                "0, NULL, 'applied', 0)");
            return 0;
        }
        const char byte = 'r';
        if (write(ready_fd, &byte, 1) != 1) return 5;
        close(ready_fd);
        const auto result = driftless::migrate<crash::RowV2>(db, {.description = std::string(v2_description), .exact_types = true});
        if (!result.applied) {
            std::fprintf(stderr, "crash_sweep child: migrate<V2> applied nothing\n");
            return 4;
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "crash_sweep child: %s\n", e.what());
        return 3;
    }
}

struct child_process {
    pid_t pid = -1;
    int ready = -1;  ///< read end: one byte when the child is about to call migrate
};

child_process spawn_child(const std::string& self, const std::string& db_path) {
    // Close-on-exec, so that a child exec'd by another lane does not hold this pipe open; the
    // child clears the flag on its own end before exec.
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
    const std::string fd_text = std::to_string(fds[1]);
    const char* argv[] = {self.c_str(), "--child", db_path.c_str(), fd_text.c_str(), nullptr};
    std::fflush(stdout);
    std::fflush(stderr);
    const pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        throw std::system_error(errno, std::generic_category(), "fork");
    }
    if (pid == 0) {  // only async-signal-safe calls until exec
        if (fcntl(fds[1], F_SETFD, 0) != 0) _exit(126);
        execv(self.c_str(), const_cast<char* const*>(argv));
        _exit(127);
    }
    close(fds[1]);
    return {pid, fds[0]};
}

/// Blocks until the child is about to migrate; false when it ended before that.
bool wait_ready(child_process& c) {
    char byte = 0;
    ssize_t n = 0;
    do {
        n = read(c.ready, &byte, 1);
    } while (n < 0 && errno == EINTR);
    close(c.ready);
    c.ready = -1;
    return n == 1;
}

double ms_of(const timeval& t) { return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3; }

/// Waits for the child (or, with WNOHANG in `flags`, looks whether it ended: false if not); `cpu_ms`
/// gets its CPU time, user plus system, from its rusage.
bool reap(pid_t pid, int& status, double& cpu_ms, int flags = 0) {
    rusage usage{};
    pid_t r = 0;
    while ((r = wait4(pid, &status, flags, &usage)) < 0) {
        if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "wait4");
    }
    if (r == 0) return false;
    cpu_ms = ms_of(usage.ru_utime) + ms_of(usage.ru_stime);
    return true;
}

int reap(pid_t pid) {
    int status = 0;
    double cpu = 0;
    reap(pid, status, cpu);
    return status;
}

/// The CPU time a running child has used so far (its process CPU-time clock), in ms; < 0 when it
/// cannot be read.
double cpu_now_ms(clockid_t clock) {
    timespec ts{};
    if (clock_gettime(clock, &ts) != 0) return -1;
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

clockid_t cpu_clock_of(pid_t pid) {
    clockid_t clock{};
    if (const int e = clock_getcpuclockid(pid, &clock); e != 0)
        throw std::system_error(e, std::generic_category(), "clock_getcpuclockid");
    return clock;
}

std::string describe_status(int status) {
    if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
    return "status " + std::to_string(status);
}

// ---------------------------------------------------------------------------------------------
// The sweep
// ---------------------------------------------------------------------------------------------
int env_int(const char* name, int fallback, int minimum) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return fallback;
    char* end = nullptr;
    const long n = std::strtol(v, &end, 10);
    if (*end != '\0' || n < minimum || n > 1000000)
        throw std::runtime_error(std::string(name) + " must be an integer >= " + std::to_string(minimum));
    return static_cast<int>(n);
}

struct sweep_config {
    int points = 200;     ///< kill points per journal mode
    int full_every = 16;  ///< full checks also on every full_every-th point identical to V1
    int lanes = 2;        ///< kill points run at once, each on its own work file
};

struct mode_setup {
    std::string name;      ///< "delete" or "wal"
    std::string pristine;  ///< the V1 file in this journal mode
};

struct reference {
    std::string v1;  ///< signature of V1
    std::string v2;  ///< signature of V2 (from the first uncrashed migration)
};

/// Builds and checks the pristine V1 files (DELETE and WAL), sets V1's signature, and checks that
/// V1 -> V2 is planned as a rebuild.
std::vector<mode_setup> build_pristine(reference& ref) {
    const std::string del = "crash_v1_delete.db";
    const std::string wal = "crash_v1_wal.db";
    remove_database(del);
    remove_database(wal);
    const auto started = steady::now();
    {
        auto db = driftless::sqlite::open(del);
        driftless::migrate<crash::RowV1>(db, {.description = "v1"});
        db.execute("BEGIN");
        db.execute(fill_sql);
        db.execute("COMMIT");
        const std::string mode = text_of(db, "PRAGMA journal_mode");
        if (mode != "delete") throw std::runtime_error("a new database is in journal mode " + mode + ", not delete");
    }
    copy_database(del, wal);
    {
        auto db = driftless::sqlite::open(wal, {.create = false});
        const std::string mode = text_of(db, "PRAGMA journal_mode = WAL");
        if (mode != "wal") throw std::runtime_error("cannot switch to WAL: " + mode);
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    for (const std::string& path : {del, wal}) {
        if (!side_files(path).empty())
            throw std::runtime_error(path + " keeps side files after close: " + side_files(path));
    }
    std::printf("pristine V1: %s rows, %s bytes, built in %s ms\n", driftless::detail::thousands(row_count).c_str(),
                driftless::detail::thousands(static_cast<std::int64_t>(fs::file_size(del))).c_str(),
                fixed(ms(steady::now() - started)).c_str());

    // Every check on the pristine files: the V1 reference.
    for (const auto& [path, mode] : {std::pair{del, std::string("delete")}, std::pair{wal, std::string("wal")}}) {
        auto db = open_for_checks(path);
        const observed o = inspect(db, true);
        const std::string where = "pristine V1 (" + mode + ")";
        expect_eq(o.integrity, "ok", where, "integrity_check");
        expect_eq(o.journal_mode, mode, where, "journal_mode");
        expect_rows(o, where);
        expect_version(o, false, where);
        if (ref.v1.empty()) ref.v1 = o.signature;
        expect(o.signature == ref.v1, where, "the WAL copy's schema differs from the DELETE one's:\n" + o.signature);
    }

    // V2 must be a rebuild that needs no allow_data_loss.
    {
        const std::string probe = "crash_plan_probe.db";
        copy_database(del, probe);
        {
            auto db = driftless::sqlite::open(probe, {.create = false});
            const auto plan = driftless::plan<crash::RowV2>(db, {.exact_types = true});
            bool rebuild = false;
            for (const auto& s : plan.statements)
                rebuild = rebuild || s.find("_driftless_new_crash_rows") != std::string::npos;
            expect(rebuild, "plan V1 -> V2", "the plan does not rebuild the table:\n" + driftless::describe(plan.plan));
            expect(plan.plan.worst() == driftless::safety::rebuild, "plan V1 -> V2",
                   "the plan's worst step is not 'rebuild':\n" + driftless::describe(plan.plan));
            std::printf("plan V1 -> V2 (%zu statements):\n%s", plan.statements.size(),
                        driftless::describe(plan.plan).c_str());
        }
        remove_database(probe);
    }
    return {{"delete", del}, {"wal", wal}};
}

/// Every check of a work file after a child ended (killed or not), then migrate<V2> on it and the
/// checks of the result. Returns 1 when the file was at V1, 2 at V2, 0 neither.
int check_fully(const std::string& path, const mode_setup& mode, const reference& ref, const std::string& where) {
    auto db = open_for_checks(path);
    const observed o = inspect(db, true);
    expect_eq(o.integrity, "ok", where, "integrity_check");
    expect_eq(o.journal_mode, mode.name, where, "journal_mode");
    int version = 0;
    if (o.signature == ref.v1) {
        version = 1;
    } else if (o.signature == ref.v2) {
        version = 2;
    } else {
        static std::atomic<bool> references_shown{false};
        expect(false, where,
               "the schema is neither V1 nor V2:\n--- found\n" + o.signature +
                   (references_shown.exchange(true) ? std::string() : "--- V1\n" + ref.v1 + "--- V2\n" + ref.v2));
    }
    expect_rows(o, where);
    if (version != 0) expect_version(o, version == 2, where);

    const auto result =
        driftless::migrate<crash::RowV2>(db, {.description = std::string(v2_description), .verify = true, .exact_types = true});
    expect(result.applied == (version != 2), where,
           std::string("migrate<V2> afterwards ") + (result.applied ? "applied" : "did not apply") + " a migration");
    // When it applied nothing, the values were read just before; a rebuild is read again in full.
    const observed after = inspect(db, false, result.applied);
    const std::string where_after = where + ", after migrate<V2>";
    expect(after.signature == ref.v2, where_after, "the schema is not V2:\n" + after.signature);
    expect_rows(after, where_after);
    expect_version(after, true, where_after);
    return version;
}

/// Uncrashed migrations, from the child's call of migrate to its exit.
struct durations_ms {
    double cpu = 0;   ///< median CPU time: T, kill moments are drawn from [0, T]
    double wall = 0;  ///< median wall-clock time
};

struct mode_summary {
    int points = 0;
    int killed = 0;
    int finished = 0;  ///< ended on their own before the kill
    int ended_old = 0;
    int ended_new = 0;
    int neither = 0;          ///< including points whose child failed or whose checks threw
    int side_after_kill = 0;  ///< a journal or WAL was there when the child died
    int identical = 0;        ///< recovered to the pristine bytes
    int full = 0;             ///< fully checked
    durations_ms t{};         ///< medians of the uncrashed migrations
    double sweep_s = 0;
    double phase_s[4] = {};  ///< summed over the lanes: copy, child, recovery and comparison, full checks
};

/// Runs fn(lane) on `lanes` threads at once and waits for them.
template <class Fn>
void run_lanes(int lanes, Fn fn) {
    std::vector<std::thread> threads;
    for (int lane = 0; lane < lanes; ++lane) threads.emplace_back(fn, lane);
    for (auto& t : threads) t.join();
}

/// Uncrashed migrations, `rounds` per lane with the lanes running at once (as in the sweep): T is
/// their median duration, from the child's call of migrate to its exit. Each result is then
/// checked in full; the first gives the V2 reference.
durations_ms measure(const std::string& self, const mode_setup& mode, reference& ref, int lanes, int rounds) {
    std::vector<double> cpu_durations;
    std::vector<double> durations;
    std::vector<std::string> files;
    std::mutex m;
    run_lanes(lanes, [&](int lane) {
        for (int round = 0; round < rounds; ++round) {
            const std::string work =
                "crash_uncrashed_" + mode.name + "_" + std::to_string(lane) + "_" + std::to_string(round) + ".db";
            const std::string where =
                "[" + mode.name + "] uncrashed migration " + std::to_string(lane) + "." + std::to_string(round);
            copy_database(mode.pristine, work);
            child_process c = spawn_child(self, work);
            if (!wait_ready(c)) {
                expect(false, where, "the child ended before it called migrate: " + describe_status(reap(c.pid)));
                continue;
            }
            const double cpu0 = cpu_now_ms(cpu_clock_of(c.pid));
            const auto t0 = steady::now();
            int status = 0;
            double cpu = 0;
            reap(c.pid, status, cpu);
            const double d = ms(steady::now() - t0);
            if (!expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, where,
                        "the child failed: " + describe_status(status)))
                continue;
            const std::lock_guard lock(m);
            cpu_durations.push_back(cpu - cpu0);
            durations.push_back(d);
            files.push_back(work);
        }
    });
    if (durations.empty()) throw std::runtime_error("no uncrashed migration succeeded in journal mode " + mode.name);
    if (ref.v2.empty()) {
        auto db = open_for_checks(files.front());
        ref.v2 = signature(db);
        expect(ref.v2 != ref.v1, "[" + mode.name + "] uncrashed migration", "the schema did not change");
    }
    run_lanes(lanes, [&](int lane) {
        for (std::size_t i = static_cast<std::size_t>(lane); i < files.size(); i += static_cast<std::size_t>(lanes)) {
            const std::string where = "[" + mode.name + "] uncrashed migration (" + files[i] + ")";
            try {
                expect_eq(check_fully(files[i], mode, ref, where), 2, where, "version after an uncrashed migration");
            } catch (const std::exception& e) {
                expect(false, where, std::string("error while checking: ") + e.what());
            }
            remove_database(files[i]);
        }
    });
    const auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    std::string all;
    for (std::size_t i = 0; i < durations.size(); ++i)
        all += (all.empty() ? "" : ", ") + fixed(durations[i]) + " (" + fixed(cpu_durations[i]) + " CPU)";
    const durations_ms t{median(cpu_durations), median(durations)};
    std::printf("[%s] uncrashed migrate<V2> in the child, %d at once: %s ms; T = %s ms of the child's CPU time\n",
                mode.name.c_str(), lanes, all.c_str(), fixed(t.cpu).c_str());
    std::fflush(stdout);
    return t;
}

/// One kill point on the work file `work`.
void kill_point(const std::string& self, const mode_setup& mode, const reference& ref,
                const std::vector<char>& pristine, const std::string& work, int index, int points, double delay_ms,
                double t_ms, bool sample, mode_summary& sum, std::mutex& m) {
    const std::string where = "[" + mode.name + "] kill point " + std::to_string(index + 1) +
                              (index < points ? "/" + std::to_string(points) : " (extra)") + " at " +
                              fixed(delay_ms, 1) + " ms of T = " + fixed(t_ms) + " ms (child CPU time)";
    const int failures_before = local_failures;
    bool killed = false;
    bool finished = false;
    bool side_after_kill = false;
    bool identical = false;
    bool full = false;
    int version = 0;
    double phase[4] = {};  // copy, child, recovery and comparison, full checks: wall seconds
    auto mark = steady::now();
    const auto lap = [&](int k) {
        const auto now = steady::now();
        phase[k] += ms(now - mark) / 1000.0;
        mark = now;
    };
    copy_database(mode.pristine, work);
    lap(0);
    child_process c = spawn_child(self, work);
    if (!wait_ready(c)) {
        expect(false, where, "the child ended before it called migrate: " + describe_status(reap(c.pid)));
    } else {
        // The kill moment is measured on the child's own CPU clock, so that the points stay spread
        // over the migration's work however busy the machine is.
        const clockid_t clock = cpu_clock_of(c.pid);
        const double cpu0 = cpu_now_ms(clock);
        const double target = cpu0 + delay_ms;
        const auto t0 = steady::now();
        int status = 0;
        double cpu = 0;
        bool ended = false;
        for (;;) {
            if ((ended = reap(c.pid, status, cpu, WNOHANG))) break;
            const double now = cpu_now_ms(clock);
            if (now < 0 || now >= target) {
                kill(c.pid, SIGKILL);
                break;
            }
            std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(std::max(target - now, 0.05)));
        }
        if (!ended) reap(c.pid, status, cpu);
        const double actual_ms = cpu - cpu0;
        const double wall_ms = ms(steady::now() - t0);
        killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
        finished = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        lap(1);
        const std::string side = side_files(work);
        side_after_kill = !side.empty();
        const std::string detail = where + " (" +
                                   (killed     ? "killed"
                                    : finished ? "finished before the kill"
                                               : describe_status(status)) +
                                   " after " + fixed(actual_ms, 1) + " ms CPU, " + fixed(wall_ms, 1) +
                                   " ms wall; files left: " + (side.empty() ? "none" : side) + ")";
        if (expect(killed || finished, detail, "the child failed on its own")) {
            try {
                // Recovery: the first read rolls a hot journal back or reads the WAL; the last
                // close checkpoints the WAL and removes it.
                {
                    auto db = driftless::sqlite::open(work, {.create = false});
                    text_of(db, "SELECT count(*) FROM sqlite_schema");
                }
                const std::string left = side_files(work);
                identical = left.empty() && same_bytes(work, pristine);
                lap(2);
                if (identical && !sample) {
                    version = 1;  // the pristine V1 state, checked in full at the start
                } else {
                    full = true;
                    version = check_fully(work, mode, ref, detail);
                    lap(3);
                    if (identical) expect_eq(version, 1, detail, "version of a file identical to the pristine V1");
                    if (version == 1 && !identical)
                        std::printf(
                            "note: %s ended at V1, not byte-identical to the pristine file (files left after "
                            "recovery: %s)\n",
                            detail.c_str(), left.empty() ? "none" : left.c_str());
                }
            } catch (const std::exception& e) {
                expect(false, detail, std::string("error while checking: ") + e.what());
                version = 0;
            }
        }
    }
    static std::atomic<int> kept{0};
    if (local_failures != failures_before && kept++ < 5) {
        const std::string keep = "crash_failed_" + mode.name + "_" + std::to_string(index + 1) + ".db";
        std::error_code ec;
        fs::rename(work, keep, ec);
        std::printf("  (the database of %s, after the checks, is kept as %s)\n", where.c_str(), keep.c_str());
    }
    const std::lock_guard lock(m);
    for (int k = 0; k < 4; ++k) sum.phase_s[k] += phase[k];
    ++sum.points;
    sum.killed += killed ? 1 : 0;
    sum.finished += finished ? 1 : 0;
    sum.side_after_kill += side_after_kill ? 1 : 0;
    sum.identical += identical ? 1 : 0;
    sum.full += full ? 1 : 0;
    sum.ended_old += version == 1 ? 1 : 0;
    sum.ended_new += version == 2 ? 1 : 0;
    sum.neither += version == 0 ? 1 : 0;
    if (sum.points % 50 == 0) {
        std::printf("[%s] %d/%d kill points: %d old, %d new, %d neither\n", mode.name.c_str(), sum.points, points,
                    sum.ended_old, sum.ended_new, sum.neither);
        std::fflush(stdout);
    }
}

mode_summary sweep_mode(const std::string& self, const mode_setup& mode, reference& ref, const sweep_config& config,
                        std::mt19937_64& rng) {
    mode_summary sum;
    sum.t = measure(self, mode, ref, config.lanes, config.lanes == 1 ? 3 : 2);
    const std::vector<char> pristine = read_all(mode.pristine);

    // Kill moments: one per stratum of [0, T], the first two at 0 and the last two at T; shuffled.
    // Then, while fewer than `points` children were really killed (some finish first), extra
    // points drawn uniformly from [0, T], up to half as many again.
    const int points = config.points;
    const int most = points + points / 2;
    std::vector<double> fractions(static_cast<std::size_t>(most));
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (int i = 0; i < points; ++i) fractions[static_cast<std::size_t>(i)] = (i + unit(rng)) / points;
    if (points >= 8) {
        fractions[0] = fractions[1] = 0.0;
        fractions[static_cast<std::size_t>(points - 1)] = fractions[static_cast<std::size_t>(points - 2)] = 1.0;
    }
    std::shuffle(fractions.begin(), fractions.begin() + points, rng);
    for (int i = points; i < most; ++i) fractions[static_cast<std::size_t>(i)] = unit(rng);

    const auto started = steady::now();
    std::atomic<int> next{0};
    std::mutex m;
    const auto more = [&](int i) {
        if (i < points) return true;
        const std::lock_guard lock(m);
        return i < most && sum.killed < points;
    };
    run_lanes(config.lanes, [&](int lane) {
        const std::string work = "crash_work_" + mode.name + "_" + std::to_string(lane) + ".db";
        for (int i = next++; more(i); i = next++) {
            const double delay = fractions[static_cast<std::size_t>(i)] * sum.t.cpu;
            try {
                kill_point(self, mode, ref, pristine, work, i, points, delay, sum.t.cpu, i % config.full_every == 0,
                           sum, m);
            } catch (const std::exception& e) {  // fork, pipe, copy: the harness itself
                expect(false, "[" + mode.name + "] kill point " + std::to_string(i + 1), e.what());
            }
        }
        remove_database(work);
    });
    sum.sweep_s = ms(steady::now() - started) / 1000.0;
    expect(sum.killed >= points, "[" + mode.name + "] sweep",
           "only " + std::to_string(sum.killed) + " of " + std::to_string(sum.points) +
               " children were killed before they finished");
    return sum;
}

std::string self_path(const char* argv0) {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) return exe.string();
    return fs::absolute(argv0).string();
}

int sweep_main(const std::string& self) {
    const auto started = steady::now();
    sweep_config config;
    config.points = env_int("DRIFTLESS_CRASH_POINTS", config.points, 1);
    config.full_every = env_int("DRIFTLESS_CRASH_FULL_EVERY", config.full_every, 1);
    const int cores = static_cast<int>(std::thread::hardware_concurrency());
    config.lanes = env_int("DRIFTLESS_CRASH_LANES", std::clamp(cores, 1, 2), 1);
    const auto seed = static_cast<std::uint64_t>(
        env_int("DRIFTLESS_CRASH_SEED", static_cast<int>(std::random_device{}() % 1000000), 0));
    std::printf(
        "crash sweep: %d kill points per journal mode, %d at once, full checks also on every %d-th point "
        "identical to V1, seed %llu (DRIFTLESS_CRASH_POINTS, DRIFTLESS_CRASH_LANES, DRIFTLESS_CRASH_FULL_EVERY, "
        "DRIFTLESS_CRASH_SEED); SQLite %s\n",
        config.points, config.lanes, config.full_every, static_cast<unsigned long long>(seed), sqlite3_libversion());
    std::mt19937_64 rng(seed);

    for (const auto& entry : fs::directory_iterator(fs::current_path())) {  // kept by an earlier run
        if (entry.path().filename().string().rfind("crash_failed_", 0) == 0) fs::remove(entry.path());
    }
    reference ref;
    const std::vector<mode_setup> modes = build_pristine(ref);
    if (failures != 0) {
        std::printf("crash sweep: the pristine database failed its checks; no sweep\n");
        return 1;
    }
    std::vector<std::pair<std::string, mode_summary>> summaries;
    for (const mode_setup& mode : modes) summaries.emplace_back(mode.name, sweep_mode(self, mode, ref, config, rng));

    for (const auto& [name, s] : summaries) {
        std::printf(
            "crash sweep [%s]: %d kill points (%d killed, %d finished first): %d ended old, %d ended new, "
            "%d neither; median uncrashed migration %s ms (%s ms CPU = T); journal/WAL present after %d "
            "kills; %d recovered byte-identical to V1; %d fully checked; %s s\n",
            name.c_str(), s.points, s.killed, s.finished, s.ended_old, s.ended_new, s.neither, fixed(s.t.wall).c_str(),
            fixed(s.t.cpu).c_str(), s.side_after_kill, s.identical, s.full, fixed(s.sweep_s).c_str());
        std::printf(
            "crash sweep [%s]: lane time in copies %s s, children %s s, recovery and comparison %s s, full "
            "checks %s s\n",
            name.c_str(), fixed(s.phase_s[0], 1).c_str(), fixed(s.phase_s[1], 1).c_str(),
            fixed(s.phase_s[2], 1).c_str(), fixed(s.phase_s[3], 1).c_str());
    }
    for (const mode_setup& mode : modes) remove_database(mode.pristine);
    const int failed = failures;
    std::printf(
        "crash sweep: %d failure%s%s, %s s in all\n", failed, failed == 1 ? "" : "s",
        failed > failures_printed ? (" (the first " + std::to_string(failures_printed) + " printed)").c_str() : "",
        fixed(ms(steady::now() - started) / 1000.0, 1).c_str());
    return failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 4 && std::string_view(argv[1]) == "--child") return child_main(argv[2], std::atoi(argv[3]));
    try {
        return sweep_main(self_path(argv[0]));
    } catch (const std::exception& e) {
        std::printf("FAIL crash sweep: %s\n", e.what());
        return 2;
    }
}
