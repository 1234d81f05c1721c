// driftless — table descriptors (table_def, column_def, ...), the table spec builder declared
// beside a struct, table_v<T>, and constexpr validation.
#ifndef DRIFTLESS_TABLE_HPP
#define DRIFTLESS_TABLE_HPP

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include <driftless/config.hpp>
#include <driftless/detail/text.hpp>
#include <driftless/reflect.hpp>
#include <driftless/types.hpp>

namespace driftless {

/// What a foreign key does when the referenced row is deleted or its key updated.
enum class fk_action : std::uint8_t { no_action, restrict, cascade, set_null, set_default };

/// Members of one model, in order: the columns of a composite foreign key (driftless::members).
template <class... P>
struct member_list {
    std::tuple<P...> items;
};

/// Options of table<T>().foreign_key(...).
struct fk_options {
    fk_action on_delete = fk_action::no_action;
    fk_action on_update = fk_action::no_action;
    std::string_view name{};  ///< constraint name; "<table>_<column>_fkey" when empty
};

/// Options of table<T>().index(...).
struct index_options {
    bool unique = false;
    std::string_view where{};  ///< partial index predicate (raw SQL; SQLite and PostgreSQL)
};

/// What kind of DEFAULT a column has.
/// raw is SQL exactly as a database catalog reports it; only introspected schemas carry it.
enum class default_kind : std::uint8_t { none, boolean, integer, real, text, current_timestamp, expression, raw };

/// A column default as a literal value. Text is the value (escaped when rendered), except for
/// kind expression, where it is raw SQL that validation has checked cannot escape its parentheses.
struct default_def {
    default_kind kind = default_kind::none;
    bool boolean = false;
    std::int64_t integer = 0;
    double real = 0;
    std::string_view text{};

    friend constexpr bool operator==(const default_def&, const default_def&) = default;
};

/// Tag: DEFAULT CURRENT_TIMESTAMP (timestamp columns).
struct current_timestamp_t {};
inline constexpr current_timestamp_t current_timestamp{};

/// A raw SQL expression used as a default: driftless::sql("lower('X')"). It is rendered inside
/// parentheses and must pass the fragment check (no ';', comments, '$', backslashes; balanced).
struct sql_expression {
    std::string_view text;
};
constexpr sql_expression sql(std::string_view text) { return {text}; }

/// Bits of column_def::flags.
namespace column_flag {
inline constexpr std::uint32_t nullable = 1u << 0;
inline constexpr std::uint32_t primary_key = 1u << 1;
inline constexpr std::uint32_t auto_increment = 1u << 2;
inline constexpr std::uint32_t on_update_current_timestamp = 1u << 3;  ///< MySQL ON UPDATE CURRENT_TIMESTAMP
}  // namespace column_flag

/// One column of a table descriptor; columns are in field order.
struct column_def {
    std::string_view name;           ///< column name
    std::string_view field;          ///< C++ member name
    type_def type;
    std::uint32_t flags = 0;         ///< column_flag bits
    default_def default_value{};
    std::string_view previous_name{};  ///< rename hint: what the column was called before
    std::string_view collation{};      ///< COLLATE: every dialect; empty = the engine's default
    std::string_view charset{};        ///< MySQL CHARACTER SET; empty = the table's

    [[nodiscard]] constexpr bool on_update_current_timestamp() const {
        return (flags & column_flag::on_update_current_timestamp) != 0;
    }
    [[nodiscard]] constexpr bool nullable() const { return (flags & column_flag::nullable) != 0; }
    [[nodiscard]] constexpr bool primary_key() const { return (flags & column_flag::primary_key) != 0; }
    [[nodiscard]] constexpr bool auto_increment() const { return (flags & column_flag::auto_increment) != 0; }
};

/// Column indexes of a key, an index or a foreign key.
struct key_columns {
    std::array<std::uint16_t, DRIFTLESS_MAX_KEY_COLUMNS> items{};
    std::uint8_t count = 0;

    [[nodiscard]] constexpr std::span<const std::uint16_t> view() const { return {items.data(), count}; }
    [[nodiscard]] constexpr std::size_t size() const { return count; }
    [[nodiscard]] constexpr bool empty() const { return count == 0; }
    [[nodiscard]] constexpr std::uint16_t operator[](std::size_t i) const { return items[i]; }
    [[nodiscard]] constexpr bool same_set(const key_columns& other) const {
        if (count != other.count) return false;
        for (std::size_t i = 0; i < count; ++i) {
            bool found = false;
            for (std::size_t j = 0; j < other.count; ++j) found = found || items[i] == other.items[j];
            if (!found) return false;
        }
        return true;
    }
};

struct unique_def {
    std::string_view name{};  ///< "<table>_<columns>_key" when empty
    key_columns columns{};
};

struct index_def {
    std::string_view name{};
    key_columns columns{};
    bool unique = false;
    std::string_view where{};
};

struct table_def;

struct foreign_key_def {
    std::string_view name{};
    key_columns columns{};                         ///< in this table
    /// The referenced table's descriptor; unused when references_self.
    const table_def& (*target)() = nullptr;
    bool references_self = false;                  ///< the key references its own table
    key_columns target_columns{};                  ///< column indexes in the referenced table
    fk_action on_delete = fk_action::no_action;
    fk_action on_update = fk_action::no_action;

    /// The referenced table, given the table that owns this key.
    [[nodiscard]] constexpr const table_def& target_of(const table_def& self) const {
        // A flag, not a null test of the pointer: g++ 12 with -fsanitize=null cannot compare a
        // function pointer with nullptr in a constant expression.
        return references_self ? self : target();
    }
};

struct check_def {
    std::string_view name{};  ///< "<table>_check_<hash>" when empty
    std::string_view expression{};
};

/// What validation found; ok when nothing.
enum class spec_errc : std::uint8_t {
    ok,
    not_reflectable,
    invalid_name,           ///< empty, NUL, not UTF-8, or longer than DRIFTLESS_MAX_NAME_BYTES
    duplicate_column,
    duplicate_name,         ///< two indexes or constraints share a name
    two_primary_keys,
    nullable_primary_key,
    unknown_column,         ///< a key, index or foreign key names a column the table lacks
    unknown_member,         ///< a member pointer the reflection engine does not see
    fk_target_without_primary_key,
    fk_target_not_unique,
    fk_type_mismatch,
    set_null_not_optional,  ///< ON DELETE / ON UPDATE SET NULL on a column that cannot be NULL
    bad_auto_increment,
    bad_length,
    bad_default,
    bad_sql_fragment,
    too_many,
};

/// A validation result; structural, so the compiler can print the message in a diagnostic.
struct spec_error {
    spec_errc code = spec_errc::ok;
    detail::message message{};

