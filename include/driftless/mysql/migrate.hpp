// driftless — migrate() on MySQL / MariaDB: GET_LOCK with a timeout and bounded retries,
// lock_wait_timeout, the tracking table created under the lock; every DDL statement commits on
// its own, so the history row records progress: 'started' with the statements done, 'applied'
// at the end, 'dirty' when a statement failed. The next migrate resumes a dirty migration when the
// database shows exactly which statements took effect, and otherwise stops and says what to inspect.
// Also plan, rollback (the down SQL recorded the same way) and migration_status.
#ifndef DRIFTLESS_MYSQL_MIGRATE_HPP
#define DRIFTLESS_MYSQL_MIGRATE_HPP

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <driftless/checksum.hpp>
#include <driftless/detail/losses.hpp>
#include <driftless/detail/memo.hpp>
#include <driftless/detail/sql_split.hpp>
#include <driftless/diff.hpp>
#include <driftless/history.hpp>
#include <driftless/migrate.hpp>
#include <driftless/mysql/connection.hpp>
#include <driftless/mysql/introspect.hpp>
#include <driftless/mysql/losses.hpp>
#include <driftless/mysql/render.hpp>
#include <driftless/plan.hpp>
#include <driftless/render.hpp>
#include <driftless/schema.hpp>

namespace driftless::mysql {

/// The name of the migration lock (GET_LOCK), the same for every driftless process.
inline constexpr std::string_view migration_lock_name = "driftless_migrate";

namespace detail {

using driftless::detail::thousands;

/// Called before each statement of a migration runs, with its index (0-based) and the count;
/// tests set it to stop a migration after step k. Empty in normal use.
inline std::function<void(std::size_t, std::size_t)>& before_statement_hook() {
    static std::function<void(std::size_t, std::size_t)> hook;
    return hook;
}

/// Holds GET_LOCK for the migration and a session lock_wait_timeout; released (and restored) on
/// destruction. Waits `timeout` per attempt, `retries` more attempts, then errc::busy.
class migration_lock {
public:
    migration_lock(const connection& db, std::chrono::milliseconds timeout, int retries, std::string_view what) : db_(db) {
        const long long seconds = std::max<long long>(1, (timeout.count() + 999) / 1000);
        const std::string get_lock =
            "SELECT GET_LOCK(" + quote_text(migration_lock_name, dialect::mysql) + ", " + std::to_string(seconds) + ")";
        for (int attempt = 0;; ++attempt) {
            bool acquired = false;
            try {
                // The first attempt in the same round trip as the session setting; the previous
                // value is kept in a session variable, so that it can be restored whatever failed.
                std::vector<result> r = db_.batch(
                    attempt == 0 ? "SET @driftless_wait = @@SESSION.lock_wait_timeout, SESSION lock_wait_timeout = " +
                                       std::to_string(seconds) + "; " + get_lock
                                 : get_lock);
                acquired = r.back().rows() == 1 && r.back().view(0, 0) == "1";
            } catch (const error& e) {
                if (e.native_code() != 1213) {  // 1213: GET_LOCK chose this session to break a deadlock; not acquired
                    restore();
                    throw;
                }
            }
            if (acquired) break;
            if (attempt >= retries) {
                restore();
                throw error(errc::busy, "driftless.mysql.busy",
                            std::string(what) + " gave up after " + std::to_string(attempt + 1) + " attempts of " +
                                std::to_string(seconds) + " s each: another process holds the migration lock (GET_LOCK('" +
                                std::string(migration_lock_name) + "')); nothing was changed, try again when it is released");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50 * (attempt + 1)));
        }
    }
    migration_lock(const migration_lock&) = delete;
    migration_lock& operator=(const migration_lock&) = delete;
    ~migration_lock() {
        try {  // one round trip
            db_.batch("SELECT RELEASE_LOCK(" + quote_text(migration_lock_name, dialect::mysql) +
                      "); SET SESSION lock_wait_timeout = @driftless_wait");
            return;
        } catch (...) {  // the lock goes with the session anyway
        }
        restore();
    }

private:
    void restore() noexcept {
        try {
            db_.execute("SET SESSION lock_wait_timeout = @driftless_wait");
        } catch (...) {
        }
    }

