// table_v<T>: the constexpr descriptor, and constexpr validation of table specs.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <boost/describe/class.hpp>

#include <driftless/table.hpp>

#include "../models/models.hpp"

using driftless::spec_errc;
using driftless::table_v;
using driftless::validation_v;
namespace pm = pfr_models;

TEST_CASE("table_v: names, types, flags and keys") {
    constexpr auto& u = table_v<pm::User>;
    static_assert(u.name == "users");
    static_assert(u.type_name == "User");
    static_assert(u.columns.size() == 4);
    static_assert(u.columns[0].name == "id" && u.columns[0].primary_key() && !u.columns[0].nullable());
    static_assert(u.columns[1].name == "email" && u.columns[1].type == driftless::types::text());
    static_assert(u.columns[2].name == "name" && u.columns[2].nullable() && u.columns[2].previous_name == "full_name");
    static_assert(u.columns[3].default_value.kind == driftless::default_kind::integer &&
                  u.columns[3].default_value.integer == 0);
    static_assert(u.primary_key.size() == 1 && u.primary_key[0] == 0);
    static_assert(u.uniques.size() == 1 && u.uniques[0].columns[0] == 1);
    static_assert(u.indexes.size() == 1 && u.indexes[0].name == "users_by_name" && !u.indexes[0].unique);
    static_assert(validation_v<pm::User>.ok());
    CHECK(u.column_index("karma") == 3);
    CHECK(u.column_index("nope") == -1);
}

TEST_CASE("table_v: composite keys, foreign keys, auto-increment, rename hints") {
    constexpr auto& m = table_v<pm::Membership>;
    static_assert(m.primary_key.size() == 2 && m.primary_key[0] == 0 && m.primary_key[1] == 1);
    static_assert(m.foreign_keys.size() == 2);
    static_assert(m.foreign_keys[0].target_of(m).name == "users");
    static_assert(m.foreign_keys[0].on_delete == driftless::fk_action::cascade);
    static_assert(m.foreign_keys[1].target_of(m).name == "group" && m.foreign_keys[1].name == "memberships_group");
    static_assert(table_v<pm::Group>.columns[0].auto_increment());
    static_assert(table_v<pm::Account>.previous_name == "customers");
    static_assert(table_v<pm::Account>.columns[1].name == "user_login" && table_v<pm::Account>.columns[1].field == "login");
    static_assert(table_v<pm::Account>.columns[1].type.length == 320);
    static_assert(table_v<pm::Employee>.foreign_keys[0].references_self);
    static_assert(table_v<pm::AuditLog>.primary_key.empty());
    static_assert(table_v<pm::AuditLog>.indexes[0].columns.size() == 2);
    static_assert(table_v<pm::Post>.indexes[0].where == "deleted_at IS NULL");
    static_assert(table_v<pm::AllTypes>.primary_key.size() == 1);  // the `id` convention
    CHECK(table_v<pm::Membership>.foreign_keys[0].target_columns[0] == 0);
}

TEST_CASE("validation: every shared model is valid") {
    static_assert(validation_v<pm::AllTypes>.ok() && validation_v<pm::Group>.ok() && validation_v<pm::Membership>.ok());
    static_assert(validation_v<pm::Post>.ok() && validation_v<pm::OrderLine>.ok() && validation_v<pm::Event>.ok());
    static_assert(validation_v<pm::Setting>.ok() && validation_v<pm::Account>.ok() && validation_v<pm::Employee>.ok());
    static_assert(validation_v<pm::Document>.ok() && validation_v<pm::Odd>.ok() && validation_v<pm::AuditLog>.ok());
    CHECK(validation_v<described_models::Post>.text().empty());
}

