// driftless — a migration plan as a value: ordered steps, each with its safety class.
#ifndef DRIFTLESS_PLAN_HPP
#define DRIFTLESS_PLAN_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <driftless/schema.hpp>

namespace driftless {

/// How much a step can cost the data already in the database.
enum class safety : std::uint8_t {
    safe,         ///< nothing can be lost and nothing is rewritten (CREATE, ADD COLUMN, indexes, renames)
    rebuild,      ///< the table is rewritten, values kept as they are (SQLite's 12-step procedure)
    lossy,        ///< existing values may not survive (type narrowing, NOT NULL over NULLs)
    destructive,  ///< data is discarded (DROP COLUMN, DROP TABLE)
};

/// What a step does.
enum class step_kind : std::uint8_t {
    create_table,
    drop_table,
    rename_table,
    add_column,
    drop_column,
    rename_column,
    change_type,
    change_nullability,
    change_default,
    change_auto_increment,
    change_primary_key,
    add_unique,
    drop_unique,
    add_foreign_key,
    drop_foreign_key,
    add_check,
    drop_check,
    create_index,
    drop_index,
    change_collation,  ///< a column's COLLATE (and, on MySQL, CHARACTER SET)
    change_on_update,  ///< MySQL: a column's ON UPDATE CURRENT_TIMESTAMP
};

inline std::string_view to_string(safety s) {
    switch (s) {
        case safety::safe: return "safe";
        case safety::rebuild: return "rebuild";
        case safety::lossy: return "lossy";
        case safety::destructive: return "destructive";
    }
    return "unknown";
}

inline std::string_view to_string(step_kind k) {
    switch (k) {
        case step_kind::create_table: return "create table";
        case step_kind::drop_table: return "drop table";
        case step_kind::rename_table: return "rename table";
        case step_kind::add_column: return "add column";
        case step_kind::drop_column: return "drop column";
        case step_kind::rename_column: return "rename column";
        case step_kind::change_type: return "change type";
        case step_kind::change_nullability: return "change nullability";
        case step_kind::change_default: return "change default";
        case step_kind::change_auto_increment: return "change auto-increment";
        case step_kind::change_primary_key: return "change primary key";
        case step_kind::add_unique: return "add unique";
        case step_kind::drop_unique: return "drop unique";
        case step_kind::add_foreign_key: return "add foreign key";
        case step_kind::drop_foreign_key: return "drop foreign key";
        case step_kind::add_check: return "add check";
        case step_kind::drop_check: return "drop check";
        case step_kind::create_index: return "create index";
        case step_kind::drop_index: return "drop index";
        case step_kind::change_collation: return "change collation";
        case step_kind::change_on_update: return "change on update";
    }
    return "unknown";
}

/// One change. `table` is the table's name after the plan; `subject` names the column, index or
/// constraint; `from` / `to` say what changes, as readable text.
struct step {
    step_kind kind = step_kind::create_table;
    safety level = safety::safe;
    std::string table{};
    std::string subject{};
    std::string from{};
    std::string to{};

    friend bool operator==(const step&, const step&) = default;
};

/// A table the plan changes: its shape before (as the database has it) and after (as the models
/// want it). A backend renders the steps of one table from these two shapes.
struct table_change {
    std::string name{};       ///< after the plan
    bool created = false;     ///< absent before
    table_info before{};      ///< empty when created
    table_info after{};

    friend bool operator==(const table_change&, const table_change&) = default;
};

/// What diff() found: ordered steps (tables created in foreign-key order), the tables they touch,
/// tables in the database that no model names (left alone), and hints.
struct migration_plan {
    std::vector<step> steps{};
    std::vector<table_change> tables{};
    std::vector<std::string> unmanaged_tables{};
    /// Indexes, checks and unique constraints of managed tables that no model names and that
    /// driftless did not create: kept as they are (a rebuild carries them), e.g. "index on an
    /// expression tags_lower of table tags". diff_options::prune_unmanaged drops them instead.
    std::vector<std::string> kept{};
    std::vector<std::string> notes{};  ///< e.g. a drop plus an add that may be a rename

    [[nodiscard]] bool empty() const { return steps.empty(); }
    /// The worst safety class among the steps (safe for an empty plan).
    [[nodiscard]] safety worst() const {
        safety w = safety::safe;
        for (const auto& s : steps) w = s.level > w ? s.level : w;
        return w;
    }
    friend bool operator==(const migration_plan&, const migration_plan&) = default;
};

/// One line per step: "<safety> <kind> <table>[.<subject>][: <from> -> <to>]".
inline std::string describe(const std::vector<step>& steps) {
    std::string out;
    for (const auto& s : steps) {
        out += to_string(s.level);
        out += ' ';
        out += to_string(s.kind);
        out += ' ';
        out += s.table;
        if (!s.subject.empty()) {
            out += '.';
            out += s.subject;
        }
        if (!s.from.empty() || !s.to.empty()) {
            out += ": ";
            out += s.from.empty() ? "(none)" : s.from;
            out += " -> ";
            out += s.to.empty() ? "(none)" : s.to;
        }
        out += '\n';
    }
    return out;
}

/// A note per unmanaged table, per index or constraint kept, and per hint of plan `p`.
inline std::string describe_notes(const migration_plan& p) {
    std::string out;
    for (const auto& t : p.unmanaged_tables) out += "note: table " + t + " is not in any model; left alone\n";
    for (const auto& k : p.kept) out += "note: " + k + " is not in any model; kept (not in the models)\n";
    for (const auto& n : p.notes) out += "note: " + n + "\n";
    return out;
}

/// describe(p.steps), then describe_notes(p).
inline std::string describe(const migration_plan& p) { return describe(p.steps) + describe_notes(p); }

namespace detail {

/// The steps of plan `p` of kind `k` on the table of `tc`, in the plan's order.
inline std::vector<const step*> steps_of(const migration_plan& p, const table_change& tc, step_kind k) {
    std::vector<const step*> v;
    for (const step& s : p.steps) {
        if (s.table == tc.name && s.kind == k) v.push_back(&s);
    }
    return v;
}

/// The database's name of a column the plan calls `column` in `table` (renames undone).
inline std::string actual_column(const migration_plan& p, const std::string& table, const std::string& column) {
    for (const step& s : p.steps) {
        if (s.kind == step_kind::rename_column && s.table == table && s.to == column) return s.from;
    }
    return column;
}

/// The shapes to return to, with rename hints pointing back, for the down SQL.
inline schema reverse_target(const migration_plan& p) {
    schema before;
    for (const table_change& tc : p.tables) {
        if (tc.created) continue;
        table_info t = tc.before;
        if (t.name != tc.after.name) t.previous_name = tc.after.name;
        for (const step& s : p.steps) {
            if (s.table != tc.name || s.kind != step_kind::rename_column) continue;
            for (auto& c : t.columns) {
                if (c.name == s.from) c.previous_name = s.to;
            }
        }
        before.tables.push_back(std::move(t));
    }
    return before;
}

/// The schema once `p` has run on a database, as far as its tables go: `desired`, each table the
/// plan changes as the plan leaves it (with what it keeps that no model names).
inline schema planned_after(const migration_plan& p, const schema& desired) {
    schema after = desired;
    for (table_info& t : after.tables) {
        for (const table_change& tc : p.tables) {
            if (tc.name == t.name) t = tc.after;
        }
    }
    return after;
}

}  // namespace detail
}  // namespace driftless

#endif  // DRIFTLESS_PLAN_HPP