    const connection& db_;
};

inline driftless::detail::row_counter counter(const connection& db) {
    return [&db](const std::string& sql, std::size_t n) {
        const result r = db.execute(sql);
        std::vector<std::int64_t> out(n, 0);
        for (std::size_t i = 0; i < n && r.rows() != 0; ++i) out[i] = r.integer(0, static_cast<int>(i));
        return out;
    };
}

/// Refuses the plan when a lossy or destructive step would discard values, counting them, and
/// what cannot succeed (NOT NULL over NULLs, NOT NULL added to rows without a default) whatever
/// the options. A type change counts the values that would not come back equal.
inline void enforce_policy(const connection& db, const migration_plan& p, const migrate_options& options) {
    using driftless::detail::actual_column;
    std::vector<std::string> problems, impossible;
    for (const table_change& tc : p.tables) {
        if (tc.created) continue;
        const std::string table = quote_identifier(tc.before.name, dialect::mysql);
        for (const step& s : p.steps) {
            if (s.table != tc.name || s.subject.empty()) continue;
            const std::string column = actual_column(p, s.table, s.subject);
            const std::string where = tc.before.name + "." + column;
            const std::string col = quote_identifier(column, dialect::mysql);
            if (s.kind == step_kind::drop_column) {
                const auto n = count(db, "SELECT count(" + col + ") FROM " + table);
                if (n != 0) problems.push_back("dropping column " + where + " would discard " + thousands(n) + " non-null values");
            } else if (s.kind == step_kind::change_nullability && s.level == safety::lossy) {
                const auto n = count(db, "SELECT count(*) FROM " + table + " WHERE " + col + " IS NULL");
                if (n != 0) impossible.push_back(thousands(n) + " NULLs block NOT NULL on " + where);
            } else if (s.kind == step_kind::change_type) {
                // Each value stored in a column of the new type: what does not come back equal is altered.
                const column_info* after = tc.after.find_column(s.subject);
                if (after == nullptr) continue;
                if (const auto altered = probe_type_change(db, tc.before.name, column, render_type(after->type, dialect::mysql),
                                                              is_text_type(s.from)))
                    problems.push_back("changing " + where + " from " + s.from + " to " + s.to + " would alter " +
                                       thousands(altered->altered) + " of " + thousands(altered->total) + " non-null values (e.g. " +
                                       altered->example + ")");
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

/// Whether the history table exists.
inline bool history_exists(const connection& db) {
    return db.execute("SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND "
                      "TABLE_NAME = '_driftless_migrations'")
               .integer(0, 0) != 0;
}

/// After a plan ran: remember how MySQL spells what the models wrote.
inline void remember_expressions(const connection& db, const schema& desired, const migration_plan& p) {
    db.execute(driftless::detail::memo_table_sql(dialect::mysql));
    std::vector<std::string> tables;
    const auto rows = driftless::detail::memo_rows(desired, introspect(db), p, dialect::mysql, tables);
    const std::string sql = driftless::detail::memo_write_sql("`_driftless_expressions`", tables, rows, dialect::mysql);
    if (!sql.empty()) db.batch(sql);
}

/// The newest migration not fully applied: a run that stopped between two statements, of a model
/// migration or file ('started': the process stopped; 'dirty': a statement failed; 'resume': a
/// person repaired it and asks the next apply to go on), or of a rollback ('rollback started',
/// 'rollback dirty'; statements_done then counts the down statements).
struct unfinished {
    std::int64_t version = 0;
    std::string kind;
    std::string state;
    std::string source;
    std::vector<std::string> statements;  ///< up, or down for a rollback
    std::int64_t done = 0;
    std::string models_checksum;  ///< of a model migration: the models it was planned for
    bool rollback() const { return state.rfind("rollback", 0) == 0; }
};

/// What find_unfinished selects.
inline constexpr std::string_view unfinished_query =
    "SELECT version, kind, state, source, up_sql, down_sql, statements_done, models_checksum FROM _driftless_migrations "
    "WHERE state <> 'applied' AND rolled_back_at IS NULL ORDER BY version DESC LIMIT 1";

inline std::optional<unfinished> unfinished_from(const result& r) {
    if (r.rows() == 0) return std::nullopt;
    unfinished u;
    u.version = r.integer(0, 0);
    u.kind = r.text(0, 1);
    u.state = r.text(0, 2);
    u.source = r.text(0, 3);
    for (auto& piece : driftless::detail::split_sql(r.text(0, u.rollback() ? 5 : 4), dialect::mysql))
        u.statements.push_back(std::move(piece.text));
    u.done = r.integer(0, 6);
    if (!r.is_null(0, 7)) u.models_checksum = r.text(0, 7);
    return u;
}

/// The newest unfinished migration; the history table must exist.
inline std::optional<unfinished> find_unfinished(const connection& db) { return unfinished_from(db.execute(unfinished_query)); }

/// What migrate reads before it plans: the catalog with what driftless remembered put back (see
/// detail/memo.hpp), whether the history table exists, and the unfinished migration if any. Two
/// round trips at most: the catalog (which also shows driftless's own tables), then the memo and
/// the unfinished row together.
struct database_state {
    schema actual;
    bool history_exists = false;
    std::optional<unfinished> left;
};

inline database_state read_state(const connection& db) {
    database_state out;
    introspect_options options;
    options.include_driftless_tables = true;
    out.actual = introspect(db, options);
    bool memo_exists = false;
    std::erase_if(out.actual.tables, [&](const table_info& t) {
        if (t.name == "_driftless_migrations") out.history_exists = true;
        if (t.name == "_driftless_expressions") memo_exists = true;
        return t.name.rfind("_driftless_", 0) == 0;
    });
    std::string sql;
    if (memo_exists) sql = "SELECT table_name, kind, name, catalog_sql, model_sql FROM _driftless_expressions";
    if (out.history_exists) sql += (sql.empty() ? "" : "; ") + std::string(unfinished_query);
    if (sql.empty()) return out;
    const std::vector<result> r = db.batch(sql);
    if (memo_exists) {
        const result& m = r.front();
        std::vector<driftless::detail::memo_row> rows;
        for (int i = 0; i < m.rows(); ++i) rows.push_back({m.text(i, 0), m.text(i, 1), m.text(i, 2), m.text(i, 3), m.text(i, 4)});
        driftless::detail::apply_memo(out.actual, rows);
    }
    if (out.history_exists) out.left = unfinished_from(r.back());
    return out;
}

/// Why nothing else may run while `u` is unfinished, and exactly what to inspect and how to mark
/// it once repaired.
[[noreturn]] inline void refuse_unfinished(const unfinished& u, std::string_view what) {
    const std::size_t done = static_cast<std::size_t>(std::max<std::int64_t>(0, u.done));
    const std::string v = std::to_string(u.version);
    const std::string n = std::to_string(u.statements.size());
    const std::string step = done < u.statements.size() ? u.statements[done] : std::string("(none)");
    const std::string at = " at step " + std::to_string(done + 1) + " of " + n + ": " + step + " — ";
    const std::string effect = u.state == "resume"
                                   ? "marked by hand to resume after step " + std::to_string(done) + "; apply that file first"
                               : u.state.find("dirty") != std::string::npos
                                   ? "steps 1.." + std::to_string(done) + " took effect and step " + std::to_string(done + 1) +
                                         " failed (MySQL commits each statement)"
                                   : "steps 1.." + std::to_string(done) + " took effect; the process stopped while step " +
                                         std::to_string(done + 1) + " ran, so it may or may not have";
    std::string message = std::string(what) + " refused: ";
    if (u.rollback()) {
        message += "the rollback of version " + v + " (" + u.source + ") is " + u.state + at + effect +
                   ". Finish its down SQL by hand, then mark it rolled back: UPDATE _driftless_migrations SET state = "
                   "'applied', rolled_back_at = UTC_TIMESTAMP() WHERE version = " + v +
                   "; or undo the steps done and mark it applied: UPDATE _driftless_migrations SET state = 'applied' WHERE "
                   "version = " + v;
    } else if (u.kind == "file") {
        message += "migration file '" + u.source + "' (version " + v + ") is " + u.state + at + effect +
                   ". Inspect the tables that step names and repair them, then either mark how many steps are in effect "
                   "so that the next apply runs the rest: UPDATE _driftless_migrations SET state = 'resume', "
                   "statements_done = <steps in effect> WHERE version = " + v +
                   "; or undo steps 1.." + std::to_string(done) + " and DELETE FROM _driftless_migrations WHERE version = " + v +
                   " to run the whole file again";
    } else {
        message += "migration version " + v + " (" + u.source + ") is " + u.state + at + effect +
                   ". Run migrate with the same models to resume it: it re-reads the catalog and finishes steps " +
                   std::to_string(done + 1) + ".." + n + " when the database shows exactly that they are left; or inspect "
                   "the tables that step names, bring them to the recorded state by hand, and mark the row: UPDATE "
                   "_driftless_migrations SET statements_done = <steps in effect> WHERE version = " + v;
    }
    throw error(errc::usage, "driftless.mysql.dirty", message);
}

/// Insert history row `r` (its state and statements_done as given), with the models' checksum
/// for a model migration (empty: NULL).
inline void insert_history(const connection& db, const migration_record& r, std::string_view models_checksum = {}) {
    constexpr dialect my = dialect::mysql;
    db.execute("INSERT INTO _driftless_migrations (version, description, kind, source, checksum, checksum_algorithm, up_sql, "
               "down_sql, applied_at, execution_ms, rolled_back_at, state, statements_done, models_checksum) VALUES (" +
               std::to_string(r.version) + ", " + quote_text(r.description, my) + ", " + quote_text(r.kind, my) + ", " +
               quote_text(r.source, my) + ", " + quote_text(r.checksum, my) + ", 'sha256', " + quote_text(r.up_sql, my) + ", " +
               quote_text(r.down_sql, my) + ", " + quote_text(r.applied_at, my) + ", " + std::to_string(r.execution_ms) +
               ", NULL, " + quote_text(r.state, my) + ", " + std::to_string(r.statements_done) + ", " +
               (models_checksum.empty() ? std::string("NULL") : quote_text(models_checksum, my)) + ")");
}

/// The way back from `p` (planned towards `desired`): drop what it creates, and plan the rest
/// from the models' shape back to the catalog's.
inline std::vector<std::string> down_statements(const migration_plan& p, const schema& desired) {
    std::vector<std::string> out;
    for (auto it = p.tables.rbegin(); it != p.tables.rend(); ++it) {
        if (it->created) out.push_back("DROP TABLE " + quote_identifier(it->name, dialect::mysql));
    }
    if (std::any_of(p.tables.begin(), p.tables.end(), [](const table_change& tc) { return !tc.created; })) {
        for (auto& s : render_plan(diff(driftless::detail::reverse_target(p), desired, dialect::mysql))) out.push_back(std::move(s));
    }
    return out;
}

/// SHA-256 of the CREATE statements of `desired` (as stored): which models a migration was planned for.
inline std::string models_checksum(const schema& desired) {
    return migration_checksum(join_statements(render_plan(diff(desired, schema{}, dialect::mysql))));
}

/// Where statement i of a recorded run comes from, for messages: "in '0003_x.sql' (line 12): ".
using statement_locator = std::function<std::string(std::size_t)>;

/// Run `statements` of history row `version` from index `from`, recording progress after each
/// (each DDL statement has committed by then); `finish` (a SET list) at the end, `dirty_state` on a
/// failure. A statement that times out waiting for a metadata lock (errno 1205) or loses a
/// deadlock (1213) took no effect: it is tried again, at most `retries` more times, then the run
/// stops with errc::busy.
inline void run_recorded(const connection& db, std::int64_t version, const std::vector<std::string>& statements, std::size_t from,
                         int retries, const std::function<std::string()>& finish, std::string_view dirty_state = "dirty",
                         const statement_locator& locate = {}) {
    const std::string v = std::to_string(version);
    const bool rollback = dirty_state != "dirty";
    const auto mark_dirty = [&]() noexcept {
        try {
            db.execute("UPDATE _driftless_migrations SET state = '" + std::string(dirty_state) + "' WHERE version = " + v);
        } catch (...) {
        }
    };
    for (std::size_t i = from; i < statements.size(); ++i) {
        if (const auto& hook = before_statement_hook()) hook(i, statements.size());
        for (int attempt = 0;; ++attempt) {
            try {
                db.execute(statements[i]);
                break;
            } catch (const error& e) {
                const bool lock_wait = e.native_code() == 1205 || e.native_code() == 1213;
                if (lock_wait && attempt < retries) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(50 * (attempt + 1)));
                    continue;
                }
                mark_dirty();
                const std::string where = (locate ? locate(i) : std::string()) + (rollback ? "the rollback of " : "") +
                                          "migration version " + v + " stopped at step " + std::to_string(i + 1) + " of " +
                                          std::to_string(statements.size()) + " (" + std::to_string(i) +
                                          " applied before it; MySQL commits each DDL statement)";
                const std::string next = ". It is recorded as " + std::string(dirty_state) +
                                         "; nothing else runs until it is resolved, and the next run says how";
                if (lock_wait)
                    throw error(errc::busy, "driftless.mysql.busy",
                                where + ": gave up after " + std::to_string(attempt + 1) +
                                    " attempts, each waiting lock_wait_timeout for a metadata lock another session holds "
                                    "on the table: " + std::string(e.what()).substr(e.id().size() + 2) + next,
                                e.statement(), e.native_code(), e.sqlstate());
                throw error(e.code(), e.id(), where + ", failed: " + std::string(e.what()).substr(e.id().size() + 2) + next,
                            e.statement(), e.native_code(), e.sqlstate());
            }
        }
        db.execute("UPDATE _driftless_migrations SET statements_done = " + std::to_string(i + 1) + " WHERE version = " + v);
    }
    db.execute("UPDATE _driftless_migrations SET " + finish() + " WHERE version = " + v);
}

/// The SET list that marks a run applied, with its time so far (taken when called).
inline std::function<std::string()> applied_now(std::chrono::steady_clock::time_point started) {
    return [started] {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
        return "state = 'applied', execution_ms = " + std::to_string(ms);
    };
}

/// The models checked (no reserved table names, fragments valid on MySQL) and in the form MySQL
/// stores them (as_stored): what migrate compares with the catalog.
inline schema checked_and_stored(const schema& desired_models) {
    for (const table_info& t : desired_models.tables) {
        if (driftless::detail::starts_with_ci(t.name, "_driftless_"))
            throw error(errc::invalid_name, "driftless.render.name",
                        "table name '" + t.name + "' starts with '_driftless_', which driftless reserves for its own tables");
    }
    check_model_fragments(desired_models, dialect::mysql);
    return as_stored(desired_models);
}

/// migrate_schema on models already checked_and_stored (migrate<Ts...> does that once).
inline migrate_result migrate_stored(const connection& db, const schema& desired, const migrate_options& options,
                                     const std::string& source) {
    constexpr dialect my = dialect::mysql;
    const auto started = std::chrono::steady_clock::now();
    detail::migration_lock lock(db, options.lock_timeout, options.lock_retries, "migrate");
    // The tracking tables are created under the lock, and only when there is something to record:
    // CREATE TABLE commits on MySQL, so a plan or a no-op must not leave them behind.
    database_state state = read_state(db);
    schema& actual = state.actual;
    reconcile_uniques(actual, desired);
    migrate_result result;
    result.plan = diff(desired, actual, my);
    result.statements = render_plan(result.plan);

    if (const auto& left = state.left) {
        const std::size_t done = std::min(static_cast<std::size_t>(std::max<std::int64_t>(0, left->done)), left->statements.size());
        // Only the same models resume a model migration: other models may want a different rest.
        const bool same_models = left->kind == "auto" && !left->rollback() && left->source == source &&
                                 left->models_checksum == models_checksum(desired);
        // Which recorded steps took effect: the first j >= done whose rest is exactly what is left
        // to do now. j > done when the process stopped after step j ran but before it was
        // recorded (killed, or the connection lost, while the statement ran).
        std::optional<std::size_t> effect;
        for (std::size_t j = done; same_models && j <= left->statements.size() && !effect; ++j) {
            if (std::equal(result.statements.begin(), result.statements.end(), left->statements.begin() + static_cast<std::ptrdiff_t>(j),
                           left->statements.end()))
                effect = j;
        }
        if (effect && *effect < left->statements.size()) {
            // Steps 1..j took effect and the rest did not: finish the same migration.
            result.version = left->version;
            if (options.dry_run) return result;
            detail::enforce_policy(db, result.plan, options);  // this run's permission, not the first run's
            if (*effect != done)
                db.execute("UPDATE _driftless_migrations SET statements_done = " + std::to_string(*effect) +
                           " WHERE version = " + std::to_string(left->version));
            detail::run_recorded(db, left->version, left->statements, *effect, options.lock_retries, detail::applied_now(started));
            detail::remember_expressions(db, desired, result.plan);
            result.applied = true;
            return result;
        }
        if (effect) {  // every step took effect; only the record lagged
            result.version = left->version;
            if (!options.dry_run)
                db.execute("UPDATE _driftless_migrations SET state = 'applied', statements_done = " +
                           std::to_string(left->statements.size()) + " WHERE version = " + std::to_string(left->version));
            return result;
        }
        if (same_models)
            throw error(errc::usage, "driftless.mysql.dirty",
                        "migration version " + std::to_string(left->version) + " (" + left->source + ") is " + left->state +
                            " at step " + std::to_string(done + 1) + " of " + std::to_string(left->statements.size()) + ": " +
                            (done < left->statements.size() ? left->statements[done] : std::string("(none)")) +
                            " — and the database is now neither before nor after that step as recorded (what remains to do "
                            "differs from the recorded steps " + std::to_string(done + 1) + ".." +
                            std::to_string(left->statements.size()) + "). Inspect the tables that step names, bring them to "
                            "the recorded state by hand, then mark the row: UPDATE _driftless_migrations SET statements_done "
                            "= <steps in effect> WHERE version = " + std::to_string(left->version));
        detail::refuse_unfinished(*left, "migrate");
    }
    if (result.plan.empty() || options.dry_run) return result;
    detail::enforce_policy(db, result.plan, options);
    db.execute(history_table_sql(my));
    result.down_statements = detail::down_statements(result.plan, desired);
    const std::string up = join_statements(result.statements);
    result.checksum = migration_checksum(up);
    result.version = detail::count(db, "SELECT coalesce(max(version), 0) + 1 FROM _driftless_migrations");
    migration_record record;
    record.version = result.version;
    record.description = options.description;
    record.kind = "auto";
    record.source = source;
    record.checksum = result.checksum;
    record.up_sql = up;
    record.down_sql = join_statements(result.down_statements);
    record.applied_at = driftless::detail::utc_now();
    record.state = "started";
    detail::insert_history(db, record, models_checksum(desired));
    detail::run_recorded(db, result.version, result.statements, 0, options.lock_retries, detail::applied_now(started));
    detail::remember_expressions(db, desired, result.plan);
    result.applied = true;
    return result;
}

}  // namespace detail

/// Bring the database to `desired` under GET_LOCK (see detail::migration_lock). Each DDL statement
/// commits on its own: the history row is written first ('started'), its statements_done moves
/// after every statement, and it becomes 'applied' at the end. A statement that fails leaves the
/// row 'dirty' at that step. A later migrate with such a row re-reads the catalog: when what is
/// left to do is exactly the rest of the recorded statements (or nothing), it finishes them in the
/// same row; otherwise it refuses (driftless.mysql.dirty) and says what to inspect. It never runs
/// recorded steps again and never marks a partial run applied.
inline migrate_result migrate_schema(const connection& db, const schema& desired_models, const migrate_options& options,
                                     const std::string& source) {
    return detail::migrate_stored(db, detail::checked_and_stored(desired_models), options, source);
}

/// Options of rollback().
struct rollback_options {
    bool allow_data_loss = false;                  ///< drop tables and columns that hold data
    std::chrono::milliseconds lock_timeout{5000};  ///< as migrate_options::lock_timeout
    int lock_retries = 2;                          ///< as migrate_options::lock_retries
};

/// Undo the most recent applied (not rolled back) migration whose source names `table` (any
/// migration when `table` is empty) with its recorded down SQL, under the migration lock. What the
/// down SQL would discard is counted before it runs (detail::predict_losses) and refused, with the
/// count, unless options.allow_data_loss. Each statement commits on its own, so the row records
/// progress ('rollback started', statements_done counting down statements) and a failure leaves
/// it 'rollback dirty', which stops every later run until a person resolves it. Returns the
/// version rolled back, or 0 when there was nothing to roll back.
inline std::int64_t rollback_table(const connection& db, const std::string& table, const rollback_options& options = {}) {
    detail::migration_lock lock(db, options.lock_timeout, options.lock_retries, "rollback");
    if (!detail::history_exists(db)) return 0;
    if (const auto left = detail::find_unfinished(db)) detail::refuse_unfinished(*left, "rollback");
    std::int64_t version = 0;
    std::int64_t up_done = 0;
    std::string down;
    const result r = db.execute("SELECT version, source, down_sql, kind, statements_done FROM _driftless_migrations "
                                "WHERE rolled_back_at IS NULL ORDER BY version DESC");
    for (int i = 0; i < r.rows(); ++i) {
        const std::string kind = r.text(i, 3);
        const std::string source = ", " + r.text(i, 1) + ",";
        if (!table.empty() && kind == "file")
            throw error(errc::usage, "driftless.rollback.newer_file",
                        "version " + r.text(i, 0) + " ('" + r.text(i, 1) + "') is newer and may build on table " + table +
                            "; roll back the newest migrations first (rollback without a model)");
        if (!table.empty() && (kind != "auto" || source.find(", " + table + ",") == std::string::npos)) continue;
        version = r.integer(i, 0);
        down = r.text(i, 2);
        up_done = r.integer(i, 4);
        if (kind == "baseline")
            throw error(errc::usage, "driftless.rollback.baseline",
                        "version " + std::to_string(version) + " is a baseline, which ran nothing; there is nothing to undo");
        break;
    }
    if (version == 0) return 0;
    std::vector<std::string> statements;
    for (auto& piece : driftless::detail::split_sql(down, dialect::mysql)) statements.push_back(std::move(piece.text));
    const std::string v = std::to_string(version);
    if (statements.empty())
        throw error(errc::usage, "driftless.rollback.no_down",
                    "version " + v + " has no down section; write the SQL that undoes it in a new migration instead");
    driftless::detail::refuse_transaction_control("the down section of version " + v, statements, dialect::mysql);
    const schema current = introspect(db);
    single_statements one_at_a_time(db);  // the down section's text, also inside the counting queries
    const detail::predicted_losses lost = detail::predict_losses(db, current, statements);
    const auto joined = [](const std::vector<std::string>& list) {
        std::string out;
        for (const auto& l : list) out += (out.empty() ? "" : "; ") + l;
        return out;
    };
    if (!lost.impossible.empty())
        throw error(errc::lossy_step, "driftless.plan.blocked",
                    "rolling back version " + v + ": " + joined(lost.impossible) + "; fix the data first");
    if (!lost.problems.empty() && !options.allow_data_loss)
        throw error(errc::lossy_step, "driftless.rollback.lossy",
                    "rolling back version " + v + ": " + joined(lost.problems) + "; pass allow_data_loss to proceed");
    db.execute("UPDATE _driftless_migrations SET state = 'rollback started', statements_done = 0 WHERE version = " + v);
    detail::run_recorded(db, version, statements, 0, options.lock_retries, [&] {
        return "state = 'applied', statements_done = " + std::to_string(up_done) +
               ", rolled_back_at = " + quote_text(driftless::detail::utc_now(), dialect::mysql);
    }, "rollback dirty");
    return version;
}

/// Every migration recorded in the database, oldest first; empty when none was ever applied.
inline std::vector<migration_record> migration_status(const connection& db) {
    if (!detail::history_exists(db)) return {};
    const result r = db.execute("SELECT " + std::string(driftless::detail::history_columns) +
                                " FROM _driftless_migrations ORDER BY version");
    std::vector<migration_record> out;
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back(driftless::detail::read_history_row([&](int c) { return r.text(i, c); }, [&](int c) { return r.integer(i, c); },
                                                          [&](int c) { return r.is_null(i, c); }));
    }
    return out;
}

}  // namespace driftless::mysql

