// What each dialect treats as one column type, one default and one expression (docs/adoption.md):
// a model that spells them another way plans nothing.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include <driftless/diff.hpp>
#include <driftless/detail/memo.hpp>
#include <driftless/render.hpp>

#include "../models/columns.hpp"

namespace {

using driftless::dialect;
using test_support::column;

driftless::column_type declared(const std::string& sqlite) {
    driftless::column_type t;
    t.kind = driftless::type_kind::custom;
    t.sqlite = t.postgresql = t.mysql = sqlite;
    return t;
}

/// One table with a primary key `id INTEGER` and column `c` of type `type`, default `def` (raw).
driftless::schema table_with(const std::string& type, const std::string& def = {}, bool nullable = true) {
    driftless::table_info t;
    t.name = "t";
    driftless::column_info id;
    id.name = "id";
    id.type = declared("INTEGER");
    t.columns.push_back(id);
    driftless::column_info c;
    c.name = "c";
    c.type = declared(type);
    c.nullable = nullable;
    if (!def.empty()) c.default_value = {.kind = driftless::default_kind::raw, .text = def};
    t.columns.push_back(c);
    t.primary_key = {"id"};
    return driftless::schema{{t}};
}

std::string plan_of(const driftless::schema& want, const driftless::schema& have, dialect d = dialect::sqlite,
                    driftless::diff_options o = {}) {
    return driftless::describe(driftless::diff(want, have, d, o));
}

}  // namespace

TEST_CASE("equivalence: SQLite spellings of one column type plan nothing") {
    const std::pair<const char*, const char*> same[] = {
        {"VARCHAR(20)", "NVARCHAR(20)"}, {"VARCHAR(20)", "TEXT"},     {"CHAR(1)", "VARCHAR(1)"},
        {"CLOB", "text"},                {"INT", "INTEGER"},          {"SMALLINT", "INTEGER"},
        {"BIGINT", "int8"},              {"DATETIME", "TIMESTAMP"},   {"DECIMAL(4,2)", "NUMERIC(4,2)"},
        {"NUMERIC(10,2)", "decimal"},    {"DOUBLE", "REAL"},          {"FLOAT", "double precision"},
        {"BOOL", "BOOLEAN"},             {"BLOB", ""},
    };
    for (const auto& pair : same) {
        const std::string a = pair.first, b = pair.second;
        CAPTURE(a);
        CAPTURE(b);
        CHECK(plan_of(table_with(a), table_with(b)).empty());
        CHECK(plan_of(table_with(b), table_with(a)).empty());
        // Enforced on request.
        if (driftless::detail::normalize_sql(a) != driftless::detail::normalize_sql(b))
            CHECK_FALSE(plan_of(table_with(a), table_with(b), dialect::sqlite, {.exact_types = true}).empty());
    }
    // Another family or affinity is a change, even where the affinity is the same.
    const std::pair<const char*, const char*> different[] = {
        {"BOOLEAN", "DATE"}, {"DATETIME", "DATE"}, {"NUMERIC", "BOOLEAN"}, {"INTEGER", "TEXT"}, {"REAL", "NUMERIC"},
        {"BLOB", "TEXT"},
    };
    for (const auto& pair : different) {
        const std::string a = pair.first, b = pair.second;
        CAPTURE(a);
        CAPTURE(b);
        CHECK_FALSE(plan_of(table_with(a), table_with(b)).empty());
    }
}

TEST_CASE("equivalence: only INTEGER makes a single-column primary key the rowid") {
    driftless::schema want = table_with("TEXT");
    driftless::schema have = table_with("TEXT");
    have.tables[0].columns[0].type = declared("INT");  // INT PRIMARY KEY is not the rowid
    CHECK(plan_of(want, have) == "rebuild change type t.id: INT -> INTEGER\n");
    // A composite key has no rowid alias: INT and INTEGER are one type there.
    want.tables[0].primary_key = have.tables[0].primary_key = {"id", "c"};
    CHECK(plan_of(want, have).empty());
}

