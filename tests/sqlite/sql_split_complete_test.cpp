// driftless::detail::split_sql for dialect::sqlite against SQLite itself: on thousands of generated
// scripts, the ';' that end statements are exactly those after which sqlite3_complete() says the
// text since the previous one is complete (the property of tests/fuzz/split_property.hpp, which
// also documents the two bytes on which we differ from sqlite3_complete on purpose); and a script
// run piece by piece leaves the same database as the whole script run by sqlite3_exec.
//
// Deliberate differences from running the whole script: a piece ends at its statement's last
// token, so a comment between that token and the ';' ("CREATE TABLE t (a) /* c */;") is not part
// of it, and SQLite does not store it in sqlite_schema.sql as it does when it runs the whole
// script; the scripts run here put no comment there (those checked against sqlite3_complete do).
// Nor is whitespace there part of a piece, which SQLite keeps at the end of a CREATE INDEX's sql;
// the comparison ignores whitespace at the end of sqlite_schema.sql.
//
// Deterministic: std::mt19937 with fixed seeds; a failure prints its seed and script.
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <driftless/detail/sql_split.hpp>
#include <driftless/error.hpp>
#include <driftless/schema.hpp>

#include "../fuzz/split_property.hpp"

namespace {

using driftless::dialect;

/// Scripts built from statements that hide ';' (and "END", "CREATE", "TRIGGER") in every place
/// SQLite allows, with whitespace and comments between and inside them.
class script_generator {
public:
    explicit script_generator(std::uint32_t seed) : rng_(seed) {}

    /// A valid script and the exact text of each statement in it (what the pieces must be);
    /// `comments_before_semicolons`: whether comments may come between a statement and its ';'.
    std::string script(std::vector<std::string>& statements, bool comments_before_semicolons = true) {
        statements.clear();
        comments_before_semicolons_ = comments_before_semicolons;
        tables_ = 0;
        names_ = 0;
        std::string out = gap();
        const auto add = [&](std::string statement, bool terminated) {
            out += statement;
            statements.push_back(std::move(statement));
            if (terminated) out += trailing() + ";" + gap();
        };
        add("CREATE TABLE \"log;\" (x TEXT)", true);
        add(create_table(), true);
        const int count = 2 + pick(10);
        for (int i = 0; i < count; ++i) {
            switch (pick(9)) {
                case 0: add(create_table(), true); break;
                case 1: add(insert(), true); break;
                case 2: add(create_view(), true); break;
                case 3:
                case 4: add(create_trigger(), true); break;
                case 5: add(create_index(), true); break;
                case 6: add(select(), true); break;
                case 7: add(update(), true); break;
                default: out += ";" + gap(); break;  // an empty statement
            }
        }
        if (pick(3) == 0) {
            add(insert(), false);  // the last statement without its ';'
            out += trailing();
        }
        return out;
    }

    /// A random mix of the tokens sqlite3_complete() tells apart, valid SQL or not, sometimes
    /// ending inside a string, comment or trigger.
    std::string soup() {
        static constexpr std::string_view tokens[] = {
            ";",       ";",        ";",        "CREATE",  "create",  "Create",   "TEMP",    "temporary", "TRIGGER",
            "trigger", "END",      "end",      "End",     "EXPLAIN", "explain",  "BEGIN",   "CASE",      "x",
            "1",       "(",        ")",        "-",       "/",       "*",        "'a;b'",   "'it''s'",   "\"q;\"",
            "`b;`",    "[c;]",     "-- c;\n",  "/* c; */", "endx",   "xend",     "$end",    "end$",      "_end",
            "\xc3\xa9", "END;",    "-- c",     "'",       "\"",      "[",        "/*",      "*/",        "--",
            "\f",      "\v",       std::string_view("\0", 1), "createtrigger", "tem", "p", "#", "\\"};
        static constexpr std::string_view spaces[] = {"", " ", " ", "\n", "\r\n", "\t"};
        std::string out;
        const int count = 1 + pick(30);
        for (int i = 0; i < count; ++i) {
            std::string_view token = tokens[pick(static_cast<int>(std::size(tokens)))];
            // The openers that never close are rare, so that most soups reach their end.
            if ((token == "'" || token == "\"" || token == "[" || token == "/*") && pick(8) != 0) token = "x";
            out += token;
            out += spaces[pick(static_cast<int>(std::size(spaces)))];
        }
        return out;
    }

private:
    std::mt19937 rng_;
    int tables_ = 0;
    int names_ = 0;
    bool comments_before_semicolons_ = true;

    int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

