// sqlite::render_plan: native ALTER where SQLite allows it, the 12-step rebuild otherwise; the
// statements are run here by hand the way apply will run them, on real SQLite databases.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <driftless/sqlite.hpp>

#include "../models/columns.hpp"

namespace {

using driftless::dialect;

std::string one(const driftless::sqlite::connection& db, const std::string& sql) {
    auto st = db.prepare(sql);
    REQUIRE(st.step());
    return st.is_null(0) ? "NULL" : st.text(0);
}

/// Runs rendered statements as the procedure requires: foreign_keys OFF outside the transaction
/// for rebuilds, foreign_key_check before COMMIT, foreign_keys restored after.
void run(const driftless::sqlite::connection& db, const std::vector<driftless::sqlite::table_statements>& rendered) {
    bool rebuild = false;
    for (const auto& t : rendered) rebuild = rebuild || t.rebuild;
    const bool fk_on = one(db, "PRAGMA foreign_keys") == "1";
    if (rebuild && fk_on) db.execute("PRAGMA foreign_keys = OFF");
    db.execute("BEGIN IMMEDIATE");
    for (const auto& t : rendered) {
        for (const auto& s : t.statements) {
            CAPTURE(s);
            db.execute(s);
        }
    }
    auto check = db.prepare("PRAGMA foreign_key_check");
    CHECK_FALSE(check.step());
    db.execute("COMMIT");
    if (rebuild && fk_on) db.execute("PRAGMA foreign_keys = ON");
}

using test_support::column;

driftless::table_info users_v1() {
    driftless::table_info t;
    t.name = "users";
    t.columns = {column("id", driftless::types::integer()), column("email", driftless::types::text()),
                 column("age", driftless::types::integer(32), true)};
    t.primary_key = {"id"};
    t.indexes = {{"users_by_email", {"email"}, false, ""}};
    return t;
}

driftless::table_info posts() {
    driftless::table_info t;
    t.name = "posts";
    t.columns = {column("id", driftless::types::integer()), column("user_id", driftless::types::integer(), true),
                 column("title", driftless::types::text())};
    t.primary_key = {"id"};
    t.foreign_keys = {{"posts_user_fkey", {"user_id"}, "users", {"id"}, driftless::fk_action::cascade, {}}};
    return t;
}

driftless::migration_plan migrate_plan(const driftless::sqlite::connection& db, const driftless::schema& want) {
    return driftless::diff(want, driftless::sqlite::introspect(db), dialect::sqlite);
}

void create(const driftless::sqlite::connection& db, const driftless::schema& s) {
    for (const auto& t : s.tables) {
        for (const auto& st : driftless::create_table_statements(t, dialect::sqlite)) db.execute(st);
    }
}

}  // namespace

TEST_CASE("render_plan: native changes stay native") {
    auto db = driftless::sqlite::open(":memory:");
    create(db, {{users_v1()}});
    db.execute("INSERT INTO users (id, email, age) VALUES (1, 'a@x', 30)");
    driftless::table_info v2 = users_v1();
    v2.columns[2].name = "years";
    v2.columns[2].previous_name = "age";
    v2.columns.push_back(column("bio", driftless::types::text(), true));
    v2.indexes.push_back({"users_by_years", {"years"}, false, "years > 18"});
    const auto p = migrate_plan(db, {{v2}});
    const auto rendered = driftless::sqlite::render_plan(p);
    REQUIRE(rendered.size() == 1);
    CHECK_FALSE(rendered[0].rebuild);
    CHECK(rendered[0].statements == std::vector<std::string>{
                                        R"(ALTER TABLE "users" RENAME COLUMN "age" TO "years")",
                                        R"(ALTER TABLE "users" ADD COLUMN "bio" TEXT)",
                                        R"(CREATE INDEX "users_by_years" ON "users" ("years") WHERE years > 18)",
                                    });
    run(db, rendered);
    CHECK(one(db, "SELECT years FROM users") == "30");
    CHECK(migrate_plan(db, {{v2}}).empty());
}

TEST_CASE("render_plan: native DROP COLUMN only where SQLite allows it") {
    auto db = driftless::sqlite::open(":memory:");
    create(db, {{users_v1()}});
    driftless::table_info v2 = users_v1();
    v2.columns.pop_back();  // age: in no index or key
    auto p = migrate_plan(db, {{v2}});
    auto rendered = driftless::sqlite::render_plan(p);
    CHECK(rendered[0].statements == std::vector<std::string>{R"(ALTER TABLE "users" DROP COLUMN "age")"});
    CHECK(driftless::sqlite::render_plan(p, {}, {.sqlite_version = 3034000})[0].rebuild);  // too old

    driftless::table_info v3 = users_v1();
    v3.columns.erase(v3.columns.begin() + 1);  // email: indexed
    v3.indexes.clear();
    rendered = driftless::sqlite::render_plan(migrate_plan(db, {{v3}}));
    CHECK_FALSE(rendered[0].rebuild);  // the index goes first, then the column
    CHECK(rendered[0].statements == std::vector<std::string>{R"(DROP INDEX "users_by_email")",
                                                            R"(ALTER TABLE "users" DROP COLUMN "email")"});
    run(db, rendered);
    CHECK(migrate_plan(db, {{v3}}).empty());
}