TEST_CASE("equivalence: defaults that give the same value") {
    // No default and DEFAULT NULL.
    CHECK(plan_of(table_with("TEXT"), table_with("TEXT", "NULL")).empty());
    CHECK(plan_of(table_with("TEXT", "NULL"), table_with("TEXT")).empty());
    // Numbers of one value in a numeric column; parentheses around the whole.
    CHECK(plan_of(table_with("REAL", "0"), table_with("REAL", "0.0")).empty());
    CHECK(plan_of(table_with("INTEGER", "1"), table_with("INTEGER", "(1)")).empty());
    CHECK(plan_of(table_with("NUMERIC(4,2)", "-1.5"), table_with("DECIMAL(4,2)", "-1.50")).empty());
    CHECK(plan_of(table_with("TEXT", "'a'"), table_with("TEXT", "('a')")).empty());
    // In a TEXT column 0 and 0.0 are different strings; different numbers differ anywhere.
    CHECK_FALSE(plan_of(table_with("TEXT", "0"), table_with("TEXT", "0.0")).empty());
    CHECK_FALSE(plan_of(table_with("REAL", "0"), table_with("REAL", "0.5")).empty());
    CHECK_FALSE(plan_of(table_with("INTEGER", "9007199254740993"), table_with("INTEGER", "9007199254740992")).empty());
    CHECK_FALSE(plan_of(table_with("INTEGER", "0"), table_with("INTEGER")).empty());
    // PostgreSQL: a literal cast to the column's own type, and parentheses the catalog adds.
    CHECK(plan_of(table_with("rating_kind", "'G'"), table_with("rating_kind", "'G'::rating_kind"), dialect::postgresql).empty());
    CHECK(plan_of(table_with("date", "('now'::text)::date"), table_with("date", "(('now'::text)::date)"),
                  dialect::postgresql)
              .empty());
    CHECK_FALSE(plan_of(table_with("text", "'G'"), table_with("text", "'G'::rating_kind"), dialect::postgresql).empty());
}

TEST_CASE("equivalence: check expressions in another spelling") {
    driftless::schema want = table_with("INTEGER");
    driftless::schema have = want;
    want.tables[0].checks.push_back({"t_q", "\"c\" >= 0"});
    have.tables[0].checks.push_back({"", "[c]>=(0)"});
    CHECK(plan_of(want, have).empty());
    have.tables[0].checks[0].expression = "((c >= 0))";
    CHECK(plan_of(want, have).empty());
    // A function call and an IN list keep their parentheses; a different bound is a change.
    CHECK_FALSE(driftless::detail::canonical_expression("f(c)") == driftless::detail::canonical_expression("f c"));
    CHECK(driftless::detail::canonical_expression("c IN (1)") != driftless::detail::canonical_expression("c IN 1"));
    have.tables[0].checks[0].expression = "c >= 1";
    CHECK_FALSE(plan_of(want, have).empty());
}

