// Migration files and rollback on MariaDB: generate, apply_migrations, verify, baseline and
// rollback; what a file or a down section would discard counted before anything runs; a file
// that fails halfway is recorded dirty at its step, stops every later run, and runs only its
// remaining steps once a person repairs it and marks the row 'resume'.
#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <driftless/mysql.hpp>
#include <driftless/mysql/losses.hpp>

#include "../support/files.hpp"
#include "my_support.hpp"

namespace myfl {
struct User {
    std::int64_t id;
    std::string email;
};
struct UserV2 {  // karma added, an index
    std::int64_t id;
    std::string email;
    std::int32_t karma;
};
}  // namespace myfl

template <>
inline constexpr auto driftless::customize::table<myfl::User> = driftless::table<myfl::User>("user").length(&myfl::User::email, 100);
template <>
inline constexpr auto driftless::customize::table<myfl::UserV2> = driftless::table<myfl::UserV2>("user")
                                                                       .length(&myfl::UserV2::email, 100)
                                                                       .default_value(&myfl::UserV2::karma, 0)
                                                                       .index("user_by_email", &myfl::UserV2::email);

using my_test::one;
using my_test::schema_text;

namespace {

namespace fs = std::filesystem;

fs::path scratch_dir(const std::string& name) { return test_support::fresh_dir("my_files_test_" + name); }

using test_support::read;
using test_support::write;

std::vector<std::string> problems_of(const driftless::mysql::connection& db, const std::vector<std::string>& statements) {
    return driftless::mysql::detail::predict_losses(db, driftless::mysql::introspect(db), statements).problems;
}

}  // namespace

TEST_CASE("mysql files: generate -> apply -> status -> generate again -> rollback, with the exact schema back") {
    my_test::scratch_database scratch;
    auto db = scratch.connect();
    const fs::path dir = scratch_dir("round_trip");
    const auto first = driftless::generate<myfl::User>(db, dir, {.description = "users"});
    REQUIRE(first.written);
    CHECK(first.path.filename() == "0001_user.sql");
    const std::string text = read(first.path);
    CHECK(text.find("-- driftless:up\nCREATE TABLE `user` (") != std::string::npos);
    CHECK(text.find("-- driftless:down\nDROP TABLE `user`;") != std::string::npos);
    CHECK(one(db, "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()") == "0");  // nothing changed

    const auto applied = driftless::apply_migrations(db, dir);
    CHECK(applied.applied == std::vector<std::string>{"0001_user.sql"});
    auto status = driftless::migration_status(db);
    REQUIRE(status.size() == 1);
    CHECK(status[0].kind == "file");
    CHECK(status[0].state == "applied");
    CHECK(status[0].statements_done == 1);
    CHECK(status[0].checksum == driftless::read_migration_file(first.path).checksum);
    CHECK(driftless::apply_migrations(db, dir).skipped == std::vector<std::string>{"0001_user.sql"});
    CHECK_FALSE(driftless::generate<myfl::User>(db, dir).written);

    const std::string v1 = schema_text(db);
    db.execute("INSERT INTO `user` (id, email) VALUES (1, 'a'), (2, 'b')");
    const auto second = driftless::generate<myfl::UserV2>(db, dir, {.apply = true});
    CHECK(second.path.filename() == "0002_user_v2.sql");
    CHECK(second.applied);
    CHECK(second.statements == std::vector<std::string>{"ALTER TABLE `user` ADD COLUMN `karma` INT NOT NULL DEFAULT 0, ALGORITHM=INSTANT",
                                                        "CREATE INDEX `user_by_email` ON `user` (`email`)"});
    CHECK(driftless::plan<myfl::UserV2>(db).plan.empty());
    CHECK(driftless::verify<myfl::UserV2>(db, dir).drift() == false);
    CHECK(driftless::verify<myfl::User>(db, dir).schema.size() == 2);

    // The down section drops karma, whose values are defaults: counted before anything runs.
    CHECK_THROWS_WITH_AS(driftless::rollback_table(db, ""),
                         doctest::Contains("dropping column user.karma would discard 2 non-null values"), driftless::error);
    CHECK(one(db, "SELECT count(karma) FROM `user`") == "2");
    CHECK(driftless::rollback_table(db, "", {.allow_data_loss = true}) == 2);
    CHECK(schema_text(db) == v1);
    CHECK(one(db, "SELECT count(*) FROM `user`") == "2");
    status = driftless::migration_status(db);
    REQUIRE(status.size() == 2);
    CHECK(status[1].rolled_back());
    CHECK(status[1].state == "applied");
    // The rolled-back file is pending again, and applies again.
    CHECK(driftless::verify_files(db, dir).pending == std::vector<std::string>{"0002_user_v2.sql"});
    CHECK(driftless::apply_migrations(db, dir).applied == std::vector<std::string>{"0002_user_v2.sql"});
    CHECK(driftless::plan<myfl::UserV2>(db).plan.empty());
}

