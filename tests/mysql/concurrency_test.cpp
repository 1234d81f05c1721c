// 16 processes migrating one MariaDB database at once, on an empty database and on one a version
// behind: all succeed, each migration applied and recorded once. A process killed (SIGKILL)
// before or while a statement runs: the next one finishes the migration without repair.
#include <doctest/doctest.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>

#include <driftless/mysql.hpp>

#include "../sqlite/concurrency_models.hpp"
#include "../support/race.hpp"
#include "my_support.hpp"

#ifndef DRIFTLESS_MY_MIGRATE_WORKER
#error "DRIFTLESS_MY_MIGRATE_WORKER must name the my_migrate_worker program (tests/CMakeLists.txt sets it)"
#endif

TEST_CASE("mysql migrate: 16 processes at once, on an empty database and on one a version behind") {
    my_test::scratch_database scratch;
    CHECK(test_support::race(DRIFTLESS_MY_MIGRATE_WORKER, 16, {scratch.url(), "v1"}) == 0);
    auto db = scratch.connect();
    auto status = driftless::migration_status(db);
    REQUIRE(status.size() == 1);
    CHECK(status[0].description == "v1");
    db.execute("INSERT INTO accounts (id, owner) VALUES (1, 'x'), (2, 'y')");
    db.execute("INSERT INTO entries (id, account_id, amount) VALUES (1, 1, 2.5), (2, 2, -1)");
    CHECK(test_support::race(DRIFTLESS_MY_MIGRATE_WORKER, 16, {scratch.url(), "v2"}) == 0);
    status = driftless::migration_status(db);
    REQUIRE(status.size() == 2);
    CHECK(status[1].description == "v2");
    CHECK(status[1].state == "applied");
    CHECK(my_test::one(db, "SELECT count(*) FROM accounts") == "2");
    CHECK(my_test::one(db, "SELECT count(*) FROM entries") == "2");
    CHECK_FALSE(driftless::migrate<conc::AccountV2, conc::Entry>(db).applied);
}

TEST_CASE("mysql migrate: killed before or during each step k, the next process finishes without repair") {
    constexpr int rows = 20000;
    std::size_t steps = 0;
    std::string target;
    {
        my_test::scratch_database clean;
        auto db = clean.connect();
        driftless::migrate<conc::Account, conc::Entry>(db);
        steps = driftless::plan<conc::AccountV2, conc::Entry>(db).statements.size();
        driftless::migrate<conc::AccountV2, conc::Entry>(db);
        target = my_test::schema_text(db);
    }
    REQUIRE(steps >= 3);
    for (std::size_t k = 0; k < steps; ++k) {
        for (const std::string& kill : {"kill-before=" + std::to_string(k), "kill-during=" + std::to_string(k) + ":15"}) {
            CAPTURE(kill);
            my_test::scratch_database scratch;
            CHECK(test_support::race(DRIFTLESS_MY_MIGRATE_WORKER, 1, {scratch.url(), "v1"}) == 0);
            auto db = scratch.connect();
            db.execute("SET SESSION max_recursive_iterations = 1000000");
            db.execute("INSERT INTO accounts (id, owner) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
                       std::to_string(rows) + ") SELECT i, concat('owner ', i) FROM n");
            const int killed = test_support::race(DRIFTLESS_MY_MIGRATE_WORKER, 1, {scratch.url(), "v2", kill});
            auto status = driftless::migration_status(db);
            REQUIRE(status.size() == 2);
            if (kill.rfind("kill-before", 0) == 0) {  // killed before step k ran: exactly k recorded, none beyond
                CHECK(killed == 1);
                CHECK(status[1].state == "started");
                CHECK(status[1].statements_done == static_cast<std::int64_t>(k));
            } else if (killed == 0) {  // finished before the kill: then it is recorded applied
                CHECK(status[1].state == "applied");
            } else {  // step k (or a later one) may or may not have taken effect; not applied before the last ran
                CHECK((status[1].state != "applied" || status[1].statements_done == static_cast<std::int64_t>(steps)));
            }
            if (status[1].state != "applied") {  // how many steps took effect beyond those recorded (timing decides)
                const auto left = driftless::plan<conc::AccountV2, conc::Entry>(db).statements.size();
                MESSAGE("after " << kill << ": " << status[1].statements_done << " recorded, " << (steps - left) << " in effect");
            }
            CHECK(test_support::race(DRIFTLESS_MY_MIGRATE_WORKER, 1, {scratch.url(), "v2"}) == 0);
            status = driftless::migration_status(db);
            REQUIRE(status.size() == 2);
            CHECK(status[1].state == "applied");
            CHECK(status[1].statements_done == static_cast<std::int64_t>(steps));
            CHECK(my_test::schema_text(db) == target);
            CHECK(my_test::one(db, "SELECT count(*) FROM accounts") == std::to_string(rows));
        }
    }
}

