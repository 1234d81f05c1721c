// driftless — measured data loss, for every engine: count the rows and non-null values of the
// tables a script names before it runs, count again after it ran (inside the same transaction),
// following renames, and name what shrank. The backends supply the statement that counts. Also
// the statements a migration script may not contain.
#ifndef DRIFTLESS_DETAIL_LOSSES_HPP
#define DRIFTLESS_DETAIL_LOSSES_HPP

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <driftless/detail/sql_tokens.hpp>
#include <driftless/engine.hpp>
#include <driftless/migrate.hpp>
#include <driftless/render.hpp>
#include <driftless/schema.hpp>
#include <driftless/statement_list.hpp>

namespace driftless::detail {

/// Runs one "SELECT count(*), count(c1), ..." and returns its `n` values.
using row_counter = std::function<std::vector<std::int64_t>(const std::string& sql, std::size_t n)>;

/// An example value as a message shows it: longer than 40 bytes, cut to 37 and "...".
inline std::string shown_example(const std::string& value) { return value.size() > 40 ? value.substr(0, 37) + "..." : value; }

/// The problem a type change's probe found (engine::probe_type_change, PostgreSQL's check_step).
inline std::string altered_values_problem(const table_change& tc, const std::string& column, const step& s, const altered_values& a) {
    const std::string example = shown_example(a.example);
    return "changing " + tc.before.name + "." + column + " from " + s.from + " to " + s.to + " would alter " + thousands(a.altered) +
           " of " + thousands(a.total) + " non-null values (e.g. " + example + ")";
}

/// Rows and non-null values of the tables a script mentions: what measure() took before it ran.
struct data_counts {
    struct table {
        std::string name;
        std::int64_t rows = 0;
        std::vector<std::pair<std::string, std::int64_t>> non_null;  ///< per column
    };
    std::vector<table> tables;
};

/// "SELECT count(*), count(c1), ... FROM t" for `columns` of `table`. On SQLite the table is
/// named with its schema, main, so that a temporary table of the same name (which SQLite finds
/// first) cannot stand in for it; PostgreSQL's migration transaction puts its schema before
/// pg_temp on the search path.
inline std::string count_sql(const std::string& table, const std::vector<std::string>& columns, dialect d) {
    std::string sql = "SELECT count(*)";
    for (const auto& c : columns) sql += ", count(" + quote_identifier(c, d) + ")";
    return sql + " FROM " + (d == dialect::sqlite ? "main." : "") + quote_identifier(table, d);
}

/// Count the rows and each column's non-null values of every table in `current` whose name
/// appears (as SQL compares names: without regard to ASCII case) in `statements`. One scan per table.
inline data_counts measure(const schema& current, statement_list statements, dialect d,
                           const row_counter& count) {
    // Which tables are named, decided token by token (a large file's words are never all kept).
    std::vector<char> mentioned(current.tables.size(), 0);
    for (const std::string_view sql : statements) {
        for (const token& t : tokenize(sql)) {
            if (t.kind != token::identifier && t.kind != token::word && t.kind != token::string) continue;
            for (std::size_t i = 0; i < current.tables.size(); ++i) {
                if (mentioned[i] == 0 && same_name(t.value, current.tables[i].name)) mentioned[i] = 1;
            }
        }
    }
    data_counts out;
    for (std::size_t ti = 0; ti < current.tables.size(); ++ti) {
        const table_info& t = current.tables[ti];
        if (starts_with_ci(t.name, "_driftless_") || mentioned[ti] == 0) continue;
        std::vector<std::string> columns;
        for (const auto& c : t.columns) columns.push_back(c.name);
        const std::vector<std::int64_t> n = count(count_sql(t.name, columns, d), columns.size() + 1);
        data_counts::table counted{t.name, n[0], {}};
        for (std::size_t i = 0; i < columns.size(); ++i) counted.non_null.emplace_back(columns[i], n[i + 1]);
        out.tables.push_back(std::move(counted));
    }
    return out;
}

/// What `statements` discarded, now that they ran (inside the caller's transaction): tables gone
/// with their rows, rows removed, columns gone with their values, values cleared — comparing
/// `before` (measure() before they ran) with the database now (`now`, introspected after). Tables
/// and columns renamed by ALTER TABLE ... RENAME are followed, so a rebuild (copy, drop, rename
/// back) or a rename loses nothing; what a copy leaves behind is lost.
inline std::vector<std::string> losses(const data_counts& before, const schema& now, statement_list statements,
                                       dialect d, const row_counter& count) {
    // Renames, in order: table renames and column renames (table, from, to).
    struct rename {
        std::string table, from, to;  // table empty: a table rename
    };
    std::vector<rename> renames;
    for (const std::string_view sql : statements) {
        std::vector<token> t = tokenize(sql);
        if (t.size() < 6 || !is_keyword(t[0], "ALTER") || !is_keyword(t[1], "TABLE")) continue;
        std::size_t i = 2;
        if (i + 1 < t.size() && is_keyword(t[i], "IF") && is_keyword(t[i + 1], "EXISTS")) i += 2;
        if (i < t.size() && is_keyword(t[i], "ONLY")) ++i;
        if (i + 2 < t.size() && is_symbol(t[i + 1], '.')) i += 2;  // schema.table
        if (i >= t.size()) continue;
        const std::string table = t[i].value;
        ++i;
        if (i >= t.size() || !is_keyword(t[i], "RENAME")) continue;
        ++i;
        if (i < t.size() && is_keyword(t[i], "TO") && i + 1 < t.size()) {
            renames.push_back({"", table, t[i + 1].value});
        } else {
            if (i < t.size() && is_keyword(t[i], "COLUMN")) ++i;
            if (i + 2 < t.size() && is_keyword(t[i + 1], "TO")) renames.push_back({table, t[i].value, t[i + 2].value});
        }
    }
    std::vector<std::string> out;
    for (const data_counts::table& was : before.tables) {
        // Follow the table through renames; its columns through renames of it.
        std::string name = was.name;
        std::vector<std::pair<std::string, std::string>> columns;  // original -> current name
        for (const auto& c : was.non_null) columns.emplace_back(c.first, c.first);
        for (const rename& r : renames) {
            if (r.table.empty()) {
                if (same_name(r.from, name)) name = r.to;
            } else if (same_name(r.table, name)) {
                for (auto& c : columns) {
                    if (same_name(c.second, r.from)) c.second = r.to;
                }
            }
        }
        const table_info* found = nullptr;
        for (const auto& t : now.tables) {
            if (same_name(t.name, name)) found = &t;
        }
        if (found == nullptr) {
            if (was.rows != 0) out.push_back("dropping table " + was.name + " would discard " + thousands(was.rows) + " rows");
            continue;
        }
        std::vector<std::string> counted;
        std::vector<std::size_t> present;  // indexes into was.non_null of the columns still there
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const bool there = std::any_of(found->columns.begin(), found->columns.end(),
                                           [&](const column_info& c) { return same_name(c.name, columns[i].second); });
            if (there) {
                present.push_back(i);
                counted.push_back(columns[i].second);
            } else if (was.non_null[i].second != 0) {
                out.push_back("dropping column " + was.name + "." + was.non_null[i].first + " would discard " +
                              thousands(was.non_null[i].second) + " non-null values");
            }
        }
        const std::vector<std::int64_t> n = count(count_sql(found->name, counted, d), counted.size() + 1);
        if (n[0] < was.rows)
            out.push_back("removing " + thousands(was.rows - n[0]) + " of " + thousands(was.rows) + " rows of " + was.name);
        for (std::size_t k = 0; k < present.size(); ++k) {
            const auto& [column, total] = was.non_null[present[k]];
            if (n[k + 1] < total)
                out.push_back("clearing " + thousands(total - n[k + 1]) + " of " + thousands(total) + " non-null values of " +
                              was.name + "." + column);
        }
    }
    return out;
}

