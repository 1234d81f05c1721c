// Rendering: identifier and literal quoting per dialect, name limits, refused fragments, types
// and defaults of runtime schemas.
#include <doctest/doctest.h>

#include <string>

#include <driftless/render.hpp>

using driftless::dialect;
using driftless::quote_identifier;
using driftless::quote_text;

TEST_CASE("quote_identifier: quotes and doubles the dialect's quote character") {
    CHECK(quote_identifier("users", dialect::sqlite) == "\"users\"");
    CHECK(quote_identifier("users", dialect::postgresql) == "\"users\"");
    CHECK(quote_identifier("users", dialect::mysql) == "`users`");
    CHECK(quote_identifier("a\"b", dialect::postgresql) == "\"a\"\"b\"");
    CHECK(quote_identifier("a`b", dialect::postgresql) == "\"a`b\"");
    CHECK(quote_identifier("a`b", dialect::mysql) == "`a``b`");
    CHECK(quote_identifier("a\"b", dialect::mysql) == "`a\"b`");
    CHECK(quote_identifier("select", dialect::sqlite) == "\"select\"");
    CHECK(quote_identifier("x\"); DROP TABLE t; --", dialect::sqlite) == "\"x\"\"); DROP TABLE t; --\"");
}

TEST_CASE("quote_identifier: refuses names the dialect cannot hold") {
    SUBCASE("empty and NUL") {
        for (auto d : {dialect::sqlite, dialect::postgresql, dialect::mysql}) {
            CHECK_THROWS_WITH_AS(quote_identifier("", d), doctest::Contains("is empty"), driftless::error);
            CHECK_THROWS_WITH_AS(quote_identifier(std::string("a\0b", 3), d), doctest::Contains("NUL"), driftless::error);
            CHECK_THROWS_WITH_AS(quote_identifier("\xc3\x28", d), doctest::Contains("UTF-8"), driftless::error);
        }
    }
    SUBCASE("PostgreSQL: 63 bytes") {
        CHECK_NOTHROW(quote_identifier(std::string(63, 'a'), dialect::postgresql));
        CHECK_THROWS_WITH_AS(quote_identifier(std::string(64, 'a'), dialect::postgresql),
                             doctest::Contains("aaaa' is longer than PostgreSQL's 63 bytes (postgresql)"),
                             driftless::error);
        // 32 two-byte characters are 64 bytes
        std::string umlauts;
        for (int i = 0; i < 32; ++i) umlauts += "\xc3\xbc";
        CHECK_THROWS_AS(quote_identifier(umlauts, dialect::postgresql), driftless::error);
        CHECK_NOTHROW(quote_identifier(umlauts, dialect::mysql));
    }
    SUBCASE("MySQL: 64 characters of the BMP, no trailing space") {
        CHECK_NOTHROW(quote_identifier(std::string(64, 'a'), dialect::mysql));
        CHECK_THROWS_WITH_AS(quote_identifier(std::string(65, 'a'), dialect::mysql),
                             doctest::Contains("longer than MySQL's 64 characters"), driftless::error);
        CHECK_THROWS_WITH_AS(quote_identifier("name ", dialect::mysql), doctest::Contains("ends with a space"),
                             driftless::error);
        CHECK_THROWS_WITH_AS(quote_identifier("smile\xf0\x9f\x98\x80", dialect::mysql),
                             doctest::Contains("Basic Multilingual Plane"), driftless::error);
        CHECK_NOTHROW(quote_identifier("smile\xf0\x9f\x98\x80", dialect::postgresql));
    }
    SUBCASE("error carries its code") {
        try {
            (void)quote_identifier("", dialect::sqlite);
            FAIL("no exception");
        } catch (const driftless::error& e) {
            CHECK(e.code() == driftless::errc::invalid_name);
            CHECK(e.id() == "driftless.render.name");
        }
    }
}

