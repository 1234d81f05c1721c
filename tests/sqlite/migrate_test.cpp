// migrate<Ts...>() on SQLite: tracking, no-op when equal, policy with counts, rebuilds that keep
// every row, failures that leave nothing behind, plan() and migration_status().
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include <driftless/sqlite.hpp>

#include "../models/models.hpp"

namespace mig {
struct UserV1 {
    std::int64_t id;
    std::string email;
    std::optional<std::int32_t> age;
    std::string nick;
};
struct UserV2 {  // age renamed to years (hint), nick dropped, bio added, a new index, email wider
    std::int64_t id;
    std::string email;
    std::optional<std::int32_t> years;
    std::optional<std::string> bio;
};
struct UserV3 {  // years becomes text: another SQLite affinity
    std::int64_t id;
    std::string email;
    std::optional<std::string> years;
    std::optional<std::string> bio;
};
struct UserStrict {  // age becomes NOT NULL
    std::int64_t id;
    std::string email;
    std::int32_t age;
    std::string nick;
};
struct UserUniqueNick {
    std::int64_t id;
    std::string email;
    std::optional<std::int32_t> age;
    std::string nick;
};
struct Note {
    std::int64_t id;
    std::int64_t user_id;
    std::string text;
};
}  // namespace mig

template <> inline constexpr auto driftless::customize::table<mig::UserV1> = driftless::table<mig::UserV1>("users");
template <>
inline constexpr auto driftless::customize::table<mig::UserV2> =
    driftless::table<mig::UserV2>("users")
        .renamed(&mig::UserV2::years, "age")
        .length(&mig::UserV2::email, 320)
        .index("users_by_years", &mig::UserV2::years);
template <>
inline constexpr auto driftless::customize::table<mig::UserV3> =
    driftless::table<mig::UserV3>("users").length(&mig::UserV3::email, 320).index("users_by_years", &mig::UserV3::years);
template <> inline constexpr auto driftless::customize::table<mig::UserStrict> = driftless::table<mig::UserStrict>("users");
template <>
inline constexpr auto driftless::customize::table<mig::UserUniqueNick> =
    driftless::table<mig::UserUniqueNick>("users").unique(&mig::UserUniqueNick::nick);
template <>
inline constexpr auto driftless::customize::table<mig::Note> =
    driftless::table<mig::Note>("notes").foreign_key(&mig::Note::user_id, &mig::UserV1::id,
                                                     {.on_delete = driftless::fk_action::cascade});

namespace {

std::string one(const driftless::sqlite::connection& db, const std::string& sql) {
    auto st = db.prepare(sql);
    REQUIRE(st.step());
    return st.is_null(0) ? "NULL" : st.text(0);
}

std::string schema_sql(const driftless::sqlite::connection& db) {
    return one(db, "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_schema ORDER BY name)");
}

void seed(const driftless::sqlite::connection& db) {
    db.execute("INSERT INTO users (id, email, age, nick) VALUES (1, 'a@x', 30, 'a'), (2, 'b@x', NULL, 'b'), "
               "(3, 'c@x', 41, 'c'), (4, 'd@x', 17, 'a')");
}

}  // namespace

TEST_CASE("migrate: creates, records, and does nothing the second time") {
    auto db = driftless::sqlite::open(":memory:");
    CHECK(driftless::migration_status(db).empty());
    const auto first = driftless::migrate<mig::UserV1, mig::Note>(db, {.description = "create users table"});
    CHECK(first.applied);
    CHECK(first.version == 1);
    CHECK(driftless::describe(first.plan) == "safe create table users\nsafe create table notes\n");
    CHECK(first.down_statements == std::vector<std::string>{R"(DROP TABLE "notes")", R"(DROP TABLE "users")"});

    const auto status = driftless::migration_status(db);
    REQUIRE(status.size() == 1);
    CHECK(status[0].version == 1);
    CHECK(status[0].description == "create users table");
    CHECK(status[0].kind == "auto");
    CHECK(status[0].source == "users, notes");
    CHECK(status[0].checksum == driftless::migration_checksum(status[0].up_sql));
    CHECK(status[0].checksum == first.checksum);
    CHECK(status[0].checksum_algorithm == "sha256");
    CHECK(status[0].up_sql == driftless::join_statements(first.statements));
    CHECK(status[0].applied_at.size() == 20);
    CHECK(status[0].applied_at.back() == 'Z');
    CHECK_FALSE(status[0].rolled_back());

    const std::string before = schema_sql(db);
    const auto second = driftless::migrate<mig::UserV1, mig::Note>(db);
    CHECK_FALSE(second.applied);
    CHECK(second.plan.empty());
    CHECK(second.statements.empty());
    CHECK(schema_sql(db) == before);
    CHECK(driftless::migration_status(db).size() == 1);
}

