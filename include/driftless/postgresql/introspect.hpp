// driftless — reading one PostgreSQL schema from pg_catalog, in a constant number of queries sent
// in one round trip, whatever the number of tables.
#ifndef DRIFTLESS_POSTGRESQL_INTROSPECT_HPP
#define DRIFTLESS_POSTGRESQL_INTROSPECT_HPP

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <driftless/detail/memo.hpp>
#include <driftless/diff.hpp>
#include <driftless/postgresql/connection.hpp>
#include <driftless/render.hpp>
#include <driftless/schema.hpp>

namespace driftless::postgresql {

/// Options of postgresql::introspect.
struct introspect_options {
    /// The schema to read; empty: the connection's (connect_options::schema, else current_schema()).
    std::string schema_name{};
    bool include_driftless_tables = false;  ///< also report _driftless_* tables
};

/// What PostgreSQL keeps beside the portable schema value, which rendering needs.
struct catalog {
    driftless::schema tables{};
    std::map<std::string, std::string> primary_key_names{};        ///< table -> constraint name
    std::set<std::pair<std::string, std::string>> serial_columns{};  ///< (table, column) with a nextval() default
    std::set<std::pair<std::string, std::string>> invalid_indexes{};  ///< (table, index) left INVALID (failed CONCURRENTLY)
    std::set<std::string> partitioned_tables{};  ///< no CREATE INDEX CONCURRENTLY on these
};

/// The table where driftless remembers how PostgreSQL rewrote what it created: the catalog's
/// text of a default, check or index predicate beside the model's. When the catalog still says
/// exactly that, introspection reports the model's text, so migrating twice plans nothing; an
/// out-of-band change makes the texts differ and shows up in the plan.
inline constexpr std::string_view expressions_table = "_driftless_expressions";

inline std::string expressions_table_sql() { return driftless::detail::memo_table_sql(dialect::postgresql); }

namespace detail {

using driftless::detail::canonical_pg_type;
using driftless::detail::normalize_sql;

inline const std::string& schema_name(const connection& db, const introspect_options& options) {
    return !options.schema_name.empty() ? options.schema_name : db.options().schema;
}

/// A driftless table's name for SQL: qualified with the schema when one is set, otherwise found
/// on the search_path like every table driftless creates.
inline std::string own_table(const connection& db, std::string_view table, const introspect_options& options = {}) {
    const std::string& name = schema_name(db, options);
    const std::string quoted = quote_identifier(table, dialect::postgresql);
    return name.empty() ? quoted : quote_identifier(name, dialect::postgresql) + "." + quoted;
}

/// The schema condition of the catalog queries: $1, or the current schema when $1 is empty.
inline constexpr std::string_view in_schema = "n.nspname = coalesce(nullif($1, ''), pg_catalog.current_schema())";

/// What introspection sends, in one round trip (pipeline mode): columns; constraints; indexes;
/// the columns of tables in other schemas that foreign keys reference; and, `with_memo`, the
/// remembered expressions. One row per column, constraint or index: key columns come as attribute
/// numbers, resolved against the columns already read. The first four are prepared once per session.
inline std::vector<pipelined> catalog_calls(const std::string& schema_name, const std::string& memo_table, bool with_memo) {
    const std::string where(in_schema);
    std::vector<pipelined> calls{
        {"driftless_catalog_columns_2",
         "SELECT a.attrelid, c.relname, a.attnum, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, "
         "pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity, c.relkind, "
         "(SELECT co.collname FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid "
         "WHERE co.oid = a.attcollation AND a.attcollation <> ty.typcollation) "
         "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
         "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
         "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
         "WHERE " + where + " AND c.relkind IN ('r', 'p') ORDER BY a.attrelid, a.attnum",
         {schema_name}},
        {"driftless_catalog_constraints_1",
         "SELECT k.conrelid, k.conname, k.contype, pg_catalog.array_to_string(k.conkey, ' '), k.confrelid, "
         "pg_catalog.array_to_string(k.confkey, ' '), k.confdeltype, k.confupdtype, k.conindid, "
         "CASE WHEN k.contype = 'c' THEN pg_catalog.pg_get_constraintdef(k.oid) END, rc.relname, "
         "CASE WHEN rc.relnamespace <> c.relnamespace THEN (SELECT nspname FROM pg_catalog.pg_namespace "
         "WHERE oid = rc.relnamespace) END "
         "FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid "
         "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_catalog.pg_class rc ON rc.oid = k.confrelid "
         "WHERE " + where + " AND k.contype IN ('p', 'u', 'f', 'c', 'x') AND c.relkind IN ('r', 'p') "
         "ORDER BY k.conrelid, k.conname",
         {schema_name}},
        {"driftless_catalog_indexes_1",
         "SELECT x.indrelid, i.relname, x.indisunique, x.indisvalid, pg_catalog.array_to_string(x.indkey::pg_catalog.int2[], ' '), "
         "x.indnkeyatts, CASE WHEN x.indpred IS NOT NULL THEN pg_catalog.pg_get_expr(x.indpred, x.indrelid) END, "
         "x.indexprs IS NOT NULL, i.relam = (SELECT oid FROM pg_catalog.pg_am WHERE amname = 'btree'), x.indexrelid, "
         "x.indnatts > x.indnkeyatts OR pg_catalog.array_to_string(x.indoption::pg_catalog.int2[], '') ~ '[^0]', "
         "CASE WHEN NOT x.indisvalid THEN EXISTS (SELECT 1 FROM pg_catalog.pg_stat_progress_create_index p "
         "WHERE p.index_relid = x.indexrelid) END "
         "FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid "
         "JOIN pg_catalog.pg_class c ON c.oid = x.indrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
         "WHERE " + where + " AND c.relkind IN ('r', 'p') ORDER BY x.indrelid, i.relname",
         {schema_name}},
        {"driftless_catalog_referenced_1",
         "SELECT a.attrelid, a.attnum, a.attname FROM pg_catalog.pg_attribute a WHERE a.attnum > 0 AND a.attrelid IN ("
         "SELECT k.confrelid FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid "
         "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace JOIN pg_catalog.pg_class rc ON rc.oid = k.confrelid "
         "WHERE k.contype = 'f' AND " + where + " AND rc.relnamespace <> n.oid)",
         {schema_name}},
    };
    if (with_memo) calls.push_back({{}, "SELECT table_name, kind, name, catalog_sql, model_sql FROM " + memo_table, {}});
    return calls;
}

inline fk_action parse_action(char c) {
    switch (c) {
        case 'r': return fk_action::restrict;
        case 'c': return fk_action::cascade;
        case 'n': return fk_action::set_null;
        case 'd': return fk_action::set_default;
        default: return fk_action::no_action;
    }
}

/// The value of a '...' literal at the start of `text` and the offset after it; npos when `text`
/// does not start with one.
inline std::pair<std::string, std::size_t> leading_literal(std::string_view text) {
    if (text.empty() || text[0] != '\'') return {{}, std::string_view::npos};
    std::string value;
    for (std::size_t i = 1; i < text.size(); ++i) {
        if (text[i] == '\'') {
            if (i + 1 < text.size() && text[i + 1] == '\'') {
                value += '\'';
                ++i;
                continue;
            }
            return {value, i + 1};
        }
        value += text[i];
    }
    return {{}, std::string_view::npos};
}

inline bool is_number(std::string_view s) {
    if (s.empty()) return false;
    std::size_t i = s[0] == '-' || s[0] == '+' ? 1 : 0;
    bool digit = false;
    for (; i < s.size(); ++i) {
        const char c = s[i];
        if (c >= '0' && c <= '9') {
            digit = true;
        } else if (c != '.' && c != 'e' && c != 'E' && c != '-' && c != '+') {
            return false;
        }
    }
    return digit;
}

/// A default as the catalog prints it (pg_get_expr), in the spelling driftless renders where the
/// two differ only in form: 'x'::text -> 'x' (E'' when it has a backslash), '-5'::integer -> -5,
/// now() -> CURRENT_TIMESTAMP. Anything else is kept as it is.
inline std::string default_sql(const std::string& reported) {
    const auto [value, end] = leading_literal(reported);
    if (end != std::string_view::npos && end < reported.size() && reported.compare(end, 2, "::") == 0) {
        const std::string type = canonical_pg_type(std::string_view(reported).substr(end + 2));
        if (type == "text" || type.rfind("varchar", 0) == 0 || type.rfind("bpchar", 0) == 0) {
            try {
                return quote_text(value, dialect::postgresql);
            } catch (const error&) {
                return reported;
            }
        }
        const bool numeric = type == "int2" || type == "int4" || type == "int8" || type == "float4" || type == "float8" ||
                             type.rfind("numeric", 0) == 0;
        if (numeric && is_number(value)) return value;
    }
    if (normalize_sql(reported) == "now()") return "CURRENT_TIMESTAMP";
    return reported;
}

/// "CHECK ((a > 0))" -> "a > 0" (NOT VALID and the outer parentheses removed).
inline std::string check_expression(std::string def) {
    if (def.rfind("CHECK ", 0) == 0) def.erase(0, 6);
    constexpr std::string_view not_valid = " NOT VALID";
    if (def.size() > not_valid.size() && def.compare(def.size() - not_valid.size(), not_valid.size(), not_valid) == 0)
        def.resize(def.size() - not_valid.size());
    if (def.size() >= 2 && def.front() == '(' && def.back() == ')') def = def.substr(1, def.size() - 2);
    return def;
}

/// "1 2 3" -> {1, 2, 3}.
inline std::vector<int> numbers(std::string_view text) {
    std::vector<int> out;
    int value = 0;
    bool in_number = false, negative = false;
    for (const char c : text) {
        if (c >= '0' && c <= '9') {
            value = value * 10 + (c - '0');
            in_number = true;
        } else if (c == '-') {
            negative = true;
        } else if (in_number || negative) {
            out.push_back(negative ? -value : value);
            value = 0;
            in_number = negative = false;
        }
    }
    if (in_number) out.push_back(negative ? -value : value);
    return out;
}

/// The catalog from the results of catalog_calls(); `raw`: defaults exactly as pg_get_expr()
/// prints them (what the memo of _driftless_expressions compares).
inline catalog read_catalog(std::vector<result>& results, bool include_driftless_tables, bool raw = false) {
    catalog out;
    using attribute_names = std::vector<std::string>;  // by attribute number; "" for a gap
    struct relation {
        table_info table;
        bool reported = false;
        attribute_names columns;
    };
    std::unordered_map<std::uint32_t, relation> by_oid;  // every table of the schema, reported or not
    const auto oid = [](const result& r, int row, int column) {
        return static_cast<std::uint32_t>(std::strtoul(r.view(row, column).data(), nullptr, 10));
    };
    const auto name_of = [](const attribute_names& columns, int attnum, bool& ok) {
        if (attnum <= 0 || static_cast<std::size_t>(attnum) >= columns.size() || columns[static_cast<std::size_t>(attnum)].empty()) {
            ok = false;
            return std::string();
        }
        return columns[static_cast<std::size_t>(attnum)];
    };
    const auto add_name = [](attribute_names& columns, std::int64_t attnum, std::string name) {
        const auto at = static_cast<std::size_t>(attnum);
        if (columns.size() <= at) columns.resize(at + 1);
        columns[at] = std::move(name);
    };
    // Columns, in attribute order per table.
    {
        const result& r = results.at(0);
        for (int i = 0; i < r.rows(); ++i) {
            relation& rel = by_oid[oid(r, i, 0)];
            if (rel.table.name.empty()) {
                rel.table.name = r.text(i, 1);
                rel.reported = include_driftless_tables || rel.table.name.rfind("_driftless_", 0) != 0;
                if (r.view(i, 8) == "p") out.partitioned_tables.insert(rel.table.name);
            }
            column_info c;
            c.name = r.text(i, 3);
            add_name(rel.columns, r.integer(i, 2), c.name);
            c.type.kind = type_kind::custom;
            c.type.postgresql = r.text(i, 4);
            c.nullable = !r.boolean(i, 5);
            if (!r.is_null(i, 9)) c.collation = r.text(i, 9);  // one of the column's own
            const std::string_view identity = r.view(i, 7);
            if (!identity.empty() && (identity[0] == 'a' || identity[0] == 'd')) c.auto_increment = true;
            if (!r.is_null(i, 6)) {
                std::string def = r.text(i, 6);
                if (def.rfind("nextval(", 0) == 0) {
                    c.auto_increment = true;  // serial: the same as an identity column, for a model
                    out.serial_columns.emplace(rel.table.name, c.name);
                } else {
                    c.default_value.kind = default_kind::raw;
                    c.default_value.text = std::move(def);
                }
            }
            rel.table.columns.push_back(std::move(c));
        }
    }
    // Columns of tables in other schemas that foreign keys reference.
    std::unordered_map<std::uint32_t, attribute_names> referenced;
    {
        const result& r = results.at(3);
        for (int i = 0; i < r.rows(); ++i) add_name(referenced[oid(r, i, 0)], r.integer(i, 1), r.text(i, 2));
    }
    // Constraints: one row each, key columns as attribute numbers.
    std::unordered_set<std::uint32_t> constraint_indexes;
    {
        const result& r = results.at(1);
        for (int i = 0; i < r.rows(); ++i) {
            const char type = r.view(i, 2)[0];
            if (type == 'p' || type == 'u' || type == 'x') constraint_indexes.insert(oid(r, i, 8));
            const auto it = by_oid.find(oid(r, i, 0));
            if (it == by_oid.end() || !it->second.reported) continue;
            relation& rel = it->second;
            table_info& t = rel.table;
            const std::string name = r.text(i, 1);
            bool ok = true;
            std::vector<std::string> columns;
            for (const int n : numbers(r.view(i, 3))) columns.push_back(name_of(rel.columns, n, ok));
            if (!ok && type != 'c') continue;  // a key on a system column: nothing a model can say
            switch (type) {
                case 'p':
                    out.primary_key_names[t.name] = name;
                    t.primary_key_name = name;
                    t.primary_key = std::move(columns);
                    break;
                case 'u':
                    t.uniques.push_back({name, std::move(columns)});
                    break;
                case 'f': {
                    const std::uint32_t target = oid(r, i, 4);
                    const auto same_schema = by_oid.find(target);
                    const attribute_names* target_columns =
                        same_schema != by_oid.end() ? &same_schema->second.columns : nullptr;
                    if (target_columns == nullptr) {
                        const auto other = referenced.find(target);
                        if (other != referenced.end()) target_columns = &other->second;
                    }
                    if (target_columns == nullptr) break;
                    foreign_key_info fk;
                    fk.name = name;
                    fk.columns = std::move(columns);
                    // A table of another schema: named with it, so that it never equals a model's table.
                    fk.ref_table = r.is_null(i, 11) ? r.text(i, 10) : r.text(i, 11) + "." + r.text(i, 10);
                    for (const int n : numbers(r.view(i, 5))) fk.ref_columns.push_back(name_of(*target_columns, n, ok));
                    fk.on_delete = parse_action(r.view(i, 6)[0]);
                    fk.on_update = parse_action(r.view(i, 7)[0]);
                    if (ok) t.foreign_keys.push_back(std::move(fk));
                    break;
                }
                case 'c':
                    t.checks.push_back({name, check_expression(r.text(i, 9))});
                    break;
                default:
                    break;
            }
        }
    }
    // Indexes that back no constraint: plain column btree indexes only. Expression indexes and
    // other access methods are not reported, so a plan leaves them alone.
    {
        const result& r = results.at(2);
        for (int i = 0; i < r.rows(); ++i) {
            if (constraint_indexes.count(oid(r, i, 9)) != 0) continue;
            const auto it = by_oid.find(oid(r, i, 0));
            if (it == by_oid.end() || !it->second.reported) continue;
            relation& rel = it->second;
            const std::string name = r.text(i, 1);
            // INVALID: a CREATE INDEX CONCURRENTLY failed (rebuilt by the next migration), unless
            // one is building it right now (then it is taken as there).
            if (!r.boolean(i, 3) && !(!r.is_null(i, 11) && r.boolean(i, 11))) {
                out.invalid_indexes.emplace(rel.table.name, name);
                continue;
            }
            // Expressions, other access methods, INCLUDE columns, DESC or NULLS FIRST: nothing a
            // model says; left alone.
            if (r.boolean(i, 7) || !r.boolean(i, 8) || r.boolean(i, 10)) continue;
            std::vector<int> keys = numbers(r.view(i, 4));
            keys.resize(std::min<std::size_t>(keys.size(), static_cast<std::size_t>(r.integer(i, 5))));
            index_info x{name, {}, r.boolean(i, 2), r.is_null(i, 6) ? std::string() : r.text(i, 6)};
            bool ok = true;
            for (const int n : keys) x.columns.push_back(name_of(rel.columns, n, ok));
            if (ok) rel.table.indexes.push_back(std::move(x));
        }
    }
    std::map<std::string, table_info> tables;  // reported tables, by name
    for (auto& [number, rel] : by_oid) {
        if (rel.reported) tables.emplace(rel.table.name, std::move(rel.table));
    }
    // What driftless created, as the models wrote it, where the catalog still has it unchanged;
    // and what it did not create (made by hand: kept unless a plan prunes).
    {
        std::vector<driftless::detail::memo_row> rows;
        if (results.size() > 4) {
            const result& r = results.at(4);
            for (int i = 0; i < r.rows(); ++i) rows.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4)});
        }
        driftless::schema remembered;
        for (auto& [name, t] : tables) remembered.tables.push_back(std::move(t));
        driftless::detail::apply_memo(remembered, rows);
        driftless::detail::apply_ownership(remembered, rows);
        tables.clear();
        for (auto& t : remembered.tables) tables.emplace(t.name, std::move(t));
    }
    // Literal defaults in driftless's spelling (after the memo, which compares the catalog's text).
    for (auto& [name, t] : tables) {
        for (auto& c : t.columns) {
            if (!raw && c.default_value.kind == default_kind::raw) c.default_value.text = default_sql(c.default_value.text);
        }
        out.tables.tables.push_back(std::move(t));
    }
    return out;
}

}  // namespace detail

