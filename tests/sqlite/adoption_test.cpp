// Adopting databases driftless did not create: two schemas written by hand in the style people write
// them (unnamed constraints, NVARCHAR / DATETIME / INT / DECIMAL spellings, DEFAULT NULL, a column's
// own UNIQUE and REFERENCES, views on views, triggers, a generated column, an index on an
// expression, a foreign-key cycle), with data. A faithful model plans nothing; an evolved model
// keeps every value and every object it does not name; migrating twice plans nothing; rolling back
// restores the table as it was. A composite foreign key, a named primary key and a column's
// COLLATE survive rebuilds; said otherwise in a model, they change, and roll back.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <driftless/sqlite.hpp>

namespace store {
struct Artist {
    std::int64_t ArtistId;
    std::optional<std::string> Name;
};
struct Album {
    std::int64_t AlbumId;
    std::string Title;
    std::int64_t ArtistId;
};
struct Track {
    std::int64_t TrackId;
    std::string Name;
    std::optional<std::int64_t> AlbumId;
    std::int64_t Milliseconds;
    std::optional<std::int64_t> Bytes;
    double UnitPrice;
    std::optional<double> Seconds;  // GENERATED ALWAYS AS (...) STORED in the database
};
}  // namespace store

template <>
inline constexpr auto driftless::customize::table<store::Artist> =
    driftless::table<store::Artist>("artist").primary_key(&store::Artist::ArtistId).length(&store::Artist::Name, 120);
template <>
inline constexpr auto driftless::customize::table<store::Album> =
    driftless::table<store::Album>("album")
        .primary_key(&store::Album::AlbumId)
        .length(&store::Album::Title, 160)
        .foreign_key(&store::Album::ArtistId, &store::Artist::ArtistId);
inline constexpr auto track_spec =
    driftless::table<store::Track>("track")
        .primary_key(&store::Track::TrackId)
        .length(&store::Track::Name, 200)
        .sql_type(&store::Track::UnitPrice, driftless::types::decimal(10, 2))
        .default_value(&store::Track::UnitPrice, 0.0)  // the database says DEFAULT 0
        .foreign_key(&store::Track::AlbumId, &store::Album::AlbumId)
        .unique(&store::Track::AlbumId, &store::Track::Name)
        .index("IFK_TrackAlbumId", &store::Track::AlbumId)
        .check("\"UnitPrice\" >= 0");  // the database says CHECK ([UnitPrice]>=(0))
template <>
inline constexpr auto driftless::customize::table<store::Track> = track_spec;

namespace hr {
struct Shop {
    std::int64_t id;
    std::string name;
    std::optional<std::int64_t> manager_id;
    std::optional<std::chrono::sys_seconds> opened;
};
struct Employee {
    std::int64_t id;
    std::int64_t shop_id;
    std::string grade;
    std::int16_t level;
    std::optional<double> salary;
    bool active;
    std::optional<std::chrono::sys_days> hired;
};
}  // namespace hr

// shop.manager_id -> employee and employee.shop_id -> shop: a cycle. A spec cannot name a model
// whose spec comes later (clang refuses it), so shop's foreign key is added to the run-time schema.
template <>
inline constexpr auto driftless::customize::table<hr::Shop> =
    driftless::table<hr::Shop>("shop")
        .length(&hr::Shop::name, 50)
        .unique(&hr::Shop::name)
        .default_value(&hr::Shop::opened, driftless::current_timestamp);
template <>
inline constexpr auto driftless::customize::table<hr::Employee> =
    driftless::table<hr::Employee>("employee")
        .foreign_key(&hr::Employee::shop_id, &hr::Shop::id, {.on_delete = driftless::fk_action::cascade})
        .length(&hr::Employee::grade, 1)
        .default_value(&hr::Employee::grade, "C")
        .default_value(&hr::Employee::level, 1)
        .sql_type(&hr::Employee::salary, driftless::types::decimal(8, 2))
        .default_value(&hr::Employee::active, true)
        .check("salary_positive", "salary > 0");

