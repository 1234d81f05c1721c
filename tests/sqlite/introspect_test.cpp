// sqlite::introspect: a database created from the models reads back as the models describe it.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <driftless/sqlite.hpp>

#include "../models/models.hpp"

namespace {

using driftless::dialect;

template <class T>
void expect_round_trip(const driftless::schema& actual) {
    const driftless::table_info want = driftless::to_table_info<T>();
    CAPTURE(want.name);
    const driftless::table_info* got = actual.find_table(want.name);
    REQUIRE(got != nullptr);
    REQUIRE(got->columns.size() == want.columns.size());
    for (std::size_t i = 0; i < want.columns.size(); ++i) {
        const auto& w = want.columns[i];
        const auto& g = got->columns[i];
        CAPTURE(w.name);
        CHECK(g.name == w.name);
        CHECK(g.type.sqlite == driftless::render_type(w.type, dialect::sqlite));
        CHECK(g.nullable == w.nullable);
        CHECK(g.auto_increment == w.auto_increment);
        CHECK(driftless::render_default(g.default_value, g.type, dialect::sqlite) ==
              driftless::render_default(w.default_value, w.type, dialect::sqlite));
    }
    CHECK(got->primary_key == want.primary_key);
    CHECK(got->uniques == want.uniques);
    CHECK(got->indexes == want.indexes);
    CHECK(got->foreign_keys == want.foreign_keys);
    CHECK(got->checks == driftless::effective_checks(want, dialect::sqlite));
}

}  // namespace

TEST_CASE("sqlite::introspect: every model reads back as it was declared") {
    auto db = driftless::sqlite::open(":memory:");
    const auto create = [&]<class... Ts>() {
        (
            [&] {
                for (const auto& s : driftless::create_table_statements<Ts>(dialect::sqlite)) db.execute(s);
            }(),
            ...);
    };
    namespace m = pfr_models;
    create.operator()<m::User, m::Group, m::AllTypes, m::Membership, m::Post, m::OrderLine, m::Event, m::Setting,
                      m::Account, m::Employee, m::Document, m::Odd, m::AuditLog>();
    const driftless::schema actual = driftless::sqlite::introspect(db);
    CHECK(actual.tables.size() == 13);
    expect_round_trip<m::User>(actual);
    expect_round_trip<m::Group>(actual);
    expect_round_trip<m::AllTypes>(actual);
    expect_round_trip<m::Membership>(actual);
    expect_round_trip<m::Post>(actual);
    expect_round_trip<m::OrderLine>(actual);
    expect_round_trip<m::Event>(actual);
    expect_round_trip<m::Setting>(actual);
    expect_round_trip<m::Account>(actual);
    expect_round_trip<m::Employee>(actual);
    expect_round_trip<m::Document>(actual);
    expect_round_trip<m::Odd>(actual);
    expect_round_trip<m::AuditLog>(actual);
}

TEST_CASE("sqlite::introspect: tables written by hand") {
    auto db = driftless::sqlite::open(":memory:");
    db.execute(R"sql(
        CREATE TABLE parent (id integer primary key, code text unique);
        CREATE TABLE child (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            parent_id int REFERENCES parent ON DELETE CASCADE, -- no target column: the key
            note varchar(20) default 'a''b' check (length(note) < 20),
            [weird name] TEXT DEFAULT (datetime('now')),
            CONSTRAINT child_pair UNIQUE (parent_id, note)
        );
        CREATE INDEX child_live ON child (note) WHERE note IS NOT NULL;
        CREATE TABLE _driftless_migrations (version INTEGER);
    )sql");
    const driftless::schema s = driftless::sqlite::introspect(db);
    REQUIRE(s.tables.size() == 2);  // the tracking table is not part of the user's schema
    const auto* child = s.find_table("child");
    REQUIRE(child != nullptr);
    CHECK(child->columns[0].auto_increment);
    CHECK_FALSE(child->columns[0].nullable);  // INTEGER PRIMARY KEY is the rowid
    CHECK(child->columns[1].type.sqlite == "INT");
    CHECK(child->columns[2].default_value.text == "'a''b'");
    CHECK(child->columns[3].name == "weird name");
    CHECK(child->columns[3].default_value.text == "(datetime('now'))");
    REQUIRE(child->foreign_keys.size() == 1);
    CHECK(child->foreign_keys[0].ref_table == "parent");
    CHECK(child->foreign_keys[0].ref_columns == std::vector<std::string>{"id"});
    CHECK(child->foreign_keys[0].on_delete == driftless::fk_action::cascade);
    REQUIRE(child->uniques.size() == 1);
    CHECK(child->uniques[0].name == "child_pair");
    CHECK(child->uniques[0].columns == std::vector<std::string>{"parent_id", "note"});
    REQUIRE(child->indexes.size() == 1);
    CHECK(child->indexes[0].where == "note IS NOT NULL");
    REQUIRE(child->checks.size() == 1);
    CHECK(child->checks[0].name.empty());
    CHECK(child->checks[0].expression == "length(note) < 20");
    const auto* parent = s.find_table("parent");
    REQUIRE(parent != nullptr);
    REQUIRE(parent->uniques.size() == 1);
    CHECK(parent->uniques[0].columns == std::vector<std::string>{"code"});
    CHECK(sqlite3_get_autocommit(db.handle()) != 0);  // its read transaction is closed
}