/// The tables of one schema with what rendering needs beside them, in one round trip. `with_memo`:
/// the _driftless_expressions table exists and is read too; `raw`: defaults as the catalog prints them.
inline catalog read_catalog(const connection& db, const introspect_options& options = {}, bool with_memo = false,
                            bool raw = false) {
    std::vector<result> results = db.pipeline(
        detail::catalog_calls(detail::schema_name(db, options), detail::own_table(db, expressions_table, options), with_memo));
    return detail::read_catalog(results, options.include_driftless_tables, raw);
}

/// Every ordinary and partitioned table of the schema (tables driftless keeps for itself left out
/// unless asked), with columns in order, primary key, unique constraints, foreign keys, checks,
/// and the plain indexes that back no constraint. Types are reported as format_type() spells them
/// (type_kind::custom); defaults as pg_get_expr() does (default_kind::raw), literals in
/// driftless's spelling; identity and serial columns as auto_increment. Expression indexes and
/// indexes of other access methods than btree are not reported, so a plan leaves them alone.
/// Five queries in one round trip whatever the number of tables (and one to see whether the
/// memo table exists).
inline schema introspect(const connection& db, const introspect_options& options = {}) {
    const result memo = db.execute("SELECT to_regclass(" +
                                   quote_text(detail::own_table(db, expressions_table, options), dialect::postgresql) +
                                   ") IS NOT NULL");
    return read_catalog(db, options, memo.boolean(0, 0)).tables;
}

}  // namespace driftless::postgresql

#endif  // DRIFTLESS_POSTGRESQL_INTROSPECT_HPP