namespace {

const char* const store_ddl[] = {
    "CREATE TABLE artist (\n  ArtistId INTEGER NOT NULL PRIMARY KEY,\n  Name NVARCHAR(120) DEFAULT NULL,\n"
    "  CONSTRAINT name_not_blank CHECK (length(Name) > 0)\n)",
    "CREATE TABLE [album]\n(\n  [AlbumId] INTEGER  NOT NULL,\n  [Title] NVARCHAR(160)  NOT NULL,\n"
    "  [ArtistId] INTEGER  NOT NULL,\n  CONSTRAINT [PK_Album] PRIMARY KEY  ([AlbumId]),\n"
    "  FOREIGN KEY ([ArtistId]) REFERENCES [artist] ([ArtistId]) ON DELETE NO ACTION ON UPDATE NO ACTION\n)",
    "CREATE TABLE track (\n  TrackId INTEGER NOT NULL PRIMARY KEY,\n  Name NVARCHAR(200) NOT NULL,\n"
    "  AlbumId INT REFERENCES album (AlbumId),\n  Milliseconds INT NOT NULL,\n  Bytes INT DEFAULT NULL,\n"
    "  UnitPrice NUMERIC(10,2) NOT NULL DEFAULT 0,\n"
    "  Seconds REAL GENERATED ALWAYS AS (Milliseconds / 1000.0) STORED,\n"
    "  CHECK ([UnitPrice]>=(0)),\n  UNIQUE (AlbumId, Name)\n)",
    "CREATE INDEX IFK_TrackAlbumId ON track (AlbumId)",
    "CREATE INDEX track_lower_name ON track (lower(Name))",
    "CREATE TABLE price_log (TrackId INT, old NUMERIC, new NUMERIC)",
    "CREATE TRIGGER track_price AFTER UPDATE OF UnitPrice ON track BEGIN\n"
    "  INSERT INTO price_log VALUES (old.TrackId, old.UnitPrice, new.UnitPrice);\nEND",
    "CREATE VIEW album_tracks AS SELECT a.Title AS album, t.Name AS track, t.Seconds FROM album a JOIN track t ON "
    "t.AlbumId = a.AlbumId",
    "CREATE VIEW long_tracks AS SELECT * FROM album_tracks WHERE Seconds > 200",
    "INSERT INTO artist VALUES (1, 'AC/DC'), (2, 'Accept'), (3, NULL)",
    "INSERT INTO album VALUES (1, 'For Those About To Rock', 1), (2, 'Balls to the Wall', 2), (3, 'Restless', 2)",
    "INSERT INTO track (TrackId, Name, AlbumId, Milliseconds, Bytes, UnitPrice) VALUES "
    "(1, 'For Those About To Rock (We Salute You)', 1, 343719, 11170334, 0.99), "
    "(2, 'Balls to the Wall', 2, 342562, 5510424, 0.99), (3, 'Fast As a Shark', 3, 230619, NULL, 1.99), "
    "(4, 'Restless and Wild', 3, 252051, 4331779, 0), (5, 'Zoë 😀', NULL, 1, NULL, 12.5)",
};

const char* const hr_ddl[] = {
    "CREATE TABLE shop (\n  id INTEGER PRIMARY KEY,\n  name VARCHAR(50) NOT NULL UNIQUE,\n  manager_id INT,\n"
    "  opened DATETIME DEFAULT CURRENT_TIMESTAMP,\n  FOREIGN KEY (manager_id) REFERENCES employee (id)\n)",
    "CREATE TABLE employee (\n  id INTEGER PRIMARY KEY,\n"
    "  shop_id INTEGER NOT NULL REFERENCES shop(id) ON DELETE CASCADE,\n  grade CHAR(1) NOT NULL DEFAULT 'C',\n"
    "  level SMALLINT NOT NULL DEFAULT 1,\n  salary DECIMAL(8,2),\n  active BOOLEAN NOT NULL DEFAULT 1,\n"
    "  hired DATE,\n  CONSTRAINT salary_positive CHECK (salary > 0)\n)",
    "CREATE TABLE events (what TEXT, at TEXT)",
    "CREATE TRIGGER shop_opened AFTER INSERT ON shop BEGIN INSERT INTO events VALUES ('open ' || new.name, "
    "new.opened); END",
    "CREATE VIEW shop_staff AS SELECT s.name AS shop, e.id AS employee, e.grade FROM shop s JOIN employee e ON "
    "e.shop_id = s.id",
    "CREATE VIEW senior_staff AS SELECT shop, count(*) AS n FROM shop_staff WHERE grade = 'A' GROUP BY shop",
    "CREATE INDEX employee_by_shop_grade ON employee (shop_id, grade DESC)",
    "INSERT INTO shop (id, name, manager_id, opened) VALUES (1, 'north', NULL, '2020-01-02 03:04:05'), "
    "(2, 'south', NULL, NULL)",
    "INSERT INTO employee VALUES (10, 1, 'A', 3, 5200.5, 1, '2019-05-01'), (11, 1, 'B', 2, NULL, 0, NULL), "
    "(12, 2, 'A', 1, 3100, 1, '2021-11-30')",
    "UPDATE shop SET manager_id = 10 WHERE id = 1",
};

/// shop and employee, with shop's foreign key to employee that closes the cycle; `v2` adds a check
/// to shop (a rebuild of a table with a trigger, a view on a view and the cycle).
driftless::schema staff_schema(bool v2) {
    driftless::schema s = driftless::to_schema<hr::Shop, hr::Employee>();
    s.tables[0].foreign_keys.push_back({"shop_manager_id_fkey", {"manager_id"}, "employee", {"id"}});
    if (v2) s.tables[0].checks.push_back({"shop_name_length", "length(name) > 1"});
    return s;
}

std::string one(const driftless::sqlite::connection& db, const std::string& sql) {
    auto st = db.prepare(sql);
    REQUIRE(st.step());
    return st.is_null(0) ? "NULL" : st.text(0);
}

/// Every value of every table (not driftless's own), by table: quote() keeps each value's type.
std::map<std::string, std::string> digest(const driftless::sqlite::connection& db) {
    std::map<std::string, std::string> out;
    std::vector<std::string> tables;
    auto st = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name NOT LIKE "
                         "'\\_driftless%' ESCAPE '\\'");
    while (st.step()) tables.push_back(st.text(0));
    for (const auto& t : tables) {
        std::string row;
        auto cols = db.prepare("SELECT name FROM pragma_table_xinfo('" + t + "')");
        while (cols.step()) row += (row.empty() ? "quote(\"" : " || ',' || quote(\"") + cols.text(0) + "\")";
        out[t] = one(db, "SELECT count(*) || ':' || coalesce(group_concat(r, '|'), '') FROM (SELECT " + row +
                             " AS r FROM \"" + t + "\" ORDER BY 1)");
    }
    return out;
}

