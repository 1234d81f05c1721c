// Every SQLite statement rendered for the shared models runs on a real (in-memory) SQLite
// database, and what SQLite then reports matches the model.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <driftless/sqlite.hpp>

#include "../models/models.hpp"

namespace {

using driftless::dialect;

std::vector<std::vector<std::string>> rows(const driftless::sqlite::connection& db, const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    std::vector<std::vector<std::string>> out;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        std::vector<std::string> row;
        for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
            const auto* text = sqlite3_column_text(stmt, i);
            row.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text) : "NULL");
        }
        out.push_back(std::move(row));
    }
    sqlite3_finalize(stmt);
    return out;
}

std::string one(const driftless::sqlite::connection& db, const std::string& sql) {
    const auto r = rows(db, sql);
    REQUIRE(r.size() == 1);
    return r[0][0];
}

template <class... Ts>
void create_all(const driftless::sqlite::connection& db) {
    (
        [&] {
            for (const std::string& statement : driftless::create_table_statements<Ts>(dialect::sqlite)) {
                CAPTURE(statement);
                CHECK_NOTHROW(db.execute(statement));
            }
        }(),
        ...);
}

template <class T>
void check_columns(const driftless::sqlite::connection& db) {
    constexpr auto& t = driftless::table_v<T>;
    const auto info = rows(db, "SELECT name, \"notnull\", pk FROM pragma_table_xinfo(" +
                                   driftless::quote_text(t.name, dialect::sqlite) + ") ORDER BY cid");
    REQUIRE(info.size() == t.columns.size());
    for (std::size_t i = 0; i < info.size(); ++i) {
        CAPTURE(t.columns[i].name);
        CHECK(info[i][0] == t.columns[i].name);
        CHECK((info[i][1] == "1") == !t.columns[i].nullable());
        CHECK((info[i][2] != "0") == t.columns[i].primary_key());
    }
    const auto indexes = rows(db, "SELECT name FROM pragma_index_list(" + driftless::quote_text(t.name, dialect::sqlite) +
                                      ") WHERE origin = 'c'");
    CHECK(indexes.size() == t.indexes.size());
}


}  // namespace

#define DRIFTLESS_ALL_MODELS(NS)                                                                                     \
    NS::User, NS::Group, NS::AllTypes, NS::Membership, NS::Post, NS::OrderLine, NS::Event, NS::Setting, NS::Account, \
        NS::Employee, NS::Document, NS::Odd, NS::AuditLog

