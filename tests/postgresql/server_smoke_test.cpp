// The test server itself (the ctest fixture "postgresql"), through plain libpq: it is reachable
// with the connection string the fixture wrote, and recent enough.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include <libpq-fe.h>

namespace {

/// The connection string from the file that DRIFTLESS_TEST_POSTGRESQL names.
std::string test_conninfo() {
    const char* file = std::getenv("DRIFTLESS_TEST_POSTGRESQL");
    if (file == nullptr || *file == '\0') {
        FAIL("DRIFTLESS_TEST_POSTGRESQL is not set; run this test through ctest, which starts the "
             "server (fixture \"postgresql\")");
    }
    const std::string path = file;
    std::ifstream in(path);
    std::string conninfo;
    if (!in || !std::getline(in, conninfo) || conninfo.empty()) {
        FAIL("cannot read a connection string from DRIFTLESS_TEST_POSTGRESQL=" << path);
    }
    return conninfo;
}

struct connection_deleter {
    void operator()(PGconn* c) const { PQfinish(c); }
};
struct result_deleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using connection_ptr = std::unique_ptr<PGconn, connection_deleter>;
using result_ptr = std::unique_ptr<PGresult, result_deleter>;

/// The one value a one-row, one-column query returns.
std::string one(PGconn* c, const char* sql) {
    const result_ptr r(PQexec(c, sql));
    REQUIRE_MESSAGE(PQresultStatus(r.get()) == PGRES_TUPLES_OK, sql << ": " << PQerrorMessage(c));
    REQUIRE(PQntuples(r.get()) == 1);
    REQUIRE(PQnfields(r.get()) == 1);
    return PQgetvalue(r.get(), 0, 0);
}

}  // namespace

TEST_CASE("postgresql test server: reachable, PostgreSQL 13 or newer") {
    const std::string conninfo = test_conninfo();
    const connection_ptr c(PQconnectdb(conninfo.c_str()));
    REQUIRE(c != nullptr);
    REQUIRE_MESSAGE(PQstatus(c.get()) == CONNECTION_OK,
                    "cannot connect with \"" << conninfo << "\": " << PQerrorMessage(c.get()));

    CHECK(one(c.get(), "SELECT version()").starts_with("PostgreSQL"));
    CHECK(std::stol(one(c.get(), "SHOW server_version_num")) >= 130000);
}