TEST_CASE("unmanaged objects: kept and listed, dropped when pruned") {
    driftless::schema want = table_with("TEXT");
    driftless::schema have = want;
    driftless::index_info by_hand{"t_lower", {}, false, {}, "CREATE INDEX t_lower ON t(lower(c))", true};
    driftless::index_info mine{"t_c", {"c"}, false, {}, {}, false};
    have.tables[0].indexes = {by_hand, mine};
    have.tables[0].checks.push_back({"", "length(c) < 10", true});
    have.tables[0].uniques.push_back({"", {"c"}, true});
    const auto kept = driftless::diff(want, have, dialect::sqlite);
    // Driftless's own index that the model no longer names is dropped; the rest is kept.
    CHECK(driftless::describe(kept) ==
          "safe drop index t.t_c: c -> (none)\n"
          "note: unique (c) of table t is not in any model; kept (not in the models)\n"
          "note: check (length(c) < 10) of table t is not in any model; kept (not in the models)\n"
          "note: index on an expression t_lower of table t is not in any model; kept (not in the models)\n");
    REQUIRE(kept.tables.size() == 1);
    CHECK(kept.tables[0].after.indexes.size() == 1);  // carried by a rebuild
    CHECK(kept.tables[0].after.checks.size() == 1);
    CHECK(kept.tables[0].after.uniques.size() == 1);
    const auto pruned = driftless::diff(want, have, dialect::sqlite, {.prune_unmanaged = true});
    CHECK(driftless::describe(pruned) ==
          "rebuild drop unique t.(c): (c) -> (none)\n"
          "rebuild drop check t.CHECK (length(c) < 10): length(c) < 10 -> (none)\n"
          "safe drop index t.t_lower: (expression) -> (none)\n"
          "safe drop index t.t_c: c -> (none)\n");
    CHECK(pruned.kept.empty());
}

TEST_CASE("equivalence: MySQL reads YEAR back as year(4); other widths stay") {
    using driftless::detail::canonical_mysql_type;
    CHECK(canonical_mysql_type("YEAR") == canonical_mysql_type("year(4)"));
    CHECK(canonical_mysql_type("int(11)") == canonical_mysql_type("INT"));
    CHECK(canonical_mysql_type("varchar(4)") != canonical_mysql_type("varchar(5)"));
    CHECK(canonical_mysql_type("char(4)") != canonical_mysql_type("char"));
}

TEST_CASE("created tables whose foreign keys form a cycle: the cycle-closing keys come after every CREATE TABLE") {
    driftless::schema want;
    driftless::table_info shop;
    shop.name = "shop";
    shop.primary_key = {"id"};
    shop.columns = {column("id", driftless::types::integer()), column("manager_id", driftless::types::integer(), true)};
    shop.foreign_keys.push_back({"shop_manager_fkey", {"manager_id"}, "employee", {"id"}});
    driftless::table_info employee;
    employee.name = "employee";
    employee.primary_key = {"id"};
    employee.columns = {column("id", driftless::types::integer()), column("shop_id", driftless::types::integer())};
    employee.foreign_keys.push_back({"employee_shop_fkey", {"shop_id"}, "shop", {"id"}});
    employee.foreign_keys.push_back({"employee_self_fkey", {"id"}, "employee", {"id"}});  // to itself: inline
    want.tables = {shop, employee};
    const auto p = driftless::diff(want, {}, dialect::postgresql);
    REQUIRE(p.tables.size() == 2);
    for (const dialect d : {dialect::postgresql, dialect::mysql}) {
        CAPTURE(static_cast<int>(d));
        const auto deferred = driftless::deferred_foreign_keys(p, d);
        REQUIRE(deferred.size() == 1);
        // The first table created names the second: that key waits.
        CHECK(deferred[0].table == p.tables[0].name);
        CHECK(deferred[0].fk.ref_table == p.tables[1].name);
        std::vector<std::string> sql;
        for (const auto& tc : p.tables) CHECK(driftless::created_table_sql(tc, d, sql, deferred));
        driftless::add_deferred_foreign_keys_sql(deferred, d, sql);
        REQUIRE(sql.size() == 3);
        CHECK(sql[0].find(deferred[0].fk.name) == std::string::npos);
        CHECK((sql[0] + sql[1]).find("employee_self_fkey") != std::string::npos);  // inline
        CHECK(sql[2].find("employee_self_fkey") == std::string::npos);
        CHECK(sql[2].rfind("ALTER TABLE ", 0) == 0);
        CHECK(sql[2].find(deferred[0].fk.name) != std::string::npos);
    }
    CHECK(driftless::deferred_foreign_keys(p, dialect::sqlite).empty());  // SQLite resolves a key when it is used
}

