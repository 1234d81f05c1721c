// docs/reliability.md, test 2, first half: the I/O-error sweep.
//
// For N = 1, 2, ... the test VFS (fault_vfs.hpp) fails the Nth xWrite/xSync/xTruncate call,
// counted together over every file, from the start of migrate<ItemV2, Tag> until the connection
// is closed; "once" fails only that call, "forever" that call and every later one (a disk that
// died). The sweep stops at the first N at which nothing was injected: the migration and the
// close then ran clean. At every N: migrate returns (then V2 must be durable) or throws
// driftless::error, nothing else; the connection has foreign_keys back on, no transaction and no
// statement left; it closes. Reopened normally (hot-journal / WAL recovery runs): integrity_check
// is ok, the state is exactly V1 or exactly V2 (schema, every row, the view, history and
// fast-path record), and a retry of migrate ends at V2 with every row.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include <driftless/sqlite.hpp>

#include "fault_vfs.hpp"
#include "sweep.hpp"

namespace {

using faults::fault_mode;

faults::sweep_summary io_sweep(const faults::fixture& fx, fault_mode mode) {
    faults::sweep_summary summary;
    summary.label = "I/O " + fx.name + " journal, " + faults::to_string(mode);
    const char* vfs = faults::fault_vfs_name();
    faults::io_fault_state& injector = faults::io_faults();
    const std::int64_t only = faults::only_point();
    for (std::int64_t n = only != 0 ? only : 1;; ++n) {
        INFO(summary.label << ", N = " << n);
        REQUIRE(n < 100000);  // a runaway sweep is a bug of the test
        faults::reset_work_file(fx);
        sqlite3* raw = nullptr;
        const int opened = sqlite3_open_v2(fx.work.c_str(), &raw, SQLITE_OPEN_READWRITE, vfs);
        REQUIRE_MESSAGE(opened == SQLITE_OK, sqlite3_errstr(opened));
        sqlite3_extended_result_codes(raw, 1);
        REQUIRE(sqlite3_exec(raw, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr) == SQLITE_OK);

        injector.arm(mode, n);
        faults::attempt a;
        {
            const auto db = driftless::sqlite::borrow(raw);
            a = faults::run_migrate(db, summary);
        }
        INFO("migrate: " << (a.returned ? "returned" : a.threw ? a.what + " [in: " + a.statement + "]" : "threw something else"));
        injector.paused = true;  // looking at the connection writes nothing, but must not count
        faults::check_connection(raw, true, summary);
        injector.paused = false;
        faults::close_connection(raw, summary);  // still under faults: a WAL checkpoint may fail
        const bool injected = injector.injected != 0;
        const std::int64_t calls = injector.calls;
        injector.disarm();

        if (a.returned) CHECK(a.applied);
        if (a.threw) CHECK_MESSAGE(injected, "migrate failed without an injected fault");
        if (injected) {
            ++summary.points;
            ++summary.failed_calls[injector.first_failed];
            if (a.threw) ++summary.errors;
            if (a.returned) ++summary.returned;
        }
        const int which = faults::verify_and_retry(fx, a);
        faults::trace_point(summary, n, calls, a, which);
        if (injected && which == 1) ++summary.ended_old;
        if (injected && which == 2) ++summary.ended_new;
        if (!injected) {
            CHECK(a.returned);
            summary.clean_calls = calls;
        }
        if (!injected || only != 0) break;
    }
    return summary;
}

void run_both_modes(faults::journal j) {
    const auto started = std::chrono::steady_clock::now();
    const faults::fixture fx = faults::make_fixture(j);
    for (const fault_mode mode : {fault_mode::once, fault_mode::forever}) {
        const auto summary = io_sweep(fx, mode);
        MESSAGE(summary.report());
        if (faults::only_point() != 0) continue;
        CHECK(summary.points > 10);  // the sweep really reached the rebuild
        CHECK(summary.ended_old > 0);
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    MESSAGE("I/O sweep, " << fx.name << " journal: " << ms.count() << " ms");
}

}  // namespace

TEST_CASE("faults: I/O errors during a rebuild, DELETE journal") { run_both_modes(faults::journal::delete_mode); }

TEST_CASE("faults: I/O errors during a rebuild, WAL journal") { run_both_modes(faults::journal::wal); }

TEST_CASE("faults: a disk that fails while a migration file runs or commits: the error names the file, nothing is kept") {
    for (const char* journal : {"DELETE", "WAL"}) {
        CAPTURE(journal);
        const std::filesystem::path dir = std::filesystem::absolute(std::string("disk_full_file_") + journal);
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        std::ofstream(dir / "0001_base.sql") << "CREATE TABLE base (id INTEGER PRIMARY KEY);\n";
        std::ofstream(dir / "0002_fill.sql") << "CREATE TABLE fill (id INTEGER PRIMARY KEY, body TEXT);\n"
                                                "INSERT INTO fill (body) VALUES ('x');\n";
        const std::string path = (dir / "app.db").string();
        {
            auto db = driftless::sqlite::open(path);
            db.execute(std::string("PRAGMA journal_mode = ") + journal);
            driftless::apply_migration_file(db, dir / "0001_base.sql");
        }
        sqlite3* raw = nullptr;
        REQUIRE(sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, faults::fault_vfs_name()) == SQLITE_OK);
        faults::io_faults().arm(faults::fault_mode::forever, 1);  // every write from the first: the disk is full
        std::string what;
        {
            const auto db = driftless::sqlite::borrow(raw);
            try {
                driftless::apply_migration_file(db, dir / "0002_fill.sql");
            } catch (const driftless::error& e) {
                what = e.what();
            }
        }
        const bool injected = faults::io_faults().injected != 0;
        faults::io_faults().disarm();
        CHECK(sqlite3_close(raw) == SQLITE_OK);
        CAPTURE(what);
        CHECK(injected);
        CHECK(what.find("0002_fill.sql") != std::string::npos);
        auto db = driftless::sqlite::open(path, {.create = false});
        auto st = db.prepare("SELECT (SELECT count(*) FROM sqlite_schema WHERE name = 'fill'), (SELECT count(*) FROM _driftless_migrations)");
        REQUIRE(st.step());
        CHECK(st.integer(0) == 0);
        CHECK(st.integer(1) == 1);
    }
}