TEST_CASE("mysql migrate: a plain server keeps GET_LOCK; the lease forced there excludes 16 processes too") {
    my_test::scratch_database scratch;
    {
        auto db = scratch.connect();
        driftless::migrate<conc::Account, conc::Entry>(db);
        CHECK(my_test::one(db, "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND "
                               "TABLE_NAME = '_driftless_lease'") == "0");
    }
    my_test::scratch_database leased;
    const std::string url = leased.url() + "&lock=lease";
    CHECK(driftless::mysql::connect(url).options().lock == driftless::mysql::lock_method::lease);
    CHECK(test_support::race(DRIFTLESS_MY_MIGRATE_WORKER, 16, {url, "v1"}) == 0);
    auto db = leased.connect();
    CHECK(driftless::migration_status(db).size() == 1);
    CHECK(test_support::race(DRIFTLESS_MY_MIGRATE_WORKER, 16, {url, "v2"}) == 0);
    const auto status = driftless::migration_status(db);
    REQUIRE(status.size() == 2);
    CHECK(status[1].state == "applied");
    CHECK(my_test::one(db, "SELECT count(*) FROM _driftless_lease") == "0");  // released
    CHECK_THROWS_WITH_AS(driftless::mysql::connect(leased.url() + "&lock=advisory"), doctest::Contains("lock"),
                         driftless::error);

    // The lease needs a session of its own and a database; it must last.
    const auto v2 = [](const driftless::mysql::connection& c) { return driftless::migrate<conc::AccountV2, conc::Entry>(c); };
    auto borrowed = driftless::mysql::borrow(db.handle(), {.lock = driftless::mysql::lock_method::lease});
    CHECK_THROWS_WITH_AS(v2(borrowed), doctest::Contains("lease_session"),
                         driftless::error);
    const std::string server = my_test::server_url();
    auto nowhere = driftless::mysql::connect(server + (server.find('?') == std::string::npos ? "?" : "&") + "lock=lease");
    CHECK_THROWS_WITH_AS(v2(nowhere), doctest::Contains("no_database"),
                         driftless::error);
    auto instant = driftless::mysql::connect(leased.url(), {.lock = driftless::mysql::lock_method::lease,
                                                            .lease_duration = std::chrono::seconds(0)});
    CHECK_THROWS_WITH_AS(v2(instant), doctest::Contains("lease_duration"),
                         driftless::error);
    CHECK(driftless::migration_status(db).size() == 2);
}

TEST_CASE("mysql migrate: a lease lost mid-run stops before the next statement or record, busy, never dirty") {
    my_test::scratch_database scratch;
    auto setup = scratch.connect();
    driftless::migrate<conc::Account, conc::Entry>(setup);
    const std::size_t steps = driftless::plan<conc::AccountV2, conc::Entry>(setup).statements.size();
    REQUIRE(steps >= 2);
    auto db = driftless::mysql::connect(scratch.url() + "&lock=lease&lease_duration=3");
    driftless::migrate_options options;
    // As statement 1 starts, another process takes the lease over (as after an expiry) and this
    // one's next renewal is due: the run must stop at its next check, leaving the history as far
    // as it got.
    options.observer = [&](const driftless::statement_event& e) {
        if (e.at != driftless::statement_event::phase::started || e.index != 0) return;
        setup.execute("UPDATE _driftless_lease SET owner = 'thief', expires_at = UTC_TIMESTAMP(6) + INTERVAL 1 HOUR");
        std::this_thread::sleep_for(std::chrono::milliseconds(600));  // past a sixth of the lease: the next check renews
    };
    try {
        driftless::migrate<conc::AccountV2, conc::Entry>(db, options);
        FAIL("the run went on without the lease");
    } catch (const driftless::error& e) {
        CHECK(e.code() == driftless::errc::busy);
        CHECK(e.id() == "driftless.mysql.lease_lost");
    }
    auto status = driftless::migration_status(setup);
    REQUIRE(status.size() == 2);
    CHECK(status[1].state == "started");  // not dirty: another process may be finishing it
    CHECK(status[1].statements_done == 0);  // step 1 ran, its record did not
    CHECK(my_test::one(setup, "SELECT owner FROM _driftless_lease") == "thief");  // the thief's row is left alone
    // The thief went away: its lease expires; the next run resumes after step 1 and finishes.
    setup.execute("UPDATE _driftless_lease SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND");
    CHECK(driftless::migrate<conc::AccountV2, conc::Entry>(db).applied);
    status = driftless::migration_status(setup);
    REQUIRE(status.size() == 2);
    CHECK(status[1].state == "applied");
    CHECK(status[1].statements_done == static_cast<std::int64_t>(steps));
}
