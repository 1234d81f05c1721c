// driftless — definitions of the MySQL / MariaDB engine (see <driftless/engine.hpp>): GET_LOCK with a timeout
// and bounded retries, lock_wait_timeout for the session; every DDL statement commits on its own,
// so the runner records progress statement by statement and resumes; the tracking table is
// created under the lock, and only when something is recorded. Statements of a migration run with
// multi-statement mode off; what a script would discard is counted before it runs.
#ifndef DRIFTLESS_MYSQL_ENGINE_INL_HPP
#define DRIFTLESS_MYSQL_ENGINE_INL_HPP

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <driftless/checksum.hpp>
#include <driftless/detail/lease.hpp>
#include <driftless/detail/losses.hpp>
#include <driftless/detail/memo.hpp>
#include <driftless/diff.hpp>
#include <driftless/engine.hpp>
#include <driftless/history.hpp>
#include <driftless/migrate.hpp>
#include <driftless/mysql/connection.hpp>
#include <driftless/mysql/introspect.hpp>
#include <driftless/mysql/losses.hpp>
#include <driftless/mysql/render.hpp>
#include <driftless/plan.hpp>
#include <driftless/render.hpp>
#include <driftless/run.hpp>
#include <driftless/mysql/engine.hpp>
#include <driftless/schema.hpp>