    std::string table() { return "\"t;" + std::to_string(pick(tables_)) + "\""; }
    std::string name(std::string_view prefix) { return std::string(prefix) + std::to_string(names_++); }

    // Between statements: whitespace and comments, ';' and keywords inside the comments.
    std::string gap() {
        static constexpr std::string_view gaps[] = {" ",         "\n",          "\r\n",        "\t",        "  \n\n",
                                                    "\f",        "-- c; x\n",   "/* c; */",    "/* multi\nline; */\n",
                                                    "-- END;\n", " /**/ ",      "",            "-- CREATE TRIGGER\n",
                                                    "/* END; */\n", "--\n"};
        std::string out;
        for (int n = pick(4); n > 0; --n) out += gaps[pick(static_cast<int>(std::size(gaps)))];
        return out;
    }

    // Inside a statement, between two tokens: never empty.
    std::string inner() {
        static constexpr std::string_view inners[] = {" ", "\n", "\r\n  ", " /* ; */ ", " -- ;\n", "\t", " /* END; */\n"};
        return std::string(inners[pick(static_cast<int>(std::size(inners)))]);
    }

    // After a statement's last token, before its ';': not part of the piece.
    std::string trailing() {
        static constexpr std::string_view trails[] = {"", "", " ", "\n", "\r\n", " -- tail;\n", " /* tail; */", "\n-- t\n"};
        return std::string(trails[pick(comments_before_semicolons_ ? static_cast<int>(std::size(trails)) : 5)]);
    }

    std::string create_table() {
        const std::string t = "\"t;" + std::to_string(tables_++) + "\"";
        return (pick(2) ? "CREATE TABLE " : "create table ") + t + " (a INTEGER," + inner() +
               "\"b;c\" TEXT DEFAULT 'x;y', [d;e] TEXT, `f;g` TEXT," + inner() + "\"end\" TEXT, \"trigger\" TEXT)";
    }

    std::string insert() {
        return "INSERT INTO " + table() + " (a, \"b;c\", [d;e])" + inner() + "VALUES (" + std::to_string(pick(100)) +
               ", 'it''s; -- fine /* no */', 'END;')";
    }

    std::string create_view() {
        return "CREATE VIEW " + name("\"v;") + "\" AS SELECT a, 'END;' AS [e;]" + inner() + "FROM " + table() +
               " -- ;\n WHERE a > 0";
    }

    std::string create_index() { return "CREATE INDEX " + name("[i;") + "] ON " + table() + " (a," + inner() + "`f;g`)"; }

    std::string select() {
        static constexpr std::string_view selects[] = {
            "SELECT ';', 'x' || ';'", "EXPLAIN SELECT 1", "SELECT CASE WHEN 1 THEN 'END;' END",
            "select \"end\" from (select 1 as \"end\")", "SELECT 1 - -1 / 2"};
        return std::string(selects[pick(static_cast<int>(std::size(selects)))]);
    }

    std::string update() { return "UPDATE " + table() + " SET a = CASE WHEN a > 1 THEN 2 ELSE a END"; }

    std::string create_trigger() {
        static constexpr std::string_view heads[] = {"CREATE TRIGGER ", "create temp trigger ", "Create Temporary Trigger ",
                                                     "CREATE TRIGGER IF NOT EXISTS ", "CREATE\nTRIGGER "};
        static constexpr std::string_view ends[] = {"END", "end", "End"};
        std::string body;
        const int count = 1 + pick(3);
        for (int i = 0; i < count; ++i) {
            switch (pick(4)) {
                case 0: body += "INSERT INTO \"log;\" VALUES ('END;');"; break;
                case 1: body += "UPDATE \"log;\" SET x = CASE WHEN x = ';' THEN 'a;' ELSE x END;"; break;
                case 2: body += "SELECT \"end\" FROM (SELECT 1 AS \"end\")" + inner() + ";"; break;
                default: body += "INSERT INTO \"log;\" SELECT [e;] FROM (SELECT 'x' AS [e;]) -- ; END;\n;"; break;
            }
            body += inner();
        }
        return std::string(heads[pick(static_cast<int>(std::size(heads)))]) + name("\"tr;") + "\" AFTER INSERT ON " + table() +
               inner() + "BEGIN" + inner() + body + std::string(ends[pick(static_cast<int>(std::size(ends)))]);
    }
};

/// Runs exactly one statement: the text after it must hold nothing but whitespace and comments.
void run_one(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    INFO("statement: ", sql);
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, &tail) == SQLITE_OK);
    REQUIRE(stmt != nullptr);
    int rc = SQLITE_ROW;
    while (rc == SQLITE_ROW) rc = sqlite3_step(stmt);
    CHECK(rc == SQLITE_DONE);
    sqlite3_finalize(stmt);
    sqlite3_stmt* rest = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, tail, -1, &rest, nullptr) == SQLITE_OK);
    CHECK(rest == nullptr);
    sqlite3_finalize(rest);
}