// ---- invalid specs: each must report its error code and a message that says what to change ----
namespace bad {
struct DupColumn { std::int64_t id; int a; int b; };
struct TwoKeys { std::int64_t id; int a; };
struct NullableKey { std::optional<std::int64_t> key; };
struct UnknownColumn { std::int64_t id; int a; };
struct Partial { std::int64_t id; int a; int b; };
BOOST_DESCRIBE_STRUCT(Partial, (), (id, a))
struct NoKey { int x; };
struct RefNoKey { std::int64_t id; int nokey_x; };
struct Target { std::int64_t id; std::int64_t plain; };
struct RefNotUnique { std::int64_t id; std::int64_t t; };
struct RefWrongType { std::int64_t id; std::int32_t t; };
struct RefSetNull { std::int64_t id; std::int64_t t; };
struct AutoText { std::string code; };
struct EmptyName { std::int64_t id; };
struct LongName { std::int64_t id; };
struct NulName { std::int64_t id; };
struct BadCheck { std::int64_t id; };
struct BadWhere { std::int64_t id; int a; };
struct NanDefault { std::int64_t id; double d; };
struct DupIndex { std::int64_t id; int a; };
struct LengthOnInt { std::int64_t id; int a; };
struct BadUtf8Column { std::int64_t id; int a; };
struct BadCustomType { std::int64_t id; int a; };
}  // namespace bad

template <> inline constexpr auto driftless::customize::table<bad::DupColumn> =
    driftless::table<bad::DupColumn>().column_name(&bad::DupColumn::b, "a");
template <> inline constexpr auto driftless::customize::table<bad::TwoKeys> =
    driftless::table<bad::TwoKeys>().primary_key(&bad::TwoKeys::id).primary_key(&bad::TwoKeys::a);
template <> inline constexpr auto driftless::customize::table<bad::NullableKey> =
    driftless::table<bad::NullableKey>().primary_key(&bad::NullableKey::key);
template <> inline constexpr auto driftless::customize::table<bad::UnknownColumn> =
    driftless::table<bad::UnknownColumn>().index("ix", "nope");
template <> inline constexpr auto driftless::customize::table<bad::Partial> =
    driftless::table<bad::Partial>().unique(&bad::Partial::b);
template <> inline constexpr auto driftless::customize::table<bad::RefNoKey> =
    driftless::table<bad::RefNoKey>().foreign_key(&bad::RefNoKey::nokey_x, &bad::NoKey::x);
template <> inline constexpr auto driftless::customize::table<bad::RefNotUnique> =
    driftless::table<bad::RefNotUnique>().foreign_key(&bad::RefNotUnique::t, &bad::Target::plain);
template <> inline constexpr auto driftless::customize::table<bad::RefWrongType> =
    driftless::table<bad::RefWrongType>().foreign_key(&bad::RefWrongType::t, &bad::Target::id);
template <> inline constexpr auto driftless::customize::table<bad::RefSetNull> =
    driftless::table<bad::RefSetNull>().foreign_key(&bad::RefSetNull::t, &bad::Target::id,
                                                     {.on_delete = driftless::fk_action::set_null});
template <> inline constexpr auto driftless::customize::table<bad::AutoText> =
    driftless::table<bad::AutoText>().primary_key(&bad::AutoText::code).auto_increment(&bad::AutoText::code);
template <> inline constexpr auto driftless::customize::table<bad::EmptyName> = driftless::table<bad::EmptyName>("");
template <> inline constexpr auto driftless::customize::table<bad::LongName> =
    driftless::table<bad::LongName>("a_table_name_that_is_much_longer_than_sixty_three_bytes_allows_it");
template <> inline constexpr auto driftless::customize::table<bad::NulName> =
    driftless::table<bad::NulName>(std::string_view("nul\0name", 8));
template <> inline constexpr auto driftless::customize::table<bad::BadCheck> =
    driftless::table<bad::BadCheck>().check("id > 0; DROP TABLE users");
template <> inline constexpr auto driftless::customize::table<bad::BadWhere> =
    driftless::table<bad::BadWhere>().index("w", {.where = "a > 0) OR (1"}, &bad::BadWhere::a);
template <> inline constexpr auto driftless::customize::table<bad::NanDefault> =
    driftless::table<bad::NanDefault>().default_value(&bad::NanDefault::d, std::numeric_limits<double>::quiet_NaN());
template <> inline constexpr auto driftless::customize::table<bad::DupIndex> =
    driftless::table<bad::DupIndex>().index("ix", &bad::DupIndex::a).index("ix", &bad::DupIndex::id);
template <> inline constexpr auto driftless::customize::table<bad::LengthOnInt> =
    driftless::table<bad::LengthOnInt>().length(&bad::LengthOnInt::a, 10);
template <> inline constexpr auto driftless::customize::table<bad::BadUtf8Column> =
    driftless::table<bad::BadUtf8Column>().column_name(&bad::BadUtf8Column::a, "\xff\xfe");