TEST_CASE("mysql rollback<T>: a model migration undone, its table's rows kept") {
    my_test::scratch_database scratch;
    auto db = scratch.connect();
    driftless::migrate<myfl::User>(db);
    const std::string v1 = schema_text(db);
    db.execute("INSERT INTO `user` (id, email) VALUES (1, 'a')");
    driftless::migrate<myfl::UserV2>(db);
    CHECK(driftless::rollback<myfl::UserV2>(db, {.allow_data_loss = true}) == 2);
    CHECK(schema_text(db) == v1);
    CHECK(one(db, "SELECT email FROM `user`") == "a");
    // The first migration created the table, which holds a row: refused, with the count.
    CHECK_THROWS_WITH_AS(driftless::rollback<myfl::User>(db), doctest::Contains("dropping table user would discard 1 rows"),
                         driftless::error);
    CHECK(one(db, "SELECT count(*) FROM `user`") == "1");
    CHECK(driftless::rollback<myfl::User>(db, {.allow_data_loss = true}) == 1);
    CHECK(one(db, "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'user'") == "0");
    CHECK(driftless::rollback<myfl::User>(db) == 0);  // nothing left to undo
}

TEST_CASE("mysql files: losses counted before a file runs, allowed by the marker; baseline; dry run; refusals") {
    my_test::scratch_database scratch;
    auto db = scratch.connect();
    const fs::path dir = scratch_dir("losses");
    write(dir / "0001_a.sql",
          "-- driftless:up\nCREATE TABLE a (id INT PRIMARY KEY, v VARCHAR(20), n VARCHAR(10));\n"
          "INSERT INTO a VALUES (1, 'x', '12'), (2, NULL, 'abc'), (3, 'y', NULL);\n");
    CHECK(driftless::apply_migrations(db, dir).applied.size() == 1);
    write(dir / "0002_clear.sql", "-- driftless:up\nALTER TABLE a ADD COLUMN w INT;\nUPDATE a SET v = NULL WHERE id = 1;\n");
    CHECK_THROWS_WITH_AS(driftless::apply_migrations(db, dir), doctest::Contains("clearing 1 of 1 non-null values of a.v"),
                         driftless::error);
    // Refused before anything ran: the first statement did not run either.
    CHECK(one(db, "SELECT count(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND COLUMN_NAME = 'w'") == "0");
    CHECK(one(db, "SELECT v FROM a WHERE id = 1") == "x");
    CHECK(driftless::migration_status(db).size() == 1);
    const auto dry = driftless::apply_migrations(db, dir, {.dry_run = true});
    CHECK(dry.statements == std::vector<std::string>{"ALTER TABLE a ADD COLUMN w INT", "UPDATE a SET v = NULL WHERE id = 1"});
    write(dir / "0002_clear.sql",
          "-- driftless:up\n-- driftless:allow-data-loss\nALTER TABLE a ADD COLUMN w INT;\nUPDATE a SET v = NULL WHERE id = 1;\n");
    CHECK(driftless::apply_migrations(db, dir).applied == std::vector<std::string>{"0002_clear.sql"});
    CHECK(one(db, "SELECT count(v) FROM a") == "1");

    // Transaction control is refused; a changed file is refused.
    write(dir / "0003_tx.sql", "-- driftless:up\nSTART TRANSACTION;\nCREATE TABLE b (id INT);\nCOMMIT;\n");
    CHECK_THROWS_WITH_AS(driftless::apply_migrations(db, dir), doctest::Contains("leave transaction control out"), driftless::error);
    fs::remove(dir / "0003_tx.sql");
    write(dir / "0001_a.sql", "-- driftless:up\nCREATE TABLE a (id BIGINT PRIMARY KEY);\n");
    CHECK_THROWS_WITH_AS(driftless::apply_migrations(db, dir), doctest::Contains("changed after it was applied as version 1"),
                         driftless::error);

    my_test::scratch_database other;
    auto fresh = other.connect();
    driftless::baseline(fresh, 2);
    CHECK(driftless::apply_migrations(fresh, dir).skipped.size() == 2);
    CHECK_THROWS_WITH_AS(driftless::baseline(fresh, 1), doctest::Contains("already records version 2"), driftless::error);
}