    [[nodiscard]] constexpr bool ok() const { return code == spec_errc::ok; }
    [[nodiscard]] constexpr std::string_view text() const { return message.view(); }
};

/// The compile-time description of one table.
struct table_def {
    std::string_view name;
    std::string_view type_name;       ///< unqualified C++ type name
    std::string_view previous_name;   ///< rename hint for the table
    std::span<const column_def> columns;
    key_columns primary_key;
    std::span<const unique_def> uniques;
    std::span<const index_def> indexes;
    std::span<const foreign_key_def> foreign_keys;
    std::span<const check_def> checks;
    spec_error build_error;           ///< first problem met while reading the spec
    std::string_view primary_key_name{};  ///< the primary key constraint's name; empty = the engine's
    std::string_view charset{};           ///< MySQL: the table's DEFAULT CHARSET when driftless creates it
    std::string_view collation{};         ///< MySQL: the table's default COLLATE when driftless creates it

    /// Index of the column called `column`, or -1.
    [[nodiscard]] constexpr int column_index(std::string_view column) const {
        for (std::size_t i = 0; i < columns.size(); ++i) {
            if (columns[i].name == column) return static_cast<int>(i);
        }
        return -1;
    }
    [[nodiscard]] constexpr const column_def& column(std::string_view column) const {
        return columns[static_cast<std::size_t>(column_index(column))];
    }
};

namespace detail {

struct column_ref {
    std::int32_t field = -1;      ///< resolved from a member pointer
    std::string_view name{};      ///< or a column name, resolved when the table is built
};

struct key_refs {
    std::array<column_ref, DRIFTLESS_MAX_KEY_COLUMNS> items{};
    std::uint8_t count = 0;
};

struct column_options {
    std::string_view name{};
    std::string_view previous_name{};
    default_def default_value{};
    type_def type_override{};
    std::uint32_t length = 0;
    bool auto_increment = false;
    bool on_update_current_timestamp = false;
    std::string_view collation{};
    std::string_view charset{};
};

struct spec_unique {
    std::string_view name{};
    key_refs columns{};
};
struct spec_index {
    std::string_view name{};
    key_refs columns{};
    index_options options{};
};
struct spec_foreign_key {
    std::string_view name{};
    key_refs columns{};
    const table_def& (*target)() = nullptr;
    bool references_self = false;
    key_columns target_columns{};
    fk_action on_delete = fk_action::no_action;
    fk_action on_update = fk_action::no_action;
};

struct no_table_spec {};

template <class P>
using member_type_t = typename describe_engine::member_pointer_traits<P>::member;

/// The one class the members Qs belong to; void when they belong to several.
template <class Q, class... Qs>
struct member_list_class {
    using first = typename describe_engine::member_pointer_traits<Q>::owner;
    using type = std::conditional_t<(std::is_same_v<first, typename describe_engine::member_pointer_traits<Qs>::owner> && ...),
                                    first, void>;
};

template <class T>
struct is_string_like
    : std::bool_constant<std::is_convertible_v<T, std::string_view> && !std::is_same_v<std::decay_t<T>, std::nullptr_t>> {};

template <class E>
constexpr std::string_view enum_name_of(E value) {
    constexpr auto values = []<template <class...> class L, class... D>(L<D...>) {
        return std::array<E, sizeof...(D)>{D::value...};
    }(boost::describe::describe_enumerators<E>{});
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (values[i] == value) return enum_names_v<E>[i];
    }
    return {};
}

template <class T>
constexpr const table_def& table_def_of();

}  // namespace detail

namespace detail {

/// Everything a table spec holds but its columns, with the steps that do not depend on the
/// model's type: compiled once, not once per model (the builders of table_spec<T> only turn
/// member pointers into field indexes and call these).
struct spec_base {
    std::string_view name_;
    std::string_view previous_name_{};
    key_refs primary_key_{};
    bool has_primary_key_ = false;
    bool no_primary_key_ = false;
    std::array<spec_unique, DRIFTLESS_MAX_UNIQUES> uniques_{};
    std::size_t unique_count_ = 0;
    std::array<spec_index, DRIFTLESS_MAX_INDEXES> indexes_{};
    std::size_t index_count_ = 0;
    std::array<spec_foreign_key, DRIFTLESS_MAX_FOREIGN_KEYS> foreign_keys_{};
    std::size_t fk_count_ = 0;
    std::array<check_def, DRIFTLESS_MAX_CHECKS> checks_{};
    std::size_t check_count_ = 0;
    std::string_view primary_key_name_{};
    std::string_view charset_{};
    std::string_view collation_{};
    spec_error error_{};

    constexpr void fail(spec_errc code, std::string_view what) {
        if (error_.code != spec_errc::ok) return;
        error_.code = code;
        error_.message.append("driftless: the spec of ").append_quoted(name_).append(" ").append(what);
    }

    constexpr void set_primary_key(const key_refs& columns) {
        if (has_primary_key_) fail(spec_errc::two_primary_keys, "declares primary_key twice; keep one call");
        has_primary_key_ = true;
        primary_key_ = columns;
    }

    constexpr void add_unique(const key_refs& columns) {
        if (unique_count_ == uniques_.size()) {
            fail(spec_errc::too_many, "declares more unique constraints than DRIFTLESS_MAX_UNIQUES");
        } else {
            uniques_[unique_count_++] = spec_unique{{}, columns};
        }
    }

    constexpr void add_index(std::string_view name, const index_options& options, const key_refs& columns) {
        if (index_count_ == indexes_.size()) {
            fail(spec_errc::too_many, "declares more indexes than DRIFTLESS_MAX_INDEXES");
        } else {
            indexes_[index_count_++] = spec_index{name, columns, options};
        }
    }

