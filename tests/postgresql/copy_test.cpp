// copy_database() from SQLite to PostgreSQL on a real server: every value read back equal (checked
// here, apart from the copy's own digest), foreign keys after the rows, identity columns moved on,
// a non-empty target refused, an unrepresentable value refused with its key.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <sqlite3.h>

#include <driftless/postgresql.hpp>
#include <driftless/sqlite.hpp>

#include "../support/copy.hpp"
#include "pg_support.hpp"

namespace {

using driftless::copy_database;
using driftless::copy_options;
using driftless::existing_rows;

std::string shortest(double d) {
    if (d == std::numeric_limits<double>::infinity()) return "Infinity";  // as PostgreSQL prints it
    if (d == -std::numeric_limits<double>::infinity()) return "-Infinity";
    char buf[32];
    return std::string(buf, std::to_chars(buf, buf + sizeof buf, d).ptr);
}

std::string hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out = "\\x";
    for (const char c : bytes) {
        out += digits[static_cast<unsigned char>(c) >> 4];
        out += digits[static_cast<unsigned char>(c) & 15];
    }
    return out;
}

/// A model whose double a SQLite source keeps in an INTEGER column.
struct measure {
    std::int64_t id;
    std::optional<std::string> note;
    double value;
};

/// Row i of the generated table, as PostgreSQL prints each column (NULL as "NULL").
struct generated_row {
    std::int64_t id;
    std::string big, real, text, blob;
};

generated_row make_row(std::int64_t i) {
    static const std::int64_t extremes[] = {std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(), 0, -1,
                                            (std::int64_t{1} << 53) + 1};
    static const double reals[] = {0.1, 1e308, 4.9e-324, -2.5, 123456789.12345679, 1.0 / 3, -0.0, 6.02214076e23};
    static const std::string texts[] = {"", "plain", "tab\there", "new\nline\r\n", "back\\slash", "\xF0\x9F\x98\x80 four bytes",
                                        "caf\xC3\xA9 \xE2\x82\xAC", "quote ' and \" both", "\\N"};
    generated_row r;
    r.id = i;
    r.big = i % 7 == 6 ? "NULL" : std::to_string(extremes[i % 5] - (i % 5 == 0 ? 0 : 0));
    const double d = reals[i % 8] * (i % 8 == 6 ? 1 : 1.0 + static_cast<double>(i) / 1024);
    r.real = i % 11 == 10 ? "NULL" : d == 0 ? "0" : shortest(d);
    r.text = i % 13 == 12 ? "NULL" : texts[i % 9] + std::to_string(i);
    std::string b;
    for (std::int64_t k = 0; k < i % 40; ++k) b += static_cast<char>((k * 37 + i) % 256);  // NULs included
    r.blob = i % 17 == 16 ? "NULL" : hex(b);
    return r;
}

}  // namespace

