// copy_database() from SQLite into MariaDB on a real server: every value read back equal (checked
// here through the server's own text of it, apart from the copy's digest), texts compared byte for
// byte (a UNIQUE column holding 'a', 'A' and 'a '), long texts kept, foreign keys checked after
// the load, a non-empty target refused, an unrepresentable value refused with its key.
#include <doctest/doctest.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <sqlite3.h>

#include <driftless/mysql.hpp>
#include <driftless/sqlite.hpp>

#include "my_support.hpp"

namespace {

using driftless::copy_database;
using driftless::copy_options;
using driftless::existing_rows;

std::string hex_upper(std::string_view bytes) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : bytes) {
        out += digits[static_cast<unsigned char>(c) >> 4];
        out += digits[static_cast<unsigned char>(c) & 15];
    }
    return out;
}

std::string shortest(double d) {
    char buf[32];
    return std::string(buf, std::to_chars(buf, buf + sizeof buf, d).ptr);
}

}  // namespace

TEST_CASE("copy SQLite -> MariaDB: every value read back equal, texts byte for byte, foreign keys checked, keys moved on") {
    my_test::scratch_database scratch;
    auto my = scratch.connect();
    auto lite = driftless::sqlite::open(":memory:");
    lite.execute(
        "CREATE TABLE gen (id INTEGER PRIMARY KEY, big BIGINT, real DOUBLE, text TEXT, blob BLOB, flag BOOLEAN, price DECIMAL(14,3),"
        "  at DATETIME, day DATE, code VARCHAR(12));"
        "CREATE TABLE word (id INTEGER PRIMARY KEY AUTOINCREMENT, w TEXT NOT NULL UNIQUE, note TEXT);"
        "CREATE TABLE a (id INTEGER PRIMARY KEY, word_id INTEGER REFERENCES word(id));"
        "CREATE TABLE x (id INTEGER PRIMARY KEY, y_id INTEGER REFERENCES y(id));"
        "CREATE TABLE y (id INTEGER PRIMARY KEY, x_id INTEGER REFERENCES x(id));"
        "CREATE INDEX gen_by_big ON gen (big);");
    static const std::int64_t extremes[] = {std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(), 0, -1,
                                            (std::int64_t{1} << 53) + 1};
    static const double reals[] = {0.1, 1e308, 4.9e-324, -2.5, 123456789.12345679, 1.0 / 3, 6.02214076e23, -1e-300};
    static const std::string texts[] = {"", "plain", "tab\there", "new\nline\r\n", "back\\slash", "\xF0\x9F\x98\x80 four bytes",
                                        "caf\xC3\xA9 \xE2\x82\xAC", "quote ' and \" both", std::string("nul\0inside", 10), "trailing  "};
    {
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(lite.handle(), "INSERT INTO gen VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", -1, &st, nullptr) == SQLITE_OK);
        lite.execute("BEGIN");
        for (std::int64_t i = 1; i <= 2000; ++i) {
            sqlite3_reset(st);
            sqlite3_bind_int64(st, 1, i);
            if (i % 7 == 6) sqlite3_bind_null(st, 2);
            else sqlite3_bind_int64(st, 2, extremes[i % 5]);
            if (i % 11 == 10) sqlite3_bind_null(st, 3);
            else sqlite3_bind_double(st, 3, reals[i % 8] * (i % 8 == 1 ? 1.0 : 1.0 + static_cast<double>(i) / 1024));  // 1e308 stays finite
            const std::string text = texts[i % 10] + std::to_string(i) + (i % 97 == 0 ? std::string(70000, 'L') : "");
            if (i % 13 == 12) sqlite3_bind_null(st, 4);
            else sqlite3_bind_text(st, 4, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
            std::string b;
            for (std::int64_t k = 0; k < i % 40; ++k) b += static_cast<char>((k * 37 + i) % 256);  // NULs included
            if (i % 17 == 16) sqlite3_bind_null(st, 5);
            else sqlite3_bind_blob(st, 5, b.data(), static_cast<int>(b.size()), SQLITE_TRANSIENT);
            sqlite3_bind_int(st, 6, static_cast<int>(i % 2));
            const std::string price = std::to_string(i * 7919 % 100000000) + "." + std::to_string(i % 1000);
            sqlite3_bind_text(st, 7, price.data(), static_cast<int>(price.size()), SQLITE_TRANSIENT);
            const std::string at = "2024-0" + std::to_string(1 + i % 9) + "-1" + std::to_string(i % 10) + " 1" + std::to_string(i % 10) +
                                   ":0" + std::to_string(i % 10) + ":30" + (i % 3 == 0 ? ".25" : "") + (i % 4 == 0 ? "+02:00" : "");
            sqlite3_bind_text(st, 8, at.data(), static_cast<int>(at.size()), SQLITE_TRANSIENT);
            const std::string day = i % 5 == 0 ? "0001-01-01" : "2000-02-29";
            sqlite3_bind_text(st, 9, day.data(), static_cast<int>(day.size()), SQLITE_TRANSIENT);
            const std::string code = "c\xC3\xA9" + std::to_string(i);
            sqlite3_bind_text(st, 10, code.data(), static_cast<int>(code.size()), SQLITE_TRANSIENT);
            REQUIRE(sqlite3_step(st) == SQLITE_DONE);
        }
        lite.execute("COMMIT");
        sqlite3_finalize(st);
    }
    lite.execute(
        "INSERT INTO word (id, w, note) VALUES (1, 'a', NULL), (2, 'A', 'upper'), (3, 'a ', 'trailing space'), (4, '\xC3\xA9', NULL),"
        " (5, 'e\xCC\x81', 'decomposed');"
        "INSERT INTO word (w) VALUES ('gone'); DELETE FROM word WHERE w = 'gone';"  // the counter is at 6, the largest key 5
        "INSERT INTO a VALUES (1, 1), (2, 3), (3, NULL);"
        "INSERT INTO x VALUES (1, NULL); INSERT INTO y VALUES (1, 1); UPDATE x SET y_id = 1;");

    copy_options o;
    o.batch_rows = 300;
    const driftless::copy_result r = copy_database(lite, my, o);
    REQUIRE(r.tables.size() == 5);
    for (const auto& t : r.tables) {
        CAPTURE(t.name);
        CHECK(t.verified);
    }

    // Every value of gen, as MariaDB prints it, against SQLite's own.
    const auto rows = my.execute("SELECT id, big, `real`, `text`, HEX(`blob`), flag, price, `at`, `day`, code FROM gen ORDER BY id");
    REQUIRE(rows.rows() == 2000);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(lite.handle(), "SELECT id, big, real, text, blob, flag, price, at, day, code FROM gen ORDER BY id", -1, &st,
                               nullptr) == SQLITE_OK);
    int i = 0, mismatches = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        REQUIRE(i < rows.rows());
        const auto my_text = [&](int c) { return rows.is_null(i, c) ? std::string("NULL") : rows.text(i, c); };
        const auto lite_text = [&](int c) {
            const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
            return p == nullptr ? std::string("NULL") : std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st, c)));
        };
        std::vector<std::pair<std::string, std::string>> pairs;  // (MariaDB, expected)
        pairs.emplace_back(my_text(0), lite_text(0));
        pairs.emplace_back(my_text(1), lite_text(1));
        std::string real = my_text(2);
        if (real != "NULL") {
            double d = 0;
            std::from_chars(real.data(), real.data() + real.size(), d);
            real = shortest(d);
        }
        pairs.emplace_back(real, sqlite3_column_type(st, 2) == SQLITE_NULL ? "NULL" : shortest(sqlite3_column_double(st, 2)));
        pairs.emplace_back(my_text(3), lite_text(3));
        pairs.emplace_back(my_text(4), sqlite3_column_type(st, 4) == SQLITE_NULL
                                           ? "NULL"
                                           : hex_upper(std::string_view(static_cast<const char*>(sqlite3_column_blob(st, 4)),
                                                                        static_cast<std::size_t>(sqlite3_column_bytes(st, 4)))));
        pairs.emplace_back(my_text(5), lite_text(5));
        std::string price = my_text(6);  // DECIMAL(14,3) prints three places; SQLite's NUMERIC kept the number
        if (price.find('.') != std::string::npos) {
            while (price.back() == '0') price.pop_back();
            if (price.back() == '.') price.pop_back();
        }
        pairs.emplace_back(price, lite_text(6));
        pairs.emplace_back(my_text(9), lite_text(9));
        for (std::size_t k = 0; k < pairs.size(); ++k) {
            if (pairs[k].first != pairs[k].second && ++mismatches <= 5) {
                CAPTURE(i + 1);
                CAPTURE(k);
                CHECK(pairs[k].first == pairs[k].second);
            }
        }
        ++i;
    }
    sqlite3_finalize(st);
    CHECK(i == 2000);
    CHECK(mismatches == 0);
    // Timestamps in UTC, a zone's offset applied; dates as they are.
    CHECK(my_test::one(my, "SELECT CONCAT(`at`, '|', `day`) FROM gen WHERE id = 4") == "2024-05-14 12:04:30.000000|2000-02-29");
    CHECK(my_test::one(my, "SELECT CONCAT(`at`, '|', `day`) FROM gen WHERE id = 15") == "2024-07-15 15:05:30.250000|0001-01-01");
    // A text longer than 65,535 bytes is whole; texts compare byte for byte.
    CHECK(my_test::one(my, "SELECT LENGTH(`text`) FROM gen WHERE id = 97") == std::to_string((texts[97 % 10] + "97").size() + 70000));
    CHECK(my_test::one(my, "SELECT GROUP_CONCAT(CONCAT(id, '=', HEX(w)) ORDER BY id) FROM word") == "1=61,2=41,3=6120,4=C3A9,5=65CC81");
    CHECK(my_test::one(my, "SELECT COUNT(*) FROM word WHERE w = 'a'") == "1");
    // Foreign keys there (the cycle included) and holding; the key's counter past the source's.
    CHECK(my_test::one(my, "SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()") == "3");
    my.execute("INSERT INTO word (w) VALUES ('new')");
    CHECK(my_test::one(my, "SELECT MAX(id) FROM word") == "7");
    CHECK(my_test::one(my, "SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME = 'gen_by_big'") ==
          "1");

    // A target with rows: refused before anything changes; --truncate replaces them.
    CHECK_THROWS_WITH_AS(copy_database(lite, my), doctest::Contains("the target already has rows in"), driftless::error);
    o.existing = existing_rows::truncate;
    o.tables = {"word", "a"};
    const auto again = copy_database(lite, my, o);
    CHECK(again.tables.size() == 2);
    CHECK(my_test::one(my, "SELECT COUNT(*) FROM word") == "5");
}

