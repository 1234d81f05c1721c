// diff(): the pure comparison of a desired and an actual schema, step by step.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <driftless/diff.hpp>

#include "../models/models.hpp"

#include "../models/columns.hpp"

namespace {

using driftless::dialect;
using driftless::safety;
using driftless::step_kind;
namespace pm = pfr_models;

using test_support::column;

driftless::table_info users() {
    driftless::table_info t;
    t.name = "users";
    t.columns = {column("id", driftless::types::integer()), column("email", driftless::types::text()),
                 column("age", driftless::types::integer(32), true)};
    t.primary_key = {"id"};
    return t;
}

driftless::schema one(driftless::table_info t) { return driftless::schema{{std::move(t)}}; }

}  // namespace

TEST_CASE("diff: equal schemas plan nothing") {
    const auto s = driftless::to_schema<pm::User, pm::Group, pm::AllTypes, pm::Membership, pm::Post, pm::OrderLine,
                                        pm::Event, pm::Setting, pm::Account, pm::Employee, pm::Document, pm::Odd,
                                        pm::AuditLog>();
    for (auto d : {dialect::sqlite, dialect::postgresql, dialect::mysql}) {
        CAPTURE(driftless::to_string(d));
        const auto p = driftless::diff(s, s, d);
        CHECK(p.empty());
        CHECK(p.tables.empty());
        CHECK(p.unmanaged_tables.empty());
        CHECK(driftless::describe(p).empty());
    }
}

TEST_CASE("diff: new tables are created in foreign-key order; unknown tables are left alone") {
    const auto desired = driftless::to_schema<pm::Membership, pm::Post, pm::User, pm::Group>();
    driftless::schema actual = one(users());
    actual.tables[0].name = "legacy";
    const auto p = driftless::diff(desired, actual, dialect::sqlite);
    CHECK(driftless::describe(p) ==
          "safe create table users\n"
          "safe create table group\n"
          "safe create table memberships\n"
          "safe create table posts\n"
          "note: table legacy is not in any model; left alone\n");
    REQUIRE(p.tables.size() == 4);
    CHECK(p.tables[0].created);
    CHECK(p.worst() == safety::safe);
}