TEST_CASE("mysql files: what each kind of statement would discard, counted on the data as it is") {
    my_test::scratch_database scratch;
    auto db = scratch.connect();
    db.execute("CREATE TABLE a (id INT PRIMARY KEY, v VARCHAR(20), n VARCHAR(10), big BIGINT)");
    db.execute("INSERT INTO a VALUES (1, 'x', '12', 5), (2, NULL, 'abc', 70000), (3, 'y', NULL, NULL)");
    db.execute("CREATE TABLE e (id INT)");
    CHECK(problems_of(db, {"DROP TABLE IF EXISTS a, e"}) == std::vector<std::string>{"dropping table a would discard 3 rows"});
    CHECK(problems_of(db, {"TRUNCATE TABLE a"}) == std::vector<std::string>{"removing 3 of 3 rows of a"});
    CHECK(problems_of(db, {"DELETE FROM a WHERE v IS NULL"}) == std::vector<std::string>{"removing 1 of 3 rows of a"});
    // Followed through renames: the column and the table keep their names in the message.
    CHECK(problems_of(db, {"ALTER TABLE a RENAME COLUMN v TO w", "RENAME TABLE a TO b", "ALTER TABLE b DROP COLUMN w, ADD COLUMN z INT"}) ==
          std::vector<std::string>{"dropping column a.v would discard 2 non-null values"});
    // A type change: each value stored in the new type and compared.
    CHECK(problems_of(db, {"ALTER TABLE a MODIFY n INT NULL"}) ==
          std::vector<std::string>{"changing a.n to INT would alter 1 of 2 non-null values (e.g. abc)"});
    CHECK(problems_of(db, {"ALTER TABLE a CHANGE COLUMN big small SMALLINT"}) ==
          std::vector<std::string>{"changing a.big to SMALLINT would alter 1 of 2 non-null values (e.g. 70000)"});
    CHECK(problems_of(db, {"ALTER TABLE a MODIFY COLUMN big BIGINT NOT NULL DEFAULT 0"}).empty());
    CHECK(driftless::mysql::detail::predict_losses(db, driftless::mysql::introspect(db), {"ALTER TABLE a MODIFY big BIGINT NOT NULL"})
              .impossible == std::vector<std::string>{"1 NULLs block NOT NULL on a.big"});
    // What the script created holds nothing of value; indexes and keys are not columns.
    CHECK(problems_of(db, {"CREATE TABLE c (id INT)", "INSERT INTO c VALUES (1)", "DROP TABLE c"}).empty());
    CHECK(problems_of(db, {"ALTER TABLE a DROP INDEX v, DROP PRIMARY KEY", "DROP TABLE e"}).empty());
    CHECK(problems_of(db, {"UPDATE a SET v = concat(v, '!'), n = NULLIF(n, '12')"}) ==
          std::vector<std::string>{"clearing 1 of 2 non-null values of a.n"});
    CHECK(one(db, "SELECT count(*) FROM a") == "3");  // counting changed nothing
}