namespace driftless::mysql {


inline constexpr std::string_view migration_lock_name = "driftless_migrate";

namespace detail {


/// Seconds GET_LOCK waits per attempt: the lock timeout, rounded up to whole seconds.
inline long long lock_seconds(const lock_options& lock) { return std::max<long long>(1, (lock.timeout.count() + 999) / 1000); }

/// The error of an attempt that did not get the lock in time; the runner tries again (see
/// mysql_engine::retryable) and at last reports errc::busy.
inline constexpr std::string_view lock_wait_id = "driftless.mysql.lock_wait";

/// Puts back the session's lock_wait_timeout kept in @driftless_wait; failures are ignored.
inline void restore_lock_wait(const connection& db) noexcept {
    try {
        db.execute("SET SESSION lock_wait_timeout = @driftless_wait");
    } catch (...) {
    }
}

/// Holds GET_LOCK for the migration and a session lock_wait_timeout; released (and restored) on
/// destruction. One attempt: waits the lock's timeout, then throws the lock_wait_id error.
class migration_lock {
public:
    migration_lock(const connection& db, const lock_options& lock) : db_(db) {
        const std::string seconds = std::to_string(lock_seconds(lock));
        bool acquired = false;
        try {
            // GET_LOCK in the same round trip as the session setting; the previous value is kept
            // in a session variable, so that it can be restored whatever failed.
            std::vector<result> r = db_.batch("SET @driftless_wait = @@SESSION.lock_wait_timeout, SESSION lock_wait_timeout = " +
                                              seconds + "; SELECT GET_LOCK(" +
                                              quote_text(migration_lock_name, dialect::mysql) + ", " + seconds + ")");
            acquired = r.back().rows() == 1 && r.back().view(0, 0) == "1";
        } catch (const error& e) {
            restore_lock_wait(db_);
            if (e.native_code() != 1213) throw;  // 1213: GET_LOCK chose this session to break a deadlock; not acquired
        }
        if (!acquired) {
            restore_lock_wait(db_);
            throw error(errc::busy, std::string(lock_wait_id), "the migration lock was not free within " + seconds + " s");
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
        restore_lock_wait(db_);
    }

private:
    const connection& db_;
};

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

/// SELECT of every history row, oldest first; with `unfinished`, of the newest migration not fully
/// applied: a run that stopped between two statements ('started': the process stopped; 'dirty': a
/// statement failed; 'resume': a person repaired it and asks the next apply to go on; 'rollback
/// started' / 'rollback dirty': the same for a rollback).
inline std::string history_query(bool unfinished, bool with_sql = true) {
    return "SELECT " + driftless::detail::history_select(with_sql) + ", models_checksum FROM _driftless_migrations " +
           (unfinished ? "WHERE state <> 'applied' AND rolled_back_at IS NULL ORDER BY version DESC LIMIT 1"
                       : "ORDER BY version");
}

/// The rows of a history_query().
inline std::vector<migration_record> history_of(const result& r) {
    std::vector<migration_record> out = driftless::detail::history_rows(r);
    for (int i = 0; i < r.rows(); ++i) {
        if (!r.is_null(i, 13)) out[static_cast<std::size_t>(i)].models_checksum = r.text(i, 13);
    }
    return out;
}

inline std::optional<migration_record> unfinished_from(const result& r) {
    std::vector<migration_record> rows = history_of(r);
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
}

/// SHA-256 of the CREATE statements of `desired` (as stored): which models a migration was planned for.
inline std::string models_checksum(const schema& desired) {
    return migration_checksum(join_statements(render_plan(diff(desired, schema{}, dialect::mysql))));
}

/// What migrate reads before it plans: the catalog with what driftless remembered put back (see
/// detail/memo.hpp) and the unfinished migration if any, in two round trips: the catalog (which
/// also shows driftless's own tables), then the memo and the unfinished row together.
struct database_state {
    schema actual;
    std::optional<migration_record> left;
};

inline database_state read_state(const connection& db) {
    database_state out;
    introspect_options options;
    options.include_driftless_tables = true;
    out.actual = introspect(db, options);
    bool memo_exists = false;
    bool history_exists = false;
    std::erase_if(out.actual.tables, [&](const table_info& t) {
        if (t.name == "_driftless_migrations") history_exists = true;
        if (t.name == "_driftless_expressions") memo_exists = true;
        return t.name.rfind("_driftless_", 0) == 0;
    });
    std::string sql;
    if (memo_exists) sql = "SELECT table_name, kind, name, catalog_sql, model_sql FROM _driftless_expressions";
    if (history_exists) sql += (sql.empty() ? "" : "; ") + history_query(true);
    std::vector<driftless::detail::memo_row> rows;
    std::vector<result> r;
    if (!sql.empty()) r = db.batch(sql);
    if (memo_exists) {
        const result& m = r.front();
        for (int i = 0; i < m.rows(); ++i) rows.push_back({m.text(i, 0), m.text(i, 1), m.text(i, 2), m.text(i, 3), m.text(i, 4)});
        driftless::detail::apply_memo(out.actual, rows);
    }
    driftless::detail::apply_ownership(out.actual, rows);  // what driftless did not make is kept
    if (history_exists) out.left = unfinished_from(r.back());
    return out;
}

/// GET_LOCK held until released; nothing to commit (each statement committed on its own).
class my_lock final : public engine_lock {
public:
    my_lock(const connection& db, const lock_options& lock) : held_(db, lock) {}
    void commit() override {}
    void roll_back() override {}

private:
    migration_lock held_;
};

// -- Galera clusters ----------------------------------------------------------------------------
// GET_LOCK is local to a Galera node, so on a cluster migrations exclude each other by a lease
// (driftless/detail/lease.hpp): a row of _driftless_lease, which every node certifies the same way.
// Reads under it wait until the node has applied what the cluster committed (wsrep_sync_wait).

/// The error of an attempt that did not get the lease in time; retried like a GET_LOCK wait.
inline constexpr std::string_view lease_wait_id = "driftless.mysql.lease";

/// Whether `db` is a Galera cluster node (wsrep_on = ON globally); asked once per connection.
inline bool cluster_node(const connection& db) {
    if (db.cluster_node() < 0) {
        const result r = db.execute("SHOW GLOBAL VARIABLES LIKE 'wsrep_on'");
        db.cluster_node() = r.rows() == 1 && driftless::detail::lower_ascii(r.view(0, 1)) == "on" ? 1 : 0;
    }
    return db.cluster_node() == 1;
}

/// Whether migrations through `db` take the lease rather than GET_LOCK.
inline bool uses_lease(const connection& db) {
    switch (db.options().lock) {
        case lock_method::get_lock: return false;
        case lock_method::lease: return true;
        case lock_method::automatic: break;
    }
    return cluster_node(db);
}

/// Refuses a Galera node that is not a synced member of the primary component: its writes would
/// fail or wait, and what it reads may be behind the cluster.
inline void require_synced_node(const connection& db) {
    const result r = db.execute("SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_cluster_status', "
                                "'wsrep_local_state_comment', 'wsrep_cluster_size')");
    std::map<std::string, std::string> status;
    for (int i = 0; i < r.rows(); ++i) status[driftless::detail::lower_ascii(r.view(i, 0))] = r.text(i, 1);
    const std::string& ready = status["wsrep_ready"];
    const std::string& component = status["wsrep_cluster_status"];
    const std::string& state = status["wsrep_local_state_comment"];
    if (driftless::detail::lower_ascii(ready) == "on" && component == "Primary" && state == "Synced") return;
    const std::string size = status["wsrep_cluster_size"];
    throw error(errc::engine, "driftless.mysql.cluster_node",
                "this Galera node cannot take part in a migration: it is " + (state.empty() ? "in an unknown state" : state) +
                    " (wsrep_local_state_comment) in a " + (component.empty() ? "unknown" : component) +
                    " component (wsrep_cluster_status) of " + (size.empty() ? "?" : size) + " node(s), wsrep_ready = " +
                    (ready.empty() ? "?" : ready) + "; nothing was changed. Connect through a node that is Synced in the "
                    "Primary component");
}

/// While alive, the session's reads wait until the node has applied every write set the cluster
/// committed before them (wsrep_sync_wait's READ bit); the session's own value is restored on
/// destruction (kept here, not in a session variable, so that nested uses restore theirs).
class synced_reads {
public:
    explicit synced_reads(const connection& db) : db_(db) {
        const result r = db_.execute("SELECT @@SESSION.wsrep_sync_wait");
        before_ = r.rows() == 1 ? r.integer(0, 0) : 0;
        if ((before_ & 1) == 0) db_.execute("SET SESSION wsrep_sync_wait = " + std::to_string(before_ | 1));
    }
    synced_reads(const synced_reads&) = delete;
    synced_reads& operator=(const synced_reads&) = delete;
    ~synced_reads() {
        if ((before_ & 1) != 0) return;
        try {
            db_.execute("SET SESSION wsrep_sync_wait = " + std::to_string(before_));
        } catch (...) {  // the session is gone, or will keep waiting for its reads: both harmless
        }
    }

private:
    const connection& db_;
    std::int64_t before_ = 0;
};

/// The lease row in _driftless_lease of the connection's database, kept through a session of its
/// own: taken by an autocommit INSERT (a Galera cluster lets one node's insert win; the others get
/// 1062 or 1213), taken over after expiry by an UPDATE whose WHERE says so (one winner again),
/// renewed and released only by its owner. Times are the server's UTC_TIMESTAMP(6).
class lease_store final : public driftless::detail::lease_store {
public:
    explicit lease_store(const connection& db) {
        if (db.url().empty())
            throw error(errc::usage, "driftless.mysql.lease_session",
                        "the migration lease (a Galera cluster, or lock_method::lease) is kept on a session of its own, "
                        "which a borrowed connection cannot open; use mysql::connect(url) for migrations, or borrow with "
                        "{.lock = lock_method::get_lock} when nothing else migrates this database at the same time");
        const result name = db.execute("SELECT DATABASE()");
        if (name.rows() != 1 || name.is_null(0, 0))
            throw error(errc::usage, "driftless.mysql.no_database",
                        "the connection has no current database; name one in the URL (mysql://host/database)");
        table_ = quote_identifier(name.text(0, 0), dialect::mysql) + ".`_driftless_lease`";
        // A renewal that hangs holds up the next check; one that takes longer than the lease has
        // lost it anyway: the session's timeouts are the lease's duration.
        const std::string limit = std::to_string(std::max<long long>(1, db.options().lease_duration.count()));
        session_ = connect(db.url() + (db.url().find('?') == std::string::npos ? "?" : "&") + "read_timeout=" + limit +
                               "&write_timeout=" + limit,
                           db.options());
        if (cluster_node(db)) session_.execute("SET SESSION wsrep_sync_wait = 15");  // every statement sees the cluster's latest
        const result exists = session_.execute(
            "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + quote_text(name.text(0, 0), dialect::mysql) +
            " AND TABLE_NAME = '_driftless_lease'");
        if (exists.integer(0, 0) == 0)
            session_.execute("CREATE TABLE IF NOT EXISTS " + table_ +
                             " (id INT NOT NULL PRIMARY KEY, owner VARCHAR(255) NOT NULL, expires_at DATETIME(6) NOT NULL) "
                             "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
    }
    bool take(const std::string& owner, std::chrono::seconds duration) override {
        try {
            session_.execute("INSERT INTO " + table_ + " (id, owner, expires_at) VALUES (1, " + quote_text(owner, dialect::mysql) +
                             ", " + until(duration) + ")");
            return true;
        } catch (const error& e) {
            if (!lost_race(e)) throw;
        }
        try {  // the row is there: take it over only when its holder let it expire
            session_.execute("UPDATE " + table_ + " SET owner = " + quote_text(owner, dialect::mysql) + ", expires_at = " +
                             until(duration) + " WHERE id = 1 AND expires_at < UTC_TIMESTAMP(6)");
            return session_.affected_rows() == 1;
        } catch (const error& e) {
            if (!lost_race(e)) throw;
            return false;
        }
    }
    bool renew(const std::string& owner, std::chrono::seconds duration) override {
        for (int attempt = 0;; ++attempt) {
            try {
                session_.execute("UPDATE " + table_ + " SET expires_at = " + until(duration) + " WHERE id = 1 AND owner = " +
                                 quote_text(owner, dialect::mysql));
                return session_.affected_rows() == 1;
            } catch (const error& e) {  // 1213: a write set certified first; the row says who holds it
                if (e.native_code() != 1213 || attempt >= 2) throw;
            }
        }
    }
    void release(const std::string& owner) override {
        session_.execute("DELETE FROM " + table_ + " WHERE id = 1 AND owner = " + quote_text(owner, dialect::mysql));
    }
    std::string holder() override {
        const result r = session_.execute("SELECT owner, expires_at, UTC_TIMESTAMP(6) FROM " + table_);
        return (r.rows() == 1 ? r.text(0, 0) + " until " + r.text(0, 1) + " UTC (now " + r.text(0, 2) + ")" : std::string("nobody now")) +
               " (table " + table_ + ")";
    }

private:
    static std::string until(std::chrono::seconds duration) {
        return "UTC_TIMESTAMP(6) + INTERVAL " + std::to_string(duration.count()) + " SECOND";
    }
    /// 1062: another session inserted the row first; 1213: another node's write set was certified first.
    static bool lost_race(const error& e) { return e.native_code() == 1062 || e.native_code() == 1213; }

    connection session_;
    std::string table_;
};

/// The lease held, the session's lock_wait_timeout set (and wsrep_sync_wait on a cluster node);
/// `released` runs on destruction (the engine lets go of the lease), then the settings come back.
class lease_lock final : public engine_lock {
public:
    lease_lock(const connection& db, const lock_options& lock, bool cluster, std::function<void()> released)
        : db_(db), released_(std::move(released)) {
        db_.execute("SET @driftless_wait = @@SESSION.lock_wait_timeout, SESSION lock_wait_timeout = " +
                    std::to_string(lock_seconds(lock)));
        try {
            if (cluster) synced_.emplace(db_);
        } catch (...) {
            restore_lock_wait(db_);
            throw;
        }
    }
    lease_lock(const lease_lock&) = delete;
    lease_lock& operator=(const lease_lock&) = delete;
    ~lease_lock() override {
        synced_.reset();
        released_();
        restore_lock_wait(db_);
    }
    void commit() override {}
    void roll_back() override {}

private:
    const connection& db_;
    std::function<void()> released_;
    std::optional<synced_reads> synced_;
};

}  // namespace detail

/// MySQL and MariaDB for the runner (see <driftless/engine.hpp>).
class mysql_engine final : public driftless::engine {
public:
    explicit mysql_engine(const connection& db) : engine("mysql", dialect::mysql, false), db_(db) {}

