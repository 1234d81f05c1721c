// driftless — migrate() on MySQL / MariaDB: GET_LOCK with a timeout and bounded retries,
// lock_wait_timeout, the tracking table created under the lock; every DDL statement commits on
// its own, so the history row records progress: 'started' with the statements done, 'applied'
// at the end, 'dirty' when a statement failed. The next migrate resumes a dirty migration when the
// database shows exactly which statements took effect, and otherwise stops and says what to inspect.
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

inline std::int64_t count(const connection& db, const std::string& sql) {
    const result r = db.execute(sql);
    return r.rows() != 0 ? r.integer(0, 0) : 0;
}

/// Holds GET_LOCK for the migration and a session lock_wait_timeout; released (and restored) on
/// destruction. Waits `timeout` per attempt, `retries` more attempts, then errc::busy.
class migration_lock {
public:
    migration_lock(const connection& db, std::chrono::milliseconds timeout, int retries, std::string_view what) : db_(db) {
        const long long seconds = std::max<long long>(1, (timeout.count() + 999) / 1000);
        previous_wait_ = db_.execute("SELECT @@SESSION.lock_wait_timeout").text(0, 0);
        db_.execute("SET SESSION lock_wait_timeout = " + std::to_string(seconds));
        for (int attempt = 0;; ++attempt) {
            const result r = db_.execute("SELECT GET_LOCK(" + quote_text(migration_lock_name, dialect::mysql) + ", " +
                                         std::to_string(seconds) + ")");
            if (r.rows() == 1 && r.view(0, 0) == "1") break;
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
        try {
            db_.execute("SELECT RELEASE_LOCK(" + quote_text(migration_lock_name, dialect::mysql) + ")");
        } catch (...) {  // the lock goes with the session anyway
        }
        restore();
    }

private:
    void restore() noexcept {
        try {
            if (!previous_wait_.empty()) db_.execute("SET SESSION lock_wait_timeout = " + previous_wait_);
        } catch (...) {
        }
    }

    const connection& db_;
    std::string previous_wait_;
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
                // CAST there and back: what does not come back equal is altered.
                const column_info* after = tc.after.find_column(s.subject);
                if (after == nullptr) continue;
                // Store each value in a scratch column of the new type (with the conversions a
                // non-strict ALTER would make) and compare it with the original, as a value and as text.
                const std::string to = render_type(after->type, dialect::mysql);
                const std::string scratch = "`_driftless_probe`";
                db.execute("CREATE TEMPORARY TABLE " + scratch + " (v " + s.from + ", w " + to + ")");
                try {
                    db.execute("SET @driftless_mode = @@SESSION.sql_mode; SET SESSION sql_mode = ''");
                    db.execute("INSERT INTO " + scratch + " (v, w) SELECT " + col + ", " + col + " FROM " + table + " WHERE " + col +
                               " IS NOT NULL");
                    db.execute("SET SESSION sql_mode = @driftless_mode");
                    const result r = db.execute("SELECT count(*), sum(NOT (w <=> v) OR CAST(w AS CHAR) <> CAST(v AS CHAR)), "
                                                "(SELECT CAST(v AS CHAR) FROM " + scratch +
                                                " WHERE NOT (w <=> v) OR CAST(w AS CHAR) <> CAST(v AS CHAR) ORDER BY 1 LIMIT 1) FROM " +
                                                scratch);
                    db.execute("DROP TEMPORARY TABLE " + scratch);
                    if (r.rows() == 1 && r.integer(0, 1) != 0) {
                        std::string example = r.text(0, 2);
                        if (example.size() > 40) example = example.substr(0, 37) + "...";
                        problems.push_back("changing " + where + " from " + s.from + " to " + s.to + " would alter " +
                                           thousands(r.integer(0, 1)) + " of " + thousands(r.integer(0, 0)) +
                                           " non-null values (e.g. " + example + ")");
                    }
                } catch (...) {
                    try {
                        db.execute("SET SESSION sql_mode = @driftless_mode");
                        db.execute("DROP TEMPORARY TABLE IF EXISTS " + scratch);
                    } catch (...) {
                    }
                    throw;
                }
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

/// Which of driftless's tables exist: (history, memo).
inline std::pair<bool, bool> own_tables(const connection& db) {
    const result r = db.execute("SELECT sum(TABLE_NAME = '_driftless_migrations'), sum(TABLE_NAME = '_driftless_expressions') "
                                "FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()");
    return {r.integer(0, 0) != 0, r.integer(0, 1) != 0};
}

/// The catalog with what driftless remembered put back (see detail/memo.hpp).
inline schema remembered_catalog(const connection& db, bool memo_exists) {
    schema s = introspect(db);
    if (!memo_exists) return s;
    const result r = db.execute("SELECT table_name, kind, name, catalog_sql, model_sql FROM _driftless_expressions");
    std::vector<driftless::detail::memo_row> rows;
    for (int i = 0; i < r.rows(); ++i) rows.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4)});
    driftless::detail::apply_memo(s, rows);
    return s;
}