TEST_CASE("migrate: a database already equal to the models gets no history row and no table") {
    auto db = driftless::sqlite::open(":memory:");
    db.execute(driftless::create_table_sql<mig::UserV1>(driftless::dialect::sqlite));
    CHECK_FALSE(driftless::migrate<mig::UserV1>(db).applied);
    CHECK(one(db, "SELECT count(*) FROM sqlite_schema WHERE name = '_driftless_migrations'") == "0");
}

TEST_CASE("migrate: every shared model, twice: the second run plans nothing") {
    auto db = driftless::sqlite::open(":memory:");
    namespace m = pfr_models;
    const auto first = driftless::migrate<m::User, m::Group, m::AllTypes, m::Membership, m::Post, m::OrderLine, m::Event,
                                          m::Setting, m::Account, m::Employee, m::Document, m::Odd, m::AuditLog>(db);
    CHECK(first.applied);
    const auto second = driftless::migrate<m::User, m::Group, m::AllTypes, m::Membership, m::Post, m::OrderLine,
                                           m::Event, m::Setting, m::Account, m::Employee, m::Document, m::Odd,
                                           m::AuditLog>(db);
    CHECK(driftless::describe(second.plan) == "");
    CHECK_FALSE(second.applied);
}

TEST_CASE("migrate: v1 -> v2 renames, adds, drops with permission, keeps every row") {
    auto db = driftless::sqlite::open(":memory:");
    db.execute("PRAGMA foreign_keys = ON");
    driftless::migrate<mig::UserV1, mig::Note>(db);
    seed(db);
    db.execute("INSERT INTO notes (user_id, text) VALUES (1, 'n1'), (3, 'n3')");

    SUBCASE("refused: dropping nick would discard values") {
        CHECK_THROWS_WITH_AS((driftless::migrate<mig::UserV2, mig::Note>(db)),
                             "driftless.plan.lossy: dropping column users.nick would discard 4 non-null values; "
                             "pass allow_data_loss to proceed (table users: column nick is dropped and bio added with "
                             "the same type; if it is a rename, say so with .renamed(&T::bio, \"nick\"))",
                             driftless::error);
        CHECK(driftless::migration_status(db).size() == 1);
        CHECK(one(db, "SELECT count(*) FROM pragma_table_xinfo('users') WHERE name = 'nick'") == "1");
        CHECK(one(db, "PRAGMA foreign_keys") == "1");
    }
    SUBCASE("allowed") {
        const auto r = driftless::migrate<mig::UserV2, mig::Note>(
            db, {.description = "v2", .allow_data_loss = true, .exact_types = true});  // TEXT -> VARCHAR(320) too
        CHECK(r.applied);
        CHECK(r.version == 2);
        CHECK(driftless::describe(r.plan) ==
              "rebuild change type users.email: TEXT -> VARCHAR(320)\n"
              "safe rename column users.years: age -> years\n"
              "safe add column users.bio: (none) -> TEXT\n"
              "destructive drop column users.nick: TEXT NOT NULL -> (none)\n"
              "safe create index users.users_by_years: (none) -> years\n"
              "note: table users: column nick is dropped and bio added with the same type; if it is a rename, say "
              "so with .renamed(&T::bio, \"nick\")\n");
        CHECK(one(db, "SELECT group_concat(coalesce(years, 'null'), ',') FROM (SELECT years FROM users ORDER BY id)") == "30,null,41,17");
        CHECK(one(db, "SELECT count(*) FROM notes") == "2");  // CASCADE children kept through the rebuild
        CHECK(one(db, "PRAGMA foreign_keys") == "1");
        CHECK(one(db, "PRAGMA integrity_check") == "ok");
        CHECK_FALSE(driftless::migrate<mig::UserV2, mig::Note>(db).applied);
        const auto status = driftless::migration_status(db);
        REQUIRE(status.size() == 2);
        CHECK(status[1].description == "v2");
        CHECK(status[1].down_sql.find(R"(RENAME TO "users")") != std::string::npos);
        CHECK(status[1].down_sql.find(R"(RENAME COLUMN "years" TO "age")") != std::string::npos);  // the rename goes back

        SUBCASE("then a type change to another affinity is checked value by value") {
            // INTEGER -> TEXT: every value converts and converts back, so nothing is refused.
            const auto v3 = driftless::migrate<mig::UserV3, mig::Note>(db);
            CHECK(v3.applied);
            CHECK(one(db, "SELECT group_concat(typeof(years), ',') FROM (SELECT years FROM users ORDER BY id)") ==
                  "text,null,text,text");
            // TEXT -> INTEGER: 'unknown' and '7.5' would not be integers; '12' would.
            db.execute("INSERT INTO users (id, email, years) VALUES (5, 'e', 'unknown'), (6, 'f', '7.5'), (7, 'g', '12')");
            CHECK_THROWS_WITH_AS((driftless::migrate<mig::UserV2, mig::Note>(db)),
                                 "driftless.plan.lossy: changing users.years from TEXT to INTEGER would alter 2 of 6 "
                                 "non-null values (e.g. '7.5'); pass allow_data_loss to proceed",
                                 driftless::error);
            CHECK(one(db, "SELECT typeof(years) FROM users WHERE id = 7") == "text");  // refused: nothing changed
            CHECK(driftless::migrate<mig::UserV2, mig::Note>(db, {.allow_data_loss = true}).applied);
            CHECK(one(db, "SELECT group_concat(typeof(years) || ':' || coalesce(years, 'null'), ',') FROM "
                          "(SELECT years FROM users ORDER BY id)") ==
                  "integer:30,null:null,integer:41,integer:17,text:unknown,real:7.5,integer:12");
        }
    }
}