template <> inline constexpr auto driftless::customize::table<bad::BadCustomType> =
    driftless::table<bad::BadCustomType>().sql_type(&bad::BadCustomType::a, "INT; DROP TABLE x");

TEST_CASE("validation: each mistake has its code and a message saying what to change") {
    static_assert(validation_v<bad::DupColumn>.code == spec_errc::duplicate_column);
    static_assert(validation_v<bad::TwoKeys>.code == spec_errc::two_primary_keys);
    static_assert(validation_v<bad::NullableKey>.code == spec_errc::nullable_primary_key);
    static_assert(validation_v<bad::UnknownColumn>.code == spec_errc::unknown_column);
    static_assert(validation_v<bad::Partial>.code == spec_errc::unknown_member);
    static_assert(validation_v<bad::RefNoKey>.code == spec_errc::fk_target_without_primary_key);
    static_assert(validation_v<bad::RefNotUnique>.code == spec_errc::fk_target_not_unique);
    static_assert(validation_v<bad::RefWrongType>.code == spec_errc::fk_type_mismatch);
    static_assert(validation_v<bad::RefSetNull>.code == spec_errc::set_null_not_optional);
    static_assert(validation_v<bad::AutoText>.code == spec_errc::bad_auto_increment);
    static_assert(validation_v<bad::EmptyName>.code == spec_errc::invalid_name);
    static_assert(validation_v<bad::LongName>.code == spec_errc::invalid_name);
    static_assert(validation_v<bad::NulName>.code == spec_errc::invalid_name);
    static_assert(validation_v<bad::BadCheck>.code == spec_errc::bad_sql_fragment);
    static_assert(validation_v<bad::BadWhere>.code == spec_errc::bad_sql_fragment);
    static_assert(validation_v<bad::NanDefault>.code == spec_errc::bad_default);
    static_assert(validation_v<bad::DupIndex>.code == spec_errc::duplicate_name);
    static_assert(validation_v<bad::LengthOnInt>.code == spec_errc::bad_length);
    static_assert(validation_v<bad::BadUtf8Column>.code == spec_errc::invalid_name);
    static_assert(validation_v<bad::BadCustomType>.code == spec_errc::bad_sql_fragment);

    const auto text = [](const driftless::spec_error& e) { return std::string(e.text()); };
    CHECK(text(validation_v<bad::DupColumn>) ==
          "driftless: table 'dup_column': two columns are named 'a'; give one another name with "
          ".column_name(&T::b, \"...\")");
    CHECK(text(validation_v<bad::TwoKeys>) ==
          "driftless: the spec of 'two_keys' declares primary_key twice; keep one call");
    CHECK(text(validation_v<bad::UnknownColumn>) ==
          "driftless: table 'unknown_column': names a column it does not have in 'index': 'nope'");
    CHECK(text(validation_v<bad::RefNoKey>) ==
          "driftless: table 'ref_no_key': foreign key on 'nokey_x' references table 'no_key', which has no "
          "primary key; give it one with .primary_key(...)");
    CHECK(text(validation_v<bad::RefWrongType>) ==
          "driftless: table 'ref_wrong_type': foreign key column 't' must have the same type as 'target'.id");
    CHECK(text(validation_v<bad::LongName>).starts_with(
        "driftless: table 'a_table_name_that_is_much_longer_than_sixty_three_bytes_allows_it': the name of the "
        "table"));
    CHECK(text(validation_v<bad::LongName>).find("is too long; use a non-empty UTF-8 name of at most 63 bytes") !=
          std::string::npos);
    CHECK(text(validation_v<bad::BadCheck>).find("contains ';' outside quotes") != std::string::npos);
    CHECK(text(validation_v<bad::BadWhere>).find("closes a parenthesis it did not open") != std::string::npos);
    CHECK(text(validation_v<bad::Partial>).find("describe it in BOOST_DESCRIBE_STRUCT/CLASS") != std::string::npos);
}

