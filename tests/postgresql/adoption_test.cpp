// Adopting PostgreSQL databases driftless did not create. Three schemas written by hand: a rental
// schema in the catalog's own spellings (serial, character(20), timestamp without time zone, a
// custom enum with a 'G'::rating default, ('now'::text)::date, unnamed constraints, a view on a
// view, an index and a check no model names), and a staff schema with a foreign-key cycle, a
// column UNIQUE, a trigger and a view on a view. A faithful model plans nothing; an evolved one
// keeps every value, view, trigger and object it does not name; migrating twice plans nothing. A
// change PostgreSQL would refuse under a view is refused before any DDL, naming the views; tables
// whose foreign keys form a cycle are created, the cycle closed after, and rolled back. An orders
// schema says what a spec can now say too: a composite foreign key, a named primary key, a column
// collation, a domain, a timestamp without time zone, IN and BETWEEN checks.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <driftless/postgresql.hpp>

#include "../models/cycle_models.hpp"
#include "pg_support.hpp"

namespace rental {
struct Language {
    std::int32_t language_id;
    std::string name;
    std::chrono::sys_seconds last_update;
};
struct Film {
    std::int32_t film_id;
    std::string title;
    std::int32_t language_id;
    double rental_rate;
    std::optional<std::string> rating;
    std::optional<std::chrono::sys_days> release_date;
};
struct FilmV2 {  // adds a column and an index; the rest as the catalog has it
    std::int32_t film_id;
    std::string title;
    std::int32_t language_id;
    double rental_rate;
    std::optional<std::string> rating;
    std::optional<std::chrono::sys_days> release_date;
    std::optional<std::int16_t> length;
};
struct FilmV2Plain {  // FilmV2 without its index: driftless made that one, so it goes
    std::int32_t film_id;
    std::string title;
    std::int32_t language_id;
    double rental_rate;
    std::optional<std::string> rating;
    std::optional<std::chrono::sys_days> release_date;
    std::optional<std::int16_t> length;
};
struct FilmWideTitle {  // title VARCHAR(255) -> VARCHAR(500), which two views read
    std::int32_t film_id;
    std::string title;
    std::int32_t language_id;
    double rental_rate;
    std::optional<std::string> rating;
    std::optional<std::chrono::sys_days> release_date;
};
}  // namespace rental

template <>
inline constexpr auto driftless::customize::table<rental::Language> =
    driftless::table<rental::Language>("language")
        .primary_key(&rental::Language::language_id)
        .auto_increment(&rental::Language::language_id)
        .sql_type(&rental::Language::name, "character(20)")
        .sql_type(&rental::Language::last_update, "timestamp without time zone")
        .default_value(&rental::Language::last_update, driftless::sql("now()"));

/// The film table's spec, common to its versions.
template <typename F>
constexpr auto film_spec(std::uint32_t title_length) {
    return driftless::table<F>("film")
        .primary_key(&F::film_id)
        .auto_increment(&F::film_id)
        .length(&F::title, title_length)
        .foreign_key(&F::language_id, &rental::Language::language_id,
                     {.on_delete = driftless::fk_action::restrict, .on_update = driftless::fk_action::cascade})
        .sql_type(&F::rental_rate, driftless::types::decimal(4, 2))
        .default_value(&F::rental_rate, 4.99)
        .sql_type(&F::rating, "mpaa_rating")
        .default_value(&F::rating, "G")
        .default_value(&F::release_date, driftless::sql("('now'::text)::date"))
        .check("film_rental_rate_check", "rental_rate >= 0")
        .index("idx_title", &F::title);
}
template <> inline constexpr auto driftless::customize::table<rental::Film> = film_spec<rental::Film>(255);
template <>
inline constexpr auto driftless::customize::table<rental::FilmV2> =
    film_spec<rental::FilmV2>(255).index("film_by_length", &rental::FilmV2::length);
template <> inline constexpr auto driftless::customize::table<rental::FilmV2Plain> = film_spec<rental::FilmV2Plain>(255);
template <> inline constexpr auto driftless::customize::table<rental::FilmWideTitle> = film_spec<rental::FilmWideTitle>(500);

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
struct EmployeeV2 {  // adds a nullable column and an index
    std::int64_t id;
    std::int64_t shop_id;
    std::string grade;
    std::int16_t level;
    std::optional<double> salary;
    bool active;
    std::optional<std::chrono::sys_days> hired;
    std::optional<std::string> email;
};
}  // namespace hr

