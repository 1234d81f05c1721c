// driftless — a plan as SQLite statements: native ALTER TABLE where SQLite allows it, otherwise
// the "other kinds of table schema changes" procedure of sqlite.org (the 12-step rebuild).
#ifndef DRIFTLESS_SQLITE_RENDER_HPP
#define DRIFTLESS_SQLITE_RENDER_HPP

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <driftless/plan.hpp>
#include <driftless/render.hpp>
#include <driftless/schema.hpp>
#include <driftless/sqlite/introspect.hpp>

namespace driftless::sqlite {

/// What SQLite must run for one table of a plan.
struct table_statements {
    std::string table;
    bool rebuild = false;  ///< run with foreign_keys OFF (set outside the transaction) and check FKs before commit
    std::vector<std::string> statements;
};

/// Options of render_plan.
struct render_options {
    /// Native DROP COLUMN needs SQLite 3.35.5 (sqlite3_libversion_number()); older ones rebuild.
    int sqlite_version = 3035005;
};

namespace detail {

using driftless::detail::same_name;

inline bool mentions(std::string_view sql, std::string_view name) {
    for (const token& t : tokenize(sql)) {
        if ((t.kind == token::identifier || t.kind == token::word) && same_name(t.value, name)) return true;
    }
    return false;
}

inline std::string q(std::string_view name) { return quote_identifier(name, dialect::sqlite); }

inline bool in_any(const std::vector<std::string>& columns, const std::string& name) {
    return std::find(columns.begin(), columns.end(), name) != columns.end();
}

/// The column of `before` that column `c` of `after` takes its values from, or nullptr.
inline const column_info* source_column(const table_info& before, const table_info& after, const column_info& c) {
    if (const column_info* same = before.find_column(c.name)) return same;
    if (!c.previous_name.empty() && after.find_column(c.previous_name) == nullptr) return before.find_column(c.previous_name);
    return nullptr;
}

inline bool can_add_natively(const table_info& after, const column_info& c) {
    if (in_any(after.primary_key, c.name)) return false;
    for (const auto& u : after.uniques) {
        if (in_any(u.columns, c.name)) return false;
    }
    for (const auto& fk : after.foreign_keys) {
        if (in_any(fk.columns, c.name)) return false;
    }
    const default_kind k = c.default_value.kind;
    if (k == default_kind::current_timestamp || k == default_kind::expression) return false;
    if (k == default_kind::raw && !c.default_value.text.empty() && c.default_value.text.front() == '(') return false;
    if (!c.nullable && k == default_kind::none) return false;
    return c.type.kind != type_kind::enumeration;  // its CHECK needs a rebuild
}

inline bool can_drop_natively(const table_info& before, const std::string& column,
                              const std::vector<dependent_object>& dependents, const render_options& options) {
    if (options.sqlite_version < 3035005) return false;
    if (in_any(before.primary_key, column)) return false;
    for (const auto& u : before.uniques) {
        if (in_any(u.columns, column)) return false;
    }
    // Indexes on the column are not checked: the models no longer have the column, so every index
    // that used it is dropped by the plan first (DROP INDEX comes before DROP COLUMN).
    for (const auto& fk : before.foreign_keys) {
        if (in_any(fk.columns, column)) return false;
    }
    for (const auto& c : before.checks) {
        if (mentions(c.expression, column)) return false;
    }
    for (const auto& d : dependents) {
        if (mentions(d.sql, before.name) && mentions(d.sql, column)) return false;
    }
    return true;
}

/// ALTER TABLE ... RENAME TO, through a scratch name when the names differ only in ASCII case
/// (SQLite refuses that rename: it sees the new name as taken).
inline std::vector<std::string> rename_table_sql(const std::string& from, const std::string& to) {
    if (!same_name(from, to)) return {"ALTER TABLE " + q(from) + " RENAME TO " + q(to)};
    const std::string scratch = driftless::detail::fit_name("_driftless_rename_" + to);
    return {"ALTER TABLE " + q(from) + " RENAME TO " + q(scratch), "ALTER TABLE " + q(scratch) + " RENAME TO " + q(to)};
}

/// `sql` with every column named in `names` (old -> new) replaced by its new name (see
/// driftless::detail::rename_identifiers).
inline std::string rename_identifiers(std::string_view sql, const std::vector<std::pair<std::string, std::string>>& names) {
    return driftless::detail::rename_identifiers(sql, names, dialect::sqlite);
}

/// The shape `after` under the names of `before`: the table's old name and the old names of
/// renamed columns, in keys, indexes, foreign keys and expressions too. Empty name when a rename
/// cannot be deferred (an old name is taken by another column of `after`).
inline table_info shape_under_old_names(const table_info& before, const table_info& after,
                                        std::vector<std::pair<std::string, std::string>>& renamed) {
    table_info shape = after;
    shape.name = before.name;
    shape.previous_name.clear();
    std::vector<std::pair<std::string, std::string>> back;  // new -> old
    for (column_info& c : shape.columns) {
        const column_info* src = source_column(before, after, c);
        if (src != nullptr && src->name != c.name) {
            renamed.emplace_back(src->name, c.name);
            back.emplace_back(c.name, src->name);
            c.name = src->name;
        }
        c.previous_name.clear();
    }
    for (const auto& [from, to] : renamed) {
        int uses = 0;
        for (const column_info& c : shape.columns) uses += c.name == from ? 1 : 0;
        if (uses != 1) return {};
    }
    const auto map_names = [&](std::vector<std::string>& columns) {
        for (auto& name : columns) {
            for (const auto& [from, to] : back) {
                if (name == from) {
                    name = to;
                    break;
                }
            }
        }
    };
    map_names(shape.primary_key);
    for (auto& u : shape.uniques) map_names(u.columns);
    for (auto& x : shape.indexes) {
        map_names(x.columns);
        if (!x.where.empty()) x.where = rename_identifiers(x.where, back);
    }
    for (auto& fk : shape.foreign_keys) {
        map_names(fk.columns);
        if (fk.ref_table == after.name) {
            fk.ref_table = before.name;
            map_names(fk.ref_columns);
        }
    }
    for (auto& c : shape.checks) c.expression = rename_identifiers(c.expression, back);
    return shape;
}

inline std::vector<std::string> rebuild_statements(const table_change& change,
                                                   const std::vector<dependent_object>& dependents) {
    const table_info& before = change.before;
    // A rebuild that also renames the table or columns rebuilds under the old names and renames
    // natively afterwards, so that SQLite itself rewrites the triggers, views and foreign keys
    // (also those of other tables) that mention the old names.
    std::vector<std::pair<std::string, std::string>> renamed_columns;
    table_info deferred = shape_under_old_names(before, change.after, renamed_columns);
    const bool defer = !deferred.name.empty() && (before.name != change.after.name || !renamed_columns.empty());
    const table_info& after = defer ? deferred : change.after;
    std::vector<std::string> out;
    // The triggers and views that mention the table, and, transitively, those that mention such a
    // view (a view on a view would block the rename): dropped newest first, recreated oldest first.
    std::vector<bool> hit(dependents.size(), false);
    for (std::size_t i = 0; i < dependents.size(); ++i)
        hit[i] = mentions(dependents[i].sql, before.name) || mentions(dependents[i].sql, after.name);
    for (bool grew = true; grew;) {
        grew = false;
        for (std::size_t i = 0; i < dependents.size(); ++i) {
            if (!hit[i] || dependents[i].type != "view") continue;
            for (std::size_t j = 0; j < dependents.size(); ++j) {
                if (!hit[j] && mentions(dependents[j].sql, dependents[i].name)) hit[j] = grew = true;
            }
        }
    }
    std::vector<const dependent_object*> affected;
    for (std::size_t i = 0; i < dependents.size(); ++i) {
        if (hit[i]) affected.push_back(&dependents[i]);
    }
    for (auto it = affected.rbegin(); it != affected.rend(); ++it) {
        out.push_back(std::string((*it)->type == "view" ? "DROP VIEW " : "DROP TRIGGER ") + q((*it)->name));
    }
    table_info fresh = after;
    fresh.name = driftless::detail::fit_name("_driftless_new_" + after.name);
    // What the models cannot say but the table has (rule 6): STRICT, WITHOUT ROWID, generated
    // columns. (A collation or primary key name the models do not name, diff() carries.)
    if (fresh.sqlite_options.empty()) fresh.sqlite_options = before.sqlite_options;
    for (column_info& c : fresh.columns) {
        const column_info* src = source_column(before, after, c);
        if (c.generated.empty() && src != nullptr) c.generated = src->generated;
    }
    out.push_back(render_create_table(fresh, dialect::sqlite));
    std::string into;
    std::string from;
    bool generated = false;  // a generated column computes its values: it is not copied
    for (const column_info& c : fresh.columns) generated = generated || !c.generated.empty();
    for (const column_info& c : fresh.columns) {
        const column_info* src = source_column(before, after, c);
        if (src == nullptr || !c.generated.empty()) continue;  // a new column takes its default
        into += (into.empty() ? "" : ", ") + q(c.name);
        from += (from.empty() ? "" : ", ") + q(src->name);
    }
    // Values are copied as they are: no CAST, so SQLite's affinity rules cannot turn text into 0.
    // With the same columns in the same order, `SELECT *` lets SQLite copy whole records where
    // the columns' affinities and collations agree (its transfer optimisation).
    const bool same_columns =
        !generated && after.columns.size() == before.columns.size() &&
        std::equal(after.columns.begin(), after.columns.end(), before.columns.begin(),
                   [](const column_info& a, const column_info& b) { return a.name == b.name; });
    if (same_columns) {
        out.push_back("INSERT INTO " + q(fresh.name) + " SELECT * FROM " + q(before.name));
    } else if (!into.empty()) {
        out.push_back("INSERT INTO " + q(fresh.name) + " (" + into + ") SELECT " + from + " FROM " + q(before.name));
    }
    const bool keeps_autoincrement =
        std::any_of(after.columns.begin(), after.columns.end(), [](const column_info& c) { return c.auto_increment; }) &&
        std::any_of(before.columns.begin(), before.columns.end(), [](const column_info& c) { return c.auto_increment; });
    if (keeps_autoincrement) {
        // Keep the AUTOINCREMENT counter: ids handed out before must never be handed out again.
        out.push_back("DELETE FROM sqlite_sequence WHERE name = " + quote_text(fresh.name, dialect::sqlite));
        out.push_back("INSERT INTO sqlite_sequence (name, seq) SELECT " + quote_text(fresh.name, dialect::sqlite) +
                      ", seq FROM sqlite_sequence WHERE name = " + quote_text(before.name, dialect::sqlite));
    }
    out.push_back("DROP TABLE " + q(before.name));
    out.push_back("ALTER TABLE " + q(fresh.name) + " RENAME TO " + q(after.name));
    for (const index_info& x : after.indexes) out.push_back(render_create_index(after, x, dialect::sqlite));
    for (const dependent_object* d : affected) out.push_back(d->sql);
    if (defer) {
        if (before.name != change.after.name) {
            for (auto& statement : rename_table_sql(before.name, change.after.name)) out.push_back(std::move(statement));
        }
        for (const auto& [from, to] : renamed_columns)
            out.push_back("ALTER TABLE " + q(change.after.name) + " RENAME COLUMN " + q(from) + " TO " + q(to));
    }
    return out;
}

}  // namespace detail

/// The statements that carry out `p` on SQLite, table by table in the plan's order. Tables that
/// only need native changes get ALTER TABLE / CREATE INDEX / DROP INDEX; the others are rebuilt
/// (create the new table, copy the rows as they are, drop the old one, rename, recreate indexes
/// and the triggers and views in `dependents` that mention the table). A rebuild must run with
/// foreign_keys OFF, set outside the transaction, and PRAGMA foreign_key_check must come back
/// empty before the transaction commits; the caller (apply) does both.
inline std::vector<table_statements> render_plan(const migration_plan& p, const std::vector<dependent_object>& dependents = {},
                                                 const render_options& options = {}) {
    using detail::q;
    std::vector<table_statements> out;
    for (const table_change& change : p.tables) {
        table_statements ts;
        ts.table = change.name;
        if (change.created) {
            ts.statements = create_table_statements(change.after, dialect::sqlite);
            out.push_back(std::move(ts));
            continue;
        }
        const table_info& before = change.before;
        const table_info& after = change.after;
        bool native = true;
        for (const step& s : p.steps) {
            if (s.table != change.name) continue;
            switch (s.kind) {
                case step_kind::rename_table:
                case step_kind::rename_column:
                case step_kind::create_index:
                case step_kind::drop_index:
                    break;
                case step_kind::add_column:
                    native = native && detail::can_add_natively(after, *after.find_column(s.subject));
                    break;
                case step_kind::drop_column:
                    native = native && detail::can_drop_natively(before, s.subject, dependents, options);
                    break;
                default:
                    native = false;
                    break;
            }
        }
        if (!native) {
            ts.rebuild = true;
            ts.statements = detail::rebuild_statements(change, dependents);
            out.push_back(std::move(ts));
            continue;
        }
        std::string current = before.name;
        const auto steps_of = [&](step_kind k, auto&& emit) {
            for (const step& s : p.steps) {
                if (s.table == change.name && s.kind == k) emit(s);
            }
        };
        steps_of(step_kind::rename_table, [&](const step& s) {
            for (auto& statement : detail::rename_table_sql(s.from, s.to)) ts.statements.push_back(std::move(statement));
            current = s.to;
        });
        steps_of(step_kind::rename_column, [&](const step& s) {
            ts.statements.push_back("ALTER TABLE " + q(current) + " RENAME COLUMN " + q(s.from) + " TO " + q(s.to));
        });
        steps_of(step_kind::drop_index, [&](const step& s) { ts.statements.push_back("DROP INDEX " + q(s.subject)); });
        steps_of(step_kind::drop_column, [&](const step& s) {
            ts.statements.push_back("ALTER TABLE " + q(current) + " DROP COLUMN " + q(s.subject));
        });
        steps_of(step_kind::add_column, [&](const step& s) {
            ts.statements.push_back("ALTER TABLE " + q(current) + " ADD COLUMN " +
                                    render_column(after, *after.find_column(s.subject), dialect::sqlite));
        });
        steps_of(step_kind::create_index, [&](const step& s) {
            for (const index_info& x : after.indexes) {
                if (x.name == s.subject) ts.statements.push_back(render_create_index(after, x, dialect::sqlite));
            }
        });
        out.push_back(std::move(ts));
    }
    return out;
}

}  // namespace driftless::sqlite

#endif  // DRIFTLESS_SQLITE_RENDER_HPP