TEST_CASE("mysql files: MySQL's own syntax is read as the server reads it; what cannot be counted is named, not let through") {
    my_test::scratch_database scratch;
    auto db = scratch.connect();
    db.execute("CREATE TABLE t (id INT PRIMARY KEY, a INT, b VARCHAR(20), email VARCHAR(50))");
    db.execute("INSERT INTO t VALUES (1, 1, 'x', 'p@x'), (2, NULL, 'y', 'q@x'), (3, 3, 'z', 'q@x')");
    const auto first = [&](const std::vector<std::string>& statements) {
        const auto p = problems_of(db, statements);
        return p.empty() ? std::string("(none)") : p.front();
    };
    // Counted exactly, whatever the spelling.
    CHECK(first({"CREATE OR REPLACE TABLE t (id INT)"}) == "dropping table t would discard 3 rows");
    CHECK(first({"DROP TABLES t"}) == "dropping table t would discard 3 rows");
    CHECK(first({"RENAME TABLES t TO u", "DROP TABLE u"}) == "dropping table t would discard 3 rows");
    CHECK(first({"DROP TABLE # old\nt"}) == "dropping table t would discard 3 rows");
    CHECK(first({"/*!DROP TABLE t*/"}) == "dropping table t would discard 3 rows");
    CHECK(first({"DELETE FROM t # purge\nWHERE id = 1"}) == "removing 1 of 3 rows of t");
    CHECK(first({"DELETE IGNORE FROM t"}) == "removing 3 of 3 rows of t");
    CHECK(first({"DELETE QUICK FROM t WHERE a IS NULL"}) == "removing 1 of 3 rows of t");
    CHECK(first({"UPDATE t SET b = 'don\\'t', email = NULL"}) == "clearing 3 of 3 non-null values of t.email");
    CHECK(first({"UPDATE t SET b = 'q' -- note\n, email = NULL WHERE id = 2"}) == "clearing 1 of 1 non-null values of t.email");
    // What cannot be counted is named as a problem.
    CHECK(first({"UPDATE t AS x SET x.a = NULL"}).find("statement 1 (UPDATE t AS x") == 0);
    CHECK(first({"UPDATE t SET a = DEFAULT"}).find("counting it failed") != std::string::npos);
    CHECK(first({"ALTER IGNORE TABLE t ADD UNIQUE (email)"}).find("may delete rows of t") != std::string::npos);
    CHECK(first({"INSERT INTO t VALUES (1, 1, 'x', 'p@x') ON DUPLICATE KEY UPDATE email = NULL"}).find("may overwrite values of t") !=
          std::string::npos);
    CHECK(first({"REPLACE INTO t VALUES (1, 1, 'x', 'p@x')"}).find("replaces rows of t") != std::string::npos);
    CHECK(first({"UPDATE t SET b = 'gone' WHERE id < 3", "DELETE FROM t WHERE b = 'gone'"})
              .find("statement 2 (DELETE FROM t WHERE b = 'gone') removes rows of t after an earlier statement changed that table") == 0);
    CHECK(first({"ALTER TABLE t ADD COLUMN tmp INT DEFAULT 1", "DELETE FROM t WHERE tmp = 1"}).find("counting it failed") !=
          std::string::npos);
    CHECK(first({"DROP DATABASE other"}).find("drops a whole database") != std::string::npos);
    CHECK(first({"CALL cleanup()"}).find("runs a stored procedure") != std::string::npos);
    // Lossless widenings are not losses; a backfill before NOT NULL can be allowed, not blocked.
    CHECK(problems_of(db, {"ALTER TABLE t MODIFY a DECIMAL(12,2)", "ALTER TABLE t MODIFY b VARCHAR(40)"}).empty());
    const auto backfill =
        driftless::mysql::detail::predict_losses(db, driftless::mysql::introspect(db), {"UPDATE t SET a = 0 WHERE a IS NULL", "ALTER TABLE t MODIFY a INT NOT NULL"});
    CHECK(backfill.impossible.empty());
    REQUIRE(backfill.problems.size() == 1);
    CHECK(backfill.problems[0].find("t.a holds 1 NULLs now, before the statements that change its rows") == 0);
    CHECK(one(db, "SELECT count(*) FROM t") == "3");
    CHECK(one(db, "SELECT count(email) FROM t") == "3");
}

