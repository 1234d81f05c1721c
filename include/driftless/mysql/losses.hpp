// driftless — what a script would discard on MySQL / MariaDB, counted BEFORE it runs. On the other
// engines a script runs in a transaction and its losses are measured after, then rolled back;
// MySQL commits every DDL statement, so here each statement is read (tokens, not a full parser)
// and what it would discard is counted on the data as it is: DROP TABLE, TRUNCATE, DELETE, UPDATE
// setting values to NULL, DROP COLUMN, and MODIFY / CHANGE COLUMN (each value stored in a scratch
// column of the new type and compared), following renames made earlier in the script. What it
// cannot read (multi-table DELETE / UPDATE, ORDER BY / LIMIT, data statements after the script
// altered that table, REPLACE, procedures) is not counted (docs/limitations.md).
#ifndef DRIFTLESS_MYSQL_LOSSES_HPP
#define DRIFTLESS_MYSQL_LOSSES_HPP

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <driftless/detail/sql_tokens.hpp>
#include <driftless/error.hpp>
#include <driftless/migrate.hpp>
#include <driftless/render.hpp>
#include <driftless/schema.hpp>
#include <driftless/mysql/connection.hpp>

namespace driftless::mysql::detail {

using driftless::detail::is_keyword;
using driftless::detail::is_symbol;
using driftless::detail::same_name;
using driftless::detail::thousands;
using driftless::detail::token;

inline std::int64_t count(const connection& db, const std::string& sql) {
    const result r = db.execute(sql);
    return r.rows() != 0 ? r.integer(0, 0) : 0;
}

/// How many of `column`'s non-null values of `table` would not come back equal (as a value and as
/// text) once stored in a column of type `to` with the conversions of a non-strict ALTER, and
/// one of them. Nothing when none would change.
struct altered_values {
    std::int64_t altered = 0;
    std::int64_t total = 0;
    std::string example;
};

inline std::optional<altered_values> probe_type_change(const connection& db, const std::string& table, const std::string& column,
                                                       const std::string& to) {
    const std::string scratch = "`_driftless_probe`";
    const std::string col = quote_identifier(column, dialect::mysql);
    // A temporary table does not commit; it copies the values in their own type.
    db.execute("CREATE TEMPORARY TABLE " + scratch + " SELECT " + col + " AS v FROM " + quote_identifier(table, dialect::mysql) +
               " WHERE " + col + " IS NOT NULL");
    std::optional<altered_values> out;
    try {
        db.execute("ALTER TABLE " + scratch + " ADD COLUMN w " + to);
        db.execute("SET @driftless_mode = @@SESSION.sql_mode; SET SESSION sql_mode = ''");
        db.execute("UPDATE " + scratch + " SET w = v");
        db.execute("SET SESSION sql_mode = @driftless_mode");
        const std::string differs = "NOT (w <=> v) OR CAST(w AS CHAR) <> CAST(v AS CHAR)";
        const result r = db.execute("SELECT count(*), coalesce(sum(" + differs + "), 0), (SELECT CAST(v AS CHAR) FROM " + scratch +
                                    " WHERE " + differs + " ORDER BY 1 LIMIT 1) FROM " + scratch);
        db.execute("DROP TEMPORARY TABLE " + scratch);
        if (r.rows() == 1 && r.integer(0, 1) != 0) {
            std::string example = r.text(0, 2);
            if (example.size() > 40) example = example.substr(0, 37) + "...";
            out = altered_values{r.integer(0, 1), r.integer(0, 0), std::move(example)};
        }
    } catch (...) {
        try {
            db.execute("SET SESSION sql_mode = @driftless_mode");
        } catch (...) {
        }
        try {
            db.execute("DROP TEMPORARY TABLE IF EXISTS " + scratch);
        } catch (...) {
        }
        throw;
    }
    return out;
}

/// Words after ALTER TABLE ... ADD / DROP that name something other than a column.
inline constexpr std::string_view not_columns[] = {"INDEX",     "KEY",    "PRIMARY",  "FOREIGN", "CONSTRAINT", "CHECK",
                                                   "PARTITION", "UNIQUE", "FULLTEXT", "SPATIAL", "PERIOD",     "SYSTEM"};

/// What a script would discard (`problems`: refused unless allowed) and what cannot succeed
/// whatever the options (`impossible`: NOT NULL over NULLs).
struct predicted_losses {
    std::vector<std::string> problems;
    std::vector<std::string> impossible;
};

/// Reads `statements` in order against `current` (the catalog before they run) and counts, on the
/// data as it is now, what each would discard. Tables and columns are followed through RENAME
/// TABLE, ALTER TABLE ... RENAME [COLUMN] and CHANGE COLUMN; a table the script created holds
/// nothing of value yet. A DELETE is counted (its WHERE evaluated now) only while the script has
/// not yet changed that table.
inline predicted_losses predict_losses(const connection& db, const schema& current, const std::vector<std::string>& statements) {
    struct column {
        std::string now, original;
    };
    struct table {
        std::string now, original;  // original empty: created by the script
        std::vector<column> columns;
        bool changed = false;
    };
    std::vector<table> tables;
    for (const table_info& t : current.tables) {
        if (driftless::detail::starts_with_ci(t.name, "_driftless_")) continue;
        table e{t.name, t.name, {}, false};
        for (const column_info& c : t.columns) e.columns.push_back({c.name, c.name});
        tables.push_back(std::move(e));
    }
    const auto find = [&](std::string_view name) -> table* {
        for (table& t : tables) {
            if (same_name(t.now, name)) return &t;
        }
        return nullptr;
    };
    const auto find_column = [](table& t, std::string_view name) -> column* {
        for (column& c : t.columns) {
            if (same_name(c.now, name)) return &c;
        }
        return nullptr;
    };
    const auto q = [](std::string_view name) { return quote_identifier(name, dialect::mysql); };
    predicted_losses out;
    const auto drop_table = [&](std::string_view name, bool truncate) {
        table* t = find(name);
        if (t == nullptr) return;
        if (!t->original.empty()) {
            const std::int64_t n = count(db, "SELECT count(*) FROM " + q(t->original));
            if (n != 0)
                out.problems.push_back(truncate ? "removing " + thousands(n) + " of " + thousands(n) + " rows of " + t->original
                                                : "dropping table " + t->original + " would discard " + thousands(n) + " rows");
        }
        if (truncate) {
            t->original.clear();  // what is left in it was written by the script
            for (column& c : t->columns) c.original.clear();
        } else {
            tables.erase(tables.begin() + (t - tables.data()));
        }
    };
    // A table name at t[i] (skipping a `schema`. prefix); advances i past it.
    const auto name_at = [](const std::vector<token>& t, std::size_t& i) -> std::string {
        if (i >= t.size() || t[i].kind == token::symbol || t[i].kind == token::string) return {};
        if (i + 2 < t.size() && is_symbol(t[i + 1], '.')) i += 2;
        return t[i++].value;
    };
    for (const std::string& sql : statements) {
        const std::vector<token> t = driftless::detail::tokenize(sql);
        if (t.empty()) continue;
        std::size_t i = 1;
        if (is_keyword(t[0], "CREATE")) {
            if (i < t.size() && (is_keyword(t[i], "TEMPORARY") || !is_keyword(t[i], "TABLE"))) continue;
            ++i;
            if (i + 2 < t.size() && is_keyword(t[i], "IF") && is_keyword(t[i + 1], "NOT") && is_keyword(t[i + 2], "EXISTS")) i += 3;
            const std::string name = name_at(t, i);
            if (!name.empty() && find(name) == nullptr) tables.push_back({name, "", {}, true});
        } else if (is_keyword(t[0], "DROP")) {
            if (i >= t.size() || !is_keyword(t[i], "TABLE")) continue;  // DROP TEMPORARY TABLE, DROP INDEX, ...
            ++i;
            if (i + 1 < t.size() && is_keyword(t[i], "IF") && is_keyword(t[i + 1], "EXISTS")) i += 2;
            while (i < t.size()) {
                const std::string name = name_at(t, i);
                if (name.empty()) break;
                drop_table(name, false);
                if (i < t.size() && is_symbol(t[i], ',')) ++i;
                else break;
            }
        } else if (is_keyword(t[0], "TRUNCATE")) {
            if (i < t.size() && is_keyword(t[i], "TABLE")) ++i;
            const std::string name = name_at(t, i);
            if (!name.empty()) drop_table(name, true);
        } else if (is_keyword(t[0], "RENAME")) {
            if (i >= t.size() || !is_keyword(t[i], "TABLE")) continue;
            ++i;
            while (i < t.size()) {
                const std::string from = name_at(t, i);
                if (from.empty() || i >= t.size() || !is_keyword(t[i], "TO")) break;
                ++i;
                const std::string to = name_at(t, i);
                if (table* e = find(from); e != nullptr && !to.empty()) e->now = to;
                if (i < t.size() && is_symbol(t[i], ',')) ++i;
                else break;
            }
        } else if (is_keyword(t[0], "DELETE")) {
            if (i >= t.size() || !is_keyword(t[i], "FROM")) continue;
            ++i;
            const std::string name = name_at(t, i);
            table* e = find(name);
            if (e == nullptr || e->original.empty() || e->changed) continue;
            // Single-table DELETE without ORDER BY / LIMIT: count what its WHERE selects now.
            if (i < t.size() && !is_keyword(t[i], "WHERE")) continue;
            const bool limited = std::any_of(t.begin(), t.end(), [](const token& k) {
                return is_keyword(k, "LIMIT") || is_keyword(k, "ORDER") || is_keyword(k, "RETURNING");
            });
            if (limited) continue;
            const std::string where = i < t.size() ? " " + sql.substr(t[i].begin) : std::string();
            const std::int64_t total = count(db, "SELECT count(*) FROM " + q(e->original));
            std::int64_t n = total;
            try {  // a condition naming what the script added cannot be evaluated now: not counted
                if (!where.empty()) n = count(db, "SELECT count(*) FROM " + q(e->original) + where);
            } catch (const error&) {
                continue;
            }
            if (n != 0) out.problems.push_back("removing " + thousands(n) + " of " + thousands(total) + " rows of " + e->original);
        } else if (is_keyword(t[0], "UPDATE")) {
            // Single-table UPDATE t SET c = e, ... [WHERE ...]: count the non-null values of each c
            // whose new value e, evaluated on the rows as they are now, is NULL.
            while (i < t.size() && (is_keyword(t[i], "LOW_PRIORITY") || is_keyword(t[i], "IGNORE"))) ++i;
            const std::string name = name_at(t, i);
            table* e = find(name);
            if (e == nullptr || e->original.empty() || e->changed || i >= t.size() || !is_keyword(t[i], "SET")) continue;
            const bool limited = std::any_of(t.begin(), t.end(), [](const token& k) {
                return is_keyword(k, "LIMIT") || is_keyword(k, "ORDER") || is_keyword(k, "JOIN");
            });
            if (limited) continue;
            ++i;
            std::vector<std::pair<std::string, std::string>> assignments;  // column, expression
            std::size_t where = t.size();
            bool understood = true;
            while (i < t.size()) {
                std::size_t end = i;
                for (int depth = 0; end < t.size(); ++end) {
                    if (is_symbol(t[end], '(')) ++depth;
                    else if (is_symbol(t[end], ')')) --depth;
                    else if (depth == 0 && (is_symbol(t[end], ',') || is_keyword(t[end], "WHERE"))) break;
                }
                std::size_t k = i;
                if (k + 2 < end && is_symbol(t[k + 1], '.')) k += 2;  // t.c
                if (k + 2 >= end || !is_symbol(t[k + 1], '=')) {
                    understood = false;
                    break;
                }
                if (const column* c = find_column(*e, t[k].value); c != nullptr && !c->original.empty())  // not one the script added
                    assignments.emplace_back(t[k].value, sql.substr(t[k + 2].begin, t[end - 1].end - t[k + 2].begin));
                if (end < t.size() && is_keyword(t[end], "WHERE")) {
                    where = end;
                    break;
                }
                i = end + 1;
            }
            if (!understood || assignments.empty()) continue;
            std::string select = "SELECT ";
            for (std::size_t a = 0; a < assignments.size(); ++a) {
                const std::string c = q(assignments[a].first);
                select += std::string(a != 0 ? ", " : "") + "coalesce(sum(" + c + " IS NOT NULL AND (" + assignments[a].second +
                          ") IS NULL), 0), count(" + c + ")";
            }
            select += " FROM " + q(e->original) + (where < t.size() ? " " + sql.substr(t[where].begin) : std::string());
            std::optional<result> r;
            try {  // an expression naming what the script added cannot be evaluated now: not counted
                r.emplace(db.execute(select));
            } catch (const error&) {
                continue;
            }
            for (std::size_t a = 0; a < assignments.size() && r->rows() == 1; ++a) {
                const std::int64_t cleared = r->integer(0, static_cast<int>(2 * a));
                if (cleared != 0)
                    out.problems.push_back("clearing " + thousands(cleared) + " of " + thousands(r->integer(0, static_cast<int>(2 * a + 1))) +
                                           " non-null values of " + e->original + "." + assignments[a].first);
            }
        } else if (is_keyword(t[0], "ALTER")) {
            while (i < t.size() && (is_keyword(t[i], "ONLINE") || is_keyword(t[i], "IGNORE"))) ++i;
            if (i >= t.size() || !is_keyword(t[i], "TABLE")) continue;
            ++i;
            if (i + 1 < t.size() && is_keyword(t[i], "IF") && is_keyword(t[i + 1], "EXISTS")) i += 2;
            const std::string name = name_at(t, i);
            table* e = find(name);
            if (e == nullptr) continue;
            // The clauses, split at top-level commas.
            while (i < t.size()) {
                std::size_t end = i;
                for (int depth = 0; end < t.size(); ++end) {
                    if (is_symbol(t[end], '(')) ++depth;
                    else if (is_symbol(t[end], ')')) --depth;
                    else if (depth == 0 && is_symbol(t[end], ',')) break;
                }
                std::size_t k = i;
                const auto word = [&](std::string_view w) { return k < end && is_keyword(t[k], w); };
                const auto skip_if_exists = [&] {
                    if (k + 1 < end && is_keyword(t[k], "IF") && is_keyword(t[k + 1], "EXISTS")) k += 2;
                };
                // Adding a column, key or default leaves the values as they are; anything else
                // makes later DELETE / UPDATE statements on this table uncountable.
                if (!word("ADD") && !word("ALTER") && !word("ALGORITHM") && !word("LOCK")) e->changed = true;
                if (word("ADD")) {
                    ++k;
                    if (word("COLUMN")) ++k;
                    if (k + 2 < end && is_keyword(t[k], "IF") && is_keyword(t[k + 1], "NOT") && is_keyword(t[k + 2], "EXISTS")) k += 3;
                    const bool other = std::any_of(std::begin(not_columns), std::end(not_columns), [&](std::string_view w) { return word(w); });
                    if (!other && k < end && !is_symbol(t[k], '(')) e->columns.push_back({t[k].value, ""});
                } else if (word("RENAME")) {
                    ++k;
                    if (word("COLUMN")) {
                        ++k;
                        if (k + 2 < end && is_keyword(t[k + 1], "TO")) {
                            if (column* c = find_column(*e, t[k].value)) c->now = t[k + 2].value;
                        }
                    } else if (!word("INDEX") && !word("KEY")) {
                        if (word("TO") || word("AS")) ++k;
                        if (k < end) {
                            std::size_t n = k;
                            const std::string to = name_at(t, n);
                            if (!to.empty()) e->now = to;
                        }
                    }
                } else if (word("DROP")) {
                    ++k;
                    const bool other = std::any_of(std::begin(not_columns), std::end(not_columns), [&](std::string_view w) { return word(w); });
                    if (!other) {
                        if (word("COLUMN")) ++k;
                        skip_if_exists();
                        if (k < end) {
                            if (column* c = find_column(*e, t[k].value)) {
                                if (!e->original.empty() && !c->original.empty()) {
                                    const std::int64_t n = count(db, "SELECT count(" + q(c->original) + ") FROM " + q(e->original));
                                    if (n != 0)
                                        out.problems.push_back("dropping column " + e->original + "." + c->original + " would discard " +
                                                               thousands(n) + " non-null values");
                                }
                                e->columns.erase(e->columns.begin() + (c - e->columns.data()));
                            }
                        }
                    }
                } else if (word("MODIFY") || word("CHANGE")) {
                    const bool change = word("CHANGE");
                    ++k;
                    if (word("COLUMN")) ++k;
                    skip_if_exists();
                    column* c = k < end ? find_column(*e, t[k].value) : nullptr;
                    std::string renamed;
                    if (change && k + 1 < end) renamed = t[++k].value;
                    ++k;  // the type starts here and runs to the first attribute keyword
                    std::size_t type_end = k;
                    static constexpr std::string_view attributes[] = {
                        "NOT", "NULL", "DEFAULT", "AUTO_INCREMENT", "COMMENT", "PRIMARY", "UNIQUE", "KEY", "CHECK", "REFERENCES",
                        "FIRST", "AFTER", "GENERATED", "AS", "INVISIBLE", "VISIBLE", "ON", "CONSTRAINT", "COLUMN_FORMAT",
                        "STORAGE", "PERSISTENT", "VIRTUAL", "STORED", "SERIAL"};
                    for (int depth = 0; type_end < end; ++type_end) {
                        if (is_symbol(t[type_end], '(')) ++depth;
                        else if (is_symbol(t[type_end], ')')) --depth;
                        else if (depth == 0 && std::any_of(std::begin(attributes), std::end(attributes),
                                                           [&](std::string_view w) { return is_keyword(t[type_end], w); }))
                            break;
                    }
                    bool not_null = false;
                    for (std::size_t j = type_end; j + 1 < end; ++j) {
                        if (is_keyword(t[j], "NOT") && is_keyword(t[j + 1], "NULL")) not_null = true;
                    }
                    if (c != nullptr && !e->original.empty() && !c->original.empty() && type_end > k) {
                        const std::string where = e->original + "." + c->original;
                        const std::string type = sql.substr(t[k].begin, t[type_end - 1].end - t[k].begin);
                        if (const auto altered = probe_type_change(db, e->original, c->original, type))
                            out.problems.push_back("changing " + where + " to " + type + " would alter " + thousands(altered->altered) +
                                                   " of " + thousands(altered->total) + " non-null values (e.g. " + altered->example + ")");
                        if (not_null) {
                            const std::int64_t n =
                                count(db, "SELECT count(*) FROM " + q(e->original) + " WHERE " + q(c->original) + " IS NULL");
                            if (n != 0) out.impossible.push_back(thousands(n) + " NULLs block NOT NULL on " + where);
                        }
                    }
                    if (c != nullptr && !renamed.empty()) c->now = renamed;
                }
                i = end < t.size() ? end + 1 : end;
            }
        }
    }
    return out;
}

}  // namespace driftless::mysql::detail

#endif  // DRIFTLESS_MYSQL_LOSSES_HPP
