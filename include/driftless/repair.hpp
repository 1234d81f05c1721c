// driftless — repair: the history rows that need a person (a run that stopped part-way on an engine
// without transactional DDL, an applied migration file whose text changed since) and the explicit
// resolutions a person chooses for them. Nothing is guessed: each resolution names the version and
// what is in effect, is checked against the row's state, and is recorded in _driftless_repairs
// (who, when, what the row was). The runner (<driftless/run.hpp>) carries them out under the lock.
#ifndef DRIFTLESS_REPAIR_HPP
#define DRIFTLESS_REPAIR_HPP

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <driftless/detail/host.hpp>
#include <driftless/detail/sql_tokens.hpp>
#include <driftless/history.hpp>
#include <driftless/schema.hpp>

namespace driftless {

/// A history row that needs a person.
struct stuck_migration {
    migration_record row{};
    /// "started", "dirty", "resume", "rollback started", "rollback dirty" (the row's state), or
    /// "checksum mismatch" (an applied file changed since).
    std::string problem{};
    std::size_t steps = 0;               ///< statements of the up section (the down section for a rollback)
    std::string next_step{};             ///< the first statement not recorded as done ("" when none)
    std::vector<std::string> catalog{};  ///< what the catalog shows of each table next_step names
    std::string file{};                  ///< checksum mismatch: the file's name
    std::string file_checksum{};         ///< checksum mismatch: the file's checksum now
    std::string advice{};                ///< the repairs that resolve it, as the command line spells them
};

/// What a person says about a stuck row (see repair()).
enum class repair_action {
    mark_applied,      ///< every step of the run is in effect (a rollback: none of its steps is)
    mark_rolled_back,  ///< none of the run's steps is in effect (a rollback: all of its steps are)
    resume,            ///< repair_options::from_step steps are in effect; the next run does the rest
    accept_checksum,   ///< the file as it is now is what was applied: record its checksum and sections
};

/// Options of repair().
struct repair_options {
    std::int64_t from_step = -1;         ///< resume: how many steps are in effect (0 ... steps)
    std::filesystem::path migrations{};  ///< accept_checksum: the directory holding the file
    std::string who{};                   ///< recorded with the repair; empty: $USER@host
    std::chrono::milliseconds lock_timeout{5000};
    int lock_retries = 2;
};

/// One repair as recorded in _driftless_repairs.
struct repair_result {
    std::int64_t version = 0;
    std::string action{};  ///< "mark-applied", "mark-rolled-back", "resume", "accept-checksum"
    std::string detail{};  ///< what the row was and what it is now
    std::string who{};
    std::string at{};      ///< UTC, "YYYY-MM-DDTHH:MM:SSZ"
};

namespace detail {

inline constexpr std::string_view repairs_table = "_driftless_repairs";

/// The command line's spelling of an action.
inline std::string_view action_name(repair_action a) {
    switch (a) {
        case repair_action::mark_applied: return "mark-applied";
        case repair_action::mark_rolled_back: return "mark-rolled-back";
        case repair_action::resume: return "resume";
        case repair_action::accept_checksum: return "accept-checksum";
    }
    return "?";
}

/// $USER (or $LOGNAME) @ the host name: who a repair is recorded as, unless told.
inline std::string default_who() {
    const char* user = std::getenv("USER");
    if (user == nullptr || *user == '\0') user = std::getenv("LOGNAME");
    return std::string(user != nullptr && *user != '\0' ? user : "unknown") + "@" + host_name();
}

/// CREATE TABLE IF NOT EXISTS for the repairs table, `table` as the engine writes it.
inline std::string repairs_table_sql(dialect d, std::string_view table) {
    const bool my = d == dialect::mysql;
    const std::string text = my ? "VARCHAR(255)" : "TEXT";
    const std::string big = my ? "LONGTEXT" : "TEXT";
    const std::string integer = d == dialect::sqlite ? "INTEGER" : "BIGINT";
    return "CREATE TABLE IF NOT EXISTS " + std::string(table) + " (id " + integer + " NOT NULL PRIMARY KEY, version " + integer +
           " NOT NULL, action " + text + " NOT NULL, detail " + big + " NOT NULL, who " + big + " NOT NULL, repaired_at " + text +
           " NOT NULL)" + (my ? " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4" : "");
}

/// The table name at t[i], skipping IF [NOT] EXISTS, ONLY and a schema before a dot; none when
/// t[i] is past the end, a symbol or a string.
inline std::optional<std::string> table_name_at(const std::vector<token>& t, std::size_t i) {
    while (i + 1 < t.size() &&
           (is_keyword(t[i], "IF") || is_keyword(t[i], "NOT") || is_keyword(t[i], "EXISTS") || is_keyword(t[i], "ONLY")))
        ++i;
    if (i >= t.size() || t[i].kind == token::symbol || t[i].kind == token::string) return std::nullopt;
    if (i + 2 < t.size() && is_symbol(t[i + 1], '.') && t[i + 2].kind != token::symbol) return t[i + 2].value;  // schema.table
    return t[i].value;
}

/// The tables a statement names where it creates, alters, drops, fills or reads one (ALTER TABLE t,
/// CREATE [UNIQUE] INDEX ... ON t, INSERT INTO t, UPDATE t, DELETE FROM t, RENAME TABLE t TO u,
/// DROP TABLE [IF EXISTS] t, ...): what a person inspects when the statement stopped part-way.
inline std::vector<std::string> tables_named(std::string_view sql) {
    const std::vector<token> t = tokenize(sql);
    std::vector<std::string> out;
    const auto name_at = [&](std::size_t i) {
        const std::optional<std::string> name = table_name_at(t, i);
        if (!name) return;
        for (const auto& seen : out) {
            if (same_name(seen, *name)) return;
        }
        out.push_back(*name);
    };
    const bool creates_index = t.size() > 2 && is_keyword(t[0], "CREATE") &&
                               (is_keyword(t[1], "INDEX") || (is_keyword(t[1], "UNIQUE") && is_keyword(t[2], "INDEX")));
    bool on_seen = false;
    for (std::size_t i = 0; i + 1 < t.size(); ++i) {
        const bool renamed_to = is_keyword(t[i], "TO") && i >= 2 && (is_keyword(t[i - 1], "RENAME") || is_keyword(t[i - 2], "TABLE"));
        const bool index_on = creates_index && !on_seen && is_keyword(t[i], "ON");
        on_seen = on_seen || index_on;
        if (is_keyword(t[i], "TABLE") || is_keyword(t[i], "INTO") || renamed_to || index_on ||
            (is_keyword(t[i], "FROM") && i > 0 && is_keyword(t[i - 1], "DELETE")) || (is_keyword(t[i], "UPDATE") && i == 0) ||
            is_keyword(t[i], "REFERENCES"))
            name_at(i + 1);
    }
    return out;
}

/// The tables whose shape a migration's statements change, as the names of one table each: a table
/// created, dropped, renamed or rebuilt, or one whose columns are added, dropped or changed (its
/// undo would drop or reshape that table). Indexes and constraints alone do not count (a foreign
/// key re-added on a child table because its parent changed), nor the tables a trigger's or a
/// view's body names. Names one table goes by within the migration are grouped: ALTER TABLE a
/// RENAME TO b, RENAME TABLE a TO b, and the rows of a copied into driftless's scratch table of a
/// rebuild that is then renamed.
/// With `any_change`, also tables whose indexes or constraints alone change.
inline std::vector<std::vector<std::string>> changed_tables(const std::vector<std::string>& statements, bool any_change = false) {
    std::vector<std::vector<std::string>> groups;
    const auto group_of = [&](const std::string& name) -> std::size_t {
        for (std::size_t g = 0; g < groups.size(); ++g) {
            for (const auto& n : groups[g]) {
                if (same_name(n, name)) return g;
            }
        }
        groups.push_back({name});
        return groups.size() - 1;
    };
    const auto join = [&](const std::string& a, const std::string& b) {
        const std::size_t ga = group_of(a), gb = group_of(b);
        if (ga == gb) return;
        const std::size_t keep = std::min(ga, gb), drop = std::max(ga, gb);
        groups[keep].insert(groups[keep].end(), groups[drop].begin(), groups[drop].end());
        groups.erase(groups.begin() + static_cast<std::ptrdiff_t>(drop));
    };
    for (const std::string& sql : statements) {
        const std::vector<token> t = tokenize(sql);
        if (t.size() < 2) continue;
        // The name at t[i]; "" when none.
        const auto name_at = [&](std::size_t i) { return table_name_at(t, i).value_or(""); };
        const auto find = [&](std::string_view keyword, std::size_t from) {
            for (std::size_t i = from; i < t.size(); ++i) {
                if (is_keyword(t[i], keyword)) return i;
            }
            return t.size();
        };
        // Whether an ALTER TABLE changes columns or the name (not only keys, checks, indexes).
        const auto reshapes = [&](std::size_t from) {
            for (std::size_t i = from; i < t.size(); ++i) {
                if (is_keyword(t[i], "COLUMN") || is_keyword(t[i], "MODIFY") || is_keyword(t[i], "CHANGE") || is_keyword(t[i], "RENAME"))
                    return true;
                if ((is_keyword(t[i], "ADD") || is_keyword(t[i], "DROP")) && i + 1 < t.size()) {
                    const token& next = t[i + 1];
                    const bool keyed = is_keyword(next, "CONSTRAINT") || is_keyword(next, "INDEX") || is_keyword(next, "KEY") ||
                                       is_keyword(next, "UNIQUE") || is_keyword(next, "PRIMARY") || is_keyword(next, "FOREIGN") ||
                                       is_keyword(next, "CHECK") || is_keyword(next, "FULLTEXT") || is_keyword(next, "SPATIAL");
                    if (!keyed) return true;
                }
            }
            return false;
        };
        std::string target, other;
        if ((is_keyword(t[0], "CREATE") || is_keyword(t[0], "DROP") || is_keyword(t[0], "ALTER") || is_keyword(t[0], "TRUNCATE")) &&
            find("TABLE", 1) <= 3) {
            const std::size_t at = find("TABLE", 1) + 1;
            if (is_keyword(t[0], "ALTER") && !any_change && !reshapes(at + 1)) continue;
            target = name_at(at);
            if (is_keyword(t[0], "ALTER")) {
                const std::size_t rename = find("RENAME", 2);
                if (rename + 1 < t.size() && is_keyword(t[rename + 1], "TO")) other = name_at(rename + 2);
                if (rename + 2 < t.size() && is_keyword(t[rename + 1], "AS")) other = name_at(rename + 2);
            }
        } else if (any_change && is_keyword(t[0], "CREATE") && find("INDEX", 1) <= 2) {
            target = name_at(find("ON", 2) + 1);
        } else if (is_keyword(t[0], "RENAME") && is_keyword(t[1], "TABLE")) {
            target = name_at(2);
            other = name_at(find("TO", 2) + 1);
        } else if (is_keyword(t[0], "INSERT") || is_keyword(t[0], "REPLACE")) {
            target = name_at(find("INTO", 1) + 1);
            // A rebuild's copy: INSERT INTO scratch ... SELECT ... FROM t: t becomes the scratch table.
            if (target.rfind("_driftless_new_", 0) == 0) other = name_at(find("FROM", 2) + 1);
        } else if (is_keyword(t[0], "UPDATE")) {
            target = name_at(1);
        } else if (is_keyword(t[0], "DELETE")) {
            target = name_at(find("FROM", 1) + 1);
        }
        if (target.empty()) continue;
        if (other.empty()) {
            group_of(target);
        } else {
            join(target, other);
        }
    }
    return groups;
}

/// How the catalog shows `table`: its columns, or that it is not there.
inline std::string catalog_line(const schema& catalog, std::string_view table) {
    for (const table_info& t : catalog.tables) {
        if (!same_name(t.name, table)) continue;
        std::string line = "table " + t.name + ": columns ";
        for (std::size_t i = 0; i < t.columns.size(); ++i) line += (i == 0 ? "" : ", ") + t.columns[i].name;
        if (!t.indexes.empty()) {
            line += "; indexes ";
            for (std::size_t i = 0; i < t.indexes.size(); ++i) line += (i == 0 ? "" : ", ") + t.indexes[i].name;
        }
        return line;
    }
    return "table " + std::string(table) + ": not in the database";
}

}  // namespace detail
}  // namespace driftless

#endif  // DRIFTLESS_REPAIR_HPP
