// One statement per call on SQLite: connection::execute_one, through which driftless runs every
// migration statement, refuses text holding a second statement or a NUL byte before anything runs.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include <driftless/sqlite.hpp>

namespace {
/// The single integer a query returns.
std::int64_t scalar(const driftless::sqlite::connection& db, const std::string& sql) {
    auto st = db.prepare(sql);
    REQUIRE(st.step());
    return st.integer(0);
}
}  // namespace

TEST_CASE("sqlite connection::execute_one: exactly one statement, no NUL byte") {
    auto db = driftless::sqlite::open(":memory:");
    db.execute("CREATE TABLE victim (id INTEGER); INSERT INTO victim VALUES (1)");
    const auto victims = [&] {
        auto st = db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'victim'");
        REQUIRE(st.step());
        return st.integer(0);
    };
    CHECK_THROWS_WITH_AS(db.execute_one("CREATE TABLE t (x); DROP TABLE victim"), doctest::Contains("driftless.sqlite.statements"),
                         driftless::error);
    CHECK_THROWS_WITH_AS(db.execute_one("CREATE TABLE t (x); garbage"), doctest::Contains("driftless.sqlite.statements"),
                         driftless::error);
    CHECK_THROWS_WITH_AS(db.execute_one(std::string("DELETE FROM victim WHERE id = 2\0 OR 1", 37)), doctest::Contains("driftless.sql.nul"),
                         driftless::error);
    CHECK(victims() == 1);
    {
        auto st = db.prepare("SELECT count(*) FROM victim");
        REQUIRE(st.step());
        CHECK(st.integer(0) == 1);
    }
    // What may follow: blanks and comments.
    CHECK(db.execute_one("INSERT INTO victim VALUES (2), (3); -- two rows\n  /* and nothing else */ ") == 2);
    CHECK(db.execute_one("CREATE TABLE t (x)") == 0);
}

TEST_CASE("sqlite runner::execute_statements: a statement holding a second one is refused, nothing runs") {
    auto db = driftless::sqlite::open(":memory:");
    db.execute("CREATE TABLE victim (id INTEGER)");
    const auto e = driftless::sqlite::make_engine(db);
    std::vector<std::string> seen;
    driftless::runner::statement_run run;
    run.observer = [&](const driftless::statement_event& ev) { seen.emplace_back(ev.sql); };
    const std::vector<std::string> statements{"CREATE TABLE a (x)", "SELECT 1; DROP TABLE victim"};
    CHECK_THROWS_WITH_AS(driftless::runner::execute_statements(*e, statements, run),
                         doctest::Contains("driftless.sqlite.statements"), driftless::error);
    CHECK(seen == std::vector<std::string>{"CREATE TABLE a (x)", "CREATE TABLE a (x)", "SELECT 1; DROP TABLE victim",
                                           "SELECT 1; DROP TABLE victim"});
    auto st = db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'victim'");
    REQUIRE(st.step());
    CHECK(st.integer(0) == 1);
}

TEST_CASE("sqlite migrate_schema: a check hiding its end in [...] or backticks is refused, nothing runs") {
    // SQLite reads [x'] and `x'` as identifiers, so a quote inside them cannot keep what follows
    // inside the CHECK: the fragment check reads every fragment with SQLite's quoting too.
    for (const char* hostile : {"1 = CAST(1 AS [x'])) ); DROP TABLE victim; /*')",
                                "1 = CAST(1 AS `x'`)) ); DROP TABLE victim; /*')"}) {
        CAPTURE(hostile);
        auto db = driftless::sqlite::open(":memory:");
        db.execute("CREATE TABLE victim (id INTEGER); INSERT INTO victim VALUES (1)");
        driftless::schema s;
        driftless::table_info t;
        t.name = "t";
        t.columns.push_back({.name = "id", .type = driftless::to_column_type(driftless::types::integer())});
        t.checks.push_back({"c", hostile});
        s.tables.push_back(t);
        CHECK_THROWS_WITH_AS(driftless::migrate_schema(db, s, {}, "hostile"), doctest::Contains("driftless.render.fragment"),
                             driftless::error);
        CHECK(scalar(db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('victim', 't')") == 1);
        CHECK(scalar(db, "SELECT count(*) FROM victim") == 1);
    }
}

TEST_CASE("sqlite rebuild: a stored view whose text holds a second statement is refused, nothing runs") {
    // A tampered sqlite_schema entry: SQLite loads the view from the first statement and ignores
    // the rest, but a rebuild recreates views from that text; it must run as exactly one statement.
    const auto path = std::filesystem::temp_directory_path() / ("driftless_tampered_" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(path);
    {
        auto db = driftless::sqlite::open(path.string());
        db.execute("CREATE TABLE items (id INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL)");
        db.execute("CREATE TABLE victim (x INTEGER); INSERT INTO victim VALUES (1)");
        db.execute("CREATE VIEW v AS SELECT * FROM items");
        db.execute("PRAGMA writable_schema = ON");
        db.execute("UPDATE sqlite_schema SET sql = 'CREATE VIEW v AS SELECT * FROM items; DROP TABLE victim' WHERE name = 'v'");
        db.execute("PRAGMA writable_schema = OFF");
    }
    auto db = driftless::sqlite::open(path.string());
    driftless::schema desired = driftless::sqlite::introspect(db);
    std::erase_if(desired.tables, [](const driftless::table_info& t) { return t.name != "items"; });
    REQUIRE(desired.tables.size() == 1);
    desired.tables[0].checks.push_back({"items_name", "length(name) > 0"});  // a rebuild, recreating v
    CHECK_THROWS_AS(driftless::migrate_schema(db, desired, {}, "tampered"), driftless::error);
    CHECK(scalar(db, "SELECT count(*) FROM victim") == 1);
    CHECK(scalar(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'v' AND type = 'view'") == 1);
    std::filesystem::remove(path);
}