TEST_CASE("mysql files: a file failing at step k is dirty there, blocks every run, and resumes after repair") {
    my_test::scratch_database scratch;
    auto db = scratch.connect();
    const fs::path dir = scratch_dir("dirty");
    write(dir / "0001_a.sql",
          "-- driftless:up\nCREATE TABLE a (id INT PRIMARY KEY, email VARCHAR(50));\nINSERT INTO a VALUES (1, 'same'), (2, 'same');\n"
          "\nCREATE UNIQUE INDEX a_email ON a (email);\nALTER TABLE a ADD COLUMN karma INT NOT NULL DEFAULT 0;\n"
          "-- driftless:down\nDROP TABLE a;\n");
    CHECK_THROWS_WITH_AS(driftless::apply_migrations(db, dir),
                         doctest::Contains("in '0001_a.sql' (line 5): migration version 1 stopped at step 3 of 4 (2 applied"),
                         driftless::error);
    auto status = driftless::migration_status(db);
    REQUIRE(status.size() == 1);
    CHECK(status[0].state == "dirty");
    CHECK(status[0].statements_done == 2);
    // Everything else waits: the same file, another file, migrate, rollback, baseline, generate.
    CHECK_THROWS_WITH_AS(driftless::apply_migrations(db, dir), doctest::Contains("is dirty at step 3 of 4"), driftless::error);
    write(dir / "0002_b.sql", "-- driftless:up\nCREATE TABLE b (id INT);\n");
    CHECK_THROWS_WITH_AS(driftless::apply_migration_file(db, dir / "0002_b.sql"), doctest::Contains("repair --resume"),
                         driftless::error);
    CHECK_THROWS_WITH_AS(driftless::migrate<myfl::User>(db), doctest::Contains("driftless.mysql.dirty"), driftless::error);
    CHECK_THROWS_WITH_AS(driftless::rollback_table(db, ""), doctest::Contains("driftless.mysql.dirty"), driftless::error);
    CHECK_THROWS_WITH_AS(driftless::baseline(db, 5), doctest::Contains("driftless.mysql.dirty"), driftless::error);
    // Repaired by hand and marked: only steps 3 and 4 run, in the same row.
    db.execute("UPDATE a SET email = 'other' WHERE id = 2");
    db.execute("UPDATE _driftless_migrations SET state = 'resume' WHERE version = 1");
    // A dry run lists the rest of the marked file, then the next file.
    const auto dry = driftless::apply_migrations(db, dir, {.dry_run = true});
    CHECK(dry.applied == std::vector<std::string>{"0001_a.sql", "0002_b.sql"});
    CHECK(dry.statements.size() == 3);
    CHECK(driftless::migration_status(db)[0].state == "resume");
    fs::remove(dir / "0002_b.sql");
    const auto resumed = driftless::apply_migrations(db, dir);
    CHECK(resumed.applied == std::vector<std::string>{"0001_a.sql"});
    CHECK(resumed.statements.size() == 2);
    CHECK(one(db, "SELECT count(*) FROM a") == "2");  // the INSERT did not run again
    status = driftless::migration_status(db);
    REQUIRE(status.size() == 1);
    CHECK(status[0].state == "applied");
    CHECK(status[0].statements_done == 4);
    CHECK(one(db, "SELECT sum(karma) FROM a") == "0");
}

TEST_CASE("mysql rollback: a down section failing halfway is recorded 'rollback dirty' and stops later runs") {
    my_test::scratch_database scratch;
    auto db = scratch.connect();
    const fs::path dir = scratch_dir("rollback_dirty");
    write(dir / "0001_a.sql",
          "-- driftless:up\nCREATE TABLE a (id INT);\nCREATE TABLE b (id INT);\n"
          "-- driftless:down\nDROP TABLE b;\nDROP TABLE nowhere;\nDROP TABLE a;\n");
    driftless::apply_migrations(db, dir);
    CHECK_THROWS_WITH_AS(driftless::rollback_table(db, ""),
                         doctest::Contains("the rollback of migration version 1 stopped at step 2 of 3"), driftless::error);
    auto status = driftless::migration_status(db);
    REQUIRE(status.size() == 1);
    CHECK(status[0].state == "rollback dirty");
    CHECK(status[0].statements_done == 1);
    CHECK_FALSE(status[0].rolled_back());
    CHECK_THROWS_WITH_AS(driftless::apply_migrations(db, dir), doctest::Contains("the rollback of version 1"), driftless::error);
}

TEST_CASE("mysql files: a statement the server would read as two runs as one or fails; the second never runs") {
    my_test::scratch_database scratch;
    auto db = scratch.connect();
    const fs::path dir = scratch_dir("smuggled");
    db.execute("CREATE TABLE a (v VARCHAR(40))");
    db.execute("CREATE TABLE b (id INT)");
    // Under NO_BACKSLASH_ESCAPES the server ends the string at \' and would see DROP TABLE b as a
    // second statement; driftless's splitter reads one INSERT. Multi-statement mode is off while a
    // file runs, so the server refuses the text instead of running the DROP.
    db.execute("SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',NO_BACKSLASH_ESCAPES')");
    write(dir / "0001_x.sql", "-- driftless:up\nINSERT INTO a VALUES ('x\\'); DROP TABLE b; -- ');\n");
    CHECK_THROWS_WITH_AS(driftless::apply_migrations(db, dir), doctest::Contains("stopped at step 1 of 1"), driftless::error);
    CHECK(one(db, "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'b'") == "1");
    CHECK(one(db, "SELECT count(*) FROM a") == "0");
    // The connection is back in multi-statement mode afterwards.
    CHECK(db.batch("SELECT 1; SELECT 2").size() == 2);
}