    [[nodiscard]] std::string history_name() const override { return "_driftless_migrations"; }

    std::int64_t execute_one(std::string_view sql) override {
        db_.execute(sql);
        return db_.affected_rows();
    }
    void execute_with(std::string_view sql, const std::vector<std::optional<std::string_view>>& params) override {
        db_.execute(with_literals(sql, params, dialect::mysql));
    }
    [[nodiscard]] std::string history_row_refusal(std::string_view up, std::string_view down) const override {
        // The row goes as one statement with the texts quoted in it (see execute_with).
        std::size_t need = up.size() + down.size() + 4096;
        for (std::string_view text : {up, down}) {
            for (char c : text) need += c == '\'' || c == '\\' ? 1 : 0;
        }
        const result r = db_.execute("SELECT @@max_allowed_packet");
        const auto limit = static_cast<std::size_t>(r.integer(0, 0));
        if (need <= limit) return {};
        return std::to_string(need) + " bytes and the server's max_allowed_packet is " + std::to_string(limit) +
               " (raise it with SET GLOBAL max_allowed_packet = ..., or in the server's configuration)";
    }
    std::vector<std::int64_t> count_row(const std::string& sql, std::size_t n) override {
        return driftless::detail::first_row(db_.execute(sql), n);
    }

    std::unique_ptr<engine_lock> lock(const lock_options& lock, std::string_view, operation) override {
        if (!detail::uses_lease(db_)) return std::make_unique<detail::my_lock>(db_, lock);
        if (db_.options().lease_duration < std::chrono::seconds(1))
            throw error(errc::usage, "driftless.mysql.lease_duration",
                        "the lease must last at least 1 s (connect_options::lease_duration is " +
                            std::to_string(db_.options().lease_duration.count()) + " s): a lease that has expired when "
                            "it is written excludes nobody");
        const bool cluster = detail::cluster_node(db_);
        if (cluster) detail::require_synced_node(db_);
        lease_.reset();
        lease_.emplace(std::make_unique<detail::lease_store>(db_), lock.timeout, db_.options().lease_duration, name());
        try {
            auto held = std::make_unique<detail::lease_lock>(db_, lock, cluster, [this] {
                locked_ = false;
                lease_.reset();  // released (its row deleted) after the last statement and record
            });
            locked_ = true;
            return held;
        } catch (...) {
            lease_.reset();
            throw;
        }
    }
    void check_lock() override {
        if (lease_) lease_->check_recent();
    }
    [[nodiscard]] bool retryable(const error& e) const noexcept override {
        return e.id() == detail::lock_wait_id || e.id() == detail::lease_wait_id;
    }
    [[nodiscard]] error busy(const error& last, int attempts, const lock_options& lock, std::string_view what) const override {
        const std::string each = " attempts of " + std::to_string(detail::lock_seconds(lock)) + " s each: ";
        if (last.id() == detail::lease_wait_id)
            return error(errc::busy, "driftless.mysql.busy",
                         std::string(what) + " gave up after " + std::to_string(attempts) + " attempts of " +
                             std::to_string(lock.timeout.count()) + " ms each: " +
                             "another process holds the migration lease (" + runner::message_of(last) +
                             "); nothing was changed, try again when it is released or has expired");
        return error(errc::busy, "driftless.mysql.busy",
                     std::string(what) + " gave up after " + std::to_string(attempts) + each +
                         "another process holds the migration lock (GET_LOCK('" + std::string(migration_lock_name) +
                         "')); nothing was changed, try again when it is released");
    }
    [[nodiscard]] bool statement_retryable(const error& e) const noexcept override {
        return e.native_code() == 1205 || e.native_code() == 1213;  // a metadata-lock wait or a deadlock: no effect
    }