TEST_CASE("copy SQLite -> PostgreSQL: every value read back equal, foreign keys after the rows, identity moved on") {
    pg_test::scratch_database scratch;
    auto pg = scratch.connect();
    auto lite = driftless::sqlite::open(":memory:");
    lite.execute(
        "CREATE TABLE gen (id INTEGER PRIMARY KEY, big BIGINT, real DOUBLE, text TEXT, blob BLOB);"
        "CREATE TABLE kinds (id INTEGER PRIMARY KEY, flag BOOLEAN NOT NULL DEFAULT 0, at DATETIME, day DATE, "
        "  price DECIMAL(12,3), code VARCHAR(10), note TEXT DEFAULT 'none', CHECK (length(code) > 0));"
        "CREATE TABLE a (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
        "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER NOT NULL REFERENCES a(id) ON DELETE CASCADE);"
        "CREATE TABLE c (id INTEGER PRIMARY KEY, b_id INTEGER REFERENCES b(id));"
        "CREATE TABLE x (id INTEGER PRIMARY KEY, y_id INTEGER REFERENCES y(id));"
        "CREATE TABLE y (id INTEGER PRIMARY KEY, x_id INTEGER REFERENCES x(id));"
        "CREATE TABLE loose (label TEXT, n INTEGER);"
        "CREATE INDEX gen_by_big ON gen (big);");
    {
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(lite.handle(), "INSERT INTO gen VALUES (?1, ?2, ?3, ?4, ?5)", -1, &st, nullptr) == SQLITE_OK);
        lite.execute("BEGIN");
        for (std::int64_t i = 1; i <= 2500; ++i) {
            const generated_row r = make_row(i);
            sqlite3_reset(st);
            sqlite3_bind_int64(st, 1, i);
            if (r.big == "NULL") sqlite3_bind_null(st, 2);
            else sqlite3_bind_int64(st, 2, std::stoll(r.big));
            if (r.real == "NULL") sqlite3_bind_null(st, 3);
            else {
                double d = 0;
                std::from_chars(r.real.data(), r.real.data() + r.real.size(), d);  // stod refuses subnormals
                sqlite3_bind_double(st, 3, d);
            }
            if (r.text == "NULL") sqlite3_bind_null(st, 4);
            else sqlite3_bind_text(st, 4, r.text.data(), static_cast<int>(r.text.size()), SQLITE_TRANSIENT);
            if (r.blob == "NULL") {
                sqlite3_bind_null(st, 5);
            } else {
                std::string bytes;
                for (std::size_t k = 2; k < r.blob.size(); k += 2) bytes += static_cast<char>(std::stoi(r.blob.substr(k, 2), nullptr, 16));
                sqlite3_bind_blob(st, 5, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
            }
            REQUIRE(sqlite3_step(st) == SQLITE_DONE);
        }
        lite.execute("COMMIT");
        sqlite3_finalize(st);
    }
    lite.execute(
        "INSERT INTO kinds VALUES (1, 1, '2024-02-29 23:59:59', '2024-02-29', 1234.5, 'A', 'x'),"
        " (2, 0, '2024-01-02T03:04:05.25+02:00', '1999-12-31', '-0.125', 'B', NULL),"
        " (3, 0, NULL, NULL, 7, 'C', 'none'), (4, 1, '1970-01-01 00:00:00Z', '0001-01-01', NULL, 'Ω', '');"
        "INSERT INTO a VALUES (1, 'one'), (2, 'two'); INSERT INTO b VALUES (10, 1), (20, 2); INSERT INTO c VALUES (100, 10), (200, NULL);"
        "INSERT INTO x VALUES (1, NULL); INSERT INTO y VALUES (1, 1); UPDATE x SET y_id = 1;"
        "INSERT INTO loose VALUES ('p', 1), ('p', 1), (NULL, NULL);");

    copy_options o;
    o.batch_rows = 333;  // several batches, one partial
    std::vector<driftless::copy_event> events;
    o.observer = [&](const driftless::copy_event& e) { events.push_back(e); };
    const driftless::copy_result r = copy_database(lite, pg, o);
    REQUIRE(r.tables.size() == 8);
    for (const auto& t : r.tables) {
        CAPTURE(t.name);
        CHECK(t.verified);
        CHECK(t.digest.size() == 32);
    }
    CHECK(r.version == 1);
    CHECK(std::any_of(r.notes.begin(), r.notes.end(), [](const std::string& n) { return n.find("CHECK length(code) > 0 left out") != std::string::npos; }));
    // Progress: a batch at a time, the total known up front, then each table done.
    CHECK(std::count_if(events.begin(), events.end(), [](const auto& e) { return e.table == "gen" && !e.done; }) == 9);  // start + 8 batches
    CHECK(std::any_of(events.begin(), events.end(), [](const auto& e) { return e.table == "gen" && e.rows == 0 && e.count == 8; }));
    CHECK(std::any_of(events.begin(), events.end(), [](const auto& e) { return e.table == "gen" && e.rows == 999 && e.total == 2500; }));
    CHECK(std::count_if(events.begin(), events.end(), [](const auto& e) { return e.done; }) == 8);

    // Every generated value, as PostgreSQL prints it, against what was put into SQLite.
    pg.execute("SET extra_float_digits = 3; SET bytea_output = 'hex'; SET TimeZone = 'UTC'");
    const auto rows = pg.execute("SELECT id, coalesce(big::text, 'NULL'), coalesce(real::text, 'NULL'), coalesce(text, 'NULL'), "
                                 "coalesce(blob::text, 'NULL') FROM gen ORDER BY id");
    REQUIRE(rows.rows() == 2500);
    int mismatches = 0;
    for (int i = 0; i < rows.rows(); ++i) {
        const generated_row want = make_row(i + 1);
        const bool same = rows.text(i, 0) == std::to_string(want.id) && rows.text(i, 1) == want.big && rows.text(i, 2) == want.real &&
                          rows.text(i, 3) == want.text && rows.text(i, 4) == want.blob;
        if (!same && ++mismatches <= 3) {
            CAPTURE(i + 1);
            CHECK(rows.text(i, 1) == want.big);
            CHECK(rows.text(i, 2) == want.real);
            CHECK(rows.text(i, 3) == want.text);
            CHECK(rows.text(i, 4) == want.blob);
        }
    }
    CHECK(mismatches == 0);
    CHECK(pg_test::one(pg, "SELECT string_agg(concat(id, '|', flag, '|', at, '|', day, '|', price, '|', code, '|', coalesce(note, 'NULL')), ';' ORDER BY id) FROM kinds") ==
          "1|t|2024-02-29 23:59:59+00|2024-02-29|1234.500|A|x;2|f|2024-01-02 01:04:05.25+00|1999-12-31|-0.125|B|NULL;"
          "3|f|||7.000|C|none;4|t|1970-01-01 00:00:00+00|0001-01-01||Ω|");
    CHECK(pg_test::one(pg, "SELECT count(*) || ' ' || count(DISTINCT label) || ' ' || sum(n) FROM loose") == "3 1 2");
    // The types, by rule; foreign keys there (added after the rows), the cycle included.
    CHECK(pg_test::one(pg, "SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position) FROM "
                           "information_schema.columns WHERE table_name = 'kinds'") ==
          "id bigint, flag boolean, at timestamp with time zone, day date, price numeric, code character varying, note text");
    CHECK(pg_test::one(pg, "SELECT string_agg(conrelid::regclass || '->' || confrelid::regclass, ', ' ORDER BY conrelid::regclass::text) "
                           "FROM pg_constraint WHERE contype = 'f'") == "b->a, c->b, x->y, y->x");
    CHECK(pg_test::one(pg, "SELECT count(*) FROM pg_indexes WHERE indexname = 'gen_by_big'") == "1");
    // The key numbers new rows after the largest copied, as SQLite's rowid would.
    CHECK(pg_test::one(pg, "INSERT INTO a (name) VALUES ('three') RETURNING id") == "3");
    // Two migrations: the tables, then their foreign keys and indexes.
    CHECK(pg_test::one(pg, "SELECT string_agg(version::text, ',' ORDER BY version) FROM _driftless_migrations WHERE description = "
                           "'copy from sqlite'") == "1,2");

    // A target with rows: refused before anything changes; --truncate replaces them, verified.
    CHECK_THROWS_WITH_AS(copy_database(lite, pg), doctest::Contains("the target already has rows in a (3 rows)"), driftless::error);
    CHECK(pg_test::one(pg, "SELECT count(*) FROM a") == "3");
    o.existing = existing_rows::truncate;
    o.observer = {};
    o.tables = {"a", "b", "c"};
    const auto again = copy_database(lite, pg, o);
    CHECK(again.tables.size() == 3);
    CHECK(pg_test::one(pg, "SELECT string_agg(name, ',' ORDER BY id) FROM a") == "one,two");
    // Appending to a table without a key: its rows twice, verified against what was there before.
    o.existing = existing_rows::append;
    o.tables = {"loose"};
    const auto appended = copy_database(lite, pg, o);
    CHECK(appended.tables[0].verified);
    CHECK(pg_test::one(pg, "SELECT count(*) FROM loose") == "6");
}

