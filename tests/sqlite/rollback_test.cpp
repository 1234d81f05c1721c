// rollback<T>(): the most recent migration of T's table, undone with its recorded down SQL; data
// is never dropped without allow_data_loss.
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>

#include <driftless/sqlite.hpp>

namespace rb {
struct Member {
    std::int64_t id;
    std::string email;
    std::optional<std::int32_t> age;
};
struct MemberV2 {  // age renamed to years, bio added
    std::int64_t id;
    std::string email;
    std::optional<std::int32_t> years;
    std::optional<std::string> bio;
};
struct Club {
    std::int64_t id;
    std::string name;
};
struct ClubV2 {
    std::int64_t id;
    std::string name;
    std::optional<std::string> city;
};
}  // namespace rb

template <> inline constexpr auto driftless::customize::table<rb::Member> = driftless::table<rb::Member>("members");
template <> inline constexpr auto driftless::customize::table<rb::Club> = driftless::table<rb::Club>("clubs");
template <> inline constexpr auto driftless::customize::table<rb::ClubV2> = driftless::table<rb::ClubV2>("clubs");
template <>
inline constexpr auto driftless::customize::table<rb::MemberV2> =
    driftless::table<rb::MemberV2>("members").renamed(&rb::MemberV2::years, "age").index("members_by_email", &rb::MemberV2::email);

namespace {
std::string one(const driftless::sqlite::connection& db, const std::string& sql) {
    auto st = db.prepare(sql);
    REQUIRE(st.step());
    return st.is_null(0) ? "NULL" : st.text(0);
}
}  // namespace

TEST_CASE("rollback: undoes a create; a table with rows needs allow_data_loss") {
    auto db = driftless::sqlite::open(":memory:");
    CHECK(driftless::rollback<rb::Member>(db) == 0);  // nothing recorded yet
    driftless::migrate<rb::Member>(db);
    SUBCASE("empty table") {
        CHECK(driftless::rollback<rb::Member>(db) == 1);
        CHECK(one(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'members'") == "0");
    }
    SUBCASE("rows") {
        db.execute("INSERT INTO members (id, email) VALUES (1, 'a'), (2, 'b')");
        CHECK_THROWS_WITH_AS(driftless::rollback<rb::Member>(db),
                             "driftless.rollback.lossy: rolling back version 1: dropping table members would discard 2 "
                             "rows; pass allow_data_loss to proceed",
                             driftless::error);
        CHECK(one(db, "SELECT count(*) FROM members") == "2");
        CHECK_FALSE(driftless::migration_status(db)[0].rolled_back());
        CHECK(driftless::rollback<rb::Member>(db, {.allow_data_loss = true}) == 1);
    }
    const auto status = driftless::migration_status(db);
    REQUIRE(status.size() == 1);
    CHECK(status[0].rolled_back());
    CHECK(status[0].rolled_back_at->back() == 'Z');
    CHECK(driftless::rollback<rb::Member>(db) == 0);  // nothing left to roll back
    CHECK(driftless::migrate<rb::Member>(db).version == 2);  // and migrating again creates it anew
}

TEST_CASE("rollback: undoes an alteration, renames included, keeping the rows") {
    auto db = driftless::sqlite::open(":memory:");
    db.execute("PRAGMA foreign_keys = ON");
    driftless::migrate<rb::Member>(db);
    db.execute("INSERT INTO members (id, email, age) VALUES (1, 'a', 30), (2, 'b', NULL)");
    CHECK(driftless::migrate<rb::MemberV2>(db).version == 2);
    db.execute("UPDATE members SET bio = 'hello' WHERE id = 1");

    CHECK_THROWS_WITH_AS(driftless::rollback<rb::MemberV2>(db),
                         doctest::Contains("dropping column members.bio would discard 1 non-null values"),
                         driftless::error);
    CHECK(driftless::rollback<rb::MemberV2>(db, {.allow_data_loss = true}) == 2);
    CHECK(one(db, "SELECT group_concat(coalesce(age, 'null'), ',') FROM (SELECT age FROM members ORDER BY id)") == "30,null");
    CHECK(one(db, "PRAGMA foreign_keys") == "1");
    CHECK_FALSE(driftless::migrate<rb::Member>(db).applied);  // back exactly at version 1's shape
    const auto status = driftless::migration_status(db);
    REQUIRE(status.size() == 2);
    CHECK_FALSE(status[0].rolled_back());
    CHECK(status[1].rolled_back());
}

TEST_CASE("split_statements: ends statements where SQLite says they end") {
    const auto parts = driftless::sqlite::detail::split_statements(
        "CREATE TABLE \"a;b\" (x TEXT DEFAULT ';\n');\nCREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; SELECT 2; END;\n"
        "DROP TABLE y;\n");
    REQUIRE(parts.size() == 3);
    CHECK(parts[0] == "CREATE TABLE \"a;b\" (x TEXT DEFAULT ';\n')");
    CHECK(parts[1] == "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; SELECT 2; END");
    CHECK(parts[2] == "DROP TABLE y");
}

TEST_CASE("rollback<T>: a migration that also changed other tables is refused, naming them, unless whole_migration") {
    auto db = driftless::sqlite::open(":memory:");
    driftless::migrate<rb::Member, rb::Club>(db);  // version 1 creates both tables
    try {
        driftless::rollback<rb::Club>(db);
        FAIL("rollback<Club> would have dropped members too");
    } catch (const driftless::error& e) {
        CHECK(e.id() == "driftless.rollback.other_tables");
        CHECK(std::string(e.what()).find("also changed members") != std::string::npos);
        CHECK(std::string(e.what()).find("whole_migration") != std::string::npos);
    }
    CHECK(one(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('members', 'clubs')") == "2");
    // A later migration that changed clubs alone is undone alone; members' latest change is still
    // version 1 (version 2 ran with Member but did not change it).
    driftless::migrate<rb::Member, rb::ClubV2>(db);
    CHECK_THROWS_WITH_AS(driftless::rollback<rb::Member>(db), doctest::Contains("is version 1 (members, clubs), which also changed clubs"),
                         driftless::error);
    CHECK(driftless::rollback<rb::ClubV2>(db) == 2);
    CHECK(one(db, "SELECT count(*) FROM pragma_table_info('clubs') WHERE name = 'city'") == "0");
    // Told to, the whole of version 1 is undone.
    CHECK(driftless::rollback<rb::Club>(db, {.whole_migration = true}) == 1);
    CHECK(one(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('members', 'clubs')") == "0");
}
