// driftless — what a backend remembers about the text the engine rewrote: for every default,
// check and index predicate a model wrote, the catalog's text beside the model's (the table
// _driftless_expressions). While the catalog still says exactly that, the model's text stands in,
// so migrating twice plans nothing; a change made by hand makes the texts differ and shows up.
#ifndef DRIFTLESS_DETAIL_MEMO_HPP
#define DRIFTLESS_DETAIL_MEMO_HPP

#include <map>
#include <set>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include <driftless/detail/sql_tokens.hpp>
#include <driftless/plan.hpp>
#include <driftless/render.hpp>
#include <driftless/schema.hpp>

namespace driftless::detail {

/// One remembered text, or one object driftless made.
struct memo_row {
    std::string table;
    /// "default" (name: the column), "check", "index" (its predicate); "owns" (name: an index or
    /// constraint of the table that driftless made, for a model or in a migration it ran; no texts).
    std::string kind;
    std::string name;
    std::string catalog_sql;
    std::string model_sql;
};

/// The memo table's DDL on `d` (keys short enough for MySQL's index limits).
inline std::string memo_table_sql(dialect d) {
    const std::string key = d == dialect::mysql ? "VARCHAR(191)" : "TEXT";
    const std::string text = d == dialect::mysql ? "LONGTEXT" : "TEXT";
    const char q = d == dialect::mysql ? '`' : '"';
    const auto id = [q](std::string_view n) { return q + std::string(n) + q; };
    return "CREATE TABLE IF NOT EXISTS " + id("_driftless_expressions") + " (" + id("table_name") + " " + key + " NOT NULL, " +
           id("kind") + " " + key + " NOT NULL, " + id("name") + " " + key + " NOT NULL, " + id("catalog_sql") + " " + text +
           " NOT NULL, " + id("model_sql") + " " + text + " NOT NULL, PRIMARY KEY (" + id("table_name") + ", " + id("kind") +
           ", " + id("name") + "))" + (d == dialect::mysql ? " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4" : "");
}

/// Put the model's text in `s` where the catalog still has the remembered catalog text. Defaults
/// must be as the rows were written (default_kind::raw, the backend's own catalog text).
inline void apply_memo(schema& s, const std::vector<memo_row>& rows) {
    for (const memo_row& r : rows) {
        table_info* t = nullptr;
        for (auto& x : s.tables) t = x.name == r.table ? &x : t;
        if (t == nullptr) continue;
        if (r.kind == "default") {
            for (auto& c : t->columns) {
                if (c.name == r.name && c.default_value.kind == default_kind::raw && c.default_value.text == r.catalog_sql)
                    c.default_value.text = r.model_sql;
            }
        } else if (r.kind == "check") {
            for (auto& c : t->checks) {
                if (c.name == r.name && c.expression == r.catalog_sql) c.expression = r.model_sql;
            }
        } else if (r.kind == "index") {
            for (auto& x : t->indexes) {
                if (x.name == r.name && x.where == r.catalog_sql) x.where = r.model_sql;
            }
        }
    }
}

/// `name` in lower case: the key of an "owns" row (index and constraint names compare without case
/// here; a name made by hand that differs from driftless's only in case is taken as driftless's).
inline std::string owned_key(std::string_view name) {
    std::string out(name);
    for (char& c : out) c = to_lower(c);
    return out;
}

/// Mark the indexes, checks, unique constraints and foreign keys of `s` that no "owns" row of
/// `rows` records as made by hand (unmanaged): driftless did not create them, for a model or in a
/// migration it ran, so a plan keeps them unless asked to prune. A table driftless never changed has no such rows:
/// everything on it is the owner's, which is what adopting a database means.
inline void apply_ownership(schema& s, const std::vector<memo_row>& rows) {
    std::set<std::pair<std::string, std::string>> owned;
    for (const memo_row& r : rows) {
        if (r.kind == "owns") owned.emplace(owned_key(r.table), owned_key(r.name));
    }
    for (table_info& t : s.tables) {
        const std::string table = owned_key(t.name);
        const auto mine = [&](const std::string& name) { return owned.count({table, owned_key(name)}) != 0; };
        for (auto& x : t.indexes) x.unmanaged = !mine(x.name);
        for (auto& u : t.uniques) u.unmanaged = !mine(u.name);
        for (auto& c : t.checks) c.unmanaged = !mine(c.name);
        for (auto& fk : t.foreign_keys) fk.unmanaged = !mine(fk.name);
    }
}

/// The indexes and constraints `statements` create, as "owns" rows: CREATE [UNIQUE] INDEX name ON
/// table, CONSTRAINT name inside CREATE TABLE or ALTER TABLE, and MySQL's ADD / inline [UNIQUE]
/// INDEX|KEY name. Names are read as `d` stores them (PostgreSQL folds unquoted names to lower
/// case); a schema-qualified name counts by its last part.
inline std::vector<memo_row> owned_objects(const std::vector<std::string>& statements, dialect d) {
    std::vector<memo_row> out;
    for (const std::string& sql : statements) {
        const std::vector<token> t = tokenize(sql);
        const auto word = [&](std::size_t i, std::string_view w) {
            return i < t.size() && t[i].kind == token::word && same_name(t[i].value, w);
        };
        const auto stored = [&](const token& x) {
            std::string n = x.value;
            if (x.kind == token::word && d == dialect::postgresql) {
                for (char& c : n) c = to_lower(c);
            }
            return n;
        };
        // A possibly qualified name at i: its last part, and the index after it ("" when none).
        const auto name_at = [&](std::size_t& i) -> std::string {
            std::string n;
            while (i < t.size() && (t[i].kind == token::word || t[i].kind == token::identifier)) {
                n = stored(t[i]);
                ++i;
                if (i < t.size() && is_symbol(t[i], '.')) {
                    ++i;
                } else {
                    break;
                }
            }
            return n;
        };
        std::size_t i = 0;
        if (word(0, "CREATE")) {
            i = 1;
            if (word(i, "OR") && word(i + 1, "REPLACE")) i += 2;
            if (word(i, "UNIQUE")) ++i;
            if (word(i, "INDEX")) {
                ++i;
                if (word(i, "CONCURRENTLY")) ++i;
                if (word(i, "IF") && word(i + 1, "NOT") && word(i + 2, "EXISTS")) i += 3;
                const std::string index = name_at(i);
                if (!word(i, "ON")) continue;
                ++i;
                if (word(i, "ONLY")) ++i;
                const std::string table = name_at(i);
                if (!index.empty() && !table.empty()) out.push_back({table, "owns", index, {}, {}});
                continue;
            }
            while (i < t.size() && t[i].kind == token::word && !word(i, "TABLE")) ++i;  // TEMPORARY, UNLOGGED
            if (!word(i, "TABLE")) continue;
            ++i;
            if (word(i, "IF") && word(i + 1, "NOT") && word(i + 2, "EXISTS")) i += 3;
        } else if (word(0, "ALTER") && word(1, "TABLE")) {
            i = 2;
            if (word(i, "IF") && word(i + 1, "EXISTS")) i += 2;
            if (word(i, "ONLY")) ++i;
        } else {
            continue;
        }
        const std::string table = name_at(i);
        if (table.empty()) continue;
        for (; i + 1 < t.size(); ++i) {
            std::size_t at = i + 1;
            const bool constraint = word(i, "CONSTRAINT");
            const bool key = d == dialect::mysql && (word(i, "INDEX") || word(i, "KEY")) && !word(i + 1, "USING") &&
                             (i == 0 || !word(i - 1, "PRIMARY")) && (i == 0 || !word(i - 1, "FOREIGN"));
            if (!constraint && !key) continue;
            if (i > 0 && (word(i - 1, "DROP") || word(i - 1, "RENAME") || word(i - 1, "VALIDATE") || word(i - 1, "ALTER")))
                continue;  // names one that exists already
            const std::string name = name_at(at);
            if (!name.empty()) out.push_back({table, "owns", name, {}, {}});
        }
    }
    return out;
}

/// What to remember once `p` ran: for each table of `desired`, the catalog's text (`raw`, read
/// after the DDL, defaults as the backend reads them before its own normalising) of each default,
/// check and index predicate the model wrote. A check the plan left alone keeps its name from
/// before a table or column rename: it is found by its expression, as diff() matched it. `tables`
/// receives the tables whose rows these replace (the desired tables and their names before).
inline std::vector<memo_row> memo_rows(const schema& desired, const schema& raw, const migration_plan& p, dialect d,
                                       std::vector<std::string>& tables) {
    std::vector<memo_row> out;
    for (const table_info& want : desired.tables) {
        tables.push_back(want.name);
        const table_info* have = raw.find_table(want.name);
        if (have == nullptr) continue;
        for (const column_info& c : want.columns) {
            const column_info* h = have->find_column(c.name);
            const std::string model = render_default(c.default_value, c.type, d);
            if (h != nullptr && !model.empty() && h->default_value.kind == default_kind::raw)
                out.push_back({want.name, "default", c.name, h->default_value.text, model});
        }
        const table_change* change = nullptr;
        for (const table_change& tc : p.tables) change = !tc.created && tc.name == want.name ? &tc : change;
        std::map<std::string, std::string> renames;
        for (const step& s : p.steps) {
            if (s.kind == step_kind::rename_column && s.table == want.name) renames[s.from] = s.to;
        }
        const auto check_named = [&](const std::string& name) -> const check_info* {
            for (const auto& c : have->checks) {
                if (c.name == name) return &c;
            }
            return nullptr;
        };
        for (const check_info& c : effective_checks(want, d)) {
            const check_info* h = check_named(c.name);
            if (h == nullptr && change != nullptr) {
                const std::string wanted = canonical_expression(c.expression);
                for (const check_info& old : change->before.checks) {
                    if (canonical_expression(old.expression, renames) == wanted) h = check_named(old.name);
                }
            }
            if (h != nullptr) out.push_back({want.name, "check", h->name, h->expression, c.expression});
            out.push_back({want.name, "owns", h != nullptr ? h->name : c.name, {}, {}});
        }
        for (const unique_info& u : want.uniques) out.push_back({want.name, "owns", u.name, {}, {}});
        for (const foreign_key_info& fk : want.foreign_keys) out.push_back({want.name, "owns", fk.name, {}, {}});
        for (const index_info& x : want.indexes) {
            out.push_back({want.name, "owns", x.name, {}, {}});
            for (const auto& h : have->indexes) {
                if (h.name == x.name && !x.where.empty()) out.push_back({want.name, "index", x.name, h.where, x.where});
            }
        }
    }
    for (const table_change& tc : p.tables) {
        if (!tc.created && tc.before.name != tc.name) tables.push_back(tc.before.name);
    }
    return out;
}

/// INSERT of `rows` into `memo_table` (already quoted); a row already there stays as it is.
inline std::string memo_insert_sql(const std::string& memo_table, const std::vector<memo_row>& rows, dialect d) {
    if (rows.empty()) return {};
    std::string sql = "INSERT INTO " + memo_table + " (table_name, kind, name, catalog_sql, model_sql) VALUES ";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const memo_row& r = rows[i];
        sql += (i == 0 ? "(" : ", (") + quote_text(r.table, d) + ", " + quote_text(r.kind, d) + ", " + quote_text(r.name, d) +
               ", " + quote_text(r.catalog_sql, d) + ", " + quote_text(r.model_sql, d) + ")";
    }
    sql += d == dialect::mysql ? " ON DUPLICATE KEY UPDATE table_name = table_name" : " ON CONFLICT DO NOTHING";
    return sql;
}

/// DELETE of the remembered texts of `tables` and INSERT of `rows` into `memo_table` (already
/// quoted), as one script of two statements ("" when there is nothing to do). What driftless owns
/// ("owns" rows) is only ever added: an object it created stays its own.
inline std::string memo_write_sql(const std::string& memo_table, const std::vector<std::string>& tables,
                                  const std::vector<memo_row>& rows, dialect d) {
    if (tables.empty()) return {};
    std::string list;
    for (const auto& n : tables) list += (list.empty() ? "" : ", ") + quote_text(n, d);
    std::string sql = "DELETE FROM " + memo_table + " WHERE table_name IN (" + list + ") AND kind <> 'owns'";
    if (rows.empty()) return sql;
    return sql + ";\n" + memo_insert_sql(memo_table, rows, d);
}

}  // namespace driftless::detail

#endif  // DRIFTLESS_DETAIL_MEMO_HPP