TEST_CASE("copy SQLite -> PostgreSQL: a value the target cannot hold stops the copy, naming table, key, column and value") {
    const auto refused = [](const std::string& create, const std::string& insert, const std::string& expected) {
        CAPTURE(create);
        pg_test::scratch_database scratch;
        auto pg = scratch.connect();
        auto lite = driftless::sqlite::open(":memory:");
        lite.execute(create);
        lite.execute(insert);
        CHECK_THROWS_WITH_AS(copy_database(lite, pg), doctest::Contains(expected.c_str()), driftless::error);
    };
    refused("CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT)", "INSERT INTO t VALUES (1, 'ok'), (7, 'a' || char(0) || 'b')",
            "table t, id = 7, column s: 'a?b' holds a NUL character");
    refused("CREATE TABLE t (id INTEGER PRIMARY KEY, p DECIMAL(5,2))", "INSERT INTO t VALUES (4, '1.005')",
            "table t, id = 4, column p: 1.005 has more decimal places than NUMERIC(5,2) keeps");
    refused("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)", "INSERT INTO t VALUES (5, 'five')",
            "table t, id = 5, column n: 'five' is not an integer");
    refused("CREATE TABLE t (k TEXT PRIMARY KEY, s VARCHAR(3))", "INSERT INTO t VALUES ('key', 'long')",
            "table t, k = 'key', column s: 'long' is longer than VARCHAR(3)");
    refused("CREATE TABLE t (id INTEGER PRIMARY KEY, d DATETIME)", "INSERT INTO t VALUES (6, 'yesterday')",
            "table t, id = 6, column d: 'yesterday' is not a timestamp");
    refused("CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT)", "INSERT INTO t VALUES (8, x'ff')", "it is a blob, not text");
    // Allowed by name, the value is converted and counted.
    {
        pg_test::scratch_database scratch;
        auto pg = scratch.connect();
        auto lite = driftless::sqlite::open(":memory:");
        // A model's double read from an INTEGER column: an integer beyond 2^53 would round.
        lite.execute("CREATE TABLE measure (id INTEGER PRIMARY KEY, note TEXT, value INTEGER);"
                     "INSERT INTO measure VALUES (1, 'ok', 5), (7, 'a' || char(0) || 'b' || char(0), 9007199254740993), (8, NULL, -9007199254740995)");
        copy_options o;
        CHECK_THROWS_WITH_AS(driftless::copy<measure>(lite, pg, o),
                             doctest::Contains("table measure, id = 7, column note: 'a?b?' holds a NUL character, which PostgreSQL text cannot (allow "
                                               "the conversion nul_removed"),
                             driftless::error);
        o.allow = {driftless::conversion::nul_removed};
        o.existing = existing_rows::truncate;
        CHECK_THROWS_WITH_AS(driftless::copy<measure>(lite, pg, o),
                             doctest::Contains("table measure, id = 7, column value: 9007199254740993 is an integer beyond 2^53, which DOUBLE "
                                               "PRECISION would round (allow the conversion integer_rounded"),
                             driftless::error);
        o.allow = {driftless::conversion::nul_removed, driftless::conversion::integer_rounded};
        const driftless::copy_result r = driftless::copy<measure>(lite, pg, o);
        test_support::check_all_verified(r, 1);
        CHECK(r.notes == std::vector<std::string>{"table measure, column note: 1 texts with NUL characters written without them (allowed: nul_removed)",
                                                  "table measure, column value: 2 integers beyond 2^53 written as the nearest double (allowed: "
                                                  "integer_rounded)"});
        CHECK(pg_test::one(pg, "SELECT string_agg(coalesce(note, 'NULL') || ':' || value::text, ',' ORDER BY id) FROM measure") ==
              "ok:5,ab:9.007199254740992e+15,NULL:-9.007199254740996e+15");
    }
    // An index built after the rows is still named before them: a name too long for PostgreSQL.
    refused("CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT); CREATE INDEX " + std::string(70, 'i') + " ON t (s)",
            "INSERT INTO t VALUES (1, 'a')", "is longer than PostgreSQL's 63 bytes");
}

