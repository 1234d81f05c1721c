// migrate<Ts...>() on MariaDB: every shared model twice plans nothing; golden ALTER statements;
// a run stopped after each step k leaves a precise dirty state that the next run resumes, or
// reports when the database changed meanwhile; lossy steps refused with counts; GET_LOCK held
// by another session makes migrate give up in time.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <driftless/mysql.hpp>

#include "../models/models.hpp"
#include "../fuzz/fragment_property.hpp"
#include "../fuzz/fragment_seeds.hpp"
#include "my_support.hpp"

namespace mymig {
struct User {
    std::int64_t id;
    std::string email;
    std::optional<std::int32_t> age;
    std::string nick;
};
struct UserV2 {  // age renamed to years, nick dropped, bio added, email bounded, an index, karma with a default
    std::int64_t id;
    std::string email;
    std::optional<std::int32_t> years;
    std::optional<std::string> bio;
    std::int32_t karma;
};
struct UserUnique {  // karma with a default, and email unique
    std::int64_t id;
    std::string email;
    std::optional<std::int32_t> age;
    std::string nick;
    std::int32_t karma;
};
struct UserKarma {  // karma with a default, no unique key
    std::int64_t id;
    std::string email;
    std::optional<std::int32_t> age;
    std::string nick;
    std::int32_t karma;
};
struct Note {
    std::int64_t id;
    std::int64_t user_id;
    std::string text;
};
}  // namespace mymig

template <> inline constexpr auto driftless::customize::table<mymig::User> = driftless::table<mymig::User>("users");
template <>
inline constexpr auto driftless::customize::table<mymig::UserV2> =
    driftless::table<mymig::UserV2>("users")
        .renamed(&mymig::UserV2::years, "age")
        .length(&mymig::UserV2::email, 320)
        .default_value(&mymig::UserV2::karma, 0)
        .index("users_by_years", &mymig::UserV2::years);
template <>
inline constexpr auto driftless::customize::table<mymig::UserUnique> =
    driftless::table<mymig::UserUnique>("users")
        .length(&mymig::UserUnique::email, 255)
        .default_value(&mymig::UserUnique::karma, 0)
        .unique(&mymig::UserUnique::email);
template <>
inline constexpr auto driftless::customize::table<mymig::UserKarma> =
    driftless::table<mymig::UserKarma>("users").length(&mymig::UserKarma::email, 255).default_value(&mymig::UserKarma::karma, 0);
template <>
inline constexpr auto driftless::customize::table<mymig::Note> =
    driftless::table<mymig::Note>("notes").foreign_key(&mymig::Note::user_id, &mymig::User::id,
                                                       {.on_delete = driftless::fk_action::cascade});

using my_test::one;
using my_test::schema_text;

TEST_CASE("mysql migrate: every shared model, twice: the second run plans nothing") {
    my_test::scratch_database scratch;
    auto db = scratch.connect();
    namespace m = pfr_models;
    // AuditLog has a unique partial index, which MySQL cannot express (refused when rendering).
    CHECK_THROWS_WITH_AS(driftless::migrate<m::AuditLog>(db), doctest::Contains("MySQL has no partial indexes"), driftless::error);
    // A plan writes nothing, not even the tracking tables (CREATE TABLE would commit).
    CHECK_FALSE(driftless::plan<m::User, m::Group>(db).statements.empty());
    CHECK(one(db, "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()") == "0");
    const auto first = driftless::migrate<m::User, m::Group, m::AllTypes, m::Membership, m::Post, m::OrderLine, m::Event,
                                          m::Setting, m::Account, m::Employee, m::Document, m::Odd>(db);
    CHECK(first.applied);
    CHECK(driftless::migration_status(db).at(0).state == "applied");
    const auto second = driftless::plan<m::User, m::Group, m::AllTypes, m::Membership, m::Post, m::OrderLine, m::Event,
                                        m::Setting, m::Account, m::Employee, m::Document, m::Odd>(db);
    CHECK(driftless::describe(second.plan) == "");
}

