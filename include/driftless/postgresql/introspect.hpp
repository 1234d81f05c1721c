// driftless — reading one PostgreSQL schema from pg_catalog, in a constant number of queries sent
// in one round trip, whatever the number of tables.
#ifndef DRIFTLESS_POSTGRESQL_INTROSPECT_HPP
#define DRIFTLESS_POSTGRESQL_INTROSPECT_HPP

#include <algorithm>
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

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
};

/// The table where driftless remembers how PostgreSQL rewrote what it created: the catalog's
/// text of a default, check or index predicate beside the model's. When the catalog still says
/// exactly that, introspection reports the model's text, so migrating twice plans nothing; an
/// out-of-band change makes the texts differ and shows up in the plan.
inline constexpr std::string_view expressions_table = "_driftless_expressions";

inline std::string expressions_table_sql() {
    return "CREATE TABLE IF NOT EXISTS \"_driftless_expressions\" (\"table_name\" TEXT NOT NULL, \"kind\" TEXT NOT NULL, "
           "\"name\" TEXT NOT NULL, \"catalog_sql\" TEXT NOT NULL, \"model_sql\" TEXT NOT NULL, "
           "PRIMARY KEY (\"table_name\", \"kind\", \"name\"))";
}

namespace detail {

using driftless::detail::canonical_pg_type;
using driftless::detail::normalize_sql;

inline const std::string& schema_name(const connection& db, const introspect_options& options) {
    return !options.schema_name.empty() ? options.schema_name : db.options().schema;
}

/// The schema name as a SQL expression: a literal, or current_schema().
inline std::string schema_expression(const connection& db, const introspect_options& options) {
    const std::string& name = schema_name(db, options);
    return name.empty() ? std::string("current_schema()") : quote_text(name, dialect::postgresql);
}

/// A driftless table's name for SQL: qualified with the schema when one is set, otherwise found
/// on the search_path like every table driftless creates.
inline std::string own_table(const connection& db, std::string_view table, const introspect_options& options = {}) {
    const std::string& name = schema_name(db, options);
    const std::string quoted = quote_identifier(table, dialect::postgresql);
    return name.empty() ? quoted : quote_identifier(name, dialect::postgresql) + "." + quoted;
}

/// The statements introspection sends (one round trip): columns, constraints, indexes, and the
/// remembered expressions when `with_memo`.
inline std::string catalog_queries(const std::string& schema_sql, const std::string& memo_table, bool with_memo) {
    std::string sql =
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
        "pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated "
        "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
        "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum "
        "WHERE n.nspname = " + schema_sql + " AND c.relkind IN ('r', 'p') ORDER BY c.relname, a.attnum;\n"
        "SELECT c.relname, k.conname, k.contype, a.attname, rc.relname, ra.attname, k.confdeltype, k.confupdtype, "
        "CASE WHEN k.contype = 'c' THEN pg_catalog.pg_get_constraintdef(k.oid) END "
        "FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN LATERAL unnest(k.conkey, k.confkey) WITH ORDINALITY AS u(attnum, refnum, i) ON k.contype <> 'c' "
        "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum "
        "LEFT JOIN pg_catalog.pg_class rc ON rc.oid = k.confrelid "
        "LEFT JOIN pg_catalog.pg_attribute ra ON ra.attrelid = k.confrelid AND ra.attnum = u.refnum "
        "WHERE n.nspname = " + schema_sql + " AND k.contype IN ('p', 'u', 'f', 'c') AND c.relkind IN ('r', 'p') "
        "ORDER BY c.relname, k.conname, u.i;\n"
        "SELECT c.relname, i.relname, x.indisunique, x.indisvalid, a.attname, "
        "pg_catalog.pg_get_expr(x.indpred, x.indrelid), x.indexprs IS NOT NULL, am.amname "
        "FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid "
        "JOIN pg_catalog.pg_class c ON c.oid = x.indrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_catalog.pg_am am ON am.oid = i.relam "
        "CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS u(attnum, i) "
        "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = u.attnum "
        "WHERE n.nspname = " + schema_sql + " AND u.i <= x.indnkeyatts AND c.relkind IN ('r', 'p') "
        "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = x.indexrelid "
        "AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x')) "
        "ORDER BY c.relname, i.relname, u.i";
    if (with_memo) {
        sql += ";\nSELECT table_name, kind, name, catalog_sql, model_sql FROM " + memo_table;
    }
    return sql;
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

/// The catalog from the results of catalog_queries(); `raw`: defaults exactly as pg_get_expr()
/// prints them (what the memo of _driftless_expressions compares).
inline catalog read_catalog(std::vector<result>& results, bool include_driftless_tables, bool raw = false) {
    catalog out;
    std::map<std::string, table_info> tables;
    const auto skip = [&](const std::string& name) {
        return !include_driftless_tables && name.rfind("_driftless_", 0) == 0;
    };
    // Columns.
    {
        const result& r = results.at(0);
        for (int i = 0; i < r.rows(); ++i) {
            const std::string table = r.text(i, 0);
            if (skip(table)) continue;
            table_info& t = tables[table];
            t.name = table;
            column_info c;
            c.name = r.text(i, 1);
            c.type.kind = type_kind::custom;
            c.type.postgresql = r.text(i, 2);
            c.nullable = !r.boolean(i, 3);
            const char identity = r.view(i, 5).empty() ? '\0' : r.view(i, 5)[0];
            if (identity == 'a' || identity == 'd') c.auto_increment = true;
            if (!r.is_null(i, 4)) {
                const std::string def = r.text(i, 4);
                if (def.rfind("nextval(", 0) == 0) {
                    c.auto_increment = true;  // serial: the same as an identity column, for a model
                    out.serial_columns.emplace(table, c.name);
                } else {
                    c.default_value.kind = default_kind::raw;
                    c.default_value.text = def;
                }
            }
            t.columns.push_back(std::move(c));
        }
    }
    // Constraints: one row per key column (checks: one row).
    {
        const result& r = results.at(1);
        std::string last_table, last_name;
        for (int i = 0; i < r.rows(); ++i) {
            const std::string table = r.text(i, 0);
            const auto it = tables.find(table);
            if (it == tables.end()) continue;
            table_info& t = it->second;
            const std::string name = r.text(i, 1);
            const char type = r.view(i, 2)[0];
            const bool first = table != last_table || name != last_name;
            last_table = table;
            last_name = name;
            const std::string column = r.text(i, 3);
            switch (type) {
                case 'p':
                    if (first) out.primary_key_names[table] = name;
                    t.primary_key.push_back(column);
                    break;
                case 'u':
                    if (first) t.uniques.push_back({name, {}});
                    t.uniques.back().columns.push_back(column);
                    break;
                case 'f':
                    if (first) {
                        foreign_key_info fk;
                        fk.name = name;
                        fk.ref_table = r.text(i, 4);
                        fk.on_delete = parse_action(r.view(i, 6)[0]);
                        fk.on_update = parse_action(r.view(i, 7)[0]);
                        t.foreign_keys.push_back(std::move(fk));
                    }
                    t.foreign_keys.back().columns.push_back(column);
                    t.foreign_keys.back().ref_columns.push_back(r.text(i, 5));
                    break;
                case 'c':
                    if (first) t.checks.push_back({name, check_expression(r.text(i, 8))});
                    break;
                default:
                    break;
            }
        }
    }
    // Indexes that back no constraint: plain column indexes only. Expression indexes and other
    // access methods are not reported, so a plan leaves them alone.
    {
        const result& r = results.at(2);
        std::string last_table, last_name;
        bool representable = false;
        for (int i = 0; i < r.rows(); ++i) {
            const std::string table = r.text(i, 0);
            const auto it = tables.find(table);
            if (it == tables.end()) continue;
            table_info& t = it->second;
            const std::string name = r.text(i, 1);
            const bool first = table != last_table || name != last_name;
            last_table = table;
            last_name = name;
            if (first) {
                if (!r.boolean(i, 3)) {
                    out.invalid_indexes.emplace(table, name);
                    representable = false;
                    continue;
                }
                representable = !r.boolean(i, 6) && r.view(i, 7) == "btree";
                if (!representable) continue;
                t.indexes.push_back({name, {}, r.boolean(i, 2), r.is_null(i, 5) ? std::string() : r.text(i, 5)});
            }
            if (!representable) continue;
            if (r.is_null(i, 4)) {  // an expression among the keys
                t.indexes.pop_back();
                representable = false;
                continue;
            }
            t.indexes.back().columns.push_back(r.text(i, 4));
        }
    }
    // What driftless created, as the models wrote it, where the catalog still has it unchanged.
    if (results.size() > 3) {
        const result& r = results.at(3);
        for (int i = 0; i < r.rows(); ++i) {
            const auto it = tables.find(r.text(i, 0));
            if (it == tables.end()) continue;
            table_info& t = it->second;
            const std::string_view kind = r.view(i, 1);
            const std::string name = r.text(i, 2);
            const std::string_view catalog_sql = r.view(i, 3);
            if (kind == "default") {
                for (auto& c : t.columns) {
                    if (c.name == name && c.default_value.kind == default_kind::raw && c.default_value.text == catalog_sql)
                        c.default_value.text = r.text(i, 4);
                }
            } else if (kind == "check") {
                for (auto& c : t.checks) {
                    if (c.name == name && c.expression == catalog_sql) c.expression = r.text(i, 4);
                }
            } else if (kind == "index") {
                for (auto& x : t.indexes) {
                    if (x.name == name && x.where == catalog_sql) x.where = r.text(i, 4);
                }
            }
        }
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

/// The tables of one schema with what rendering needs beside them. `with_memo`: the
/// _driftless_expressions table exists and is read in the same round trip.
inline catalog read_catalog(const connection& db, const introspect_options& options = {}, bool with_memo = false) {
    const std::string schema_sql = detail::schema_expression(db, options);
    std::vector<result> results =
        db.batch(detail::catalog_queries(schema_sql, detail::own_table(db, expressions_table, options), with_memo));
    return detail::read_catalog(results, options.include_driftless_tables);
}

/// Every ordinary and partitioned table of the schema (tables driftless keeps for itself left out
/// unless asked), with columns in order, primary key, unique constraints, foreign keys, checks,
/// and the plain indexes that back no constraint. Types are reported as format_type() spells them
/// (type_kind::custom); defaults as pg_get_expr() does (default_kind::raw), literals in
/// driftless's spelling; identity and serial columns as auto_increment. Expression indexes and
/// indexes of other access methods than btree are not reported, so a plan leaves them alone.
/// Four queries in one round trip whatever the number of tables.
inline schema introspect(const connection& db, const introspect_options& options = {}) {
    const result memo = db.execute("SELECT to_regclass(" +
                                   quote_text(detail::own_table(db, expressions_table, options), dialect::postgresql) +
                                   ") IS NOT NULL");
    return read_catalog(db, options, memo.boolean(0, 0)).tables;
}

}  // namespace driftless::postgresql

#endif  // DRIFTLESS_POSTGRESQL_INTROSPECT_HPP