TEST_CASE("copy SQLite -> PostgreSQL: a copy that stopped is done again with truncate, its foreign keys added then; plain NUMERIC, "
          "a date in a timestamp, a generated column") {
    pg_test::scratch_database scratch;
    auto pg = scratch.connect();
    auto lite = driftless::sqlite::open(":memory:");
    lite.execute(
        "CREATE TABLE p (id INTEGER PRIMARY KEY, amount NUMERIC, at TIMESTAMP, twice INTEGER GENERATED ALWAYS AS (id * 2) VIRTUAL);"
        "CREATE TABLE q (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p(id), n INTEGER);"
        "CREATE INDEX p_by_at ON p (at);"
        "INSERT INTO p (id, amount, at) VALUES (1, 12.50, '2024-03-01'), (2, '0.000001', '2024-03-01 10:00:00.5'), (3, 100, NULL);"
        "INSERT INTO q VALUES (1, 1, 1), (2, 2, 'two');");
    CHECK_THROWS_WITH_AS(copy_database(lite, pg), doctest::Contains("table q, id = 2, column n: 'two' is not an integer"), driftless::error);
    // Parents first: p was loaded before q stopped, q has nothing, and no foreign key is there yet.
    CHECK(pg_test::one(pg, "SELECT count(*) FROM p") == "3");
    CHECK(pg_test::one(pg, "SELECT count(*) FROM q") == "0");
    CHECK(pg_test::one(pg, "SELECT count(*) FROM pg_constraint WHERE contype = 'f'") == "0");
    CHECK(pg_test::one(pg, "SELECT count(*) FROM pg_indexes WHERE indexname = 'p_by_at'") == "0");  // built after the rows
    lite.execute("UPDATE q SET n = 2 WHERE id = 2");
    CHECK_THROWS_WITH_AS(copy_database(lite, pg), doctest::Contains("the target already has rows in p (3 rows)"), driftless::error);
    copy_options o;
    o.existing = existing_rows::truncate;
    const auto r = copy_database(lite, pg, o);
    REQUIRE(r.tables.size() == 2);
    CHECK(r.tables[0].verified);
    CHECK(r.tables[1].verified);
    CHECK(pg_test::one(pg, "SELECT string_agg(conrelid::regclass || '->' || confrelid::regclass, ', ') FROM pg_constraint WHERE contype = 'f'") ==
          "q->p");
    CHECK(pg_test::one(pg, "SELECT count(*) FROM pg_indexes WHERE indexname = 'p_by_at'") == "1");
    pg.execute("SET TimeZone = 'UTC'");
    CHECK(pg_test::one(pg, "SELECT string_agg(concat(id, '|', amount, '|', at, '|', twice), ';' ORDER BY id) FROM p") ==
          "1|12.5|2024-03-01 00:00:00+00|2;2|0.000001|2024-03-01 10:00:00.5+00|4;3|100||6");
    CHECK(pg_test::one(pg, "SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position) FROM "
                           "information_schema.columns WHERE table_name = 'p'") ==
          "id bigint, amount numeric, at timestamp with time zone, twice bigint");
    CHECK(pg_test::one(pg, "SELECT string_agg(n::text, ',' ORDER BY id) FROM q") == "1,2");
    // A table that keeps its rows (append) must already be as the copy would make it: an index
    // missing there is a difference, refused, and the table is left alone.
    pg.execute("DROP INDEX p_by_at");
    o.existing = existing_rows::append;
    o.tables = {"p"};
    CHECK_THROWS_WITH_AS(copy_database(lite, pg, o), doctest::Contains("the target has tables that differ from what the copy would create"),
                         driftless::error);
    CHECK(pg_test::one(pg, "SELECT count(*) FROM p") == "3");
    CHECK(pg_test::one(pg, "SELECT count(*) FROM pg_indexes WHERE indexname = 'p_by_at'") == "0");
}

