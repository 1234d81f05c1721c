// Migration files on PostgreSQL: generate, apply_migration_file, apply_migrations, verify,
// baseline, rollback of a file's down section; a failing file leaves nothing behind.
#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include <driftless/postgresql.hpp>

#include "../support/files.hpp"
#include "pg_support.hpp"

namespace pgfl {
struct User {
    std::int64_t id;
    std::string email;
};
struct UserV2 {  // karma added, an index
    std::int64_t id;
    std::string email;
    std::int32_t karma;
};
}  // namespace pgfl

template <>
inline constexpr auto driftless::customize::table<pgfl::UserV2> =
    driftless::table<pgfl::UserV2>("user").default_value(&pgfl::UserV2::karma, 0).index("user_by_email", &pgfl::UserV2::email);

using pg_test::one;
using pg_test::schema_text;

namespace {

namespace fs = std::filesystem;

fs::path scratch_dir(const std::string& name) { return test_support::fresh_dir("pg_files_test_" + name); }

using test_support::read;
using test_support::write;

}  // namespace

TEST_CASE("postgresql files: generate -> apply -> status -> generate again -> rollback, with the exact schema back") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    const fs::path dir = scratch_dir("round_trip");
    const auto first = driftless::generate<pgfl::User>(db, dir, {.description = "users"});
    REQUIRE(first.written);
    CHECK(first.path.filename() == "0001_user.sql");
    const std::string text = read(first.path);
    CHECK(text.find("-- driftless:up\nCREATE TABLE \"user\" (") != std::string::npos);
    CHECK(text.find("-- driftless:down\nDROP TABLE \"user\";") != std::string::npos);
    CHECK(one(db, "SELECT to_regclass('\"user\"') IS NULL") == "t");  // generate alone changes nothing

    const auto applied = driftless::apply_migrations(db, dir);
    CHECK(applied.applied == std::vector<std::string>{"0001_user.sql"});
    const auto status = driftless::migration_status(db);
    REQUIRE(status.size() == 1);
    CHECK(status[0].kind == "file");
    CHECK(status[0].version == 1);
    CHECK(status[0].checksum == driftless::read_migration_file(first.path).checksum);
    CHECK(driftless::apply_migrations(db, dir).skipped == std::vector<std::string>{"0001_user.sql"});
    CHECK_FALSE(driftless::generate<pgfl::User>(db, dir).written);

    const std::string v1 = schema_text(db);
    db.execute("INSERT INTO \"user\" (id, email) VALUES (1, 'a'), (2, 'b')");
    const auto second = driftless::generate<pgfl::UserV2>(db, dir, {.apply = true});
    CHECK(second.path.filename() == "0002_user_v2.sql");
    CHECK(second.applied);
    CHECK(second.statements == std::vector<std::string>{R"(ALTER TABLE "user" ADD COLUMN "karma" INTEGER NOT NULL DEFAULT 0)",
                                                        R"(CREATE INDEX "user_by_email" ON "user" ("email"))"});
    CHECK(driftless::plan<pgfl::UserV2>(db).plan.empty());
    CHECK(driftless::verify<pgfl::UserV2>(db, dir).drift() == false);
    CHECK(driftless::verify<pgfl::User>(db, dir).schema.size() == 2);

    // The newest migration's down section; karma's values are defaults, and dropping them is a loss.
    CHECK_THROWS_WITH_AS(driftless::rollback_table(db, ""),
                         doctest::Contains("dropping column user.karma would discard 2 non-null values"), driftless::error);
    CHECK(driftless::rollback_table(db, "", {.allow_data_loss = true}) == 2);
    CHECK(schema_text(db) == v1);
    CHECK(one(db, "SELECT count(*) FROM \"user\"") == "2");
    // The rolled-back file is pending again.
    CHECK(driftless::verify_files(driftless::read_migration_dir(dir), driftless::migration_status(db)).pending ==
          std::vector<std::string>{"0002_user_v2.sql"});
    CHECK(driftless::apply_migrations(db, dir).applied == std::vector<std::string>{"0002_user_v2.sql"});
}

