// migrate<Ts...>() on PostgreSQL: creates and records, plans nothing the second time for every
// shared model, alters in place keeping every row, refuses what would lose data, leaves nothing
// behind when a statement fails, plan(), rollback() and migration_status().
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <driftless/postgresql.hpp>

#include "../models/models.hpp"
#include "pg_support.hpp"

namespace mig {
struct UserV1 {
    std::int64_t id;
    std::string email;
    std::optional<std::int32_t> age;
    std::string nick;
};
struct UserV2 {  // age renamed to years (hint), nick dropped, bio added, a new index, email bounded
    std::int64_t id;
    std::string email;
    std::optional<std::int32_t> years;
    std::optional<std::string> bio;
};
struct UserV3 {  // years becomes bigint, then text
    std::int64_t id;
    std::string email;
    std::optional<std::int64_t> years;
    std::optional<std::string> bio;
};
struct UserV4 {
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
struct UserNarrow {  // age becomes a 16-bit integer, nick bounded to 2 characters
    std::int64_t id;
    std::string email;
    std::optional<std::int16_t> age;
    std::string nick;
};
struct UserChecked {  // a check, a unique nick, a default, a partial index
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
template <>
inline constexpr auto driftless::customize::table<mig::UserV4> =
    driftless::table<mig::UserV4>("users").length(&mig::UserV4::email, 320).index("users_by_years", &mig::UserV4::years);
template <> inline constexpr auto driftless::customize::table<mig::UserStrict> = driftless::table<mig::UserStrict>("users");
template <>
inline constexpr auto driftless::customize::table<mig::UserNarrow> =
    driftless::table<mig::UserNarrow>("users").length(&mig::UserNarrow::nick, 2);
template <>
inline constexpr auto driftless::customize::table<mig::UserChecked> =
    driftless::table<mig::UserChecked>("users")
        .unique(&mig::UserChecked::nick)
        .check("age_positive", "age > 0")
        .default_value(&mig::UserChecked::nick, "anon")
        .index("users_adults", {.where = "age >= 18"}, &mig::UserChecked::age);
template <>
inline constexpr auto driftless::customize::table<mig::Note> =
    driftless::table<mig::Note>("notes").foreign_key(&mig::Note::user_id, &mig::UserV1::id,
                                                     {.on_delete = driftless::fk_action::cascade});

using pg_test::one;
using pg_test::schema_text;

TEST_CASE("postgresql migrate: every shared model, twice: the second run plans nothing") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    namespace m = pfr_models;
    const auto first = driftless::migrate<m::User, m::Group, m::AllTypes, m::Membership, m::Post, m::OrderLine, m::Event,
                                          m::Setting, m::Account, m::Employee, m::Document, m::Odd, m::AuditLog>(db);
    CHECK(first.applied);
    CHECK(first.version == 1);
    const std::string before = schema_text(db);
    const auto second = driftless::migrate<m::User, m::Group, m::AllTypes, m::Membership, m::Post, m::OrderLine,
                                           m::Event, m::Setting, m::Account, m::Employee, m::Document, m::Odd,
                                           m::AuditLog>(db);
    CHECK(driftless::describe(second.plan) == "");
    CHECK_FALSE(second.applied);
    CHECK(schema_text(db) == before);
    // The described twins are the same tables.
    namespace d = described_models;
    const auto third = driftless::plan<d::User, d::Group, d::AllTypes, d::Membership, d::Post, d::OrderLine, d::Event,
                                       d::Setting, d::Account, d::Employee, d::Document, d::Odd, d::AuditLog>(db);
    CHECK(driftless::describe(third.plan) == "");
    CHECK(driftless::migration_status(db).size() == 1);
}

namespace {

void seed(const driftless::postgresql::connection& db) {
    db.execute("INSERT INTO users (id, email, age, nick) VALUES (1, 'a@x', 30, 'a'), (2, 'b@x', NULL, 'b'), "
               "(3, 'c@x', 41, 'c'), (4, 'd@x', 17, 'a')");
}

std::string rows(const driftless::postgresql::connection& db, const std::string& sql) {
    const auto r = db.execute(sql);
    std::string out;
    for (int i = 0; i < r.rows(); ++i) {
        for (int j = 0; j < PQnfields(r.handle()); ++j) out += (j != 0 ? "|" : "") + (r.is_null(i, j) ? std::string("NULL") : r.text(i, j));
        out += "\n";
    }
    return out;
}

}  // namespace

TEST_CASE("postgresql migrate: creates, records, and does nothing the second time") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    CHECK(driftless::migration_status(db).empty());
    const auto first = driftless::migrate<mig::UserV1, mig::Note>(db, {.description = "create users table"});
    CHECK(first.applied);
    CHECK(first.version == 1);
    CHECK(driftless::describe(first.plan) == "safe create table users\nsafe create table notes\n");
    CHECK(first.statements == std::vector<std::string>{
                                  "CREATE TABLE \"users\" (\n  \"id\" BIGINT NOT NULL PRIMARY KEY,\n  \"email\" TEXT NOT NULL,\n"
                                  "  \"age\" INTEGER,\n  \"nick\" TEXT NOT NULL\n)",
                                  "CREATE TABLE \"notes\" (\n  \"id\" BIGINT NOT NULL PRIMARY KEY,\n  \"user_id\" BIGINT NOT NULL,\n"
                                  "  \"text\" TEXT NOT NULL,\n  CONSTRAINT \"notes_user_id_fkey\" FOREIGN KEY (\"user_id\") "
                                  "REFERENCES \"users\" (\"id\") ON DELETE CASCADE\n)"});
    CHECK(first.down_statements == std::vector<std::string>{R"(DROP TABLE "notes")", R"(DROP TABLE "users")"});
    const auto status = driftless::migration_status(db);
    REQUIRE(status.size() == 1);
    CHECK(status[0].description == "create users table");
    CHECK(status[0].kind == "auto");
    CHECK(status[0].source == "users, notes");
    CHECK(status[0].checksum == driftless::migration_checksum(status[0].up_sql));
    CHECK(status[0].up_sql == driftless::join_statements(first.statements));
    CHECK(status[0].state == "applied");
    CHECK(status[0].applied_at.size() == 20);

