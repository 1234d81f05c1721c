// Adopting MySQL / MariaDB databases driftless did not create. Two schemas written by hand: a
// latin1 table with utf8mb4 columns of their own collation, YEAR, BOOLEAN, a TIMESTAMP with ON
// UPDATE and an index no model names; and a staff schema with a foreign-key cycle, a column UNIQUE,
// CHAR(1), DECIMAL, a trigger and a view on a view. A faithful model plans nothing; MODIFY COLUMN
// keeps what the model does not say (charset, collation, ON UPDATE), so widening a column never
// narrows its characters or changes how it compares; an evolved model keeps every value; tables
// whose foreign keys form a cycle are created, the cycle closed after, and rolled back cleanly.
// Models that state charset, collation and ON UPDATE are compared on them: a change is planned,
// a narrower charset refused when values would not survive it, and rollback restores each.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <driftless/mysql.hpp>

#include "../models/cycle_models.hpp"
#include "my_support.hpp"

namespace shop {
struct Customer {
    std::int32_t customer_id;
    std::string email;
    std::string first_name;
    bool active;
    std::optional<std::int16_t> since;
    std::chrono::sys_seconds last_update;
};
struct CustomerV2 {  // email and first_name wider, last_update nullable
    std::int32_t customer_id;
    std::string email;
    std::string first_name;
    bool active;
    std::optional<std::int16_t> since;
    std::optional<std::chrono::sys_seconds> last_update;
};
}  // namespace shop

template <typename C>
constexpr auto customer_spec(std::uint32_t email_length, std::uint32_t name_length) {
    return driftless::table<C>("customer")
        .primary_key(&C::customer_id)
        .auto_increment(&C::customer_id)
        .length(&C::email, email_length)
        .length(&C::first_name, name_length)
        .default_value(&C::active, true)
        .sql_type(&C::since, "YEAR")
        .sql_type(&C::last_update, "TIMESTAMP")
        .default_value(&C::last_update, driftless::current_timestamp)
        .index("idx_first_name", &C::first_name);
}
template <> inline constexpr auto driftless::customize::table<shop::Customer> = customer_spec<shop::Customer>(50, 45);
namespace shop {
// Customer's fields again (Boost.PFR reads no base classes), for models that say more of it.
#define DRIFTLESS_TEST_CUSTOMER_FIELDS \
    std::int32_t customer_id;          \
    std::string email;                 \
    std::string first_name;            \
    bool active;                       \
    std::optional<std::int16_t> since; \
    std::chrono::sys_seconds last_update;
struct CustomerStated {  // the hand-written table, charset, collations and ON UPDATE stated
    DRIFTLESS_TEST_CUSTOMER_FIELDS
};
struct CustomerCi {  // email compared case-insensitively
    DRIFTLESS_TEST_CUSTOMER_FIELDS
};
struct CustomerLatin1 {  // first_name narrowed to latin1
    DRIFTLESS_TEST_CUSTOMER_FIELDS
};
struct CustomerNoStamp {  // last_update's ON UPDATE unsaid
    DRIFTLESS_TEST_CUSTOMER_FIELDS
};
#undef DRIFTLESS_TEST_CUSTOMER_FIELDS
}  // namespace shop
/// customer as the hand-written DDL declares it, down to what a model need not say.
template <typename C>
constexpr auto stated_spec(std::string_view email_collation) {
    return customer_spec<C>(50, 45)
        .collation("latin1_swedish_ci")
        .collation(&C::email, email_collation)
        .charset(&C::first_name, "utf8mb4");
}
template <>
inline constexpr auto driftless::customize::table<shop::CustomerStated> =
    stated_spec<shop::CustomerStated>("utf8mb4_bin").on_update_current_timestamp(&shop::CustomerStated::last_update);
template <>
inline constexpr auto driftless::customize::table<shop::CustomerCi> =
    stated_spec<shop::CustomerCi>("utf8mb4_general_ci").on_update_current_timestamp(&shop::CustomerCi::last_update);
template <>
inline constexpr auto driftless::customize::table<shop::CustomerLatin1> =
    customer_spec<shop::CustomerLatin1>(50, 45).charset(&shop::CustomerLatin1::first_name, "latin1");