/// The indexes, views and triggers the database has, with their stored SQL (not SQLite's own).
std::map<std::string, std::string> objects(const driftless::sqlite::connection& db) {
    std::map<std::string, std::string> out;
    auto st = db.prepare("SELECT type || ' ' || name, sql FROM sqlite_schema WHERE type IN ('index', 'view', 'trigger') "
                         "AND sql IS NOT NULL");
    while (st.step()) out[st.text(0)] = st.text(1);
    return out;
}

void load(const driftless::sqlite::connection& db, const auto& ddl) {
    for (const char* sql : ddl) db.execute(sql);
}

}  // namespace

TEST_CASE("adoption: a store schema written by hand, a faithful model plans nothing, an evolved one keeps it all") {
    auto db = driftless::sqlite::open(":memory:");
    db.execute("PRAGMA foreign_keys = ON");
    load(db, store_ddl);
    const auto values = digest(db);
    const auto kept = objects(db);

    const auto faithful = driftless::plan<store::Artist, store::Album, store::Track>(db);
    CHECK(driftless::describe(faithful.plan.steps) == "");
    CHECK(faithful.plan.kept == std::vector<std::string>{"check (length(Name) > 0) name_not_blank of table artist",
                                                          "index on an expression track_lower_name of table track"});
    CHECK(faithful.plan.unmanaged_tables == std::vector<std::string>{"price_log"});
    CHECK_FALSE(driftless::migrate<store::Artist, store::Album, store::Track>(db).applied);

    // Evolved: album gains a column (natively); track gains a check (a rebuild, past a generated
    // column, an index on an expression, a trigger, a view on a view, a column's REFERENCES and an
    // unnamed UNIQUE and CHECK).
    const driftless::schema v2 = [] {
        driftless::schema s = driftless::to_schema<store::Artist, store::Album, store::Track>();
        driftless::column_info label;
        label.name = "Label";
        label.type = driftless::to_column_type(driftless::types::text());
        label.nullable = true;
        s.tables[1].columns.push_back(label);
        s.tables[2].checks.push_back({"track_length", "\"Milliseconds\" >= 0"});
        return s;
    }();
    const auto result = driftless::migrate_schema(db, v2, {.description = "v2"}, "store v2");
    REQUIRE(result.applied);
    CHECK(driftless::describe(result.plan.steps) ==
          "safe add column album.Label: (none) -> TEXT\n"
          "rebuild add check track.track_length: (none) -> \"Milliseconds\" >= 0\n");
    CHECK(digest(db).at("track") == values.at("track"));
    CHECK(digest(db).at("artist") == values.at("artist"));
    for (const auto& object : objects(db)) {
        const std::string name = object.first;
        CAPTURE(name);
        CHECK(object.second == (kept.count(name) ? kept.at(name) : "(new)"));
    }
    CHECK(objects(db) == kept);  // every index, view and trigger exactly as it was
    CHECK(one(db, "SELECT hidden FROM pragma_table_xinfo('track') WHERE name = 'Seconds'") == "3");  // still generated
    db.execute("INSERT INTO track (TrackId, Name, AlbumId, Milliseconds, UnitPrice) VALUES (6, 'x', 1, 2500, 1)");
    CHECK(one(db, "SELECT Seconds FROM track WHERE TrackId = 6") == "2.5");
    CHECK_THROWS_AS(db.execute("INSERT INTO artist VALUES (9, '')"), driftless::error);  // the kept CHECK holds
    CHECK_THROWS_AS(db.execute("INSERT INTO track (TrackId, Name, AlbumId, Milliseconds, UnitPrice) VALUES (7, 'x', 1, 1, 1)"),
                    driftless::error);  // the kept UNIQUE (AlbumId, Name) holds
    CHECK(one(db, "SELECT count(*) FROM long_tracks") == "4");  // the view on a view reads the new table
    CHECK(one(db, "SELECT count(*) FROM pragma_foreign_key_check") == "0");
    CHECK(driftless::migrate_schema(db, v2, {.verify = true}, "store v2").plan.empty());

    // Back: the table as it was, values and objects.
    db.execute("DELETE FROM track WHERE TrackId = 6");
    CHECK(driftless::rollback_table(db, "") == result.version);
    CHECK(digest(db) == values);
    CHECK(objects(db) == kept);
    CHECK(driftless::plan<store::Artist, store::Album, store::Track>(db).plan.empty());
}

