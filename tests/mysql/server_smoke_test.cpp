// The test server itself (the ctest fixture "mysql"), through the plain MariaDB C API: it is
// reachable with the URL the fixture wrote, recent enough, and lets the test user create and drop
// databases.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include <unistd.h>

#include <mysql.h>

namespace {

/// The URL from the file that DRIFTLESS_TEST_MYSQL names.
std::string test_url() {
    const char* file = std::getenv("DRIFTLESS_TEST_MYSQL");
    if (file == nullptr || *file == '\0') {
        FAIL("DRIFTLESS_TEST_MYSQL is not set; run this test through ctest, which starts the "
             "server (fixture \"mysql\")");
    }
    const std::string path = file;
    std::ifstream in(path);
    std::string url;
    if (!in || !std::getline(in, url) || url.empty()) {
        FAIL("cannot read a URL from DRIFTLESS_TEST_MYSQL=" << path);
    }
    return url;
}

/// What the fixture's URL holds: mysql://user[:password]@localhost/[database]?socket=<path>.
/// Only enough parsing for that one shape (no percent-decoding); the library has the real parser.
struct url_parts {
    std::string user;
    std::string password;
    std::string database;
    std::string socket;
};

url_parts parse_url(std::string_view url) {
    constexpr std::string_view scheme = "mysql://";
    REQUIRE_MESSAGE(url.starts_with(scheme), "not a mysql:// URL: " << url);
    url.remove_prefix(scheme.size());
    url_parts parts;

    const auto at = url.find('@');
    REQUIRE_MESSAGE(at != std::string_view::npos, "no user in the URL: " << url);
    const std::string_view credentials = url.substr(0, at);
    const auto colon = credentials.find(':');
    parts.user = credentials.substr(0, colon);
    if (colon != std::string_view::npos) {
        parts.password = credentials.substr(colon + 1);
    }
    url.remove_prefix(at + 1);

    const auto slash = url.find('/');
    REQUIRE_MESSAGE(slash != std::string_view::npos, "no path in the URL");
    REQUIRE_MESSAGE(url.substr(0, slash) == "localhost", "the host is not localhost: " << url);
    url.remove_prefix(slash + 1);

    const auto question = url.find('?');
    parts.database = url.substr(0, question);
    REQUIRE_MESSAGE(question != std::string_view::npos, "no query (socket=) in the URL");
    constexpr std::string_view socket_key = "socket=";
    const std::string_view query = url.substr(question + 1);
    REQUIRE_MESSAGE(query.starts_with(socket_key), "no socket= in the URL's query: " << query);
    parts.socket = query.substr(socket_key.size(), query.find('&') - socket_key.size());
    REQUIRE_FALSE(parts.socket.empty());
    return parts;
}

struct connection_deleter {
    void operator()(MYSQL* c) const { mysql_close(c); }
};
struct result_deleter {
    void operator()(MYSQL_RES* r) const { mysql_free_result(r); }
};
using connection_ptr = std::unique_ptr<MYSQL, connection_deleter>;
using result_ptr = std::unique_ptr<MYSQL_RES, result_deleter>;

connection_ptr connect(const url_parts& url) {
    connection_ptr c(mysql_init(nullptr));
    REQUIRE(c != nullptr);
    // The socket only: never fall back to TCP, where a system server may listen.
    const unsigned protocol = MYSQL_PROTOCOL_SOCKET;
    REQUIRE(mysql_options(c.get(), MYSQL_OPT_PROTOCOL, &protocol) == 0);
    const bool connected =
        mysql_real_connect(c.get(), "localhost", url.user.c_str(),
                           url.password.empty() ? nullptr : url.password.c_str(),
                           url.database.empty() ? nullptr : url.database.c_str(), 0,
                           url.socket.c_str(), 0) != nullptr;
    REQUIRE_MESSAGE(connected, "cannot connect as " << url.user << " through " << url.socket
                                                    << ": " << mysql_error(c.get()));
    return c;
}

void execute(MYSQL* c, const std::string& sql) {
    REQUIRE_MESSAGE(mysql_query(c, sql.c_str()) == 0, sql << ": " << mysql_error(c));
}

/// The one value a one-row, one-column query returns.
std::string one(MYSQL* c, const std::string& sql) {
    execute(c, sql);
    const result_ptr r(mysql_store_result(c));
    REQUIRE_MESSAGE(r != nullptr, sql << ": " << mysql_error(c));
    REQUIRE(mysql_num_rows(r.get()) == 1);
    REQUIRE(mysql_num_fields(r.get()) == 1);
    const MYSQL_ROW row = mysql_fetch_row(r.get());
    REQUIRE(row != nullptr);
    REQUIRE(row[0] != nullptr);
    return row[0];
}

}  // namespace

TEST_CASE("mysql test server: reachable, MariaDB 10.5 or newer") {
    const url_parts url = parse_url(test_url());
    CHECK(url.user == "driftless");
    const connection_ptr c = connect(url);

    const std::string version = one(c.get(), "SELECT VERSION()");
    CHECK_MESSAGE(version.find("MariaDB") != std::string::npos, "not MariaDB: " << version);
    // "10.11.19-MariaDB-0+deb12u1": major.minor first.
    const auto dot = version.find('.');
    REQUIRE(dot != std::string::npos);
    const int major = std::stoi(version.substr(0, dot));
    const int minor = std::stoi(version.substr(dot + 1));
    CHECK_MESSAGE((major > 10 || (major == 10 && minor >= 5)), "too old: " << version);
}

TEST_CASE("mysql test server: the test user creates and drops databases") {
    const connection_ptr c = connect(parse_url(test_url()));
    // Its own name, so that runs of this program at the same time do not collide.
    const std::string name = "driftless_smoke_" + std::to_string(::getpid());

    execute(c.get(), "DROP DATABASE IF EXISTS " + name);
    execute(c.get(), "CREATE DATABASE " + name);
    CHECK(one(c.get(), "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" +
                           name + "'") == "1");
    execute(c.get(), "CREATE TABLE " + name + ".t (id INT PRIMARY KEY)");
    execute(c.get(), "DROP DATABASE " + name);
    CHECK(one(c.get(), "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" +
                           name + "'") == "0");
}
