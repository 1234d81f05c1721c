// driftless — rendering SQL per dialect: identifier and literal quoting, column types, defaults,
// CREATE TABLE and CREATE INDEX. Pure functions over runtime values.
#ifndef DRIFTLESS_RENDER_HPP
#define DRIFTLESS_RENDER_HPP

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <driftless/config.hpp>
#include <driftless/detail/sql_tokens.hpp>
#include <driftless/detail/text.hpp>
#include <driftless/error.hpp>
#include <driftless/plan.hpp>
#include <driftless/schema.hpp>
#include <driftless/table.hpp>

namespace driftless {

/// The dialect's name as users write it: "sqlite", "postgresql", "mysql".
inline std::string_view to_string(dialect d) {
    switch (d) {
        case dialect::sqlite: return "sqlite";
        case dialect::postgresql: return "postgresql";
        case dialect::mysql: return "mysql";
    }
    return "unknown";
}

namespace detail {

inline bool has_supplementary_code_point(std::string_view s) {
    for (char c : s) {
        if ((static_cast<unsigned char>(c) & 0xF8) == 0xF0) return true;
    }
    return false;
}

inline bool starts_with_ci(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (to_lower(s[i]) != prefix[i]) return false;
    }
    return true;
}

[[noreturn]] inline void bad_name(std::string_view name, std::string_view why, dialect d) {
    std::string shown;
    for (char c : name.substr(0, 80)) shown += c == '\0' ? std::string("\\0") : std::string(1, c);
    throw error(errc::invalid_name, "driftless.render.name",
                "identifier '" + shown + "' " + std::string(why) + " (" + std::string(to_string(d)) + ")");
}

[[noreturn]] inline void bad_fragment(std::string_view what, std::string_view sql, const char* problem) {
    throw error(errc::invalid_literal, "driftless.render.fragment",
                std::string(what) + " '" + std::string(sql.substr(0, 120)) + "' " + problem +
                    "; write one expression without ';', comments, '$' or backslashes");
}

inline void check_fragment(std::string_view what, std::string_view sql, dialect d) {
    const fragment_rules rules = d == dialect::sqlite       ? fragment_rules::sqlite
                                 : d == dialect::postgresql ? fragment_rules::postgresql
                                                            : fragment_rules::mysql;
    if (const char* p = fragment_problem(sql, rules)) bad_fragment(what, sql, p);
}

inline void append_real(std::string& out, double v) {
    if (v != v || v > std::numeric_limits<double>::max() || v < -std::numeric_limits<double>::max())
        throw error(errc::invalid_literal, "driftless.render.literal", "a default value is not a finite number");
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    std::string_view text(buf, static_cast<std::size_t>(r.ptr - buf));
    out += text;
    if (text.find_first_of(".e") == std::string_view::npos) out += ".0";
}

}  // namespace detail

/// Check that `name` can be an identifier on `d`; throws driftless::error (errc::invalid_name)
/// when it is empty, contains NUL, is not UTF-8, or is longer than the dialect allows
/// (PostgreSQL 63 bytes, MySQL 64 characters of the Basic Multilingual Plane, no trailing space).
inline void check_identifier(std::string_view name, dialect d) {
    if (const char* p = detail::name_problem(name, std::numeric_limits<std::size_t>::max())) detail::bad_name(name, p, d);
    switch (d) {
        case dialect::sqlite:
            break;
        case dialect::postgresql:
            if (name.size() > 63) detail::bad_name(name, "is longer than PostgreSQL's 63 bytes", d);
            break;
        case dialect::mysql:
            if (detail::utf8_length(name) > 64) detail::bad_name(name, "is longer than MySQL's 64 characters", d);
            if (detail::has_supplementary_code_point(name))
                detail::bad_name(name, "has a character outside the Basic Multilingual Plane, which MySQL refuses", d);
            if (name.back() == ' ') detail::bad_name(name, "ends with a space, which MySQL refuses", d);
            break;
    }
}

