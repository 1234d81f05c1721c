// copy_database() from SQLite to SQLite: every value the same storage class and bits after the
// copy (read back here, apart from the copy's digest), types and constraints as written,
// generated columns computed by the target, broken foreign keys found, bad requests refused.
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <unistd.h>
#include <string>
#include <vector>

#include <driftless/sqlite.hpp>

#include "../models/models.hpp"
#include "../support/copy.hpp"

namespace {

using driftless::copy_database;
using driftless::copy_options;

/// Every cell of `sql`'s rows as "type:value", reals by their bits, blobs and texts byte for byte.
std::vector<std::string> cells(const driftless::sqlite::connection& db, const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    std::vector<std::string> out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(st); ++c) {
            switch (sqlite3_column_type(st, c)) {
                case SQLITE_INTEGER: out.push_back("i:" + std::to_string(sqlite3_column_int64(st, c))); break;
                case SQLITE_FLOAT: {
                    const double d = sqlite3_column_double(st, c);
                    std::uint64_t bits = 0;
                    std::memcpy(&bits, &d, sizeof bits);
                    out.push_back("r:" + std::to_string(bits));
                    break;
                }
                case SQLITE_TEXT:
                    out.push_back("t:" + std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, c)),
                                                     static_cast<std::size_t>(sqlite3_column_bytes(st, c))));
                    break;
                case SQLITE_BLOB:
                    out.push_back("b:" + std::string(static_cast<const char*>(sqlite3_column_blob(st, c)),
                                                     static_cast<std::size_t>(sqlite3_column_bytes(st, c))));
                    break;
                default: out.push_back("null");
            }
        }
    }
    sqlite3_finalize(st);
    return out;
}

std::string one(const driftless::sqlite::connection& db, const std::string& sql) {
    const auto v = cells(db, sql);
    REQUIRE(v.size() == 1);
    return v[0];
}

void fill(const driftless::sqlite::connection& src) {
    src.execute(
        "CREATE TABLE anything (id INTEGER PRIMARY KEY, v, j JSON, n NUMERIC, w VARCHAR(3) COLLATE NOCASE);"
        "CREATE TABLE pairs (a TEXT NOT NULL, b INTEGER NOT NULL, note TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID;"
        "CREATE TABLE sums (id INTEGER PRIMARY KEY, x INTEGER, y INTEGER, total INTEGER GENERATED ALWAYS AS (x + y) STORED,"
        "  CHECK (x >= 0));"
        "CREATE TABLE parent (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE);"
        "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id) ON DELETE CASCADE);"
        "CREATE INDEX child_parent ON child (parent_id) WHERE parent_id IS NOT NULL;"
        "INSERT INTO anything VALUES (1, 9223372036854775807, '{\"a\": 1}', 1.5, 'abc'), (2, -9223372036854775808, NULL, '12.50', 'x'),"
        "  (3, 0.1, 'x', 7, NULL), (4, 'caf\xC3\xA9 \xF0\x9F\x98\x80', NULL, NULL, ''), (5, x'00ff0001', NULL, NULL, NULL),"
        "  (6, 'a' || char(0) || 'b', NULL, NULL, NULL), (7, NULL, NULL, NULL, NULL), (8, 1e308, NULL, NULL, NULL);"
        "INSERT INTO pairs VALUES ('b', 2, 'second'), ('a', 1, NULL), ('a', 3, 'tab\there');"
        "INSERT INTO sums (id, x, y) VALUES (1, 2, 3), (2, 10, NULL);"
        "INSERT INTO parent (name) VALUES ('one'), ('two'), ('three'); DELETE FROM parent WHERE name = 'three';"
        "INSERT INTO child VALUES (1, 1), (2, 2), (3, NULL);");
}

}  // namespace