namespace {

/// A schema written by hand in PostgreSQL: identity and serial keys, every portable type and some
/// that have none, a CHECK, defaults, a partial index, an enum, a foreign-key chain; 3,000 rows
/// with extremes and NULLs.
void hand_written_source(driftless::postgresql::connection& pg) {
    pg.execute(
        "SET client_min_messages = warning;"
        "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');"
        "CREATE TABLE owner (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name varchar(20) NOT NULL UNIQUE,"
        "  born date, mood mood DEFAULT 'ok', CHECK (length(name) > 1));"
        "CREATE TABLE pet (id serial PRIMARY KEY, owner_id bigint NOT NULL REFERENCES owner(id), tag char(3), "
        "  created timestamptz(3) NOT NULL DEFAULT now(), legs smallint DEFAULT 4);"
        "CREATE TABLE visit (id bigint PRIMARY KEY, pet_id integer REFERENCES pet(id) ON DELETE CASCADE, i integer, n bigint,"
        "  d double precision, f real, m numeric(12,2), big numeric, b boolean, t text, y bytea, ts timestamp, tz timestamptz,"
        "  j jsonb, u uuid, arr integer[]);"
        "CREATE INDEX visit_open ON visit (pet_id) WHERE b;"
        "CREATE INDEX visit_by_n ON visit (n);"
        "INSERT INTO owner (name, born, mood) VALUES ('ann', '1980-02-29', 'happy'), ('bob', NULL, NULL), "
        "  ('\xC3\xA9mile \xF0\x9F\x90\xB1', '0001-01-01', 'sad');"
        "INSERT INTO pet (owner_id, tag, created, legs) VALUES (1, 'a', '2024-01-02 03:04:05.678+02', 4), (3, NULL, '1999-12-31 23:59:59Z', NULL);"
        "INSERT INTO visit SELECT g, CASE WHEN g % 5 = 0 THEN NULL ELSE 1 + g % 2 END,"
        "  (ARRAY[-2147483648, 2147483647, 0, -1])[1 + g % 4],"
        "  CASE WHEN g % 7 = 0 THEN NULL ELSE (ARRAY[-9223372036854775808, 9223372036854775807, 9007199254740993, 0])[1 + g % 4] END,"
        "  (ARRAY[0.1::float8, 1e308, 4.9e-324, '-0', 'Infinity', 123456789.12345679, 1.0 / 3])[1 + g % 7]"
        "    + CASE WHEN g % 7 IN (0, 5, 6) THEN g / 1024.0 ELSE '-0'::float8 END,"
        "  (ARRAY[0.1::float4, 3.4e38, -1.5, 1.17549435e-38])[1 + g % 4],"
        "  CASE WHEN g % 11 = 0 THEN NULL ELSE (g * 12345.67 - 5e9)::numeric(12,2) % 1e10 END,"
        "  (ARRAY['12345678901234.5', '-0.5', '0', '0.000125'])[1 + g % 4]::numeric,"
        "  CASE WHEN g % 3 = 0 THEN NULL ELSE g % 2 = 0 END,"
        "  CASE WHEN g % 13 = 0 THEN NULL ELSE (ARRAY['', 'tab\there', E'new\\nline', E'back\\\\slash', '\\N', "
        "    '\xF0\x9F\x98\x80 four', 'quote '' and \"'])[1 + g % 7] || g END,"
        "  CASE WHEN g % 17 = 0 THEN NULL ELSE decode(repeat(lpad(to_hex(g % 256), 2, '0') || '00', g % 9), 'hex') END,"
        "  '2000-01-01'::timestamp + g * interval '1 hour 1.25 second',"
        "  '2024-06-30 12:00:00+05:30'::timestamptz + g * interval '1 minute',"
        "  CASE WHEN g % 4 = 0 THEN NULL ELSE jsonb_build_object('g', g, 's', 'x\"y') END,"
        "  md5(g::text)::uuid, ARRAY[g, -g]"
        "  FROM generate_series(1, 3000) g;"
        "SELECT setval(pg_get_serial_sequence('owner', 'id'), 10);");  // numbers given out before, rows since deleted
}

/// The first column of the first row of `sql` on SQLite, as text ("NULL" for none).
std::string lite_one(const driftless::sqlite::connection& db, const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    std::string out = "NULL";
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        out.assign(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), static_cast<std::size_t>(sqlite3_column_bytes(st, 0)));
    sqlite3_finalize(st);
    return out;
}