TEST_CASE("diff: column changes and their safety classes") {
    const driftless::table_info have = users();
    driftless::table_info want = users();

    SUBCASE("add a nullable column, a column with a default, a NOT NULL column without one") {
        want.columns.push_back(column("bio", driftless::types::text(), true));
        auto karma = column("karma", driftless::types::integer(32));
        karma.default_value = {.kind = driftless::default_kind::integer, .integer = 0};
        want.columns.push_back(karma);
        want.columns.push_back(column("nick", driftless::types::text()));
        CHECK(driftless::describe(driftless::diff(one(want), one(have), dialect::sqlite)) ==
              "safe add column users.bio: (none) -> TEXT\n"
              "safe add column users.karma: (none) -> INTEGER NOT NULL\n"
              "rebuild add column users.nick: (none) -> TEXT NOT NULL\n");
    }
    SUBCASE("drop a column: destructive, with a rename hint when a same-typed column appears") {
        want.columns.pop_back();
        want.columns.push_back(column("years", driftless::types::integer(32), true));
        const auto p = driftless::diff(one(want), one(have), dialect::sqlite);
        CHECK(driftless::describe(p) ==
              "safe add column users.years: (none) -> INTEGER\n"
              "destructive drop column users.age: INTEGER -> (none)\n"
              "note: table users: column age is dropped and years added with the same type; if it is a rename, "
              "say so with .renamed(&T::years, \"age\")\n");
        CHECK(p.worst() == safety::destructive);
    }
    SUBCASE("a rename hint renames") {
        want.columns[2].name = "years";
        want.columns[2].previous_name = "age";
        const auto p = driftless::diff(one(want), one(have), dialect::sqlite);
        CHECK(driftless::describe(p) == "safe rename column users.years: age -> years\n");
        CHECK(driftless::diff(one(want), one(want), dialect::sqlite).empty());  // applied: nothing more
    }
    SUBCASE("type changes: one SQLite type in another spelling is no change, another affinity may lose data") {
        want.columns[1].type = driftless::to_column_type(driftless::types::text(200));
        want.columns[2].type = driftless::to_column_type(driftless::types::text());
        CHECK(driftless::describe(driftless::diff(one(want), one(have), dialect::sqlite)) ==
              "lossy change type users.age: INTEGER -> TEXT\n");
        // Spellings enforced on request: the same affinity rebuilds.
        CHECK(driftless::describe(driftless::diff(one(want), one(have), dialect::sqlite, {.exact_types = true})) ==
              "rebuild change type users.email: TEXT -> VARCHAR(200)\n"
              "lossy change type users.age: INTEGER -> TEXT\n");
        CHECK(driftless::describe(driftless::diff(one(want), one(have), dialect::postgresql)) ==
              "lossy change type users.email: TEXT -> VARCHAR(200)\n"
              "lossy change type users.age: INTEGER -> TEXT\n");
    }
    SUBCASE("nullability and defaults") {
        want.columns[2].nullable = false;
        want.columns[1].default_value = {.kind = driftless::default_kind::text, .text = "x"};
        CHECK(driftless::describe(driftless::diff(one(want), one(have), dialect::sqlite)) ==
              "rebuild change default users.email: (none) -> 'x'\n"
              "lossy change nullability users.age: NULL -> NOT NULL\n");
        CHECK(driftless::describe(driftless::diff(one(have), one(want), dialect::postgresql)) ==
              "safe change default users.email: 'x' -> (none)\n"
              "safe change nullability users.age: NOT NULL -> NULL\n");
    }
    SUBCASE("spelling and case of the catalog do not count as changes") {
        driftless::table_info catalog = have;
        for (auto& c : catalog.columns) {
            c.type = driftless::column_type{.kind = driftless::type_kind::custom, .sqlite = c.name == "email" ? "text" : "integer"};
        }
        CHECK(driftless::diff(one(want), one(catalog), dialect::sqlite).empty());
    }
}

TEST_CASE("diff: keys, constraints and indexes") {
    const driftless::table_info have = users();
    driftless::table_info want = users();
    SUBCASE("unique, check, foreign key, primary key") {
        want.uniques.push_back({"users_email_key", {"email"}});
        want.checks.push_back({"users_age", "age >= 0"});
        want.foreign_keys.push_back({"users_self", {"age"}, "users", {"id"}, driftless::fk_action::cascade, {}});
        want.primary_key = {"id", "email"};
        CHECK(driftless::describe(driftless::diff(one(want), one(have), dialect::sqlite)) ==
              "rebuild change primary key users: id -> id, email\n"
              "rebuild add unique users.users_email_key: (none) -> (email)\n"
              "rebuild add foreign key users.users_self: (none) -> (age) -> users(id) ON DELETE CASCADE\n"
              "rebuild add check users.users_age: (none) -> age >= 0\n");
    }
    SUBCASE("checks compare by expression, whatever their spacing or case") {
        driftless::table_info a = have;
        a.checks.push_back({"", "AGE>=0"});
        want.checks.push_back({"named", "age >= 0"});
        CHECK(driftless::diff(one(want), one(a), dialect::sqlite).empty());
    }
    SUBCASE("indexes: create, drop, replace when their definition changes") {
        driftless::table_info a = have;
        a.indexes.push_back({"old_ix", {"email"}, false, ""});
        a.indexes.push_back({"by_age", {"age"}, false, ""});
        want.indexes.push_back({"by_age", {"age"}, false, "age IS NOT NULL"});
        want.indexes.push_back({"by_email", {"email"}, true, ""});
        CHECK(driftless::describe(driftless::diff(one(want), one(a), dialect::sqlite)) ==
              "safe drop index users.old_ix: email -> (none)\n"
              "safe drop index users.by_age: age -> (none)\n"
              "safe create index users.by_age: (none) -> age\n"
              "safe create index users.by_email: (none) -> email\n");
    }
    SUBCASE("a renamed column does not disturb its index") {
        driftless::table_info a = have;
        a.indexes.push_back({"by_age", {"age"}, false, ""});
        want.columns[2].name = "years";
        want.columns[2].previous_name = "age";
        want.indexes.push_back({"by_age", {"years"}, false, ""});
        CHECK(driftless::describe(driftless::diff(one(want), one(a), dialect::sqlite)) ==
              "safe rename column users.years: age -> years\n");
    }
}

