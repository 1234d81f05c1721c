// What a model can say beyond columns and keys: composite foreign keys, a primary key's name,
// collations and charsets, MySQL's ON UPDATE CURRENT_TIMESTAMP, timestamps without a time zone;
// how each renders per dialect, and how diff() compares, keeps and reverses them.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <driftless/diff.hpp>
#include <driftless/render.hpp>
#include <driftless/schema.hpp>
#include <driftless/table.hpp>

using driftless::dialect;
using driftless::spec_errc;
using driftless::table_v;
using driftless::validation_v;

namespace spec_add {
struct Order {
    std::int64_t shop_id;
    std::int64_t no;
    std::string code;
    std::chrono::local_time<std::chrono::milliseconds> placed;
    std::chrono::sys_seconds changed;
};
struct Line {
    std::int64_t id;
    std::int64_t shop_id;
    std::int64_t order_no;
    std::optional<std::int64_t> alt_shop;
    std::optional<std::int64_t> alt_no;
};
struct WrongTypes {
    std::int64_t id;
    std::int64_t shop_id;
    std::int32_t order_no;
};
struct SetNullPartly {
    std::int64_t id;
    std::optional<std::int64_t> shop_id;
    std::int64_t order_no;
};
struct NotAKey {
    std::int64_t id;
    std::int64_t shop_id;
    std::string code;
};
struct BadCollation {
    std::int64_t id;
    std::string code;
};
struct StampOnText {
    std::int64_t id;
    std::string code;
};
struct NamedNothing {
    int x;
};
struct CollatedNumber {
    std::int64_t id;
    std::int32_t n;
};
}  // namespace spec_add

namespace sa = spec_add;

template <>
inline constexpr auto driftless::customize::table<sa::Order> =
    driftless::table<sa::Order>("orders")
        .primary_key(&sa::Order::shop_id, &sa::Order::no)
        .primary_key_name("orders_pk")
        .charset("utf8mb4")
        .collation("utf8mb4_unicode_ci")
        .length(&sa::Order::code, 20)
        .collation(&sa::Order::code, "utf8mb4_bin")
        .charset(&sa::Order::code, "utf8mb4")
        .on_update_current_timestamp(&sa::Order::changed)
        .default_value(&sa::Order::changed, driftless::current_timestamp);
template <>
inline constexpr auto driftless::customize::table<sa::Line> =
    driftless::table<sa::Line>("line")
        .foreign_key(driftless::members(&sa::Line::shop_id, &sa::Line::order_no),
                     driftless::members(&sa::Order::shop_id, &sa::Order::no), {.on_delete = driftless::fk_action::cascade})
        .foreign_key(driftless::members(&sa::Line::alt_shop, &sa::Line::alt_no),
                     driftless::members(&sa::Order::shop_id, &sa::Order::no), {.on_delete = driftless::fk_action::set_null});
template <>
inline constexpr auto driftless::customize::table<sa::WrongTypes> = driftless::table<sa::WrongTypes>("wrong_types").foreign_key(
    driftless::members(&sa::WrongTypes::shop_id, &sa::WrongTypes::order_no), driftless::members(&sa::Order::shop_id, &sa::Order::no));
template <>
inline constexpr auto driftless::customize::table<sa::SetNullPartly> = driftless::table<sa::SetNullPartly>("set_null_partly")
    .foreign_key(driftless::members(&sa::SetNullPartly::shop_id, &sa::SetNullPartly::order_no),
                 driftless::members(&sa::Order::shop_id, &sa::Order::no), {.on_delete = driftless::fk_action::set_null});
template <>
inline constexpr auto driftless::customize::table<sa::NotAKey> = driftless::table<sa::NotAKey>("not_a_key").foreign_key(
    driftless::members(&sa::NotAKey::shop_id, &sa::NotAKey::code), driftless::members(&sa::Order::shop_id, &sa::Order::code));
template <>
inline constexpr auto driftless::customize::table<sa::BadCollation> =
    driftless::table<sa::BadCollation>("bad_collation").collation(&sa::BadCollation::code, "x; DROP TABLE t");
