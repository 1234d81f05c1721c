// PostgreSQL edge cases: keys that foreign keys depend on, identity added to a table with rows,
// a temporary table shadowing a model's, enum checks across renames and lost values, constraints
// the data would break, backslashes in checks, foreign keys to other schemas, partial indexes
// built concurrently.
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/describe/enum.hpp>

#include <driftless/postgresql.hpp>

#include "../fuzz/fragment_property.hpp"
#include "../fuzz/fragment_seeds.hpp"
#include "pg_support.hpp"

namespace edge {
enum class mood { calm, cross, gone };
BOOST_DESCRIBE_ENUM(mood, calm, cross, gone)
enum class mood2 { calm, cross };
BOOST_DESCRIBE_ENUM(mood2, calm, cross)

struct Parent {
    std::int64_t id;
    std::int32_t edition;
};
struct ParentV2 {  // the key becomes (id, edition); id stays unique for the child's key
    std::int64_t id;
    std::int32_t edition;
};
struct Child {
    std::int64_t id;
    std::int64_t parent_id;
};
struct Plain {
    std::string name;
};
struct WithId {  // an identity key added to a table that has rows
    std::int64_t id;
    std::string name;
};
struct Order {
    std::int64_t id;
    mood state;
};
struct Purchase {  // Order renamed, its column too
    std::int64_t id;
    mood status;
};
struct OrderFewer {  // one enum value fewer
    std::int64_t id;
    mood2 state;
};
struct Tagged {
    std::int64_t id;
    std::string code;
    std::int32_t a;
};
}  // namespace edge

template <> inline constexpr auto driftless::customize::table<edge::Parent> = driftless::table<edge::Parent>("parent");
template <>
inline constexpr auto driftless::customize::table<edge::ParentV2> =
    driftless::table<edge::ParentV2>("parent")
        .primary_key(&edge::ParentV2::id, &edge::ParentV2::edition)
        .unique(&edge::ParentV2::id);
template <>
inline constexpr auto driftless::customize::table<edge::Child> =
    driftless::table<edge::Child>("child").foreign_key(&edge::Child::parent_id, &edge::Parent::id);
template <> inline constexpr auto driftless::customize::table<edge::Plain> = driftless::table<edge::Plain>("plain");
template <>
inline constexpr auto driftless::customize::table<edge::WithId> =
    driftless::table<edge::WithId>("plain").auto_increment(&edge::WithId::id);
template <> inline constexpr auto driftless::customize::table<edge::Order> = driftless::table<edge::Order>("orders");
template <>
inline constexpr auto driftless::customize::table<edge::Purchase> =
    driftless::table<edge::Purchase>("purchases").renamed_from("orders").renamed(&edge::Purchase::status, "state");
template <>
inline constexpr auto driftless::customize::table<edge::OrderFewer> = driftless::table<edge::OrderFewer>("orders");
template <>
inline constexpr auto driftless::customize::table<edge::Tagged> =
    driftless::table<edge::Tagged>("tagged")
        .unique(&edge::Tagged::code)
        .index("tagged_positive", {.where = "a > 0 AND code <> 'x'"}, &edge::Tagged::a);

using pg_test::one;

TEST_CASE("postgresql edge: a primary key that a foreign key depends on changes") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    driftless::migrate<edge::Parent, edge::Child>(db);
    db.execute("INSERT INTO parent VALUES (1, 1), (2, 1); INSERT INTO child VALUES (10, 1), (11, 2)");
    db.execute("ALTER TABLE parent ADD CONSTRAINT parent_id_key UNIQUE (id)");  // what the child's key will use
    const auto r = driftless::migrate<edge::ParentV2, edge::Child>(db);
    CHECK(driftless::join_statements(r.statements) == R"(ALTER TABLE "child" DROP CONSTRAINT "child_parent_id_fkey";
ALTER TABLE "parent" DROP CONSTRAINT "parent_pkey";
ALTER TABLE "parent" ADD CONSTRAINT "parent_pkey" PRIMARY KEY ("id", "edition");
ALTER TABLE "child" ADD CONSTRAINT "child_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "parent" ("id");
)");
    CHECK(r.applied);
    CHECK(driftless::plan<edge::ParentV2, edge::Child>(db).plan.empty());
    CHECK_THROWS(db.execute("INSERT INTO child VALUES (12, 99)"));  // the foreign key is back
}