TEST_CASE("diff: a table rename comes only from a hint") {
    driftless::table_info have = users();
    have.name = "people";
    driftless::table_info want = users();
    CHECK(driftless::describe(driftless::diff(one(want), one(have), dialect::sqlite)) ==
          "safe create table users\nnote: table people is not in any model; left alone\n");
    want.previous_name = "people";
    const auto p = driftless::diff(one(want), one(have), dialect::sqlite);
    CHECK(driftless::describe(p) == "safe rename table users: people -> users\n");
    REQUIRE(p.tables.size() == 1);
    CHECK(p.tables[0].before.name == "people");
}

TEST_CASE("diff: renames carry through checks, partial indexes and other tables' foreign keys") {
    driftless::table_info have = users();
    have.checks = {{"users_age", "\"age\" >= 0"}};
    have.indexes = {{"users_by_age", {"age"}, false, "age>0"}};
    driftless::table_info child;
    child.name = "posts";
    child.columns = {column("id", driftless::types::integer()), column("owner", driftless::types::integer())};
    child.primary_key = {"id"};
    child.foreign_keys = {{"posts_owner", {"owner"}, "users", {"id"}}};

    driftless::table_info want = have;
    want.name = "people";
    want.previous_name = "users";
    want.columns[2].name = "years";
    want.columns[2].previous_name = "age";
    want.checks = {{"people_years", "YEARS >= 0"}};
    want.indexes = {{"users_by_age", {"years"}, false, "years > 0"}};
    driftless::table_info want_child = child;
    want_child.foreign_keys[0].ref_table = "people";

    const auto p = driftless::diff(driftless::schema{{want, want_child}}, driftless::schema{{have, child}}, dialect::sqlite);
    CHECK(driftless::describe(p) ==
          "safe rename table people: users -> people\n"
          "safe rename column people.years: age -> years\n");

    SUBCASE("a real change of the expression is still a change") {
        want.checks = {{"people_years", "years > 0"}};
        const auto q = driftless::diff(driftless::schema{{want, want_child}}, driftless::schema{{have, child}}, dialect::sqlite);
        CHECK(driftless::describe(q).find("add check people.people_years") != std::string::npos);
        CHECK(driftless::describe(q).find("drop check people.users_age") != std::string::npos);
    }
}

TEST_CASE("canonical_expression: spelling does not matter, literals and renames do") {
    using driftless::detail::canonical_expression;
    CHECK(canonical_expression("\"Age\">=0") == canonical_expression("age >= 0"));
    CHECK(canonical_expression("age >= 0 -- comment") == canonical_expression("age >= 0"));
    CHECK(canonical_expression("name = 'A'") != canonical_expression("name = 'a'"));
    CHECK(canonical_expression("name = 'it''s'") == canonical_expression("name='it''s'"));
    CHECK(canonical_expression("age >= 0", {{"age", "years"}}) == canonical_expression("years >= 0"));
    CHECK(canonical_expression("'age' = age", {{"age", "years"}}) == canonical_expression("'age' = years"));
}