    schema read_catalog() override {
        const auto synced = fresh_reads();
        return introspect(db_);
    }
    std::vector<migration_record> read_history(bool with_sql = true) override {
        const auto synced = fresh_reads();
        if (!detail::history_exists(db_)) return {};
        return detail::history_of(db_.execute(detail::history_query(false, with_sql)));
    }
    std::optional<migration_record> find_unfinished() override {
        const auto synced = fresh_reads();
        if (!detail::history_exists(db_)) return std::nullopt;
        return detail::unfinished_from(db_.execute(detail::history_query(true)));
    }

    [[nodiscard]] model_set prepare_models(const schema& models, std::string source) const override {
        check_model_fragments(models, dialect::mysql);
        model_set m{as_stored(models), std::move(source), {}, {}};
        m.models_checksum = detail::models_checksum(m.desired);
        return m;
    }
    planned_migration plan_migration(const model_set& m, const migrate_options& options) override {
        planned_migration out;
        detail::database_state state = detail::read_state(db_);
        out.unfinished = std::move(state.left);
        reconcile_uniques(state.actual, m.desired);
        out.plan = diff(m.desired, state.actual, dialect::mysql,
                        {.exact_types = options.exact_types, .prune_unmanaged = options.prune_unmanaged});
        out.statements = render_plan(out.plan);
        return out;
    }
    std::optional<altered_values> probe_type_change(const table_change& tc, const step& s, const std::string& column) override {
        return detail::type_change_values(db_, tc, s, column);
    }
    std::vector<std::string> down_statements(const migration_plan& p, const schema& desired, bool) override {
        return render_plan(diff(driftless::detail::reverse_target(p), driftless::detail::planned_after(p, desired), dialect::mysql,
                                {.desired_from_catalog = true}));
    }
    void remember(const model_set& m, const migration_plan& p) override { detail::remember_expressions(db_, m.desired, p); }
    void remember_objects(statement_list statements) override {
        const auto rows = driftless::detail::owned_objects(statements.strings(), dialect::mysql);
        if (rows.empty()) return;
        db_.execute(driftless::detail::memo_table_sql(dialect::mysql));  // IF NOT EXISTS
        db_.execute(driftless::detail::memo_insert_sql("`_driftless_expressions`", rows, dialect::mysql));
    }
    predicted_losses predict_losses(statement_list statements) override {
        const schema current = introspect(db_);
        const single_statements one_at_a_time(db_);  // the script's text, also inside the counting queries
        return detail::predict_losses(db_, current, statements.strings());
    }
    [[nodiscard]] std::shared_ptr<void> one_statement_mode() override { return std::make_shared<single_statements>(db_); }

private:
    /// Outside the lock on a cluster node: reads that see what the cluster committed (under the
    /// lock they do already).
    std::unique_ptr<detail::synced_reads> fresh_reads() {
        if (locked_ || db_.options().lock == lock_method::get_lock || !detail::cluster_node(db_)) return nullptr;
        return std::make_unique<detail::synced_reads>(db_);
    }

    const connection& db_;
    std::optional<driftless::detail::lease> lease_;
    bool locked_ = false;  ///< a lease_lock is held (its reads are synced)
};

/// The engine of a MySQL / MariaDB connection (found by driftless's public templates through ADL).
DRIFTLESS_RUNTIME_INLINE std::unique_ptr<driftless::engine> make_engine(const connection& db) { return std::make_unique<mysql_engine>(db); }

}  // namespace driftless::mysql

#endif  // DRIFTLESS_MYSQL_ENGINE_INL_HPP