/// `name` quoted for `d`: "name" (SQLite, PostgreSQL) or `name` (MySQL), the quote character
/// doubled inside. Throws as check_identifier does.
inline std::string quote_identifier(std::string_view name, dialect d) {
    check_identifier(name, d);
    const char q = d == dialect::mysql ? '`' : '"';
    std::string out;
    out.reserve(name.size() + 2);
    out += q;
    for (char c : name) {
        if (c == q) out += q;
        out += c;
    }
    out += q;
    return out;
}

/// `value` as a string literal for `d`. Quotes are doubled; on MySQL backslashes are doubled
/// too; on PostgreSQL a value with a backslash becomes an E'' literal with the backslash doubled,
/// so the value is the same whatever standard_conforming_strings says. NUL and invalid UTF-8
/// are refused (errc::invalid_literal).
inline std::string quote_text(std::string_view value, dialect d) {
    for (char c : value) {
        if (c == '\0')
            throw error(errc::invalid_literal, "driftless.render.literal", "a text value contains a NUL character");
    }
    if (!detail::is_valid_utf8(value))
        throw error(errc::invalid_literal, "driftless.render.literal", "a text value is not valid UTF-8");
    const bool has_backslash = value.find('\\') != std::string_view::npos;
    std::string out;
    out.reserve(value.size() + 3);
    if (d == dialect::postgresql && has_backslash) out += 'E';
    out += '\'';
    for (char c : value) {
        if (c == '\'') out += '\'';
        if (c == '\\' && d != dialect::sqlite) out += '\\';
        out += c;
    }
    out += '\'';
    return out;
}

/// `sql` with each `?` placeholder replaced by its parameter as a literal for `d` (nullopt is
/// NULL), for an engine that sends text without binding. Only for the library's own statements,
/// whose only `?` are placeholders.
inline std::string with_literals(std::string_view sql, const std::vector<std::optional<std::string_view>>& params, dialect d) {
    std::string out;
    std::size_t next = 0;
    for (char c : sql) {
        if (c != '?' || next == params.size()) {
            out += c;
        } else {
            out += params[next] ? quote_text(*params[next], d) : std::string("NULL");
            ++next;
        }
    }
    return out;
}

/// The column type as written in DDL for `d`.
inline std::string render_type(const column_type& t, dialect d) {
    const auto num = [](std::uint64_t n) { return std::to_string(n); };
    switch (t.kind) {
        case type_kind::none:
            break;
        case type_kind::boolean:
            return d == dialect::mysql ? "TINYINT(1)" : "BOOLEAN";
        case type_kind::integer:
            if (d == dialect::sqlite) return "INTEGER";
            if (d == dialect::postgresql) {
                const unsigned bits = t.is_unsigned ? t.bits * 2u : t.bits;
                if (bits <= 16) return "SMALLINT";
                if (bits <= 32) return "INTEGER";
                if (bits <= 64) return "BIGINT";
                return "NUMERIC(20)";
            } else {
                std::string s = t.bits == 8 ? "TINYINT" : t.bits == 16 ? "SMALLINT" : t.bits == 24 ? "MEDIUMINT" : t.bits == 32 ? "INT" : "BIGINT";
                if (t.is_unsigned) s += " UNSIGNED";
                return s;
            }
        case type_kind::real:
            if (d == dialect::sqlite) return "REAL";
            if (d == dialect::postgresql) return t.bits == 32 ? "REAL" : "DOUBLE PRECISION";
            return t.bits == 32 ? "FLOAT" : "DOUBLE";
        case type_kind::decimal:
            if (t.precision == 0) return d == dialect::mysql ? "DECIMAL(65,30)" : "NUMERIC";  // any precision (read from a catalog)
            return std::string(d == dialect::mysql ? "DECIMAL(" : "NUMERIC(") + num(t.precision) + "," + num(t.scale) + ")";
        case type_kind::text:
            if (t.length != 0) return "VARCHAR(" + num(t.length) + ")";
            if (d == dialect::mysql) return "VARCHAR(" + num(DRIFTLESS_MYSQL_DEFAULT_VARCHAR) + ")";
            return "TEXT";
        case type_kind::blob:
            return d == dialect::sqlite ? "BLOB" : d == dialect::postgresql ? "BYTEA" : "LONGBLOB";
        case type_kind::timestamp:
            if (d == dialect::sqlite) return "TIMESTAMP";
            if (d == dialect::postgresql) return "TIMESTAMP(" + num(t.precision) + (t.local ? ") WITHOUT TIME ZONE" : ") WITH TIME ZONE");
            return t.precision == 0 ? "DATETIME" : "DATETIME(" + num(t.precision) + ")";
        case type_kind::date:
            return "DATE";
        case type_kind::enumeration:
            return d == dialect::mysql ? "VARCHAR(" + num(t.length == 0 ? 1 : t.length) + ")" : "TEXT";
        case type_kind::custom: {
            const std::string& s = d == dialect::sqlite ? t.sqlite : d == dialect::postgresql ? t.postgresql : t.mysql;
            detail::check_fragment("the custom column type", s, d);
            return s;
        }
    }
    throw error(errc::invalid_schema, "driftless.render.type", "a column has no type");
}