TEST_CASE("reverse: each step's reverse is what the diff plans the other way") {
    const driftless::table_info have = users();
    const auto sorted_lines = [](const std::string& text) {
        std::vector<std::string> lines;
        std::string line;
        for (char c : text) {
            if (c == '\n') {
                lines.push_back(line);
                line.clear();
            } else {
                line += c;
            }
        }
        std::sort(lines.begin(), lines.end());
        std::string out;
        for (const auto& l : lines) out += l + "\n";
        return out;
    };
    std::vector<driftless::table_info> wants;
    {
        driftless::table_info w = have;  // add a nullable column
        w.columns.push_back(column("bio", driftless::types::text(), true));
        wants.push_back(w);
    }
    {
        driftless::table_info w = have;  // drop a NOT NULL column
        w.columns.erase(w.columns.begin() + 1);
        wants.push_back(w);
    }
    {
        driftless::table_info w = have;  // types, nullability, default
        w.columns[1].type = driftless::to_column_type(driftless::types::text(200));
        w.columns[2].type = driftless::to_column_type(driftless::types::text());
        w.columns[2].nullable = false;
        w.columns[1].default_value = {.kind = driftless::default_kind::text, .text = "x"};
        wants.push_back(w);
    }
    {
        driftless::table_info w = have;  // index, unique, check
        w.indexes = {{"users_by_age", {"age"}, false, ""}};
        w.uniques = {{"users_email_key", {"email"}}};
        w.checks = {{"users_age", "age >= 0"}};
        wants.push_back(w);
    }
    for (auto d : {dialect::sqlite, dialect::postgresql, dialect::mysql}) {
        for (const auto& w : wants) {
            CAPTURE(driftless::to_string(d));
            const auto forth = driftless::diff(one(w), one(have), d);
            const auto back = driftless::diff(one(have), one(w), d);
            REQUIRE_FALSE(forth.empty());
            CHECK(sorted_lines(driftless::describe(driftless::reverse_steps(forth, d))) ==
                  sorted_lines(driftless::describe(back.steps)));
        }
    }
}

TEST_CASE("reverse: renames point back, drops of structure are destructive") {
    driftless::table_info want = users();
    want.name = "people";
    want.previous_name = "users";
    want.columns[2].name = "years";
    want.columns[2].previous_name = "age";
    want.columns.push_back(column("bio", driftless::types::text(), true));
    const auto p = driftless::diff(one(want), one(users()), dialect::sqlite);
    CHECK(driftless::describe(driftless::reverse_steps(p, dialect::sqlite)) ==
          "destructive drop column people.bio: TEXT -> (none)\n"
          "safe rename column people.age: years -> age\n"
          "safe rename table users: people -> users\n");
    const driftless::step created{step_kind::create_table, safety::safe, "t", {}, {}, {}};
    CHECK(driftless::reverse(created, dialect::sqlite).kind == step_kind::drop_table);
    CHECK(driftless::reverse(created, dialect::sqlite).level == safety::destructive);
}

TEST_CASE("diff: PostgreSQL type spellings compare as one type") {
    using driftless::detail::canonical_pg_type;
    using driftless::detail::same_type;
    constexpr auto pg = driftless::dialect::postgresql;
    CHECK(same_type("INTEGER", "integer", pg));
    CHECK(same_type("int4", "integer", pg));
    CHECK(same_type("serial", "integer", pg));
    CHECK(same_type("BIGINT", "int8", pg));
    CHECK(same_type("VARCHAR(20)", "character varying(20)", pg));
    CHECK_FALSE(same_type("VARCHAR(20)", "character varying(21)", pg));
    CHECK(same_type("TIMESTAMP(0) WITH TIME ZONE", "timestamptz(0)", pg));
    CHECK(same_type("timestamptz", "timestamp(6) with time zone", pg));
    CHECK_FALSE(same_type("timestamptz", "timestamp", pg));
    CHECK(same_type("NUMERIC(20)", "numeric(20,0)", pg));
    CHECK_FALSE(same_type("NUMERIC(20)", "numeric(20,2)", pg));
    CHECK(same_type("DOUBLE PRECISION", "float8", pg));
    CHECK(same_type("float(10)", "real", pg));
    CHECK(same_type("bool", "BOOLEAN", pg));
    CHECK(same_type("integer[]", "int4[]", pg));
    CHECK(same_type("char", "bpchar(1)", pg));
    CHECK(canonical_pg_type("UUID") == "uuid");
    CHECK_FALSE(same_type("text", "varchar", pg));
    // Other dialects only normalise.
    CHECK_FALSE(same_type("int4", "integer", driftless::dialect::sqlite));
    CHECK(same_type("INTEGER", "integer", driftless::dialect::sqlite));
}