TEST_CASE("quote_text: escapes per dialect so that a value never ends the literal") {
    CHECK(quote_text("plain", dialect::sqlite) == "'plain'");
    CHECK(quote_text("it's", dialect::sqlite) == "'it''s'");
    CHECK(quote_text("it's", dialect::postgresql) == "'it''s'");
    CHECK(quote_text("it's", dialect::mysql) == "'it''s'");
    CHECK(quote_text("a\\b", dialect::sqlite) == "'a\\b'");
    CHECK(quote_text("a\\b", dialect::postgresql) == "E'a\\\\b'");
    CHECK(quote_text("a\\b", dialect::mysql) == "'a\\\\b'");
    CHECK(quote_text("\\'; DROP TABLE x; --", dialect::mysql) == "'\\\\''; DROP TABLE x; --'");
    CHECK(quote_text("", dialect::postgresql) == "''");
    CHECK(quote_text("caf\xc3\xa9", dialect::sqlite) == "'caf\xc3\xa9'");
    CHECK_THROWS_WITH_AS(quote_text(std::string("a\0b", 3), dialect::sqlite), doctest::Contains("NUL"), driftless::error);
    CHECK_THROWS_WITH_AS(quote_text("\xff", dialect::sqlite), doctest::Contains("UTF-8"), driftless::error);
}

TEST_CASE("render_type: every kind on every dialect") {
    using driftless::to_column_type;
    namespace t = driftless::types;
    const auto r = [](const driftless::type_def& x, dialect d) { return driftless::render_type(to_column_type(x), d); };
    CHECK(r(t::integer(64, true), dialect::postgresql) == "NUMERIC(20)");
    CHECK(r(t::integer(8), dialect::postgresql) == "SMALLINT");
    CHECK(r(t::integer(32, true), dialect::mysql) == "INT UNSIGNED");
    CHECK(r(t::decimal(12, 3), dialect::mysql) == "DECIMAL(12,3)");
    CHECK(r(t::decimal(12, 3), dialect::sqlite) == "NUMERIC(12,3)");
    CHECK(r(t::text(40), dialect::sqlite) == "VARCHAR(40)");
    CHECK(r(t::text(), dialect::mysql) == "VARCHAR(255)");
    CHECK(r(t::timestamp(3), dialect::mysql) == "DATETIME(3)");
    CHECK(r(t::timestamp(6), dialect::sqlite) == "TIMESTAMP");
    CHECK(r(t::custom("JSON", "JSONB", "JSON"), dialect::postgresql) == "JSONB");
    CHECK_THROWS_WITH_AS(r(t::custom("INT); DROP TABLE x; --"), dialect::sqlite),
                         doctest::Contains("driftless.render.fragment"), driftless::error);
    CHECK_THROWS_AS(r(driftless::type_def{}, dialect::sqlite), driftless::error);
}

TEST_CASE("render_default: literals per dialect") {
    using driftless::column_default;
    using driftless::default_kind;
    const driftless::column_type real{.kind = driftless::type_kind::real, .bits = 64};
    const auto def = [&](column_default v, dialect d) { return driftless::render_default(v, real, d); };
    CHECK(def({.kind = default_kind::real, .real = 2.0}, dialect::sqlite) == "2.0");
    CHECK(def({.kind = default_kind::real, .real = 1e300}, dialect::sqlite) == "1e+300");
    CHECK(def({.kind = default_kind::real, .real = 0.1}, dialect::sqlite) == "0.1");
    CHECK(def({.kind = default_kind::integer, .integer = -9223372036854775807 - 1}, dialect::mysql) ==
          "-9223372036854775808");
    CHECK(def({.kind = default_kind::boolean, .boolean = true}, dialect::postgresql) == "TRUE");
    CHECK(def({.kind = default_kind::boolean, .boolean = true}, dialect::sqlite) == "1");
    CHECK(def({}, dialect::sqlite).empty());
    CHECK_THROWS_WITH_AS(def({.kind = default_kind::real, .real = 1.0 / 0.0 * 0.0}, dialect::sqlite),
                         doctest::Contains("finite"), driftless::error);
    CHECK_THROWS_WITH_AS(def({.kind = default_kind::expression, .text = "1); DROP TABLE x; --"}, dialect::sqlite),
                         doctest::Contains("driftless.render.fragment"), driftless::error);
}