/// The expression after DEFAULT for `d`, or "" when the column has no default.
inline std::string render_default(const column_default& v, const column_type& t, dialect d) {
    std::string out;
    switch (v.kind) {
        case default_kind::none:
            break;
        case default_kind::boolean:
            out = d == dialect::postgresql ? (v.boolean ? "TRUE" : "FALSE") : (v.boolean ? "1" : "0");
            break;
        case default_kind::integer:
            out = std::to_string(v.integer);
            break;
        case default_kind::real:
            detail::append_real(out, v.real);
            break;
        case default_kind::text:
            out = quote_text(v.text, d);
            break;
        case default_kind::current_timestamp:
            out = "CURRENT_TIMESTAMP";
            if (d == dialect::mysql && t.kind == type_kind::timestamp && t.precision != 0)
                out += "(" + std::to_string(t.precision) + ")";
            break;
        case default_kind::expression:
            detail::check_fragment("the default expression", v.text, d);
            out = "(" + v.text + ")";
            break;
        case default_kind::raw:
            out = v.text;  // the catalog's own text, for the engine it came from
            break;
    }
    return out;
}

namespace detail {

inline std::string_view action_sql(fk_action a) {
    switch (a) {
        case fk_action::no_action: return "NO ACTION";
        case fk_action::restrict: return "RESTRICT";
        case fk_action::cascade: return "CASCADE";
        case fk_action::set_null: return "SET NULL";
        case fk_action::set_default: return "SET DEFAULT";
    }
    return "NO ACTION";
}

inline std::string column_list(const std::vector<std::string>& columns, dialect d) {
    std::string out = "(";
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (i != 0) out += ", ";
        out += quote_identifier(columns[i], d);
    }
    out += ')';
    return out;
}

inline void check_table_name(std::string_view name, dialect d) {
    check_identifier(name, d);
    if (d == dialect::sqlite && starts_with_ci(name, "sqlite_"))
        bad_name(name, "starts with 'sqlite_', which SQLite reserves", d);
}

}  // namespace detail

/// The CHECK constraints a table has on `d`: one per described-enum column ("<table>_<column>_check",
/// the column IN its names), then the spec's own. CREATE TABLE renders these, and diff compares
/// them with what a catalog reports.
inline std::vector<check_info> effective_checks(const table_info& table, dialect d) {
    std::vector<check_info> out;
    for (const column_info& c : table.columns) {
        if (c.type.kind != type_kind::enumeration) continue;
        std::string e = quote_identifier(c.name, d) + " IN (";
        for (std::size_t i = 0; i < c.type.enum_values.size(); ++i) {
            if (i != 0) e += ", ";
            e += quote_text(c.type.enum_values[i], d);
        }
        out.push_back({detail::fit_name(table.name + "_" + c.name + "_check"), e + ")"});
    }
    out.insert(out.end(), table.checks.begin(), table.checks.end());
    return out;
}

