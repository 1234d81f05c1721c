// driftless::detail::split_sql: where each dialect ends a statement, and where it does not.
#include <doctest/doctest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <driftless/detail/sql_split.hpp>
#include <driftless/error.hpp>
#include <driftless/schema.hpp>

namespace {

using driftless::dialect;

std::vector<std::string> texts(std::string_view script, dialect d) {
    std::vector<std::string> out;
    for (const driftless::detail::sql_piece& p : driftless::detail::split_sql(script, d)) out.push_back(p.text);
    return out;
}

std::vector<std::size_t> lines(std::string_view script, dialect d) {
    std::vector<std::size_t> out;
    for (const driftless::detail::sql_piece& p : driftless::detail::split_sql(script, d)) out.push_back(p.line);
    return out;
}

/// what() of the error split_sql throws, after checking its kind; "" when it throws none.
std::string error_of(std::string_view script, dialect d) {
    try {
        (void)driftless::detail::split_sql(script, d);
    } catch (const driftless::error& e) {
        CHECK(e.code() == driftless::errc::usage);
        CHECK(e.id() == "driftless.files.unterminated");
        return e.what();
    }
    return {};
}

using v = std::vector<std::string>;

constexpr dialect all_dialects[] = {dialect::sqlite, dialect::postgresql, dialect::mysql};

}  // namespace

