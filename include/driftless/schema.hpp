// driftless — the runtime schema value: what the models want and what a database has.
#ifndef DRIFTLESS_SCHEMA_HPP
#define DRIFTLESS_SCHEMA_HPP

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <driftless/config.hpp>
#include <driftless/detail/text.hpp>
#include <driftless/table.hpp>
#include <driftless/types.hpp>

namespace driftless {

/// The SQL dialects driftless renders.
enum class dialect { sqlite, postgresql, mysql };

/// A column type with owned text (runtime counterpart of type_def).
struct column_type {
    type_kind kind = type_kind::none;
    std::uint8_t bits = 0;
    bool is_unsigned = false;
    std::uint32_t length = 0;
    std::uint8_t precision = 0;
    std::uint8_t scale = 0;
    bool local = false;  ///< timestamp without time zone
    std::vector<std::string> enum_values{};
    std::string sqlite{};
    std::string postgresql{};
    std::string mysql{};

    friend bool operator==(const column_type&, const column_type&) = default;
};

/// A column default with owned text (runtime counterpart of default_def).
struct column_default {
    default_kind kind = default_kind::none;
    bool boolean = false;
    std::int64_t integer = 0;
    double real = 0;
    std::string text{};

    friend bool operator==(const column_default&, const column_default&) = default;
};

struct column_info {
    std::string name{};
    column_type type{};
    bool nullable = false;
    bool auto_increment = false;
    column_default default_value{};
    std::string previous_name{};  ///< rename hint
    /// The column's COLLATE: from a model's .collation(), or as the catalog has it (SQLite: as
    /// declared; PostgreSQL: where it is not the type's default; MySQL: where it is not the
    /// table's). Where a model does not set it, a rebuild (SQLite), ALTER ... TYPE (PostgreSQL) or
    /// MODIFY COLUMN (MySQL) keeps the column's.
    std::string collation{};
    /// SQLite: a generated column's clause as the catalog has it ("GENERATED ALWAYS AS (a * b)
    /// STORED"); empty for a stored column. Models do not set it; a rebuild keeps it.
    std::string generated{};
    /// MySQL: the column's CHARACTER SET, from a model's .charset() or the catalog (read with a
    /// collation of the column's own). Where a model does not set it, MODIFY COLUMN keeps it
    /// (without it, the table's default charset would replace the column's).
    std::string charset{};
    /// MySQL: the column's ON UPDATE ("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP(3)"), from a model's
    /// .on_update_current_timestamp() or the catalog. Where a model does not set it, MODIFY
    /// COLUMN keeps it.
    std::string on_update{};
    /// MySQL: the column's COMMENT as the catalog has it. Models do not set it; MODIFY COLUMN
    /// keeps it.
    std::string comment{};

    friend bool operator==(const column_info&, const column_info&) = default;
};

struct unique_info {
    std::string name{};
    std::vector<std::string> columns{};
    /// Read from a catalog: made by hand, not by driftless; kept unless the plan prunes.
    bool unmanaged = false;
    friend bool operator==(const unique_info&, const unique_info&) = default;
};

struct index_info {
    std::string name{};
    std::vector<std::string> columns{};
    bool unique = false;
    std::string where{};
    /// Read from a catalog: the CREATE INDEX of an index made by hand (SQLite), which a rebuild
    /// runs as it is; the only description of an index on an expression (`columns` is empty).
    std::string definition{};
    /// Read from a catalog: made by hand, not by driftless; kept unless the plan prunes.
    bool unmanaged = false;
    friend bool operator==(const index_info&, const index_info&) = default;
};

struct foreign_key_info {
    std::string name{};
    std::vector<std::string> columns{};
    std::string ref_table{};
    std::vector<std::string> ref_columns{};
    fk_action on_delete = fk_action::no_action;
    fk_action on_update = fk_action::no_action;
    /// Read from a catalog: made by hand, not by driftless; kept unless the plan prunes.
    bool unmanaged = false;
    friend bool operator==(const foreign_key_info&, const foreign_key_info&) = default;
};

struct check_info {
    std::string name{};  ///< empty for a check the catalog has without a name
    std::string expression{};
    /// Read from a catalog: made by hand, not by driftless; kept unless the plan prunes.
    bool unmanaged = false;
    friend bool operator==(const check_info&, const check_info&) = default;
};

/// One table: columns in order, keys, indexes, foreign keys, checks.
struct table_info {
    std::string name{};
    std::string previous_name{};  ///< rename hint
    /// SQLite: the table options after the column list ("STRICT", "WITHOUT ROWID", both), as the
    /// catalog has them. Models do not set them; a rebuild keeps them.
    std::string sqlite_options{};
    /// MySQL: the table's default CHARSET and COLLATE (the catalog's TABLE_COLLATION; a model's
    /// .charset()/.collation(), written when the table is created).
    std::string charset{};
    std::string collation{};
    /// The primary key constraint's name (SQLite, PostgreSQL); empty: the engine's own. A model
    /// that does not name it keeps the one the table has.
    std::string primary_key_name{};
    std::vector<column_info> columns{};
    std::vector<std::string> primary_key{};
    std::vector<unique_info> uniques{};
    std::vector<index_info> indexes{};
    std::vector<foreign_key_info> foreign_keys{};
    std::vector<check_info> checks{};

