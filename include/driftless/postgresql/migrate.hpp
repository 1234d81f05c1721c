// driftless — migrate() on PostgreSQL: one transaction under pg_advisory_xact_lock with
// SET LOCAL lock_timeout and bounded retries; tracking table created under the lock; introspect,
// diff, policy, DDL and history row commit together. Also plan, rollback and migration_status.
#ifndef DRIFTLESS_POSTGRESQL_MIGRATE_HPP
#define DRIFTLESS_POSTGRESQL_MIGRATE_HPP

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <driftless/checksum.hpp>
#include <driftless/detail/losses.hpp>
#include <driftless/detail/memo.hpp>
#include <driftless/detail/sql_split.hpp>
#include <driftless/diff.hpp>
#include <driftless/history.hpp>
#include <driftless/migrate.hpp>
#include <driftless/plan.hpp>
#include <driftless/postgresql/connection.hpp>
#include <driftless/postgresql/introspect.hpp>
#include <driftless/postgresql/render.hpp>
#include <driftless/render.hpp>
#include <driftless/schema.hpp>

#include <unistd.h>

namespace driftless::postgresql {

/// The key of the migration lock (pg_advisory_xact_lock): the bytes of "driftles" as a bigint.
/// Every driftless process, whatever its models, takes the same key for one database.
inline constexpr std::int64_t migration_lock_key = 0x6472696674'6c6573;

/// The lease table (lock_method::lease): one row, owner and expiry.
inline constexpr std::string_view lease_table = "_driftless_lease";

/// Options of rollback().
struct rollback_options {
    bool allow_data_loss = false;                  ///< drop tables and columns that hold data
    std::chrono::milliseconds lock_timeout{5000};  ///< as migrate_options::lock_timeout
    int lock_retries = 2;                          ///< as migrate_options::lock_retries
};

namespace detail {

using driftless::detail::thousands;

/// A lease on the migration (lock_method::lease): a row in _driftless_lease naming this process
/// as owner until an expiry, taken and renewed through a session of its own (so that renewals
/// commit while the migration's transaction is open), released on destruction.
class lease {
public:
    /// Take the lease, waiting at most `wait`; a lease whose holder let it expire is taken over.
    /// Throws driftless::error with SQLSTATE 55P03 when another holder keeps it (as a lock wait).
    lease(const connection& db, std::chrono::milliseconds wait, std::chrono::seconds duration)
        : session_(connect(db.conninfo(), db.options())), duration_(duration) {
        std::random_device random;
        char host[256] = {};
        ::gethostname(host, sizeof host - 1);
        owner_ = std::string(host) + " pid " + std::to_string(::getpid()) + " token " + std::to_string(random()) +
                 std::to_string(random());
        table_ = own_table(session_, lease_table);
        session_.execute("SET client_min_messages = warning");
        try {  // two sessions creating it at once: one fails on the catalog's unique index
            session_.execute("CREATE TABLE IF NOT EXISTS " + table_ +
                             " (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), owner TEXT NOT NULL, "
                             "expires_at TIMESTAMPTZ NOT NULL)");
        } catch (const error& e) {
            if (e.sqlstate() != "23505" && e.sqlstate() != "42P07") throw;
        }
        const auto deadline = std::chrono::steady_clock::now() + wait;
        const std::string seconds = std::to_string(duration_.count());
        for (;;) {
            const result r = session_.query(
                "INSERT INTO " + table_ + " (id, owner, expires_at) VALUES (1, $1, now() + make_interval(secs => $2)) "
                "ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at WHERE " +
                    table_ + ".expires_at < now() RETURNING owner",
                {owner_, seconds});
            if (r.rows() == 1) break;
            if (std::chrono::steady_clock::now() >= deadline) {
                const result holder = session_.execute("SELECT owner, expires_at FROM " + table_);
                const std::string who = holder.rows() == 1 ? holder.text(0, 0) + " until " + holder.text(0, 1) : "unknown";
                throw error(errc::engine, "driftless.postgresql.lease",
                            "the migration lease is held by " + who + " (table " + table_ + ")", {}, 0, "55P03");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        renewer_ = std::thread([this] { renew(); });
    }
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    ~lease() {
        {
            const std::lock_guard<std::mutex> hold(mutex_);
            stop_ = true;
        }
        wake_.notify_all();
        if (renewer_.joinable()) renewer_.join();
        try {
            session_.query("DELETE FROM " + table_ + " WHERE id = 1 AND owner = $1", {owner_});
        } catch (...) {  // the lease expires on its own
        }
    }

    /// Renews the lease now and throws when it was lost (it expired and another process took it
    /// over): the migration must not commit. Call right before COMMIT.
    void check() {
        bool held = false;
        {
            const std::lock_guard<std::mutex> hold(mutex_);
            try {
                held = !lost_ && renew_now();
            } catch (const error&) {
                held = false;
            }
        }
        if (!held)
            throw error(errc::busy, "driftless.postgresql.lease_lost",
                        "the migration lease could not be renewed before committing (it expired and another process "
                        "may have taken it over); nothing was committed. Raise connect_options::lease_duration if "
                        "renewals cannot keep up");
    }

private:
    /// One renewal; the caller holds mutex_. True when this process still holds the lease.
    bool renew_now() {
        const result r = session_.query("UPDATE " + table_ + " SET expires_at = now() + make_interval(secs => $2) "
                                        "WHERE id = 1 AND owner = $1 RETURNING 1",
                                        {owner_, std::to_string(duration_.count())});
        return r.rows() == 1;
    }

    void renew() {
        const auto period = std::max(std::chrono::milliseconds(100),
                                     std::chrono::duration_cast<std::chrono::milliseconds>(duration_) / 3);
        std::unique_lock<std::mutex> hold(mutex_);
        while (!wake_.wait_for(hold, period, [this] { return stop_; })) {
            try {
                if (!renew_now()) lost_ = true;
            } catch (...) {  // try again at the next tick; check() renews once more before COMMIT
            }
        }
    }

    connection session_;
    std::chrono::seconds duration_;
    std::string owner_;
    std::string table_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    bool lost_ = false;
    std::thread renewer_;
};

/// True when a second session cannot take the transaction-level advisory lock that this one
/// holds: the lock really excludes (PG-wire engines may implement it as a stub). Never throws.
inline bool probe_advisory_lock(const connection& db) noexcept {
    try {
        const std::string key = std::to_string(migration_lock_key + 1);
        connection other = connect(db.conninfo(), db.options());
        db.batch("BEGIN; SELECT pg_catalog.pg_advisory_xact_lock(" + key + ")");
        const bool excluded = !other.execute("SELECT pg_catalog.pg_try_advisory_xact_lock(" + key + ")").boolean(0, 0);
        db.execute("ROLLBACK");
        return excluded;
    } catch (...) {
        if (db.in_transaction()) PQclear(PQexec(db.handle(), "ROLLBACK"));
        return false;
    }
}

/// Whether migrations on `db` exclude each other with a lease rather than the advisory lock.
inline bool uses_lease(const connection& db) {
    switch (db.options().lock) {
        case lock_method::advisory: return false;
        case lock_method::lease: return true;
        case lock_method::automatic: break;
    }
    if (db.server_engine() == engine::postgresql) return false;
    if (db.advisory_lock_probe() < 0) db.advisory_lock_probe() = probe_advisory_lock(db) ? 1 : 0;
    return db.advisory_lock_probe() == 0;
}

/// What the start of a locked transaction found, and the lease when there is one.
struct locked_state {
    bool history_existed = false;
    bool expressions_existed = false;
    lease* held = nullptr;

    /// Call right before COMMIT.
    void check() const {
        if (held != nullptr) held->check();
    }
};

/// BEGIN; SET LOCAL lock_timeout, quiet notices, the schema first on the search_path (before
/// pg_temp); take the
/// migration lock (unless a lease stands in for it); create the tracking tables when missing.
/// One round trip when they exist.
inline locked_state begin_locked(const connection& db, std::chrono::milliseconds lock_timeout, bool advisory) {
    const std::string& schema_name = db.options().schema;
    std::string sql = "BEGIN;\nSET LOCAL lock_timeout = " + std::to_string(lock_timeout.count()) +
                      ";\nSET LOCAL client_min_messages = warning;\n";
    // The schema first, then pg_temp (searched first when not named), then the rest: a temporary
    // table of this session can never stand in for a table of the schema.
    const std::string schema_sql = schema_name.empty() ? std::string("pg_catalog.current_schema()")
                                                       : quote_text(schema_name, dialect::postgresql);
    sql += "SELECT pg_catalog.set_config('search_path', pg_catalog.quote_ident(" + schema_sql +
           ") || ', pg_temp, ' || pg_catalog.current_setting('search_path'), true);\n";
    sql += "SELECT " + (advisory ? "pg_catalog.pg_advisory_xact_lock(" + std::to_string(migration_lock_key) + ")" : "NULL") +
           ", to_regclass(" +
           quote_text(own_table(db, history_table), dialect::postgresql) + ") IS NOT NULL, to_regclass(" +
           quote_text(own_table(db, expressions_table), dialect::postgresql) + ") IS NOT NULL";
    std::vector<result> r = db.batch(sql);
    locked_state state;
    state.history_existed = r.back().boolean(0, 1);
    state.expressions_existed = r.back().boolean(0, 2);
    if (!state.history_existed) db.execute(history_table_sql(dialect::postgresql));
    if (!state.expressions_existed) db.execute(expressions_table_sql());
    return state;
}

/// Roll back whatever is open; never throws.
inline void roll_back(const connection& db) noexcept {
    if (!db.in_transaction()) return;
    PGresult* r = PQexec(db.handle(), "ROLLBACK");
    PQclear(r);
}

inline bool lock_timed_out(const error& e) { return e.sqlstate() == "55P03"; }

/// Run `body` in a transaction under the migration lock (begin_locked) or lease; when a lock wait
/// times out (SQLSTATE 55P03: the migration lock or lease, or a lock on a table the DDL needs),
/// roll back, wait a little and start again, at most `retries` more times, then fail with
/// errc::busy. `body` calls state.check() before it commits.
template <class Body>
auto with_migration_lock(const connection& db, std::chrono::milliseconds lock_timeout, int retries, std::string_view what,
                         Body&& body) {
    if (db.in_transaction())
        throw error(errc::usage, "driftless.postgresql.in_transaction",
                    std::string(what) + " runs its own transaction (under the migration lock); call it outside yours");
    const bool lease_it = uses_lease(db);
    for (int attempt = 0;; ++attempt) {
        std::optional<lease> held;  // released after the transaction ends, never before
        try {
            if (lease_it) held.emplace(db, lock_timeout, db.options().lease_duration);
            locked_state state = begin_locked(db, lock_timeout, !lease_it);
            state.held = held ? &*held : nullptr;
            return body(state);
        } catch (const error& e) {
            roll_back(db);
            held.reset();
            if (!lock_timed_out(e) && e.sqlstate() != "26000") throw;  // 26000: prepared statements lost; prepare again
            if (attempt >= retries)
                throw error(errc::busy, "driftless.postgresql.busy",
                            std::string(what) + " gave up after " + std::to_string(attempt + 1) + " attempts of " +
                                std::to_string(lock_timeout.count()) +
                                " ms each: another session held a lock it needs (the migration lock, or a lock on a "
                                "table being altered); nothing was changed, try again when it is released. Last "
                                "error: " + e.what(),
                            e.statement(), 0, e.sqlstate());
            std::this_thread::sleep_for(std::chrono::milliseconds(50 * (attempt + 1)));
        } catch (...) {
            roll_back(db);
            throw;
        }
    }
}

inline std::int64_t count(const connection& db, const std::string& sql) {
    const result r = db.execute(sql);
    return r.rows() != 0 && !r.is_null(0, 0) ? r.integer(0, 0) : 0;
}

inline driftless::detail::row_counter counter(const connection& db) {
    return [&db](const std::string& sql, std::size_t n) {
        const result r = db.execute(sql);
        std::vector<std::int64_t> out(n, 0);
        for (std::size_t i = 0; i < n && r.rows() != 0; ++i) out[i] = r.integer(0, static_cast<int>(i));
        return out;
    };
}

/// Refuses the plan when a lossy or destructive step would really discard values, counting them;
/// refuses what cannot succeed (NOT NULL over NULLs, values a type cannot hold) whatever the options.
inline void enforce_policy(const connection& db, const migration_plan& p, const migrate_options& options) {
    using driftless::detail::actual_column;
    std::vector<std::string> problems;
    std::vector<std::string> impossible;
    for (const table_change& tc : p.tables) {
        if (tc.created) continue;
        const std::string table = quote_identifier(tc.before.name, dialect::postgresql);
        const bool renames_columns = std::any_of(p.steps.begin(), p.steps.end(), [&](const step& s) {
            return s.table == tc.name && s.kind == step_kind::rename_column;
        });
        for (const step& s : p.steps) {
            if (s.table != tc.name || s.subject.empty()) continue;
            const std::string column = actual_column(p, s.table, s.subject);
            const std::string where = tc.before.name + "." + column;
            const std::string col = quote_identifier(column, dialect::postgresql);
            if (s.kind == step_kind::drop_column) {
                const auto n = count(db, "SELECT count(" + col + ") FROM " + table);
                if (n != 0) problems.push_back("dropping column " + where + " would discard " + thousands(n) + " non-null values");
            } else if (s.kind == step_kind::change_nullability && s.level == safety::lossy) {
                const auto n = count(db, "SELECT count(*) FROM " + table + " WHERE " + col + " IS NULL");
                if (n != 0) impossible.push_back(thousands(n) + " NULLs block NOT NULL on " + where);
            } else if (s.kind == step_kind::change_type) {
                // Convert each value there and back, as ALTER ... USING would: what does not come
                // back equal is altered. A value the new type cannot hold fails the cast.
                const std::string there = convert(col, s.from, s.to);
                const std::string back = convert(there, s.to, s.from);
                db.execute("SAVEPOINT driftless_check");
                try {
                    const result r = db.execute("SELECT count(" + col + "), count(*) FILTER (WHERE " + back +
                                                " IS DISTINCT FROM " + col + "), (SELECT " + col + "::text FROM " + table +
                                                " WHERE " + back + " IS DISTINCT FROM " + col + " ORDER BY 1 LIMIT 1) FROM " +
                                                table + " WHERE " + col + " IS NOT NULL");
                    db.execute("RELEASE SAVEPOINT driftless_check");
                    const std::int64_t altered = r.integer(0, 1);
                    if (altered != 0) {
                        std::string example = r.text(0, 2);
                        if (example.size() > 40) example = example.substr(0, 37) + "...";
                        problems.push_back("changing " + where + " from " + s.from + " to " + s.to + " would alter " +
                                           thousands(altered) + " of " + thousands(r.integer(0, 0)) +
                                           " non-null values (e.g. " + example + ")");
                    }
                } catch (const error& e) {
                    db.execute("ROLLBACK TO SAVEPOINT driftless_check; RELEASE SAVEPOINT driftless_check");
                    if (lock_timed_out(e)) throw;
                    // Class 22 (data exception): a value the new type cannot hold; the ALTER would fail.
                    if (e.sqlstate().rfind("22", 0) == 0) {
                        impossible.push_back("changing " + where + " from " + s.from + " to " + s.to +
                                             " fails for values already there: " + e.what());
                    } else {
                        problems.push_back("changing " + where + " from " + s.from + " to " + s.to +
                                           " could not be checked value by value: " + e.what());
                    }
                }
            } else if ((s.kind == step_kind::add_check || s.kind == step_kind::add_unique) && !renames_columns) {
                // What the new constraint would refuse among the rows already there (a value an
                // enum no longer names, duplicates): the ALTER would fail on them.
                std::string sql;
                if (s.kind == step_kind::add_check) {
                    sql = "SELECT count(*) FROM " + table + " WHERE NOT (" + s.to + ")";
                } else if (const unique_info* u = by_name(tc.after.uniques, s.subject)) {
                    std::string cols, present;
                    for (const auto& c : u->columns) {
                        const std::string qc = quote_identifier(c, dialect::postgresql);
                        cols += (cols.empty() ? "" : ", ") + qc;
                        present += (present.empty() ? "" : " AND ") + qc + " IS NOT NULL";  // NULLs never collide
                    }
                    sql = "SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM " + table + " WHERE " + present +
                          " GROUP BY " + cols + " HAVING count(*) > 1) d";
                }
                if (sql.empty()) continue;
                db.execute("SAVEPOINT driftless_check");
                try {
                    const auto n = count(db, sql);
                    db.execute("RELEASE SAVEPOINT driftless_check");
                    if (n != 0)
                        impossible.push_back(thousands(n) + " rows of " + tc.before.name +
                                             (s.kind == step_kind::add_check ? " do not satisfy the new check " + s.subject + " (" + s.to + ")"
                                                                             : " share a value of the new unique key " + s.subject));
                } catch (const error& e) {
                    db.execute("ROLLBACK TO SAVEPOINT driftless_check; RELEASE SAVEPOINT driftless_check");
                    if (lock_timed_out(e)) throw;
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

/// Remember, for each table of `desired`, how the catalog now spells the defaults, checks and
/// index predicates the models wrote (see expressions_table). Replaces the rows of those tables
/// and of the names they had before the plan.
inline void remember_expressions(const connection& db, const schema& desired, const migration_plan& p) {
    std::vector<std::string> tables;
    const std::vector<driftless::detail::memo_row> rows =
        driftless::detail::memo_rows(desired, read_catalog(db, {}, false, true).tables, p, dialect::postgresql, tables);
    const std::string sql = driftless::detail::memo_write_sql(own_table(db, expressions_table), tables, rows, dialect::postgresql);
    if (!sql.empty()) db.batch(sql);
}

inline void insert_history(const connection& db, const migration_record& r) {
    db.query("INSERT INTO " + own_table(db, history_table) +
                 " (version, description, kind, source, checksum, checksum_algorithm, up_sql, down_sql, applied_at, "
                 "execution_ms, rolled_back_at, state, statements_done) "
                 "VALUES ($1, $2, $3, $4, $5, 'sha256', $6, $7, $8, $9, NULL, 'applied', $10)",
             {std::to_string(r.version), r.description, r.kind, r.source, r.checksum, r.up_sql, r.down_sql, r.applied_at,
              std::to_string(r.execution_ms), std::to_string(r.statements_done)});
}

inline std::int64_t next_version(const connection& db) {
    return count(db, "SELECT coalesce(max(version), 0) + 1 FROM " + own_table(db, history_table));
}

}  // namespace detail

/// Bring the schema to `desired`: one transaction under the migration lock (see
/// with_migration_lock), the tracking table created after the lock, the DDL and the history row
/// committed together; nothing is written when nothing differs. Lossy and destructive steps that
/// would discard values are refused unless options.allow_data_loss, with the count of what would
/// be lost. With options.concurrent_indexes, new indexes of existing tables are built
/// CONCURRENTLY after the commit; one that fails is left INVALID and rebuilt by the next run.
inline migrate_result migrate_schema(const connection& db, const schema& desired, const migrate_options& options,
                                     const std::string& source) {
    constexpr dialect pg = dialect::postgresql;
    const auto started = std::chrono::steady_clock::now();
    for (const table_info& t : desired.tables) {
        if (driftless::detail::starts_with_ci(t.name, "_driftless_"))
            throw error(errc::invalid_name, "driftless.render.name",
                        "table name '" + t.name + "' starts with '_driftless_', which driftless reserves for its own tables");
    }
    check_model_fragments(desired, pg);
    std::vector<std::string> after_commit;
    migrate_result out = detail::with_migration_lock(db, options.lock_timeout, options.lock_retries, "migrate",
                                                     [&](const detail::locked_state& state) {
        migrate_result result;
        const catalog before = read_catalog(db, {}, true);
        result.plan = diff(desired, before.tables, pg);
        if (result.plan.empty()) {
            db.execute("ROLLBACK");  // nothing to record; not even the tracking table when it was new
            return result;
        }
        rendered_plan rendered = render_plan(result.plan, before, {.concurrent_indexes = options.concurrent_indexes});
        result.statements = rendered.statements;
        result.statements.insert(result.statements.end(), rendered.after_commit.begin(), rendered.after_commit.end());
        if (options.dry_run) {  // a dry run shows lossy steps; it does not refuse them
            db.execute("ROLLBACK");
            return result;
        }
        detail::enforce_policy(db, result.plan, options);
        for (const std::string& statement : rendered.statements) db.execute(statement);
        detail::remember_expressions(db, desired, result.plan);
        // The down SQL: drop what was created, and plan the way back for what was changed.
        for (auto it = result.plan.tables.rbegin(); it != result.plan.tables.rend(); ++it) {
            if (it->created) result.down_statements.push_back("DROP TABLE " + quote_identifier(it->name, pg));
        }
        const bool alters = std::any_of(result.plan.tables.begin(), result.plan.tables.end(),
                                        [](const table_change& tc) { return !tc.created; });
        if (alters) {
            const catalog after = read_catalog(db, {}, true);
            const migration_plan back = diff(driftless::detail::reverse_target(result.plan), after.tables, pg);
            for (auto& s : render_plan(back, after).statements) result.down_statements.push_back(std::move(s));
        }
        migration_record record;
        record.up_sql = join_statements(result.statements);
        record.down_sql = join_statements(result.down_statements);
        result.checksum = migration_checksum(record.up_sql);
        result.version = detail::next_version(db);
        record.version = result.version;
        record.description = options.description;
        record.kind = "auto";
        record.source = source;
        record.checksum = result.checksum;
        record.applied_at = driftless::detail::utc_now();
        record.execution_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
        record.statements_done = static_cast<std::int64_t>(result.statements.size());
        detail::insert_history(db, record);
        state.check();
        db.execute("COMMIT");
        result.applied = true;
        after_commit = std::move(rendered.after_commit);
        return result;
    });
    for (const std::string& statement : after_commit) {
        try {
            db.execute(statement);
        } catch (const error& e) {
            throw error(errc::engine, "driftless.postgresql.concurrent_index",
                        "migration version " + std::to_string(out.version) +
                            " was applied, but building an index concurrently failed; the index is left INVALID and "
                            "the next migrate drops and builds it again: " + e.what(),
                        statement, 0, e.sqlstate());
        }
    }
    if (!after_commit.empty()) {  // the predicates of the indexes just built, as the catalog spells them
        detail::with_migration_lock(db, options.lock_timeout, options.lock_retries, "migrate",
                                    [&](const detail::locked_state& state) {
            detail::remember_expressions(db, desired, out.plan);
            state.check();
            db.execute("COMMIT");
            return 0;
        });
    }
    return out;
}

/// Undo the most recent applied (not rolled back) migration whose source names `table` (any
/// migration when `table` is empty), with its recorded down SQL, in one transaction under the
/// migration lock, and mark its row rolled back. What the down SQL discards is measured (rows and
/// non-null values before and after, inside the transaction) and refused, with the count, unless
/// options.allow_data_loss. Returns the version rolled back, or 0 when there was nothing to roll back.
inline std::int64_t rollback_table(const connection& db, const std::string& table, const rollback_options& options = {}) {
    return detail::with_migration_lock(db, options.lock_timeout, options.lock_retries, "rollback",
                                       [&](const detail::locked_state& state) -> std::int64_t {
        std::int64_t version = 0;
        std::string down;
        if (state.history_existed) {
            const result r = db.execute("SELECT version, source, down_sql, kind FROM " + detail::own_table(db, history_table) +
                                        " WHERE rolled_back_at IS NULL ORDER BY version DESC");
            for (int i = 0; i < r.rows(); ++i) {
                const std::string kind = r.text(i, 3);
                const std::string source = ", " + r.text(i, 1) + ",";
                if (!table.empty() && kind == "file")
                    throw error(errc::usage, "driftless.rollback.newer_file",
                                "version " + r.text(i, 0) + " ('" + r.text(i, 1) + "') is newer and may build on table " +
                                    table + "; roll back the newest migrations first (rollback without a model)");
                if (!table.empty() && (kind != "auto" || source.find(", " + table + ",") == std::string::npos)) continue;
                version = r.integer(i, 0);
                down = r.text(i, 2);
                if (kind == "baseline")
                    throw error(errc::usage, "driftless.rollback.baseline",
                                "version " + std::to_string(version) + " is a baseline, which ran nothing; there is nothing to undo");
                break;
            }
        }
        if (version == 0) {
            db.execute("ROLLBACK");
            return 0;
        }
        std::vector<std::string> statements;
        for (auto& piece : driftless::detail::split_sql(down, dialect::postgresql)) statements.push_back(std::move(piece.text));
        if (statements.empty())
            throw error(errc::usage, "driftless.rollback.no_down",
                        "version " + std::to_string(version) +
                            " has no down section; write the SQL that undoes it in a new migration instead");
        driftless::detail::refuse_transaction_control("the down section of version " + std::to_string(version), statements,
                                                      dialect::postgresql);
        const auto count = detail::counter(db);
        const driftless::detail::data_counts counted =
            driftless::detail::measure(read_catalog(db, {}, true).tables, statements, dialect::postgresql, count);
        for (const std::string& s : statements) db.execute(s);
        const std::vector<std::string> lost =
            driftless::detail::losses(counted, read_catalog(db, {}, true).tables, statements, dialect::postgresql, count);
        if (!lost.empty() && !options.allow_data_loss) {
            std::string message;
            for (const auto& l : lost) message += (message.empty() ? "" : "; ") + l;
            throw error(errc::lossy_step, "driftless.rollback.lossy",
                        "rolling back version " + std::to_string(version) + ": " + message + "; pass allow_data_loss to proceed");
        }
        db.query("UPDATE " + detail::own_table(db, history_table) + " SET rolled_back_at = $1 WHERE version = $2",
                 {driftless::detail::utc_now(), std::to_string(version)});
        state.check();
        db.execute("COMMIT");
        return version;
    });
}

/// Every migration recorded in the schema, oldest first; empty when none was ever applied.
inline std::vector<migration_record> migration_status(const connection& db) {
    const std::string table = detail::own_table(db, history_table);
    const result exists = db.execute("SELECT to_regclass(" + quote_text(table, dialect::postgresql) + ") IS NOT NULL");
    if (!exists.boolean(0, 0)) return {};
    const result r = db.execute("SELECT " + std::string(driftless::detail::history_columns) + " FROM " + table +
                                " ORDER BY version");
    std::vector<migration_record> out;
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back(driftless::detail::read_history_row([&](int c) { return r.text(i, c); }, [&](int c) { return r.integer(i, c); },
                                                          [&](int c) { return r.is_null(i, c); }));
    }
    return out;
}

}  // namespace driftless::postgresql

namespace driftless {

/// Create or alter the models' tables to match; a no-op (nothing written) when they already do.
template <table_type... Ts>
migrate_result migrate(const postgresql::connection& db, const migrate_options& options = {}) {
    static_assert((detail::require_valid<Ts>() && ...));
    static const schema desired = to_schema<Ts...>();
    static const std::string source = detail::table_names<Ts...>();
    return postgresql::migrate_schema(db, desired, options, source);
}

/// The dry run: the steps and SQL migrate() would run now, nothing changed.
template <table_type... Ts>
migrate_result plan(const postgresql::connection& db, migrate_options options = {}) {
    options.dry_run = true;
    return migrate<Ts...>(db, options);
}

/// Undo the most recent migration that touched T's table (see postgresql::rollback_table).
template <table_type T>
std::int64_t rollback(const postgresql::connection& db, const postgresql::rollback_options& options = {}) {
    static_assert(detail::require_valid<T>());
    return postgresql::rollback_table(db, std::string(table_v<T>.name), options);
}

/// The migrations recorded in the schema, oldest first.
inline std::vector<migration_record> migration_status(const postgresql::connection& db) {
    return postgresql::migration_status(db);
}

}  // namespace driftless

#endif  // DRIFTLESS_POSTGRESQL_MIGRATE_HPP