TEST_CASE("create_table_statements: every model's SQLite DDL executes") {
    auto db = driftless::sqlite::open(":memory:");
    db.execute("PRAGMA foreign_keys = ON");
    SUBCASE("Boost.PFR models") {
        create_all<DRIFTLESS_ALL_MODELS(pfr_models)>(db);
        [&]<class... Ts>() { (check_columns<Ts>(db), ...); }.template operator()<DRIFTLESS_ALL_MODELS(pfr_models)>();
    }
    SUBCASE("Boost.Describe models") {
        create_all<DRIFTLESS_ALL_MODELS(described_models)>(db);
        [&]<class... Ts>() { (check_columns<Ts>(db), ...); }.template
        operator()<DRIFTLESS_ALL_MODELS(described_models)>();
    }
    CHECK(rows(db, "PRAGMA foreign_key_check").empty());
    CHECK(one(db, "PRAGMA integrity_check") == "ok");
    CHECK(one(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") == "13");
}

TEST_CASE("create_table_sql: defaults survive the trip through SQLite exactly") {
    auto db = driftless::sqlite::open(":memory:");
    db.execute(driftless::create_table_sql<pfr_models::Setting>(dialect::sqlite));
    db.execute("INSERT INTO settings (key) VALUES ('k')");
    const auto r = rows(db, "SELECT empty, quoted, backslash, negative, enabled, disabled, ratio, note FROM settings");
    REQUIRE(r.size() == 1);
    CHECK(r[0][0] == "");
    CHECK(r[0][1] == "it's \"x\"; DROP TABLE users; --");
    CHECK(r[0][2] == "C:\\temp\\' OR 1=1");
    CHECK(r[0][3] == "-42");
    CHECK(r[0][4] == "1");
    CHECK(r[0][5] == "0");
    CHECK(r[0][6] == "-1.5");
    CHECK(r[0][7] == "NULL");
    CHECK(one(db, "SELECT count(*) FROM sqlite_schema") == "2");  // the table and its key's autoindex
}

TEST_CASE("create_table_sql: constraints behave as declared") {
    auto db = driftless::sqlite::open(":memory:");
    db.execute("PRAGMA foreign_keys = ON");
    create_all<pfr_models::User, pfr_models::Group, pfr_models::Membership, pfr_models::Post, pfr_models::Employee,
               pfr_models::OrderLine, pfr_models::Document, pfr_models::Event>(db);
    db.execute("INSERT INTO users (id, email) VALUES (1, 'a@x'), (2, 'b@x')");
    db.execute("INSERT INTO \"group\" (title) VALUES ('g')");
    CHECK(one(db, "SELECT id FROM \"group\"") == "1");  // AUTOINCREMENT
    db.execute("INSERT INTO memberships (user_id, group_id) VALUES (1, 1), (2, 1)");
    CHECK(one(db, "SELECT count(*) FROM memberships WHERE joined_at LIKE '____-__-__ __:__:__'") == "2");
    db.execute("INSERT INTO posts (id, author_id, slug, title) VALUES (1, 1, 's', 't')");
    CHECK(one(db, "SELECT state FROM posts") == "draft");

    SUBCASE("unique") { CHECK_THROWS_AS(db.execute("INSERT INTO users (id, email) VALUES (3, 'a@x')"), driftless::error); }
    SUBCASE("enum check") {
        CHECK_THROWS_AS(db.execute("UPDATE posts SET state = 'nope'"), driftless::error);
        CHECK_NOTHROW(db.execute("UPDATE posts SET state = 'published'"));
    }
    SUBCASE("named check") {
        CHECK_THROWS_AS(db.execute("INSERT INTO order_line (id, order_no, line_no, price, discount) VALUES (1, 1, 1, 1, 2)"),
                        driftless::error);
        CHECK_THROWS_AS(db.execute("INSERT INTO order_line (id, order_no, line_no, price, quantity) VALUES (1, 1, 1, 1, 0)"),
                        driftless::error);
    }
    SUBCASE("ON DELETE CASCADE and RESTRICT") {
        CHECK_THROWS_AS(db.execute("DELETE FROM \"group\""), driftless::error);  // RESTRICT from memberships
        db.execute("DELETE FROM users WHERE id = 1");
        CHECK(one(db, "SELECT count(*) FROM memberships") == "1");
        CHECK(one(db, "SELECT count(*) FROM posts") == "0");
    }
    SUBCASE("ON DELETE SET NULL on a self reference") {
        db.execute("INSERT INTO employees (id, manager_id, badge) VALUES (1, NULL, 'a'), (2, 1, 'b')");
        CHECK(one(db, "SELECT grade FROM employees WHERE id = 2") == "1");
        db.execute("DELETE FROM employees WHERE id = 1");
        CHECK(one(db, "SELECT manager_id FROM employees") == "NULL");
    }
    SUBCASE("partial index is used for live rows only") {
        CHECK(one(db, "SELECT sql FROM sqlite_schema WHERE name = 'posts_live_by_title'")
                  .ends_with("WHERE deleted_at IS NULL"));
    }
    SUBCASE("expression and date defaults") {
        db.execute("INSERT INTO documents (id, ref) VALUES (1, x'00')");
        CHECK(one(db, "SELECT title || revision FROM documents") == "untitled1");
        db.execute("INSERT INTO events (id) VALUES (1)");
        CHECK(one(db, "SELECT valid_from FROM events") == "2000-01-01");
    }
}

TEST_CASE("sqlite::connection: errors carry the extended code and the statement") {
    auto db = driftless::sqlite::open(":memory:");
    db.execute("CREATE TABLE t (a INTEGER PRIMARY KEY)");
    db.execute("INSERT INTO t VALUES (1)");
    try {
        db.execute("INSERT INTO t VALUES (1)");
        FAIL("no exception");
    } catch (const driftless::error& e) {
        CHECK(e.code() == driftless::errc::engine);
        CHECK(e.native_code() == SQLITE_CONSTRAINT_PRIMARYKEY);
        CHECK(e.statement() == "INSERT INTO t VALUES (1)");
        CHECK(std::string(e.what()).starts_with("driftless.sqlite.execute: UNIQUE constraint failed: t.a"));
    }
    CHECK_THROWS_WITH_AS(driftless::sqlite::open("/nonexistent-dir/x.db"), doctest::Contains("cannot open"),
                         driftless::error);
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(":memory:", &raw) == SQLITE_OK);
    {
        auto borrowed = driftless::sqlite::borrow(raw);
        borrowed.execute("CREATE TABLE b (x)");
    }
    CHECK(sqlite3_exec(raw, "INSERT INTO b VALUES (1)", nullptr, nullptr, nullptr) == SQLITE_OK);  // still open
    sqlite3_close(raw);
}