    // target_fields are the referenced members' indexes in their model, size_t(-1) where that
    // model's reflection does not see one.
    template <std::size_t N>
    constexpr void add_foreign_key(const key_refs& columns, const table_def& (*target)(), bool references_self,
                                   const std::array<std::size_t, N>& target_fields, const fk_options& options) {
        if (fk_count_ == foreign_keys_.size()) {
            fail(spec_errc::too_many, "declares more foreign keys than DRIFTLESS_MAX_FOREIGN_KEYS");
            return;
        }
        spec_foreign_key fk;
        fk.name = options.name;
        fk.columns = columns;
        fk.target = target;
        fk.references_self = references_self;
        for (std::size_t target_field : target_fields) {
            if (target_field == static_cast<std::size_t>(-1)) {
                fail(spec_errc::unknown_member, "has a foreign_key to a member its model's reflection does not see");
                return;
            }
            fk.target_columns.items[fk.target_columns.count++] = static_cast<std::uint16_t>(target_field);
        }
        fk.on_delete = options.on_delete;
        fk.on_update = options.on_update;
        foreign_keys_[fk_count_++] = fk;
    }

    constexpr void add_check(std::string_view name, std::string_view expression) {
        if (check_count_ == checks_.size()) {
            fail(spec_errc::too_many, "declares more checks than DRIFTLESS_MAX_CHECKS");
        } else {
            checks_[check_count_++] = check_def{name, expression};
        }
    }

    constexpr void set_length(column_options& column, std::uint32_t n) {
        if (n == 0) fail(spec_errc::bad_length, "sets a length of 0; give a positive length");
        column.length = n;
    }
};

}  // namespace detail

/// The table spec, declared beside a struct (never inside it) by specialising
/// customize::table<T>. Every call returns a new spec; everything is checked at compile time.
template <class T>
class table_spec : public detail::spec_base {
    using engine = detail::default_engine<T>;
    static constexpr std::size_t field_count = detail::field_count<T, engine>;

public:
    /// A spec for T with table name `name` (default: snake_case of T's unqualified name).
    constexpr explicit table_spec(std::string_view name = detail::default_table_name<T>) : spec_base{name} {}

    /// The primary key: one column, or several for a composite key.
    template <class... Cols>
    constexpr table_spec primary_key(Cols... cols) const {
        table_spec s = *this;
        s.set_primary_key(s.refs(cols...));
        return s;
    }

    /// No primary key, not even the conventional `id`.
    constexpr table_spec no_primary_key() const {
        table_spec s = *this;
        s.no_primary_key_ = true;
        return s;
    }

    /// The column's values are assigned by the database (INTEGER PRIMARY KEY AUTOINCREMENT,
    /// GENERATED BY DEFAULT AS IDENTITY, AUTO_INCREMENT). It must be the single-column primary key.
    template <class M, class C>
    constexpr table_spec auto_increment(M C::*member) const {
        return with_option(member, &detail::column_options::auto_increment, true);
    }

    /// A UNIQUE constraint over one or several columns.
    template <class... Cols>
    constexpr table_spec unique(Cols... cols) const {
        table_spec s = *this;
        s.add_unique(s.refs(cols...));
        return s;
    }

    /// A named index over one or several columns.
    template <class Col, class... Cols>
        requires(!std::is_same_v<Col, index_options>)
    constexpr table_spec index(std::string_view name, Col col, Cols... cols) const {
        return index(name, index_options{}, col, cols...);
    }

    /// A named index with options: unique, partial (WHERE).
    template <class... Cols>
    constexpr table_spec index(std::string_view name, index_options options, Cols... cols) const {
        table_spec s = *this;
        s.add_index(name, options, s.refs(cols...));
        return s;
    }

    /// A named unique index.
    template <class... Cols>
    constexpr table_spec unique_index(std::string_view name, Cols... cols) const {
        return index(name, index_options{.unique = true}, cols...);
    }

    /// A foreign key from `column` to `references`, a member of another (or the same) model.
    template <class M, class C, class M2, class U>
    constexpr table_spec foreign_key(M C::*column, M2 U::*references, fk_options options = {}) const {
        static_assert(std::is_class_v<U>, "driftless: foreign_key must reference a member of a model");
        table_spec s = *this;
        // A self-reference keeps no pointer: taking &table_def_of<T> inside T's own spec would
        // make clang instantiate T's descriptor while its spec is still being initialised.
        constexpr bool self = std::is_same_v<U, T>;
        const table_def& (*target)() = nullptr;
        if constexpr (!self) target = &detail::table_def_of<U>;
        s.add_foreign_key(s.refs(column), target, self,
                          std::array<std::size_t, 1>{detail::field_index<detail::default_engine<U>>(references)}, options);
        return s;
    }

    /// A composite foreign key: the members of this model in `columns` reference, in order, the
    /// members of one other (or the same) model in `references`, which must be its primary key or
    /// a unique key:
    ///   .foreign_key(driftless::members(&Line::shop_id, &Line::order_no),
    ///                driftless::members(&Order::shop_id, &Order::no), {.on_delete = fk_action::cascade})
    template <class... Ps, class... Qs>
    constexpr table_spec foreign_key(member_list<Ps...> columns, member_list<Qs...> references,
                                     fk_options options = {}) const {
        static_assert(sizeof...(Ps) > 0 && sizeof...(Ps) == sizeof...(Qs),
                      "driftless: a composite foreign_key lists as many referenced members as columns");
        static_assert(sizeof...(Ps) <= DRIFTLESS_MAX_KEY_COLUMNS,
                      "driftless: a foreign key has more columns than DRIFTLESS_MAX_KEY_COLUMNS");
        using U = typename detail::member_list_class<Qs...>::type;
        static_assert(std::is_class_v<U>, "driftless: the referenced members of a foreign_key belong to one model");
        table_spec s = *this;
        constexpr bool self = std::is_same_v<U, T>;
        const table_def& (*target)() = nullptr;
        if constexpr (!self) target = &detail::table_def_of<U>;
        const detail::key_refs from = std::apply([&](auto... p) { return s.refs(p...); }, columns.items);
        const auto to = std::apply(
            [](auto... q) {
                return std::array<std::size_t, sizeof...(Qs)>{
                    detail::field_index<detail::default_engine<U>>(static_cast<detail::member_type_t<decltype(q)> U::*>(q))...};
            },
            references.items);
        s.add_foreign_key(from, target, self, to, options);
        return s;
    }

    /// A CHECK constraint, named "<table>_check_<hash of the expression>".
    constexpr table_spec check(std::string_view expression) const { return check({}, expression); }

    /// A named CHECK constraint.
    constexpr table_spec check(std::string_view name, std::string_view expression) const {
        table_spec s = *this;
        s.add_check(name, expression);
        return s;
    }

