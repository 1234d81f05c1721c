// Test support for the PostgreSQL tests: the fixture's connection string, and a fresh database
// per test (created on the fixture's server, dropped at the end).
#ifndef DRIFTLESS_TESTS_PG_SUPPORT_HPP
#define DRIFTLESS_TESTS_PG_SUPPORT_HPP

#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <algorithm>
#include <fstream>
#include <string>

#include <unistd.h>

#include <driftless/postgresql.hpp>

namespace pg_test {

/// The connection string of the fixture's server (file named by DRIFTLESS_TEST_POSTGRESQL).
inline std::string server_conninfo() {
    const char* file = std::getenv("DRIFTLESS_TEST_POSTGRESQL");
    if (file == nullptr || *file == '\0')
        FAIL("DRIFTLESS_TEST_POSTGRESQL is not set; run the PostgreSQL tests through ctest, which starts the server");
    std::ifstream in(file);
    std::string conninfo;
    if (!in || !std::getline(in, conninfo) || conninfo.empty()) FAIL("cannot read a connection string from " << file);
    return conninfo;
}

/// A database of its own for one test: created empty, dropped (connections and all) at the end.
class scratch_database {
public:
    scratch_database() {
        static std::atomic<int> counter{0};
        name_ = "driftless_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
        admin_ = driftless::postgresql::connect(server_conninfo());
        admin_.execute("SET client_min_messages = warning");
        admin_.execute("DROP DATABASE IF EXISTS " + name_);
        admin_.execute("CREATE DATABASE " + name_);
    }
    scratch_database(const scratch_database&) = delete;
    scratch_database& operator=(const scratch_database&) = delete;
    ~scratch_database() {
        try {
            admin_.execute("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
        } catch (...) {
        }
    }

    /// The connection string of this database.
    [[nodiscard]] std::string url() const { return server_conninfo() + " dbname=" + name_; }
    /// The same as a postgresql:// URI (what the command line takes): postgresql:///name?host=...
    [[nodiscard]] std::string uri() const {
        std::string query;
        const std::string conninfo = server_conninfo();
        std::size_t i = 0;
        while (i < conninfo.size()) {
            const std::size_t end = std::min(conninfo.find(' ', i), conninfo.size());
            const std::string pair = conninfo.substr(i, end - i);
            i = end + 1;
            if (pair.empty() || pair.rfind("dbname=", 0) == 0) continue;
            query += (query.empty() ? "?" : "&") + pair;
        }
        return "postgresql:///" + name_ + query;
    }
    [[nodiscard]] driftless::postgresql::connection connect(driftless::postgresql::connect_options options = {}) const {
        return driftless::postgresql::connect(url(), std::move(options));
    }
    [[nodiscard]] const std::string& name() const { return name_; }

private:
    std::string name_;
    driftless::postgresql::connection admin_;
};

/// The one value of a one-row query ("NULL" for NULL).
inline std::string one(const driftless::postgresql::connection& db, const std::string& sql) {
    const auto r = db.execute(sql);
    REQUIRE(r.rows() == 1);
    return r.is_null(0, 0) ? "NULL" : r.text(0, 0);
}

/// Every table, column, type, default, constraint and index of the public schema as text, for
/// comparing a schema before and after.
inline std::string schema_text(const driftless::postgresql::connection& db) {
    return one(db,
               "SELECT coalesce(string_agg(x, E'\\n' ORDER BY x), '') FROM ("
               "SELECT format('%s.%s %s %s %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod), "
               "a.attnotnull, pg_get_expr(d.adbin, d.adrelid)) AS x FROM pg_class c "
               "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
               "LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum "
               "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND c.relname NOT LIKE '\\_driftless%' "
               "UNION ALL SELECT format('%s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) FROM pg_constraint "
               "WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT LIKE '\\_driftless%' "
               "UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT LIKE '\\_driftless%') s");
}

}  // namespace pg_test

#endif  // DRIFTLESS_TESTS_PG_SUPPORT_HPP