TEST_CASE("postgresql files: a changed file is refused; a failing file leaves no DDL and no row; lines are named") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    const fs::path dir = scratch_dir("refusals");
    write(dir / "0001_a.sql", "-- driftless:up\nCREATE TABLE a (id INT PRIMARY KEY, v TEXT);\n-- driftless:down\nDROP TABLE a;\n");
    driftless::apply_migrations(db, dir);
    write(dir / "0001_a.sql", "-- driftless:up\nCREATE TABLE a (id BIGINT PRIMARY KEY, v TEXT);\n-- driftless:down\nDROP TABLE a;\n");
    CHECK_THROWS_WITH_AS(driftless::apply_migrations(db, dir), doctest::Contains("changed after it was applied as version 1"),
                         driftless::error);
    CHECK(driftless::verify_files(db, dir).changed.size() == 1);
    write(dir / "0001_a.sql", "-- driftless:up\nCREATE TABLE a (id INT PRIMARY KEY, v TEXT);\n-- driftless:down\nDROP TABLE a;\n");

    const std::string before = schema_text(db);
    write(dir / "0002_b.sql",
          "-- driftless:up\nCREATE TABLE b (id INT);\n\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;\n"
          "ALTER TABLE nowhere ADD COLUMN x INT;\n-- driftless:down\nDROP TABLE b;\n");
    CHECK_THROWS_WITH_AS(driftless::apply_migrations(db, dir),
                         doctest::Contains("in '0002_b.sql' (line 5): relation \"nowhere\" does not exist"), driftless::error);
    CHECK(schema_text(db) == before);
    CHECK(one(db, "SELECT to_regprocedure('f()') IS NULL") == "t");
    CHECK(driftless::migration_status(db).size() == 1);

    write(dir / "0002_b.sql", "-- driftless:up\nBEGIN;\nCREATE TABLE b (id INT);\nCOMMIT;\n-- driftless:down\nDROP TABLE b;\n");
    CHECK_THROWS_WITH_AS(driftless::apply_migrations(db, dir), doctest::Contains("leave transaction control out"),
                         driftless::error);
}

TEST_CASE("postgresql files: losses measured, allowed by the marker; baseline; dry run") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    const fs::path dir = scratch_dir("losses");
    write(dir / "0001_a.sql", "-- driftless:up\nCREATE TABLE a (id INT PRIMARY KEY, v TEXT);\nINSERT INTO a VALUES (1, 'x'), (2, NULL);\n");
    driftless::apply_migrations(db, dir);
    write(dir / "0002_clear.sql", "-- driftless:up\nUPDATE a SET v = NULL;\n");
    CHECK_THROWS_WITH_AS(driftless::apply_migrations(db, dir), doctest::Contains("clearing 1 of 1 non-null values of a.v"),
                         driftless::error);
    CHECK(one(db, "SELECT v FROM a WHERE id = 1") == "x");
    const auto dry = driftless::apply_migrations(db, dir, {.dry_run = true});
    CHECK(dry.statements == std::vector<std::string>{"UPDATE a SET v = NULL"});
    write(dir / "0002_clear.sql", "-- driftless:up\n-- driftless:allow-data-loss\nUPDATE a SET v = NULL;\n");
    CHECK(driftless::apply_migrations(db, dir).applied == std::vector<std::string>{"0002_clear.sql"});
    CHECK(one(db, "SELECT count(v) FROM a") == "0");

    pg_test::scratch_database other;
    auto fresh = other.connect();
    driftless::baseline(fresh, 2);
    CHECK(driftless::apply_migrations(fresh, dir).skipped.size() == 2);
    CHECK_THROWS_WITH_AS(driftless::baseline(fresh, 1), doctest::Contains("already records version 2"), driftless::error);
}