TEST_CASE("mysql migrate: golden ALTER statements, rows kept, lossy steps refused with counts") {
    my_test::scratch_database scratch;
    auto db = scratch.connect();
    CHECK(driftless::migrate<mymig::User, mymig::Note>(db).applied);
    db.execute("INSERT INTO users VALUES (1, 'a@x', 30, 'a'), (2, 'b@x', NULL, 'b')");
    CHECK_THROWS_WITH_AS((driftless::migrate<mymig::UserV2, mymig::Note>(db)),
                         doctest::Contains("dropping column users.nick would discard 2 non-null values"), driftless::error);
    const auto planned = driftless::plan<mymig::UserV2, mymig::Note>(db);
    CHECK(driftless::join_statements(planned.statements) ==
          "ALTER TABLE `users` RENAME COLUMN `age` TO `years`;\n"
          "ALTER TABLE `users` DROP COLUMN `nick`;\n"
          "ALTER TABLE `users` ADD COLUMN `bio` VARCHAR(255) NULL, ALGORITHM=INSTANT;\n"
          "ALTER TABLE `users` ADD COLUMN `karma` INT NOT NULL DEFAULT 0, ALGORITHM=INSTANT;\n"
          "ALTER TABLE `users` MODIFY COLUMN `email` VARCHAR(320) NOT NULL;\n"
          "CREATE INDEX `users_by_years` ON `users` (`years`);\n");
    const auto r = driftless::migrate<mymig::UserV2, mymig::Note>(db, {.allow_data_loss = true});
    CHECK(r.applied);
    CHECK(one(db, "SELECT group_concat(concat(id, email, coalesce(years, '-'), karma) ORDER BY id) FROM users") == "1a@x300,2b@x-0");
    CHECK(driftless::plan<mymig::UserV2, mymig::Note>(db).plan.empty());
    const auto status = driftless::migration_status(db);
    REQUIRE(status.size() == 2);
    CHECK(status[1].state == "applied");
    CHECK(status[1].statements_done == 6);
}

TEST_CASE("mysql migrate: stopped after each step k, the next run resumes at k+1; never re-runs, never records success early") {
    my_test::scratch_database clean_db;
    auto clean = clean_db.connect();
    driftless::migrate<mymig::User, mymig::Note>(clean);
    driftless::migrate<mymig::UserV2, mymig::Note>(clean, {.allow_data_loss = true});
    const std::string target = schema_text(clean);
    for (std::size_t k = 0; k < 6; ++k) {
        CAPTURE(k);
        my_test::scratch_database scratch;
        auto db = scratch.connect();
        driftless::migrate<mymig::User, mymig::Note>(db);
        db.execute("INSERT INTO users VALUES (1, 'a@x', 30, 'a')");
        {
            CHECK_THROWS_WITH_AS((driftless::migrate<mymig::UserV2, mymig::Note>(db, my_test::stop_before(k, {.allow_data_loss = true}))),
                                 doctest::Contains("stopped before step"), driftless::error);
        }
        auto status = driftless::migration_status(db);
        REQUIRE(status.size() == 2);
        CHECK(status[1].state == "started");
        CHECK(status[1].statements_done == static_cast<std::int64_t>(k));
        if (k <= 1) {  // the drop of nick (step 2) is still ahead: resuming needs this run's permission too
            CHECK_THROWS_WITH_AS((driftless::migrate<mymig::UserV2, mymig::Note>(db)), doctest::Contains("would discard 1 non-null"),
                                 driftless::error);
        }
        const auto resumed = driftless::migrate<mymig::UserV2, mymig::Note>(db, {.allow_data_loss = true});
        CHECK(resumed.applied);
        CHECK(resumed.version == 2);
        CHECK(resumed.statements.size() == 6 - k);
        status = driftless::migration_status(db);
        REQUIRE(status.size() == 2);
        CHECK(status[1].state == "applied");
        CHECK(status[1].statements_done == 6);
        CHECK(schema_text(db) == target);
        CHECK(one(db, "SELECT concat(email, years) FROM users") == "a@x30");
    }
}