template <>
inline constexpr auto driftless::customize::table<hr::Shop> =
    driftless::table<hr::Shop>("shop")
        .length(&hr::Shop::name, 50)
        .unique(&hr::Shop::name)
        .sql_type(&hr::Shop::opened, "timestamp without time zone")
        .default_value(&hr::Shop::opened, driftless::current_timestamp);
template <typename E>
constexpr auto employee_spec() {
    return driftless::table<E>("employee")
        .foreign_key(&E::shop_id, &hr::Shop::id, {.on_delete = driftless::fk_action::cascade})
        .sql_type(&E::grade, "character(1)")
        .default_value(&E::grade, "C")
        .default_value(&E::level, 1)
        .sql_type(&E::salary, driftless::types::decimal(8, 2))
        .default_value(&E::active, true)
        .check("salary_positive", "salary > 0");
}
template <> inline constexpr auto driftless::customize::table<hr::Employee> = employee_spec<hr::Employee>();
template <>
inline constexpr auto driftless::customize::table<hr::EmployeeV2> =
    employee_spec<hr::EmployeeV2>().length(&hr::EmployeeV2::email, 200).index("employee_by_email", &hr::EmployeeV2::email);

namespace {

using pg_test::one;

const char* const staff_ddl =
    "CREATE TABLE shop (\n"
    "  id bigint PRIMARY KEY,\n"
    "  name varchar(50) NOT NULL UNIQUE,\n"
    "  manager_id bigint,\n"
    "  opened timestamp DEFAULT CURRENT_TIMESTAMP\n"
    ");\n"
    "CREATE TABLE employee (\n"
    "  id bigint PRIMARY KEY,\n"
    "  shop_id bigint NOT NULL REFERENCES shop (id) ON DELETE CASCADE,\n"
    "  grade char(1) NOT NULL DEFAULT 'C',\n"
    "  level smallint NOT NULL DEFAULT 1,\n"
    "  salary numeric(8,2),\n"
    "  active boolean NOT NULL DEFAULT true,\n"
    "  hired date,\n"
    "  CONSTRAINT salary_positive CHECK (salary > 0)\n"
    ");\n"
    "ALTER TABLE shop ADD FOREIGN KEY (manager_id) REFERENCES employee (id);\n"
    "CREATE TABLE events (what text, at timestamp DEFAULT now());\n"
    "CREATE FUNCTION shop_opened() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "INSERT INTO events (what) VALUES ('open ' || NEW.name); RETURN NEW; END $$;\n"
    "CREATE TRIGGER shop_opened AFTER INSERT ON shop FOR EACH ROW EXECUTE FUNCTION shop_opened();\n"
    "CREATE VIEW shop_staff AS SELECT s.name AS shop, e.id AS employee, e.grade FROM shop s JOIN employee e ON e.shop_id = s.id;\n"
    "CREATE VIEW senior_staff AS SELECT shop, count(*) AS n FROM shop_staff WHERE grade = 'A' GROUP BY shop;\n"
    "INSERT INTO shop (id, name, manager_id, opened) VALUES (1, 'north', NULL, '2020-01-02 03:04:05'), (2, 'south', NULL, NULL);\n"
    "INSERT INTO employee VALUES (10, 1, 'A', 3, 5200.50, true, '2019-05-01'), (11, 1, 'B', 2, NULL, false, NULL), "
    "(12, 2, 'A', 1, 3100, true, '2021-11-30');\n"
    "UPDATE shop SET manager_id = 10 WHERE id = 1;";

/// shop and employee (E), with shop's foreign key to employee that closes the cycle (a spec cannot
/// name a model specialised after it).
template <typename E>
driftless::schema staff_schema() {
    driftless::schema s = driftless::to_schema<hr::Shop, E>();
    s.tables[0].foreign_keys.push_back({"shop_manager_id_fkey", {"manager_id"}, "employee", {"id"}});
    return s;
}

std::string staff_values(const driftless::postgresql::connection& db) {
    return one(db, "SELECT string_agg(concat_ws('|', id, name, manager_id, opened), ';' ORDER BY id) FROM shop") + "/" +
           one(db, "SELECT string_agg(concat_ws('|', id, shop_id, grade, level, salary, active, hired), ';' ORDER BY id) FROM employee");
}

const char* const rental_ddl =
    "CREATE TYPE mpaa_rating AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17');\n"
    "CREATE TABLE language (\n"
    "  language_id serial PRIMARY KEY,\n"
    "  name character(20) NOT NULL,\n"
    "  last_update timestamp without time zone DEFAULT now() NOT NULL\n"
    ");\n"
    "CREATE TABLE film (\n"
    "  film_id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"
    "  title character varying(255) NOT NULL,\n"
    "  language_id integer NOT NULL REFERENCES language ON UPDATE CASCADE ON DELETE RESTRICT,\n"
    "  rental_rate numeric(4,2) DEFAULT 4.99 NOT NULL,\n"
    "  rating mpaa_rating DEFAULT 'G'::mpaa_rating,\n"
    "  release_date date DEFAULT ('now'::text)::date,\n"
    "  CHECK (rental_rate >= 0)\n"
    ");\n"
    "CREATE INDEX idx_title ON film USING btree (title);\n"
    "CREATE INDEX film_rating_idx ON film (rating);\n"
    "ALTER TABLE film ADD CONSTRAINT title_not_blank CHECK (title <> '');\n"
    "CREATE VIEW film_list AS SELECT f.film_id, f.title, l.name AS language, f.rating FROM film f "
    "JOIN language l ON l.language_id = f.language_id;\n"
    "CREATE VIEW family_films AS SELECT title, language FROM film_list WHERE rating = 'G';\n"
    "INSERT INTO language (name) VALUES ('English'), ('Italian');\n"
    "INSERT INTO film (title, language_id, rental_rate, rating, release_date) VALUES "
    "('ACADEMY DINOSAUR', 1, 0.99, 'PG', '2006-02-15'), ('ACE GOLDFINGER', 1, 4.99, 'G', '2006-02-15'), "
    "('Zoë 😀', 2, 2.99, 'G', NULL);\n"
    "INSERT INTO film (title, language_id) VALUES ('AFRICAN EGG', 2);";

/// Every value of the rental tables, in one text.
std::string rental_values(const driftless::postgresql::connection& db) {
    return one(db, "SELECT string_agg(concat_ws('|', film_id, title, language_id, rental_rate, rating, release_date), ';' "
                   "ORDER BY film_id) FROM film") +
           "/" + one(db, "SELECT string_agg(concat_ws('|', language_id, name, last_update), ';' ORDER BY language_id) FROM language");
}

}  // namespace