TEST_CASE("sqlite::introspect: literal defaults stay as written, expressions get their parentheses") {
    namespace d = driftless::sqlite::detail;
    CHECK(d::default_sql("0") == "0");
    CHECK(d::default_sql("-42") == "-42");
    CHECK(d::default_sql("-1.5") == "-1.5");
    CHECK(d::default_sql("1e+20") == "1e+20");
    CHECK(d::default_sql(".5") == ".5");
    CHECK(d::default_sql("0x1F") == "0x1F");
    CHECK(d::default_sql("'it''s'") == "'it''s'");
    CHECK(d::default_sql("X'00ff'") == "X'00ff'");
    CHECK(d::default_sql("CURRENT_TIMESTAMP") == "CURRENT_TIMESTAMP");
    CHECK(d::default_sql("null") == "null");
    CHECK(d::default_sql("lower('A')") == "(lower('A'))");
    CHECK(d::default_sql("1 + 2") == "(1 + 2)");
    CHECK(d::default_sql("'a' || 'b'") == "('a' || 'b')");
}

TEST_CASE("diff(models, introspect(db)): a database created from the models plans nothing") {
    auto db = driftless::sqlite::open(":memory:");
    const auto check = [&]<class... Ts>() {
        (
            [&] {
                for (const auto& s : driftless::create_table_statements<Ts>(dialect::sqlite)) db.execute(s);
            }(),
            ...);
        const driftless::migration_plan p =
            driftless::diff(driftless::to_schema<Ts...>(), driftless::sqlite::introspect(db), dialect::sqlite);
        CHECK(driftless::describe(p) == "");
        CHECK(p.empty());
    };
    SUBCASE("Boost.PFR models") {
        namespace m = pfr_models;
        check.operator()<m::User, m::Group, m::AllTypes, m::Membership, m::Post, m::OrderLine, m::Event, m::Setting,
                         m::Account, m::Employee, m::Document, m::Odd, m::AuditLog>();
    }
    SUBCASE("Boost.Describe models") {
        namespace m = described_models;
        check.operator()<m::User, m::Group, m::AllTypes, m::Membership, m::Post, m::OrderLine, m::Event, m::Setting,
                         m::Account, m::Employee, m::Document, m::Odd, m::AuditLog>();
    }
}

TEST_CASE("diff(models, introspect(db)): a change made behind the models' back is seen") {
    auto db = driftless::sqlite::open(":memory:");
    for (const auto& s : driftless::create_table_statements<pfr_models::User>(dialect::sqlite)) db.execute(s);
    db.execute("ALTER TABLE users ADD COLUMN extra TEXT");
    db.execute("DROP INDEX users_by_name");
    const auto p = driftless::diff(driftless::to_schema<pfr_models::User>(), driftless::sqlite::introspect(db),
                                   dialect::sqlite);
    CHECK(driftless::describe(p) ==
          "destructive drop column users.extra: TEXT -> (none)\n"
          "safe create index users.users_by_name: (none) -> name\n");
}
