// Migration files on SQLite: generate, apply_migration_file, apply_migrations, verify, baseline,
// and rollback of a file's down section.
#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include <driftless/sqlite.hpp>

#include "../support/files.hpp"

namespace fl {
struct User {
    std::int64_t id;
    std::string email;
};
struct UserV2 {  // karma added, an index
    std::int64_t id;
    std::string email;
    std::int32_t karma;
};
struct UserV3 {  // email's type changed: a rebuild
    std::int64_t id;
    std::int64_t email;
    std::int32_t karma;
};
}  // namespace fl

template <>
inline constexpr auto driftless::customize::table<fl::UserV2> =
    driftless::table<fl::UserV2>("user").default_value(&fl::UserV2::karma, 0).index("user_by_email", &fl::UserV2::email);
template <>
inline constexpr auto driftless::customize::table<fl::UserV3> =
    driftless::table<fl::UserV3>("user").default_value(&fl::UserV3::karma, 0).index("user_by_email", &fl::UserV3::email);

namespace {

namespace fs = std::filesystem;

/// A fresh, empty directory under the test's working directory.
fs::path scratch(const std::string& name) { return test_support::fresh_dir("files_test_" + name); }

using test_support::read;
using test_support::write;

std::string one(const driftless::sqlite::connection& db, const std::string& sql) {
    auto st = db.prepare(sql);
    REQUIRE(st.step());
    return st.is_null(0) ? "NULL" : st.text(0);
}

}  // namespace

TEST_CASE("file_version and parse_migration_file") {
    CHECK(driftless::file_version("0001_user.sql") == 1);
    CHECK(driftless::file_version("20261130_x.sql") == 20261130);
    CHECK(driftless::file_version("7.sql") == 7);
    CHECK_FALSE(driftless::file_version("user.sql"));
    CHECK_FALSE(driftless::file_version("0001-user.sql"));
    CHECK_FALSE(driftless::file_version("0001_user.txt"));
    // Versions go up to 15 digits, so that the next version is always one more.
    CHECK(driftless::file_version("999999999999999_x.sql") == driftless::max_migration_version);
    CHECK_FALSE(driftless::file_version("1000000000000000_x.sql"));
    CHECK_FALSE(driftless::file_version("9223372036854775807_x.sql"));

    const auto f = driftless::parse_migration_file("0003_add_karma.sql",
                                                   "-- header\n-- driftless:up\nCREATE TABLE a (x);\n-- DRIFTLESS:DOWN  \nDROP TABLE a;\n");
    CHECK(f.version == 3);
    CHECK(f.name == "add_karma");
    CHECK(f.up == "CREATE TABLE a (x);\n");
    CHECK(f.up_line == 3);
    CHECK(f.down_line == 5);
    CHECK(f.down == "DROP TABLE a;\n");
    CHECK_FALSE(f.allow_data_loss);

    SUBCASE("no markers: all up") {
        const auto g = driftless::parse_migration_file("1_x.sql", "CREATE TABLE b (y);\n");
        CHECK(g.up == "CREATE TABLE b (y);\n");
        CHECK(g.down.empty());
    }
    SUBCASE("CRLF and a BOM give the LF checksum") {
        const auto lf = driftless::parse_migration_file("1_x.sql", "CREATE TABLE b (y);\n-- driftless:down\nDROP TABLE b;\n");
        const auto crlf =
            driftless::parse_migration_file("1_x.sql", "\xEF\xBB\xBF" "CREATE TABLE b (y);\r\n-- driftless:down\r\nDROP TABLE b;\r\n");
        CHECK(lf.checksum == crlf.checksum);
        CHECK(crlf.down == "DROP TABLE b;\r\n");  // the file's own bytes run; only the checksum normalises
        CHECK(crlf.up == "CREATE TABLE b (y);\r\n");
    }
    SUBCASE("markers out of order") {
        CHECK_THROWS_WITH_AS(driftless::parse_migration_file("1_x.sql", "-- driftless:down\nA;\n-- driftless:down\nB;\n"),
                             "driftless.files.format: migration file '1_x.sql' has two '-- driftless:down' lines",
                             driftless::error);
        CHECK_THROWS_WITH_AS(driftless::parse_migration_file("user.sql", ""),
                             "driftless.files.name: migration file 'user.sql' is not named NNNN_name.sql (a version "
                             "number, '_', a name)",
                             driftless::error);
    }
    SUBCASE("misspelt markers, SQL above the up marker, version 0") {
        CHECK_THROWS_WITH_AS(driftless::parse_migration_file("1_x.sql", "CREATE TABLE t (x);\n--driftless:down\nDROP TABLE t;\n"),
                             "driftless.files.format: line 2 of migration file '1_x.sql' ('--driftless:down') looks like a "
                             "driftless marker but is not one of '-- driftless:up', '-- driftless:down', "
                             "'-- driftless:allow-data-loss'",
                             driftless::error);
        CHECK_THROWS_WITH_AS(driftless::parse_migration_file("1_x.sql", "-- Driftless : up\nA;\n"),
                             doctest::Contains("looks like a driftless marker"), driftless::error);
        CHECK_THROWS_WITH_AS(driftless::parse_migration_file("1_x.sql", "-- note\nCREATE TABLE a (x);\n-- driftless:up\nB;\n"),
                             "driftless.files.format: migration file '1_x.sql' has SQL before its '-- driftless:up' line "
                             "(line 3), which would never run; move it below the marker",
                             driftless::error);
        CHECK(driftless::parse_migration_file("1_x.sql", "-- driftless is nice: yes\n/* c */\n-- driftless:up\nB;\n").up == "B;\n");
        CHECK_THROWS_WITH_AS(driftless::parse_migration_file("0000_init.sql", "A;"),
                             "driftless.files.name: migration file '0000_init.sql' has version 0; versions start at 1 "
                             "(0001_name.sql)",
                             driftless::error);
    }
    CHECK(driftless::migration_name("AddKarma") == "add_karma");
    CHECK(driftless::migration_name("user, post") == "user_post");
    CHECK(driftless::migration_name("--") == "migration");
}