/// After a plan ran: remember how MySQL spells what the models wrote.
inline void remember_expressions(const connection& db, const schema& desired, const migration_plan& p) {
    db.execute(driftless::detail::memo_table_sql(dialect::mysql));
    std::vector<std::string> tables;
    const auto rows = driftless::detail::memo_rows(desired, introspect(db), p, dialect::mysql, tables);
    const std::string sql = driftless::detail::memo_write_sql("`_driftless_expressions`", tables, rows, dialect::mysql);
    if (!sql.empty()) db.batch(sql);
}

/// The newest migration not fully applied: a run that stopped between two statements.
struct unfinished {
    std::int64_t version = 0;
    std::string state;
    std::string source;
    std::vector<std::string> statements;
    std::int64_t done = 0;
};

inline std::optional<unfinished> find_unfinished(const connection& db) {
    const result r = db.execute("SELECT version, state, source, up_sql, statements_done FROM _driftless_migrations "
                                "WHERE state <> 'applied' AND rolled_back_at IS NULL ORDER BY version DESC LIMIT 1");
    if (r.rows() == 0) return std::nullopt;
    unfinished u;
    u.version = r.integer(0, 0);
    u.state = r.text(0, 1);
    u.source = r.text(0, 2);
    for (auto& piece : driftless::detail::split_sql(r.text(0, 3), dialect::mysql)) u.statements.push_back(std::move(piece.text));
    u.done = r.integer(0, 4);
    return u;
}