    [[nodiscard]] const column_info* find_column(std::string_view column) const {
        for (const auto& c : columns) {
            if (c.name == column) return &c;
        }
        return nullptr;
    }
    friend bool operator==(const table_info&, const table_info&) = default;
};

/// A set of tables.
struct schema {
    std::vector<table_info> tables{};

    [[nodiscard]] const table_info* find_table(std::string_view table) const {
        for (const auto& t : tables) {
            if (t.name == table) return &t;
        }
        return nullptr;
    }
    friend bool operator==(const schema&, const schema&) = default;
};

namespace detail {

/// A generated constraint name that fits every dialect: names longer than the limit keep a
/// prefix and end in '_' plus 8 hex digits of a hash of the full name.
inline std::string fit_name(std::string name) {
    constexpr std::size_t limit = DRIFTLESS_MAX_NAME_BYTES;
    if (name.size() <= limit) return name;
    const std::uint32_t h = fnv1a(name);
    std::size_t cut = limit - 9;
    while (cut != 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
    name.resize(cut);
    name += '_';
    constexpr char hex[] = "0123456789abcdef";
    for (int shift = 28; shift >= 0; shift -= 4) name += hex[(h >> shift) & 0xFu];
    return name;
}

/// A referential action as catalogs spell it: "CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT",
/// anything else NO ACTION. `restrict_as`: what RESTRICT means (InnoDB checks both at once).
inline fk_action parse_fk_action(std::string_view s, fk_action restrict_as = fk_action::restrict) {
    if (s == "CASCADE") return fk_action::cascade;
    if (s == "SET NULL") return fk_action::set_null;
    if (s == "SET DEFAULT") return fk_action::set_default;
    return s == "RESTRICT" ? restrict_as : fk_action::no_action;
}

/// The element of `list` (uniques, indexes, foreign keys, checks) named `name`, or nullptr.
template <class List>
const typename List::value_type* by_name(const List& list, std::string_view name) {
    for (const auto& x : list) {
        if (x.name == name) return &x;
    }
    return nullptr;
}

inline std::vector<std::string> column_names(const table_def& t, const key_columns& k) {
    std::vector<std::string> out{};
    out.reserve(k.size());
    for (std::uint16_t i : k.view()) out.emplace_back(t.columns[i].name);
    return out;
}

inline std::string joined_names(const std::vector<std::string>& names) {
    std::string out{};
    for (const auto& n : names) {
        if (!out.empty()) out += '_';
        out += n;
    }
    return out;
}

}  // namespace detail

/// The runtime type of a descriptor's type.
inline column_type to_column_type(const type_def& t) {
    column_type c;
    c.kind = t.kind;
    c.bits = t.bits;
    c.is_unsigned = t.is_unsigned;
    c.length = t.length;
    c.precision = t.precision;
    c.scale = t.scale;
    c.local = t.local;
    for (std::string_view v : t.enum_values) c.enum_values.emplace_back(v);
    c.sqlite = t.sqlite;
    c.postgresql = t.postgresql;
    c.mysql = t.mysql;
    return c;
}

/// The runtime table a descriptor describes, with every generated name filled in. (Like the
/// runner, compiled once in driftless::runtime when a program links it.)
DRIFTLESS_RUNTIME_INLINE table_info to_table_info(const table_def& t);

namespace detail {
/// The schema of these tables, in this order.
DRIFTLESS_RUNTIME_INLINE schema schema_of(std::span<const table_def* const> defs);
}  // namespace detail

/// The table T's model describes.
template <table_type T>
table_info to_table_info() {
    static_assert(detail::require_valid<T>());
    return to_table_info(table_v<T>);
}

/// The schema a set of models describes, tables in the order given.
template <table_type... Ts>
schema to_schema() {
    static_assert((detail::require_valid<Ts>() && ...));
    const std::array<const table_def*, sizeof...(Ts)> defs{&table_v<Ts>...};  // may be empty
    return detail::schema_of(defs);
}

}  // namespace driftless

#if DRIFTLESS_DEFINE_RUNTIME
namespace driftless {

DRIFTLESS_RUNTIME_INLINE table_info to_table_info(const table_def& t) {
    table_info out;
    out.name = t.name;
    out.previous_name = t.previous_name;
    out.charset = t.charset;
    out.collation = t.collation;
    out.primary_key_name = t.primary_key_name;
    for (const column_def& c : t.columns) {
        column_info col;
        col.name = c.name;
        col.type = to_column_type(c.type);
        col.nullable = c.nullable();
        col.auto_increment = c.auto_increment();
        col.default_value.kind = c.default_value.kind;
        col.default_value.boolean = c.default_value.boolean;
        col.default_value.integer = c.default_value.integer;
        col.default_value.real = c.default_value.real;
        col.default_value.text = c.default_value.text;
        col.previous_name = c.previous_name;
        col.collation = c.collation;
        col.charset = c.charset;
        if (c.on_update_current_timestamp()) {
            col.on_update = "CURRENT_TIMESTAMP";
            if (c.type.kind == type_kind::timestamp && c.type.precision != 0) col.on_update += "(" + std::to_string(c.type.precision) + ")";
        }
        out.columns.push_back(std::move(col));
    }
    out.primary_key = detail::column_names(t, t.primary_key);
    for (const unique_def& u : t.uniques) {
        unique_info info;
        info.columns = detail::column_names(t, u.columns);
        info.name = u.name.empty() ? detail::fit_name(out.name + "_" + detail::joined_names(info.columns) + "_key")
                                   : std::string(u.name);
        out.uniques.push_back(std::move(info));
    }
    for (const index_def& x : t.indexes) {
        out.indexes.push_back(index_info{std::string(x.name), detail::column_names(t, x.columns), x.unique,
                                         std::string(x.where)});
    }
    for (const foreign_key_def& fk : t.foreign_keys) {
        const table_def& target = fk.target_of(t);
        foreign_key_info info;
        info.columns = detail::column_names(t, fk.columns);
        info.ref_table = target.name;
        info.ref_columns = detail::column_names(target, fk.target_columns);
        info.on_delete = fk.on_delete;
        info.on_update = fk.on_update;
        info.name = fk.name.empty() ? detail::fit_name(out.name + "_" + detail::joined_names(info.columns) + "_fkey")
                                    : std::string(fk.name);
        out.foreign_keys.push_back(std::move(info));
    }
    for (const check_def& c : t.checks) {
        check_info info;
        info.expression = c.expression;
        if (c.name.empty()) {
            constexpr char hex[] = "0123456789abcdef";
            const std::uint32_t h = detail::fnv1a(c.expression);
            std::string suffix{};
            for (int shift = 28; shift >= 0; shift -= 4) suffix += hex[(h >> shift) & 0xFu];
            info.name = detail::fit_name(out.name + "_check_" + suffix);
        } else {
            info.name = c.name;
        }
        out.checks.push_back(std::move(info));
    }
    return out;
}

namespace detail {

DRIFTLESS_RUNTIME_INLINE schema schema_of(std::span<const table_def* const> defs) {
    schema s;
    s.tables.reserve(defs.size());
    for (const table_def* d : defs) s.tables.push_back(to_table_info(*d));
    return s;
}

}  // namespace detail

}  // namespace driftless
#endif

#endif  // DRIFTLESS_SCHEMA_HPP