TEST_CASE("adoption: a staff schema with a foreign-key cycle, column constraints and a view on a view") {
    auto db = driftless::sqlite::open(":memory:");
    db.execute("PRAGMA foreign_keys = ON");
    load(db, hr_ddl);
    const auto values = digest(db);
    const auto kept = objects(db);

    const auto faithful = driftless::migrate_schema(db, staff_schema(false), {.dry_run = true}, "staff");
    CHECK(driftless::describe(faithful.plan.steps) == "");
    CHECK(faithful.plan.kept == std::vector<std::string>{"index (shop_id, grade) employee_by_shop_grade of table employee"});

    const auto result = driftless::migrate_schema(db, staff_schema(true), {.description = "v2"}, "staff");
    REQUIRE(result.applied);
    CHECK(driftless::describe(result.plan.steps) == "rebuild add check shop.shop_name_length: (none) -> length(name) > 1\n");
    CHECK(digest(db) == values);
    CHECK(objects(db) == kept);
    CHECK(one(db, "SELECT n FROM senior_staff WHERE shop = 'north'") == "1");  // the view on a view
    CHECK_THROWS_AS(db.execute("INSERT INTO shop (id, name) VALUES (3, 'north')"), driftless::error);  // name's UNIQUE
    db.execute("INSERT INTO shop (id, name) VALUES (3, 'east')");
    CHECK(one(db, "SELECT count(*) FROM events WHERE what = 'open east'") == "1");  // the trigger fires
    CHECK(one(db, "SELECT opened IS NOT NULL FROM shop WHERE id = 3") == "1");      // the default holds
    CHECK_THROWS_AS(db.execute("UPDATE shop SET manager_id = 99 WHERE id = 1"), driftless::error);  // the cycle's FK
    db.execute("DELETE FROM shop WHERE id = 2");
    CHECK(one(db, "SELECT count(*) FROM employee WHERE shop_id = 2") == "0");  // ON DELETE CASCADE kept
    CHECK_FALSE(driftless::migrate_schema(db, staff_schema(true), {.verify = true}, "staff").applied);

    // An empty database gets the cycle too: both tables, each foreign key enforced.
    auto fresh = driftless::sqlite::open(":memory:");
    fresh.execute("PRAGMA foreign_keys = ON");
    CHECK(driftless::migrate_schema(fresh, staff_schema(false), {}, "staff").applied);
    fresh.execute("INSERT INTO shop (id, name) VALUES (1, 'a')");
    fresh.execute("INSERT INTO employee (id, shop_id) VALUES (1, 1)");
    fresh.execute("UPDATE shop SET manager_id = 1");
    CHECK_THROWS_AS(fresh.execute("INSERT INTO employee (id, shop_id) VALUES (2, 5)"), driftless::error);
    CHECK(driftless::rollback_table(fresh, "", {.allow_data_loss = true}) == 1);
    CHECK(one(fresh, "SELECT count(*) FROM sqlite_schema WHERE name IN ('shop', 'employee')") == "0");
}