TEST_CASE("postgresql adoption: a rental schema written by hand plans nothing; an evolved model keeps every value and view") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    db.batch(rental_ddl);
    const std::string values = rental_values(db);
    const std::string family = one(db, "SELECT string_agg(title, ',' ORDER BY title) FROM family_films");

    // Nothing to do; the index and check no model names were made by hand: kept, and listed.
    const auto faithful = driftless::plan<rental::Language, rental::Film>(db);
    CHECK(faithful.plan.empty());
    CHECK(faithful.statements.empty());
    CHECK(faithful.plan.kept == std::vector<std::string>{"check (((title)::text <> ''::text)) title_not_blank of table film",
                                                         "index (rating) film_rating_idx of table film"});

    const auto evolved = driftless::migrate<rental::Language, rental::FilmV2>(db, {.description = "length"});
    CHECK(evolved.applied);
    CHECK(driftless::describe(evolved.plan.steps) ==
          "safe add column film.length: (none) -> SMALLINT\n"
          "safe create index film.film_by_length: (none) -> length\n");
    CHECK(rental_values(db) == values);
    CHECK(one(db, "SELECT string_agg(title, ',' ORDER BY title) FROM family_films") == family);
    CHECK(driftless::plan<rental::Language, rental::FilmV2>(db).plan.empty());
    // The index driftless made is its own: a model without it drops it; the hand-made ones stay.
    const auto plain = driftless::migrate<rental::Language, rental::FilmV2Plain>(db);
    CHECK(driftless::describe(plain.plan.steps) == "safe drop index film.film_by_length: length -> (none)\n");
    CHECK(plain.plan.kept.size() == 2);
    CHECK(one(db, "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'film'") ==
          "film_pkey,film_rating_idx,idx_title");
    CHECK_THROWS_AS(db.execute("INSERT INTO film (title, language_id) VALUES ('', 1)"), driftless::error);  // the kept check
    // Rolled back, the index is back, and still driftless's own.
    CHECK(driftless::rollback_table(db, "film") != 0);
    CHECK(driftless::describe(driftless::plan<rental::Language, rental::FilmV2Plain>(db).plan.steps) ==
          "safe drop index film.film_by_length: length -> (none)\n");
    CHECK(driftless::plan<rental::Language, rental::FilmV2>(db).plan.empty());
    // The defaults the catalog spells its own way still work as written.
    db.execute("INSERT INTO film (title, language_id) VALUES ('AIRPORT POLLOCK', 1)");
    CHECK(one(db, "SELECT concat_ws('|', rating, rental_rate, release_date = current_date) FROM film WHERE title = 'AIRPORT POLLOCK'") ==
          "G|4.99|t");

    // Two views read film.title: PostgreSQL cannot change its type under them. Refused before any
    // DDL, naming both, whatever the options.
    CHECK_THROWS_WITH_AS((driftless::migrate<rental::Language, rental::FilmWideTitle>(db, {.allow_data_loss = true})),
                         doctest::Contains("views read it (film_list)"), driftless::error);
    CHECK(one(db, "SELECT character_maximum_length FROM information_schema.columns WHERE table_name = 'film' AND "
                  "column_name = 'title'") == "255");
    CHECK(driftless::migration_status(db).size() == 2);
}