/// Refuses models whose hand-written SQL fragments (the spec's checks, index predicates, default
/// expressions) could do more than one expression may; what a backend renders from a catalog is
/// the engine's own text and is not vetted. Throws as check_fragment does.
inline void check_model_fragments(const schema& models, dialect d) {
    for (const table_info& t : models.tables) {
        for (const check_info& c : t.checks) detail::check_fragment("the check expression", c.expression, d);
        for (const index_info& x : t.indexes) {
            if (!x.where.empty()) detail::check_fragment("the index predicate", x.where, d);
        }
        for (const column_info& c : t.columns) {
            if (c.default_value.kind == default_kind::expression)
                detail::check_fragment("the default expression", c.default_value.text, d);
        }
    }
}

namespace detail {

/// One query that proves a model fragment is one expression, for the engine to parse (never run).
struct fragment_proof {
    std::string what{};   ///< "the check expression '...' of table t"
    std::string sql{};    ///< SELECT (fragment) FROM (SELECT NULL AS "col", ...) AS driftless_columns
};

/// The proofs for the fragments of `t` (checks, index predicates, default expressions, custom
/// types): each fragment sits alone inside a SELECT whose FROM names the table's columns, so the
/// engine's own parser must read exactly one expression there, ending where the text ends.
inline std::vector<fragment_proof> fragment_proofs(const table_info& t, dialect d) {
    std::string from = " FROM (SELECT ";
    for (std::size_t i = 0; i < t.columns.size(); ++i)
        from += (i == 0 ? "NULL AS " : ", NULL AS ") + quote_identifier(t.columns[i].name, d);
    from += ") AS driftless_columns";
    std::vector<fragment_proof> out;
    const auto add = [&](std::string_view what, const std::string& fragment, std::string sql) {
        out.push_back({std::string(what) + " '" + fragment.substr(0, 120) + "' of table " + t.name, std::move(sql)});
    };
    for (const check_info& c : t.checks) add("the check expression", c.expression, "SELECT (" + c.expression + ")" + from);
    for (const index_info& x : t.indexes) {
        if (!x.where.empty()) add("the index predicate", x.where, "SELECT (" + x.where + ")" + from);
    }
    for (const column_info& c : t.columns) {
        if (c.default_value.kind == default_kind::expression)
            add("the default expression", c.default_value.text, "SELECT (" + c.default_value.text + ")");
        if (c.type.kind == type_kind::custom) {
            const std::string& type = d == dialect::sqlite ? c.type.sqlite : d == dialect::postgresql ? c.type.postgresql : c.type.mysql;
            if (!type.empty()) add("the custom column type", type, "SELECT CAST(NULL AS " + type + ")");
        }
    }
    return out;
}

/// `sql` with every identifier named in `names` (old -> new, ASCII case-insensitive) replaced by
/// its new name, quoted for `d`. For expressions of one table (CHECK, partial-index WHERE), where
/// a bare name can only be one of the table's columns.
inline std::string rename_identifiers(std::string_view sql, const std::vector<std::pair<std::string, std::string>>& names,
                                      dialect d) {
    std::string out;
    std::size_t at = 0;
    const std::vector<token> tokens = tokenize(sql);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const token& t = tokens[i];
        if (!names_column(tokens, i)) continue;  // keywords, numbers, functions
        for (const auto& [from, to] : names) {
            if (!same_name(t.value, from)) continue;
            out.append(sql.substr(at, t.begin - at));
            out += quote_identifier(to, d);
            at = t.end;
            break;
        }
    }
    out.append(sql.substr(at));
    return out;
}

/// "CONSTRAINT name " before a constraint clause, or nothing for a constraint the catalog has
/// without a name (SQLite keeps those as written; the engine names them itself elsewhere).
inline std::string constraint_prefix(const std::string& name, dialect d) {
    return name.empty() ? std::string() : "CONSTRAINT " + quote_identifier(name, d) + " ";
}

/// The refusal of a fragment the engine did not read as one expression.
[[noreturn]] inline void unproven_fragment(const fragment_proof& p, std::string_view engine, std::string_view why) {
    throw error(errc::invalid_literal, "driftless.render.fragment",
                p.what + " is not one " + std::string(engine) + " expression (" + std::string(why) +
                    "); nothing was run. Write one expression without ';' or comments");
}

}  // namespace detail