/// Every column of `table` as PostgreSQL prints it (in UTC, floats exact, bytea hex), one string.
std::string pg_rows(driftless::postgresql::connection& pg, const std::string& table, const std::string& columns) {
    pg.execute("SET extra_float_digits = 3; SET bytea_output = 'hex'; SET TimeZone = 'UTC'");
    return pg_test::one(pg, "SELECT string_agg(concat_ws('|', " + columns + "), E'\\n' ORDER BY id) FROM (SELECT * FROM " + table + ") r");
}

}  // namespace

TEST_CASE("copy PostgreSQL -> SQLite and PostgreSQL -> PostgreSQL: a schema written by hand, every value read back equal") {
    pg_test::scratch_database source_db;
    auto pg = source_db.connect();
    hand_written_source(pg);

    SUBCASE("to SQLite") {
        auto lite = driftless::sqlite::open(":memory:");
        copy_options o;
        o.batch_rows = 700;
        const driftless::copy_result r = copy_database(pg, lite, o);
        test_support::check_all_verified(r, 3);
        const auto noted = [&](const std::string& part) {
            return std::any_of(r.notes.begin(), r.notes.end(), [&](const std::string& n) { return n.find(part) != std::string::npos; });
        };
        CHECK(noted("column mood: PostgreSQL type mood has no counterpart; copied as its text"));
        CHECK(noted("column j: PostgreSQL type jsonb has no counterpart; copied as its text"));
        CHECK(noted("length((name)::text) > 1"));
        CHECK(noted("left out (PostgreSQL SQL)"));
        CHECK(noted("index visit_open left out (partial"));
        CHECK(noted("column mood: default"));

        // Each value against PostgreSQL's own text of it, read through SQLite's C API.
        pg.execute("SET extra_float_digits = 3; SET bytea_output = 'hex'; SET TimeZone = 'UTC'");
        const auto want = pg.execute(
            "SELECT id, pet_id, i, n, d, f::text::float8, m, big, b, t, encode(y, 'hex'), ts, (tz AT TIME ZONE 'UTC')::text, j::text, u::text, arr::text "
            "FROM visit ORDER BY id");
        REQUIRE(want.rows() == 3000);
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(lite.handle(),
                                   "SELECT id, pet_id, i, n, d, f, CASE WHEN m IS NOT NULL THEN printf('%.2f', m) END, CAST(big AS TEXT), b, t, "
                                   "CASE WHEN y IS NOT NULL THEN hex(y) END, ts, tz, j, u, arr, "
                                   "typeof(n), typeof(d), typeof(y), typeof(t) FROM visit ORDER BY id",
                                   -1, &st, nullptr) == SQLITE_OK);
        int row = 0, mismatches = 0;
        const auto text = [&](int c) {
            const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
            return p == nullptr ? std::string("NULL") : std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st, c)));
        };
        const auto pg_text = [&](int c) { return want.is_null(row, c) ? std::string("NULL") : want.text(row, c); };
        const auto lower = [](std::string s) {
            for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            return s;
        };
        while (sqlite3_step(st) == SQLITE_ROW) {
            REQUIRE(row < want.rows());
            std::vector<std::pair<std::string, std::string>> pairs;  // (SQLite, PostgreSQL)
            for (const int c : {0, 1, 2, 3}) pairs.emplace_back(text(c), pg_text(c));
            for (const int c : {4, 5}) {  // doubles: bit for bit
                std::string s = "NULL";
                if (sqlite3_column_type(st, c) != SQLITE_NULL) s = shortest(sqlite3_column_double(st, c));
                std::string p = pg_text(c);
                if (p != "NULL" && p != "Infinity" && p != "-Infinity") {
                    double v = 0;
                    std::from_chars(p.data(), p.data() + p.size(), v);
                    p = v == 0 ? "0" : shortest(v);  // SQLite keeps no sign of a REAL zero
                }
                if (s == "-0") s = "0";
                pairs.emplace_back(s, p);
            }
            pairs.emplace_back(sqlite3_column_type(st, 6) == SQLITE_NULL ? "NULL" : text(6), pg_text(6));
            pairs.emplace_back(text(7), pg_text(7) == "NULL" ? "NULL" : pg_text(7));
            pairs.emplace_back(text(8), pg_text(8) == "NULL" ? "NULL" : pg_text(8) == "t" ? "1" : "0");
            pairs.emplace_back(text(9), pg_text(9));
            pairs.emplace_back(sqlite3_column_type(st, 10) == SQLITE_NULL ? "NULL" : lower(text(10)), pg_text(10));
            for (const int c : {11, 12, 13, 14, 15}) pairs.emplace_back(text(c), pg_text(c));
            pairs.emplace_back(text(16) + " " + text(17) + " " + text(18) + " " + text(19), "");
            for (std::size_t k = 0; k + 1 < pairs.size(); ++k) {
                if (pairs[k].first != pairs[k].second && ++mismatches <= 5) {
                    CAPTURE(row + 1);
                    CAPTURE(k);
                    CHECK(pairs[k].first == pairs[k].second);
                }
            }
            // Storage classes: integers, reals, blobs and texts kept as such (no affinity change).
            const std::string& classes = pairs.back().first;
            const bool classes_kept = (classes.rfind("integer real ", 0) == 0 || classes.rfind("null real ", 0) == 0) &&
                                      (classes.find(" blob ") != std::string::npos || classes.find(" null ") != std::string::npos) &&
                                      (classes.ends_with(" text") || classes.ends_with(" null"));
            if (!classes_kept && ++mismatches <= 5) CHECK(classes == "integer real blob text");
            ++row;
        }
        sqlite3_finalize(st);
        CHECK(row == 3000);
        CHECK(mismatches == 0);
        // The small tables, as written.
        CHECK(lite_one(lite, "SELECT group_concat(id || '|' || name || '|' || coalesce(born, 'NULL') || '|' || coalesce(mood, 'NULL'), ';') "
                                "FROM (SELECT * FROM owner ORDER BY id)") ==
              "1|ann|1980-02-29|happy;2|bob|NULL|NULL;3|\xC3\xA9mile \xF0\x9F\x90\xB1|0001-01-01|sad");
        CHECK(lite_one(lite, "SELECT group_concat(id || '|' || owner_id || '|' || coalesce(tag, 'NULL') || '|' || created || '|' || "
                                "coalesce(legs, 'NULL'), ';') FROM (SELECT * FROM pet ORDER BY id)") ==
              "1|1|a  |2024-01-02 01:04:05.678|4;2|3|NULL|1999-12-31 23:59:59|NULL");
        // Foreign keys there and holding; keys go on after the largest copied.
        CHECK(lite_one(lite, "SELECT count(*) FROM pragma_foreign_key_list('visit')") == "1");
        CHECK(lite_one(lite, "SELECT count(*) FROM pragma_foreign_key_check") == "0");
        lite.execute("INSERT INTO owner (name) VALUES ('dee')");
        CHECK(lite_one(lite, "SELECT max(id) FROM owner") == "11");  // after the source's counter, not its largest key
        CHECK(lite_one(lite, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'visit_by_n'") == "1");

        // A decimal with more significant digits than SQLite's NUMERIC keeps (15, as a REAL) is
        // refused, naming its key, rather than rounded.
        pg.execute("CREATE TABLE wide_num (id int PRIMARY KEY, v numeric); INSERT INTO wide_num VALUES (1, 2.5), (2, '123456789012345678.25')");
        auto other = driftless::sqlite::open(":memory:");
        o.tables = {"wide_num"};
        CHECK_THROWS_WITH_AS(copy_database(pg, other, o),
                             doctest::Contains("table wide_num, id = 2, column v: '123456789012345678.25' has more than 15 significant digits"),
                             driftless::error);
    }

    SUBCASE("to PostgreSQL") {
        pg_test::scratch_database target_db;
        auto to = target_db.connect();
        to.execute("SET client_min_messages = warning; CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')");  // the type, as a user would first
        pg.execute("UPDATE visit SET big = '123456789012345678901234567890.000000001' WHERE id % 4 = 0");
        const driftless::copy_result r = copy_database(pg, to);
        REQUIRE(r.tables.size() == 3);
        for (const auto& t : r.tables) CHECK(t.verified);
        const std::string visit_columns = "id, pet_id, i, n, d, f, m, big, b, t, y, ts, tz, j, u, arr";
        CHECK(pg_rows(to, "visit", visit_columns) == pg_rows(pg, "visit", visit_columns));
        CHECK(pg_rows(to, "owner", "id, name, born, mood") == pg_rows(pg, "owner", "id, name, born, mood"));
        CHECK(pg_rows(to, "pet", "id, owner_id, tag, created, legs") == pg_rows(pg, "pet", "id, owner_id, tag, created, legs"));
        // The same types and constraints; identity and serial keys go on after the largest copied.
        const std::string columns_sql = "SELECT string_agg(table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable, ', ' "
                                        "ORDER BY table_name, ordinal_position) FROM information_schema.columns WHERE table_schema = 'public' "
                                        "AND table_name NOT LIKE '\\_driftless%'";
        CHECK(pg_test::one(to, columns_sql) == pg_test::one(pg, columns_sql));
        const std::string constraints_sql = "SELECT string_agg(conrelid::regclass || ' ' || contype::text || ' ' || pg_get_constraintdef(oid), '; ' "
                                            "ORDER BY conrelid::regclass::text, contype) FROM pg_constraint "
                                            "WHERE conrelid IN ('owner'::regclass, 'pet'::regclass, 'visit'::regclass) AND contype <> 'p'";
        CHECK(pg_test::one(to, constraints_sql) == pg_test::one(pg, constraints_sql));
        CHECK(pg_test::one(to, "SELECT count(*) FROM pg_indexes WHERE indexname IN ('visit_open', 'visit_by_n')") == "2");
        CHECK(pg_test::one(to, "INSERT INTO owner (name) VALUES ('dee') RETURNING id") == "11");
        CHECK(pg_test::one(to, "INSERT INTO pet (owner_id) VALUES (11) RETURNING id") == "3");
    }
}