TEST_CASE("postgresql edge: an identity key added to a table with rows fills itself") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    driftless::migrate<edge::Plain>(db);
    db.execute("INSERT INTO plain VALUES ('a'), ('b')");
    const auto r = driftless::migrate<edge::WithId>(db);
    CHECK(r.applied);
    CHECK(one(db, "SELECT string_agg(id || name, ',' ORDER BY id) FROM plain") == "1a,2b");
    db.execute("INSERT INTO plain (name) VALUES ('c')");
    CHECK(one(db, "SELECT id FROM plain WHERE name = 'c'") == "3");
    CHECK(driftless::plan<edge::WithId>(db).plan.empty());
}

TEST_CASE("postgresql edge: a temporary table of the session never stands in for the model's table") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    driftless::migrate<edge::Plain>(db);
    db.execute("CREATE TEMP TABLE plain (name text, other int)");
    const auto r = driftless::migrate<edge::WithId>(db);
    CHECK(r.applied);
    CHECK(one(db, "SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.plain'::regclass AND attname = 'id'") == "1");
    CHECK(one(db, "SELECT count(*) FROM pg_attribute WHERE attrelid = 'pg_temp.plain'::regclass AND attname = 'id'") == "0");
    CHECK(driftless::plan<edge::WithId>(db).plan.empty());
}

TEST_CASE("postgresql edge: enum checks survive table and column renames; a lost value is counted") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    driftless::migrate<edge::Order>(db);
    db.execute("INSERT INTO orders VALUES (1, 'calm'), (2, 'gone'), (3, 'gone')");
    CHECK_THROWS_WITH_AS(driftless::migrate<edge::OrderFewer>(db, {.allow_data_loss = true}),
                         doctest::Contains("2 rows of orders do not satisfy the new check orders_state_check"), driftless::error);
    CHECK(driftless::migrate<edge::Purchase>(db).applied);
    CHECK(driftless::describe(driftless::plan<edge::Purchase>(db).plan) == "");
    CHECK(one(db, "SELECT count(*) FROM purchases WHERE status = 'gone'") == "2");
}

TEST_CASE("postgresql edge: a unique key the data would break is refused with the count") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    db.execute("CREATE TABLE tagged (id BIGINT PRIMARY KEY, code TEXT NOT NULL, a INTEGER NOT NULL)");
    db.execute("INSERT INTO tagged VALUES (1, 'x', 1), (2, 'x', 2), (3, 'y', 3)");
    CHECK_THROWS_WITH_AS(driftless::migrate<edge::Tagged>(db),
                         doctest::Contains("2 rows of tagged share a value of the new unique key tagged_code_key"), driftless::error);
    db.execute("UPDATE tagged SET code = 'z' WHERE id = 2");
    CHECK(driftless::migrate<edge::Tagged>(db).applied);
}

TEST_CASE("postgresql edge: a partial index built concurrently plans nothing afterwards") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    db.execute("CREATE TABLE tagged (id BIGINT PRIMARY KEY, code TEXT NOT NULL CONSTRAINT tagged_code_key UNIQUE, a INTEGER NOT NULL)");
    const auto r = driftless::migrate<edge::Tagged>(db, {.concurrent_indexes = true});
    CHECK(r.statements.back() == R"(CREATE INDEX CONCURRENTLY "tagged_positive" ON "tagged" ("a") WHERE a > 0 AND code <> 'x')");
    CHECK(driftless::describe(driftless::plan<edge::Tagged>(db).plan) == "");
    CHECK_FALSE(driftless::migrate<edge::Tagged>(db, {.concurrent_indexes = true}).applied);
}

