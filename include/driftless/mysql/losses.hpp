// driftless — what a script would discard on MySQL / MariaDB, counted BEFORE it runs. On the other
// engines a script runs in a transaction and its losses are measured after, then rolled back;
// MySQL commits every DDL statement, so here each statement is read (tokens, not a full parser)
// and what it would discard is counted on the data as it is: DROP TABLE, CREATE OR REPLACE TABLE,
// TRUNCATE, DELETE, UPDATE setting values to NULL, DROP COLUMN, and MODIFY / CHANGE COLUMN (each
// value stored in a scratch column of the new type and compared), following renames made earlier
// in the script. What it cannot count it does not let through silently: a statement that may
// discard data it cannot count (a DELETE or UPDATE it cannot read or that follows other changes
// to its table, REPLACE, ON DUPLICATE KEY UPDATE, ALTER IGNORE, DROP PARTITION, DROP DATABASE,
// CALL) is named as a problem, refused unless allowed.
#ifndef DRIFTLESS_MYSQL_LOSSES_HPP
#define DRIFTLESS_MYSQL_LOSSES_HPP

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <driftless/detail/losses.hpp>
#include <driftless/detail/sql_tokens.hpp>
#include <driftless/detail/text.hpp>
#include <driftless/engine.hpp>
#include <driftless/error.hpp>
#include <driftless/migrate.hpp>
#include <driftless/render.hpp>
#include <driftless/schema.hpp>
#include <driftless/mysql/connection.hpp>
#include <driftless/mysql/render.hpp>

namespace driftless::mysql::detail {

using driftless::detail::is_keyword;
using driftless::detail::is_symbol;
using driftless::detail::token;

inline std::int64_t count(const connection& db, const std::string& sql) {
    const result r = db.execute(sql);
    return r.rows() != 0 ? r.integer(0, 0) : 0;
}

/// MySQL text in the form the shared tokenizer reads as the server does: comments removed (`#` and
/// `-- ` to the end of the line, `/* */`), executable comments (`/*! ... */`, `/*M! ... */`) kept
/// as the code the server runs, and backslash escapes in quoted strings written with a doubled
/// quote instead (`'it\'s'` -> `'it''s'`). The result means the same to the server.
inline std::string mysql_clean(std::string_view sql) {
    std::string out;
    out.reserve(sql.size());
    for (std::size_t i = 0; i < sql.size();) {
        const char c = sql[i];
        if (c == '\'' || c == '"' || c == '`') {
            out += c;
            for (++i; i < sql.size(); ++i) {
                if (sql[i] == '\\' && c != '`' && i + 1 < sql.size()) {
                    if (sql[i + 1] == c) {
                        out += c;
                        out += c;
                    } else {
                        out += sql[i];
                        out += sql[i + 1];
                    }
                    ++i;
                } else if (sql[i] == c && i + 1 < sql.size() && sql[i + 1] == c) {
                    out += c;
                    out += c;
                    ++i;
                } else if (sql[i] == c) {
                    out += c;
                    ++i;
                    break;
                } else {
                    out += sql[i];
                }
            }
            continue;
        }
        const bool dash_comment = c == '-' && i + 1 < sql.size() && sql[i + 1] == '-' &&
                                  (i + 2 == sql.size() || sql[i + 2] == ' ' || sql[i + 2] == '\t' || sql[i + 2] == '\n' ||
                                   sql[i + 2] == '\r');
        if (c == '#' || dash_comment) {
            while (i < sql.size() && sql[i] != '\n') ++i;
            out += ' ';
            continue;
        }
        if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
            std::size_t body = i + 2;
            const bool executable = body < sql.size() && (sql[body] == '!' || (sql[body] == 'M' && body + 1 < sql.size() && sql[body + 1] == '!'));
            const std::size_t end = sql.find("*/", body);
            const std::size_t stop = end == std::string_view::npos ? sql.size() : end;
            if (executable) {
                body += sql[body] == 'M' ? 2 : 1;
                while (body < stop && sql[body] >= '0' && sql[body] <= '9') ++body;  // the version
                out += ' ';
                out += mysql_clean(sql.substr(body, stop - body));
            }
            out += ' ';
            i = end == std::string_view::npos ? sql.size() : end + 2;
            continue;
        }
        out += c;
        ++i;
    }
    return out;
}