namespace driftless {

/// Create or alter the models' tables to match (see mysql::migrate_schema).
template <table_type... Ts>
migrate_result migrate(const mysql::connection& db, const migrate_options& options = {}) {
    static_assert((detail::require_valid<Ts>() && ...));
    static const schema stored = mysql::detail::checked_and_stored(to_schema<Ts...>());
    static const std::string source = detail::table_names<Ts...>();
    return mysql::detail::migrate_stored(db, stored, options, source);
}

/// The dry run: the steps and SQL migrate() would run now, nothing changed.
template <table_type... Ts>
migrate_result plan(const mysql::connection& db, migrate_options options = {}) {
    options.dry_run = true;
    return migrate<Ts...>(db, options);
}

/// Undo the most recent migration that touched T's table (see mysql::rollback_table).
template <table_type T>
std::int64_t rollback(const mysql::connection& db, const mysql::rollback_options& options = {}) {
    static_assert(detail::require_valid<T>());
    return mysql::rollback_table(db, std::string(table_v<T>.name), options);
}

/// The migrations recorded in the database, oldest first.
inline std::vector<migration_record> migration_status(const mysql::connection& db) { return mysql::migration_status(db); }

}  // namespace driftless

#endif  // DRIFTLESS_MYSQL_MIGRATE_HPP