TEST_CASE("postgresql edge: catalog text with backslashes; a foreign key to another schema is seen") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    // A check the model does not have, with a backslash in a regular expression: made by hand, so
    // kept; pruned, the plan drops it, and the down SQL (which adds it back) renders.
    db.execute(R"(CREATE TABLE plain (name TEXT NOT NULL CONSTRAINT digits CHECK (name ~ '^\d+$')))");
    const auto kept = driftless::plan<edge::Plain>(db);
    CHECK(kept.plan.empty());
    CHECK(kept.plan.kept == std::vector<std::string>{R"(check ((name ~ '^\d+$'::text)) digits of table plain)"});
    const auto r = driftless::migrate<edge::Plain>(db, {.prune_unmanaged = true});
    CHECK(r.applied);
    CHECK(r.down_statements == std::vector<std::string>{R"(ALTER TABLE "plain" ADD CONSTRAINT "digits" CHECK ((name ~ '^\d+$'::text)))"});

    db.execute("CREATE SCHEMA other");
    db.execute("CREATE TABLE other.parent (id BIGINT PRIMARY KEY, edition INT)");
    db.execute("CREATE TABLE parent (id BIGINT PRIMARY KEY, edition INTEGER NOT NULL)");
    db.execute("CREATE TABLE child (id BIGINT PRIMARY KEY, parent_id BIGINT NOT NULL CONSTRAINT child_parent_id_fkey REFERENCES other.parent (id))");
    const auto p = driftless::plan<edge::Parent, edge::Child>(db);
    CHECK(driftless::describe(p.plan).find("drop foreign key child.child_parent_id_fkey: (parent_id) -> other.parent(id)") !=
          std::string::npos);
}

TEST_CASE("postgresql edge: no connection error shows the password, however the URL is broken") {
    // libpq parses, driftless hands it the values: its messages cannot echo the URL.
    const char* const urls[] = {
        "postgresql://bob:S3C%ZZRETpw@localhost:5/db",  // a '%' that is no escape
        "postgresql://bob:S3CRET/pw@localhost:5/db",    // a raw '/' in the password
        "postgresql://bob:S3CRET@[::1/db",              // an unclosed IPv6 bracket
        "POSTGRESQL://bob:S3CRET@localhost:5/db",       // the scheme in capitals
        "host=localhost port=5 password=S3CRET user",   // a key without a value
        "host=localhost port=5 user=bob password=S3CRET",
    };
    for (const char* url : urls) {
        CAPTURE(url);
        try {
            (void)driftless::postgresql::connect(url);
            FAIL("connected");
        } catch (const driftless::error& e) {
            const std::string what = e.what();
            CAPTURE(what);
            CHECK(what.find("S3C") == std::string::npos);
            CHECK((e.code() == driftless::errc::usage || e.code() == driftless::errc::engine));
        }
    }
    // Upper case is the same URL: it reaches the server of the fixture.
    const pg_test::scratch_database scratch;
    const std::string uri = scratch.uri();
    CHECK_NOTHROW((void)driftless::postgresql::connect("PostgreSQL" + uri.substr(uri.find(':'))));
}

TEST_CASE("postgresql edge: no fragment the check accepts makes PostgreSQL run a second statement (fragment corpus)") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    db.execute("CREATE TABLE fz_victim (x INTEGER)");
    db.execute("INSERT INTO fz_victim VALUES (42)");
    fragment_property::check_corpus_on(
        db, "PostgreSQL",
        [&] {
            const auto r = db.execute(
                "SELECT (SELECT string_agg(x::text, ',') FROM public.fz_victim), (SELECT count(*) FROM pg_catalog.pg_class c JOIN "
                "pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname NOT IN "
                "('pg_catalog', 'information_schema', 'pg_toast') AND c.relname NOT IN ('fz_victim', 'fz_t') AND c.relname NOT LIKE "
                "'\\_driftless\\_%')");
            return std::pair{r.text(0, 0), r.integer(0, 1)};
        },
        [&] { db.execute("DROP TABLE IF EXISTS fz_t"); });
}