/// "CONSTRAINT name FOREIGN KEY (...) REFERENCES t (...) [ON DELETE ...] [ON UPDATE ...]", as
/// CREATE TABLE and ALTER TABLE ... ADD take it. InnoDB has no SET DEFAULT: refused for MySQL.
inline std::string foreign_key_clause(const foreign_key_info& fk, dialect d) {
    std::string s = detail::constraint_prefix(fk.name, d) + "FOREIGN KEY " + detail::column_list(fk.columns, d) +
                    " REFERENCES " + quote_identifier(fk.ref_table, d) + " " + detail::column_list(fk.ref_columns, d);
    for (const auto& [word, action] : {std::pair{"DELETE", fk.on_delete}, std::pair{"UPDATE", fk.on_update}}) {
        if (action == fk_action::no_action) continue;
        if (d == dialect::mysql && action == fk_action::set_default)
            throw error(errc::unsupported, "driftless.render.unsupported",
                        "foreign key '" + fk.name + "': InnoDB does not support ON " + word + " SET DEFAULT");
        s += " ON ";
        s += word;
        s += ' ';
        s += detail::action_sql(action);
    }
    return s;
}

/// ALTER TABLE ... DROP for each foreign key `p` drops from a table that already exists, onto `sql`
/// (MySQL says DROP FOREIGN KEY, the others DROP CONSTRAINT).
inline void drop_foreign_keys_sql(const migration_plan& p, dialect d, std::vector<std::string>& sql) {
    for (const table_change& tc : p.tables) {
        if (tc.created) continue;
        for (const step& s : p.steps) {
            if (s.table == tc.name && s.kind == step_kind::drop_foreign_key)
                sql.push_back("ALTER TABLE " + quote_identifier(tc.before.name, d) +
                              (d == dialect::mysql ? " DROP FOREIGN KEY " : " DROP CONSTRAINT ") + quote_identifier(s.subject, d));
        }
    }
}

/// ALTER TABLE ... ADD for each foreign key `p` adds to a table that already exists, in the plan's
/// order, onto `sql`; those `skip(table, name)` says are added elsewhere are left out.
inline void add_foreign_keys_sql(const migration_plan& p, dialect d, std::vector<std::string>& sql,
                                 const std::function<bool(const std::string&, const std::string&)>& skip = {}) {
    for (const table_change& tc : p.tables) {
        if (tc.created) continue;
        for (const step& s : p.steps) {
            if (s.table != tc.name || s.kind != step_kind::add_foreign_key || (skip && skip(tc.name, s.subject))) continue;
            for (const foreign_key_info& fk : tc.after.foreign_keys) {
                if (fk.name == s.subject) {
                    sql.push_back("ALTER TABLE " + quote_identifier(tc.name, d) + " ADD " + foreign_key_clause(fk, d));
                    break;
                }
            }
        }
    }
}

namespace detail {
/// A charset or collation name as MySQL takes it, unquoted: refused unless it is letters, digits
/// and '_' (as every MySQL and MariaDB charset and collation is named).
inline const std::string& checked_word(const std::string& name, std::string_view what) {
    if (!is_collation_name(name, false)) throw error(errc::invalid_schema, "driftless.render.name", std::string(what) + " '" + name + "' is not a name");
    return name;
}

/// MySQL: the character set a collation belongs to (utf8mb4_bin -> utf8mb4; binary -> binary).
inline std::string charset_of_collation(std::string_view collation) {
    return std::string(collation.substr(0, collation.find('_')));
}

/// MySQL: " CHARACTER SET x COLLATE y", the parts a column names, or "".
inline std::string mysql_charset_clause(const column_info& c) {
    std::string out;
    if (!c.charset.empty()) out += " CHARACTER SET " + checked_word(c.charset, "charset");
    if (!c.collation.empty()) out += " COLLATE " + checked_word(c.collation, "collation");
    return out;
}
}  // namespace detail