TEST_CASE("render_plan: a type change rebuilds the table and keeps every row, child, trigger, view and index") {
    auto db = driftless::sqlite::open(":memory:");
    db.execute("PRAGMA foreign_keys = ON");
    create(db, {{users_v1(), posts()}});
    db.execute("CREATE TABLE audit (what TEXT)");
    db.execute("CREATE TRIGGER posts_audit AFTER INSERT ON posts BEGIN INSERT INTO audit SELECT email FROM users "
               "WHERE id = new.user_id; END");
    db.execute("CREATE TRIGGER users_audit AFTER UPDATE ON users BEGIN INSERT INTO audit VALUES ('u'); END");
    db.execute("CREATE VIEW adults AS SELECT email FROM users WHERE age >= 18");
    for (int i = 1; i <= 50; ++i) {
        db.execute("INSERT INTO users (id, email, age) VALUES (" + std::to_string(i) + ", 'u" + std::to_string(i) +
                   "', " + std::to_string(i) + ")");
        db.execute("INSERT INTO posts (user_id, title) VALUES (" + std::to_string(i) + ", 't')");
    }
    driftless::table_info v2 = users_v1();
    v2.columns[1].type = driftless::to_column_type(driftless::types::text(100));
    v2.columns[2].nullable = false;  // NOT NULL: no NULLs present
    const auto dependents = driftless::sqlite::read_dependents(db);
    REQUIRE(dependents.size() == 3);
    const auto rendered = driftless::sqlite::render_plan(migrate_plan(db, {{v2, posts()}}), dependents);
    REQUIRE(rendered.size() == 1);
    CHECK(rendered[0].rebuild);
    CHECK(rendered[0].statements == std::vector<std::string>{
                                        R"(DROP VIEW "adults")",  // newest first
                                        R"(DROP TRIGGER "users_audit")",
                                        R"(DROP TRIGGER "posts_audit")",
                                        "CREATE TABLE \"_driftless_new_users\" (\n"
                                        "  \"id\" INTEGER NOT NULL PRIMARY KEY,\n"
                                        "  \"email\" VARCHAR(100) NOT NULL,\n"
                                        "  \"age\" INTEGER NOT NULL\n"
                                        ")",
                                        R"(INSERT INTO "_driftless_new_users" SELECT * FROM "users")",
                                        R"(DROP TABLE "users")",
                                        R"(ALTER TABLE "_driftless_new_users" RENAME TO "users")",
                                        R"(CREATE INDEX "users_by_email" ON "users" ("email"))",
                                        dependents[0].sql,
                                        dependents[1].sql,
                                        dependents[2].sql,
                                    });
    run(db, rendered);
    CHECK(one(db, "SELECT count(*) FROM users") == "50");
    CHECK(one(db, "SELECT count(*) FROM posts") == "50");  // CASCADE children survive the DROP
    CHECK(one(db, "SELECT sum(age) FROM users") == "1275");
    CHECK(one(db, "SELECT count(*) FROM adults") == "33");
    db.execute("INSERT INTO posts (user_id, title) VALUES (7, 'x')");
    CHECK(one(db, "SELECT what FROM audit ORDER BY rowid DESC LIMIT 1") == "u7");  // the trigger on the other table works
    db.execute("UPDATE users SET age = 1 WHERE id = 1");
    CHECK(one(db, "SELECT count(*) FROM audit WHERE what = 'u'") == "1");
    CHECK(one(db, "PRAGMA foreign_keys") == "1");
    db.execute("DELETE FROM users WHERE id = 2");
    CHECK(one(db, "SELECT count(*) FROM posts WHERE user_id = 2") == "0");  // and the FK still cascades
    CHECK(one(db, "PRAGMA integrity_check") == "ok");
    CHECK(migrate_plan(db, {{v2, posts()}}).empty());
}

TEST_CASE("render_plan: values are copied without CAST, and AUTOINCREMENT counters survive") {
    auto db = driftless::sqlite::open(":memory:");
    driftless::table_info t;
    t.name = "items";
    t.columns = {column("id", driftless::types::integer()), column("code", driftless::types::text())};
    t.columns[0].auto_increment = true;
    t.primary_key = {"id"};
    create(db, {{t}});
    db.execute("INSERT INTO items (code) VALUES ('007'), ('abc'), ('1e3')");
    db.execute("DELETE FROM items WHERE id = 3");  // the counter stays at 3
    driftless::table_info v2 = t;
    v2.columns[1].type = driftless::to_column_type(driftless::types::custom("BLOB"));
    run(db, driftless::sqlite::render_plan(migrate_plan(db, {{v2}})));
    CHECK(one(db, "SELECT group_concat(code, ',') FROM items") == "007,abc");
    CHECK(one(db, "SELECT typeof(code) FROM items LIMIT 1") == "text");
    db.execute("INSERT INTO items (code) VALUES ('new')");
    CHECK(one(db, "SELECT max(id) FROM items") == "4");
}