namespace tags {
struct Tag {
    std::int64_t id;
    std::string name;
};
struct TagV2 {
    std::int64_t id;
    std::string name;
    std::optional<std::string> colour;
};
}  // namespace tags
template <>
inline constexpr auto driftless::customize::table<tags::Tag> = driftless::table<tags::Tag>("tags").check("name <> ''");
template <>
inline constexpr auto driftless::customize::table<tags::TagV2> =
    driftless::table<tags::TagV2>("tags").check("name <> ''").check("length(name) < 50");

TEST_CASE("adoption: objects made by hand on a managed table survive migrate, generate and rollback") {
    auto db = driftless::sqlite::open(":memory:");
    db.execute("CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL, CHECK (name <> ''), "
               "CONSTRAINT no_spaces CHECK (instr(name, ' ') = 0))");
    db.execute("CREATE INDEX tags_lower ON tags(lower(name))");
    db.execute("CREATE UNIQUE INDEX tags_name_nocase ON tags(name COLLATE NOCASE)");
    db.execute("INSERT INTO tags VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    const auto kept = objects(db);
    CHECK(driftless::plan<tags::Tag>(db).plan.empty());

    SUBCASE("generate writes a file that keeps them, and its down section runs") {
        const auto dir = std::filesystem::temp_directory_path() / "driftless_adoption_generate";
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        const auto g = driftless::generate<tags::TagV2>(db, dir, {.apply = true});
        REQUIRE(g.written);
        CHECK(g.applied);
        CHECK(objects(db) == kept);
        CHECK(driftless::describe(g.plan) ==
              "safe add column tags.colour: (none) -> TEXT\n"
              "rebuild add check tags." + driftless::to_table_info<tags::TagV2>().checks[1].name +
                  ": (none) -> length(name) < 50\n"
              "note: check (instr(name, ' ') = 0) no_spaces of table tags is not in any model; kept (not in the models)\n"
              "note: index on an expression tags_lower of table tags is not in any model; kept (not in the models)\n"
              "note: index (name) tags_name_nocase of table tags is not in any model; kept (not in the models)\n");
        CHECK_THROWS_AS(db.execute("INSERT INTO tags (id, name) VALUES (4, 'x y')"), driftless::error);  // no_spaces holds
        CHECK_THROWS_AS(db.execute("INSERT INTO tags (id, name) VALUES (4, 'A')"), driftless::error);    // NOCASE unique
        CHECK(driftless::rollback_table(db, "") == g.version);
        CHECK(objects(db) == kept);
        CHECK(one(db, "SELECT count(*) FROM tags") == "3");
        std::filesystem::remove_all(dir);
    }
    SUBCASE("prune drops what the models do not name") {
        const auto r = driftless::migrate<tags::TagV2>(db, {.prune_unmanaged = true});
        REQUIRE(r.applied);
        CHECK(objects(db).empty());
        db.execute("INSERT INTO tags (id, name) VALUES (4, 'x y')");  // no_spaces is gone
        CHECK(one(db, "SELECT count(*) FROM tags") == "4");
    }
}

namespace pets {
struct Pet {
    std::int64_t id;
    std::string name;
    std::optional<std::int64_t> owner_id;
};
}  // namespace pets
template <>
inline constexpr auto driftless::customize::table<pets::Pet> =
    driftless::table<pets::Pet>("pet").check("name_given", "name <> ''");

TEST_CASE("adoption: a foreign key made by hand that no model names is kept through a rebuild; pruned, it goes") {
    auto db = driftless::sqlite::open(":memory:");
    db.execute("PRAGMA foreign_keys = ON");
    db.execute("CREATE TABLE owner (id INTEGER PRIMARY KEY)");
    db.execute("CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT NOT NULL, owner_id INT REFERENCES owner (id) ON DELETE CASCADE)");
    db.execute("INSERT INTO owner VALUES (1), (2)");
    db.execute("INSERT INTO pet VALUES (1, 'rex', 1), (2, 'tom', 2), (3, 'fido', NULL)");
    // The model adds a check (a rebuild) and names no foreign key: the one made by hand is kept.
    const auto r = driftless::migrate<pets::Pet>(db);
    CHECK(r.applied);
    CHECK(driftless::describe(r.plan) ==
          "rebuild add check pet.name_given: (none) -> name <> ''\n"
          "note: table owner is not in any model; left alone\n"
          "note: foreign key (owner_id) -> owner(id) ON DELETE CASCADE of table pet is not in any model; kept (not in the models)\n");
    CHECK(one(db, "SELECT count(*) FROM pragma_foreign_key_list('pet') WHERE \"table\" = 'owner' AND on_delete = 'CASCADE'") == "1");
    CHECK_THROWS_AS(db.execute("INSERT INTO pet VALUES (4, 'ghost', 9)"), driftless::error);
    db.execute("DELETE FROM owner WHERE id = 1");
    CHECK(one(db, "SELECT group_concat(name, ',') FROM pet") == "tom,fido");  // ON DELETE CASCADE held
    CHECK(driftless::plan<pets::Pet>(db).plan.empty());
    // Asked to prune, the plan drops it.
    const auto pruned = driftless::migrate<pets::Pet>(db, {.prune_unmanaged = true});
    CHECK(driftless::describe(pruned.plan).find("drop foreign key pet") != std::string::npos);
    CHECK(one(db, "SELECT count(*) FROM pragma_foreign_key_list('pet')") == "0");
    CHECK(one(db, "SELECT group_concat(name, ',') FROM pet") == "tom,fido");
}

namespace orders {
// Boost.PFR reads no base classes: each version repeats the fields.
#define DRIFTLESS_TEST_ORDER_FIELDS \
    std::int64_t shop_id;           \
    std::int64_t no;                \
    std::string code;
struct Order {
    DRIFTLESS_TEST_ORDER_FIELDS
};
struct OrderNamed {  // the key's name said as the table has it
    DRIFTLESS_TEST_ORDER_FIELDS
};
struct OrderChecked {  // adds a check: a rebuild, which keeps the key's name and code's collation
    DRIFTLESS_TEST_ORDER_FIELDS
};
struct OrderBinary {  // code compared byte by byte
    DRIFTLESS_TEST_ORDER_FIELDS
};
struct OrderRenamedKey {
    DRIFTLESS_TEST_ORDER_FIELDS
};
#undef DRIFTLESS_TEST_ORDER_FIELDS
struct Line {
    std::int64_t id;
    std::int64_t shop_id;
    std::int64_t order_no;
};
}  // namespace orders

template <typename O>
constexpr auto order_spec() {
    return driftless::table<O>("orders").primary_key(&O::shop_id, &O::no).length(&O::code, 20);
}
template <> inline constexpr auto driftless::customize::table<orders::Order> = order_spec<orders::Order>();
template <>
inline constexpr auto driftless::customize::table<orders::OrderNamed> =
    order_spec<orders::OrderNamed>().primary_key_name("orders_pk").collation(&orders::OrderNamed::code, "nocase");
template <>
inline constexpr auto driftless::customize::table<orders::OrderChecked> = order_spec<orders::OrderChecked>().check("no_positive", "no > 0");
template <>
inline constexpr auto driftless::customize::table<orders::OrderBinary> =
    order_spec<orders::OrderBinary>().collation(&orders::OrderBinary::code, "BINARY");
template <>
inline constexpr auto driftless::customize::table<orders::OrderRenamedKey> =
    order_spec<orders::OrderRenamedKey>().primary_key_name("orders_key");
template <>
inline constexpr auto driftless::customize::table<orders::Line> =
    driftless::table<orders::Line>("line").foreign_key(driftless::members(&orders::Line::shop_id, &orders::Line::order_no),
                                                       driftless::members(&orders::Order::shop_id, &orders::Order::no),
                                                       {.on_delete = driftless::fk_action::cascade});

TEST_CASE("adoption: a composite foreign key, a named primary key and a collation survive rebuilds and rollbacks") {
    auto db = driftless::sqlite::open(":memory:");
    db.execute("PRAGMA foreign_keys = ON");
    db.execute("CREATE TABLE orders (shop_id INT NOT NULL, no INT NOT NULL, code NVARCHAR(20) NOT NULL COLLATE NOCASE, "
               "CONSTRAINT orders_pk PRIMARY KEY (shop_id, no))");
    db.execute("CREATE TABLE line (id INTEGER PRIMARY KEY, shop_id INT NOT NULL, order_no INT NOT NULL, "
               "FOREIGN KEY (shop_id, order_no) REFERENCES orders (shop_id, no) ON DELETE CASCADE)");
    db.execute("INSERT INTO orders VALUES (1, 1, 'b'), (1, 2, 'B'), (2, 1, 'a')");
    db.execute("INSERT INTO line VALUES (10, 1, 1), (11, 1, 2), (12, 2, 1)");
    const auto values = [&] {
        return one(db, "SELECT group_concat(shop_id || '|' || no || '|' || code, ';') FROM (SELECT * FROM orders ORDER BY 1, 2)") + "/" +
               one(db, "SELECT group_concat(id || '|' || shop_id || '|' || order_no, ';') FROM (SELECT * FROM line ORDER BY 1)");
    };
    const auto table_sql = [&] { return one(db, "SELECT sql FROM sqlite_schema WHERE name = 'orders'"); };
    const std::string before = values();

    // Unsaid or said as the table has it, the key's name and the collation are no change.
    CHECK(driftless::plan<orders::Order, orders::Line>(db).plan.empty());
    CHECK(driftless::plan<orders::OrderNamed, orders::Line>(db).plan.empty());

    // A rebuild keeps what the model does not say: the key's name, the collation.
    CHECK(driftless::migrate<orders::OrderChecked, orders::Line>(db).applied);
    CHECK(table_sql().find("CONSTRAINT \"orders_pk\" PRIMARY KEY (\"shop_id\", \"no\")") != std::string::npos);
    CHECK(table_sql().find("COLLATE \"NOCASE\"") != std::string::npos);
    CHECK(one(db, "SELECT count(*) FROM orders WHERE code = 'B'") == "2");
    CHECK(values() == before);
    CHECK(one(db, "SELECT count(*) FROM pragma_foreign_key_check") == "0");
    CHECK(driftless::plan<orders::OrderChecked, orders::Line>(db).plan.empty());
    CHECK(driftless::rollback_table(db, "orders") == 1);

    // Another collation: a rebuild; rolled back, NOCASE again.
    const auto binary = driftless::migrate<orders::OrderBinary, orders::Line>(db);
    CHECK(driftless::describe(binary.plan.steps) == "rebuild change collation orders.code: NOCASE -> default\n");
    CHECK(one(db, "SELECT count(*) FROM orders WHERE code = 'B'") == "1");
    CHECK(values() == before);
    CHECK(driftless::plan<orders::OrderBinary, orders::Line>(db).plan.empty());
    CHECK(driftless::rollback_table(db, "orders") == 2);
    CHECK(one(db, "SELECT count(*) FROM orders WHERE code = 'B'") == "2");

    // The key under another name; rolled back, its own again.
    const auto renamed = driftless::migrate<orders::OrderRenamedKey, orders::Line>(db);
    CHECK(driftless::describe(renamed.plan.steps) ==
          "rebuild change primary key orders: shop_id, no as orders_pk -> shop_id, no as orders_key\n");
    CHECK(table_sql().find("CONSTRAINT \"orders_key\" PRIMARY KEY") != std::string::npos);
    CHECK(driftless::rollback_table(db, "orders") == 3);
    CHECK(table_sql().find("CONSTRAINT \"orders_pk\" PRIMARY KEY") != std::string::npos);
    CHECK(driftless::plan<orders::OrderNamed, orders::Line>(db).plan.empty());

    // The composite key still holds, and cascades.
    CHECK_THROWS_AS(db.execute("INSERT INTO line VALUES (13, 2, 9)"), driftless::error);
    db.execute("DELETE FROM orders WHERE shop_id = 2");
    CHECK(one(db, "SELECT count(*) FROM line") == "2");
    CHECK(values() != before);
}
