// driftless — migrate() on SQLite: lock (BEGIN IMMEDIATE), tracking table, introspect, diff,
// policy, execute, foreign_key_check, history row, commit; and migration_status().
#ifndef DRIFTLESS_SQLITE_MIGRATE_HPP
#define DRIFTLESS_SQLITE_MIGRATE_HPP

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <driftless/checksum.hpp>
#include <driftless/detail/losses.hpp>
#include <driftless/detail/sql_split.hpp>
#include <driftless/diff.hpp>
#include <driftless/history.hpp>
#include <driftless/migrate.hpp>
#include <driftless/render.hpp>
#include <driftless/schema.hpp>
#include <driftless/sqlite/connection.hpp>
#include <driftless/sqlite/introspect.hpp>
#include <driftless/sqlite/render.hpp>

namespace driftless::sqlite {

namespace detail {

inline std::int64_t count(const connection& db, const std::string& sql) {
    auto st = db.prepare(sql);
    return st.step() ? st.integer(0) : 0;
}

inline bool has_table(const connection& db, std::string_view name) {
    auto st = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1");
    st.bind(1, name);
    const bool found = st.step();
    while (found && st.step()) {
    }
    return found;
}

/// Take the write lock: BEGIN IMMEDIATE (or a SAVEPOINT inside the caller's transaction). When
/// another connection keeps it past the connection's busy timeout, a driftless::error with
/// errc::busy says so.
inline void take_lock(const connection& db, const char* sql, std::string_view what) {
    try {
        db.execute(sql);
    } catch (const error& e) {
        if ((e.native_code() & 0xff) != SQLITE_BUSY && (e.native_code() & 0xff) != SQLITE_LOCKED) throw;
        throw error(errc::busy, "driftless.sqlite.busy",
                    std::string(what) + " needs the database's write lock, and another connection kept it past this "
                    "connection's busy timeout (open_options::busy_timeout_ms); nothing was changed, try again",
                    sql, e.native_code());
    }
}

/// Turn foreign-key enforcement on or off and read it back (SQLite changes the flag while
/// preparing the PRAGMA, so a failure can leave it either way); a few tries. Never throws.
inline bool set_foreign_keys(const connection& db, bool on) noexcept {
    for (int attempt = 0; attempt < 3; ++attempt) {
        sqlite3_exec(db.handle(), on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF", nullptr, nullptr, nullptr);
        sqlite3_stmt* st = nullptr;
        const bool read = sqlite3_prepare_v2(db.handle(), "PRAGMA foreign_keys", -1, &st, nullptr) == SQLITE_OK &&
                          sqlite3_step(st) == SQLITE_ROW;
        const bool now_on = read && sqlite3_column_int(st, 0) == 1;
        sqlite3_finalize(st);
        if (read && now_on == on) return true;
    }
    return false;
}

/// Roll back what driftless opened (the transaction, or its savepoint inside the caller's), a few
/// tries; true when it is gone. Never throws.
inline bool roll_back(const connection& db, bool savepoint) noexcept {
    for (int attempt = 0; attempt < 3; ++attempt) {
        if (savepoint) {
            if (sqlite3_exec(db.handle(), "ROLLBACK TO driftless_migrate", nullptr, nullptr, nullptr) == SQLITE_OK &&
                sqlite3_exec(db.handle(), "RELEASE driftless_migrate", nullptr, nullptr, nullptr) == SQLITE_OK)
                return true;
        } else {
            sqlite3_exec(db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
            if (sqlite3_get_autocommit(db.handle()) != 0) return true;
        }
    }
    return false;
}

using driftless::detail::actual_column;
using driftless::detail::reverse_target;
using driftless::detail::utc_now;

inline error foreign_keys_left_off(std::string_view what) {
    return error(errc::engine, "driftless.sqlite.foreign_keys",
                 std::string(what) + ", but foreign_keys could not be turned back on for this connection (out of "
                 "memory?); run PRAGMA foreign_keys = ON or reopen the connection");
}

/// What copying a column into a column of another declared type would do to its values.
struct conversion_check {
    std::int64_t non_null = 0;
    std::int64_t altered = 0;  ///< values that would not keep their value (see check_conversion)
    std::string example;       ///< the least such value as SQL's quote() writes it (deterministic)
};

/// Counts the values of `table`.`column` (both quoted) that a rebuild copying them as they are
/// (no CAST) into a column declared `to` would alter. SQLite applies the new column's affinity on
/// insert, so the values go through a scratch table with the old and the new declared types, which
/// lets SQLite itself decide: a value is kept when, stored under the new type, it has the storage
/// class that type stands for (INTEGER, REAL, TEXT; INTEGER or REAL for NUMERIC; anything for
/// BLOB) and, stored back under the old type, equals the original in type and value. So 42 -> '42'
/// and '42' -> 42 are kept; 'abc' -> INTEGER, 1.5 -> INTEGER, a blob -> TEXT and an integer beyond
/// 2^53 -> REAL are altered.
inline conversion_check check_conversion(const connection& db, const std::string& table, const std::string& column,
                                         const std::string& from, const std::string& to) {
    using driftless::detail::sqlite_affinity;
    db.execute("CREATE TEMP TABLE _driftless_probe (old " + from + ", new " + to + ", back " + from + ")");
    conversion_check out;
    try {
        db.execute("INSERT INTO temp._driftless_probe (old, new) SELECT " + column + ", " + column + " FROM " + table +
                   " WHERE " + column + " IS NOT NULL");
        db.execute("UPDATE temp._driftless_probe SET back = new");
        std::string fits;
        switch (sqlite_affinity(to)) {
            case 'I': fits = "typeof(new) = 'integer'"; break;
            case 'R': fits = "typeof(new) = 'real'"; break;
            case 'T': fits = "typeof(new) = 'text'"; break;
            case 'N':
                fits = "typeof(new) IN ('integer', 'real')";
                // DATE and TIMESTAMP columns hold ISO-8601 text (driftless's defaults write it, and
                // SQLite's date functions read it): such text fits when it is a real date or time.
                if (driftless::detail::normalize_sql(to) == "date") {
                    fits += " OR (typeof(new) = 'text' AND new IS date(new, '+0 days'))";
                } else if (driftless::detail::normalize_sql(to) == "timestamp") {
                    fits += " OR (typeof(new) = 'text' AND substr(new, 1, 19) IS datetime(substr(new, 1, 19), '+0 days') AND "
                            "(length(new) = 19 OR (substr(new, 20, 1) = '.' AND length(new) BETWEEN 21 AND 29 AND "
                            "substr(new, 21) NOT GLOB '*[^0-9]*')))";
                }
                break;
            default: fits = "true"; break;
        }
        const std::string altered = "NOT ((" + fits + ") AND typeof(back) = typeof(old) AND back = old)";
        auto st = db.prepare("SELECT count(*), sum(" + altered + "), (SELECT quote(old) FROM temp._driftless_probe WHERE " +
                             altered + " ORDER BY 1 LIMIT 1) FROM temp._driftless_probe");
        if (st.step()) {
            out.non_null = st.integer(0);
            out.altered = st.integer(1);
            out.example = st.text(2);
            if (out.example.size() > 40) out.example = out.example.substr(0, 37) + "...";
        }
    } catch (...) {
        sqlite3_exec(db.handle(), "DROP TABLE IF EXISTS temp._driftless_probe", nullptr, nullptr, nullptr);
        throw;
    }
    db.execute("DROP TABLE temp._driftless_probe");
    return out;
}

/// Refuses the plan when a lossy or destructive step would really discard values, counting them.
inline void enforce_policy(const connection& db, const migration_plan& p, const migrate_options& options) {
    using driftless::detail::thousands;
    std::vector<std::string> problems;
    std::vector<std::string> impossible;
    for (const table_change& tc : p.tables) {
        if (tc.created) continue;
        const std::string table = quote_identifier(tc.before.name, dialect::sqlite);
        for (const step& s : p.steps) {
            if (s.table != tc.name || s.subject.empty()) continue;  // table-level steps discard nothing here
            const std::string where = tc.before.name + "." + actual_column(p, s.table, s.subject);
            const std::string col = quote_identifier(actual_column(p, s.table, s.subject), dialect::sqlite);
            if (s.kind == step_kind::drop_column) {
                const auto n = count(db, "SELECT count(*) FROM " + table + " WHERE " + col + " IS NOT NULL");
                if (n != 0) problems.push_back("dropping column " + where + " would discard " + thousands(n) + " non-null values");
            } else if (s.kind == step_kind::change_nullability && s.level == safety::lossy) {
                const auto n = count(db, "SELECT count(*) FROM " + table + " WHERE " + col + " IS NULL");
                if (n != 0) impossible.push_back(thousands(n) + " NULLs block NOT NULL on " + where);
            } else if (s.kind == step_kind::change_type && s.level == safety::lossy) {
                const conversion_check c = check_conversion(db, table, col, s.from, s.to);
                if (c.altered != 0)
                    problems.push_back("changing " + where + " from " + s.from + " to " + s.to + " would alter " +
                                       thousands(c.altered) + " of " + thousands(c.non_null) + " non-null values (e.g. " +
                                       c.example + ")");
            } else if (s.kind == step_kind::add_column && s.level == safety::rebuild) {
                const auto n = count(db, "SELECT count(*) FROM " + table);
                if (n != 0)
                    impossible.push_back("column " + tc.name + "." + s.subject + " is NOT NULL without a default and " +
                                         tc.before.name + " has " + thousands(n) + " rows; give it a default");
            }
        }
    }
    driftless::detail::refuse_losses(problems, impossible, p, options);
}

/// The fast-path record: the database's schema_version and the models' fingerprint as of the last
/// time driftless verified that they match. Row changes do not move schema_version; any DDL does.
inline constexpr std::string_view state_table_sql =
    "CREATE TABLE IF NOT EXISTS _driftless_state (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), "
    "schema_version INTEGER NOT NULL, fingerprint TEXT NOT NULL)";

/// True when the record says the database was verified against these very models and no DDL has
/// run since. One statement; false when there is no record.
inline bool fast_path_holds(const connection& db, std::string_view fingerprint) {
    sqlite3_stmt* st = nullptr;
    constexpr std::string_view sql =
        "SELECT s.schema_version = f.schema_version AND f.fingerprint = ?1 FROM pragma_schema_version AS s, "
        "_driftless_state AS f WHERE f.id = 1";
    if (sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &st, nullptr) != SQLITE_OK) {
        sqlite3_finalize(st);
        return false;  // no record yet
    }
    sqlite3_bind_text(st, 1, fingerprint.data(), static_cast<int>(fingerprint.size()), SQLITE_STATIC);
    const bool holds = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
    sqlite3_finalize(st);
    return holds;
}

/// Store the record, inside the caller's transaction, after its DDL.
inline void record_fast_path(const connection& db, std::string_view fingerprint) {
    auto st = db.prepare(
        "INSERT INTO _driftless_state (id, schema_version, fingerprint) SELECT 1, schema_version, ?1 FROM "
        "pragma_schema_version WHERE true ON CONFLICT (id) DO UPDATE SET schema_version = excluded.schema_version, "
        "fingerprint = excluded.fingerprint");
    st.bind(1, fingerprint);
    st.step();
}

inline std::vector<std::string> flatten(const std::vector<table_statements>& rendered) {
    std::vector<std::string> out;
    for (const auto& t : rendered) out.insert(out.end(), t.statements.begin(), t.statements.end());
    return out;
}

inline bool any_rebuild(const std::vector<table_statements>& rendered) {
    for (const auto& t : rendered) {
        if (t.rebuild) return true;
    }
    return false;
}

}  // namespace detail

/// Bring the database to `desired`: one transaction under BEGIN IMMEDIATE (the cross-process
/// lock), the tracking table created after the lock, the history row written with the DDL. When
/// nothing differs, nothing is written. A plan that rebuilds a table turns foreign_keys off
/// outside the transaction (and back on after); inside a transaction the caller opened, such a
/// plan is refused. Lossy and destructive steps that would discard values are refused unless
/// options.allow_data_loss, with the count of what would be lost.
inline migrate_result migrate_schema(const connection& db, const schema& desired, const migrate_options& options,
                                     const std::string& source, std::string_view fingerprint = {}) {
    const auto started = std::chrono::steady_clock::now();
    if (!fingerprint.empty() && !options.verify && !options.dry_run && detail::fast_path_holds(db, fingerprint)) {
        migrate_result result;
        result.fast_path = true;
        return result;
    }
    for (const table_info& t : desired.tables) {
        if (driftless::detail::starts_with_ci(t.name, "_driftless_"))
            throw error(errc::invalid_name, "driftless.render.name",
                        "table name '" + t.name + "' starts with '_driftless_', which driftless reserves for its own tables");
    }
    const bool caller_transaction = sqlite3_get_autocommit(db.handle()) == 0;
    const bool fk_on = detail::count(db, "PRAGMA foreign_keys") == 1;
    bool fk_turned_off = false;
    const auto restore = [&]() noexcept {  // true when foreign_keys is as the caller had it
        if (fk_turned_off && detail::set_foreign_keys(db, true)) fk_turned_off = false;
        return !fk_turned_off;
    };
    for (int attempt = 0; attempt < 2; ++attempt) {
        bool locked = false;
        const auto abort = [&]() noexcept {  // locked stays true until the rollback really happened
            if (locked && detail::roll_back(db, caller_transaction)) locked = false;
            return !locked;
        };
        try {
            detail::take_lock(db, caller_transaction ? "SAVEPOINT driftless_migrate" : "BEGIN IMMEDIATE", "migrate");
            locked = true;
            const bool history_was_new = !detail::has_table(db, "_driftless_state");
            db.execute(history_table_sql(dialect::sqlite));
            db.execute(detail::state_table_sql);
            const schema before = introspect(db);
            migrate_result result;
            result.plan = diff(desired, before, dialect::sqlite);
            if (result.plan.empty()) {
                if (!fingerprint.empty() && !history_was_new && !options.dry_run &&
                    !detail::fast_path_holds(db, fingerprint)) {
                    detail::record_fast_path(db, fingerprint);  // rows only: no DDL
                    db.execute(caller_transaction ? "RELEASE driftless_migrate" : "COMMIT");
                    locked = false;
                } else if (!abort()) {  // nothing to record; not even the tracking table when it was new
                    throw error(errc::engine, "driftless.sqlite.rollback", "could not end migrate's read of the catalog");
                }
                if (!restore()) throw detail::foreign_keys_left_off("the database already matched the models");
                return result;
            }
            // Dependents and the catalog after the DDL matter only for tables that already exist.
            const bool alters = std::any_of(result.plan.tables.begin(), result.plan.tables.end(),
                                            [](const table_change& tc) { return !tc.created; });
            const std::vector<dependent_object> dependents = alters ? read_dependents(db) : std::vector<dependent_object>{};
            const auto rendered = render_plan(result.plan, dependents,
                                              {.sqlite_version = sqlite3_libversion_number()});
            if (detail::any_rebuild(rendered) && fk_on && !fk_turned_off) {
                if (caller_transaction)
                    throw error(errc::usage, "driftless.migrate.in_transaction",
                                "the plan rebuilds a table, which needs foreign_keys off, and SQLite cannot turn "
                                "foreign keys off inside the transaction the caller opened; migrate outside it");
                // Inside a transaction PRAGMA foreign_keys silently does nothing: the planning
                // transaction must really be gone, and the flag really off, before the rebuild.
                if (!abort()) throw error(errc::engine, "driftless.sqlite.rollback", "could not end migrate's planning transaction");
                fk_turned_off = true;  // before: SQLite flips the flag while preparing the PRAGMA
                if (!detail::set_foreign_keys(db, false))
                    throw error(errc::engine, "driftless.sqlite.foreign_keys",
                                "could not turn foreign_keys off for the rebuild; nothing was changed");
                continue;  // plan again under a fresh lock: the database may have changed meanwhile
            }
            result.statements = detail::flatten(rendered);
            if (options.dry_run) {  // a dry run shows lossy steps; it does not refuse them
                if (!abort()) throw error(errc::engine, "driftless.sqlite.rollback", "could not end the dry run's transaction");
                if (!restore()) throw detail::foreign_keys_left_off("the dry run changed nothing");
                return result;
            }
            detail::enforce_policy(db, result.plan, options);
            for (const std::string& statement : result.statements) db.execute(statement);
            if (detail::any_rebuild(rendered)) {
                auto check = db.prepare("PRAGMA foreign_key_check");
                if (check.step()) {
                    throw error(errc::engine, "driftless.sqlite.foreign_key_check",
                                "after rebuilding, table " + check.text(0) + " has a row (rowid " + check.text(1) +
                                    ") whose foreign key to " + check.text(2) + " has no match; nothing was changed");
                }
            }
            // The down SQL: drop what was created, and plan the way back for what was changed.
            for (auto it = result.plan.tables.rbegin(); it != result.plan.tables.rend(); ++it) {
                if (it->created) result.down_statements.push_back("DROP TABLE " + quote_identifier(it->name, dialect::sqlite));
            }
            if (alters) {
                const schema after = introspect(db);
                const migration_plan back = diff(detail::reverse_target(result.plan), after, dialect::sqlite);
                for (const auto& s : detail::flatten(render_plan(back, read_dependents(db)))) result.down_statements.push_back(s);
            }

            const std::string up = join_statements(result.statements);
            const std::string down = join_statements(result.down_statements);
            result.checksum = migration_checksum(up);
            result.version = detail::count(db, "SELECT coalesce(max(version), 0) + 1 FROM _driftless_migrations");
            const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
            auto insert = db.prepare(
                "INSERT INTO _driftless_migrations (version, description, kind, source, checksum, checksum_algorithm, "
                "up_sql, down_sql, applied_at, execution_ms, rolled_back_at, state, statements_done) "
                "VALUES (?1, ?2, 'auto', ?3, ?4, 'sha256', ?5, ?6, ?7, ?8, NULL, 'applied', ?9)");
            insert.bind(1, std::to_string(result.version))
                .bind(2, options.description)
                .bind(3, source)
                .bind(4, result.checksum)
                .bind(5, up)
                .bind(6, down)
                .bind(7, detail::utc_now())
                .bind(8, std::to_string(elapsed.count()))
                .bind(9, std::to_string(result.statements.size()));
            insert.step();
            if (!fingerprint.empty()) detail::record_fast_path(db, fingerprint);
            db.execute(caller_transaction ? "RELEASE driftless_migrate" : "COMMIT");
            locked = false;
            result.applied = true;
            if (!restore())
                throw detail::foreign_keys_left_off("migration version " + std::to_string(result.version) + " was applied");
            return result;
        } catch (...) {
            abort();
            restore();
            throw;
        }
    }
    throw error(errc::busy, "driftless.migrate.retry", "the schema kept changing while migrate planned; try again");
}

/// What the fast path compares: SHA-256 of the models' SQLite DDL (and of the format's version).
inline std::string fingerprint(const schema& desired) {
    std::string all = "driftless-fast-path-1\n";
    for (const auto& t : desired.tables) all += create_table_sql(t, dialect::sqlite);
    return sha256_hex(all);
}

/// Options of rollback().
struct rollback_options {
    bool allow_data_loss = false;  ///< drop tables and columns that hold data
};

namespace detail {

/// The statements of a SQLite script (see driftless::detail::split_sql, which agrees with
/// sqlite3_complete on where statements end).
inline std::vector<std::string> split_statements(std::string_view script) {
    std::vector<std::string> out;
    for (auto& piece : driftless::detail::split_sql(script, dialect::sqlite)) out.push_back(std::move(piece.text));
    return out;
}

using driftless::detail::data_counts;

/// The rows and each column's non-null values, counted by one statement (see detail/losses.hpp).
inline std::vector<std::int64_t> count_row(const connection& db, const std::string& sql, std::size_t n) {
    auto st = db.prepare(sql);
    std::vector<std::int64_t> out(n, 0);
    if (st.step()) {
        for (std::size_t i = 0; i < n; ++i) out[i] = st.integer(static_cast<int>(i));
    }
    while (st.step()) {
    }
    return out;
}

/// Count the rows and each column's non-null values of every table `statements` names.
inline data_counts measure(const connection& db, const schema& current, const std::vector<std::string>& statements) {
    return driftless::detail::measure(current, statements, dialect::sqlite,
                                      [&](const std::string& sql, std::size_t n) { return count_row(db, sql, n); });
}

/// What `statements` discarded, now that they ran inside the caller's transaction.
inline std::vector<std::string> losses(const connection& db, const data_counts& before, const std::vector<std::string>& statements) {
    return driftless::detail::losses(before, introspect(db), statements, dialect::sqlite,
                                     [&](const std::string& sql, std::size_t n) { return count_row(db, sql, n); });
}

/// Statements a migration script must not contain (see driftless::detail::refuse_transaction_control).
inline void refuse_transaction_control(std::string_view what, const std::vector<std::string>& statements) {
    driftless::detail::refuse_transaction_control(what, statements, dialect::sqlite);
}

}  // namespace detail

/// Undo the most recent applied (not rolled back) migration whose source names `table` (any
/// migration when `table` is empty), with its recorded down SQL, in one transaction, and mark its
/// row rolled back. Dropping a table or a column that holds data is refused, with the count,
/// unless options.allow_data_loss; a baseline, or a file without a down section, cannot be rolled
/// back. Returns the version rolled back, or 0 when there was nothing to roll back.
inline std::int64_t rollback_table(const connection& db, const std::string& table, const rollback_options& options) {
    if (sqlite3_get_autocommit(db.handle()) == 0)
        throw error(errc::usage, "driftless.rollback.in_transaction", "rollback runs its own transaction; call it outside yours");
    const bool fk_on = detail::count(db, "PRAGMA foreign_keys") == 1;
    bool fk_turned_off = false;
    bool locked = false;
    const auto restore = [&]() noexcept {
        if (fk_turned_off && detail::set_foreign_keys(db, true)) fk_turned_off = false;
        return !fk_turned_off;
    };
    try {
        if (fk_on) {
            fk_turned_off = true;  // before: SQLite flips the flag while preparing the PRAGMA
            if (!detail::set_foreign_keys(db, false))
                throw error(errc::engine, "driftless.sqlite.foreign_keys", "could not turn foreign_keys off for the rollback");
        }
        detail::take_lock(db, "BEGIN IMMEDIATE", "rollback");
        locked = true;
        std::int64_t version = 0;
        std::string down;
        if (detail::has_table(db, history_table)) {
            auto st = db.prepare("SELECT version, source, down_sql, kind FROM _driftless_migrations WHERE rolled_back_at IS NULL "
                                 "ORDER BY version DESC");
            while (st.step()) {
                const std::string source = ", " + st.text(1) + ",";
                if (!table.empty() && st.text(3) == "file")
                    throw error(errc::usage, "driftless.rollback.newer_file",
                                "version " + std::to_string(st.integer(0)) + " ('" + st.text(1) +
                                    "') is newer and may build on table " + table +
                                    "; roll back the newest migrations first (rollback without a model)");
                if (!table.empty() && (st.text(3) != "auto" || source.find(", " + table + ",") == std::string::npos)) continue;
                version = st.integer(0);
                down = st.text(2);
                if (st.text(3) == "baseline")
                    throw error(errc::usage, "driftless.rollback.baseline",
                                "version " + std::to_string(version) + " is a baseline, which ran nothing; there is nothing to undo");
                if (detail::split_statements(down).empty())
                    throw error(errc::usage, "driftless.rollback.no_down",
                                "version " + std::to_string(version) + " (" + st.text(1) +
                                    ") has no down section; write the SQL that undoes it in a new migration instead");
                while (st.step()) {
                }
                break;
            }
        }
        if (version == 0) {
            db.execute("ROLLBACK");
            locked = false;
            if (!restore()) throw detail::foreign_keys_left_off("there was nothing to roll back");
            return 0;
        }
        const std::vector<std::string> statements = detail::split_statements(down);
        detail::refuse_transaction_control("the down section of version " + std::to_string(version), statements);
        // Run, then count what is gone, inside the transaction: refused means rolled back.
        const detail::data_counts counted = detail::measure(db, introspect(db), statements);
        for (const std::string& s : statements) db.execute(s);
        const std::vector<std::string> lost = detail::losses(db, counted, statements);
        if (!lost.empty() && !options.allow_data_loss) {
            std::string message;
            for (const auto& l : lost) message += (message.empty() ? "" : "; ") + l;
            throw error(errc::lossy_step, "driftless.rollback.lossy",
                        "rolling back version " + std::to_string(version) + ": " + message + "; pass allow_data_loss to proceed");
        }
        auto check = db.prepare("PRAGMA foreign_key_check");
        if (check.step())
            throw error(errc::engine, "driftless.sqlite.foreign_key_check",
                        "after rolling back, table " + check.text(0) + " has a row whose foreign key to " + check.text(2) +
                            " has no match; nothing was changed");
        auto mark = db.prepare("UPDATE _driftless_migrations SET rolled_back_at = ?1 WHERE version = ?2");
        mark.bind(1, detail::utc_now()).bind(2, std::to_string(version));
        mark.step();
        db.execute("COMMIT");
        locked = false;
        if (!restore()) throw detail::foreign_keys_left_off("version " + std::to_string(version) + " was rolled back");
        return version;
    } catch (...) {
        if (locked) detail::roll_back(db, false);
        restore();
        throw;
    }
}

/// Every migration recorded in the database, oldest first; empty when none was ever applied.
inline std::vector<migration_record> migration_status(const connection& db) {
    if (!detail::has_table(db, history_table))
        return {};
    auto st = db.prepare("SELECT " + std::string(driftless::detail::history_columns) +
                         " FROM _driftless_migrations ORDER BY version");
    std::vector<migration_record> out;
    while (st.step()) {
        out.push_back(driftless::detail::read_history_row([&](int i) { return st.text(i); }, [&](int i) { return st.integer(i); },
                                                          [&](int i) { return st.is_null(i); }));
    }
    return out;
}

}  // namespace driftless::sqlite

namespace driftless {

/// Create or alter the models' tables to match; a no-op (nothing written) when they already do.
template <table_type... Ts>
migrate_result migrate(const sqlite::connection& db, const migrate_options& options = {}) {
    static_assert((detail::require_valid<Ts>() && ...));
    // Computed once per set of models: the schema, and its fingerprint for the fast path.
    static const schema desired = to_schema<Ts...>();
    static const std::string source = detail::table_names<Ts...>();
    static const std::string fingerprint = sqlite::fingerprint(desired);
    return sqlite::migrate_schema(db, desired, options, source, fingerprint);
}

/// The dry run: the steps and SQL migrate() would run now, nothing changed.
template <table_type... Ts>
migrate_result plan(const sqlite::connection& db, migrate_options options = {}) {
    options.dry_run = true;
    return migrate<Ts...>(db, options);
}

/// Undo the most recent migration that touched T's table (see sqlite::rollback_table).
template <table_type T>
std::int64_t rollback(const sqlite::connection& db, const sqlite::rollback_options& options = {}) {
    static_assert(detail::require_valid<T>());
    return sqlite::rollback_table(db, std::string(table_v<T>.name), options);
}

/// The migrations recorded in the database, oldest first.
inline std::vector<migration_record> migration_status(const sqlite::connection& db) { return sqlite::migration_status(db); }

}  // namespace driftless

#endif  // DRIFTLESS_SQLITE_MIGRATE_HPP