/// Run `statements` of history row `version` from index `from`, recording progress after each
/// (each DDL statement has committed by then); 'applied' at the end, 'dirty' on a failure. A
/// statement that times out waiting for a metadata lock (errno 1205) or loses a deadlock (1213)
/// took no effect: it is tried again, at most `retries` more times, then the run stops with
/// errc::busy.
inline void run_recorded(const connection& db, std::int64_t version, const std::vector<std::string>& statements, std::size_t from,
                         std::chrono::steady_clock::time_point started, int retries) {
    const std::string v = std::to_string(version);
    const auto mark_dirty = [&]() noexcept {
        try {
            db.execute("UPDATE _driftless_migrations SET state = 'dirty' WHERE version = " + v);
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
                const std::string where = "migration version " + v + " stopped at step " + std::to_string(i + 1) + " of " +
                                          std::to_string(statements.size()) + " (" + std::to_string(i) +
                                          " applied before it; MySQL commits each DDL statement)";
                const std::string next = ". It is recorded as dirty; the next migrate resumes it if the database shows "
                                         "exactly which steps took effect";
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
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    db.execute("UPDATE _driftless_migrations SET state = 'applied', execution_ms = " + std::to_string(ms) + " WHERE version = " + v);
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
    constexpr dialect my = dialect::mysql;
    const auto started = std::chrono::steady_clock::now();
    for (const table_info& t : desired_models.tables) {
        if (driftless::detail::starts_with_ci(t.name, "_driftless_"))
            throw error(errc::invalid_name, "driftless.render.name",
                        "table name '" + t.name + "' starts with '_driftless_', which driftless reserves for its own tables");
    }
    check_model_fragments(desired_models, my);
    const schema desired = as_stored(desired_models);
    detail::migration_lock lock(db, options.lock_timeout, options.lock_retries, "migrate");
    // The tracking tables are created under the lock, and only when there is something to record:
    // CREATE TABLE commits on MySQL, so a plan or a no-op must not leave them behind.
    const auto [history_exists, memo_exists] = detail::own_tables(db);
    schema actual = detail::remembered_catalog(db, memo_exists);
    reconcile_uniques(actual, desired);
    migrate_result result;
    result.plan = diff(desired, actual, my);
    result.statements = render_plan(result.plan);

    if (const auto left = history_exists ? detail::find_unfinished(db) : std::nullopt) {
        const std::size_t done = static_cast<std::size_t>(std::max<std::int64_t>(0, left->done));
        const std::vector<std::string> rest(left->statements.begin() + static_cast<std::ptrdiff_t>(std::min(done, left->statements.size())),
                                            left->statements.end());
        const bool same_models = left->source == source;
        if (same_models && result.statements == rest) {
            // Steps 1..done took effect and the rest did not: finish the same migration.
            result.version = left->version;
            if (options.dry_run) return result;
            detail::enforce_policy(db, result.plan, options);  // this run's permission, not the first run's
            detail::run_recorded(db, left->version, left->statements, done, started, options.lock_retries);
            detail::remember_expressions(db, desired, result.plan);
            result.applied = true;
            result.statements = rest;
            return result;
        }
        if (same_models && result.plan.empty()) {  // every step took effect; only the record lagged
            db.execute("UPDATE _driftless_migrations SET state = 'applied', statements_done = " +
                       std::to_string(left->statements.size()) + " WHERE version = " + std::to_string(left->version));
            result.version = left->version;
            return result;
        }
        const std::string step = done < left->statements.size() ? left->statements[done] : std::string("(none)");
        throw error(errc::usage, "driftless.mysql.dirty",
                    "migration version " + std::to_string(left->version) + " (" + left->source + ") is " + left->state + " at step " +
                        std::to_string(done + 1) + " of " + std::to_string(left->statements.size()) + ": " + step +
                        " — and the database is now neither before nor after that step as recorded (what remains to do "
                        "differs from the recorded steps " + std::to_string(done + 1) + ".." +
                        std::to_string(left->statements.size()) + "). Inspect the tables that step names, bring them to "
                        "the recorded state by hand, then mark the row: UPDATE _driftless_migrations SET statements_done "
                        "= <steps in effect> WHERE version = " + std::to_string(left->version));
    }
    if (result.plan.empty() || options.dry_run) return result;
    detail::enforce_policy(db, result.plan, options);
    db.execute(history_table_sql(my));
    for (auto it = result.plan.tables.rbegin(); it != result.plan.tables.rend(); ++it) {
        if (it->created) result.down_statements.push_back("DROP TABLE " + quote_identifier(it->name, my));
    }
    const bool alters = std::any_of(result.plan.tables.begin(), result.plan.tables.end(),
                                    [](const table_change& tc) { return !tc.created; });
    if (alters) {
        const migration_plan back = diff(driftless::detail::reverse_target(result.plan), desired, my);
        for (auto& s : render_plan(back)) result.down_statements.push_back(std::move(s));
    }
    const std::string up = join_statements(result.statements);
    result.checksum = migration_checksum(up);
    result.version = detail::count(db, "SELECT coalesce(max(version), 0) + 1 FROM _driftless_migrations");
    db.execute("INSERT INTO _driftless_migrations (version, description, kind, source, checksum, checksum_algorithm, up_sql, "
               "down_sql, applied_at, execution_ms, rolled_back_at, state, statements_done) VALUES (" +
               std::to_string(result.version) + ", " + quote_text(options.description, my) + ", 'auto', " + quote_text(source, my) +
               ", " + quote_text(result.checksum, my) + ", 'sha256', " + quote_text(up, my) + ", " +
               quote_text(join_statements(result.down_statements), my) + ", " + quote_text(driftless::detail::utc_now(), my) +
               ", 0, NULL, 'started', 0)");
    detail::run_recorded(db, result.version, result.statements, 0, started, options.lock_retries);
    detail::remember_expressions(db, desired, result.plan);
    result.applied = true;
    return result;
}

/// Every migration recorded in the database, oldest first; empty when none was ever applied.
inline std::vector<migration_record> migration_status(const connection& db) {
    const result exists = db.execute("SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND "
                                     "TABLE_NAME = '_driftless_migrations'");
    if (exists.integer(0, 0) == 0) return {};
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
    static const schema desired = to_schema<Ts...>();
    static const std::string source = detail::table_names<Ts...>();
    return mysql::migrate_schema(db, desired, options, source);
}

/// The dry run: the steps and SQL migrate() would run now, nothing changed.
template <table_type... Ts>
migrate_result plan(const mysql::connection& db, migrate_options options = {}) {
    options.dry_run = true;
    return migrate<Ts...>(db, options);
}

/// The migrations recorded in the database, oldest first.
inline std::vector<migration_record> migration_status(const mysql::connection& db) { return mysql::migration_status(db); }

}  // namespace driftless

#endif  // DRIFTLESS_MYSQL_MIGRATE_HPP