/// One column definition inside CREATE TABLE.
inline std::string render_column(const table_info& table, const column_info& c, dialect d) {
    const bool inline_pk = table.primary_key.size() == 1 && table.primary_key.front() == c.name;
    if (c.auto_increment && (!inline_pk || c.type.kind != type_kind::integer))
        throw error(errc::invalid_schema, "driftless.render.auto_increment",
                    "auto_increment column '" + c.name + "' of table '" + table.name +
                        "' must be the single-column integer primary key");
    std::string out = quote_identifier(c.name, d);
    out += ' ';
    out += render_type(c.type, d);
    if (d == dialect::mysql) out += detail::mysql_charset_clause(c);
    if (d == dialect::postgresql && !c.collation.empty()) out += " COLLATE " + quote_identifier(c.collation, d);
    if (!c.nullable) out += " NOT NULL";
    if (c.auto_increment && d == dialect::postgresql) out += " GENERATED BY DEFAULT AS IDENTITY";
    if (c.auto_increment && d == dialect::mysql) out += " AUTO_INCREMENT";
    if (d == dialect::sqlite && !c.generated.empty()) {
        out += ' ';
        out += c.generated;  // kept as the catalog has it; a generated column has no default
    } else if (const std::string def = render_default(c.default_value, c.type, d); !def.empty()) {
        out += " DEFAULT ";
        out += def;
    }
    if (d == dialect::mysql && !c.on_update.empty()) out += " ON UPDATE " + c.on_update;
    if (d == dialect::mysql && !c.comment.empty()) out += " COMMENT " + quote_text(c.comment, d);
    if (d == dialect::sqlite && !c.collation.empty()) {
        out += " COLLATE ";
        out += quote_identifier(c.collation, d);
    }
    if (inline_pk) {
        // A named primary key (MySQL's is always called PRIMARY).
        if (!table.primary_key_name.empty() && d != dialect::mysql) out += " " + detail::constraint_prefix(table.primary_key_name, d);
        else out += ' ';
        out += "PRIMARY KEY";
        if (c.auto_increment && d == dialect::sqlite) out += " AUTOINCREMENT";
    }
    return out;
}

/// CREATE TABLE for `table` on `d`, without a trailing semicolon.
inline std::string render_create_table(const table_info& table, dialect d) {
    detail::check_table_name(table.name, d);
    if (table.columns.empty())
        throw error(errc::invalid_schema, "driftless.render.empty_table", "table '" + table.name + "' has no columns");
    for (const auto& k : table.primary_key) {
        if (table.find_column(k) == nullptr)
            throw error(errc::invalid_schema, "driftless.render.unknown_column",
                        "primary key of '" + table.name + "' names missing column '" + k + "'");
    }
    std::vector<std::string> items;
    for (const column_info& c : table.columns) items.push_back(render_column(table, c, d));
    if (table.primary_key.size() > 1) {
        const bool named = !table.primary_key_name.empty() && d != dialect::mysql;
        items.push_back((named ? detail::constraint_prefix(table.primary_key_name, d) : std::string()) + "PRIMARY KEY " +
                        detail::column_list(table.primary_key, d));
    }
    for (const unique_info& u : table.uniques) {
        items.push_back(detail::constraint_prefix(u.name, d) + "UNIQUE " + detail::column_list(u.columns, d));
    }
    for (const foreign_key_info& fk : table.foreign_keys) items.push_back(foreign_key_clause(fk, d));
    // The spec's own checks are fragments to vet; the enum checks are built here, quoted.
    for (const check_info& c : table.checks) detail::check_fragment("the check expression", c.expression, d);
    for (const check_info& c : effective_checks(table, d)) {
        items.push_back(detail::constraint_prefix(c.name, d) + "CHECK (" + c.expression + ")");
    }
    std::string out = "CREATE TABLE " + quote_identifier(table.name, d) + " (\n";
    for (std::size_t i = 0; i < items.size(); ++i) {
        out += "  ";
        out += items[i];
        out += i + 1 < items.size() ? ",\n" : "\n";
    }
    out += ')';
    if (d == dialect::sqlite && !table.sqlite_options.empty()) {
        // Only the options SQLite has: STRICT and WITHOUT ROWID, comma-separated.
        std::string words;
        for (char ch : table.sqlite_options) {
            if (ch == ',' || ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
                words += ' ';
            } else {
                words += ch >= 'a' && ch <= 'z' ? static_cast<char>(ch - 'a' + 'A') : ch;
            }
        }
        std::string normal;
        for (std::size_t i = 0; i < words.size();) {
            const std::size_t j = words.find(' ', i);
            const std::string w = words.substr(i, j == std::string::npos ? std::string::npos : j - i);
            i = j == std::string::npos ? words.size() : j + 1;
            if (w.empty()) continue;
            if (w == "STRICT") {
                normal += normal.empty() ? "STRICT" : ", STRICT";
            } else if (w == "WITHOUT") {
                normal += normal.empty() ? "WITHOUT" : ", WITHOUT";
            } else if (w == "ROWID" && normal.size() >= 7 && normal.compare(normal.size() - 7, 7, "WITHOUT") == 0) {
                normal += " ROWID";
            } else {
                throw error(errc::invalid_schema, "driftless.render.table_options",
                            "table '" + table.name + "' has options '" + table.sqlite_options +
                                "'; SQLite knows STRICT and WITHOUT ROWID");
            }
        }
        out += ' ';
        out += normal;
    }
    if (d == dialect::mysql) {
        // The table's default charset: the model's or catalog's, else the one its collation
        // belongs to, else utf8mb4.
        out += " ENGINE=InnoDB DEFAULT CHARSET=";
        out += !table.charset.empty()     ? detail::checked_word(table.charset, "charset")
               : !table.collation.empty() ? detail::charset_of_collation(detail::checked_word(table.collation, "collation"))
                                          : std::string("utf8mb4");
        if (!table.collation.empty()) out += " COLLATE=" + detail::checked_word(table.collation, "collation");
    }
    return out;
}

