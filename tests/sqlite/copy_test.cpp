// copy_database() from SQLite to SQLite: every value the same storage class and bits after the
// copy (read back here, apart from the copy's digest), types and constraints as written,
// generated columns computed by the target, broken foreign keys found, bad requests refused.
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <unistd.h>
#include <string>
#include <vector>

#include <driftless/sqlite.hpp>

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
    REQUIRE(r.tables.size() == 5);
    for (const auto& t : r.tables) {
        CAPTURE(t.name);
        CHECK(t.verified);
    }
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