    /// DEFAULT for a column: a value of the field's type, driftless::current_timestamp, or
    /// driftless::sql("expression").
    template <class M, class C, class V>
    constexpr table_spec default_value(M C::*member, V value) const {
        using F = typename detail::optional_traits<M>::value_type;
        constexpr type_kind kind = detail::type_of<F>().kind;
        constexpr bool fits =
            std::is_same_v<V, sql_expression> ||
            (std::is_same_v<V, current_timestamp_t> && (kind == type_kind::timestamp || kind == type_kind::custom)) ||
            (std::is_same_v<V, bool> && kind == type_kind::boolean) ||
            (std::is_integral_v<V> && !std::is_same_v<V, bool> &&
             (kind == type_kind::integer || kind == type_kind::real || kind == type_kind::decimal ||
              kind == type_kind::custom)) ||
            (std::is_floating_point_v<V> &&
             (kind == type_kind::real || kind == type_kind::decimal || kind == type_kind::custom)) ||
            (detail::is_string_like<V>::value &&
             (kind == type_kind::text || kind == type_kind::timestamp || kind == type_kind::date ||
              kind == type_kind::decimal || kind == type_kind::enumeration || kind == type_kind::custom)) ||
            (std::is_enum_v<V> && std::is_same_v<V, F>);
        static_assert(fits,
                      "driftless: this default_value does not fit the field's type; pass a value of the field's "
                      "type, driftless::current_timestamp for a time point, or driftless::sql(\"expression\")");
        table_spec s = *this;
        const auto i = s.field_of(member);
        if (i < 0) return s;
        default_def d;
        if constexpr (std::is_same_v<V, sql_expression>) {
            d.kind = default_kind::expression;
            d.text = value.text;
        } else if constexpr (std::is_same_v<V, current_timestamp_t>) {
            d.kind = default_kind::current_timestamp;
        } else if constexpr (std::is_same_v<V, bool>) {
            d.kind = default_kind::boolean;
            d.boolean = value;
        } else if constexpr (std::is_integral_v<V>) {
            if constexpr (std::is_unsigned_v<V> && sizeof(V) >= sizeof(std::int64_t)) {
                if (value > static_cast<V>(std::numeric_limits<std::int64_t>::max()))
                    s.fail(spec_errc::bad_default, "has an integer default above the largest 64-bit signed value");
            }
            d.kind = default_kind::integer;
            d.integer = static_cast<std::int64_t>(value);
        } else if constexpr (std::is_floating_point_v<V>) {
            d.kind = default_kind::real;
            d.real = static_cast<double>(value);
        } else if constexpr (std::is_enum_v<V>) {
            if constexpr (detail::is_described_enum<V>) {
                d.kind = default_kind::text;
                d.text = detail::enum_name_of(value);
            } else {
                d.kind = default_kind::integer;
                d.integer = static_cast<std::int64_t>(value);
            }
        } else {
            d.kind = default_kind::text;
            d.text = std::string_view(value);
        }
        s.columns_[static_cast<std::size_t>(i)].default_value = d;
        return s;
    }

    /// The column's name in the database, when it differs from the member's name.
    template <class M, class C>
    constexpr table_spec column_name(M C::*member, std::string_view name) const {
        return with_option(member, &detail::column_options::name, name);
    }

    /// The column's SQL type, instead of the one derived from the member's C++ type.
    template <class M, class C>
    constexpr table_spec sql_type(M C::*member, type_def type) const {
        return with_option(member, &detail::column_options::type_override, type);
    }

    /// The column's SQL type spelled by hand, the same on every dialect.
    template <class M, class C>
    constexpr table_spec sql_type(M C::*member, std::string_view spelling) const {
        return sql_type(member, types::custom(spelling));
    }

    /// Maximum length of a string column: VARCHAR(n) on every dialect.
    template <class M, class C>
    constexpr table_spec length(M C::*member, std::uint32_t n) const {
        table_spec s = *this;
        if (auto i = s.field_of(member); i >= 0) s.set_length(s.columns_[static_cast<std::size_t>(i)], n);
        return s;
    }

    /// The column's collation: COLLATE on every dialect (SQLite BINARY/NOCASE/RTRIM, a PostgreSQL
    /// collation such as "C", a MySQL one such as "utf8mb4_bin"). A column whose collation the
    /// model does not set keeps the one it has.
    template <class M, class C>
    constexpr table_spec collation(M C::*member, std::string_view name) const {
        return with_option(member, &detail::column_options::collation, name);
    }

    /// MySQL / MariaDB: the column's CHARACTER SET (ignored by SQLite and PostgreSQL, whose
    /// encoding is the database's).
    template <class M, class C>
    constexpr table_spec charset(M C::*member, std::string_view name) const {
        return with_option(member, &detail::column_options::charset, name);
    }

    /// MySQL / MariaDB: ON UPDATE CURRENT_TIMESTAMP on a timestamp column (ignored by SQLite and
    /// PostgreSQL, which have no such clause; use a trigger there).
    template <class M, class C>
    constexpr table_spec on_update_current_timestamp(M C::*member) const {
        return with_option(member, &detail::column_options::on_update_current_timestamp, true);
    }

    /// MySQL / MariaDB: the table's DEFAULT CHARSET, written when driftless creates the table.
    constexpr table_spec charset(std::string_view name) const {
        table_spec s = *this;
        s.charset_ = name;
        return s;
    }

    /// MySQL / MariaDB: the table's default COLLATE, written when driftless creates the table.
    constexpr table_spec collation(std::string_view name) const {
        table_spec s = *this;
        s.collation_ = name;
        return s;
    }

    /// The primary key constraint's name (SQLite and PostgreSQL; MySQL's is always PRIMARY).
    constexpr table_spec primary_key_name(std::string_view name) const {
        table_spec s = *this;
        s.primary_key_name_ = name;
        return s;
    }

    /// Rename hint: this column was called `previous` before.
    template <class M, class C>
    constexpr table_spec renamed(M C::*member, std::string_view previous) const {
        return with_option(member, &detail::column_options::previous_name, previous);
    }

    /// Rename hint: this table was called `previous` before.
    constexpr table_spec renamed_from(std::string_view previous) const {
        table_spec s = *this;
        s.previous_name_ = previous;
        return s;
    }

    // The state below (and spec_base's) is public only so that the spec is a structural literal
    // type; read it through table_v<T>.
    std::array<detail::column_options, field_count> columns_{};

private:
    /// This spec with `option` of `member`'s column set to `value`.
    template <class M, class C, class F, class V>
    constexpr table_spec with_option(M C::*member, F detail::column_options::*option, V value) const {
        table_spec s = *this;
        if (auto i = s.field_of(member); i >= 0) s.columns_[static_cast<std::size_t>(i)].*option = value;
        return s;
    }