TEST_CASE("migrate: NOT NULL over NULLs is blocked with the count, whatever the options") {
    auto db = driftless::sqlite::open(":memory:");
    driftless::migrate<mig::UserV1>(db);
    seed(db);
    CHECK_THROWS_WITH_AS((driftless::migrate<mig::UserStrict>(db, {.allow_data_loss = true})),
                         "driftless.plan.blocked: 1 NULLs block NOT NULL on users.age; fix the data or the model first",
                         driftless::error);
    // The dry run gives the same finding as the step's verdict, and says migrate would refuse.
    const auto p = driftless::plan<mig::UserStrict>(db, {.allow_data_loss = true});
    CHECK(p.refused);
    REQUIRE(p.verdicts.size() == p.plan.steps.size());
    std::vector<std::string> blocked;
    for (std::size_t i = 0; i < p.verdicts.size(); ++i) {
        if (p.verdicts[i].verdict != driftless::verdict::blocked) continue;
        CHECK(p.plan.steps[i].kind == driftless::step_kind::change_nullability);
        blocked.insert(blocked.end(), p.verdicts[i].reasons.begin(), p.verdicts[i].reasons.end());
    }
    CHECK(blocked == std::vector<std::string>{"1 NULLs block NOT NULL on users.age"});
    db.execute("UPDATE users SET age = 0 WHERE age IS NULL");
    const auto fixed = driftless::plan<mig::UserStrict>(db);
    CHECK_FALSE(fixed.refused);
    for (const auto& v : fixed.verdicts) CHECK(v.verdict == driftless::verdict::safe);
    std::vector<std::string> seen;
    CHECK(driftless::migrate<mig::UserStrict>(db, {.on_plan = [&](const driftless::migration_plan& plan,
                                                                   const std::vector<std::string>& statements) {
                                                       CHECK(plan == fixed.plan);
                                                       CHECK(driftless::migration_status(db).size() == 1);  // nothing ran yet
                                                       seen = statements;
                                                   }})
              .applied);
    CHECK(seen == fixed.statements);
}