    const std::string before = schema_text(db);
    const auto second = driftless::migrate<mig::UserV1, mig::Note>(db);
    CHECK_FALSE(second.applied);
    CHECK(second.statements.empty());
    CHECK(schema_text(db) == before);
    CHECK(driftless::migration_status(db).size() == 1);
}

TEST_CASE("postgresql migrate: a database already equal to the models gets no history row and no table") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    for (const auto& s : driftless::create_table_statements<mig::UserV1>(driftless::dialect::postgresql)) db.execute(s);
    CHECK_FALSE(driftless::migrate<mig::UserV1>(db).applied);
    CHECK(one(db, "SELECT to_regclass('_driftless_migrations') IS NULL") == "t");
}

TEST_CASE("postgresql migrate: golden ALTER statements; v1 -> v2 keeps every row, and the down SQL returns") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    driftless::migrate<mig::UserV1>(db);
    seed(db);
    const std::string v1 = schema_text(db);
    CHECK_THROWS_WITH_AS(driftless::migrate<mig::UserV2>(db),
                         doctest::Contains("dropping column users.nick would discard 4 non-null values"), driftless::error);
    const auto planned = driftless::plan<mig::UserV2>(db);
    CHECK(planned.statements == std::vector<std::string>{
                                    R"(ALTER TABLE "users" RENAME COLUMN "age" TO "years")",
                                    R"(ALTER TABLE "users" DROP COLUMN "nick")",
                                    R"(ALTER TABLE "users" ADD COLUMN "bio" TEXT)",
                                    R"(ALTER TABLE "users" ALTER COLUMN "email" TYPE VARCHAR(320) USING ("email")::VARCHAR(320))",
                                    R"(CREATE INDEX "users_by_years" ON "users" ("years"))"});
    const auto applied = driftless::migrate<mig::UserV2>(db, {.allow_data_loss = true});
    CHECK(applied.applied);
    CHECK(applied.statements == planned.statements);
    CHECK(rows(db, "SELECT id, email, years, bio FROM users ORDER BY id") == "1|a@x|30|NULL\n2|b@x|NULL|NULL\n3|c@x|41|NULL\n4|d@x|17|NULL\n");
    CHECK(driftless::plan<mig::UserV2>(db).plan.empty());

    // Back to v1: nick comes back NOT NULL without a default, which rows without a nick cannot
    // satisfy; the rollback fails as a whole and v2 stays.
    const std::string v2 = schema_text(db);
    CHECK_THROWS_WITH_AS(driftless::rollback<mig::UserV2>(db), doctest::Contains("SQLSTATE 23502"), driftless::error);
    CHECK(schema_text(db) == v2);
    CHECK_FALSE(driftless::migration_status(db).back().rolled_back());
    // Without rows the recorded down SQL restores the exact v1 shape.
    db.execute("DELETE FROM users");
    CHECK(driftless::rollback<mig::UserV2>(db) == applied.version);
    CHECK(schema_text(db) == v1);
    CHECK(driftless::migration_status(db).back().rolled_back());
    CHECK(driftless::plan<mig::UserV1>(db).plan.empty());
}