TEST_CASE("mysql migrate: a failed step is recorded dirty; a database changed meanwhile is reported, not guessed") {
    my_test::scratch_database scratch;
    auto db = scratch.connect();
    driftless::migrate<mymig::User>(db);
    db.execute("INSERT INTO users VALUES (1, 'same', 1, 'a'), (2, 'same', 2, 'b')");
    // Step 1 adds karma, step 2 the unique key on email, which the duplicates break.
    CHECK_THROWS_WITH_AS(driftless::migrate<mymig::UserUnique>(db),
                         doctest::Contains("stopped at step 2 of 2 (1 applied before it"), driftless::error);
    auto status = driftless::migration_status(db);
    REQUIRE(status.size() == 2);
    CHECK(status[1].state == "dirty");
    CHECK(status[1].statements_done == 1);
    CHECK(one(db, "SELECT count(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND COLUMN_NAME = 'karma'") == "1");
    // A column added by hand meanwhile: what is left is no longer the recorded rest; report, change nothing.
    db.execute("ALTER TABLE users ADD COLUMN stray INT");
    const std::string before = schema_text(db);
    CHECK_THROWS_WITH_AS(driftless::migrate<mymig::UserUnique>(db), doctest::Contains("is dirty at step 2 of 2"), driftless::error);
    CHECK(schema_text(db) == before);
    // Put right by hand: the rest (step 2) runs in the same history row.
    db.execute("ALTER TABLE users DROP COLUMN stray");
    db.execute("UPDATE users SET email = 'other' WHERE id = 2");
    const auto resumed = driftless::migrate<mymig::UserUnique>(db);
    CHECK(resumed.applied);
    CHECK(resumed.version == 2);
    status = driftless::migration_status(db);
    REQUIRE(status.size() == 2);
    CHECK(status[1].state == "applied");
    CHECK(status[1].statements_done == 2);
}

TEST_CASE("mysql migrate: GET_LOCK held by another session: give up in time, succeed after") {
    my_test::scratch_database scratch;
    auto db = scratch.connect();
    auto holder = scratch.connect();
    CHECK(one(holder, "SELECT GET_LOCK('driftless_migrate', 30)") == "1");  // another program's migration may hold it a moment
    const auto start = std::chrono::steady_clock::now();
    try {
        driftless::migrate<mymig::User>(db, {.lock_timeout = std::chrono::milliseconds(1000), .lock_retries = 1});
        FAIL("migrate ran while another session held the migration lock");
    } catch (const driftless::error& e) {
        CHECK(e.code() == driftless::errc::busy);
        CHECK(std::string(e.what()).find("gave up after 2 attempts of 1 s each") != std::string::npos);
    }
    const auto waited = std::chrono::steady_clock::now() - start;
    CHECK(waited >= std::chrono::milliseconds(1900));
    CHECK(waited < std::chrono::seconds(10));
    CHECK(one(db, "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()") == "0");
    holder.execute("SELECT RELEASE_LOCK('driftless_migrate')");
    CHECK(driftless::migrate<mymig::User>(db).applied);
    CHECK(one(db, "SELECT @@SESSION.lock_wait_timeout") == one(holder, "SELECT @@SESSION.lock_wait_timeout"));
}