// Everything stated but ON UPDATE: what a model does not say, the column keeps.
template <>
inline constexpr auto driftless::customize::table<shop::CustomerNoStamp> = stated_spec<shop::CustomerNoStamp>("utf8mb4_bin");
template <> inline constexpr auto driftless::customize::table<shop::CustomerV2> = customer_spec<shop::CustomerV2>(100, 100);

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
struct EmployeeV2 {  // adds a nullable column and an index; salary wider
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
        .sql_type(&hr::Shop::opened, "DATETIME")
        .default_value(&hr::Shop::opened, driftless::current_timestamp);
template <typename E>
constexpr auto employee_spec(std::uint8_t salary_digits) {
    return driftless::table<E>("employee")
        .foreign_key(&E::shop_id, &hr::Shop::id, {.on_delete = driftless::fk_action::cascade})
        .sql_type(&E::grade, "CHAR(1)")
        .default_value(&E::grade, "C")
        .default_value(&E::level, 1)
        .sql_type(&E::salary, driftless::types::decimal(salary_digits, 2))
        .default_value(&E::active, true)
        .check("salary_positive", "salary > 0");
}
template <> inline constexpr auto driftless::customize::table<hr::Employee> = employee_spec<hr::Employee>(8);
template <>
inline constexpr auto driftless::customize::table<hr::EmployeeV2> =
    employee_spec<hr::EmployeeV2>(10).length(&hr::EmployeeV2::email, 200).index("employee_by_email", &hr::EmployeeV2::email);

namespace {

using my_test::one;

const char* const staff_ddl[] = {
    "CREATE TABLE shop (\n  id BIGINT NOT NULL PRIMARY KEY,\n  name VARCHAR(50) NOT NULL UNIQUE,\n  manager_id BIGINT,\n"
    "  opened DATETIME DEFAULT CURRENT_TIMESTAMP\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    "CREATE TABLE employee (\n  id BIGINT NOT NULL PRIMARY KEY,\n  shop_id BIGINT NOT NULL,\n"
    "  grade CHAR(1) NOT NULL DEFAULT 'C',\n  level SMALLINT NOT NULL DEFAULT 1,\n  salary DECIMAL(8,2),\n"
    "  active BOOLEAN NOT NULL DEFAULT TRUE,\n  hired DATE,\n  CONSTRAINT salary_positive CHECK (salary > 0),\n"
    "  FOREIGN KEY (shop_id) REFERENCES shop (id) ON DELETE CASCADE\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    "ALTER TABLE shop ADD FOREIGN KEY (manager_id) REFERENCES employee (id)",
    "CREATE TABLE events (what VARCHAR(100))",
    "CREATE TRIGGER shop_opened AFTER INSERT ON shop FOR EACH ROW INSERT INTO events VALUES (CONCAT('open ', NEW.name))",
    "CREATE VIEW shop_staff AS SELECT s.name AS shop, e.id AS employee, e.grade FROM shop s JOIN employee e ON e.shop_id = s.id",
    "CREATE VIEW senior_staff AS SELECT shop, count(*) AS n FROM shop_staff WHERE grade = 'A' GROUP BY shop",
    "INSERT INTO shop (id, name, manager_id, opened) VALUES (1, 'north', NULL, '2020-01-02 03:04:05'), (2, 'south', NULL, NULL)",
    "INSERT INTO employee VALUES (10, 1, 'A', 3, 5200.50, TRUE, '2019-05-01'), (11, 1, 'B', 2, NULL, FALSE, NULL), "
    "(12, 2, 'A', 1, 3100, TRUE, '2021-11-30')",
    "UPDATE shop SET manager_id = 10 WHERE id = 1",
};

/// shop and employee (E), with shop's foreign key to employee that closes the cycle (a spec cannot
/// name a model specialised after it).
template <typename E>
driftless::schema staff_schema() {
    driftless::schema s = driftless::to_schema<hr::Shop, E>();
    s.tables[0].foreign_keys.push_back({"shop_manager_id_fkey", {"manager_id"}, "employee", {"id"}});
    return s;
}

std::string staff_values(const driftless::mysql::connection& db) {
    return one(db, "SELECT group_concat(concat_ws('|', id, name, manager_id, opened) ORDER BY id SEPARATOR ';') FROM shop") + "/" +
           one(db, "SELECT group_concat(concat_ws('|', id, shop_id, grade, level, salary + 0, active, hired) ORDER BY id "
                   "SEPARATOR ';') FROM employee");
}

const char* const customer_ddl[] = {
    "CREATE TABLE customer (\n"
    "  customer_id INT NOT NULL AUTO_INCREMENT,\n"
    "  email VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,\n"
    "  first_name VARCHAR(45) CHARACTER SET utf8mb4 NOT NULL COMMENT 'given name, as written',\n"
    "  active BOOLEAN NOT NULL DEFAULT TRUE,\n"
    "  since YEAR,\n"
    "  last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n"
    "  PRIMARY KEY (customer_id),\n"
    "  KEY idx_first_name (first_name),\n"
    "  KEY idx_since (since)\n"
    ") ENGINE=InnoDB DEFAULT CHARSET=latin1",
    "INSERT INTO customer (email, first_name, active, since, last_update) VALUES "
    "('Mary@x', 'Mary', 1, 2006, '2006-02-15 04:57:20'), ('mary@x', 'Zoë 😀', 0, NULL, '2006-02-15 04:57:20'), "
    "('a@x', 'Ünal', 1, 1999, '2010-01-01 00:00:00')",
};

/// Every value of customer, as bytes.
std::string customer_values(const driftless::mysql::connection& db) {
    return one(db, "SELECT group_concat(concat_ws('|', customer_id, hex(email), hex(first_name), active, since, last_update) "
                   "ORDER BY customer_id SEPARATOR ';') FROM customer");
}

std::string column_fact(const driftless::mysql::connection& db, const std::string& column, const std::string& what) {
    return one(db, "SELECT " + what + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = "
                   "'customer' AND COLUMN_NAME = '" + column + "'");
}

}  // namespace

TEST_CASE("mysql adoption: a faithful model plans nothing; MODIFY keeps charset, collation and ON UPDATE") {
    my_test::scratch_database scratch;
    auto db = scratch.connect();
    for (const char* sql : customer_ddl) db.execute(sql);
    const std::string values = customer_values(db);

    // YEAR reads back as year(4), BOOLEAN as tinyint(1), TRUE as 1: all the model's own spelling.
    // idx_since is in no model and driftless did not make it: kept, and listed.
    const auto faithful = driftless::plan<shop::Customer>(db);
    CHECK(faithful.plan.empty());
    CHECK(faithful.plan.kept == std::vector<std::string>{"index (since) idx_since of table customer"});
    CHECK(driftless::migrate<shop::Customer>(db).plan.empty());

    const auto planned = driftless::plan<shop::CustomerV2>(db);
    CHECK(driftless::join_statements(planned.statements) ==
          "ALTER TABLE `customer` MODIFY COLUMN `email` VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;\n"
          "ALTER TABLE `customer` MODIFY COLUMN `first_name` VARCHAR(100) CHARACTER SET utf8mb4 COLLATE "
          "utf8mb4_general_ci NOT NULL COMMENT 'given name, as written';\n"
          "ALTER TABLE `customer` MODIFY COLUMN `last_update` TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE "
          "CURRENT_TIMESTAMP;\n");
    CHECK(driftless::migrate<shop::CustomerV2>(db, {.description = "wider"}).applied);
    CHECK(customer_values(db) == values);  // 'Zoë 😀' kept: the column stayed utf8mb4 in a latin1 table
    CHECK(column_fact(db, "email", "COLLATION_NAME") == "utf8mb4_bin");
    CHECK(column_fact(db, "first_name", "CHARACTER_SET_NAME") == "utf8mb4");
    CHECK(column_fact(db, "first_name", "COLUMN_COMMENT") == "given name, as written");
    CHECK(column_fact(db, "last_update", "lower(EXTRA)").find("on update current_timestamp") != std::string::npos);
    CHECK(one(db, "SELECT count(*) FROM customer WHERE email = 'mary@x'") == "1");  // still case-sensitive
    CHECK(driftless::plan<shop::CustomerV2>(db).plan.empty());
    CHECK(one(db, "SELECT count(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME = "
                  "'idx_since'") == "1");

    // Rolled back: the columns as they were, charset, collation and ON UPDATE included.
    CHECK(driftless::rollback<shop::CustomerV2>(db) != 0);
    CHECK(customer_values(db) == values);
    CHECK(column_fact(db, "email", "concat(CHARACTER_MAXIMUM_LENGTH, ' ', COLLATION_NAME)") == "50 utf8mb4_bin");
    CHECK(column_fact(db, "first_name", "concat(CHARACTER_MAXIMUM_LENGTH, ' ', CHARACTER_SET_NAME)") == "45 utf8mb4");
    CHECK(column_fact(db, "last_update", "concat(IS_NULLABLE, ' ', lower(EXTRA))").find("NO on update current_timestamp") == 0);
    CHECK(driftless::plan<shop::Customer>(db).plan.empty());
}

TEST_CASE("mysql adoption: charset, collation and ON UPDATE stated in the model are compared, changed and rolled back") {
    my_test::scratch_database scratch;
    auto db = scratch.connect();
    for (const char* sql : customer_ddl) db.execute(sql);
    const std::string values = customer_values(db);

    // The table as written, said in full: nothing to do. Leaving ON UPDATE out keeps it.
    CHECK(driftless::plan<shop::CustomerStated>(db).plan.empty());
    CHECK(driftless::plan<shop::CustomerNoStamp>(db).plan.empty());

    // Another collation: one step, safe, and MODIFY names it; email compares case-insensitively.
    const auto ci = driftless::plan<shop::CustomerCi>(db);
    REQUIRE(ci.plan.steps.size() == 1);
    CHECK(ci.plan.steps[0].kind == driftless::step_kind::change_collation);
    CHECK(ci.plan.steps[0].level == driftless::safety::safe);
    CHECK(ci.plan.steps[0].from == "utf8mb4 utf8mb4_bin");
    CHECK(ci.plan.steps[0].to == "utf8mb4 utf8mb4_general_ci");
    CHECK(driftless::join_statements(ci.statements) ==
          "ALTER TABLE `customer` MODIFY COLUMN `email` VARCHAR(50) COLLATE utf8mb4_general_ci NOT NULL;\n");
    CHECK(driftless::migrate<shop::CustomerCi>(db, {.description = "ci"}).applied);
    CHECK(column_fact(db, "email", "COLLATION_NAME") == "utf8mb4_general_ci");
    CHECK(one(db, "SELECT count(*) FROM customer WHERE email = 'mary@x'") == "2");
    CHECK(customer_values(db) == values);
    CHECK(driftless::plan<shop::CustomerCi>(db).plan.empty());
    CHECK(driftless::rollback<shop::CustomerCi>(db) != 0);
    CHECK(column_fact(db, "email", "COLLATION_NAME") == "utf8mb4_bin");
    CHECK(driftless::plan<shop::CustomerStated>(db).plan.empty());

    // utf8mb4 -> latin1 loses what latin1 cannot hold: lossy, and refused naming the value.
    const auto narrow = driftless::plan<shop::CustomerLatin1>(db);
    REQUIRE(narrow.plan.steps.size() == 1);
    CHECK(narrow.plan.steps[0].kind == driftless::step_kind::change_collation);
    CHECK(narrow.plan.steps[0].level == driftless::safety::lossy);
    try {
        driftless::migrate<shop::CustomerLatin1>(db);
        FAIL("narrowing utf8mb4 to latin1 was not refused");
    } catch (const driftless::error& e) {
        CHECK(e.code() == driftless::errc::lossy_step);
        CHECK(std::string(e.what()).find("first_name") != std::string::npos);
    }
    CHECK(customer_values(db) == values);
    CHECK(column_fact(db, "first_name", "CHARACTER_SET_NAME") == "utf8mb4");
}

TEST_CASE("mysql adoption: ON UPDATE CURRENT_TIMESTAMP added by a model, kept when unsaid, removed by rollback") {
    my_test::scratch_database scratch;
    auto db = scratch.connect();
    for (const char* sql : staff_ddl) db.execute(sql);
    // shop.opened has no ON UPDATE; the stated model adds it.
    driftless::schema s = staff_schema<hr::Employee>();
    CHECK(driftless::migrate_schema(db, s, {.dry_run = true}, "staff").plan.empty());
    for (auto& c : s.tables[0].columns) {
        if (c.name == "opened") c.on_update = "CURRENT_TIMESTAMP";
    }
    const auto planned = driftless::migrate_schema(db, s, {.dry_run = true}, "staff");
    REQUIRE(planned.plan.steps.size() == 1);
    CHECK(planned.plan.steps[0].kind == driftless::step_kind::change_on_update);
    CHECK(driftless::join_statements(planned.statements) ==
          "ALTER TABLE `shop` MODIFY COLUMN `opened` DATETIME NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP;\n");
    CHECK(driftless::migrate_schema(db, s, {}, "staff").applied);
    db.execute("UPDATE shop SET name = 'north2' WHERE id = 1");
    CHECK(one(db, "SELECT opened > '2020-01-02 03:04:05' FROM shop WHERE id = 1") == "1");  // stamped
    CHECK(driftless::migrate_schema(db, s, {.dry_run = true}, "staff").plan.empty());
    // A model that does not say ON UPDATE keeps it.
    CHECK(driftless::migrate_schema(db, staff_schema<hr::Employee>(), {.dry_run = true}, "staff").plan.empty());
    CHECK(driftless::rollback_table(db, "") == 1);  // the latest migration
    CHECK(one(db, "SELECT lower(EXTRA) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = "
                  "'shop' AND COLUMN_NAME = 'opened'").find("on update") == std::string::npos);
}

TEST_CASE("mysql adoption: tables whose foreign keys form a cycle are created, the cycle closed after; rollback drops both") {
    my_test::scratch_database scratch;
    auto db = scratch.connect();
    const driftless::schema s = cycle::schema();
    const auto planned = driftless::migrate_schema(db, s, {.dry_run = true}, "staff");
    // employee comes first (shop names it), so its key to shop waits for shop.
    CHECK(driftless::join_statements(planned.statements).find("ALTER TABLE `employee` ADD CONSTRAINT `employee_shop_id_fkey` FOREIGN KEY "
                                                             "(`shop_id`) REFERENCES `shop` (`id`)") != std::string::npos);
    CHECK(planned.statements.size() == 3);
    CHECK(driftless::migrate_schema(db, s, {}, "staff").applied);
    CHECK(driftless::migration_status(db).at(0).state == "applied");
    CHECK(one(db, "SELECT count(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()") == "2");
    db.execute("INSERT INTO shop (id, name) VALUES (1, 'north')");
    db.execute("INSERT INTO employee (id, shop_id) VALUES (10, 1)");
    db.execute("UPDATE shop SET manager_id = 10");
    CHECK_THROWS_AS(db.execute("UPDATE shop SET manager_id = 99"), driftless::error);
    CHECK(driftless::migrate_schema(db, s, {.dry_run = true}, "staff").plan.empty());
    CHECK(driftless::rollback_table(db, "", {.allow_data_loss = true}) == 1);
    CHECK(one(db, "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN "
                  "('shop', 'employee')") == "0");
}

TEST_CASE("mysql adoption: a staff schema with a foreign-key cycle, a trigger and a view on a view") {
    my_test::scratch_database scratch;
    auto db = scratch.connect();
    for (const char* sql : staff_ddl) db.execute(sql);
    const std::string values = staff_values(db);
    const auto faithful = driftless::migrate_schema(db, staff_schema<hr::Employee>(), {.dry_run = true}, "staff");
    CHECK(faithful.plan.empty());
    CHECK(faithful.statements.empty());
    CHECK(faithful.plan.unmanaged_tables == std::vector<std::string>{"events"});
    CHECK(faithful.plan.kept.empty());  // the indexes InnoDB made for the unnamed foreign keys are theirs

    const auto evolved = driftless::migrate_schema(db, staff_schema<hr::EmployeeV2>(), {.description = "email"}, "staff");
    CHECK(evolved.applied);
    CHECK(driftless::describe(evolved.plan.steps) ==
          "safe change type employee.salary: decimal(8,2) -> DECIMAL(10,2)\n"
          "safe add column employee.email: (none) -> VARCHAR(200)\n"
          "safe create index employee.employee_by_email: (none) -> email\n");
    CHECK(staff_values(db) == values);
    CHECK(one(db, "SELECT n FROM senior_staff WHERE shop = 'north'") == "1");  // the view on a view
    db.execute("INSERT INTO shop (id, name) VALUES (3, 'east')");               // the trigger, the default
    CHECK(one(db, "SELECT count(*) FROM events WHERE what = 'open east'") == "1");
    CHECK(one(db, "SELECT opened IS NOT NULL FROM shop WHERE id = 3") == "1");
    CHECK_THROWS_AS(db.execute("INSERT INTO shop (id, name) VALUES (4, 'north')"), driftless::error);  // name's UNIQUE
    CHECK_THROWS_AS(db.execute("UPDATE shop SET manager_id = 99 WHERE id = 1"), driftless::error);   // the cycle's key
    CHECK_THROWS_AS(db.execute("UPDATE employee SET salary = -1 WHERE id = 10"), driftless::error);   // the check
    db.execute("DELETE FROM shop WHERE id = 2");
    CHECK(one(db, "SELECT count(*) FROM employee WHERE shop_id = 2") == "0");  // ON DELETE CASCADE kept
    CHECK(driftless::migrate_schema(db, staff_schema<hr::EmployeeV2>(), {.dry_run = true}, "staff").plan.empty());
    CHECK(one(db, "SELECT count(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()") == "1");
}
