// copy_database() into and out of MariaDB on a real server. Into it from SQLite: every value read
// back equal (checked here through the server's own text of it, apart from the copy's digest),
// texts compared byte for byte (a UNIQUE column holding 'a', 'A' and 'a '), long texts kept,
// foreign keys checked after the load, a non-empty target refused, an unrepresentable value
// refused with its key. Out of it, a hand-written schema of every MariaDB type into SQLite,
// PostgreSQL (where built) and another MariaDB database: every value compared with MariaDB's own
// text of it; MySQL's zero date, an unsigned value beyond 64 bits and a NUL in text refused.
#include <doctest/doctest.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <regex>
#include <string>
#include <type_traits>
#include <vector>

#include <sqlite3.h>

#include <driftless/mysql.hpp>
#include <driftless/sqlite.hpp>

#include "../support/copy.hpp"
#include "my_support.hpp"
#ifdef DRIFTLESS_TEST_WITH_POSTGRESQL
#include <driftless/postgresql.hpp>

#include "../postgresql/pg_support.hpp"
#endif

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
    test_support::check_all_verified(r, 5);

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

namespace {

std::string text_literal(std::string_view s) { return "CONVERT(X'" + hex_upper(s) + "' USING utf8mb4)"; }

/// A MariaDB schema as people write it by hand, with a value of every kind MariaDB has: kinds
/// (2,000 rows, its AUTO_INCREMENT counter at 2,500), owner (a unique key, an ON UPDATE, an index
/// named as one of kinds'), and x / y (foreign keys in a cycle).
void fill_mariadb_source(const driftless::mysql::connection& my) {
    my.execute(
        "CREATE TABLE kinds (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, ti TINYINT, flag TINYINT(1), su SMALLINT UNSIGNED,"
        " mi MEDIUMINT, iu INT UNSIGNED, bi BIGINT, f FLOAT, d DOUBLE, dec20 DECIMAL(20,6), c3 CHAR(3),"
        " vc VARCHAR(40) COLLATE utf8mb4_general_ci, tx TEXT, ltx LONGTEXT, bin4 BINARY(4), vb VARBINARY(16), bl BLOB, dt DATE,"
        " dtm DATETIME(3), ts TIMESTAMP NULL DEFAULT NULL, tm TIME, yr YEAR, b1 BIT(1), b10 BIT(10) DEFAULT b'101',"
        " en ENUM('small','large'), st SET('a','b','c'), js JSON, KEY idx_kind (bi), KEY (iu, su))");
    my.execute(
        "CREATE TABLE owner (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL, kinds_id BIGINT UNSIGNED,"
        " updated TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), UNIQUE KEY name (name),"
        " KEY idx_kind (kinds_id), FOREIGN KEY (kinds_id) REFERENCES kinds (id))");
    my.execute("CREATE TABLE x (id INT PRIMARY KEY, y_id INT)");
    my.execute("CREATE TABLE y (id INT PRIMARY KEY, x_id INT, FOREIGN KEY (x_id) REFERENCES x (id))");
    my.execute("ALTER TABLE x ADD FOREIGN KEY (y_id) REFERENCES y (id)");
    my.execute("SET time_zone = '+00:00'");
    static const char* const tinies[] = {"-128", "127", "0"};
    static const char* const floats[] = {"1.2345678", "3.4e38", "1.1754944e-38", "-0.5"};
    static const char* const doubles[] = {"0.1", "1e308", "2.2250738585072014e-308", "-2.5", "0.3333333333333333"};
    static const char* const decimals[] = {"1234567.123456", "-0.000001", "0", "99999999999999"};
    static const std::string texts[] = {"", "plain", "tab\there", "new\nline\r\n", "back\\slash", "quote ' and \" both", "caf\xC3\xA9 \xE2\x82\xAC"};
    static const char* const days[] = {"0001-01-01", "9999-12-31", "2000-02-29"};
    static const char* const times[] = {"838:59:59", "-12:00:00", "12:34:56", "00:00:00"};
    static const char* const fractions[] = {".125", ".120", ".000", ""};
    std::string sql;
    for (int i = 1; i <= 2000; ++i) {
        const auto n = [](auto v) { return std::to_string(v); };
        std::string bin4{'\0', static_cast<char>(i % 256), '\xFF', static_cast<char>(i % 7)}, vb, bl;
        for (int k = 0; k < i % 16; ++k) vb += static_cast<char>((k * 53 + i) % 256);
        for (int k = 0; k < i % 40; ++k) bl += static_cast<char>((k * 37 + i) % 256);
        const std::string ltx = (i % 97 == 0 ? std::string(70000, 'L') : "short ") + n(i);
        std::vector<std::string> v = {
            n(i),
            i % 4 == 3 ? n(i % 100) : tinies[i % 4],
            i % 9 == 8 ? "NULL" : n(i % 2),
            i % 3 == 0 ? "0" : i % 3 == 1 ? "65535" : n(i),
            i % 3 == 0 ? "-8388608" : i % 3 == 1 ? "8388607" : n(-i),
            i % 3 == 0 ? "0" : i % 3 == 1 ? "4294967295" : n(i * 1000),
            i % 5 == 0 ? "-9223372036854775808" : i % 5 == 1 ? "9223372036854775807" : i % 5 == 2 ? "-1" : i % 5 == 3 ? "9007199254740993" : n(i),
            i % 11 == 10 ? "NULL" : i % 5 == 4 ? shortest(i / 7.0) : floats[i % 5],
            i % 6 == 5 ? shortest(i * 1.000001) : doubles[i % 6],
            i % 5 == 4 ? n(i) + ".5" : decimals[i % 5],
            i % 4 == 3 ? "NULL" : text_literal(i % 4 == 0 ? "ab" : i % 4 == 1 ? "\xC3\xA9\xE2\x82\xACx" : ""),
            text_literal("Mixed Case \xF0\x9F\x98\x80 " + n(i) + (i % 3 == 0 ? " " : "")),
            text_literal(texts[i % 7] + n(i)),
            i % 13 == 12 ? "NULL" : text_literal(ltx),
            "X'" + hex_upper(bin4) + "'",
            "X'" + hex_upper(vb) + "'",
            i % 17 == 16 ? "NULL" : "X'" + hex_upper(bl) + "'",
            "'" + (i % 4 == 3 ? "2024-06-0" + n(1 + i % 9) : std::string(days[i % 4])) + "'",
            i % 50 == 0 ? "'1000-01-01 00:00:00'"
                        : "'2024-0" + n(1 + i % 9) + "-1" + n(i % 10) + " 1" + n(i % 10) + ":0" + n(i % 10) + ":30" + fractions[i % 4] + "'",
            i % 6 == 5 ? "NULL" : i % 100 == 0 ? "'1970-01-01 00:00:01'" : i % 100 == 1 ? "'2038-01-19 03:14:07'" : "'2024-03-10 02:3" + n(i % 10) + ":00'",
            "'" + std::string(times[i % 4]) + "'",
            i % 3 == 0 ? "1901" : i % 3 == 1 ? "2155" : "2024",
            i % 2 == 0 ? "b'0'" : "b'1'",
            n(i * 7 % 1024),
            i % 3 == 0 ? "'small'" : i % 3 == 1 ? "'large'" : "NULL",
            i % 3 == 0 ? "'a,c'" : i % 3 == 1 ? "''" : "'a,b,c'",
            text_literal("{\"k\": [1, 2.5, \"\xC3\xA9\"], \"i\": " + n(i) + "}"),
        };
        std::string row;
        for (const std::string& x : v) row += (row.empty() ? "(" : ", ") + x;
        sql += (sql.empty() ? "INSERT INTO kinds VALUES " : ", ") + row + ")";
        if (i % 250 == 0) {
            my.execute(sql);
            sql.clear();
        }
    }
    my.execute("ALTER TABLE kinds AUTO_INCREMENT = 2501");  // the last number given: 2,500
    my.execute("INSERT INTO owner (name, kinds_id) VALUES ('alice', 1), ('bob', 2), ('carol', NULL)");
    my.execute("INSERT INTO x VALUES (1, NULL)");
    my.execute("INSERT INTO y VALUES (1, 1)");
    my.execute("UPDATE x SET y_id = 1");
}

/// How a column's values are compared: as text, as numbers (parsed; the shortest text of the
/// double compared), or as text with trailing fractional zeros dropped.
enum class compare_as { text, number, fraction };

struct compared_column {
    std::string name;
    std::string mariadb;     ///< the expression MariaDB prints the source's value with
    std::string postgresql;  ///< the same on PostgreSQL
    compare_as sqlite_how;
    compare_as postgresql_how;
};

const std::vector<compared_column>& kinds_columns() {
    using c = compare_as;
    static const std::vector<compared_column> columns = {
        {"id", "id", "id", c::text, c::text},
        {"ti", "ti", "ti", c::text, c::text},
        {"flag", "flag", "flag::int", c::text, c::text},
        {"su", "su", "su", c::text, c::text},
        {"mi", "mi", "mi", c::text, c::text},
        {"iu", "iu", "iu", c::text, c::text},
        {"bi", "bi", "bi", c::text, c::text},
        {"f", "CAST(f AS DOUBLE)", "f", c::number, c::number},
        {"d", "d", "d", c::number, c::number},
        {"dec20", "dec20", "dec20", c::number, c::text},
        {"c3", "c3", "c3", c::text, c::text},
        {"vc", "vc", "vc", c::text, c::text},
        {"tx", "tx", "tx", c::text, c::text},
        {"ltx", "ltx", "ltx", c::text, c::text},
        {"bin4", "HEX(bin4)", "upper(encode(bin4, 'hex'))", c::text, c::text},
        {"vb", "HEX(vb)", "upper(encode(vb, 'hex'))", c::text, c::text},
        {"bl", "HEX(bl)", "upper(encode(bl, 'hex'))", c::text, c::text},
        {"dt", "dt", "dt::text", c::text, c::text},
        {"dtm", "dtm", "dtm::text", c::fraction, c::fraction},
        {"ts", "ts", "to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')", c::text, c::text},
        {"tm", "tm", "tm", c::text, c::text},
        {"yr", "yr", "yr", c::text, c::text},
        {"b1", "CAST(b1 AS UNSIGNED)", "b1::int", c::text, c::text},
        {"b10", "CAST(b10 AS UNSIGNED)", "b10", c::text, c::text},
        {"en", "en", "en", c::text, c::text},
        {"st", "st", "st", c::text, c::text},
        {"js", "js", "js", c::text, c::text},
    };
    return columns;
}

std::string compared(std::string v, compare_as how) {
    if (v == "NULL") return v;
    if (how == compare_as::number) {
        double d = 0;
        const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
        return ec == std::errc() && p == v.data() + v.size() ? shortest(d) : "not a number: " + v;
    }
    if (how == compare_as::fraction && v.find('.') != std::string::npos) {
        while (v.back() == '0') v.pop_back();
        if (v.back() == '.') v.pop_back();
    }
    return v;
}

/// A column's values in key order as a server prints them ("NULL" for NULL).
template <class Connection>
std::vector<std::string> printed(const Connection& db, const std::string& expression, const std::string& table) {
    const auto r = db.execute("SELECT " + expression + " FROM " + table + " ORDER BY id");
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.is_null(i, 0) ? "NULL" : r.text(i, 0));
    return out;
}