TEST_CASE("copy PostgreSQL -> SQLite: every table read in one snapshot; rows another session adds during the copy are not taken") {
    pg_test::scratch_database scratch;
    auto pg = scratch.connect();
    auto writer = scratch.connect();
    pg.execute("CREATE TABLE p (id integer PRIMARY KEY); CREATE TABLE c (id integer PRIMARY KEY, p_id integer REFERENCES p (id));"
               "INSERT INTO p VALUES (1), (2); INSERT INTO c VALUES (1, 1)");
    test_support::check_copy_reads_one_snapshot(pg, [&] { writer.execute("INSERT INTO p VALUES (3); INSERT INTO c VALUES (2, 3)"); });
    CHECK(PQtransactionStatus(pg.handle()) == PQTRANS_IDLE);  // the snapshot's transaction is over
    CHECK(pg_test::one(pg, "SELECT count(*) FROM c") == "2");
}

TEST_CASE("copy SQLite -> PostgreSQL: killed with SIGKILL at 20 points or more (a COPY in flight among them), each run going on "
          "where the one before stopped; the end result is the source's rows") {
    pg_test::scratch_database scratch;
    test_support::copy_resume_source_killed("pg", [&] { return scratch.connect(); });
    auto pg = scratch.connect();
    test_support::check_resume_target(pg, "encode(data, 'hex')");
    CHECK(pg_test::one(pg, "SELECT count(*) FROM _driftless_copy") == "0");
    // The foreign key and the identity came after the rows, once.
    CHECK(pg_test::one(pg, "SELECT count(*) FROM pg_constraint WHERE conrelid = 'c'::regclass AND contype = 'f'") == "1");
    CHECK(pg_test::one(pg, "SELECT count(*) FROM _driftless_migrations") == "2");
}