TEST_CASE("equivalence: PostgreSQL's casts of literals in checks, and now() as a default") {
    using driftless::detail::canonical_expression;
    CHECK(canonical_expression("((rental_rate >= (0)::numeric))") == canonical_expression("rental_rate >= 0"));
    CHECK(canonical_expression("(rating <> 'NC-17'::mpaa_rating)") == canonical_expression("rating <> 'NC-17'"));
    CHECK(canonical_expression("(code <> ''::character varying(20))") == canonical_expression("code <> ''"));
    CHECK(canonical_expression("(at > '2020-01-01'::timestamp without time zone)") == canonical_expression("at > '2020-01-01'"));
    // A column's cast is one PostgreSQL adds too (a domain to its base type): ignored.
    CHECK(canonical_expression("(((qty)::integer >= 1) AND ((qty)::integer <= 9))") == canonical_expression("qty BETWEEN 1 AND 9"));
    CHECK(canonical_expression("x >= 1") != canonical_expression("x >= 2"));
    // IN, NOT IN and BETWEEN as PostgreSQL prints them, and the parentheses around comparisons.
    CHECK(canonical_expression("((rating)::text = ANY ((ARRAY['G'::character varying, 'PG'::character varying])::text[]))") ==
          canonical_expression("rating IN ('G', 'PG')"));
    CHECK(canonical_expression("(n = ANY (ARRAY[1, 2, 3]))") == canonical_expression("n IN (1, 2, 3)"));
    CHECK(canonical_expression("(n <> ALL (ARRAY[1, 2]))") == canonical_expression("n NOT IN (1, 2)"));
    CHECK(canonical_expression("(n = ANY (ARRAY[1, 2]))") != canonical_expression("n IN (1, 3)"));
    CHECK(canonical_expression("(n = ANY (ARRAY[1, 2]))") != canonical_expression("n NOT IN (1, 2)"));
    CHECK(canonical_expression("((len >= 1) AND (len <= 500))") == canonical_expression("len BETWEEN 1 AND 500"));
    CHECK(canonical_expression("((len >= 1) AND (len <= 500))") == canonical_expression("len >= 1 AND len <= 500"));
    CHECK(canonical_expression("((a > 0) OR (b > 0))") == canonical_expression("a > 0 OR b > 0"));
    CHECK(canonical_expression("(len >= 1) AND (len <= 50)") != canonical_expression("len BETWEEN 1 AND 500"));
    CHECK(canonical_expression("len NOT BETWEEN 1 AND 5") != canonical_expression("len >= 1 AND len <= 5"));
    // Parentheses that group AND under OR stay: (a OR b) AND c is not a OR (b AND c).
    CHECK(canonical_expression("(a = 1 OR b = 1) AND c = 1") != canonical_expression("a = 1 OR b = 1 AND c = 1"));
    // Only whole operands: a BETWEEN inside arithmetic, NOT BETWEEN and <= ANY are left as they are.
    CHECK(canonical_expression("a + x BETWEEN 1 AND 5") != canonical_expression("a + (x >= 1 AND x <= 5)"));
    CHECK(canonical_expression("x BETWEEN 1 AND n + 1") != canonical_expression("(x >= 1 AND x <= n) + 1"));
    CHECK(canonical_expression("x NOT BETWEEN 1 AND 5") == "x not between 1 and 5");
    CHECK(canonical_expression("NOT x BETWEEN 1 AND 5") == canonical_expression("NOT (x >= 1 AND x <= 5)"));
    CHECK(canonical_expression("x <= ANY (ARRAY[1, 2])").find(" in ") == std::string::npos);
    // SQLite's [name] quoting is still a name.
    CHECK(canonical_expression("[q] >= 0") == canonical_expression("q >= 0"));
    const std::string type = "timestamp without time zone";
    CHECK(driftless::detail::same_default("now()", "CURRENT_TIMESTAMP", type, dialect::postgresql));
    CHECK(driftless::detail::same_default("(now())", "transaction_timestamp()", type, dialect::postgresql));
    CHECK_FALSE(driftless::detail::same_default("now()", "CURRENT_TIMESTAMP", "TEXT", dialect::sqlite));
    CHECK_FALSE(driftless::detail::same_default("now()", "clock_timestamp()", type, dialect::postgresql));
}

