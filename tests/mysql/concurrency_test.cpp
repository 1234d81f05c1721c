// 16 processes migrating one MariaDB database at once, on an empty database and on one a version
// behind: all succeed, each migration applied and recorded once.
#include <doctest/doctest.h>

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