TEST_CASE("copy SQLite -> SQLite: every cell the same type and bits, tables as written, generated columns computed") {
    const auto src = driftless::sqlite::open(":memory:");
    fill(src);
    const auto dst = driftless::sqlite::open(":memory:");
    copy_options o;
    o.batch_rows = 2;
    const driftless::copy_result r = copy_database(src, dst, o);
    test_support::check_all_verified(r, 5);
    // The same engine: nothing left out; a column without a type gets the type of the same affinity.
    CHECK(r.notes == std::vector<std::string>{"table anything: column v has no declared type; created as BLOB (the same affinity: values kept as they are)"});
    for (const char* table : {"anything", "pairs", "sums", "parent", "child"}) {
        CAPTURE(table);
        const std::string all = std::string("SELECT * FROM ") + table + " ORDER BY 1, 2";
        CHECK(cells(dst, all) == cells(src, all));
    }
    CHECK(one(dst, "SELECT total FROM sums WHERE id = 1") == "i:5");
    // The types as the source declares them, the index's WHERE, the collation, AUTOINCREMENT's counter.
    CHECK(one(dst, "SELECT group_concat(name || ' ' || type, ', ') FROM pragma_table_info('anything')") ==
          "t:id INTEGER, v BLOB, j JSON, n NUMERIC, w VARCHAR(3)");
    CHECK(one(dst, "SELECT count(*) FROM anything WHERE w = 'ABC'") == "i:1");
    CHECK(one(dst, "SELECT sql LIKE '%WHERE parent_id IS NOT NULL%' FROM sqlite_schema WHERE name = 'child_parent'") == "i:1");
    CHECK(one(dst, "SELECT sql LIKE '%WITHOUT ROWID%' FROM sqlite_schema WHERE name = 'pairs'") == "i:1");
    dst.execute("INSERT INTO parent (name) VALUES ('four')");
    CHECK(one(dst, "SELECT max(id) FROM parent") == "i:4");  // 3 was used once in the source
    CHECK_THROWS(dst.execute("INSERT INTO sums (id, x, y) VALUES (3, -1, 1)"));  // the CHECK came along
}