/// The same from SQLite, by storage class: a REAL as its shortest exact text, a BLOB as hex.
std::vector<std::string> printed(const driftless::sqlite::connection& lite, const std::string& column, const std::string& table) {
    sqlite3_stmt* st = nullptr;
    const std::string sql = "SELECT \"" + column + "\" FROM " + table + " ORDER BY id";
    REQUIRE(sqlite3_prepare_v2(lite.handle(), sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    std::vector<std::string> out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        switch (sqlite3_column_type(st, 0)) {
            case SQLITE_NULL: out.emplace_back("NULL"); break;
            case SQLITE_INTEGER: out.push_back(std::to_string(sqlite3_column_int64(st, 0))); break;
            case SQLITE_FLOAT: out.push_back(shortest(sqlite3_column_double(st, 0))); break;
            case SQLITE_BLOB:
                out.push_back(hex_upper(std::string_view(static_cast<const char*>(sqlite3_column_blob(st, 0)),
                                                         static_cast<std::size_t>(sqlite3_column_bytes(st, 0)))));
                break;
            default:
                out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), static_cast<std::size_t>(sqlite3_column_bytes(st, 0)));
        }
    }
    sqlite3_finalize(st);
    return out;
}

/// Every column of kinds on the target (of dialect `d`) against MariaDB's own text of it; the
/// number of values that differ (the first few shown).
template <class Target>
int differences(const driftless::mysql::connection& my, const Target& target, driftless::dialect d) {
    my.execute("SET time_zone = '+00:00'");
    if constexpr (std::is_same_v<Target, driftless::mysql::connection>) target.execute("SET time_zone = '+00:00'");
    int different = 0;
    for (const compared_column& c : kinds_columns()) {
        const compare_as how = d == driftless::dialect::postgresql ? c.postgresql_how : c.sqlite_how;
        const std::vector<std::string> want = printed(my, c.mariadb, "kinds");
        const std::vector<std::string> got =
            printed(target, d == driftless::dialect::postgresql ? c.postgresql : d == driftless::dialect::mysql ? c.mariadb : c.name, "kinds");
        CAPTURE(c.name);
        REQUIRE(got.size() == want.size());
        for (std::size_t i = 0; i < want.size(); ++i) {
            if (compared(got[i], how) == compared(want[i], how)) continue;
            if (++different <= 5) {
                CAPTURE(i + 1);
                CHECK(compared(got[i], how) == compared(want[i], how));
            }
        }
    }
    return different;
}

