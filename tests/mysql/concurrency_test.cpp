// 16 processes migrating one MariaDB database at once, on an empty database and on one a version
// behind: all succeed, each migration applied and recorded once. A process killed (SIGKILL)
// before or while a statement runs: the next one finishes the migration without repair.
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <string>

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