TEST_CASE("copy SQLite -> SQLite: broken foreign keys found after the load; bad requests refused before it") {
    const auto src = driftless::sqlite::open(":memory:");
    fill(src);
    src.execute("PRAGMA foreign_keys = OFF; INSERT INTO child VALUES (9, 42)");
    {
        const auto dst = driftless::sqlite::open(":memory:");
        dst.execute("PRAGMA foreign_keys = ON");
        CHECK_THROWS_WITH_AS(copy_database(src, dst), doctest::Contains("table child row 9 refers to a missing row of parent"), driftless::error);
        CHECK(one(dst, "PRAGMA foreign_keys") == "i:1");  // restored
    }
    src.execute("DELETE FROM child WHERE id = 9");

    const auto dst = driftless::sqlite::open(":memory:");
    CHECK_THROWS_WITH_AS(copy_database(src, src), doctest::Contains("the same database"), driftless::error);
    copy_options o;
    o.tables = {"parent", "nope"};
    CHECK_THROWS_WITH_AS(copy_database(src, dst, o), doctest::Contains("the source has no table 'nope'; it has: anything, child, pairs, parent, sums"),
                         driftless::error);
    o.tables = {"child"};  // its foreign key's table is not copied: left out, said so
    const auto r = copy_database(src, dst, o);
    REQUIRE(r.notes.size() == 1);
    CHECK(r.notes[0] == "table child: foreign key child_parent_id_fkey to parent left out (parent is not copied)");
    CHECK(one(dst, "SELECT count(*) FROM child") == "i:3");
    CHECK(cells(dst, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE '\\_driftless%' ESCAPE '\\'") ==
          std::vector<std::string>{"t:child"});
    // Rows there: refused before anything changes, naming the table and its rows.
    CHECK_THROWS_WITH_AS(copy_database(src, dst, o), doctest::Contains("the target already has rows in child (3 rows); nothing was copied"),
                         driftless::error);
    CHECK(one(dst, "SELECT count(*) FROM child") == "i:3");
    o.existing = driftless::existing_rows::truncate;
    CHECK(copy_database(src, dst, o).tables[0].rows == 3);
    CHECK(one(dst, "SELECT count(*) FROM child") == "i:3");
    o.batch_rows = 0;
    CHECK_THROWS_WITH_AS(copy_database(src, dst, o), doctest::Contains("batch_rows must be at least 1"), driftless::error);

    // A file onto itself, through a second connection, is the same database.
    const auto dir = std::filesystem::temp_directory_path() / ("driftless_copy_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    {
        const auto file = driftless::sqlite::open((dir / "app.db").string());
        fill(file);
        const auto again = driftless::sqlite::open((dir / "." / "app.db").string());
        copy_options t;
        t.existing = driftless::existing_rows::truncate;
        CHECK_THROWS_WITH_AS(copy_database(file, again, t), doctest::Contains("the same database"), driftless::error);
        CHECK(one(file, "SELECT count(*) FROM anything") == "i:8");
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("copy SQLite -> SQLite: every table read in one snapshot; rows another connection adds during the copy are not taken") {
    std::filesystem::remove("snapshot_source.db");
    std::filesystem::remove("snapshot_source.db-wal");
    const auto src = driftless::sqlite::open("snapshot_source.db");
    src.execute("PRAGMA journal_mode = WAL");
    src.execute("CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id));"
                "INSERT INTO p VALUES (1), (2); INSERT INTO c VALUES (1, 1)");
    const auto writer = driftless::sqlite::open("snapshot_source.db");
    test_support::check_copy_reads_one_snapshot(src, [&] { writer.execute("INSERT INTO p VALUES (3); INSERT INTO c VALUES (2, 3)"); });
    CHECK(sqlite3_get_autocommit(src.handle()) != 0);  // the copy's read transaction is over
    CHECK(one(src, "SELECT count(*) FROM c") == "i:2");
}

TEST_CASE("copy SQLite -> SQLite: killed with SIGKILL at 20 points or more, each run going on where the one before stopped; the end "
          "result is the source's rows") {
    const auto dir = std::filesystem::temp_directory_path() / ("driftless_resume_target_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const std::string target = (dir / "target.db").string();
    test_support::copy_resume_source_killed("lite", [&] { return driftless::sqlite::open(target); });
    {
        const auto from = driftless::sqlite::open(":memory:");  // the source again, to compare with
        test_support::fill_resume_source(from);
        const auto to = driftless::sqlite::open(target);
        test_support::check_resume_target(to, "lower(hex(data))");
        for (const char* table : {"p", "c", "loose"}) {  // and every cell the same storage class and bytes
            CAPTURE(table);
            CHECK(cells(to, std::string("SELECT * FROM ") + table + " ORDER BY rowid") == cells(from, std::string("SELECT * FROM ") + table + " ORDER BY rowid"));
        }
        CHECK(one(to, "SELECT count(*) FROM _driftless_copy") == "i:0");  // finished: nothing left to go on with
        CHECK(one(to, "SELECT count(*) FROM pragma_foreign_key_check") == "i:0");
        // Finished, the copy is not under way any more: another one is refused as for any target with rows.
        CHECK_THROWS_WITH_AS(copy_database(from, to), doctest::Contains("the target already has rows in"), driftless::error);
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("copy SQLite -> SQLite: a copy that stopped goes on after its last batch; a keyless table starts again; truncate starts over") {
    const auto dir = std::filesystem::temp_directory_path() / ("driftless_resume_stop_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const std::string source = (dir / "source.db").string(), target = (dir / "target.db").string();
    const auto from = driftless::sqlite::open(source);
    test_support::fill_resume_source(from);
    const auto to = driftless::sqlite::open(target);
    copy_options o;
    o.batch_rows = 10;
    // Stopped by an error (here the observer's) in loose, which has no key: 10 of its rows written.
    o.observer = [](const driftless::copy_event& e) {
        if (e.table == "loose" && e.rows == 10) throw std::runtime_error("stopped in loose");
    };
    CHECK_THROWS_WITH(copy_database(from, to, o), "stopped in loose");
    CHECK(one(to, "SELECT count(*) FROM loose") == "i:10");
    // The next run empties loose and copies it from its start; it stops after p's twelfth batch
    // (120 rows written and recorded).
    o.observer = [](const driftless::copy_event& e) {
        if (e.table == "p" && e.rows == 120) throw std::runtime_error("stopped in p");
    };
    CHECK_THROWS_WITH(copy_database(from, to, o), "stopped in p");
    CHECK(one(to, "SELECT count(*) FROM loose") == "i:15");
    CHECK(one(to, "SELECT count(*) FROM p") == "i:120");
    CHECK(one(to, "SELECT last_key FROM _driftless_copy WHERE table_name = 'p'") == "i:360");
    // The last goes on after p's key 360.
    std::vector<driftless::copy_event> seen;
    o.observer = [&](const driftless::copy_event& e) { seen.push_back(e); };
    const driftless::copy_result r = copy_database(from, to, o);
    REQUIRE(r.tables.size() == 3);
    for (const auto& t : r.tables) {
        CAPTURE(t.name);
        CHECK(t.verified);
        CHECK(t.resumed_rows == (t.name == "p" ? 120 : t.name == "loose" ? 15 : 0));
    }
    const auto p_start = std::find_if(seen.begin(), seen.end(), [](const auto& e) { return e.table == "p"; });
    REQUIRE(p_start != seen.end());
    CHECK(p_start->rows == 120);  // p's load starts at the rows copied before
    CHECK(p_start->total == 250);
    test_support::check_resume_target(to, "lower(hex(data))");
    // Another source's progress is not taken: a copy from a different file into the same target
    // with progress left by the first is refused as for any target with rows.
    o.observer = [](const driftless::copy_event& e) {
        if (e.table == "c" && e.rows == 40) throw std::runtime_error("stopped in c");
    };
    o.existing = driftless::existing_rows::truncate;
    CHECK_THROWS_WITH(copy_database(from, to, o), "stopped in c");
    CHECK(one(to, "SELECT count(*) FROM c") == "i:40");
    CHECK(one(to, "SELECT count(*) FROM p") == "i:250");  // truncate started p over and finished it
    CHECK(one(to, "SELECT count(*) FROM _driftless_copy") == "i:3");
    std::filesystem::copy_file(source, dir / "other.db");
    o.existing = driftless::existing_rows::refuse;
    o.observer = {};
    CHECK_THROWS_WITH_AS(copy_database(driftless::sqlite::open((dir / "other.db").string()), to, o),
                         doctest::Contains("the target already has rows in"), driftless::error);
    const driftless::copy_result again = copy_database(from, to, o);
    CHECK(again.tables.size() == 3);
    test_support::check_resume_target(to, "lower(hex(data))");
    std::filesystem::remove_all(dir);
}

TEST_CASE("copy<Ts...>: the models' tables in the target, the source's columns read by the models' names") {
    using pfr_models::Group;
    using pfr_models::Membership;
    using pfr_models::User;
    const auto src = driftless::sqlite::open(":memory:");
    src.execute(
        "CREATE TABLE users (karma INTEGER NOT NULL DEFAULT 0, id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT, legacy INTEGER);"
        "CREATE TABLE \"group\" (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL);"
        "CREATE TABLE memberships (group_id INTEGER NOT NULL, user_id INTEGER NOT NULL, joined_at TEXT NOT NULL, PRIMARY KEY (user_id, group_id));"
        "INSERT INTO users VALUES (5, 1, 'a@example.com', 'Ann', 1), (-2, 2, 'b@example.com', NULL, 0), (0, 7, 'c@example.com', 'C\xE2\x82\xAC', NULL);"
        "INSERT INTO \"group\" (title) VALUES ('admins'), ('users');"
        "INSERT INTO memberships VALUES (1, 1, '2024-01-02 03:04:05'), (2, 1, '2024-02-03 04:05:06'), (2, 7, '2025-12-31 23:59:59');");
    const auto dst = driftless::sqlite::open(":memory:");
    const driftless::copy_result r = driftless::copy<User, Group, Membership>(src, dst);
    test_support::check_all_verified(r, 3);
    CHECK(r.notes == std::vector<std::string>{"table users: column legacy is not in the model; not copied"});
    // The target is what migrate<User, Group, Membership> makes: it has nothing left to do.
    CHECK(driftless::plan<User, Group, Membership>(dst).plan.empty());
    CHECK(cells(dst, "SELECT id, email, name, karma FROM users ORDER BY id") ==
          std::vector<std::string>{"i:1", "t:a@example.com", "t:Ann", "i:5", "i:2", "t:b@example.com", "null", "i:-2", "i:7",
                                   "t:c@example.com", "t:C\xE2\x82\xAC", "i:0"});
    CHECK(cells(dst, "SELECT user_id, group_id, joined_at FROM memberships ORDER BY user_id, group_id") ==
          std::vector<std::string>{"i:1", "i:1", "t:2024-01-02 03:04:05", "i:1", "i:2", "t:2024-02-03 04:05:06", "i:7", "i:2",
                                   "t:2025-12-31 23:59:59"});
    CHECK(one(dst, "SELECT seq FROM sqlite_sequence WHERE name = 'group'") == "i:2");

    // A column a model has and the source lacks: refused before anything changes.
    const auto narrow = driftless::sqlite::open(":memory:");
    narrow.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, karma INTEGER NOT NULL DEFAULT 0)");
    const auto empty = driftless::sqlite::open(":memory:");
    CHECK_THROWS_WITH_AS(driftless::copy<User>(narrow, empty), doctest::Contains("the source's table users has no column 'email', which the model has"),
                         driftless::error);
    CHECK_THROWS_WITH_AS(driftless::copy<Group>(narrow, empty), doctest::Contains("the source has no table 'group', which the models have"),
                         driftless::error);
    CHECK(one(empty, "SELECT count(*) FROM sqlite_schema") == "i:0");
    copy_options o;
    o.tables = {"users"};
    CHECK_THROWS_WITH_AS(driftless::copy<User>(src, empty, o), doctest::Contains("leave copy_options::tables empty"), driftless::error);
}