    template <class M, class C>
    constexpr std::int32_t field_of(M C::*member) {
        static_assert(std::is_base_of_v<C, T>, "driftless: this member pointer belongs to another struct");
        const std::size_t i = detail::field_index<engine>(static_cast<M T::*>(member));
        if (i == static_cast<std::size_t>(-1)) {
            fail(spec_errc::unknown_member,
                 "names a member its reflection does not see (describe it in BOOST_DESCRIBE_STRUCT/CLASS)");
            return -1;
        }
        return static_cast<std::int32_t>(i);
    }

    template <class Col>
    constexpr detail::column_ref ref(Col col) {
        if constexpr (std::is_member_object_pointer_v<Col>) {
            return detail::column_ref{field_of(col), {}};
        } else {
            static_assert(detail::is_string_like<Col>::value,
                          "driftless: name a column with a member pointer (&T::field) or its column name");
            return detail::column_ref{-1, std::string_view(col)};
        }
    }

    template <class... Cols>
    constexpr detail::key_refs refs(Cols... cols) {
        detail::key_refs k;
        if constexpr (sizeof...(Cols) > DRIFTLESS_MAX_KEY_COLUMNS) {
            fail(spec_errc::too_many, "lists more columns in one key than DRIFTLESS_MAX_KEY_COLUMNS");
        } else {
            ((k.items[k.count++] = ref(cols)), ...);
        }
        return k;
    }
};

/// The members of a composite foreign key, in order (see table_spec::foreign_key).
template <class... P>
    requires(sizeof...(P) > 0 && (std::is_member_object_pointer_v<P> && ...))
constexpr member_list<P...> members(P... p) {
    return member_list<P...>{std::tuple<P...>{p...}};
}

/// Start a table spec: driftless::table<User>("users").primary_key(&User::id)...
template <class T>
consteval table_spec<T> table(std::string_view name = detail::default_table_name<T>) {
    return table_spec<T>(name);
}

namespace customize {
/// Specialise beside a struct to describe its table:
///   template <> inline constexpr auto driftless::customize::table<User> =
///       driftless::table<User>("users").primary_key(&User::id);
template <class T>
inline constexpr detail::no_table_spec table{};
}  // namespace customize

/// A type driftless can reflect: a plain aggregate (Boost.PFR) or a described class.
template <class T>
concept table_type = detail::reflectable<T, detail::default_engine<T>>;

namespace detail {

template <class T>
constexpr auto spec_of() {
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(customize::table<T>)>, no_table_spec>) {
        return table_spec<T>();
    } else {
        static_assert(std::is_same_v<std::remove_cvref_t<decltype(customize::table<T>)>, table_spec<T>>,
                      "driftless: customize::table<T> must be driftless::table<T>(...) for the same T");
        return customize::table<T>;
    }
}

/// Names a field whose type driftless cannot store; shown by the compiler when it fails.
template <class Struct, std::size_t Index, fixed_string FieldName, class FieldType>
struct unsupported_field_type {
    static constexpr bool value = false;
};

template <class T, std::size_t I>
consteval auto stored_field_name() {
    constexpr std::string_view name = field_name<T, I>;
    fixed_string<name.size()> s;
    for (char c : name) s.data[s.size++] = c;
    return s;
}

template <class T, std::size_t I>
consteval void require_supported_field() {
    using F = field_type_t<T, I>;
    using V = typename optional_traits<F>::value_type;
    if constexpr (type_of<V>().kind == type_kind::none) {
        static_assert(unsupported_field_type<T, I, stored_field_name<T, I>(), F>::value,
                      "driftless: this field's type has no column type; use a supported type (bool, integers, "
                      "float, double, std::string, std::vector<std::byte>, std::chrono::sys_seconds/sys_days/"
                      "system_clock::time_point, enums, std::optional of those) or specialise "
                      "driftless::customize::column_type<YourType>");
    }
}

/// What the reflection says about one field: its name, its column type, whether it is optional.
struct field_info {
    std::string_view name;
    type_def type;
    bool nullable = false;
};

// Every field of a model at once. The per-field diagnostic (which names the field and its type)
// is instantiated only when some field has no column type.
template <class T, std::size_t... I>
consteval std::array<field_info, sizeof...(I)> make_field_infos(std::index_sequence<I...>) {
    constexpr std::array<field_info, sizeof...(I)> infos{
        field_info{field_name<T, I>, type_of<typename optional_traits<field_type_t<T, I>>::value_type>(),
                   optional_traits<field_type_t<T, I>>::nullable}...};
    if constexpr (!((infos[I].type.kind != type_kind::none) && ...)) {
        (require_supported_field<T, I>(), ...);
    }
    return infos;
}

template <class T>
struct table_storage {
    static constexpr std::size_t n = field_count<T>;
    std::array<column_def, n> columns{};
    std::array<unique_def, DRIFTLESS_MAX_UNIQUES> uniques{};
    std::size_t unique_count = 0;
    std::array<index_def, DRIFTLESS_MAX_INDEXES> indexes{};
    std::size_t index_count = 0;
    std::array<foreign_key_def, DRIFTLESS_MAX_FOREIGN_KEYS> foreign_keys{};
    std::size_t fk_count = 0;
    std::array<check_def, DRIFTLESS_MAX_CHECKS> checks{};
    std::size_t check_count = 0;
    key_columns primary_key{};
    std::string_view name{};
    std::string_view previous_name{};
    std::string_view primary_key_name{};
    std::string_view charset{};
    std::string_view collation{};
    spec_error error{};

    constexpr void fail(spec_errc code, std::string_view what, std::string_view subject) {
        if (error.code != spec_errc::ok) return;
        error.code = code;
        error.message.append("driftless: table ").append_quoted(name).append(": ").append(what).append_quoted(subject);
    }

    constexpr void fill_column(std::size_t i, const column_options& o, const field_info& f) {
        column_def c;
        c.field = f.name;
        c.name = o.name.empty() ? c.field : o.name;
        c.type = o.type_override.kind != type_kind::none ? o.type_override : f.type;
        if (o.length != 0) {
            if (c.type.kind == type_kind::text) {
                c.type.length = o.length;
            } else {
                fail(spec_errc::bad_length, "sets a length on a column that is not a string: ", c.name);
            }
        }
        if (f.nullable) c.flags |= column_flag::nullable;
        if (o.auto_increment) c.flags |= column_flag::auto_increment;
        if (o.on_update_current_timestamp) c.flags |= column_flag::on_update_current_timestamp;
        c.collation = o.collation;
        c.charset = o.charset;
        c.default_value = o.default_value;
        c.previous_name = o.previous_name;
        columns[i] = c;
    }