TEST_CASE("split_sql") {
    SUBCASE("plain statements, every dialect") {
        for (const dialect d : all_dialects) {
            CHECK(texts("CREATE TABLE t (a INTEGER);\nINSERT INTO t VALUES (1);\n", d) ==
                  v{"CREATE TABLE t (a INTEGER)", "INSERT INTO t VALUES (1)"});
            CHECK(texts("SELECT 1;SELECT 2", d) == v{"SELECT 1", "SELECT 2"});
        }
    }

    SUBCASE("the last statement needs no ';'") {
        for (const dialect d : all_dialects) {
            CHECK(texts("SELECT 1;\n  SELECT 2  \n", d) == v{"SELECT 1", "SELECT 2"});
            CHECK(texts("SELECT 1 -- no ';' here", d) == v{"SELECT 1"});
        }
    }

    SUBCASE("empty, blank and comment-only input has no pieces") {
        for (const dialect d : all_dialects) {
            CHECK(texts("", d).empty());
            CHECK(texts(" \t\r\n\f\v", d).empty());
            CHECK(texts("-- only a comment\n/* and another; */\n", d).empty());
            CHECK(texts(";;  ;\n;", d).empty());
            CHECK(texts("-- a;\n;/* b; */;", d).empty());
        }
    }

    SUBCASE("comments before a statement are not part of it, comments inside are, comments after are not") {
        for (const dialect d : all_dialects) {
            CHECK(texts("-- first; not a statement\n/* lead; */ SELECT /* inside; */ 1 -- after;\n;", d) ==
                  v{"SELECT /* inside; */ 1"});
            CHECK(texts("SELECT 1; -- trailing; comment\nSELECT 2 /* tail; */;", d) == v{"SELECT 1", "SELECT 2"});
            CHECK(texts("SELECT 1 -- a\n + 2;", d) == v{"SELECT 1 -- a\n + 2"});
        }
    }

    SUBCASE("line numbers") {
        for (const dialect d : all_dialects) {
            const std::string_view script = "\n\nSELECT 1;\n-- comment\n\n  SELECT\n2; SELECT 3;\n/* a\nb */ SELECT 4";
            CHECK(texts(script, d) == v{"SELECT 1", "SELECT\n2", "SELECT 3", "SELECT 4"});
            CHECK(lines(script, d) == std::vector<std::size_t>{3, 6, 7, 9});
        }
    }

    SUBCASE("line numbers with CRLF") {
        for (const dialect d : all_dialects) {
            const std::string_view script = "\r\n\r\nSELECT 1;\r\n-- comment\r\n\r\n  SELECT\r\n2; SELECT 3;\r\n/* a\r\nb */ SELECT 4\r\n";
            CHECK(texts(script, d) == v{"SELECT 1", "SELECT\r\n2", "SELECT 3", "SELECT 4"});
            CHECK(lines(script, d) == std::vector<std::size_t>{3, 6, 7, 9});
        }
    }

    SUBCASE("line numbers count newlines inside strings and comments") {
        CHECK(lines("SELECT 'a\nb;\nc';\n/* x\n;\n */ SELECT \"d\ne\"; SELECT 1", dialect::sqlite) ==
              std::vector<std::size_t>{1, 6, 7});
        CHECK(lines("SELECT $$\n;\n$$;\nSELECT 1", dialect::postgresql) == std::vector<std::size_t>{1, 4});
        CHECK(lines("# a\n# b\nSELECT 1", dialect::mysql) == std::vector<std::size_t>{3});
    }

    // --- SQLite ------------------------------------------------------------------------------

    SUBCASE("sqlite: strings and quoted identifiers hide ';'") {
        CHECK(texts("SELECT 'a;b', 'it''s; fine'; SELECT 2", dialect::sqlite) == v{"SELECT 'a;b', 'it''s; fine'", "SELECT 2"});
        CHECK(texts(R"(SELECT "x;y", "q""q;"; SELECT 2)", dialect::sqlite) == v{R"(SELECT "x;y", "q""q;")", "SELECT 2"});
        CHECK(texts("SELECT `b;t`, `c``;`; SELECT 2", dialect::sqlite) == v{"SELECT `b;t`, `c``;`", "SELECT 2"});
        CHECK(texts("SELECT [s;q], [a[;]; SELECT 2", dialect::sqlite) == v{"SELECT [s;q], [a[;]", "SELECT 2"});
        CHECK(texts("SELECT x'00;'; SELECT 2", dialect::sqlite) == v{"SELECT x'00;'", "SELECT 2"});
    }

    SUBCASE("sqlite: a backslash escapes nothing") {
        CHECK(texts(R"(SELECT 'a\'; SELECT "b\"; SELECT 2)", dialect::sqlite) == v{R"(SELECT 'a\')", R"(SELECT "b\")", "SELECT 2"});
    }

    SUBCASE("sqlite: comments hide ';' and do not nest") {
        CHECK(texts("SELECT 1 -- x; y\n; SELECT 2", dialect::sqlite) == v{"SELECT 1", "SELECT 2"});
        CHECK(texts("SELECT 1 /* /* ; */; SELECT 2 */;", dialect::sqlite) == v{"SELECT 1", "SELECT 2 */"});
        CHECK(texts("SELECT 1 /*/ ; */; SELECT 2", dialect::sqlite) == v{"SELECT 1", "SELECT 2"});
        CHECK(texts("SELECT 1 - -2; SELECT 3 # 4; SELECT 5", dialect::sqlite) == v{"SELECT 1 - -2", "SELECT 3 # 4", "SELECT 5"});
    }

    SUBCASE("sqlite: a trigger ends only at ';' END ';'") {
        const std::string_view script =
            "CREATE TABLE t (a);\n"
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
            "  INSERT INTO log VALUES ('END;');\n"
            "  UPDATE t SET a = CASE WHEN a > 0 THEN 'x;' ELSE 0 END;\n"
            "  SELECT \"END\"; SELECT [end];\n"
            "END;\n"
            "SELECT 1;";
        CHECK(texts(script, dialect::sqlite) ==
              v{"CREATE TABLE t (a)",
                "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
                "  INSERT INTO log VALUES ('END;');\n"
                "  UPDATE t SET a = CASE WHEN a > 0 THEN 'x;' ELSE 0 END;\n"
                "  SELECT \"END\"; SELECT [end];\n"
                "END",
                "SELECT 1"});
        CHECK(lines(script, dialect::sqlite) == std::vector<std::size_t>{1, 2, 7});
    }

    SUBCASE("sqlite: TEMP and TEMPORARY triggers, any case, comments around END") {
        CHECK(texts("create temp trigger a after insert on t begin select 1; end; SELECT 2", dialect::sqlite) ==
              v{"create temp trigger a after insert on t begin select 1; end", "SELECT 2"});
        CHECK(texts("CREATE TEMPORARY TRIGGER a AFTER INSERT ON t BEGIN SELECT 1; /* c */ End -- c\n; SELECT 2",
                    dialect::sqlite) == v{"CREATE TEMPORARY TRIGGER a AFTER INSERT ON t BEGIN SELECT 1; /* c */ End", "SELECT 2"});
        CHECK(texts("EXPLAIN CREATE TRIGGER a AFTER INSERT ON t BEGIN SELECT 1; END; SELECT 2", dialect::sqlite) ==
              v{"EXPLAIN CREATE TRIGGER a AFTER INSERT ON t BEGIN SELECT 1; END", "SELECT 2"});
        CHECK(texts("CREATE TRIGGER a AFTER INSERT ON t BEGIN SELECT 1;; END", dialect::sqlite) ==
              v{"CREATE TRIGGER a AFTER INSERT ON t BEGIN SELECT 1;; END"});
    }

    SUBCASE("sqlite: only CREATE [TEMP] TRIGGER is a trigger") {
        CHECK(texts("CREATE TABLE trigger (a); SELECT 1", dialect::sqlite) == v{"CREATE TABLE trigger (a)", "SELECT 1"});
        CHECK(texts("CREATE \"TRIGGER\" x; SELECT 1", dialect::sqlite) == v{"CREATE \"TRIGGER\" x", "SELECT 1"});
        CHECK(texts("SELECT trigger; END; SELECT 1", dialect::sqlite) == v{"SELECT trigger", "END", "SELECT 1"});
        CHECK(texts("CREATE TRIGGERS x; CREATE triggered x; SELECT 1", dialect::sqlite) ==
              v{"CREATE TRIGGERS x", "CREATE triggered x", "SELECT 1"});
    }

    SUBCASE("sqlite: top-level BEGIN and COMMIT are statements") {
        CHECK(texts("BEGIN; CREATE TABLE t (a); COMMIT;", dialect::sqlite) == v{"BEGIN", "CREATE TABLE t (a)", "COMMIT"});
        CHECK(texts("BEGIN TRANSACTION; END TRANSACTION;", dialect::sqlite) == v{"BEGIN TRANSACTION", "END TRANSACTION"});
    }

    // --- PostgreSQL ----------------------------------------------------------------------------

    SUBCASE("postgresql: strings and quoted identifiers hide ';'") {
        CHECK(texts("SELECT 'a;''b'; SELECT \"i;\"\"d\"; SELECT 2", dialect::postgresql) ==
              v{"SELECT 'a;''b'", "SELECT \"i;\"\"d\"", "SELECT 2"});
        CHECK(texts(R"(SELECT 'a\'; SELECT 2)", dialect::postgresql) == v{R"(SELECT 'a\')", "SELECT 2"});
        CHECK(texts(R"(SELECT E'\';x', e'\\'; SELECT 2)", dialect::postgresql) == v{R"(SELECT E'\';x', e'\\')", "SELECT 2"});
        CHECK(texts(R"(SELECT E'it''s;'; SELECT 2)", dialect::postgresql) == v{R"(SELECT E'it''s;')", "SELECT 2"});
        CHECK(texts(R"(SELECT fe'\'; SELECT 2)", dialect::postgresql) == v{R"(SELECT fe'\')", "SELECT 2"});
        CHECK(texts("SELECT U&'d\\0061t;a'; SELECT 2", dialect::postgresql) == v{"SELECT U&'d\\0061t;a'", "SELECT 2"});
    }

    SUBCASE("postgresql: backticks and brackets are not quotes") {
        CHECK(texts("SELECT a[1]; SELECT `; SELECT 2", dialect::postgresql) == v{"SELECT a[1]", "SELECT `", "SELECT 2"});
    }

    SUBCASE("postgresql: block comments nest") {
        CHECK(texts("SELECT 1 /* a /* b; */ c; */ + 2; SELECT 3", dialect::postgresql) == v{"SELECT 1 /* a /* b; */ c; */ + 2", "SELECT 3"});
        CHECK(texts("/* /* /* ; */ */ */ SELECT 1; SELECT 2", dialect::postgresql) == v{"SELECT 1", "SELECT 2"});
        CHECK(texts("SELECT 1 /*/ ; */; SELECT 2", dialect::postgresql) == v{"SELECT 1", "SELECT 2"});
    }

    SUBCASE("postgresql: dollar quotes") {
        CHECK(texts("SELECT $$a;b$$; SELECT 2", dialect::postgresql) == v{"SELECT $$a;b$$", "SELECT 2"});
        CHECK(texts("SELECT $fn$ $$ ; $ $f $fn$; SELECT 2", dialect::postgresql) == v{"SELECT $fn$ $$ ; $ $f $fn$", "SELECT 2"});
        CHECK(texts("SELECT $_x1$;$_x1$, $a$ $b$ ; $a$; SELECT 2", dialect::postgresql) ==
              v{"SELECT $_x1$;$_x1$, $a$ $b$ ; $a$", "SELECT 2"});
        CHECK(texts("SELECT $$costs $5; 'quote$$; SELECT 2", dialect::postgresql) == v{"SELECT $$costs $5; 'quote$$", "SELECT 2"});
        CHECK(texts("CREATE FUNCTION f() RETURNS int AS $body$\nBEGIN\n  RETURN 1;\nEND;\n$body$ LANGUAGE plpgsql;\nSELECT f();",
                    dialect::postgresql) ==
              v{"CREATE FUNCTION f() RETURNS int AS $body$\nBEGIN\n  RETURN 1;\nEND;\n$body$ LANGUAGE plpgsql", "SELECT f()"});
    }

    SUBCASE("postgresql: $1 is a parameter, and '$' inside a word is part of it") {
        CHECK(texts("SELECT $1; SELECT $2$; SELECT 3", dialect::postgresql) == v{"SELECT $1", "SELECT $2$", "SELECT 3"});
        CHECK(texts("SELECT a$$b; SELECT 2", dialect::postgresql) == v{"SELECT a$$b", "SELECT 2"});
        CHECK(texts("SELECT $; SELECT 2", dialect::postgresql) == v{"SELECT $", "SELECT 2"});
    }

    SUBCASE("postgresql: BEGIN ATOMIC bodies, with CASE ... END inside") {
        const std::string_view script =
            "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql\n"
            "BEGIN ATOMIC\n"
            "  SELECT 1;\n"
            "  SELECT CASE WHEN a > 0 THEN 'x;' ELSE 'y' END;\n"
            "END;\n"
            "CREATE OR REPLACE PROCEDURE p() LANGUAGE sql begin atomic INSERT INTO t VALUES (1); end;\n"
            "SELECT f(1);";
        CHECK(texts(script, dialect::postgresql) ==
              v{"CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql\n"
                "BEGIN ATOMIC\n"
                "  SELECT 1;\n"
                "  SELECT CASE WHEN a > 0 THEN 'x;' ELSE 'y' END;\n"
                "END",
                "CREATE OR REPLACE PROCEDURE p() LANGUAGE sql begin atomic INSERT INTO t VALUES (1); end",
                "SELECT f(1)"});
        CHECK(lines(script, dialect::postgresql) == std::vector<std::size_t>{1, 6, 7});
    }

    SUBCASE("postgresql: top-level BEGIN and COMMIT are statements, and so is CASE outside a body") {
        CHECK(texts("BEGIN; SELECT CASE WHEN true THEN 1 END; COMMIT;", dialect::postgresql) ==
              v{"BEGIN", "SELECT CASE WHEN true THEN 1 END", "COMMIT"});
        CHECK(texts("CREATE FUNCTION f() RETURNS int RETURN CASE WHEN true THEN 1 END; SELECT 2", dialect::postgresql) ==
              v{"CREATE FUNCTION f() RETURNS int RETURN CASE WHEN true THEN 1 END", "SELECT 2"});
    }

    SUBCASE("postgresql: ';' inside parentheses does not end a statement (as in psql)") {
        CHECK(texts("CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2)); SELECT 1",
                    dialect::postgresql) ==
              v{"CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2))", "SELECT 1"});
        CHECK(texts("SELECT 1); SELECT 2", dialect::postgresql) == v{"SELECT 1)", "SELECT 2"});
    }

    // --- MySQL ---------------------------------------------------------------------------------

    SUBCASE("mysql: '--' starts a comment only before whitespace, a control character or the end") {
        CHECK(texts("SELECT 1 --x;\nSELECT 2 -- x;\n;SELECT 3 --\tx;\n;SELECT 4 --\n;SELECT 5 --", dialect::mysql) ==
              v{"SELECT 1 --x", "SELECT 2", "SELECT 3", "SELECT 4", "SELECT 5"});
        CHECK(texts("SELECT 1---2; SELECT 2", dialect::mysql) == v{"SELECT 1---2", "SELECT 2"});
    }

    SUBCASE("mysql: '#' starts a comment") {
        CHECK(texts("# setup; really\nSELECT 1 # ;\n; SELECT 2#", dialect::mysql) == v{"SELECT 1", "SELECT 2"});
        CHECK(lines("# setup; really\nSELECT 1 # ;\n; SELECT 2#", dialect::mysql) == std::vector<std::size_t>{2, 3});
    }

    SUBCASE("mysql: strings with backslash escapes, backtick identifiers") {
        CHECK(texts(R"(SELECT 'a\';b', 'c'';d', "e\";f", "g"";h"; SELECT 2)", dialect::mysql) ==
              v{R"(SELECT 'a\';b', 'c'';d', "e\";f", "g"";h")", "SELECT 2"});
        CHECK(texts(R"(SELECT 'a\\'; SELECT 2)", dialect::mysql) == v{R"(SELECT 'a\\')", "SELECT 2"});
        CHECK(texts("SELECT `g;``h``;`; SELECT [x; SELECT 2", dialect::mysql) == v{"SELECT `g;``h``;`", "SELECT [x", "SELECT 2"});
    }

    SUBCASE("mysql: /*! ... */ is code that runs, not a comment") {
        CHECK(texts("/*!40101 SET NAMES utf8mb4; */;\n/*M!100100 SET x = 1 */;\n/* a plain; comment */;\nSELECT /*+ hint; */ 1;",
                    dialect::mysql) == v{"/*!40101 SET NAMES utf8mb4; */", "/*M!100100 SET x = 1 */", "SELECT /*+ hint; */ 1"});
    }

    SUBCASE("mysql: procedures with nested blocks") {
        const std::string_view script =
            "CREATE DEFINER=`root`@`localhost` PROCEDURE p(IN n INT)\n"
            "BEGIN\n"
            "  DECLARE i INT DEFAULT 0;\n"
            "  IF n > 0 THEN SELECT 'END;'; ELSEIF n < 0 THEN BEGIN SELECT 2; END; ELSE SELECT 3; END IF;\n"
            "  outer_loop: LOOP SET i = i + 1; IF i > n THEN LEAVE outer_loop; END IF; END LOOP outer_loop;\n"
            "  WHILE i > 0 DO SET i = i - 1; END WHILE;\n"
            "  REPEAT SET i = i + 1; UNTIL i > 3 END REPEAT;\n"
            "  CASE n WHEN 1 THEN SELECT CASE WHEN i THEN 1 END; ELSE BEGIN END; END CASE;\n"
            "  blk: BEGIN SELECT 4; END blk;\n"
            "END;\n"
            "CALL p(1);";
        CHECK(texts(script, dialect::mysql) ==
              v{"CREATE DEFINER=`root`@`localhost` PROCEDURE p(IN n INT)\n"
                "BEGIN\n"
                "  DECLARE i INT DEFAULT 0;\n"
                "  IF n > 0 THEN SELECT 'END;'; ELSEIF n < 0 THEN BEGIN SELECT 2; END; ELSE SELECT 3; END IF;\n"
                "  outer_loop: LOOP SET i = i + 1; IF i > n THEN LEAVE outer_loop; END IF; END LOOP outer_loop;\n"
                "  WHILE i > 0 DO SET i = i - 1; END WHILE;\n"
                "  REPEAT SET i = i + 1; UNTIL i > 3 END REPEAT;\n"
                "  CASE n WHEN 1 THEN SELECT CASE WHEN i THEN 1 END; ELSE BEGIN END; END CASE;\n"
                "  blk: BEGIN SELECT 4; END blk;\n"
                "END",
                "CALL p(1)"});
        CHECK(lines(script, dialect::mysql) == std::vector<std::size_t>{1, 11});
    }

    SUBCASE("mysql: triggers, functions and events") {
        CHECK(texts("CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.a = 1; SET NEW.b = 2; END; SELECT 1",
                    dialect::mysql) ==
              v{"CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.a = 1; SET NEW.b = 2; END", "SELECT 1"});
        CHECK(texts("CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1; SELECT 1", dialect::mysql) ==
              v{"CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1", "SELECT 1"});
        CHECK(texts("CREATE DEFINER = 'a'@'%' FUNCTION f() RETURNS INT DETERMINISTIC BEGIN DECLARE x INT; RETURN 1; END;"
                    "CREATE FUNCTION g() RETURNS INT RETURN CASE WHEN 1 THEN 2 END; SELECT 1",
                    dialect::mysql) ==
              v{"CREATE DEFINER = 'a'@'%' FUNCTION f() RETURNS INT DETERMINISTIC BEGIN DECLARE x INT; RETURN 1; END",
                "CREATE FUNCTION g() RETURNS INT RETURN CASE WHEN 1 THEN 2 END", "SELECT 1"});
        CHECK(texts("CREATE DEFINER=CURRENT_USER() EVENT e ON SCHEDULE EVERY 1 DAY DO BEGIN DELETE FROM t; INSERT INTO t VALUES (1); END; "
                    "CREATE OR REPLACE DEFINER=trigger@localhost AGGREGATE FUNCTION h() RETURNS INT BEGIN RETURN 1; END; SELECT 1",
                    dialect::mysql) ==
              v{"CREATE DEFINER=CURRENT_USER() EVENT e ON SCHEDULE EVERY 1 DAY DO BEGIN DELETE FROM t; INSERT INTO t VALUES (1); END",
                "CREATE OR REPLACE DEFINER=trigger@localhost AGGREGATE FUNCTION h() RETURNS INT BEGIN RETURN 1; END", "SELECT 1"});
    }

    SUBCASE("mysql: BEGIN, CASE and END outside stored programs are not blocks") {
        CHECK(texts("BEGIN; SELECT 1; COMMIT;", dialect::mysql) == v{"BEGIN", "SELECT 1", "COMMIT"});
        CHECK(texts("CREATE TABLE t (begin INT, event INT); SELECT CASE WHEN 1 THEN 2 END; SELECT 1", dialect::mysql) ==
              v{"CREATE TABLE t (begin INT, event INT)", "SELECT CASE WHEN 1 THEN 2 END", "SELECT 1"});
    }

    // --- unterminated constructs ---------------------------------------------------------------

    SUBCASE("sqlite: unterminated") {
        const auto e = [](std::string_view script) { return error_of(script, dialect::sqlite); };
        CHECK(e("SELECT 1;\nSELECT 'abc;") == "driftless.files.unterminated: unterminated string starting on line 2");
        CHECK(e("SELECT 'it''s") == "driftless.files.unterminated: unterminated string starting on line 1");
        CHECK(e("\n\nSELECT \"a") == "driftless.files.unterminated: unterminated quoted identifier starting on line 3");
        CHECK(e("SELECT `a") == "driftless.files.unterminated: unterminated quoted identifier starting on line 1");
        CHECK(e("SELECT [a;\n") == "driftless.files.unterminated: unterminated quoted identifier starting on line 1");
        CHECK(e("SELECT 1;\n/* a\n;") == "driftless.files.unterminated: unterminated block comment starting on line 2");
        CHECK(e("SELECT 1 /*/") == "driftless.files.unterminated: unterminated block comment starting on line 1");
        CHECK(e("SELECT 1;\n\nCREATE TRIGGER t AFTER INSERT ON x BEGIN\n SELECT 1;\n") ==
              "driftless.files.unterminated: unterminated trigger body starting on line 3");
        CHECK(e("CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT CASE WHEN 1 THEN 2 END;") ==
              "driftless.files.unterminated: unterminated trigger body starting on line 1");
        CHECK(e("CREATE TEMP TRIGGER t") == "driftless.files.unterminated: unterminated trigger body starting on line 1");
        // After ';' END the statement is complete even without its last ';'.
        CHECK(texts("CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END", dialect::sqlite) ==
              v{"CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END"});
    }

    SUBCASE("postgresql: unterminated") {
        const auto e = [](std::string_view script) { return error_of(script, dialect::postgresql); };
        CHECK(e("SELECT 'a'';") == "driftless.files.unterminated: unterminated string starting on line 1");
        CHECK(e("SELECT\nE'a\\';") == "driftless.files.unterminated: unterminated string starting on line 2");
        CHECK(e("SELECT \"a\"\"") == "driftless.files.unterminated: unterminated quoted identifier starting on line 1");
        CHECK(e("SELECT 1 /* a /* b */ c;\n") == "driftless.files.unterminated: unterminated block comment starting on line 1");
        CHECK(e("SELECT 1;\nSELECT $$ a; $ $") == "driftless.files.unterminated: unterminated dollar-quoted body $$ starting on line 2");
        CHECK(e("SELECT $fn$ a; $fn $f$") == "driftless.files.unterminated: unterminated dollar-quoted body $fn$ starting on line 1");
        CHECK(e("CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC SELECT 1; SELECT 2;") ==
              "driftless.files.unterminated: unterminated function body starting on line 1");
        CHECK(e("CREATE OR REPLACE PROCEDURE p() BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END;") ==
              "driftless.files.unterminated: unterminated procedure body starting on line 1");
        CHECK(e("SELECT 1;\nSELECT (1,\n(2); SELECT 3") == "driftless.files.unterminated: unterminated parenthesis starting on line 2");
    }

    SUBCASE("mysql: unterminated") {
        const auto e = [](std::string_view script) { return error_of(script, dialect::mysql); };
        CHECK(e("SELECT 'a\\';") == "driftless.files.unterminated: unterminated string starting on line 1");
        CHECK(e("SELECT \"a\\\";") == "driftless.files.unterminated: unterminated string starting on line 1");
        CHECK(e("SELECT `a``") == "driftless.files.unterminated: unterminated quoted identifier starting on line 1");
        CHECK(e("/*!40101 SET NAMES utf8;") == "driftless.files.unterminated: unterminated block comment starting on line 1");
        CHECK(e("SELECT 1;\nCREATE PROCEDURE p() BEGIN SELECT 1; IF 1 THEN SELECT 2; END IF;") ==
              "driftless.files.unterminated: unterminated procedure body starting on line 2");
        CHECK(e("CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW BEGIN SET NEW.a = 1;") ==
              "driftless.files.unterminated: unterminated trigger body starting on line 1");
        CHECK(e("CREATE FUNCTION f() RETURNS INT BEGIN RETURN CASE WHEN 1 THEN 2 END;") ==
              "driftless.files.unterminated: unterminated function body starting on line 1");
        CHECK(e("CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO BEGIN") ==
              "driftless.files.unterminated: unterminated event body starting on line 1");
        // After the last END, the statement is complete even without its ';'.
        CHECK(texts("CREATE PROCEDURE p() BEGIN SELECT 1; END", dialect::mysql) == v{"CREATE PROCEDURE p() BEGIN SELECT 1; END"});
    }

    SUBCASE("nothing the input controls goes deep: 100,000 nested comments and parentheses") {
        std::string nested;
        for (int i = 0; i < 100000; ++i) nested += "/*";
        for (int i = 0; i < 100000; ++i) nested += "*/";
        CHECK(texts(nested + "SELECT 1;", dialect::postgresql) == v{"SELECT 1"});
        const std::string parens = "SELECT " + std::string(100000, '(') + "1" + std::string(100000, ')') + "; SELECT 2";
        CHECK(texts(parens, dialect::postgresql).size() == 2);
    }

    SUBCASE("a large script") {
        std::string script;
        std::size_t statements = 0;
        while (script.size() < 4'000'000) {
            script += "INSERT INTO \"t;1\" VALUES (1, 'a;b') -- note;\n/* more; */;\n";
            ++statements;
        }
        for (const dialect d : all_dialects) {
            const std::vector<driftless::detail::sql_piece> pieces = driftless::detail::split_sql(script, d);
            REQUIRE(pieces.size() == statements);
            CHECK(pieces.back().line == 2 * statements - 1);
            CHECK(pieces.back().text == "INSERT INTO \"t;1\" VALUES (1, 'a;b')");
        }
    }
}

TEST_CASE("sql_splitter") {
    SUBCASE("every ending ';' ends one span, empty statements included") {
        const std::string_view script = "SELECT 1; ;-- c;\n; SELECT 'a;' /* b; */ ;SELECT 3 -- end";
        driftless::detail::sql_splitter splitter(script, dialect::sqlite);
        std::vector<driftless::detail::sql_span> spans;
        while (const auto span = splitter.next()) spans.push_back(*span);
        REQUIRE(spans.size() == 5);
        CHECK(script.substr(spans[0].begin, spans[0].end - spans[0].begin) == "SELECT 1");
        CHECK(spans[0].terminator == 8);
        CHECK(spans[0].line == 1);
        CHECK((spans[1].begin == spans[1].end && spans[1].terminator == 10 && spans[1].line == 0));
        CHECK((spans[2].begin == spans[2].end && spans[2].terminator == 17));
        CHECK(script.substr(spans[3].begin, spans[3].end - spans[3].begin) == "SELECT 'a;'");
        CHECK(spans[3].line == 2);
        CHECK(script[spans[3].terminator] == ';');
        CHECK(script.substr(spans[3].terminator + 1, 8) == "SELECT 3");
        CHECK(script.substr(spans[4].begin, spans[4].end - spans[4].begin) == "SELECT 3");
        CHECK(spans[4].terminator == std::string_view::npos);
        CHECK_FALSE(splitter.next().has_value());
    }
}
