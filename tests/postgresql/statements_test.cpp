// One statement per call on PostgreSQL: a migration statement that the server would read as two
// (here under standard_conforming_strings = off, where '\'' is a quote, not a backslash and the
// end of the literal) is refused by the extended protocol, and nothing after it runs.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <driftless/postgresql.hpp>

#include "pg_support.hpp"

namespace fs = std::filesystem;

TEST_CASE("postgresql apply_migration_file: a statement the server reads as two is refused, nothing after it runs") {
    pg_test::scratch_database scratch;
    auto admin = driftless::postgresql::connect(scratch.url());
    admin.execute("CREATE TABLE victim (id INTEGER); INSERT INTO victim VALUES (1)");
    admin.execute("CREATE TABLE t (v TEXT)");
    admin.execute("ALTER DATABASE " + scratch.name() + " SET standard_conforming_strings = off");
    auto db = driftless::postgresql::connect(scratch.url());
    REQUIRE(pg_test::one(db, "SHOW standard_conforming_strings") == "off");
    const fs::path dir = fs::current_path() / "pg_two_statements";
    fs::create_directories(dir);
    // driftless's splitter reads the SQL standard's quotes: one INSERT of two literals. The server,
    // with backslash escapes on, reads an INSERT, a COMMIT, a DROP TABLE and a comment.
    std::ofstream(dir / "0001_sneaky.sql") << "INSERT INTO t VALUES ('\\''); COMMIT; DROP TABLE victim; --');\n";
    CHECK_THROWS_WITH_AS(driftless::apply_migration_file(db, dir / "0001_sneaky.sql"),
                         doctest::Contains("cannot insert multiple commands into a prepared statement"), driftless::error);
    CHECK(pg_test::one(admin, "SELECT count(*) FROM victim") == "1");
    CHECK(pg_test::one(admin, "SELECT count(*) FROM t") == "0");
    CHECK(driftless::migration_status(db).empty());
}

TEST_CASE("postgresql connection::execute_one: exactly one statement, no NUL byte") {
    pg_test::scratch_database scratch;
    auto db = driftless::postgresql::connect(scratch.url());
    db.execute("CREATE TABLE victim (id INTEGER)");
    CHECK_THROWS_AS(db.execute_one("SELECT 1; DROP TABLE victim"), driftless::error);
    CHECK_THROWS_WITH_AS(db.execute_one(std::string("DROP TABLE victim\0 CASCADE", 26)), doctest::Contains("driftless.sql.nul"),
                         driftless::error);
    CHECK(pg_test::one(db, "SELECT count(*) FROM pg_catalog.pg_tables WHERE tablename = 'victim'") == "1");
    CHECK(db.execute_one("INSERT INTO victim VALUES (1), (2)") == 2);
}