TEST_CASE("generate: writes 0001_user.sql; applies; re-applying is a no-op; nothing to do writes nothing") {
    const auto dir = scratch("generate");
    auto db = driftless::sqlite::open(":memory:");
    const auto r = driftless::generate<fl::User>(db, dir);
    REQUIRE(r.written);
    CHECK(r.path.filename() == "0001_user.sql");
    CHECK(r.version == 1);
    CHECK(one(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'user'") == "0");  // generate applies nothing
    const std::string text = read(r.path);
    CHECK(text == "-- driftless migration 0001: user\n"
                  "-- from models: user\n"
                  "-- safe create table user\n"
                  "-- driftless:up\n"
                  "CREATE TABLE \"user\" (\n"
                  "  \"id\" INTEGER NOT NULL PRIMARY KEY,\n"
                  "  \"email\" TEXT NOT NULL\n"
                  ");\n"
                  "\n"
                  "-- driftless:down\n"
                  "DROP TABLE \"user\";\n");

    const auto applied = driftless::apply_migration_file(db, r.path);
    CHECK(applied.applied == std::vector<std::string>{"0001_user.sql"});
    const auto status = driftless::migration_status(db);
    REQUIRE(status.size() == 1);
    CHECK(status[0].version == 1);
    CHECK(status[0].kind == "file");
    CHECK(status[0].source == "0001_user.sql");
    CHECK(status[0].description == "user");
    CHECK(status[0].checksum == driftless::migration_checksum(text));
    CHECK(status[0].down_sql == "DROP TABLE \"user\";\n");

    const auto again = driftless::apply_migration_file(db, r.path);
    CHECK(again.applied.empty());
    CHECK(again.skipped == std::vector<std::string>{"0001_user.sql"});
    CHECK(driftless::migration_status(db).size() == 1);

    const auto nothing = driftless::generate<fl::User>(db, dir);
    CHECK_FALSE(nothing.written);
    CHECK(nothing.plan.empty());
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
}

TEST_CASE("generate: the next number, the down section, apply = true, and rollback of a file") {
    const auto dir = scratch("sequence");
    auto db = driftless::sqlite::open(":memory:");
    db.execute("PRAGMA foreign_keys = ON");
    driftless::generate<fl::User>(db, dir, {.apply = true});
    db.execute("INSERT INTO user (id, email) VALUES (1, 'a@x'), (2, 'b@x')");

    SUBCASE("refused while a file is pending") {
        write(dir / "0005_manual.sql", "CREATE TABLE manual (x);\n");
        CHECK_THROWS_WITH_AS(driftless::generate<fl::UserV2>(db, dir), doctest::Contains("driftless.generate.pending: '0005_manual.sql'"),
                             driftless::error);
        driftless::apply_migrations(db, dir);
        const auto r = driftless::generate<fl::UserV2>(db, dir, {.name = "add karma"});
        CHECK(r.path.filename() == "0006_add_karma.sql");  // numbering after a gap
    }
    SUBCASE("add column and index, then a rebuild; down sections restore each shape") {
        const auto before = driftless::sqlite::introspect(db);
        const auto v2 = driftless::generate<fl::UserV2>(db, dir, {.description = "add karma", .apply = true});
        REQUIRE(v2.written);
        CHECK(v2.path.filename() == "0002_user_v2.sql");
        CHECK(v2.applied);
        CHECK(read(v2.path).find("-- driftless migration 0002: add karma\n") == 0);
        const auto after_v2 = driftless::sqlite::introspect(db);
        db.execute("UPDATE user SET karma = 7 WHERE id = 1");

        // email TEXT -> INTEGER alters 'a@x': refused, then allowed and recorded in the file.
        CHECK_THROWS_WITH_AS(driftless::generate<fl::UserV3>(db, dir), doctest::Contains("driftless.plan.lossy: changing user.email"),
                             driftless::error);
        CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 2);
        db.execute("UPDATE user SET email = id * 10");
        const auto v3 = driftless::generate<fl::UserV3>(db, dir);
        REQUIRE(v3.written);
        CHECK(read(v3.path).find("-- driftless:allow-data-loss") == std::string::npos);
        driftless::apply_migrations(db, dir);
        CHECK(one(db, "SELECT group_concat(typeof(email) || ':' || email || ':' || karma) FROM user") == "integer:10:7,integer:20:0");
        CHECK_FALSE(driftless::migrate<fl::UserV3>(db).applied);  // the file brought it exactly to the models

        CHECK(driftless::rollback_table(db, "", {}) == 3);
        CHECK(one(db, "SELECT group_concat(typeof(email) || ':' || email || ':' || karma) FROM user") == "text:10:7,text:20:0");
        CHECK(driftless::sqlite::introspect(db) == after_v2);
        CHECK_THROWS_WITH_AS(driftless::rollback_table(db, "", {}),
                             doctest::Contains("dropping column user.karma would discard 2 non-null values"), driftless::error);
        CHECK(driftless::rollback_table(db, "", {.allow_data_loss = true}) == 2);
        CHECK(driftless::sqlite::introspect(db) == before);
        CHECK(one(db, "PRAGMA foreign_keys") == "1");

        // A rolled-back file is pending again, and applying it replaces its row.
        const auto again = driftless::apply_migrations(db, dir, {.out_of_order = true});
        CHECK(again.applied == std::vector<std::string>{"0002_user_v2.sql", "0003_user_v3.sql"});
        CHECK(driftless::migration_status(db).size() == 3);
        CHECK_FALSE(driftless::migration_status(db)[1].rolled_back());
    }
}

TEST_CASE("apply_migrations: order, checksums, duplicates, out of order, lossy files, transaction control") {
    const auto dir = scratch("apply");
    auto db = driftless::sqlite::open(":memory:");
    write(dir / "0002_b.sql", "-- driftless:up\nCREATE TABLE b (x INTEGER);\nINSERT INTO b VALUES (1);\n-- driftless:down\nDROP TABLE b;\n");
    write(dir / "0001_a.sql", "CREATE TABLE a (x INTEGER);\nCREATE TRIGGER a_t AFTER INSERT ON a BEGIN SELECT 1; SELECT 2; END;\n");
    write(dir / "notes.txt", "not a migration");

    const auto r = driftless::apply_migrations(db, dir);
    CHECK(r.applied == std::vector<std::string>{"0001_a.sql", "0002_b.sql"});
    CHECK(r.statements.size() == 4);
    CHECK(one(db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('a', 'b', 'a_t')") == "3");
    CHECK(driftless::apply_migrations(db, dir).applied.empty());

    SUBCASE("an applied file that changed is refused, naming both checksums") {
        const std::string old_sum = driftless::migration_checksum(read(dir / "0001_a.sql"));
        write(dir / "0001_a.sql", "CREATE TABLE a (x INTEGER, y TEXT);\n");
        const std::string new_sum = driftless::migration_checksum(read(dir / "0001_a.sql"));
        CHECK_THROWS_WITH_AS(driftless::apply_migrations(db, dir),
                             ("driftless.files.checksum: migration file '0001_a.sql' changed after it was applied as version 1 "
                              "(recorded sha256 " + old_sum + ", file now " + new_sum +
                              "); restore the file, or put the change in a new migration file (if the database already is "
                              "as the file says now: driftless repair --accept-checksum 1)").c_str(),
                             driftless::error);
        const auto report = driftless::verify(db, dir);
        CHECK(report.drift());
        CHECK(report.changed.size() == 1);
    }
    SUBCASE("CRLF line endings do not change the checksum") {
        write(dir / "0001_a.sql", "CREATE TABLE a (x INTEGER);\r\nCREATE TRIGGER a_t AFTER INSERT ON a BEGIN SELECT 1; SELECT 2; END;\r\n");
        CHECK(driftless::apply_migrations(db, dir).applied.empty());
        CHECK_FALSE(driftless::verify(db, dir).drift());
    }
    SUBCASE("the file's own bytes run: a lone CR inside a string literal stays a CR") {
        write(dir / "0003_cr.sql", "CREATE TABLE cr (v TEXT);\r\nINSERT INTO cr VALUES ('a\rb');\r\n-- driftless:down\rDROP TABLE cr;\r");
        CHECK(driftless::apply_migrations(db, dir).applied == std::vector<std::string>{"0003_cr.sql"});
        CHECK(one(db, "SELECT hex(v) FROM cr") == "610D62");
        CHECK_FALSE(driftless::verify(db, dir).drift());
        const driftless::migration_file f = driftless::read_migration_file(dir / "0003_cr.sql");
        CHECK(f.up == "CREATE TABLE cr (v TEXT);\r\nINSERT INTO cr VALUES ('a\rb');\r\n");
        CHECK(f.down == "DROP TABLE cr;\r");
        CHECK(f.down_line == 5);  // a lone CR ends a line, as for the checksum
    }
    SUBCASE("a renumbered applied file is not applied again; a missing one stops the run") {
        fs::rename(dir / "0002_b.sql", dir / "0003_b.sql");
        CHECK_THROWS_WITH_AS(driftless::apply_migrations(db, dir),
                             doctest::Contains("driftless.files.renamed: migration file '0003_b.sql' has the same content as version 2"),
                             driftless::error);
        CHECK(one(db, "SELECT count(*) FROM b") == "1");
        fs::remove(dir / "0003_b.sql");
        CHECK_THROWS_WITH_AS(driftless::apply_migrations(db, dir), doctest::Contains("driftless.files.missing: version 2"),
                             driftless::error);
        CHECK_THROWS_WITH_AS(driftless::apply_migrations(db, dir / "no_such_dir"), doctest::Contains("driftless.files"),
                             driftless::error);
        CHECK(driftless::apply_migrations(db, dir, {.ignore_missing = true}).applied.empty());
        CHECK(driftless::migration_status(db).size() == 2);
    }
    SUBCASE("two files with one version") {
        write(dir / "0002_c.sql", "CREATE TABLE c (x);\n");
        CHECK_THROWS_WITH_AS(driftless::apply_migrations(db, dir), doctest::Contains("driftless.files.duplicate_version: '0002_"),
                             driftless::error);
    }
    SUBCASE("out of order") {
        write(dir / "0004_d.sql", "CREATE TABLE d (x);\n");
        driftless::apply_migrations(db, dir);
        write(dir / "0003_c.sql", "CREATE TABLE c (x);\n");
        CHECK_THROWS_WITH_AS(driftless::apply_migrations(db, dir),
                             "driftless.files.out_of_order: migration file '0003_c.sql' (version 3) is not applied, but "
                             "version 4 already is; renumber it, or pass out_of_order to apply it anyway",
                             driftless::error);
        CHECK(driftless::verify(db, dir).pending == std::vector<std::string>{"0003_c.sql"});
        CHECK(driftless::apply_migrations(db, dir, {.out_of_order = true}).applied == std::vector<std::string>{"0003_c.sql"});
    }
    SUBCASE("a file that drops data needs permission, from the caller or the file") {
        write(dir / "0003_drop.sql", "DROP TABLE b;\n");
        CHECK_THROWS_WITH_AS(driftless::apply_migrations(db, dir),
                             "driftless.files.lossy: applying '0003_drop.sql': dropping table b would discard 1 rows; pass "
                             "allow_data_loss (or, after review, add the line '-- driftless:allow-data-loss' to the file) to "
                             "proceed",
                             driftless::error);
        CHECK(one(db, "SELECT count(*) FROM b") == "1");
        write(dir / "0003_drop.sql", "-- driftless:allow-data-loss\nDROP TABLE b;\n");
        CHECK(driftless::apply_migrations(db, dir).applied.size() == 1);
    }
    SUBCASE("data loss is measured, however the file spells it") {
        db.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, email TEXT, nick TEXT)");
        db.execute("INSERT INTO people VALUES (1, 'a@x', NULL), (2, 'b@x', NULL)");
        const auto refused = [&](const std::string& sql, const std::string& message) {
            write(dir / "0003_x.sql", sql);
            CHECK_THROWS_WITH_AS(driftless::apply_migrations(db, dir), doctest::Contains(message.c_str()), driftless::error);
            CHECK(one(db, "SELECT count(email) FROM people") == "2");
            fs::remove(dir / "0003_x.sql");
        };
        refused("DROP TABLE People;", "dropping table people would discard 2 rows");
        refused("ALTER TABLE main.people DROP COLUMN email;", "dropping column people.email would discard 2 non-null values");
        refused("ALTER TABLE people RENAME TO gone;\nDROP TABLE gone;", "dropping table people would discard 2 rows");
        refused("CREATE TABLE n (id INTEGER PRIMARY KEY, email TEXT, nick TEXT);\n"
                "INSERT INTO n SELECT id, NULL AS email, nick FROM people;\nDROP TABLE people;\nALTER TABLE n RENAME TO people;",
                "clearing 2 of 2 non-null values of people.email");
        refused("DELETE FROM people WHERE id = 1;", "removing 1 of 2 rows of people");
        refused("UPDATE people SET email = NULL;", "clearing 2 of 2 non-null values of people.email");
        // A temporary table of the same name does not stand in for the table being counted.
        refused("CREATE TEMP TABLE people AS SELECT * FROM main.people;\nDELETE FROM main.people;",
                "removing 2 of 2 rows of people");
        CHECK(one(db, "SELECT count(*) FROM temp.sqlite_schema") == "0");
        // A column added and dropped again, a rebuild that keeps everything, a rename: nothing lost.
        write(dir / "0003_x.sql", "ALTER TABLE people ADD COLUMN tmp TEXT;\nUPDATE people SET tmp = email;\n"
                                  "ALTER TABLE people DROP COLUMN tmp;\nALTER TABLE people RENAME COLUMN email TO mail;\n"
                                  "CREATE TABLE n (id INTEGER PRIMARY KEY, mail TEXT NOT NULL, nick TEXT);\n"
                                  "INSERT INTO n (id, mail, nick) SELECT id, mail, nick FROM people;\nDROP TABLE people;\n"
                                  "ALTER TABLE n RENAME TO people;\n");
        CHECK(driftless::apply_migrations(db, dir).applied.size() == 1);
        CHECK(one(db, "SELECT group_concat(mail) FROM people") == "a@x,b@x");
    }
    SUBCASE("transaction control in either section is refused when the file is applied") {
        write(dir / "0003_tx.sql", "CREATE TABLE t (x);\n-- driftless:down\nDROP TABLE t;\nCOMMIT;\n");
        CHECK_THROWS_WITH_AS(driftless::apply_migrations(db, dir),
                             doctest::Contains("driftless.files.transaction: the down section of migration file '0003_tx.sql' "
                                               "contains 'COMMIT'"),
                             driftless::error);
        CHECK(one(db, "SELECT count(*) FROM sqlite_schema WHERE name = 't'") == "0");
    }
    SUBCASE("rollback of a model's migration is refused behind a newer file") {
        write(dir / "0003_t.sql", "CREATE TABLE t (x);\n-- driftless:down\nDROP TABLE t;\n");
        driftless::apply_migrations(db, dir);
        CHECK_THROWS_WITH_AS(driftless::rollback_table(db, "a", {}), doctest::Contains("driftless.rollback.newer_file"),
                             driftless::error);
        CHECK(driftless::rollback_table(db, "", {}) == 3);
    }
    SUBCASE("transaction control is refused; a failing statement rolls the whole file back") {
        write(dir / "0003_tx.sql", "BEGIN;\nCREATE TABLE t (x);\nCOMMIT;\n");
        CHECK_THROWS_WITH_AS(driftless::apply_migrations(db, dir), doctest::Contains("driftless.files.transaction"), driftless::error);
        write(dir / "0003_tx.sql", "CREATE TABLE t (x);\nINSERT INTO nowhere VALUES (1);\n");
        try {
            driftless::apply_migrations(db, dir);
            FAIL("expected an error");
        } catch (const driftless::error& e) {
            CHECK(std::string(e.what()).find("in '0003_tx.sql' (line 2): no such table: nowhere") != std::string::npos);
            CHECK(e.statement() == "INSERT INTO nowhere VALUES (1)");
        }
        CHECK(one(db, "SELECT count(*) FROM sqlite_schema WHERE name = 't'") == "0");
        CHECK(driftless::migration_status(db).size() == 2);
    }
    SUBCASE("a last statement without ';' runs; an unterminated string is refused before anything runs") {
        write(dir / "0003_last.sql", "-- driftless:up\nCREATE TABLE t (x);\nINSERT INTO t VALUES ('a;b')");
        CHECK(driftless::apply_migrations(db, dir).statements == std::vector<std::string>{"CREATE TABLE t (x)", "INSERT INTO t VALUES ('a;b')"});
        write(dir / "0004_open.sql", "-- driftless:up\nCREATE TABLE u (x);\nINSERT INTO u VALUES ('oops);\n");
        CHECK_THROWS_WITH_AS(driftless::apply_migrations(db, dir),
                             "driftless.files.unterminated: in '0004_open.sql' (lines counted from its up section, which "
                             "starts on line 2): unterminated string starting on line 2",
                             driftless::error);
        CHECK(one(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'u'") == "0");
    }
    SUBCASE("missing files are reported") {
        fs::remove(dir / "0002_b.sql");
        const auto report = driftless::verify(db, dir);
        CHECK(report.missing == std::vector<std::string>{"version 2 ('0002_b.sql') was applied, but its file is gone"});
    }
}

TEST_CASE("baseline and verify with models") {
    const auto dir = scratch("baseline");
    auto db = driftless::sqlite::open(":memory:");
    db.execute("CREATE TABLE \"user\" (\"id\" INTEGER NOT NULL, \"email\" TEXT NOT NULL, PRIMARY KEY (\"id\"))");
    write(dir / "0001_user.sql", "CREATE TABLE \"user\" (\"id\" INTEGER NOT NULL, \"email\" TEXT NOT NULL, PRIMARY KEY (\"id\"));\n");
    write(dir / "0002_more.sql", "CREATE TABLE more (x);\n");
    CHECK(driftless::verify<fl::User>(db, dir).pending.size() == 2);
    driftless::baseline(db, 1);
    const auto report = driftless::verify<fl::User>(db, dir);
    CHECK(report.pending == std::vector<std::string>{"0002_more.sql"});
    CHECK(report.schema.empty());
    const auto v2 = driftless::verify<fl::UserV2>(db, dir).schema;
    CHECK(v2 == std::vector<std::string>{"safe add column user.karma: (none) -> INTEGER NOT NULL",
                                         "safe create index user.user_by_email: (none) -> email"});
    CHECK(driftless::apply_migrations(db, dir).applied == std::vector<std::string>{"0002_more.sql"});
    CHECK(driftless::migration_status(db)[0].kind == "baseline");
    CHECK_THROWS_WITH_AS(driftless::baseline(db, 2), doctest::Contains("driftless.baseline.behind"), driftless::error);
    CHECK_THROWS_WITH_AS(driftless::rollback_table(db, "", {}), doctest::Contains("driftless.rollback.no_down"),
                         driftless::error);
}

TEST_CASE("baseline and generate: versions stop at max_migration_version instead of wrapping around") {
    const auto dir = scratch("version_limit");
    auto db = driftless::sqlite::open(":memory:");
    CHECK_THROWS_WITH_AS(driftless::baseline(db, 9223372036854775807), doctest::Contains("driftless.baseline.version"),
                         driftless::error);
    CHECK_THROWS_WITH_AS(driftless::baseline(db, driftless::max_migration_version + 1),
                         doctest::Contains("driftless.baseline.version"), driftless::error);
    CHECK(driftless::migration_status(db).empty());
    driftless::baseline(db, driftless::max_migration_version);
    CHECK_THROWS_WITH_AS(driftless::generate<fl::User>(db, dir), doctest::Contains("driftless.files.version_limit"),
                         driftless::error);
    CHECK(fs::is_empty(dir));
    CHECK_THROWS_WITH_AS(driftless::migrate<fl::User>(db), doctest::Contains("driftless.files.version_limit"), driftless::error);
    CHECK(driftless::migration_status(db).size() == 1);
    CHECK(one(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'user'") == "0");
}