TEST_CASE("unmanaged objects: one named like a model's check or unique is the model's, not kept") {
    driftless::schema want = table_with("TEXT");
    want.tables[0].checks.push_back({"c_short", "length(c) < 10"});
    driftless::schema have = table_with("TEXT");
    have.tables[0].checks.push_back({"c_short", "length(c) < 20", true});
    const auto p = driftless::diff(want, have, dialect::postgresql);
    CHECK(p.kept.empty());
    CHECK(driftless::describe(p) ==
          "safe add check t.c_short: (none) -> length(c) < 10\n"
          "safe drop check t.c_short: length(c) < 20 -> (none)\n");
}

TEST_CASE("ownership: the indexes and constraints a migration creates, read from its statements") {
    using driftless::detail::owned_objects;
    const auto names = [](const std::vector<driftless::detail::memo_row>& rows) {
        std::string out;
        for (const auto& r : rows) out += r.table + "." + r.name + ";";
        return out;
    };
    CHECK(names(owned_objects({R"(CREATE TABLE "user" ("id" BIGINT PRIMARY KEY, CONSTRAINT "user_email_key" UNIQUE ("email"), )"
                               R"(CONSTRAINT "age_positive" CHECK (age > 0)))",
                               R"(CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "By_Email" ON ONLY public."user" ("email"))",
                               "CREATE INDEX Lower_Name ON Users (lower(name))",
                               R"(ALTER TABLE "user" ADD CONSTRAINT "user_org_fkey" FOREIGN KEY ("org") REFERENCES "org" ("id"))",
                               R"(ALTER TABLE "user" DROP CONSTRAINT "old_check")", "DROP INDEX gone",
                               "ALTER TABLE ONLY other.t RENAME CONSTRAINT a TO b", "INSERT INTO t VALUES ('CONSTRAINT x')"},
                              dialect::postgresql)) ==
          "user.user_email_key;user.age_positive;user.By_Email;users.lower_name;user.user_org_fkey;");
    CHECK(names(owned_objects({"CREATE TABLE t (id INT, PRIMARY KEY (id), UNIQUE KEY u_code (code), KEY by_name (name), "
                               "FOREIGN KEY (o) REFERENCES o (id))",
                               "ALTER TABLE `t` ADD INDEX `by_at` (`at`), DROP INDEX `old`, RENAME INDEX a TO b",
                               "ALTER TABLE `t` ADD UNIQUE KEY u2 (x)"},
                              dialect::mysql)) == "t.u_code;t.by_name;t.by_at;t.u2;");
}

TEST_CASE("ownership: what no row records is made by hand (kept); an owned name is driftless's, in any case") {
    driftless::schema s = table_with("TEXT");
    s.tables[0].indexes.push_back({"t_c", {"c"}, false, {}, {}, false});
    s.tables[0].indexes.push_back({"by_hand", {"c"}, false, {}, {}, false});
    s.tables[0].checks.push_back({"Mine", "c <> ''", false});
    driftless::detail::apply_ownership(s, {{"t", "owns", "T_C", {}, {}}, {"T", "owns", "mine", {}, {}}, {"t", "check", "by_hand", "x", "y"}});
    CHECK_FALSE(s.tables[0].indexes[0].unmanaged);
    CHECK(s.tables[0].indexes[1].unmanaged);
    CHECK_FALSE(s.tables[0].checks[0].unmanaged);
}

