// Test support for the MySQL / MariaDB tests: the fixture's URL, and a fresh database per test
// (created on the fixture's server, dropped at the end).
#ifndef DRIFTLESS_TESTS_MY_SUPPORT_HPP
#define DRIFTLESS_TESTS_MY_SUPPORT_HPP

#include <doctest/doctest.h>

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <fstream>
#include <string>

#include <unistd.h>

#include <driftless/mysql.hpp>

namespace my_test {

/// The URL of the fixture's server (file named by DRIFTLESS_TEST_MYSQL), without a database.
inline std::string server_url() {
    const char* file = std::getenv("DRIFTLESS_TEST_MYSQL");
    if (file == nullptr || *file == '\0')
        FAIL("DRIFTLESS_TEST_MYSQL is not set; run the MySQL tests through ctest, which starts the server");
    std::ifstream in(file);
    std::string url;
    if (!in || !std::getline(in, url) || url.empty()) FAIL("cannot read a URL from " << file);
    return url;
}

/// A database of its own for one test: created empty, dropped at the end.
class scratch_database {
public:
    scratch_database() {
        static std::atomic<int> counter{0};
        name_ = "driftless_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
        admin_ = driftless::mysql::connect(server_url());
        admin_.execute("DROP DATABASE IF EXISTS " + name_);
        admin_.execute("CREATE DATABASE " + name_ + " CHARACTER SET utf8mb4");
    }
    scratch_database(const scratch_database&) = delete;
    scratch_database& operator=(const scratch_database&) = delete;
    ~scratch_database() {
        try {
            admin_.execute("DROP DATABASE IF EXISTS " + name_);
        } catch (...) {
        }
    }

    /// The URL of this database.
    [[nodiscard]] std::string url() const {
        const std::string base = server_url();  // mysql://user@localhost/?socket=...
        const auto q = base.find("/?");
        return base.substr(0, q) + "/" + name_ + base.substr(q + 1);
    }
    [[nodiscard]] driftless::mysql::connection connect() const { return driftless::mysql::connect(url()); }
    [[nodiscard]] const std::string& name() const { return name_; }

private:
    std::string name_;
    driftless::mysql::connection admin_;
};

/// Options whose observer stops a migration before statement `k` (0-based) with
/// driftless.test.stop, as if the process had stopped there.
inline driftless::migrate_options stop_before(std::size_t k, driftless::migrate_options options = {}) {
    options.observer = [k](const driftless::statement_event& e) {
        if (e.at == driftless::statement_event::phase::started && e.index == k)
            throw driftless::error(driftless::errc::engine, "driftless.test.stop", "stopped before step " + std::to_string(k + 1));
    };
    return options;
}

/// The one value of a one-row query ("NULL" for NULL).
inline std::string one(const driftless::mysql::connection& db, const std::string& sql) {
    const auto r = db.execute(sql);
    REQUIRE(r.rows() == 1);
    return r.is_null(0, 0) ? "NULL" : r.text(0, 0);
}

/// Every table's SHOW CREATE TABLE, for comparing a schema before and after.
inline std::string schema_text(const driftless::mysql::connection& db) {
    std::string out;
    const auto tables = db.execute("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND "
                                   "TABLE_NAME NOT LIKE '\\_driftless%' ORDER BY TABLE_NAME");
    for (int i = 0; i < tables.rows(); ++i) {
        const auto r = db.execute("SHOW CREATE TABLE " + driftless::quote_identifier(tables.text(i, 0), driftless::dialect::mysql));
        out += r.text(0, 1) + ";\n";
    }
    return out;
}

}  // namespace my_test

#endif  // DRIFTLESS_TESTS_MY_SUPPORT_HPP
