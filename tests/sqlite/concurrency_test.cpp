// Many processes call migrate() on one database file at the same instant: all succeed, and each
// migration is applied (and recorded) exactly once. Each replica is a fresh process (fork + exec
// of migrate_worker), as replicas of an application are; SQLite's lock is between processes here.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <driftless/sqlite.hpp>

#include "../support/race.hpp"
#include "concurrency_models.hpp"

#ifndef DRIFTLESS_MIGRATE_WORKER
#error "DRIFTLESS_MIGRATE_WORKER must name the migrate_worker program (tests/CMakeLists.txt sets it)"
#endif

namespace {

std::string one(const driftless::sqlite::connection& db, const std::string& sql) {
    auto st = db.prepare(sql);
    REQUIRE(st.step());
    return st.is_null(0) ? "NULL" : st.text(0);
}

}  // namespace

TEST_CASE("migrate: 16 and 64 processes at once, on an empty database and on one a version behind") {
    for (const int n : {16, 64}) {
        CAPTURE(n);
        const std::string path = "concurrency_test_" + std::to_string(n) + ".db";
        std::filesystem::remove(path);
        CHECK(test_support::race(DRIFTLESS_MIGRATE_WORKER, n, {"migrate", path, "v1"}) == 0);
        {
            auto db = driftless::sqlite::open(path);
            const auto status = driftless::migration_status(db);
            REQUIRE(status.size() == 1);
            CHECK(status[0].description == "v1");
            db.execute("INSERT INTO accounts (id, owner) VALUES (1, 'x'), (2, 'y')");
            db.execute("INSERT INTO entries (id, account_id, amount) VALUES (1, 1, 2.5), (2, 2, -1)");
        }
        CHECK(test_support::race(DRIFTLESS_MIGRATE_WORKER, n, {"migrate", path, "v2"}) == 0);
        auto db = driftless::sqlite::open(path);
        const auto status = driftless::migration_status(db);
        REQUIRE(status.size() == 2);
        CHECK(status[1].description == "v2");
        CHECK(status[1].up_sql.find("_driftless_new_accounts") != std::string::npos);
        CHECK(one(db, "SELECT count(*) FROM accounts") == "2");
        CHECK(one(db, "SELECT count(*) FROM entries") == "2");
        CHECK(one(db, "PRAGMA integrity_check") == "ok");
        CHECK_FALSE(driftless::migrate<conc::AccountV2, conc::Entry>(db, {.verify = true}).applied);
        std::filesystem::remove(path);
    }
}

TEST_CASE("migrate: a lock held by another process: give up within the busy timeout; proceed once it is killed") {
    const std::string path = "lock_holder_test.db";
    std::filesystem::remove(path);
    {
        auto db = driftless::sqlite::open(path);
        driftless::migrate<conc::Account, conc::Entry>(db);
    }
    int out[2];
    REQUIRE(pipe(out) == 0);
    const pid_t holder = fork();
    REQUIRE(holder >= 0);
    if (holder == 0) {
        dup2(out[1], STDOUT_FILENO);
        close(out[0]);
        close(out[1]);
        execl(DRIFTLESS_MIGRATE_WORKER, DRIFTLESS_MIGRATE_WORKER, "hold", path.c_str(), static_cast<char*>(nullptr));
        _exit(4);
    }
    close(out[1]);
    char line[16] = {};
    REQUIRE(read(out[0], line, sizeof line - 1) > 0);  // "locked"
    close(out[0]);
    CHECK(std::string(line).rfind("locked", 0) == 0);

    {
        auto db = driftless::sqlite::open(path, {.busy_timeout_ms = 300});
        const auto start = std::chrono::steady_clock::now();
        try {
            driftless::migrate<conc::AccountV2, conc::Entry>(db);
            FAIL("migrate took a lock that another process holds");
        } catch (const driftless::error& e) {
            CHECK(e.code() == driftless::errc::busy);
            CHECK(std::string(e.what()).rfind("driftless.sqlite.busy: migrate needs the database's write lock", 0) == 0);
        }
        const auto waited = std::chrono::steady_clock::now() - start;
        CHECK(waited >= std::chrono::milliseconds(250));
        CHECK(waited < std::chrono::seconds(5));
        CHECK(driftless::migration_status(db).size() == 1);
    }

    REQUIRE(kill(holder, SIGKILL) == 0);
    int status = 0;
    waitpid(holder, &status, 0);
    CHECK(WIFSIGNALED(status));

    auto db = driftless::sqlite::open(path, {.busy_timeout_ms = 300});
    const auto result = driftless::migrate<conc::AccountV2, conc::Entry>(db);  // no manual repair
    CHECK(result.applied);
    CHECK(one(db, "SELECT count(*) FROM accounts WHERE id = 1000") == "0");  // the holder's write never committed
    CHECK(one(db, "PRAGMA integrity_check") == "ok");
    CHECK(driftless::migration_status(db).size() == 2);
    std::filesystem::remove(path);
}