    constexpr int find(std::string_view column) const {
        for (std::size_t i = 0; i < n; ++i) {
            if (columns[i].name == column) return static_cast<int>(i);
        }
        return -1;
    }

    constexpr key_columns resolve(const key_refs& refs, std::string_view owner) {
        key_columns k;
        for (std::size_t i = 0; i < refs.count; ++i) {
            int idx = refs.items[i].field;
            if (idx < 0) {
                idx = find(refs.items[i].name);
                if (idx < 0) {
                    fail(spec_errc::unknown_column, "names a column it does not have in ", owner);
                    error.message.append(": ").append_quoted(refs.items[i].name);
                    continue;
                }
            }
            k.items[k.count++] = static_cast<std::uint16_t>(idx);
        }
        return k;
    }
};

template <class T>
consteval table_storage<T> make_storage() {
    static_assert(reflectable<T, default_engine<T>>,
                  "driftless: this type is neither a plain aggregate (read by Boost.PFR) nor described with "
                  "BOOST_DESCRIBE_STRUCT / BOOST_DESCRIBE_CLASS; make it an aggregate or describe it");
    constexpr auto spec = spec_of<T>();
    table_storage<T> s;
    s.name = spec.name_;
    s.previous_name = spec.previous_name_;
    s.primary_key_name = spec.primary_key_name_;
    s.charset = spec.charset_;
    s.collation = spec.collation_;
    s.error = spec.error_;
    constexpr auto fields = make_field_infos<T>(std::make_index_sequence<table_storage<T>::n>{});
    for (std::size_t i = 0; i < fields.size(); ++i) s.fill_column(i, spec.columns_[i], fields[i]);

    if (spec.has_primary_key_) {
        s.primary_key = s.resolve(spec.primary_key_, "primary_key");
    } else if (!spec.no_primary_key_) {
        // Convention: a non-nullable column called "id" is the primary key.
        const int id = s.find("id");
        if (id >= 0 && !s.columns[static_cast<std::size_t>(id)].nullable()) {
            s.primary_key.items[0] = static_cast<std::uint16_t>(id);
            s.primary_key.count = 1;
        }
    }
    for (std::size_t i = 0; i < s.primary_key.count; ++i) s.columns[s.primary_key.items[i]].flags |= column_flag::primary_key;

    for (std::size_t i = 0; i < spec.unique_count_; ++i) {
        s.uniques[s.unique_count++] = unique_def{spec.uniques_[i].name, s.resolve(spec.uniques_[i].columns, "unique")};
    }
    for (std::size_t i = 0; i < spec.index_count_; ++i) {
        const auto& x = spec.indexes_[i];
        s.indexes[s.index_count++] =
            index_def{x.name, s.resolve(x.columns, "index"), x.options.unique, x.options.where};
    }
    for (std::size_t i = 0; i < spec.fk_count_; ++i) {
        const auto& x = spec.foreign_keys_[i];
        s.foreign_keys[s.fk_count++] = foreign_key_def{x.name,           s.resolve(x.columns, "foreign_key"),
                                                       x.target,         x.references_self,
                                                       x.target_columns, x.on_delete,
                                                       x.on_update};
    }
    for (std::size_t i = 0; i < spec.check_count_; ++i) s.checks[s.check_count++] = spec.checks_[i];
    return s;
}

template <class T>
inline constexpr table_storage<T> storage_v = make_storage<T>();

}  // namespace detail

/// The constexpr descriptor of T's table; tests can static_assert on it.
template <table_type T>
inline constexpr table_def table_v = table_def{
    .name = detail::storage_v<T>.name,
    .type_name = detail::type_name_v<T>,
    .previous_name = detail::storage_v<T>.previous_name,
    .columns = std::span<const column_def>(detail::storage_v<T>.columns),
    .primary_key = detail::storage_v<T>.primary_key,
    .uniques = std::span<const unique_def>(detail::storage_v<T>.uniques.data(), detail::storage_v<T>.unique_count),
    .indexes = std::span<const index_def>(detail::storage_v<T>.indexes.data(), detail::storage_v<T>.index_count),
    .foreign_keys =
        std::span<const foreign_key_def>(detail::storage_v<T>.foreign_keys.data(), detail::storage_v<T>.fk_count),
    .checks = std::span<const check_def>(detail::storage_v<T>.checks.data(), detail::storage_v<T>.check_count),
    .build_error = detail::storage_v<T>.error,
    .primary_key_name = detail::storage_v<T>.primary_key_name,
    .charset = detail::storage_v<T>.charset,
    .collation = detail::storage_v<T>.collation,
};

namespace detail {
template <class T>
constexpr const table_def& table_def_of() {
    return table_v<T>;
}

struct validator {
    const table_def& t;
    spec_error e{};

    constexpr bool failed() const { return e.code != spec_errc::ok; }

    constexpr detail::message& fail(spec_errc code) {
        e.code = code;
        e.message.append("driftless: table ").append_quoted(t.name).append(": ");
        return e.message;
    }

    constexpr void name(std::string_view n, std::string_view what) {
        if (failed()) return;
        if (const char* p = name_problem(n, DRIFTLESS_MAX_NAME_BYTES)) {
            fail(spec_errc::invalid_name)
                .append("the name of ")
                .append(what)
                .append(" ")
                .append_quoted(n)
                .append(" ")
                .append(p)
                .append("; use a non-empty UTF-8 name of at most ")
                .append_number(DRIFTLESS_MAX_NAME_BYTES)
                .append(" bytes");
        }
    }

    /// A charset or collation name, written into SQL unquoted on MySQL: letters, digits and
    /// "_.@-" only (utf8mb4_bin, C, en_US.utf8, und-x-icu).
    constexpr void word(std::string_view n, std::string_view what, std::string_view owner) {
        if (failed()) return;
        if (!is_collation_name(n, true))
            fail(spec_errc::invalid_name)
                .append("the ")
                .append(what)
                .append(" of ")
                .append_quoted(owner)
                .append(" is ")
                .append_quoted(n)
                .append("; use at most 64 letters, digits and _ . @ -");
    }