TEST_CASE("postgresql migrate: type changes run ALTER ... USING and keep every value") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    driftless::migrate<mig::UserV2>(db);
    db.execute("INSERT INTO users (id, email, years, bio) VALUES (1, 'a', 30, 'x'), (2, 'b', NULL, NULL), (3, 'c', -7, 'z')");
    const auto widen = driftless::migrate<mig::UserV3>(db);
    CHECK(widen.statements ==
          std::vector<std::string>{R"(ALTER TABLE "users" ALTER COLUMN "years" TYPE BIGINT USING ("years")::BIGINT)"});
    const auto to_text = driftless::migrate<mig::UserV4>(db);
    CHECK(to_text.applied);
    CHECK(rows(db, "SELECT years, pg_typeof(years) FROM users ORDER BY id") == "30|text\nNULL|text\n-7|text\n");
    // Text back to an integer: every value converts, so it is allowed without permission.
    CHECK(driftless::migrate<mig::UserV3>(db).applied);
    CHECK(rows(db, "SELECT years FROM users ORDER BY id") == "30\nNULL\n-7\n");
    // A value the type cannot hold blocks the change whatever the options.
    db.execute("ALTER TABLE users ALTER COLUMN years TYPE TEXT");
    db.execute("UPDATE users SET years = 'many' WHERE id = 2");
    CHECK_THROWS_WITH_AS(driftless::migrate<mig::UserV3>(db, {.allow_data_loss = true}),
                         doctest::Contains("fails for values already there"), driftless::error);
    CHECK(one(db, "SELECT years FROM users WHERE id = 2") == "many");
}

TEST_CASE("postgresql migrate: narrowing is refused with counts, allowed on request") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    driftless::migrate<mig::UserV1>(db);
    seed(db);
    db.execute("UPDATE users SET nick = 'long' WHERE id = 3");
    // nick to VARCHAR(2) truncates one value: refused, with the count and an example.
    CHECK_THROWS_WITH_AS(driftless::migrate<mig::UserNarrow>(db),
                         doctest::Contains("would alter 1 of 4 non-null values (e.g. long)"), driftless::error);
    db.execute("UPDATE users SET age = 70000 WHERE id = 1");
    CHECK_THROWS_WITH_AS(driftless::migrate<mig::UserNarrow>(db, {.allow_data_loss = true}),
                         doctest::Contains("smallint out of range"), driftless::error);
    db.execute("UPDATE users SET age = 70 WHERE id = 1");
    CHECK(driftless::migrate<mig::UserNarrow>(db, {.allow_data_loss = true}).applied);
    CHECK(one(db, "SELECT nick FROM users WHERE id = 3") == "lo");
}

