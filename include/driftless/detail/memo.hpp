// driftless — what a backend remembers about the text the engine rewrote: for every default,
// check and index predicate a model wrote, the catalog's text beside the model's (the table
// _driftless_expressions). While the catalog still says exactly that, the model's text stands in,
// so migrating twice plans nothing; a change made by hand makes the texts differ and shows up.
#ifndef DRIFTLESS_DETAIL_MEMO_HPP
#define DRIFTLESS_DETAIL_MEMO_HPP

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <driftless/detail/sql_tokens.hpp>
#include <driftless/plan.hpp>
#include <driftless/render.hpp>
#include <driftless/schema.hpp>

namespace driftless::detail {

/// One remembered text.
struct memo_row {
    std::string table;
    std::string kind;  ///< "default" (name: the column), "check", "index" (its predicate)
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
        }
        for (const index_info& x : want.indexes) {
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

/// DELETE of the rows of `tables` and INSERT of `rows` into `memo_table` (already quoted), as one
/// script of two statements ("" when there is nothing to do).
inline std::string memo_write_sql(const std::string& memo_table, const std::vector<std::string>& tables,
                                  const std::vector<memo_row>& rows, dialect d) {
    if (tables.empty()) return {};
    std::string list;
    for (const auto& n : tables) list += (list.empty() ? "" : ", ") + quote_text(n, d);
    std::string sql = "DELETE FROM " + memo_table + " WHERE table_name IN (" + list + ")";
    if (rows.empty()) return sql;
    sql += ";\nINSERT INTO " + memo_table + " (table_name, kind, name, catalog_sql, model_sql) VALUES ";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const memo_row& r = rows[i];
        sql += (i == 0 ? "(" : ", (") + quote_text(r.table, d) + ", " + quote_text(r.kind, d) + ", " + quote_text(r.name, d) +
               ", " + quote_text(r.catalog_sql, d) + ", " + quote_text(r.model_sql, d) + ")";
    }
    return sql;
}

}  // namespace driftless::detail

#endif  // DRIFTLESS_DETAIL_MEMO_HPP