/// True for the string types, whose values must also come back equal as text (`'007'` stored in
/// an INT compares equal to 7 as a value).
inline bool is_text_type(std::string_view type) {
    const std::string t = [&] {
        std::string lower(type);
        for (char& c : lower) c = driftless::detail::to_lower(c);
        return lower;
    }();
    for (std::string_view prefix : {"char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set", "binary",
                                    "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "national", "nchar", "nvarchar"}) {
        if (t.rfind(prefix, 0) == 0) return true;
    }
    return false;
}

/// How many of `column`'s non-null values of `table` would not come back equal once stored in a
/// column of type `to` with the conversions of a non-strict ALTER, and one of them. A value is
/// compared as a value, and, when `text` (the column holds strings), also as text.
inline std::optional<altered_values> probe_type_change(const connection& db, const std::string& table, const std::string& column,
                                                       const std::string& to, bool text) {
    const std::string scratch = "`_driftless_probe`";
    const std::string col = quote_identifier(column, dialect::mysql);
    // One CREATE TEMPORARY TABLE ... SELECT: it does not commit the session's transaction. It
    // copies the values in their own type (v) beside an empty column of the new type (w).
    db.execute("CREATE TEMPORARY TABLE " + scratch + " (w " + to + ") SELECT " + col + " AS v FROM " +
               quote_identifier(table, dialect::mysql) + " WHERE " + col + " IS NOT NULL");
    std::optional<altered_values> out;
    try {
        db.execute("SET @driftless_mode = @@SESSION.sql_mode, SESSION sql_mode = ''");
        // v = v too: a TIMESTAMP copied with its ON UPDATE CURRENT_TIMESTAMP would take the time.
        db.execute("UPDATE " + scratch + " SET w = v, v = v");
        db.execute("SET SESSION sql_mode = @driftless_mode");
        const std::string differs = text ? "NOT (w <=> v) OR CAST(w AS CHAR) <> CAST(v AS CHAR)" : "NOT (w <=> v)";
        const result r = db.execute("SELECT count(*), coalesce(sum(" + differs + "), 0), (SELECT CAST(v AS CHAR) FROM " + scratch +
                                    " WHERE " + differs + " ORDER BY 1 LIMIT 1) FROM " + scratch);
        db.execute("DROP TEMPORARY TABLE " + scratch);
        if (r.rows() == 1 && r.integer(0, 1) != 0) {
            out = altered_values{r.integer(0, 1), r.integer(0, 0), r.text(0, 2)};
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

/// A type change: each value stored in a column of the new type (engine::probe_type_change);
/// nullopt when every value comes back equal.
inline std::optional<altered_values> type_change_values(const connection& db, const table_change& tc, const step& s,
                                                        const std::string& column) {
    // A charset change converts the values as a type change does (utf8mb4 to latin1 loses what
    // latin1 cannot hold): both are probed with the column's type and charset after the step.
    const bool converts = s.kind == step_kind::change_type || (s.kind == step_kind::change_collation && s.level == safety::lossy);
    const column_info* after = converts ? tc.after.find_column(s.subject) : nullptr;
    if (after == nullptr) return std::nullopt;
    const std::string type = render_type(after->type, dialect::mysql);
    return probe_type_change(db, tc.before.name, column,
                             type + (character_type(type) ? driftless::detail::mysql_charset_clause(*after) : std::string()),
                             s.kind == step_kind::change_collation || is_text_type(s.from));
}

using driftless::predicted_losses;

/// Words after ALTER TABLE ... ADD / DROP that name something other than a column.
inline constexpr std::string_view not_columns[] = {"INDEX",     "KEY",    "PRIMARY",  "FOREIGN", "CONSTRAINT", "CHECK",
                                                   "PARTITION", "UNIQUE", "FULLTEXT", "SPATIAL", "PERIOD",     "SYSTEM"};

/// Reads `statements` in order against `current` (the catalog before they run) and counts, on the
/// data as it is now, what each would discard. Tables and columns are followed through RENAME
/// TABLE(S), ALTER TABLE ... RENAME [COLUMN] and CHANGE COLUMN; a table the script created holds
/// nothing of value yet. A DELETE or UPDATE is counted (its WHERE and values evaluated now) only
/// while the script has not yet changed that table's columns or rows; otherwise, and whenever a
/// statement may discard what cannot be counted, the statement itself is named as a problem.
inline predicted_losses predict_losses(const connection& db, const schema& current, const std::vector<std::string>& statements) {
    struct column {
        std::string now, original, type;  // original empty: added by the script
    };
    struct table {
        std::string now, original;  // original empty: created by the script
        std::vector<column> columns;
        bool changed = false;       ///< its columns were changed by an earlier statement
        bool data_changed = false;  ///< its rows were changed by an earlier statement
    };
    std::vector<table> tables;
    for (const table_info& t : current.tables) {
        if (driftless::detail::starts_with_ci(t.name, "_driftless_")) continue;
        table e{t.name, t.name, {}, false, false};
        for (const column_info& c : t.columns) e.columns.push_back({c.name, c.name, render_type(c.type, dialect::mysql)});
        tables.push_back(std::move(e));
    }
    const auto find = [&](std::string_view name) -> table* {
        for (table& t : tables) {
            if (driftless::detail::same_name(t.now, name)) return &t;
        }
        return nullptr;
    };
    const auto find_column = [](table& t, std::string_view name) -> column* {
        for (column& c : t.columns) {
            if (driftless::detail::same_name(c.now, name)) return &c;
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
                out.problems.push_back(truncate ? "removing " + driftless::detail::thousands(n) + " of " + driftless::detail::thousands(n) + " rows of " + t->original
                                                : "dropping table " + t->original + " would discard " + driftless::detail::thousands(n) + " rows");
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
    const auto any_keyword = [](const std::vector<token>& t, std::initializer_list<std::string_view> words) {
        return std::any_of(t.begin(), t.end(), [&](const token& k) {
            return std::any_of(words.begin(), words.end(), [&](std::string_view w) { return is_keyword(k, w); });
        });
    };
    for (std::size_t number = 0; number < statements.size(); ++number) {
        const std::string sql = mysql_clean(statements[number]);
        const std::vector<token> t = driftless::detail::tokenize(sql);
        if (t.empty()) continue;
        // The statement itself, named when what it would discard cannot be counted.
        const auto uncountable = [&](const std::string& why) {
            std::string excerpt;
            for (const token& k : t) {
                if (excerpt.size() > 60) {
                    excerpt += " ...";
                    break;
                }
                excerpt += (excerpt.empty() ? "" : " ") + sql.substr(k.begin, k.end - k.begin);
            }
            out.problems.push_back("statement " + std::to_string(number + 1) + " (" + excerpt + ") " + why +
                                   ", which cannot be counted before it runs");
        };
        if (std::any_of(t.begin(), t.end(), [](const token& k) { return is_symbol(k, ';'); })) {
            uncountable("holds more than one statement");
            continue;
        }
        std::size_t i = 1;
        if (is_keyword(t[0], "CREATE")) {
            bool replace = false;
            if (i + 1 < t.size() && is_keyword(t[i], "OR") && is_keyword(t[i + 1], "REPLACE")) {
                replace = true;
                i += 2;
            }
            if (i >= t.size() || is_keyword(t[i], "TEMPORARY") || !is_keyword(t[i], "TABLE")) continue;
            ++i;
            if (i + 2 < t.size() && is_keyword(t[i], "IF") && is_keyword(t[i + 1], "NOT") && is_keyword(t[i + 2], "EXISTS")) i += 3;
            const std::string name = name_at(t, i);
            if (name.empty()) continue;
            if (replace) drop_table(name, false);  // CREATE OR REPLACE drops the table first
            if (find(name) == nullptr) tables.push_back({name, "", {}, true, true});
        } else if (is_keyword(t[0], "DROP")) {
            if (i < t.size() && (is_keyword(t[i], "DATABASE") || is_keyword(t[i], "SCHEMA"))) {
                uncountable("drops a whole database");
                continue;
            }
            if (i >= t.size() || !(is_keyword(t[i], "TABLE") || is_keyword(t[i], "TABLES"))) continue;  // TEMPORARY, INDEX, ...
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
            if (i >= t.size() || !(is_keyword(t[i], "TABLE") || is_keyword(t[i], "TABLES"))) continue;
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
        } else if (is_keyword(t[0], "CALL")) {
            uncountable("runs a stored procedure, whose effects are not read");
        } else if (is_keyword(t[0], "REPLACE") || is_keyword(t[0], "INSERT")) {
            const bool replace = is_keyword(t[0], "REPLACE");
            while (i < t.size() && (is_keyword(t[i], "LOW_PRIORITY") || is_keyword(t[i], "DELAYED") ||
                                    is_keyword(t[i], "HIGH_PRIORITY") || is_keyword(t[i], "IGNORE") || is_keyword(t[i], "INTO")))
                ++i;
            table* e = find(name_at(t, i));
            if (e == nullptr) continue;
            if (!e->original.empty() && (replace || any_keyword(t, {"DUPLICATE"})))
                uncountable(replace ? "replaces rows of " + e->original : "may overwrite values of " + e->original);
            e->data_changed = true;
        } else if (is_keyword(t[0], "DELETE") || is_keyword(t[0], "UPDATE")) {
            const bool del = is_keyword(t[0], "DELETE");
            while (i < t.size() && (is_keyword(t[i], "LOW_PRIORITY") || is_keyword(t[i], "QUICK") || is_keyword(t[i], "IGNORE"))) ++i;
            if (del) {
                if (i >= t.size() || !is_keyword(t[i], "FROM")) {  // multi-table DELETE t1, t2 FROM ...
                    uncountable("deletes rows from several tables");
                    continue;
                }
                ++i;
            }
            table* e = find(name_at(t, i));
            if (e == nullptr) continue;  // another database's, or a temporary table
            const std::string what = (del ? "removes rows of " : "changes values of ") + (e->original.empty() ? e->now : e->original);
            const bool was_changed = e->changed || e->data_changed;
            e->data_changed = true;
            if (e->original.empty()) continue;  // created by the script: nothing of value yet
            // Single-table, no alias, no ORDER BY / LIMIT, on the table as it was: count it now.
            const bool simple = i == t.size() || is_keyword(t[i], del ? "WHERE" : "SET");
            if (!simple || was_changed || any_keyword(t, {"LIMIT", "ORDER", "RETURNING", "JOIN"})) {
                uncountable(what + (was_changed ? " after an earlier statement changed that table" : ""));
                continue;
            }
            if (del) {
                try {
                    const std::string where = i < t.size() ? " " + sql.substr(t[i].begin) : std::string();
                    const std::int64_t total = count(db, "SELECT count(*) FROM " + q(e->original));
                    const std::int64_t n = where.empty() ? total : count(db, "SELECT count(*) FROM " + q(e->original) + where);
                    if (n != 0) out.problems.push_back("removing " + driftless::detail::thousands(n) + " of " + driftless::detail::thousands(total) + " rows of " + e->original);
                } catch (const error& x) {
                    uncountable(what + " (counting it failed: " + std::string(x.what()) + ")");
                }
                continue;
            }
            // UPDATE t SET c = e, ... [WHERE ...]: the non-null values of each c whose new value e,
            // evaluated on the rows as they are now, is NULL.
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
                    assignments.emplace_back(c->original, sql.substr(t[k + 2].begin, t[end - 1].end - t[k + 2].begin));
                if (end < t.size() && is_keyword(t[end], "WHERE")) {
                    where = end;
                    break;
                }
                i = end + 1;
            }
            if (!understood) {
                uncountable(what);
                continue;
            }
            if (assignments.empty()) continue;
            std::string select = "SELECT ";
            for (std::size_t a = 0; a < assignments.size(); ++a) {
                const std::string c = q(assignments[a].first);
                select += std::string(a != 0 ? ", " : "") + "coalesce(sum(" + c + " IS NOT NULL AND (" + assignments[a].second +
                          ") IS NULL), 0), count(" + c + ")";
            }
            select += " FROM " + q(e->original) + (where < t.size() ? " " + sql.substr(t[where].begin) : std::string());
            try {
                const result r = db.execute(select);
                for (std::size_t a = 0; a < assignments.size() && r.rows() == 1; ++a) {
                    const std::int64_t cleared = r.integer(0, static_cast<int>(2 * a));
                    if (cleared != 0)
                        out.problems.push_back("clearing " + driftless::detail::thousands(cleared) + " of " +
                                               driftless::detail::thousands(r.integer(0, static_cast<int>(2 * a + 1))) + " non-null values of " +
                                               e->original + "." + assignments[a].first);
                }
            } catch (const error& x) {
                uncountable(what + " (counting it failed: " + std::string(x.what()) + ")");
            }
        } else if (is_keyword(t[0], "ALTER")) {
            bool ignore = false;
            while (i < t.size() && (is_keyword(t[i], "ONLINE") || is_keyword(t[i], "IGNORE"))) ignore = ignore || is_keyword(t[i++], "IGNORE");
            if (i >= t.size() || !is_keyword(t[i], "TABLE")) continue;
            ++i;
            if (i + 1 < t.size() && is_keyword(t[i], "IF") && is_keyword(t[i + 1], "EXISTS")) i += 2;
            table* e = find(name_at(t, i));
            if (e == nullptr) continue;
            if (ignore && !e->original.empty()) uncountable("may delete rows of " + e->original + " that break a new unique key");
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
                const auto other_than_column = [&] {
                    return std::any_of(std::begin(not_columns), std::end(not_columns), [&](std::string_view w) { return word(w); });
                };
                // Adding a column, key or default leaves the values as they are; anything else
                // makes later DELETE / UPDATE statements on this table uncountable.
                if (!word("ADD") && !word("ALTER") && !word("ALGORITHM") && !word("LOCK")) e->changed = true;
                if (word("ADD")) {
                    ++k;
                    if (word("COLUMN")) ++k;
                    if (k + 2 < end && is_keyword(t[k], "IF") && is_keyword(t[k + 1], "NOT") && is_keyword(t[k + 2], "EXISTS")) k += 3;
                    if (!other_than_column() && k < end && !is_symbol(t[k], '(')) e->columns.push_back({t[k].value, "", ""});
                } else if (word("TRUNCATE") || (word("DROP") && k + 1 < end && (is_keyword(t[k + 1], "PARTITION") ||
                                                                                 is_keyword(t[k + 1], "SYSTEM")))) {
                    if (!e->original.empty()) uncountable("drops rows of " + e->original + " (a partition, or its history)");
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
                    if (!other_than_column()) {
                        if (word("COLUMN")) ++k;
                        skip_if_exists();
                        if (k < end) {
                            if (column* c = find_column(*e, t[k].value)) {
                                if (!e->original.empty() && !c->original.empty()) {
                                    const std::int64_t n = count(db, "SELECT count(" + q(c->original) + ") FROM " + q(e->original));
                                    if (n != 0)
                                        out.problems.push_back("dropping column " + e->original + "." + c->original + " would discard " +
                                                               driftless::detail::thousands(n) + " non-null values");
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
                        try {
                            if (const auto altered = probe_type_change(db, e->original, c->original, type, is_text_type(c->type)))
                                out.problems.push_back("changing " + where + " to " + type + " would alter " +
                                                       driftless::detail::thousands(altered->altered) + " of " + driftless::detail::thousands(altered->total) +
                                                       " non-null values (e.g. " + driftless::detail::shown_example(altered->example) + ")");
                        } catch (const error& x) {
                            out.problems.push_back("changing " + where + " to " + type + " could not be checked value by value (" +
                                                   std::string(x.what()) + ")");
                        }
                        if (not_null) {
                            const std::int64_t n =
                                count(db, "SELECT count(*) FROM " + q(e->original) + " WHERE " + q(c->original) + " IS NULL");
                            // After the script changed the rows, the NULLs counted now may be gone by then.
                            if (n != 0 && e->data_changed)
                                out.problems.push_back(where + " holds " + driftless::detail::thousands(n) + " NULLs now, before the statements that "
                                                       "change its rows; NOT NULL fails, or in a non-strict sql_mode turns any "
                                                       "left into zeros or empty strings");
                            else if (n != 0)
                                out.impossible.push_back(driftless::detail::thousands(n) + " NULLs block NOT NULL on " + where);
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