namespace orders {
using micros = std::chrono::local_time<std::chrono::microseconds>;
// Boost.PFR reads no base classes: each version repeats the fields.
#define DRIFTLESS_TEST_ORDER_FIELDS \
    std::int64_t shop_id;           \
    std::int64_t no;                \
    std::string code;               \
    micros placed;                  \
    std::int32_t qty;
struct Order {
    DRIFTLESS_TEST_ORDER_FIELDS
};
struct OrderV2 {  // code wider, collation unsaid; the key under another name
    DRIFTLESS_TEST_ORDER_FIELDS
};
struct OrderPosix {  // code compared under POSIX
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
constexpr auto order_spec(std::uint32_t code_length) {
    return driftless::table<O>("orders")
        .primary_key(&O::shop_id, &O::no)
        .length(&O::code, code_length)
        .default_value(&O::placed, driftless::sql("now()"))
        .sql_type(&O::qty, "posint")
        .default_value(&O::qty, 1)
        .check("code IN ('a', 'b', 'B')")
        .check("qty BETWEEN 1 AND 1000");
}
template <>
inline constexpr auto driftless::customize::table<orders::Order> =
    order_spec<orders::Order>(20).primary_key_name("orders_pk").collation(&orders::Order::code, "C");
template <>
inline constexpr auto driftless::customize::table<orders::OrderV2> = order_spec<orders::OrderV2>(40).primary_key_name("orders_key");
template <>
inline constexpr auto driftless::customize::table<orders::OrderPosix> =
    order_spec<orders::OrderPosix>(20).primary_key_name("orders_pk").collation(&orders::OrderPosix::code, "POSIX");
template <>
inline constexpr auto driftless::customize::table<orders::Line> =
    driftless::table<orders::Line>("line").foreign_key(driftless::members(&orders::Line::shop_id, &orders::Line::order_no),
                                                       driftless::members(&orders::Order::shop_id, &orders::Order::no),
                                                       {.on_delete = driftless::fk_action::cascade});

namespace {
const char* const orders_ddl =
    "CREATE DOMAIN posint AS integer CHECK (VALUE > 0);\n"
    "CREATE TABLE orders (\n  shop_id bigint NOT NULL,\n  no bigint NOT NULL,\n  code varchar(20) COLLATE \"C\" NOT NULL,\n"
    "  placed timestamp NOT NULL DEFAULT now(),\n  qty posint NOT NULL DEFAULT 1,\n"
    "  CONSTRAINT orders_pk PRIMARY KEY (shop_id, no),\n  CHECK (code IN ('a', 'b', 'B')),\n"
    "  CHECK (qty BETWEEN 1 AND 1000)\n);\n"
    "CREATE TABLE line (\n  id bigint PRIMARY KEY,\n  shop_id bigint NOT NULL,\n  order_no bigint NOT NULL,\n"
    "  FOREIGN KEY (shop_id, order_no) REFERENCES orders (shop_id, no) ON DELETE CASCADE\n);\n"
    "INSERT INTO orders VALUES (1, 1, 'b', '2024-03-01 10:00:00.123456', 2), (1, 2, 'B', '2024-03-02 11:00:00', 1), "
    "(2, 1, 'a', '2024-03-03 12:00:00', 5);\n"
    "INSERT INTO line VALUES (10, 1, 1), (11, 1, 2), (12, 2, 1);\n";

std::string orders_values(const driftless::postgresql::connection& db) {
    return one(db, "SELECT string_agg(concat_ws('|', shop_id, no, code, placed, qty), ';' ORDER BY shop_id, no) FROM orders") + "/" +
           one(db, "SELECT string_agg(concat_ws('|', id, shop_id, order_no), ';' ORDER BY id) FROM line");
}
std::string code_facts(const driftless::postgresql::connection& db) {
    return one(db, "SELECT concat_ws(' ', format_type(a.atttypid, a.atttypmod), co.collname) FROM pg_attribute a "
                   "LEFT JOIN pg_collation co ON co.oid = a.attcollation WHERE a.attrelid = 'orders'::regclass AND a.attname = 'code'") +
           " / " + one(db, "SELECT conname FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'p'");
}
}  // namespace

TEST_CASE("postgresql adoption: a composite foreign key, a named primary key, a collation, a domain, a local timestamp, "
          "IN and BETWEEN checks") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    db.batch(orders_ddl);
    const std::string values = orders_values(db);
    const std::string first_code = one(db, "SELECT string_agg(code, '' ORDER BY code) FROM orders");
    CHECK(first_code == "Bab");  // "C" sorts upper case first