TEST_CASE("migrate: the observer sees a rebuild's copy progress with its total; one that throws stops the run after that statement, nothing changed") {
    auto db = driftless::sqlite::open(":memory:");
    driftless::migrate<mig::UserV1>(db);
    db.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000) "
               "INSERT INTO users (id, email, age, nick) SELECT i, 'u' || i, i % 90, 'n' || i FROM n");
    const std::string before = schema_sql(db);
    struct seen_event {
        driftless::statement_event::phase at;
        std::string sql;
        std::int64_t rows, total;
    };
    std::vector<seen_event> seen;
    const auto record = [&](const driftless::statement_event& e) { seen.push_back({e.at, std::string(e.sql), e.rows, e.total}); };
    struct stop {};
    // An observer that throws at the first progress event: thrown once the copy returned, and the
    // whole migration rolled back.
    CHECK_THROWS_AS((driftless::migrate<mig::UserStrict>(db, {.observer = [&](const driftless::statement_event& e) {
                         record(e);
                         if (e.at == driftless::statement_event::phase::progress) throw stop{};
                     }})),
                    stop);
    CHECK(schema_sql(db) == before);
    CHECK(one(db, "SELECT count(*) FROM users") == "1000000");
    CHECK(driftless::migration_status(db).size() == 1);
    REQUIRE_FALSE(seen.empty());
    CHECK(seen.back().at == driftless::statement_event::phase::progress);

    seen.clear();
    const auto r = driftless::migrate<mig::UserStrict>(db, {.observer = record});
    CHECK(r.applied);
    const auto copy = std::find_if(seen.begin(), seen.end(), [](const seen_event& e) {
        return e.at == driftless::statement_event::phase::started && e.sql.rfind("INSERT INTO", 0) == 0;
    });
    REQUIRE(copy != seen.end());
    CHECK(copy->total == 1000000);  // the rows of the table it reads, counted before it runs
    std::int64_t last = 0;
    std::size_t progress = 0;
    for (auto it = copy + 1; it != seen.end() && it->at == driftless::statement_event::phase::progress; ++it) {
        CHECK(it->sql == copy->sql);
        CHECK(it->total == 1000000);
        CHECK(it->rows >= last);
        CHECK(it->rows <= 1000000);
        last = it->rows;
        ++progress;
    }
    CHECK(progress >= 1);
    const auto finished = copy + static_cast<std::ptrdiff_t>(progress) + 1;
    REQUIRE(finished != seen.end());
    CHECK(finished->at == driftless::statement_event::phase::finished);
    CHECK(finished->rows == 1000000);
    // Statements that read no table row by row have no total.
    for (const auto& e : seen) {
        if (e.at == driftless::statement_event::phase::started && e.sql.rfind("INSERT INTO", 0) != 0) CHECK(e.total == -1);
    }
}