    constexpr void fragment(std::string_view sql, std::string_view what, std::string_view owner) {
        if (failed()) return;
        if (const char* p = fragment_problem(sql)) {
            fail(spec_errc::bad_sql_fragment)
                .append("the SQL of ")
                .append(what)
                .append(" ")
                .append_quoted(owner)
                .append(" ")
                .append(p)
                .append("; write one expression without ';', comments, '$' or backslashes");
        }
    }

    constexpr bool is_unique_key(const table_def& target, const key_columns& cols) const {
        if (!target.primary_key.empty() && target.primary_key.same_set(cols)) return true;
        for (const auto& u : target.uniques) {
            if (u.columns.same_set(cols)) return true;
        }
        for (const auto& x : target.indexes) {
            if (x.unique && x.where.empty() && x.columns.same_set(cols)) return true;
        }
        return false;
    }

    constexpr spec_error run() {
        if (t.build_error.code != spec_errc::ok) return t.build_error;
        name(t.name, "the table");
        if (!t.previous_name.empty()) name(t.previous_name, "the previous table");
        if (!t.charset.empty()) word(t.charset, "charset", t.name);
        if (!t.collation.empty()) word(t.collation, "collation", t.name);
        if (!t.primary_key_name.empty()) {
            name(t.primary_key_name, "the primary key");
            if (!failed() && t.primary_key.empty())
                fail(spec_errc::invalid_name).append("primary_key_name ").append_quoted(t.primary_key_name).append(" names a primary key the table does not have");
        }
        for (std::size_t i = 0; i < t.columns.size() && !failed(); ++i) {
            const column_def& c = t.columns[i];
            name(c.name, "column");
            if (!c.previous_name.empty()) name(c.previous_name, "the previous column of");
            for (std::size_t j = 0; j < i && !failed(); ++j) {
                if (t.columns[j].name == c.name)
                    fail(spec_errc::duplicate_column)
                        .append("two columns are named ")
                        .append_quoted(c.name)
                        .append("; give one another name with .column_name(&T::")
                        .append(c.field)
                        .append(", \"...\")");
            }
            if (failed()) break;
            if (c.primary_key() && c.nullable())
                fail(spec_errc::nullable_primary_key)
                    .append("primary key column ")
                    .append_quoted(c.name)
                    .append(" is std::optional; make the field non-optional");
            if (c.auto_increment() && (t.primary_key.size() != 1 || !c.primary_key() || c.type.kind != type_kind::integer))
                fail(spec_errc::bad_auto_increment)
                    .append("auto_increment column ")
                    .append_quoted(c.name)
                    .append(" must be an integer and the single-column primary key");
            if (!c.collation.empty()) word(c.collation, "collation", c.name);
            if (!c.charset.empty()) word(c.charset, "charset", c.name);
            if ((!c.collation.empty() || !c.charset.empty()) && c.type.kind != type_kind::text &&
                c.type.kind != type_kind::enumeration && c.type.kind != type_kind::custom)
                fail(spec_errc::invalid_name)
                    .append("a collation or charset needs a string column; ")
                    .append_quoted(c.name)
                    .append(" is not one");
            if (c.on_update_current_timestamp() && c.type.kind != type_kind::timestamp && c.type.kind != type_kind::custom)
                fail(spec_errc::bad_default)
                    .append("on_update_current_timestamp needs a timestamp column; ")
                    .append_quoted(c.name)
                    .append(" is not one");
            if (failed()) break;
            if (c.type.kind == type_kind::custom) {
                fragment(c.type.sqlite, "the SQLite type of", c.name);
                fragment(c.type.postgresql, "the PostgreSQL type of", c.name);
                fragment(c.type.mysql, "the MySQL type of", c.name);
            }
            if (c.type.kind == type_kind::integer && c.type.bits != 8 && c.type.bits != 16 && c.type.bits != 32 &&
                c.type.bits != 64)
                fail(spec_errc::bad_length).append("integer column ").append_quoted(c.name).append(" must have 8, 16, 32 or 64 bits");
            if (c.type.kind == type_kind::real && c.type.bits != 32 && c.type.bits != 64)
                fail(spec_errc::bad_length).append("real column ").append_quoted(c.name).append(" must have 32 or 64 bits");
            if (c.type.kind == type_kind::decimal && (c.type.precision == 0 || c.type.scale > c.type.precision))
                fail(spec_errc::bad_length)
                    .append("decimal column ")
                    .append_quoted(c.name)
                    .append(" needs 0 < precision and scale <= precision");
            const default_def& d = c.default_value;
            if (failed() || d.kind == default_kind::none) continue;
            if (c.auto_increment())
                fail(spec_errc::bad_default).append("auto_increment column ").append_quoted(c.name).append(" cannot have a default");
            else if (d.kind == default_kind::real && (d.real != d.real || d.real > std::numeric_limits<double>::max() ||
                                                      d.real < -std::numeric_limits<double>::max()))
                fail(spec_errc::bad_default).append("the default of ").append_quoted(c.name).append(" is not a finite number");
            else if (d.kind == default_kind::text) {
                for (char ch : d.text) {
                    if (ch == '\0') {
                        fail(spec_errc::bad_default).append("the default of ").append_quoted(c.name).append(" contains NUL");
                        break;
                    }
                }
                if (!failed() && !is_valid_utf8(d.text))
                    fail(spec_errc::bad_default).append("the default of ").append_quoted(c.name).append(" is not UTF-8");
                if (!failed() && c.type.kind == type_kind::enumeration) {
                    bool known = false;
                    for (std::string_view v : c.type.enum_values) known = known || v == d.text;
                    if (!known)
                        fail(spec_errc::bad_default)
                            .append("the default of ")
                            .append_quoted(c.name)
                            .append(" is not one of the enum's names");
                }
            } else if (d.kind == default_kind::expression) {
                fragment(d.text, "the default of", c.name);
            }
        }
        for (std::size_t i = 0; i < t.indexes.size() && !failed(); ++i) {
            const index_def& x = t.indexes[i];
            name(x.name, "index");
            if (!failed() && x.columns.empty())
                fail(spec_errc::unknown_column).append("index ").append_quoted(x.name).append(" has no columns");
            if (!x.where.empty()) fragment(x.where, "the WHERE of index", x.name);
            for (std::size_t j = 0; j < i && !failed(); ++j) {
                if (t.indexes[j].name == x.name)
                    fail(spec_errc::duplicate_name).append("two indexes are named ").append_quoted(x.name);
            }
        }
        for (const unique_def& u : t.uniques) {
            if (failed()) break;
            if (!u.name.empty()) name(u.name, "unique constraint");
            if (!failed() && u.columns.empty()) fail(spec_errc::unknown_column).append("a unique constraint has no columns");
        }
        for (std::size_t i = 0; i < t.checks.size() && !failed(); ++i) {
            const check_def& c = t.checks[i];
            if (!c.name.empty()) name(c.name, "check");
            fragment(c.expression, "check", c.name.empty() ? c.expression : c.name);
            for (std::size_t j = 0; j < i && !failed(); ++j) {
                if (!c.name.empty() && t.checks[j].name == c.name)
                    fail(spec_errc::duplicate_name).append("two checks are named ").append_quoted(c.name);
            }
        }
        for (const foreign_key_def& fk : t.foreign_keys) {
            if (failed()) break;
            if (!fk.name.empty()) name(fk.name, "foreign key");
            if (failed() || fk.columns.empty() || fk.target_columns.empty()) continue;
            const table_def& target = fk.target_of(t);
            const column_def& from = t.columns[fk.columns[0]];
            if (target.primary_key.empty()) {
                fail(spec_errc::fk_target_without_primary_key)
                    .append("foreign key on ")
                    .append_quoted(from.name)
                    .append(" references table ")
                    .append_quoted(target.name)
                    .append(", which has no primary key; give it one with .primary_key(...)");
                break;
            }
            if (!is_unique_key(target, fk.target_columns)) {
                fail(spec_errc::fk_target_not_unique)
                    .append("foreign key on ")
                    .append_quoted(from.name)
                    .append(" must reference the primary key or a unique column of ")
                    .append_quoted(target.name);
                break;
            }
            for (std::size_t k = 0; k < fk.columns.size() && k < fk.target_columns.size() && !failed(); ++k) {
                const column_def& col = t.columns[fk.columns[k]];
                const column_def& ref = target.columns[fk.target_columns[k]];
                const type_def& a = col.type;
                const type_def& b = ref.type;
                const bool compatible =
                    a.kind == b.kind && (a.kind != type_kind::integer || (a.bits == b.bits && a.is_unsigned == b.is_unsigned)) &&
                    (a.kind != type_kind::decimal || (a.precision == b.precision && a.scale == b.scale));
                if (!compatible)
                    fail(spec_errc::fk_type_mismatch)
                        .append("foreign key column ")
                        .append_quoted(col.name)
                        .append(" must have the same type as ")
                        .append_quoted(target.name)
                        .append(".")
                        .append(ref.name);
                // SET NULL sets every column of the key to NULL.
                if (!failed() && !col.nullable() && (fk.on_delete == fk_action::set_null || fk.on_update == fk_action::set_null))
                    fail(spec_errc::set_null_not_optional)
                        .append("foreign key column ")
                        .append_quoted(col.name)
                        .append(" is not optional, so ON ")
                        .append(fk.on_delete == fk_action::set_null ? "DELETE" : "UPDATE")
                        .append(" SET NULL cannot work; make the field std::optional");
            }
        }
        return e;
    }
};

}  // namespace detail