    // Said as the catalog has it: nothing to do.
    CHECK(driftless::plan<orders::Order, orders::Line>(db).plan.empty());

    // A wider code keeps its collation (the model does not say one); the key takes its new name.
    const auto v2 = driftless::migrate<orders::OrderV2, orders::Line>(db, {.description = "v2"});
    CHECK(driftless::describe(v2.plan.steps) ==
          "safe change type orders.code: character varying(20) -> VARCHAR(40)\n"
          "rebuild change primary key orders: shop_id, no as orders_pk -> shop_id, no as orders_key\n");
    CHECK(driftless::join_statements(v2.statements).find("ALTER TABLE \"orders\" RENAME CONSTRAINT \"orders_pk\" TO \"orders_key\"") !=
          std::string::npos);
    CHECK(code_facts(db) == "character varying(40) C / orders_key");
    CHECK(orders_values(db) == values);
    CHECK(driftless::plan<orders::OrderV2, orders::Line>(db).plan.empty());
    CHECK(driftless::rollback_table(db, "orders") == 1);  // the version undone
    CHECK(code_facts(db) == "character varying(20) C / orders_pk");
    CHECK(driftless::plan<orders::Order, orders::Line>(db).plan.empty());

    // Another collation: one step; values as they were, compared the new way; rolled back to "C".
    const auto posix = driftless::migrate<orders::OrderPosix, orders::Line>(db, {.description = "posix"});
    CHECK(driftless::describe(posix.plan.steps) == "safe change collation orders.code: C -> POSIX\n");
    CHECK(code_facts(db) == "character varying(20) POSIX / orders_pk");
    CHECK(orders_values(db) == values);
    CHECK(driftless::plan<orders::OrderPosix, orders::Line>(db).plan.empty());
    CHECK(driftless::rollback_table(db, "orders") == 2);
    CHECK(code_facts(db) == "character varying(20) C / orders_pk");