TEST_CASE("postgresql migrate: NOT NULL over NULLs is blocked with the count, whatever the options") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    driftless::migrate<mig::UserV1>(db);
    seed(db);
    CHECK_THROWS_WITH_AS(driftless::migrate<mig::UserStrict>(db, {.allow_data_loss = true}),
                         doctest::Contains("1 NULLs block NOT NULL on users.age"), driftless::error);
    db.execute("UPDATE users SET age = 0 WHERE age IS NULL");
    const auto r = driftless::migrate<mig::UserStrict>(db);
    CHECK(r.statements == std::vector<std::string>{R"(ALTER TABLE "users" ALTER COLUMN "age" SET NOT NULL)"});
}

TEST_CASE("postgresql migrate: checks, uniques, defaults and partial indexes are added, and plan nothing after") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    driftless::migrate<mig::UserV1>(db);
    seed(db);
    db.execute("UPDATE users SET nick = 'dup' || id");
    const auto r = driftless::migrate<mig::UserChecked>(db);
    CHECK(r.statements == std::vector<std::string>{
                              R"(ALTER TABLE "users" ALTER COLUMN "nick" SET DEFAULT 'anon')",
                              R"(ALTER TABLE "users" ADD CONSTRAINT "users_nick_key" UNIQUE ("nick"))",
                              R"(ALTER TABLE "users" ADD CONSTRAINT "age_positive" CHECK (age > 0))",
                              R"(CREATE INDEX "users_adults" ON "users" ("age") WHERE age >= 18)"});
    CHECK(driftless::plan<mig::UserChecked>(db).plan.empty());
    // Back to v1 drops them again.
    const auto back = driftless::migrate<mig::UserV1>(db);
    CHECK(back.applied);
    CHECK(driftless::plan<mig::UserV1>(db).plan.empty());
    CHECK(one(db, "SELECT count(*) FROM pg_constraint WHERE conrelid = 'users'::regclass") == "1");
}

TEST_CASE("postgresql migrate: a constraint the data breaks is refused before any DDL, with the count") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    driftless::migrate<mig::UserV1>(db);
    seed(db);  // nick 'a' twice: the unique constraint would fail
    const std::string before = schema_text(db);
    CHECK_THROWS_WITH_AS(driftless::migrate<mig::UserChecked>(db),
                         doctest::Contains("2 rows of users share a value of the new unique key users_nick_key"), driftless::error);
    CHECK(schema_text(db) == before);
    CHECK(driftless::migration_status(db).size() == 1);
    CHECK_FALSE(db.in_transaction());
}

TEST_CASE("postgresql rollback: what the down SQL discards is measured and refused unless allowed") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    driftless::migrate<mig::UserV1>(db);
    const auto notes = driftless::migrate<mig::UserV1, mig::Note>(db);
    CHECK(notes.down_statements == std::vector<std::string>{R"(DROP TABLE "notes")"});
    seed(db);
    db.execute("INSERT INTO notes (id, user_id, text) VALUES (1, 1, 'x'), (2, 3, 'y')");
    CHECK_THROWS_WITH_AS(driftless::rollback<mig::Note>(db), doctest::Contains("dropping table notes would discard 2 rows"),
                         driftless::error);
    CHECK(one(db, "SELECT count(*) FROM notes") == "2");
    CHECK(driftless::rollback<mig::Note>(db, {.allow_data_loss = true}) == notes.version);
    CHECK(one(db, "SELECT to_regclass('notes') IS NULL") == "t");
    // The newest migration that names users is now version 1.
    CHECK(driftless::rollback<mig::UserV1>(db, {.allow_data_loss = true}) == 1);
    CHECK(driftless::rollback<mig::UserV1>(db) == 0);
}