template <>
inline constexpr auto driftless::customize::table<sa::StampOnText> =
    driftless::table<sa::StampOnText>("stamp_on_text").on_update_current_timestamp(&sa::StampOnText::code);
template <>
inline constexpr auto driftless::customize::table<sa::CollatedNumber> =
    driftless::table<sa::CollatedNumber>("collated_number").collation(&sa::CollatedNumber::n, "C");
template <>
inline constexpr auto driftless::customize::table<sa::NamedNothing> =
    driftless::table<sa::NamedNothing>("named_nothing").primary_key_name("nothing_pk");

TEST_CASE("spec: a composite foreign key, its columns and the key it references, in order") {
    constexpr auto& l = table_v<sa::Line>;
    static_assert(validation_v<sa::Line>.ok());
    static_assert(l.foreign_keys.size() == 2);
    static_assert(l.foreign_keys[0].columns.size() == 2 && l.foreign_keys[0].columns[0] == 1 && l.foreign_keys[0].columns[1] == 2);
    static_assert(l.foreign_keys[0].target_columns.size() == 2 && l.foreign_keys[0].target_columns[0] == 0 &&
                  l.foreign_keys[0].target_columns[1] == 1);
    const driftless::table_info t = driftless::to_table_info<sa::Line>();
    CHECK(t.foreign_keys[0].name == "line_shop_id_order_no_fkey");
    CHECK(t.foreign_keys[0].ref_columns == std::vector<std::string>{"shop_id", "no"});
    CHECK(driftless::render_create_table(t, dialect::postgresql).find(
              "CONSTRAINT \"line_shop_id_order_no_fkey\" FOREIGN KEY (\"shop_id\", \"order_no\") REFERENCES \"orders\" "
              "(\"shop_id\", \"no\") ON DELETE CASCADE") != std::string::npos);
}

TEST_CASE("spec: a composite foreign key is checked pair by pair") {
    static_assert(validation_v<sa::WrongTypes>.code == spec_errc::fk_type_mismatch);
    CHECK(validation_v<sa::WrongTypes>.text().find("'order_no' must have the same type as 'orders'.no") != std::string_view::npos);
    static_assert(validation_v<sa::SetNullPartly>.code == spec_errc::set_null_not_optional);
    CHECK(validation_v<sa::SetNullPartly>.text().find("'order_no' is not optional") != std::string_view::npos);
    static_assert(validation_v<sa::NotAKey>.code == spec_errc::fk_target_not_unique);
    static_assert(validation_v<sa::BadCollation>.code == spec_errc::invalid_name);
    CHECK(validation_v<sa::BadCollation>.text().find("collation of 'code' is 'x; DROP TABLE t'") != std::string_view::npos);
    static_assert(validation_v<sa::StampOnText>.code == spec_errc::bad_default);
    static_assert(validation_v<sa::NamedNothing>.code == spec_errc::invalid_name);
    static_assert(validation_v<sa::CollatedNumber>.code == spec_errc::invalid_name);
    CHECK(validation_v<sa::CollatedNumber>.text().find("needs a string column") != std::string_view::npos);
}

TEST_CASE("spec: a local time is a timestamp without a time zone") {
    constexpr auto& o = table_v<sa::Order>;
    static_assert(o.columns[3].type == driftless::types::local_timestamp(3));
    static_assert(!(o.columns[4].type == driftless::types::local_timestamp(0)));
    static_assert(o.columns[4].type == driftless::types::timestamp(0));
    const driftless::column_type local = driftless::to_column_type(driftless::types::local_timestamp(3));
    CHECK(driftless::render_type(local, dialect::postgresql) == "TIMESTAMP(3) WITHOUT TIME ZONE");
    CHECK(driftless::render_type(local, dialect::mysql) == "DATETIME(3)");
    CHECK(driftless::render_type(local, dialect::sqlite) == "TIMESTAMP");
    // The catalog's spellings are the same type.
    CHECK(driftless::detail::same_type("timestamp(3) without time zone", "TIMESTAMP(3) WITHOUT TIME ZONE", dialect::postgresql));
    CHECK(!driftless::detail::same_type("timestamp(3) with time zone", "TIMESTAMP(3) WITHOUT TIME ZONE", dialect::postgresql));
}

