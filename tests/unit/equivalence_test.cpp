// What each dialect treats as one column type, one default and one expression (docs/adoption.md):
// a model that spells them another way plans nothing.
#include <doctest/doctest.h>

#include <string>
#include <utility>

#include <driftless/diff.hpp>

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