/// The policy's verdict on what a backend counted: `impossible` (what would fail whatever the
/// options) is refused with driftless.plan.blocked; `problems` (what would discard values) with
/// driftless.plan.lossy unless options.allow_data_loss, the plan's notes (possible renames) added.
inline void refuse_losses(const std::vector<std::string>& problems, const std::vector<std::string>& impossible,
                          const migration_plan& p, const migrate_options& options) {
    const auto joined = [](const std::vector<std::string>& v) {
        std::string out;
        for (const auto& s : v) out += (out.empty() ? "" : "; ") + s;
        return out;
    };
    if (!impossible.empty())
        throw error(errc::lossy_step, "driftless.plan.blocked", joined(impossible) + "; fix the data or the model first");
    if (!problems.empty() && !options.allow_data_loss) {
        std::string message = joined(problems) + "; pass allow_data_loss to proceed";
        for (const auto& note : p.notes) message += " (" + note + ")";
        throw error(errc::lossy_step, "driftless.plan.lossy", message);
    }
}

/// Statements a migration script must not contain, because driftless runs it in its own
/// transaction (and, on SQLite, PRAGMA foreign_keys, which a transaction ignores): `what` names
/// the script in the error.
inline void refuse_transaction_control(std::string_view what, statement_list statements, dialect d) {
    for (const std::string_view s : statements) {
        const std::vector<token> t = tokenize(s);
        if (t.empty() || t[0].kind != token::word) continue;
        if (is_keyword(t[0], "BEGIN") || is_keyword(t[0], "COMMIT") || is_keyword(t[0], "END") || is_keyword(t[0], "ROLLBACK") ||
            is_keyword(t[0], "SAVEPOINT") || is_keyword(t[0], "RELEASE") || is_keyword(t[0], "START") ||
            is_keyword(t[0], "ABORT"))
            throw error(errc::usage, "driftless.files.transaction",
                        std::string(what) + " contains '" + std::string(s) +
                            "'; driftless runs every migration in its own transaction, so leave transaction control out",
                        std::string(s));
        if (d == dialect::sqlite && is_keyword(t[0], "PRAGMA") && t.size() > 2 && is_keyword(t[1], "foreign_keys"))
            throw error(errc::usage, "driftless.files.foreign_keys",
                        std::string(what) + " sets foreign_keys, which SQLite ignores inside a transaction; leave it "
                        "out: driftless turns foreign keys off around scripts that drop tables and checks every foreign "
                        "key before committing",
                        std::string(s));
    }
}

}  // namespace driftless::detail

#endif  // DRIFTLESS_DETAIL_LOSSES_HPP