// Fragments that one engine reads as a quoted identifier and another as the start of a string:
// SQLite quotes identifiers with [...] and backticks, PostgreSQL with neither. Each of these once
// passed the check and, on SQLite, ended the CREATE TABLE and ran "DROP TABLE victim".
namespace hostile {
struct BracketCheck { std::int64_t id; };
struct BacktickCheck { std::int64_t id; };
struct BracketDefault { std::int64_t id; std::int64_t a; };
struct BracketWhere { std::int64_t id; std::int64_t a; };
struct BracketType { std::int64_t id; std::int64_t a; };
struct QuotedNames { std::int64_t id; std::int64_t a; };
}  // namespace hostile

template <> inline constexpr auto driftless::customize::table<hostile::BracketCheck> =
    driftless::table<hostile::BracketCheck>().check("1 = CAST(1 AS [x'])) ); DROP TABLE victim; /*')");
template <> inline constexpr auto driftless::customize::table<hostile::BacktickCheck> =
    driftless::table<hostile::BacktickCheck>().check("1 = CAST(1 AS `x'`)) ); DROP TABLE victim; /*')");
template <> inline constexpr auto driftless::customize::table<hostile::BracketDefault> =
    driftless::table<hostile::BracketDefault>().default_value(&hostile::BracketDefault::a,
                                                              driftless::sql("[x'] ); DROP TABLE victim; /*'"));
template <> inline constexpr auto driftless::customize::table<hostile::BracketWhere> =
    driftless::table<hostile::BracketWhere>().index("w", {.where = "[x'] ); DROP TABLE victim; /*' = 1"},
                                                    &hostile::BracketWhere::a);
template <> inline constexpr auto driftless::customize::table<hostile::BracketType> =
    driftless::table<hostile::BracketType>().sql_type(&hostile::BracketType::a, "INT CHECK ([x'] ); DROP TABLE victim; /*')");
// Quoted identifiers that every engine reads the same way stay allowed.
template <> inline constexpr auto driftless::customize::table<hostile::QuotedNames> =
    driftless::table<hostile::QuotedNames>().check("[a] >= 0 AND \"a\" < 10 AND 'x]' <> '['");

TEST_CASE("validation: a fragment is read with every engine's quoting rules") {
    static_assert(validation_v<hostile::BracketCheck>.code == spec_errc::bad_sql_fragment);
    static_assert(validation_v<hostile::BacktickCheck>.code == spec_errc::bad_sql_fragment);
    static_assert(validation_v<hostile::BracketDefault>.code == spec_errc::bad_sql_fragment);
    static_assert(validation_v<hostile::BracketWhere>.code == spec_errc::bad_sql_fragment);
    static_assert(validation_v<hostile::BracketType>.code == spec_errc::bad_sql_fragment);
    static_assert(validation_v<hostile::QuotedNames>.ok());

    using driftless::detail::fragment_problem;
    using driftless::detail::fragment_rules;
    // SQLite reads [x'] as an identifier, so the parenthesis after it closes the CHECK.
    constexpr std::string_view attack = "1 = CAST(1 AS [x'])) ); DROP TABLE victim; /*')";
    CHECK(fragment_problem(attack, fragment_rules::sqlite) != nullptr);
    CHECK(fragment_problem(attack) != nullptr);
    // PostgreSQL and MySQL read the quote inside the brackets as a string: one expression for them.
    CHECK(fragment_problem(attack, fragment_rules::postgresql) == nullptr);
    CHECK(fragment_problem(attack, fragment_rules::mysql) == nullptr);
    // PostgreSQL reads a backtick as an ordinary character, so the quote after it opens a string.
    CHECK(fragment_problem("`a'` = 1", fragment_rules::postgresql) != nullptr);
    CHECK(fragment_problem("`a'` = 1", fragment_rules::mysql) == nullptr);
    CHECK(fragment_problem("`a'` = 1") != nullptr);
    // A bracketed name has no escape in SQLite: it ends at the first ']'.
    CHECK(fragment_problem("[a]]'] = 1", fragment_rules::sqlite) != nullptr);
    CHECK(std::string_view(fragment_problem("[a;b] = 1", fragment_rules::postgresql)) == "contains ';' outside quotes");
    CHECK(fragment_problem("[a;b] = 1", fragment_rules::sqlite) == nullptr);
    CHECK(fragment_problem("x = '\\'", fragment_rules::sqlite) == nullptr);  // SQLite: a backslash is a character
    CHECK(fragment_problem("x = '\\'") != nullptr);
    CHECK(fragment_problem("tags <> ARRAY[1, 2]") == nullptr);
}