std::int64_t lite_one(const driftless::sqlite::connection& lite, const std::string& sql) {
    auto st = lite.prepare(sql);
    REQUIRE(st.step());
    return st.integer(0);
}

bool noted(const driftless::copy_result& r, const std::string& part) {
    return std::any_of(r.notes.begin(), r.notes.end(), [&](const std::string& n) { return n.find(part) != std::string::npos; });
}

}  // namespace

TEST_CASE("copy MariaDB -> SQLite: every type's values equal to MariaDB's own, in one snapshot; types without a counterpart as text, "
          "named; per-table index names made unique; foreign keys and counters kept") {
    my_test::scratch_database scratch;
    auto my = scratch.connect();
    fill_mariadb_source(my);
    auto lite = driftless::sqlite::open(":memory:");
    copy_options o;
    o.batch_rows = 300;
    const driftless::copy_result r = copy_database(my, lite, o);
    test_support::check_all_verified(r, 4);
    CHECK(differences(my, lite, driftless::dialect::sqlite) == 0);
    CHECK(noted(r, "table kinds: column tm: MySQL type time has no counterpart; copied as its text"));
    CHECK(noted(r, "table kinds: column id: bigint unsigned copied as a signed 64-bit integer"));
    CHECK(noted(r, "table owner: index idx_kind renamed owner_idx_kind"));
    CHECK(noted(r, "table owner: column updated: ON UPDATE CURRENT_TIMESTAMP(3) left out"));
    CHECK(noted(r, "table kinds: CHECK"));  // MariaDB's JSON is LONGTEXT with a CHECK json_valid()
    CHECK(lite_one(lite, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('idx_kind', 'owner_idx_kind')") == 2);
    CHECK(lite_one(lite, "SELECT count(*) FROM pragma_foreign_key_list('y')") == 1);
    CHECK(lite_one(lite, "SELECT count(*) FROM owner WHERE name = 'bob' AND kinds_id = 2") == 1);
    lite.execute("INSERT INTO kinds (ti) VALUES (1)");
    CHECK(lite_one(lite, "SELECT max(id) FROM kinds") == 2501);
    // The source's session is as it was: the copy's snapshot and time zone are gone.
    CHECK(my_test::one(my, "SELECT @@in_transaction") == "0");
}

TEST_CASE("copy MariaDB -> MariaDB: the tables as they are, every row verified") {
    my_test::scratch_database source_db, target_db;
    auto from = source_db.connect();
    auto to = target_db.connect();
    fill_mariadb_source(from);
    const driftless::copy_result r = copy_database(from, to);
    REQUIRE(r.tables.size() == 4);
    for (const auto& t : r.tables) {
        CAPTURE(t.name);
        CHECK(t.verified);
        CHECK(t.rows == (t.name == "kinds" ? 2000 : t.name == "owner" ? 3 : 1));
    }
    CHECK(r.notes.empty());
    // The same tables, but for where the JSON column's CHECK is written: the catalog does not say
    // that MariaDB wrote it on the column, so the copy writes it on the table (the same check).
    std::string want = my_test::schema_text(from), got = my_test::schema_text(to);
    const std::string on_column = " CHECK (json_valid(`js`))", on_table = ",\n  CONSTRAINT `js` CHECK (json_valid(`js`))";
    REQUIRE(want.find(on_column) != std::string::npos);
    REQUIRE(got.find(on_table) != std::string::npos);
    want.erase(want.find(on_column), on_column.size());
    got.erase(got.find(on_table), on_table.size());
    // And InnoDB names the index it makes for a foreign key after the key's name when the key has
    // one (the copy names them), after its column when not (the source's were declared unnamed).
    got = std::regex_replace(got, std::regex("KEY `[a-z]+_ibfk_[0-9]+` \\(`([a-z_]+)`\\)"), "KEY `$1` (`$1`)");
    CHECK(got == want);
    CHECK(my_test::one(to, "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kinds'") ==
          "2501");
    CHECK(differences(from, to, driftless::dialect::mysql) == 0);
}

#ifdef DRIFTLESS_TEST_WITH_POSTGRESQL
TEST_CASE("copy MariaDB -> PostgreSQL: every type's values equal to MariaDB's own; the types by the documented table; identity, "
          "foreign keys and indexes kept") {
    my_test::scratch_database scratch;
    auto my = scratch.connect();
    fill_mariadb_source(my);
    my.execute("UPDATE kinds SET dec20 = '-12345678901234.123456' WHERE id = 7");  // 20 digits: more than a double keeps
    pg_test::scratch_database pg_scratch;
    auto pg = pg_scratch.connect();
    copy_options o;
    o.batch_rows = 300;
    const driftless::copy_result r = copy_database(my, pg, o);
    test_support::check_all_verified(r, 4);
    CHECK(differences(my, pg, driftless::dialect::postgresql) == 0);
    CHECK(pg_test::one(pg, "SELECT dec20 FROM kinds WHERE id = 7") == "-12345678901234.123456");
    CHECK(pg_test::one(pg,
                       "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum) FROM pg_attribute "
                       "WHERE attrelid = 'kinds'::regclass AND attnum > 0 AND attname IN ('id', 'ti', 'flag', 'su', 'iu', 'f', 'dec20', 'bl', "
                       "'dtm', 'ts', 'tm', 'b10')") ==
          "id bigint, ti smallint, flag boolean, su integer, iu bigint, f double precision, dec20 numeric(20,6), bl bytea, "
          "dtm timestamp(3) without time zone, ts timestamp(0) with time zone, tm text, b10 bigint");
    CHECK(pg_test::one(pg, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace") == "3");
    CHECK(pg_test::one(pg, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND indexname IN ('idx_kind', 'owner_idx_kind')") ==
          "2");
    CHECK(pg_test::one(pg, "INSERT INTO kinds (ti) VALUES (1) RETURNING id") == "2501");
    CHECK(pg_test::one(pg, "INSERT INTO owner (name) VALUES ('dave') RETURNING id") == "4");
}
#endif

TEST_CASE("copy out of MariaDB: a value no other engine holds stops the copy, naming table, key, column and value") {
    const auto refused = [](const std::vector<std::string>& statements, const std::string& expected, bool into_postgresql) {
        CAPTURE(statements.front());
        my_test::scratch_database scratch;
        auto my = scratch.connect();
        for (const std::string& s : statements) my.execute(s);
        if (!into_postgresql) {
            auto lite = driftless::sqlite::open(":memory:");
            CHECK_THROWS_WITH_AS(copy_database(my, lite), doctest::Contains(expected.c_str()), driftless::error);
            return;
        }
#ifdef DRIFTLESS_TEST_WITH_POSTGRESQL
        pg_test::scratch_database pg_scratch;
        auto pg = pg_scratch.connect();
        CHECK_THROWS_WITH_AS(copy_database(my, pg), doctest::Contains(expected.c_str()), driftless::error);
#endif
    };
    refused({"CREATE TABLE t (id INT PRIMARY KEY, d DATE)", "SET SESSION sql_mode = ''", "INSERT INTO t VALUES (1, '2024-01-01'), (2, '0000-00-00')"},
            "table t, id = 2, column d: '0000-00-00' is MySQL's zero date", false);
    {  // allowed by name: zero dates (a zero month or day too) as NULL, counted; not into a NOT NULL column
        my_test::scratch_database scratch;
        auto my = scratch.connect();
        my.execute("CREATE TABLE t (id INT PRIMARY KEY, d DATE, at DATETIME)");
        my.execute("SET SESSION sql_mode = ''");
        my.execute("INSERT INTO t VALUES (1, '2024-01-01', '2024-01-01 10:00:00'), (2, '0000-00-00', '0000-00-00 00:00:00'), (3, '2024-00-00', NULL)");
        copy_options o;
        o.allow = {driftless::conversion::zero_date_as_null};
        auto lite = driftless::sqlite::open(":memory:");
        const driftless::copy_result r = copy_database(my, lite, o);
        test_support::check_all_verified(r, 1);
        CHECK(r.notes == std::vector<std::string>{"table t, column d: 2 MySQL zero dates written as NULL (allowed: zero_date_as_null)",
                                                  "table t, column at: 1 MySQL zero dates written as NULL (allowed: zero_date_as_null)"});
        CHECK(printed(lite, "d", "t") == std::vector<std::string>{"2024-01-01", "NULL", "NULL"});
        my.execute("CREATE TABLE n (id INT PRIMARY KEY, d DATE NOT NULL)");
        my.execute("INSERT INTO n VALUES (1, '0000-00-00')");
        o.tables = {"n"};
        CHECK_THROWS_WITH_AS(copy_database(my, driftless::sqlite::open(":memory:"), o),
                             doctest::Contains("table n, id = 1, column d: '0000-00-00' is MySQL's zero date, which no other engine has, in a NOT "
                                               "NULL column"),
                             driftless::error);
    }
    refused({"CREATE TABLE t (id INT PRIMARY KEY, u BIGINT UNSIGNED)", "INSERT INTO t VALUES (1, 5), (2, 18446744073709551615)"},
            "table t, id = 2, column u: '18446744073709551615' does not fit INTEGER", false);
    refused({"CREATE TABLE t (id INT PRIMARY KEY, b BOOLEAN)", "INSERT INTO t VALUES (1, 1), (4, 2)"},
            "table t, id = 4, column b: 2 is not a boolean (0 or 1)", false);
#ifdef DRIFTLESS_TEST_WITH_POSTGRESQL
    refused({"CREATE TABLE t (id INT PRIMARY KEY, s TEXT)", "INSERT INTO t VALUES (9, CONCAT('a', CHAR(0), 'b'))"},
            "table t, id = 9, column s: 'a?b' holds a NUL character, which PostgreSQL text cannot", true);
    refused({"CREATE TABLE t (id INT PRIMARY KEY, u BIGINT UNSIGNED)", "INSERT INTO t VALUES (3, 9223372036854775808)"},
            "table t, id = 3, column u: '9223372036854775808' does not fit BIGINT", true);
#endif
}

TEST_CASE("copy MariaDB -> SQLite: every table read in one snapshot; rows another session adds during the copy are not taken") {
    my_test::scratch_database scratch;
    auto my = scratch.connect();
    auto writer = scratch.connect();
    my.execute("CREATE TABLE p (id INT PRIMARY KEY)");
    my.execute("CREATE TABLE c (id INT PRIMARY KEY, p_id INT, FOREIGN KEY (p_id) REFERENCES p (id))");
    my.execute("INSERT INTO p VALUES (1), (2)");
    my.execute("INSERT INTO c VALUES (1, 1)");
    test_support::check_copy_reads_one_snapshot(my, [&] {
        writer.execute("INSERT INTO p VALUES (3)");
        writer.execute("INSERT INTO c VALUES (2, 3)");
    });
    CHECK(my_test::one(my, "SELECT @@in_transaction") == "0");  // the snapshot's transaction is over
    CHECK(my_test::one(my, "SELECT COUNT(*) FROM c") == "2");
}

TEST_CASE("copy SQLite -> MariaDB: killed with SIGKILL at 20 points or more, each run going on where the one before stopped; the end "
          "result is the source's rows") {
    my_test::scratch_database scratch;
    test_support::copy_resume_source_killed("my", [&] { return scratch.connect(); });
    const auto my = scratch.connect();
    test_support::check_resume_target(my, "LOWER(HEX(data))");
    CHECK(my_test::one(my, "SELECT COUNT(*) FROM _driftless_copy") == "0");
}