    // The composite key still holds, and cascades.
    CHECK_THROWS_AS(db.execute("INSERT INTO line VALUES (13, 2, 9)"), driftless::error);
    db.execute("DELETE FROM orders WHERE shop_id = 2");
    CHECK(one(db, "SELECT count(*) FROM line") == "2");
    CHECK(driftless::plan<orders::Order, orders::Line>(db).plan.empty());
}

TEST_CASE("postgresql adoption: tables whose foreign keys form a cycle are created, the cycle closed after; rollback drops both") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    const driftless::schema s = cycle::schema();
    const auto planned = driftless::migrate_schema(db, s, {.dry_run = true}, "staff");
    const std::string sql = driftless::join_statements(planned.statements);
    // employee comes first (shop names it), so its key to shop waits for shop.
    CHECK(sql.find("ALTER TABLE \"employee\" ADD CONSTRAINT \"employee_shop_id_fkey\" FOREIGN KEY (\"shop_id\") REFERENCES "
                   "\"shop\" (\"id\")") != std::string::npos);
    CHECK(planned.statements.size() == 3);
    CHECK(driftless::migrate_schema(db, s, {}, "staff").applied);
    CHECK(one(db, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid IN ('shop'::regclass, 'employee'::regclass)") ==
          "2");
    db.execute("INSERT INTO shop (id, name) VALUES (1, 'north')");
    db.execute("INSERT INTO employee (id, shop_id) VALUES (10, 1)");
    db.execute("UPDATE shop SET manager_id = 10");
    CHECK_THROWS_AS(db.execute("UPDATE shop SET manager_id = 99"), driftless::error);
    CHECK(driftless::migrate_schema(db, s, {.dry_run = true}, "staff").plan.empty());
    CHECK(driftless::rollback_table(db, "", {.allow_data_loss = true}) == 1);
    CHECK(one(db, "SELECT count(*) FROM pg_class WHERE relname IN ('shop', 'employee')") == "0");
}

TEST_CASE("postgresql adoption: a staff schema with a foreign-key cycle, a trigger and a view on a view") {
    pg_test::scratch_database scratch;
    auto db = scratch.connect();
    db.batch(staff_ddl);
    const std::string values = staff_values(db);
    const auto faithful = driftless::migrate_schema(db, staff_schema<hr::Employee>(), {.dry_run = true}, "staff");
    CHECK(driftless::describe(faithful.plan) == "note: table events is not in any model; left alone\n");
    CHECK(faithful.statements.empty());

    const auto evolved = driftless::migrate_schema(db, staff_schema<hr::EmployeeV2>(), {.description = "email"}, "staff");
    CHECK(evolved.applied);
    CHECK(driftless::describe(evolved.plan.steps) ==
          "safe add column employee.email: (none) -> VARCHAR(200)\n"
          "safe create index employee.employee_by_email: (none) -> email\n");
    CHECK(staff_values(db) == values);
    CHECK(one(db, "SELECT n FROM senior_staff WHERE shop = 'north'") == "1");  // the view on a view
    db.execute("INSERT INTO shop (id, name) VALUES (3, 'east')");               // the trigger, the default
    CHECK(one(db, "SELECT count(*) FROM events WHERE what = 'open east'") == "1");
    CHECK(one(db, "SELECT opened IS NOT NULL FROM shop WHERE id = 3") == "t");
    CHECK_THROWS_AS(db.execute("INSERT INTO shop (id, name) VALUES (4, 'north')"), driftless::error);  // name's UNIQUE
    CHECK_THROWS_AS(db.execute("UPDATE shop SET manager_id = 99 WHERE id = 1"), driftless::error);   // the cycle's key
    CHECK_THROWS_AS(db.execute("UPDATE employee SET salary = -1 WHERE id = 10"), driftless::error);   // the check
    db.execute("UPDATE shop SET manager_id = NULL WHERE id = 2");
    db.execute("DELETE FROM shop WHERE id = 2");
    CHECK(one(db, "SELECT count(*) FROM employee WHERE shop_id = 2") == "0");  // ON DELETE CASCADE kept
    CHECK(driftless::migrate_schema(db, staff_schema<hr::EmployeeV2>(), {.dry_run = true}, "staff").plan.empty());
    CHECK(one(db, "SELECT count(*) FROM pg_trigger WHERE tgname = 'shop_opened'") == "1");
}