TEST_CASE("spec: collation, charset, ON UPDATE and the primary key's name, per dialect") {
    const driftless::table_info t = driftless::to_table_info<sa::Order>();
    CHECK(t.primary_key_name == "orders_pk");
    CHECK(t.columns[4].on_update == "CURRENT_TIMESTAMP");
    CHECK(driftless::render_create_table(t, dialect::mysql) ==
          "CREATE TABLE `orders` (\n"
          "  `shop_id` BIGINT NOT NULL,\n"
          "  `no` BIGINT NOT NULL,\n"
          "  `code` VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,\n"
          "  `placed` DATETIME(3) NOT NULL,\n"
          "  `changed` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n"
          "  PRIMARY KEY (`shop_id`, `no`)\n"
          ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
    const std::string pg = driftless::render_create_table(t, dialect::postgresql);
    CHECK(pg.find("\"code\" VARCHAR(20) COLLATE \"utf8mb4_bin\" NOT NULL") != std::string::npos);
    CHECK(pg.find("CONSTRAINT \"orders_pk\" PRIMARY KEY (\"shop_id\", \"no\")") != std::string::npos);
    CHECK(pg.find("ON UPDATE") == std::string::npos);
    const std::string lite = driftless::render_create_table(t, dialect::sqlite);
    CHECK(lite.find("CONSTRAINT \"orders_pk\" PRIMARY KEY") != std::string::npos);
    // One named single-column key stays on its column.
    driftless::table_info one = t;
    one.primary_key = {"shop_id"};
    CHECK(driftless::render_create_table(one, dialect::sqlite).find("\"shop_id\" INTEGER NOT NULL CONSTRAINT \"orders_pk\" PRIMARY KEY") !=
          std::string::npos);
    // A name a catalog could not have is refused, not written into SQL (MySQL takes them unquoted:
    // "--" would start a comment there).
    driftless::table_info hostile = t;
    hostile.columns[2].collation = "bin; DROP TABLE x";
    CHECK_THROWS_AS(driftless::render_create_table(hostile, dialect::mysql), driftless::error);
    hostile.columns[2].collation = "utf8mb4_bin--";
    CHECK_THROWS_AS(driftless::render_create_table(hostile, dialect::mysql), driftless::error);
    CHECK(driftless::render_create_table(hostile, dialect::postgresql).find("COLLATE \"utf8mb4_bin--\"") != std::string::npos);
}

namespace {
driftless::table_info live_orders(dialect d) {
    driftless::table_info t = driftless::to_table_info<sa::Order>();
    t.primary_key_name = d == dialect::mysql ? "" : "orders_pk";
    t.columns[4].on_update = d == dialect::mysql ? "current_timestamp()" : "";
    return t;
}
}  // namespace

TEST_CASE("diff: collation and ON UPDATE are compared where the model says them, kept where it does not") {
    driftless::schema live{{live_orders(dialect::mysql)}};
    driftless::table_info model = driftless::to_table_info<sa::Order>();
    CHECK(driftless::diff({{model}}, live, dialect::mysql).empty());  // current_timestamp() = CURRENT_TIMESTAMP

    // Unsaid: nothing planned, and the plan's table keeps them.
    driftless::table_info silent = model;
    silent.columns[2].collation.clear();
    silent.columns[2].charset.clear();
    silent.columns[4].on_update.clear();
    silent.columns[2].type.length = 40;
    const auto widened = driftless::diff({{silent}}, live, dialect::mysql);
    REQUIRE(widened.steps.size() == 1);
    CHECK(widened.steps[0].kind == driftless::step_kind::change_type);
    CHECK(widened.tables.at(0).after.columns[2].collation == "utf8mb4_bin");
    CHECK(widened.tables.at(0).after.columns[4].on_update == "current_timestamp()");

    // Said otherwise: a step each; a charset change may lose characters.
    driftless::table_info other = model;
    other.columns[2].charset = "latin1";
    other.columns[2].collation = "latin1_bin";
    other.columns[4].on_update.clear();
    const auto changed = driftless::diff({{other}}, live, dialect::mysql, {.desired_from_catalog = true});
    CHECK(driftless::describe(changed.steps) ==
          "lossy change collation orders.code: utf8mb4 utf8mb4_bin -> latin1 latin1_bin\n"
          "safe change on update orders.changed: current_timestamp() -> (none)\n");
    // Reversed, the same steps the other way.
    const auto back = driftless::reverse_steps(changed, dialect::mysql);
    CHECK(back.size() == 2);

    // A collation of another charset is a charset change: lossy, its values converted first.
    driftless::table_info latin = model;
    latin.columns[2].charset.clear();
    latin.columns[2].collation = "latin1_swedish_ci";
    const auto via_collation = driftless::diff({{latin}}, live, dialect::mysql);
    REQUIRE(via_collation.steps.size() == 1);
    CHECK(via_collation.steps[0].level == driftless::safety::lossy);

    // The charset said, the collation not: the column's collation of that charset stays.
    driftless::table_info charset_only = silent;
    charset_only.columns[2].charset = "utf8mb4";
    const auto kept = driftless::diff({{charset_only}}, live, dialect::mysql);
    REQUIRE(kept.steps.size() == 1);  // the type change only
    CHECK(kept.tables.at(0).after.columns[2].collation == "utf8mb4_bin");

    // A table default the model says otherwise is a note, and the plan's table keeps the catalog's:
    // the down plan then finds no collation to change.
    driftless::schema latin1_table{{live_orders(dialect::mysql)}};
    latin1_table.tables[0].charset.clear();
    latin1_table.tables[0].collation = "latin1_swedish_ci";
    driftless::table_info said = silent;
    said.charset = "latin1";
    said.collation.clear();
    const auto noted = driftless::diff({{said}}, latin1_table, dialect::mysql);
    CHECK(noted.notes.empty());  // latin1 is latin1_swedish_ci's charset
    CHECK(noted.tables.at(0).after.collation == "latin1_swedish_ci");
    const auto down = driftless::diff(driftless::detail::reverse_target(noted), driftless::detail::planned_after(noted, {{said}}),
                                      dialect::mysql, {.desired_from_catalog = true});
    REQUIRE(down.steps.size() == 1);
    CHECK(down.steps[0].kind == driftless::step_kind::change_type);
    said.collation = "utf8mb4_general_ci";
    CHECK(driftless::diff({{said}}, latin1_table, dialect::mysql).notes.size() == 1);

    // A collation the engine reports in another case is the same one.
    driftless::schema upper{{live_orders(dialect::mysql)}};
    upper.tables[0].columns[2].collation = "UTF8MB4_BIN";
    CHECK(driftless::diff({{model}}, upper, dialect::mysql).empty());
}

TEST_CASE("diff: a primary key's name counts where the model names it; MySQL's is always PRIMARY") {
    driftless::schema live{{live_orders(dialect::postgresql)}};
    driftless::table_info renamed = driftless::to_table_info<sa::Order>();
    renamed.columns[4].on_update.clear();
    renamed.primary_key_name = "orders_key";
    CHECK(driftless::describe(driftless::diff({{renamed}}, live, dialect::postgresql).steps) ==
          "rebuild change primary key orders: shop_id, no as orders_pk -> shop_id, no as orders_key\n");
    renamed.primary_key_name.clear();
    const auto unsaid = driftless::diff({{renamed}}, live, dialect::postgresql);
    CHECK(unsaid.empty());
    renamed.primary_key_name = "orders_key";
    CHECK(driftless::diff({{renamed}}, {{live_orders(dialect::mysql)}}, dialect::mysql).empty());
    // SQLite: the collation BINARY is no collation; NOCASE is another.
    driftless::table_info lite = driftless::to_table_info<sa::Order>();
    lite.columns[2].collation = "BINARY";
    driftless::table_info lite_live = lite;
    lite_live.columns[2].collation.clear();
    CHECK(driftless::diff({{lite}}, {{lite_live}}, dialect::sqlite).empty());
    lite.columns[2].collation = "nocase";
    CHECK(driftless::describe(driftless::diff({{lite}}, {{lite_live}}, dialect::sqlite).steps) ==
          "rebuild change collation orders.code: default -> nocase\n");
}