TEST_CASE("mysql migrate: a lock deadlock between GET_LOCKs is a busy lock, and the session setting is restored") {
    my_test::scratch_database scratch;
    auto db = scratch.connect();
    auto other = scratch.connect();
    db.execute("SET SESSION lock_wait_timeout = 77");
    CHECK(one(db, "SELECT GET_LOCK('driftless_test_x', 0)") == "1");
    // The lock is the server's: another test program's migration may hold it for a moment.
    REQUIRE(one(other, "SELECT GET_LOCK('driftless_migrate', 30)") == "1");
    // The other session waits for this one's lock while holding the migration lock: this
    // session's GET_LOCK on the migration lock closes the cycle, and the server refuses one of
    // the two (1213). Either way migrate gives up as busy, its session setting restored.
    std::thread waiter([&] {
        try {  // the server picks one session of the cycle to refuse; it may be this one
            other.execute("SELECT GET_LOCK('driftless_test_x', 4)");
        } catch (const driftless::error&) {
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    try {
        driftless::migrate<mymig::User>(db, {.lock_timeout = std::chrono::milliseconds(1000), .lock_retries = 1});
        FAIL("migrate ran while another session held the migration lock");
    } catch (const driftless::error& e) {
        CHECK(e.code() == driftless::errc::busy);
    }
    db.execute("SELECT RELEASE_LOCK('driftless_test_x')");
    waiter.join();
    CHECK(one(db, "SELECT @@SESSION.lock_wait_timeout") == "77");
    other.execute("SELECT RELEASE_ALL_LOCKS()");
    CHECK(driftless::migrate<mymig::User>(db).applied);
    CHECK(one(db, "SELECT @@SESSION.lock_wait_timeout") == "77");
}

TEST_CASE("mysql migrate: a migration stopped halfway is resumed only by the models it was planned for") {
    my_test::scratch_database scratch;
    auto db = scratch.connect();
    driftless::migrate<mymig::User>(db);
    {
        CHECK_THROWS_AS(driftless::migrate<mymig::UserUnique>(db, my_test::stop_before(1)), driftless::error);  // step 1 adds karma, step 2 the unique key
    }
    db.execute("UPDATE _driftless_migrations SET state = 'started' WHERE version = 2");
    // Models of the same table that want only karma: their plan is empty, but that does not mean
    // step 2 took effect. Refused, nothing recorded.
    CHECK_THROWS_WITH_AS(driftless::migrate<mymig::UserKarma>(db), doctest::Contains("Run migrate with the same models"),
                         driftless::error);
    auto status = driftless::migration_status(db);
    REQUIRE(status.size() == 2);
    CHECK(status[1].state == "started");
    CHECK(status[1].statements_done == 1);
    CHECK(driftless::migrate<mymig::UserUnique>(db).applied);
    status = driftless::migration_status(db);
    CHECK(status[1].state == "applied");
    CHECK(one(db, "SELECT count(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND NON_UNIQUE = 0 AND "
                  "COLUMN_NAME = 'email'") == "1");
}

TEST_CASE("mysql migrate: a session holding a metadata lock: give up within the timeout, resume after") {
    my_test::scratch_database scratch;
    auto db = scratch.connect();
    driftless::migrate<mymig::User>(db);
    auto holder = scratch.connect();
    holder.execute("START TRANSACTION");
    holder.execute("SELECT * FROM users");  // a shared metadata lock until COMMIT: ALTER must wait
    const auto start = std::chrono::steady_clock::now();
    try {
        driftless::migrate<mymig::UserUnique>(db, {.lock_timeout = std::chrono::milliseconds(1000), .lock_retries = 1});
        FAIL("migrate altered a table another session holds a metadata lock on");
    } catch (const driftless::error& e) {
        CHECK(e.code() == driftless::errc::busy);
        CHECK(std::string(e.what()).find("stopped at step 1 of 2 (0 applied before it") != std::string::npos);
        CHECK(e.native_code() == 1205);
    }
    const auto waited = std::chrono::steady_clock::now() - start;
    CHECK(waited >= std::chrono::milliseconds(1900));
    CHECK(waited < std::chrono::seconds(10));
    auto status = driftless::migration_status(db);
    REQUIRE(status.size() == 2);
    CHECK(status[1].state == "dirty");
    CHECK(status[1].statements_done == 0);
    holder.execute("COMMIT");
    CHECK(driftless::migrate<mymig::UserUnique>(db).applied);
    status = driftless::migration_status(db);
    CHECK(status[1].state == "applied");
    CHECK(driftless::plan<mymig::UserUnique>(db).plan.empty());
}

TEST_CASE("mysql migrate: a step that took effect but was not recorded (killed meanwhile) is recognised, not re-run") {
    for (std::size_t k = 1; k <= 6; ++k) {
        CAPTURE(k);
        my_test::scratch_database scratch;
        auto db = scratch.connect();
        driftless::migrate<mymig::User, mymig::Note>(db);
        db.execute("INSERT INTO users VALUES (1, 'a@x', 30, 'a')");
        {
            if (k < 6) {
                CHECK_THROWS_AS((driftless::migrate<mymig::UserV2, mymig::Note>(db, my_test::stop_before(k, {.allow_data_loss = true}))),
                                driftless::error);
            } else {
                CHECK(driftless::migrate<mymig::UserV2, mymig::Note>(db, my_test::stop_before(k, {.allow_data_loss = true})).applied);
            }
        }
        // Steps 1..k ran; the record says only k-1 did, and not applied: as if killed between step k
        // and its bookkeeping.
        db.execute("UPDATE _driftless_migrations SET statements_done = " + std::to_string(k - 1) +
                   ", state = 'started' WHERE version = 2");
        const auto resumed = driftless::migrate<mymig::UserV2, mymig::Note>(db, {.allow_data_loss = true});
        CHECK(resumed.version == 2);
        CHECK(resumed.statements.size() == 6 - k);
        const auto status = driftless::migration_status(db);
        REQUIRE(status.size() == 2);
        CHECK(status[1].state == "applied");
        CHECK(status[1].statements_done == 6);
        CHECK(driftless::plan<mymig::UserV2, mymig::Note>(db).plan.empty());
        CHECK(one(db, "SELECT concat(email, years) FROM users") == "a@x30");
    }
}

TEST_CASE("mysql URL: user, password, host, database and socket percent-decoded; a raw '/', '@' or '%' refused unshown") {
    using driftless::mysql::parse_url;
    auto u = parse_url("MySQL://b%40b:S3C%2F%40%3A%25R3T@[::1]:3307/my%20db?socket=%2Frun%2Fmy%2Bd.sock&lock=lease");
    CHECK(u.user == "b@b");
    CHECK(u.password == "S3C/@:%R3T");
    CHECK(u.host == "::1");
    CHECK(u.port == 3307);
    CHECK(u.database == "my db");
    CHECK(u.socket == "/run/my+d.sock");
    CHECK(u.lock == driftless::mysql::lock_method::lease);
    u = parse_url("mariadb://bob:S3C:R3T@db.example/app");  // a raw ':' belongs to the password
    CHECK(u.user == "bob");
    CHECK(u.password == "S3C:R3T");
    CHECK(u.host == "db.example");
    CHECK(u.port == 0);
    u = parse_url("mysql://root@/app?socket=/tmp/x.sock");
    CHECK(u.host.empty());
    CHECK(u.socket == "/tmp/x.sock");
    CHECK(parse_url("mysql://root@localhost").database.empty());
    for (const char* bad : {"mysql://bob:S3C/R3T@db/app", "mysql://bob:123/R3T@db/app", "mysql://bob:S3C@R3T@db/app",
                            "mysql://bob:S3C%R3T@db/app", "mysql://bob:S3C?R3T@db/app", "mysql://bob:S3C#R3T@db/app"}) {
        CAPTURE(bad);
        try {
            (void)parse_url(bad);
            FAIL("taken");
        } catch (const driftless::error& e) {
            const std::string what = e.what();
            CHECK(what.find("percent-encoded") != std::string::npos);
            CHECK(what.find("S3C") == std::string::npos);
            CHECK(what.find("R3T") == std::string::npos);
        }
    }
    for (const char* bad : {"mysql://db:0/app", "mysql://db:65536/app", "mysql://db:/app", "mysql://db/app#x", "postgresql://db/app",
                            "mysql://db/app?sslmode=require"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS((void)parse_url(bad), driftless::error);
    }
}

TEST_CASE("mysql connection: timeouts from the URL; the one that passed is named") {
    using driftless::mysql::parse_url;
    const auto u = parse_url("mysql://u@h/db?connect_timeout=3&read_timeout=0&write_timeout=7");
    CHECK(u.connect_timeout == 3);
    CHECK(u.read_timeout == 0);
    CHECK(u.write_timeout == 7);
    const auto d = parse_url("mysql://u@h/db");
    CHECK(d.connect_timeout == 10);
    CHECK(d.read_timeout == 3600);
    CHECK(d.write_timeout == 60);
    for (const char* bad : {"mysql://u@h/db?read_timeout=x", "mysql://u@h/db?connect_timeout=0", "mysql://u@h/db?read_timeout=-1",
                            "mysql://u@h/db?write_timeout=99999999999"}) {
        CAPTURE(bad);
        CHECK_THROWS_WITH_AS((void)parse_url(bad), doctest::Contains("seconds"), driftless::error);
    }

    // A statement that outlasts read_timeout fails after it, saying so.
    my_test::scratch_database scratch;
    auto db = driftless::mysql::connect(scratch.url() + "&read_timeout=1");
    const auto started = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH_AS(db.execute("SELECT SLEEP(4)"), doctest::Contains("read_timeout of 1 s passed"), driftless::error);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(4));

    // A server that accepts and never answers (a stopped mariadbd looks the same): connect_timeout.
    const std::string socket_path = "/tmp/driftless-mute-" + std::to_string(::getpid()) + ".sock";
    const int listener = ::socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(listener >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    socket_path.copy(address.sun_path, sizeof(address.sun_path) - 1);
    ::unlink(socket_path.c_str());
    REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
    REQUIRE(::listen(listener, 4) == 0);
    const auto begun = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH_AS((void)driftless::mysql::connect("mysql://u@localhost/?socket=" + socket_path + "&connect_timeout=1"),
                         doctest::Contains("connect_timeout of 1 s passed"), driftless::error);
    CHECK(std::chrono::steady_clock::now() - begun < std::chrono::seconds(5));
    ::close(listener);
    ::unlink(socket_path.c_str());
}

TEST_CASE("mysql migrate: no fragment the check accepts makes MySQL run a second statement (fragment corpus)") {
    my_test::scratch_database scratch;
    auto db = scratch.connect();
    db.execute("CREATE TABLE fz_victim (x INTEGER)");
    db.execute("INSERT INTO fz_victim VALUES (42)");
    fragment_property::check_corpus_on(
        db, "MySQL",
        [&] {
            const auto r = db.execute(
                "SELECT (SELECT GROUP_CONCAT(x) FROM fz_victim), (SELECT COUNT(*) FROM information_schema.tables WHERE "
                "table_schema = DATABASE() AND table_name NOT IN ('fz_victim', 'fz_t') AND table_name NOT LIKE '\\_driftless\\_%')");
            return std::pair{r.text(0, 0), r.integer(0, 1)};
        },
        [&] {
            db.execute("DROP TABLE IF EXISTS fz_t");
            db.execute("DELETE FROM _driftless_migrations WHERE state <> 'applied'");  // a failed step leaves its row dirty
        });
}

TEST_CASE("mysql migrate: a connection lost during a step says the row is still started, not that it is dirty") {
    my_test::scratch_database scratch;
    auto db = scratch.connect();
    driftless::migrate<mymig::User>(db);
    const std::string id = one(db, "SELECT CONNECTION_ID()");
    auto killer = scratch.connect();
    driftless::migrate_options o;
    o.observer = [&](const driftless::statement_event& e) {
        if (e.at == driftless::statement_event::phase::started && e.index == 1) killer.execute("KILL " + id);
    };
    std::string what;
    try {
        driftless::migrate<mymig::UserUnique>(db, o);
    } catch (const driftless::error& e) {
        what = e.what();
    }
    CAPTURE(what);
    CHECK(what.find("stopped at step 2 of 2") != std::string::npos);
    CHECK(what.find("could not be recorded as dirty") != std::string::npos);
    CHECK(what.find("still shows it started") != std::string::npos);
    CHECK(what.find("It is recorded as dirty") == std::string::npos);
    auto again = scratch.connect();
    const auto status = driftless::migration_status(again);
    REQUIRE(status.size() == 2);
    CHECK(status[1].state == "started");
}