/// CREATE [UNIQUE] INDEX for one index of `table` on `d`, without a trailing semicolon. MySQL has
/// no partial indexes: a plain partial index is created over all rows there (a superset, which
/// answers the same queries); a unique partial index cannot be expressed and is refused.
inline std::string render_create_index(const table_info& table, const index_info& index, dialect d) {
    detail::check_table_name(index.name, d);
    if (!index.definition.empty()) return index.definition;  // made by hand: recreated as the catalog has it
    if (index.columns.empty())
        throw error(errc::invalid_schema, "driftless.render.index", "index '" + index.name + "' has no columns");
    std::string out = index.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
    out += quote_identifier(index.name, d);
    out += " ON ";
    out += quote_identifier(table.name, d);
    out += ' ';
    out += detail::column_list(index.columns, d);
    if (!index.where.empty()) {
        detail::check_fragment("the index predicate", index.where, d);
        if (d == dialect::mysql) {
            if (index.unique)
                throw error(errc::unsupported, "driftless.render.unsupported",
                            "unique partial index '" + index.name + "' on '" + table.name +
                                "': MySQL has no partial indexes");
        } else {
            out += " WHERE ";
            out += index.where;
        }
    }
    return out;
}

/// CREATE TABLE followed by its CREATE INDEX statements, without semicolons.
inline std::vector<std::string> create_table_statements(const table_info& table, dialect d) {
    std::vector<std::string> out;
    out.reserve(1 + table.indexes.size());
    out.push_back(render_create_table(table, d));
    for (const index_info& x : table.indexes) out.push_back(render_create_index(table, x, d));
    return out;
}

/// A foreign key of a table the plan creates that names a table the plan creates after it: the
/// foreign keys that close a cycle (shop.manager_id -> employee, employee.shop_id -> shop). CREATE
/// TABLE cannot name a table that does not exist yet on PostgreSQL and MySQL, so these are left out
/// of their CREATE TABLE and added by ALTER TABLE once every table exists.
struct deferred_foreign_key {
    std::string table{};  ///< the referencing table
    foreign_key_info fk{};
};

