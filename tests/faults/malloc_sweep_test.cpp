// docs/reliability.md, test 2, second half: the allocation-failure sweep.
//
// SQLite's allocator is wrapped (fault_malloc.hpp) so that the Nth allocation (xMalloc or
// xRealloc, counted together) made during migrate<ItemV2, Tag> returns NULL: "once" only that one,
// "forever" that one and every later one until migrate returns. The connection runs without
// lookaside, so SQLite's small allocations reach the allocator too. Same checks as the I/O sweep;
// in "forever" mode the state of the connection right after migrate (foreign_keys, open
// transaction) is only counted, not required: with no memory at all migrate cannot even run its
// ROLLBACK. The database itself must be old or new in both modes.
//
// A clean migrate makes about 5,000 allocations here (the test prints the count), and one fault
// point costs several milliseconds, so not every N is tried: every N over the first kDenseHead
// allocations (fast path, lock, tracking tables, first planning, the foreign_keys switch, most
// of the second planning), every N over the last kDenseTail (history row, COMMIT, restoring
// foreign_keys), and in between N grows by clean / kStepDivisor + k % 7 (k counts the points),
// which lands on the rebuild's statements about every 25 allocations. Both connections
// of a fault point run with synchronous = OFF: allocation faults do not depend on fsync, and
// fsync would otherwise dominate the running time.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "fault_malloc.hpp"
#include "sweep.hpp"

namespace {

using faults::fault_mode;

constexpr std::int64_t kDenseHead = 1800;
constexpr std::int64_t kDenseTail = 400;
constexpr std::int64_t kStepDivisor = 200;

/// Opens the work file with the default VFS and no lookaside.
sqlite3* open_work(const faults::fixture& fx) {
    sqlite3* raw = nullptr;
    const int opened = sqlite3_open_v2(fx.work.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
    REQUIRE_MESSAGE(opened == SQLITE_OK, sqlite3_errstr(opened));
    sqlite3_extended_result_codes(raw, 1);
    REQUIRE(sqlite3_db_config(raw, SQLITE_DBCONFIG_LOOKASIDE, nullptr, 0, 0) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, "PRAGMA foreign_keys = ON; PRAGMA synchronous = OFF", nullptr, nullptr, nullptr) ==
            SQLITE_OK);
    return raw;
}

/// How many allocations a clean migrate makes.
std::int64_t count_allocations(const faults::fixture& fx) {
    faults::reset_work_file(fx);
    sqlite3* raw = open_work(fx);
    auto& injector = faults::alloc_faults();
    injector.arm(fault_mode::once, INT64_MAX);
    {
        const auto db = driftless::sqlite::borrow(raw);
        REQUIRE(faults::migrate_v2(db).applied);
    }
    const std::int64_t calls = injector.calls;
    injector.disarm();
    REQUIRE(sqlite3_close(raw) == SQLITE_OK);
    return calls;
}

faults::sweep_summary malloc_sweep(const faults::fixture& fx, fault_mode mode, std::int64_t clean) {
    faults::sweep_summary summary;
    summary.label = "allocation " + fx.name + " journal, " + faults::to_string(mode);
    auto& injector = faults::alloc_faults();
    const std::int64_t tail = std::max<std::int64_t>(kDenseHead, clean - kDenseTail);
    const std::int64_t step = std::max<std::int64_t>(1, clean / kStepDivisor);
    const std::int64_t only = faults::only_point();
    std::int64_t n = only != 0 ? only : 1;
    for (std::int64_t k = 0;; ++k) {
        INFO(summary.label << ", N = " << n);
        REQUIRE(k < 100000);
        faults::reset_work_file(fx);
        sqlite3* raw = open_work(fx);

        injector.arm(mode, n);
        faults::attempt a;
        {
            const auto db = driftless::sqlite::borrow(raw);
            a = faults::run_migrate(db, summary);
        }
        const bool injected = injector.injected != 0;
        const std::int64_t calls = injector.calls;
        injector.disarm();
        INFO("migrate: " << (a.returned ? "returned" : a.threw ? a.what + " [in: " + a.statement + "]" : "threw something else"));
        faults::check_connection(raw, mode == fault_mode::once, summary);
        faults::close_connection(raw, summary);

        if (a.returned) CHECK(a.applied);
        if (a.threw) CHECK_MESSAGE(injected, "migrate failed without an injected fault");
        if (injected) {
            ++summary.points;
            if (n > kDenseHead && n < tail) ++summary.step_points;
            if (a.threw) ++summary.errors;
            if (a.returned) ++summary.returned;
        }
        const int which = faults::verify_and_retry(fx, a, true);
        faults::trace_point(summary, n, calls, a, which);
        if (injected && which == 1) ++summary.ended_old;
        if (injected && which == 2) ++summary.ended_new;
        if (!injected) {
            CHECK(a.returned);
            summary.clean_calls = calls;
        }
        if (!injected || only != 0) break;
        n = n < kDenseHead || n >= tail ? n + 1 : std::min(tail, n + step + k % 7);
    }
    return summary;
}

}  // namespace

TEST_CASE("faults: allocation failures during a rebuild") {
    const faults::malloc_fault_scope scope;  // SQLite re-initialised with the failing allocator
    for (const faults::journal j : {faults::journal::delete_mode, faults::journal::wal}) {
        const auto started = std::chrono::steady_clock::now();
        const faults::fixture fx = faults::make_fixture(j);
        const std::int64_t clean = count_allocations(fx);
        MESSAGE("a clean migrate makes " << clean << " allocations (" << fx.name << " journal)");
        for (const fault_mode mode : {fault_mode::once, fault_mode::forever}) {
            const auto summary = malloc_sweep(fx, mode, clean);
            MESSAGE(summary.report());
            if (faults::only_point() != 0) continue;
            CHECK(summary.points > 1000);
            CHECK(summary.ended_old > 0);
        }
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        MESSAGE("allocation sweep, " << fx.name << " journal: " << ms.count() << " ms");
    }
}
