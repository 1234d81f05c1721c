// One statement per call on SQLite: connection::execute_one, through which driftless runs every
// migration statement, refuses text holding a second statement or a NUL byte before anything runs.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <driftless/sqlite.hpp>

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
    CHECK_THROWS_WITH_AS(driftless::runner::execute_statements(*e, {"CREATE TABLE a (x)", "SELECT 1; DROP TABLE victim"}, run),
                         doctest::Contains("driftless.sqlite.statements"), driftless::error);
    CHECK(seen == std::vector<std::string>{"CREATE TABLE a (x)", "CREATE TABLE a (x)", "SELECT 1; DROP TABLE victim",
                                           "SELECT 1; DROP TABLE victim"});
    auto st = db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'victim'");
    REQUIRE(st.step());
    CHECK(st.integer(0) == 1);
}
