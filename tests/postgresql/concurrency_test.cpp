// Replicas and locks on PostgreSQL: 16 processes migrating at once apply each migration exactly
// once; a session holding a lock makes migrate give up within lock_timeout x attempts with a clear
// error, and a retry once it is released succeeds.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <driftless/postgresql.hpp>

#include "../sqlite/concurrency_models.hpp"
#include "../support/race.hpp"
#include "pg_support.hpp"

#ifndef DRIFTLESS_PG_MIGRATE_WORKER
#error "DRIFTLESS_PG_MIGRATE_WORKER must name the pg_migrate_worker program (tests/CMakeLists.txt sets it)"
#endif

using pg_test::one;

namespace {

/// 16 replicas migrate an empty database to v1, then 16 more to v2: every one succeeds, and each
/// version is applied and recorded once.
void sixteen_replicas(bool lease) {
    pg_test::scratch_database scratch;
    const auto args = [&](const char* version) {
        std::vector<std::string> out{scratch.url(), version};
        if (lease) out.emplace_back("lease");
        return out;
    };
    CHECK(test_support::race(DRIFTLESS_PG_MIGRATE_WORKER, 16, args("v1")) == 0);
    auto db = scratch.connect();
    auto status = driftless::migration_status(db);
    REQUIRE(status.size() == 1);
    CHECK(status[0].description == "v1");
    db.execute("INSERT INTO accounts (id, owner) VALUES (1, 'x'), (2, 'y')");
    db.execute("INSERT INTO entries (id, account_id, amount) VALUES (1, 1, 2.5), (2, 2, -1)");
    CHECK(test_support::race(DRIFTLESS_PG_MIGRATE_WORKER, 16, args("v2")) == 0);
    status = driftless::migration_status(db);
    REQUIRE(status.size() == 2);
    CHECK(status[1].description == "v2");
    CHECK(one(db, "SELECT count(*) FROM accounts") == "2");
    CHECK(one(db, "SELECT count(*) FROM entries") == "2");
    CHECK_FALSE(driftless::migrate<conc::AccountV2, conc::Entry>(db).applied);
    // The advisory lock leaves no table behind; the lease leaves its table, empty once released.
    if (lease) {
        CHECK(one(db, "SELECT count(*) FROM _driftless_lease") == "0");
    } else {
        CHECK(one(db, "SELECT to_regclass('_driftless_lease') IS NULL") == "t");
    }
}

}  // namespace

TEST_CASE("postgresql migrate: 16 processes at once under the advisory lock, empty and a version behind") {
    sixteen_replicas(false);
}

TEST_CASE("postgresql migrate: 16 processes at once under the lease (forced on PostgreSQL)") { sixteen_replicas(true); }

TEST_CASE("postgresql lease: a dead holder's expired lease is taken over; a live one makes migrate give up") {
    pg_test::scratch_database scratch;
    const auto db = scratch.connect({.lock = driftless::postgresql::lock_method::lease, .lease_duration = std::chrono::seconds(2)});
    CHECK(driftless::migrate<conc::Account, conc::Entry>(db).applied);
    auto admin = scratch.connect();
    // A holder that died a while ago.
    admin.execute("INSERT INTO _driftless_lease (id, owner, expires_at) VALUES (1, 'gone', now() - interval '1 second')");
    CHECK(driftless::migrate<conc::AccountV2, conc::Entry>(db).applied);
    CHECK(one(admin, "SELECT count(*) FROM _driftless_lease") == "0");
    // A holder that is alive: give up within the wait, with who holds it.
    admin.execute("INSERT INTO _driftless_lease (id, owner, expires_at) VALUES (1, 'other host', now() + interval '1 hour')");
    const auto start = std::chrono::steady_clock::now();
    try {
        driftless::rollback<conc::AccountV2>(db, {.allow_data_loss = true, .lock_timeout = std::chrono::milliseconds(200),
                                                  .lock_retries = 1});
        FAIL("rollback ran while another process held the lease");
    } catch (const driftless::error& e) {
        CHECK(e.code() == driftless::errc::busy);
        CHECK(std::string(e.what()).find("the migration lease is held by other host until") != std::string::npos);
    }
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    CHECK_FALSE(driftless::migration_status(db).back().rolled_back());
    admin.execute("DELETE FROM _driftless_lease");
    CHECK(driftless::rollback<conc::AccountV2>(db, {.allow_data_loss = true}) == 2);
}

TEST_CASE("postgresql lease: renewed while a migration runs longer than the lease") {
    pg_test::scratch_database scratch;
    const auto db = scratch.connect({.lock = driftless::postgresql::lock_method::lease, .lease_duration = std::chrono::seconds(1)});
    driftless::migrate<conc::Account, conc::Entry>(db);
    auto admin = scratch.connect();
    // The ALTER waits 2.5 s for a table lock that admin holds: the lease (1 s) must be renewed meanwhile.
    admin.execute("BEGIN");
    admin.execute("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE");
    std::thread release([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(2500));
        admin.execute("COMMIT");
    });
    const auto watcher = scratch.connect();
    CHECK(driftless::migrate<conc::AccountV2, conc::Entry>(db, {.lock_timeout = std::chrono::seconds(10)}).applied);
    release.join();
    CHECK(one(watcher, "SELECT count(*) FROM _driftless_lease") == "0");
    CHECK(driftless::migration_status(db).size() == 2);
}

TEST_CASE("postgresql: engines from version(), and the advisory lock probe on real PostgreSQL") {
    using driftless::postgresql::engine;
    using driftless::postgresql::engine_of;
    CHECK(engine_of("PostgreSQL 15.5 (Debian 15.5-0+deb12u1) on x86_64-pc-linux-gnu") == engine::postgresql);
    CHECK(engine_of("PostgreSQL 11.2-YB-2.20.1.0-b0 on x86_64-pc-linux-gnu, compiled by clang") == engine::yugabytedb);
    CHECK(engine_of("CockroachDB CCL v23.1.11 (x86_64-pc-linux-gnu, built 2023/09/27)") == engine::cockroachdb);
    CHECK(engine_of("something else") == engine::other);
    pg_test::scratch_database scratch;
    const auto db = scratch.connect();
    CHECK(db.server_engine() == engine::postgresql);
    CHECK(driftless::postgresql::detail::probe_advisory_lock(db));
    CHECK_FALSE(db.in_transaction());
    CHECK_FALSE(driftless::postgresql::detail::uses_lease(db));
    // The connection string of a session rebuilt from the handle reaches the same database.
    const auto twin = driftless::postgresql::connect(db.conninfo());
    CHECK(one(twin, "SELECT current_database()") == scratch.name());
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