/// The database's schema (main and temp) and the rows the triggers wrote, as text.
std::string dump(sqlite3* db) {
    std::string out;
    for (const char* query : {"SELECT type, name, tbl_name, rtrim(sql, char(9, 10, 12, 13, 32)) FROM sqlite_schema ORDER BY type, name",
                              "SELECT type, name, tbl_name, rtrim(sql, char(9, 10, 12, 13, 32)) FROM sqlite_temp_schema ORDER BY type, name",
                              "SELECT x FROM \"log;\" ORDER BY rowid"}) {
        sqlite3_stmt* stmt = nullptr;
        REQUIRE(sqlite3_prepare_v2(db, query, -1, &stmt, nullptr) == SQLITE_OK);
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
                const unsigned char* text = sqlite3_column_text(stmt, i);
                out += text != nullptr ? reinterpret_cast<const char*>(text) : "NULL";
                out += '|';
            }
            out += '\n';
        }
        sqlite3_finalize(stmt);
        out += "--\n";
    }
    return out;
}

}  // namespace

TEST_CASE("split_sql: agrees with sqlite3_complete on generated scripts") {
    SUBCASE("valid scripts: the pieces are exactly the statements") {
        for (std::uint32_t seed = 1; seed <= 3000; ++seed) {
            script_generator gen(seed);
            std::vector<std::string> statements;
            const std::string script = gen.script(statements);
            INFO("seed ", seed, ", script:\n", script);
            std::vector<std::string> texts;
            for (const driftless::detail::sql_piece& p : driftless::detail::split_sql(script, dialect::sqlite)) texts.push_back(p.text);
            CHECK(texts == statements);
            CHECK(split_property::check_split(script, dialect::sqlite) == "");
        }
    }

    SUBCASE("token soup, valid SQL or not") {
        int unterminated = 0;
        int triggers = 0;  // pieces that are CREATE TRIGGER statements with ';' inside
        for (std::uint32_t seed = 1; seed <= 5000; ++seed) {
            script_generator gen(seed);
            const std::string script = gen.soup();
            INFO("seed ", seed, ", script:\n", script);
            CHECK(split_property::check_split(script, dialect::sqlite) == "");
            try {
                for (const driftless::detail::sql_piece& p : driftless::detail::split_sql(script, dialect::sqlite)) {
                    const std::string_view t = p.text;
                    if (t.size() > 3 && (t.substr(t.size() - 3) == "END" || t.substr(t.size() - 3) == "end" ||
                                         t.substr(t.size() - 3) == "End") && t.find(';') != std::string_view::npos) {
                        ++triggers;
                    }
                }
            } catch (const driftless::error&) {
                ++unterminated;
            }
        }
        // The generator reaches both: scripts that end inside something, and trigger bodies.
        CHECK(unterminated > 250);
        CHECK(triggers > 250);
    }
}

TEST_CASE("split_sql: generated scripts run piece by piece as they run whole") {
    int with_triggers = 0;
    for (std::uint32_t seed = 1; seed <= 60; ++seed) {
        script_generator gen(seed);
        std::vector<std::string> statements;
        const std::string script = gen.script(statements, false);
        INFO("seed ", seed, ", script:\n", script);

        sqlite3* whole = nullptr;
        sqlite3* pieces = nullptr;
        REQUIRE(sqlite3_open(":memory:", &whole) == SQLITE_OK);
        REQUIRE(sqlite3_open(":memory:", &pieces) == SQLITE_OK);
        char* message = nullptr;
        const int rc = sqlite3_exec(whole, script.c_str(), nullptr, nullptr, &message);
        const std::string error = message != nullptr ? message : "";
        sqlite3_free(message);
        INFO("sqlite3_exec of the whole script: ", error);
        CHECK(rc == SQLITE_OK);
        for (const driftless::detail::sql_piece& p : driftless::detail::split_sql(script, dialect::sqlite)) run_one(pieces, p.text);
        const std::string expected = dump(whole);
        if (expected.find("trigger|") != std::string::npos) ++with_triggers;
        CHECK(dump(pieces) == expected);
        sqlite3_close(whole);
        sqlite3_close(pieces);
    }
    CHECK(with_triggers > 20);
}