TEST_CASE("render_create_table: runtime schemas are checked as strictly as models") {
    driftless::table_info t;
    t.name = "t";
    t.columns.push_back({.name = "a", .type = driftless::to_column_type(driftless::types::integer())});
    SUBCASE("a valid table") {
        CHECK(driftless::render_create_table(t, dialect::sqlite) == "CREATE TABLE \"t\" (\n  \"a\" INTEGER NOT NULL\n)");
    }
    SUBCASE("a check that would end the statement") {
        t.checks.push_back({"c", "a > 0); DROP TABLE t; --"});
        CHECK_THROWS_WITH_AS(driftless::render_create_table(t, dialect::sqlite),
                             doctest::Contains("driftless.render.fragment"), driftless::error);
    }
    SUBCASE("a quote inside SQLite's [...] or backtick identifiers cannot hide the end of the check") {
        t.checks = {{"c", "1 = CAST(1 AS [x'])) ); DROP TABLE victim; /*')"}};
        CHECK_THROWS_WITH_AS(driftless::render_create_table(t, dialect::sqlite),
                             doctest::Contains("driftless.render.fragment"), driftless::error);
        t.checks = {{"c", "`x'` = 1"}};
        CHECK_THROWS_WITH_AS(driftless::render_create_table(t, dialect::postgresql),
                             doctest::Contains("driftless.render.fragment"), driftless::error);
        t.checks = {{"c", "[a] >= 0"}};
        CHECK_NOTHROW(driftless::render_create_table(t, dialect::sqlite));
    }
    SUBCASE("dollar quoting, comments and backslashes are refused") {
        for (const char* bad : {"$$ ' $$", "a -- x", "a /* x */", "a # x", "'a\\' OR 1", "'open", "(a", "a)", "a;b"}) {
            CAPTURE(bad);
            t.checks = {{"c", bad}};
            CHECK_THROWS_AS(driftless::render_create_table(t, dialect::postgresql), driftless::error);
        }
    }
    SUBCASE("quotes inside quotes are fine") {
        t.checks = {{"c", "a IN (1, 2) OR 'x;y' = 'x;y' OR \"a\" = 1"}};
        CHECK_NOTHROW(driftless::render_create_table(t, dialect::postgresql));
    }
    SUBCASE("SQLite reserves sqlite_ names") {
        t.name = "sqlite_stuff";
        CHECK_THROWS_WITH_AS(driftless::render_create_table(t, dialect::sqlite), doctest::Contains("reserves"),
                             driftless::error);
        CHECK_NOTHROW(driftless::render_create_table(t, dialect::postgresql));
    }
    SUBCASE("a table with no columns") {
        t.columns.clear();
        CHECK_THROWS_AS(driftless::render_create_table(t, dialect::sqlite), driftless::error);
    }
    SUBCASE("MySQL cannot SET DEFAULT on delete") {
        t.foreign_keys.push_back({"fk", {"a"}, "t", {"a"}, driftless::fk_action::set_default, {}});
        CHECK_THROWS_WITH_AS(driftless::render_create_table(t, dialect::mysql), doctest::Contains("SET DEFAULT"),
                             driftless::error);
        CHECK(driftless::render_create_table(t, dialect::sqlite).find("ON DELETE SET DEFAULT") != std::string::npos);
    }
}

TEST_CASE("fit_name: long generated names are shortened deterministically") {
    const std::string long_name(100, 'x');
    const std::string fitted = driftless::detail::fit_name(long_name);
    CHECK(fitted.size() == 63);
    CHECK(fitted == driftless::detail::fit_name(long_name));
    CHECK(fitted != driftless::detail::fit_name(std::string(99, 'x') + "y"));
    CHECK(driftless::detail::fit_name("short") == "short");
    std::string multibyte;
    for (int i = 0; i < 40; ++i) multibyte += "\xc3\xbc";
    CHECK(driftless::detail::is_valid_utf8(driftless::detail::fit_name(multibyte)));
}