TEST_CASE("copy SQLite -> MariaDB: a value the target cannot hold stops the copy, naming table, key, column and value; broken "
          "foreign keys are named") {
    const auto refused = [](const std::string& create, const std::string& insert, const std::string& expected) {
        CAPTURE(create);
        my_test::scratch_database scratch;
        auto my = scratch.connect();
        auto lite = driftless::sqlite::open(":memory:");
        lite.execute(create);
        lite.execute(insert);
        CHECK_THROWS_WITH_AS(copy_database(lite, my), doctest::Contains(expected.c_str()), driftless::error);
    };
    refused("CREATE TABLE t (id INTEGER PRIMARY KEY, r REAL)", "INSERT INTO t VALUES (1, 0.5), (2, 9e999)",
            "table t, id = 2, column r: Infinity is not a finite number, which MySQL's DOUBLE cannot hold");
    refused("CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT)", "INSERT INTO t VALUES (7, CAST(X'C328' AS TEXT))",
            "table t, id = 7, column s:");
    refused("CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT UNIQUE)", "INSERT INTO t VALUES (3, 'x' || replace(hex(zeroblob(400)), '0', 'y'))",
            "table t, id = 3, column k:");
    refused("CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p(id))",
            "INSERT INTO p VALUES (1); INSERT INTO c VALUES (1, 1), (2, 5)", "table c: 1 row refers to a missing row of p");
}