/// Check a table descriptor; spec_errc::ok when it can be used.
constexpr spec_error validate(const table_def& t) { return detail::validator{t}.run(); }

/// The validation result of T's spec, for static_assert in tests.
template <table_type T>
inline constexpr spec_error validation_v = validate(table_v<T>);

namespace detail {

/// Shown by the compiler when a spec is invalid: the model, the error code and the message.
template <class Model, spec_errc Code, spec_errc Checked, message Message>
struct spec_check {
    static constexpr bool value = Code != Checked;
};

/// Stops compilation with a message starting "driftless: " when T's spec is invalid. Each code
/// has its own assertion so that only the one that applies fires.
template <class T>
consteval bool require_valid() {
    constexpr spec_error e = validation_v<T>;
    // A valid spec instantiates none of the checks below: each one names the whole message as a
    // template argument, which costs the compiler far more than the test that it is empty.
    if constexpr (e.code != spec_errc::ok) {
#define DRIFTLESS_SPEC_CHECK(which, text) \
    static_assert(spec_check<T, e.code, spec_errc::which, e.message>::value, "driftless: " text)
    DRIFTLESS_SPEC_CHECK(invalid_name, "a name is empty, not UTF-8, or longer than 63 bytes; shorten or fix it");
    DRIFTLESS_SPEC_CHECK(duplicate_column, "two fields map to the same column name; rename one with .column_name()");
    DRIFTLESS_SPEC_CHECK(duplicate_name, "two indexes or constraints share a name; give each its own name");
    DRIFTLESS_SPEC_CHECK(two_primary_keys, "the spec declares primary_key twice; keep one call (list every column of a composite key in it)");
    DRIFTLESS_SPEC_CHECK(nullable_primary_key, "a primary key column is std::optional; make it non-optional");
    DRIFTLESS_SPEC_CHECK(unknown_column, "a key, index or foreign key names a column the table does not have; fix the name");
    DRIFTLESS_SPEC_CHECK(unknown_member, "a member pointer names a member the reflection does not see; describe it or make the type an aggregate");
    DRIFTLESS_SPEC_CHECK(fk_target_without_primary_key, "a foreign key references a model without a primary key; give that model .primary_key(...)");
    DRIFTLESS_SPEC_CHECK(fk_target_not_unique, "a foreign key must reference the primary key or a unique column of its target");
    DRIFTLESS_SPEC_CHECK(fk_type_mismatch, "a foreign key column's type does not match the referenced column; use the same type");
    DRIFTLESS_SPEC_CHECK(set_null_not_optional, "SET NULL on a foreign key whose column is not std::optional; make the field std::optional");
    DRIFTLESS_SPEC_CHECK(bad_auto_increment, "auto_increment needs an integer single-column primary key");
    DRIFTLESS_SPEC_CHECK(bad_length, "a length or type parameter does not fit its column; fix .length() or .sql_type()");
    DRIFTLESS_SPEC_CHECK(bad_default, "a default value cannot be used; fix .default_value()");
    DRIFTLESS_SPEC_CHECK(bad_sql_fragment, "a CHECK, WHERE, default expression or custom type is not one safe SQL expression");
    DRIFTLESS_SPEC_CHECK(too_many, "the spec exceeds a DRIFTLESS_MAX_* limit; define it higher before including driftless");
    DRIFTLESS_SPEC_CHECK(not_reflectable, "the type cannot be reflected");
#undef DRIFTLESS_SPEC_CHECK
    }
    return true;
}

}  // namespace detail

}  // namespace driftless

#endif  // DRIFTLESS_TABLE_HPP