/// The foreign keys of `p` that close a cycle between created tables (empty on SQLite, which
/// resolves a foreign key only when it is used).
inline std::vector<deferred_foreign_key> deferred_foreign_keys(const migration_plan& p, dialect d) {
    std::vector<deferred_foreign_key> out;
    if (d == dialect::sqlite) return out;
    std::set<std::string> created_later;
    for (const table_change& tc : p.tables) {
        if (tc.created) created_later.insert(tc.name);
    }
    for (const table_change& tc : p.tables) {
        if (!tc.created) continue;
        created_later.erase(tc.name);
        for (const foreign_key_info& fk : tc.after.foreign_keys) {
            if (created_later.count(fk.ref_table) != 0) out.push_back({tc.name, fk});
        }
    }
    return out;
}

/// A created table of a plan: its CREATE TABLE and CREATE INDEX statements appended to `sql`, and
/// true; the foreign keys in `deferred` are left out (the dialect adds them once every table
/// exists). An altered table: nothing appended, false (the dialect renders its steps).
inline bool created_table_sql(const table_change& tc, dialect d, std::vector<std::string>& sql,
                              const std::vector<deferred_foreign_key>& deferred = {}) {
    if (!tc.created) return false;
    if (std::none_of(deferred.begin(), deferred.end(), [&](const deferred_foreign_key& x) { return x.table == tc.name; })) {
        for (auto& s : create_table_statements(tc.after, d)) sql.push_back(std::move(s));
        return true;
    }
    table_info now = tc.after;
    std::erase_if(now.foreign_keys, [&](const foreign_key_info& fk) {
        return std::any_of(deferred.begin(), deferred.end(),
                           [&](const deferred_foreign_key& x) { return x.table == tc.name && x.fk.name == fk.name; });
    });
    for (auto& s : create_table_statements(now, d)) sql.push_back(std::move(s));
    return true;
}

/// ALTER TABLE ... ADD for each foreign key in `deferred`, onto `sql`.
inline void add_deferred_foreign_keys_sql(const std::vector<deferred_foreign_key>& deferred, dialect d,
                                          std::vector<std::string>& sql) {
    for (const deferred_foreign_key& x : deferred)
        sql.push_back("ALTER TABLE " + quote_identifier(x.table, d) + " ADD " + foreign_key_clause(x.fk, d));
}

/// The ALTERs of an altered table that PostgreSQL and MySQL spell alike, in the order both run
/// them (after renaming the table): RENAME COLUMN, then DROP CONSTRAINT of the dropped checks.
inline void rename_columns_drop_checks_sql(const migration_plan& p, const table_change& tc, dialect d,
                                           std::vector<std::string>& sql) {
    const std::string alter = "ALTER TABLE " + quote_identifier(tc.name, d) + " ";
    for (const step* s : detail::steps_of(p, tc, step_kind::rename_column))
        sql.push_back(alter + "RENAME COLUMN " + quote_identifier(s->from, d) + " TO " + quote_identifier(s->to, d));
    for (const step* s : detail::steps_of(p, tc, step_kind::drop_check))
        sql.push_back(alter + "DROP CONSTRAINT " + quote_identifier(s->subject, d));
}

/// The statements joined into one script, each ending in ";\n".
inline std::string join_statements(const std::vector<std::string>& statements) {
    std::string out;
    for (const auto& s : statements) {
        out += s;
        out += ";\n";
    }
    return out;
}

/// CREATE TABLE and CREATE INDEX for `table` as one script.
inline std::string create_table_sql(const table_info& table, dialect d) {
    return join_statements(create_table_statements(table, d));
}

/// The statements that create T's table and indexes on `d`.
template <table_type T>
std::vector<std::string> create_table_statements(dialect d) {
    static_assert(detail::require_valid<T>());
    return create_table_statements(to_table_info(table_v<T>), d);
}

/// The script that creates T's table and indexes on `d`, each statement ending in ";\n".
template <table_type T>
std::string create_table_sql(dialect d) {
    static_assert(detail::require_valid<T>());
    return create_table_sql(to_table_info(table_v<T>), d);
}

}  // namespace driftless

#endif  // DRIFTLESS_RENDER_HPP