TEST_CASE("unmanaged objects: a foreign key made by hand is kept, unless pruned or its column goes") {
    driftless::schema want = table_with("TEXT");
    driftless::schema have = table_with("TEXT");
    have.tables[0].foreign_keys.push_back({"", {"c"}, "other", {"id"}, driftless::fk_action::cascade, driftless::fk_action::no_action, true});
    const auto kept = driftless::diff(want, have, dialect::sqlite);
    CHECK(kept.empty());
    CHECK(kept.kept == std::vector<std::string>{"foreign key (c) -> other(id) ON DELETE CASCADE of table t"});
    driftless::schema with_check = want;  // a rebuild: the kept key is carried in the table after it
    with_check.tables[0].checks.push_back({"c_short", "length(c) < 10"});
    const auto rebuilt = driftless::diff(with_check, have, dialect::sqlite);
    REQUIRE(rebuilt.tables.size() == 1);
    CHECK(rebuilt.tables[0].after.foreign_keys.size() == 1);
    CHECK(driftless::describe(driftless::diff(want, have, dialect::sqlite, {.prune_unmanaged = true})).rfind("rebuild drop foreign key", 0) ==
          0);
    driftless::schema without_c = want;
    without_c.tables[0].columns.pop_back();
    CHECK(driftless::describe(driftless::diff(without_c, have, dialect::sqlite)).find("drop foreign key") != std::string::npos);
    have.tables[0].foreign_keys[0].unmanaged = false;  // driftless's own: the model no longer names it
    CHECK(driftless::describe(driftless::diff(want, have, dialect::sqlite)).rfind("rebuild drop foreign key", 0) == 0);
}

TEST_CASE("widenings are safe: every value fits unchanged; anything else stays lossy") {
    using driftless::detail::widens;
    CHECK(widens("character varying(20)", "VARCHAR(50)", dialect::postgresql));
    CHECK(widens("varchar(20)", "text", dialect::postgresql));
    CHECK(widens("smallint", "INTEGER", dialect::postgresql));
    CHECK(widens("integer", "BIGINT", dialect::postgresql));
    CHECK(widens("numeric(4,2)", "NUMERIC(6,2)", dialect::postgresql));
    CHECK(widens("numeric(4,2)", "numeric(5,3)", dialect::postgresql));
    CHECK(widens("real", "double precision", dialect::postgresql));
    CHECK_FALSE(widens("VARCHAR(50)", "varchar(20)", dialect::postgresql));
    CHECK_FALSE(widens("bigint", "integer", dialect::postgresql));
    CHECK(widens("numeric(4,2)", "numeric(6,4)", dialect::postgresql));         // 99.99 fits in both
    CHECK_FALSE(widens("numeric(6,4)", "numeric(6,2)", dialect::postgresql));   // 1.2345 would be rounded
    CHECK_FALSE(widens("numeric(6,2)", "numeric(6,4)", dialect::postgresql));   // 9999.99 would not fit
    CHECK_FALSE(widens("text", "varchar(20)", dialect::postgresql));
    CHECK_FALSE(widens("integer", "text", dialect::postgresql));  // a conversion, not a widening
    CHECK(widens("int(11)", "BIGINT", dialect::mysql));
    CHECK(widens("varchar(45)", "VARCHAR(100)", dialect::mysql));
    CHECK(widens("int unsigned", "bigint unsigned", dialect::mysql));
    CHECK_FALSE(widens("int unsigned", "bigint", dialect::mysql));  // kept conservative
    CHECK_FALSE(widens("tinyint(1)", "int", dialect::mysql));         // a boolean becomes a number
    CHECK_FALSE(widens("varchar(20)", "varchar(50)", dialect::sqlite));  // SQLite: a rebuild, as before
    const auto p = plan_of(table_with("VARCHAR(20)"), table_with("VARCHAR(50)"), dialect::postgresql);
    CHECK(p == "lossy change type t.c: VARCHAR(50) -> VARCHAR(20)\n");
    CHECK(plan_of(table_with("VARCHAR(50)"), table_with("VARCHAR(20)"), dialect::postgresql) ==
          "safe change type t.c: VARCHAR(20) -> VARCHAR(50)\n");
}