TEST_CASE("migrate: backup is opt-in in the library; a copy that does not fit is refused with the sizes") {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("driftless_backup_" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const auto count_backups = [&] {
        std::size_t n = 0;
        for (const auto& entry : std::filesystem::directory_iterator(dir)) n += entry.path().extension() == ".backup" ? 1 : 0;
        return n;
    };
    {
        auto db = driftless::sqlite::open((dir / "app.db").string());
        driftless::migrate<mig::UserV1>(db);
        seed(db);
        // Refused (NULL ages) before any copy is made.
        CHECK_THROWS_AS((driftless::migrate<mig::UserStrict>(db, {.allow_data_loss = true, .backup = true})), driftless::error);
    }
    CHECK(count_backups() == 0);
    {
        auto db = driftless::sqlite::open((dir / "app.db").string());
        db.execute("UPDATE users SET age = 0 WHERE age IS NULL");
        const auto r = driftless::migrate<mig::UserStrict>(db);  // a rebuild, without backup
        CHECK(r.applied);
        CHECK(r.backup.empty());
        CHECK(count_backups() == 0);
        const auto again = driftless::migrate<mig::UserV1>(db, {.backup = true});
        CHECK(again.applied);
        CHECK(count_backups() == 1);
        CHECK(std::filesystem::exists(again.backup));
        CHECK(driftless::migration_status(db).back().backup == again.backup);
    }
    std::filesystem::remove_all(dir);
    // The room check: the copy and 1% (at least 1 MiB) must fit.
    using driftless::sqlite::detail::backup_room_problem;
    CHECK(backup_room_problem("app.db", 100u << 20, 200u << 20).empty());
    CHECK(backup_room_problem("app.db", 100u << 20, 100u << 20) ==
          "backing up app.db needs 101 MiB of free space and its directory has 100 MiB; nothing was run. Free some space, or "
          "skip the backup (--no-backup) if you have another");
}

TEST_CASE("migrate: a statement that fails leaves the old schema and no history row") {
    auto db = driftless::sqlite::open(":memory:");
    db.execute("PRAGMA foreign_keys = ON");
    driftless::migrate<mig::UserV1>(db);
    seed(db);  // two users share the nick 'a'
    const std::string before = schema_sql(db);
    try {
        driftless::migrate<mig::UserUniqueNick>(db);
        FAIL("no exception");
    } catch (const driftless::error& e) {
        CHECK(e.code() == driftless::errc::engine);
        CHECK(e.native_code() == SQLITE_CONSTRAINT_UNIQUE);
        CHECK(e.statement().starts_with("INSERT INTO \"_driftless_new_users\""));
    }
    CHECK(schema_sql(db) == before);
    CHECK(driftless::migration_status(db).size() == 1);
    CHECK(one(db, "SELECT count(*) FROM users") == "4");
    CHECK(one(db, "PRAGMA foreign_keys") == "1");
    CHECK(sqlite3_get_autocommit(db.handle()) != 0);
}

TEST_CASE("plan: the dry run shows steps and SQL and changes nothing") {
    auto db = driftless::sqlite::open(":memory:");
    driftless::migrate<mig::UserV1>(db);
    seed(db);
    const std::string before = schema_sql(db);
    const auto p = driftless::plan<mig::UserV2>(db);
    CHECK_FALSE(p.applied);
    CHECK(p.plan.worst() == driftless::safety::destructive);
    CHECK_FALSE(p.statements.empty());
    CHECK(schema_sql(db) == before);
    CHECK(driftless::migration_status(db).size() == 1);
}

TEST_CASE("migrate: inside the caller's transaction, native changes work and rebuilds are refused") {
    auto db = driftless::sqlite::open(":memory:");
    db.execute("PRAGMA foreign_keys = ON");
    driftless::migrate<mig::UserV1>(db);
    db.execute("BEGIN");
    CHECK(driftless::migrate<mig::UserV1, mig::Note>(db).applied);  // CREATE TABLE only
    CHECK_THROWS_WITH_AS((driftless::migrate<mig::UserUniqueNick, mig::Note>(db)),
                         doctest::Contains("driftless.migrate.in_transaction"), driftless::error);
    CHECK(sqlite3_get_autocommit(db.handle()) == 0);  // the caller's transaction is still theirs
    db.execute("COMMIT");
    CHECK(driftless::migration_status(db).size() == 2);
}

TEST_CASE("migrate: the fast path skips the catalog only while nothing has changed") {
    const std::string path = "fast_path_test.db";
    std::filesystem::remove(path);
    auto db = driftless::sqlite::open(path);
    CHECK(driftless::migrate<mig::UserV2>(db).applied);
    const auto again = driftless::migrate<mig::UserV2>(db);
    CHECK(again.fast_path);
    CHECK_FALSE(again.applied);
    CHECK_FALSE(driftless::migrate<mig::UserV2>(db, {.verify = true}).fast_path);

    SUBCASE("a change made by another connection is seen") {
        {
            auto other = driftless::sqlite::open(path);
            other.execute("DROP INDEX users_by_years");
        }
        const auto r = driftless::migrate<mig::UserV2>(db);
        CHECK_FALSE(r.fast_path);
        CHECK(r.applied);
        CHECK(driftless::describe(r.plan) == "safe create index users.users_by_years: (none) -> years\n");
        CHECK(driftless::migrate<mig::UserV2>(db).fast_path);
    }
    SUBCASE("other models are verified in full") {
        const auto r = driftless::migrate<mig::UserV3>(db, {.allow_data_loss = true});
        CHECK_FALSE(r.fast_path);
        CHECK(r.applied);
        CHECK(driftless::migrate<mig::UserV3>(db).fast_path);
        CHECK_FALSE(driftless::migrate<mig::UserV2>(db, {.dry_run = true}).fast_path);
    }
    SUBCASE("a verified no-op refreshes the record without DDL") {
        {
            auto other = driftless::sqlite::open(path);
            other.execute("CREATE TABLE unrelated (x)");  // moves schema_version; plans nothing for users
        }
        const auto r = driftless::migrate<mig::UserV2>(db);
        CHECK_FALSE(r.fast_path);
        CHECK_FALSE(r.applied);
        CHECK(driftless::describe(r.plan) == "note: table unrelated is not in any model; left alone\n");
        CHECK(driftless::migrate<mig::UserV2>(db).fast_path);
        CHECK(driftless::migration_status(db).size() == 1);
    }
    std::filesystem::remove(path);
}

namespace ren {
struct Person {
    std::int64_t id;
    std::string name;
    std::optional<std::int32_t> age;
};
struct Pet {
    std::int64_t id;
    std::int64_t owner_id;
    std::string name;
};
struct Human {  // people -> humans, age -> years, name gets a length: a rebuild with renames
    std::int64_t id;
    std::string name;
    std::optional<std::int32_t> years;
};
struct PetV2 {
    std::int64_t id;
    std::int64_t owner_id;
    std::string name;
};
}  // namespace ren

template <>
inline constexpr auto driftless::customize::table<ren::Person> =
    driftless::table<ren::Person>("people").index("people_by_age", {.where = "age > 0"}, &ren::Person::age).check("age >= 0");
template <>
inline constexpr auto driftless::customize::table<ren::Pet> =
    driftless::table<ren::Pet>("pets").foreign_key(&ren::Pet::owner_id, &ren::Person::id,
                                                   {.on_delete = driftless::fk_action::cascade});
template <>
inline constexpr auto driftless::customize::table<ren::Human> =
    driftless::table<ren::Human>("humans")
        .renamed_from("people")
        .renamed(&ren::Human::years, "age")
        .length(&ren::Human::name, 80)
        .index("people_by_age", {.where = "years > 0"}, &ren::Human::years)
        .check("years >= 0");
template <>
inline constexpr auto driftless::customize::table<ren::PetV2> =
    driftless::table<ren::PetV2>("pets").foreign_key(&ren::PetV2::owner_id, &ren::Human::id,
                                                     {.on_delete = driftless::fk_action::cascade});

TEST_CASE("migrate: a rebuild that also renames the table and a column keeps views, triggers and children") {
    auto db = driftless::sqlite::open(":memory:");
    db.execute("PRAGMA foreign_keys = ON");
    driftless::migrate<ren::Person, ren::Pet>(db);
    db.execute("INSERT INTO people (id, name, age) VALUES (1, 'ann', 30), (2, 'bob', NULL)");
    db.execute("INSERT INTO pets (id, owner_id, name) VALUES (1, 1, 'rex'), (2, 2, 'tom'), (3, 1, 'kit')");
    db.execute("CREATE TABLE log (what TEXT)");
    db.execute("CREATE VIEW adults AS SELECT name, age FROM people WHERE age >= 18");
    db.execute("CREATE TRIGGER people_log AFTER UPDATE OF age ON people BEGIN INSERT INTO log VALUES (new.name); END");
    db.execute("CREATE TRIGGER pets_log AFTER INSERT ON pets BEGIN INSERT INTO log SELECT name FROM people WHERE id = "
               "new.owner_id; END");

    // Spellings enforced, so that TEXT -> VARCHAR(80) rebuilds the table.
    const auto planned = driftless::plan<ren::Human, ren::PetV2>(db, {.exact_types = true});
    CHECK(driftless::describe(planned.plan) ==
          "safe rename table humans: people -> humans\n"
          "rebuild change type humans.name: TEXT -> VARCHAR(80)\n"
          "safe rename column humans.years: age -> years\n"
          "note: table log is not in any model; left alone\n");
    const auto& s = planned.statements;
    REQUIRE(s.size() >= 3);
    CHECK(s[s.size() - 2] == R"(ALTER TABLE "people" RENAME TO "humans")");
    CHECK(s.back() == R"(ALTER TABLE "humans" RENAME COLUMN "age" TO "years")");

    driftless::migrate_result result;
    try {
        result = driftless::migrate<ren::Human, ren::PetV2>(db, {.exact_types = true});
    } catch (const driftless::error& e) {
        const std::string what = std::string(e.what()) + " in " + std::string(e.statement());
        FAIL(what);
    }
    CHECK(result.applied);
    CHECK(one(db, "PRAGMA foreign_keys") == "1");
    CHECK(one(db, "PRAGMA integrity_check") == "ok");
    CHECK(one(db, "SELECT group_concat(id || ':' || name || ':' || coalesce(years, 'null'), ',') FROM humans") ==
          "1:ann:30,2:bob:null");
    CHECK(one(db, "SELECT count(*) FROM pets") == "3");
    CHECK(one(db, "SELECT group_concat(name || ':' || years) FROM adults") == "ann:30");  // the view follows both renames
    db.execute("UPDATE humans SET years = 31 WHERE id = 1");
    db.execute("INSERT INTO pets (id, owner_id, name) VALUES (4, 2, 'pip')");
    CHECK(one(db, "SELECT group_concat(what, ',') FROM log") == "ann,bob");  // both triggers still fire
    CHECK(one(db, "SELECT sql FROM sqlite_schema WHERE name = 'pets'").find(R"(REFERENCES "humans")") != std::string::npos);
    CHECK(one(db, "SELECT sql FROM sqlite_schema WHERE name = 'people_by_age'").find(R"("years" > 0)") != std::string::npos);
    CHECK_THROWS_AS(db.execute("UPDATE humans SET years = -1 WHERE id = 2"), driftless::error);  // the CHECK follows
    db.execute("DELETE FROM humans WHERE id = 1");
    CHECK(one(db, "SELECT count(*) FROM pets") == "2");  // CASCADE still there
    CHECK_FALSE(driftless::migrate<ren::Human, ren::PetV2>(db, {.verify = true, .exact_types = true}).applied);

    // and back: the recorded down SQL undoes renames and type through the same path
    CHECK(driftless::rollback<ren::Human>(db) == result.version);
    CHECK(one(db, "SELECT count(*) FROM adults") == "0");  // the view reads people.age again
    CHECK(one(db, "SELECT count(*) FROM people") == "1");
    CHECK_FALSE(driftless::migrate<ren::Person, ren::Pet>(db, {.verify = true}).applied);
}

namespace opt {
struct Tag {
    std::int64_t id;
    std::string name;
    std::optional<std::string> note;
};
struct Pair {
    std::string k;
    std::string v;
};
}  // namespace opt

template <>
inline constexpr auto driftless::customize::table<opt::Tag> =
    driftless::table<opt::Tag>("tags").unique_index("tags_name", &opt::Tag::name).default_value(&opt::Tag::note, "-");
template <>
inline constexpr auto driftless::customize::table<opt::Pair> =
    driftless::table<opt::Pair>("pairs").primary_key(&opt::Pair::k).default_value(&opt::Pair::v, "?");

TEST_CASE("migrate: a rebuild keeps STRICT, WITHOUT ROWID and COLLATE, which models cannot say") {
    auto db = driftless::sqlite::open(":memory:");
    db.execute("CREATE TABLE tags (id INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE, note TEXT) STRICT");
    db.execute("CREATE UNIQUE INDEX tags_name ON tags (name)");
    db.execute("CREATE TABLE pairs (k TEXT NOT NULL PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID");
    db.execute("INSERT INTO tags (id, name, note) VALUES (1, 'Red', NULL), (2, 'blue', 'b')");
    db.execute("INSERT INTO pairs (k, v) VALUES ('a', '1'), ('b', '2')");

    const auto r = driftless::migrate<opt::Tag, opt::Pair>(db);  // new defaults: both tables rebuilt
    CHECK(r.applied);
    CHECK(r.statements.size() > 4);
    const std::string tags = one(db, "SELECT sql FROM sqlite_schema WHERE name = 'tags'");
    const std::string pairs = one(db, "SELECT sql FROM sqlite_schema WHERE name = 'pairs'");
    CHECK(tags.find(") STRICT") != std::string::npos);
    CHECK(tags.find(R"(COLLATE "NOCASE")") != std::string::npos);
    CHECK(pairs.find(") WITHOUT ROWID") != std::string::npos);
    CHECK(one(db, "SELECT strict FROM pragma_table_list WHERE name = 'tags'") == "1");
    CHECK(one(db, "SELECT wr FROM pragma_table_list WHERE name = 'pairs'") == "1");
    CHECK_THROWS_AS(db.execute("INSERT INTO tags (id, name) VALUES (3, 'RED')"), driftless::error);  // NOCASE unique
    CHECK_THROWS_AS(db.execute("INSERT INTO tags (id, name) VALUES ('x', 'green')"), driftless::error);  // STRICT
    CHECK(one(db, "SELECT group_concat(id || name || coalesce(note, '.'), ',') FROM tags") == "1Red.,2blueb");
    CHECK(one(db, "SELECT group_concat(k || v, ',') FROM pairs") == "a1,b2");
    CHECK_FALSE(driftless::migrate<opt::Tag, opt::Pair>(db, {.verify = true}).applied);
    // and the way back keeps them too (the migration changed both tables: undone whole, as asked)
    CHECK(driftless::rollback<opt::Tag>(db, {.whole_migration = true}) == r.version);
    CHECK(one(db, "SELECT sql FROM sqlite_schema WHERE name = 'tags'").find(") STRICT") != std::string::npos);
    CHECK(one(db, "SELECT sql FROM sqlite_schema WHERE name = 'pairs'").find(") WITHOUT ROWID") != std::string::npos);
}

TEST_CASE("sqlite migrate: a fragment the compile-time check lets through but SQLite cannot read as one expression is refused before any DDL") {
    auto db = driftless::sqlite::open(":memory:");
    driftless::table_info t;
    t.name = "gauges";
    driftless::column_info id;
    id.name = "id";
    id.type.kind = driftless::type_kind::integer;
    id.type.bits = 64;
    driftless::column_info q;
    q.name = "q";
    q.type.kind = driftless::type_kind::integer;
    q.type.bits = 32;
    t.columns = {id, q};
    t.primary_key = {"id"};
    for (const char* bad : {"q >>> 0", "q IS", "q > 0 q"}) {
        CAPTURE(bad);
        driftless::schema s;
        s.tables.push_back(t);
        s.tables.back().checks.push_back({"gauges_q", bad});
        CHECK_THROWS_WITH_AS((void)driftless::migrate_schema(db, s, {}, "test"), doctest::Contains("is not one SQLite expression"),
                             driftless::error);
        auto st = db.prepare("SELECT count(*) FROM sqlite_schema");
        REQUIRE(st.step());
        CHECK(st.integer(0) == 0);
    }
    driftless::schema good;
    good.tables.push_back(t);
    good.tables.back().checks.push_back({"gauges_q", "q >= 0"});
    CHECK(driftless::migrate_schema(db, good, {}, "test").applied);
}

TEST_CASE("sqlite files: a file whose history row is longer than SQLite stores is refused before it runs") {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("driftless_too_large_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::string text = "CREATE TABLE big (id INTEGER PRIMARY KEY, v TEXT);\n";
    while (text.size() < 40000) text += "INSERT INTO big (v) VALUES ('0123456789012345678901234567890123456789');\n";
    std::ofstream(dir / "0001_big.sql") << text;
    auto db = driftless::sqlite::open(":memory:");
    sqlite3_limit(db.handle(), SQLITE_LIMIT_LENGTH, 30000);
    CHECK_THROWS_WITH_AS(driftless::apply_migration_file(db, dir / "0001_big.sql"),
                         doctest::Contains("'0001_big.sql' cannot be recorded"), driftless::error);
    auto st = db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'big'");
    REQUIRE(st.step());
    CHECK(st.integer(0) == 0);
    sqlite3_limit(db.handle(), SQLITE_LIMIT_LENGTH, 1000000000);
    CHECK(driftless::apply_migration_file(db, dir / "0001_big.sql").applied.size() == 1);
    std::filesystem::remove_all(dir);
}
