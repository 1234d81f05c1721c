// Replicas and locks on PostgreSQL: 16 processes migrating at once apply each migration exactly
// once; a session holding a lock makes migrate give up within lock_timeout x attempts with a clear
// error, and a retry once it is released succeeds.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include <driftless/postgresql.hpp>

#include "../sqlite/concurrency_models.hpp"
#include "../support/race.hpp"
#include "pg_support.hpp"

#ifndef DRIFTLESS_PG_MIGRATE_WORKER
#error "DRIFTLESS_PG_MIGRATE_WORKER must name the pg_migrate_worker program (tests/CMakeLists.txt sets it)"
#endif

using pg_test::one;

TEST_CASE("postgresql migrate: 16 processes at once, on an empty database and on one a version behind") {
    pg_test::scratch_database scratch;
    CHECK(test_support::race(DRIFTLESS_PG_MIGRATE_WORKER, 16, {scratch.url(), "v1"}) == 0);
    auto db = scratch.connect();
    auto status = driftless::migration_status(db);
    REQUIRE(status.size() == 1);
    CHECK(status[0].description == "v1");
    db.execute("INSERT INTO accounts (id, owner) VALUES (1, 'x'), (2, 'y')");
    db.execute("INSERT INTO entries (id, account_id, amount) VALUES (1, 1, 2.5), (2, 2, -1)");
    CHECK(test_support::race(DRIFTLESS_PG_MIGRATE_WORKER, 16, {scratch.url(), "v2"}) == 0);
    status = driftless::migration_status(db);
    REQUIRE(status.size() == 2);
    CHECK(status[1].description == "v2");
    CHECK(one(db, "SELECT count(*) FROM accounts") == "2");
    CHECK(one(db, "SELECT count(*) FROM entries") == "2");
    CHECK_FALSE(driftless::migrate<conc::AccountV2, conc::Entry>(db).applied);
}

namespace {

/// Runs `f`, expecting errc::busy; returns how long it took.
template <class F>
std::chrono::milliseconds busy_after(F&& f) {
    const auto start = std::chrono::steady_clock::now();
    try {
        f();
        FAIL("migrate took a lock that another session holds");
    } catch (const driftless::error& e) {
        CHECK(e.code() == driftless::errc::busy);
        CHECK(std::string(e.what()).find("gave up after 3 attempts of 200 ms each") != std::string::npos);
        CHECK(e.sqlstate() == "55P03");
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

}  // namespace

TEST_CASE("postgresql migrate: a session holding a lock on the table: give up in time, succeed after") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    driftless::migrate<conc::Account, conc::Entry>(db);
    auto holder = scratch.connect();
    holder.execute("BEGIN");
    holder.execute("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE");
    const driftless::migrate_options options{.lock_timeout = std::chrono::milliseconds(200), .lock_retries = 2};
    // Even reading the catalog is fine; the ALTER waits for the table's lock, 3 times 200 ms.
    const auto waited = busy_after([&] { driftless::migrate<conc::AccountV2, conc::Entry>(db, options); });
    CHECK(waited >= std::chrono::milliseconds(600));
    CHECK(waited < std::chrono::seconds(5));
    CHECK_FALSE(db.in_transaction());
    CHECK(driftless::migration_status(db).size() == 1);
    holder.execute("ROLLBACK");
    CHECK(driftless::migrate<conc::AccountV2, conc::Entry>(db, options).applied);
    CHECK(driftless::migration_status(db).size() == 2);
}

TEST_CASE("postgresql migrate: another migration holding the migration lock: give up in time, succeed after") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    auto holder = scratch.connect();
    holder.execute("BEGIN");
    holder.execute("SELECT pg_advisory_xact_lock(" + std::to_string(driftless::postgresql::migration_lock_key) + ")");
    const driftless::migrate_options options{.lock_timeout = std::chrono::milliseconds(200), .lock_retries = 2};
    const auto waited = busy_after([&] { driftless::migrate<conc::Account, conc::Entry>(db, options); });
    CHECK(waited >= std::chrono::milliseconds(600));
    CHECK(one(db, "SELECT to_regclass('_driftless_migrations') IS NULL") == "t");  // created only under the lock
    // A dry run takes the lock too: it reads a catalog no migration is changing.
    busy_after([&] { driftless::plan<conc::Account, conc::Entry>(db, options); });
    holder.execute("COMMIT");
    CHECK(driftless::migrate<conc::Account, conc::Entry>(db, options).applied);
}
