// driftless — definitions of the PostgreSQL engine (see <driftless/engine.hpp>): one transaction per migration
// under pg_advisory_xact_lock with SET LOCAL lock_timeout (bounded retries by the runner), or a
// lease row where a PG-wire engine's advisory locks do not exclude; the tracking tables created
// under the lock; statements sent one at a time over the extended protocol, which refuses a
// second statement; type changes, new checks and unique keys checked on the rows already there.
#ifndef DRIFTLESS_POSTGRESQL_ENGINE_INL_HPP
#define DRIFTLESS_POSTGRESQL_ENGINE_INL_HPP

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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
#include <driftless/plan.hpp>
#include <driftless/postgresql/connection.hpp>
#include <driftless/postgresql/introspect.hpp>
#include <driftless/postgresql/losses.hpp>
#include <driftless/postgresql/render.hpp>
#include <driftless/render.hpp>
#include <driftless/run.hpp>
#include <driftless/postgresql/engine.hpp>
#include <driftless/schema.hpp>

namespace driftless::postgresql {

namespace detail {

/// The lease row (lock_method::lease, see driftless/detail/lease.hpp) in _driftless_lease, kept
/// through a session of its own.
class lease_store final : public driftless::detail::lease_store {
public:
    explicit lease_store(const connection& db) : session_(connect(db.conninfo(), db.options())) {
        table_ = own_table(session_, lease_table);
        session_.execute("SET client_min_messages = warning");
        try {  // sessions creating it at once: the losers fail on a catalog unique index (23505),
               // the table's name (42P07) or its row type's name (42710); it is there either way
            session_.execute("CREATE TABLE IF NOT EXISTS " + table_ +
                             " (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), owner TEXT NOT NULL, "
                             "expires_at TIMESTAMPTZ NOT NULL)");
        } catch (const error& e) {
            const std::string& state = e.sqlstate();
            if (state != "23505" && state != "42P07" && state != "42710") throw;
        }
    }
    bool take(const std::string& owner, std::chrono::seconds duration) override {
        return session_.query("INSERT INTO " + table_ + " (id, owner, expires_at) VALUES (1, $1, now() + make_interval(secs => $2)) "
                              "ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at WHERE " +
                                  table_ + ".expires_at < now() RETURNING owner",
                              {owner, std::to_string(duration.count())})
                   .rows() == 1;
    }
    bool renew(const std::string& owner, std::chrono::seconds duration) override {
        return session_.query("UPDATE " + table_ + " SET expires_at = now() + make_interval(secs => $2) "
                              "WHERE id = 1 AND owner = $1 RETURNING 1",
                              {owner, std::to_string(duration.count())})
                   .rows() == 1;
    }
    void release(const std::string& owner) override {
        session_.query("DELETE FROM " + table_ + " WHERE id = 1 AND owner = $1", {owner});
    }
    std::string holder() override {
        const result r = session_.execute("SELECT owner, expires_at FROM " + table_);
        return (r.rows() == 1 ? r.text(0, 0) + " until " + r.text(0, 1) : std::string("unknown")) + " (table " + table_ + ")";
    }

private:
    connection session_;
    std::string table_;
};

DRIFTLESS_RUNTIME_INLINE bool probe_advisory_lock(const connection& db) noexcept {
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

DRIFTLESS_RUNTIME_INLINE bool uses_lease(const connection& db) {
    switch (db.options().lock) {
        case lock_method::advisory: return false;
        case lock_method::lease: return true;
        case lock_method::automatic: break;
    }
    if (db.server_engine() == engine::postgresql) return false;
    if (db.advisory_lock_probe() < 0) db.advisory_lock_probe() = probe_advisory_lock(db) ? 1 : 0;
    return db.advisory_lock_probe() == 0;
}

/// What begin_locked found: whether the tracking table and the expressions table existed.
struct tracking_tables {
    bool history = false;
    bool memo = false;
};

/// BEGIN; SET LOCAL lock_timeout, quiet notices, the schema first on the search_path (before
/// pg_temp); take the migration lock (unless a lease stands in for it); with `create`, create the
/// tracking tables when missing (an operation that only reads leaves them alone, so that it works
/// in a read-only session). One round trip when they exist.
inline tracking_tables begin_locked(const connection& db, std::chrono::milliseconds lock_timeout, bool advisory, bool create) {
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
    tracking_tables found{r.back().boolean(0, 1), r.back().boolean(0, 2)};
    if (!create) return found;
    if (!found.history) db.execute(history_table_sql(dialect::postgresql));
    if (!found.memo) db.execute(expressions_table_sql());
    return {found.history, true};
}

/// PostgreSQL's own parser reads each model fragment of the tables `p` touches as exactly one
/// expression (driftless::detail::fragment_proofs): parsed as an unnamed prepared statement, never
/// run. A syntax error or a second command (SQLSTATE 42601) refuses the fragment; other errors
/// (an unknown column type or function) are left to the DDL that uses it. Inside a savepoint, so
/// that a failed parse does not abort the migration's transaction.
inline void prove_fragments(const connection& db, const schema& desired, const migration_plan& p) {
    std::vector<driftless::detail::fragment_proof> proofs;
    for (const table_change& tc : p.tables) {
        if (const table_info* t = desired.find_table(tc.name)) {
            for (auto& proof : driftless::detail::fragment_proofs(*t, dialect::postgresql)) proofs.push_back(std::move(proof));
        }
    }
    if (proofs.empty()) return;
    const bool nested = db.in_transaction();
    if (nested) db.execute("SAVEPOINT driftless_fragments");
    for (const auto& proof : proofs) {
        PGresult* r = PQprepare(db.handle(), "", proof.sql.c_str(), 0, nullptr);
        const bool parsed = r != nullptr && PQresultStatus(r) == PGRES_COMMAND_OK;
        const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
        const char* primary = r != nullptr ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
        const std::string why = primary != nullptr ? primary : r == nullptr ? "no result" : "";
        const bool syntax = r == nullptr || (state != nullptr && std::string_view(state) == "42601");
        PQclear(r);
        if (parsed) continue;
        if (nested) db.execute("ROLLBACK TO SAVEPOINT driftless_fragments");
        if (syntax) driftless::detail::unproven_fragment(proof, "PostgreSQL", why);
    }
    if (nested) db.execute("RELEASE SAVEPOINT driftless_fragments");
}

/// Roll back whatever is open; never throws.
inline void roll_back(const connection& db) noexcept {
    if (!db.in_transaction()) return;
    PGresult* r = PQexec(db.handle(), "ROLLBACK");
    PQclear(r);
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


}  // namespace detail

/// PostgreSQL (and PG-wire engines) for the runner (see <driftless/engine.hpp>).
class postgresql_engine final : public driftless::engine {
public:
    explicit postgresql_engine(const connection& db) : engine("postgresql", dialect::postgresql, true), db_(db) {}

    [[nodiscard]] std::string history_name() const override { return detail::own_table(db_, history_table); }

    std::int64_t execute_one(std::string_view sql) override { return db_.execute_one(sql); }
    void execute_with(std::string_view sql, const std::vector<std::optional<std::string_view>>& params) override {
        db_.query_nullable(sql, params);
    }
    [[nodiscard]] std::string history_row_refusal(std::string_view up, std::string_view down) const override {
        // One Bind message carries the row's values; the server refuses a message of 1 GiB or more.
        constexpr std::size_t limit = (std::size_t{1} << 30) - 1;
        const std::size_t need = up.size() + down.size() + 4096;
        if (need <= limit) return {};
        return std::to_string(need) + " bytes and PostgreSQL takes at most " + std::to_string(limit) +
               " in one message (its 1 GiB limit, which no setting raises)";
    }
    std::vector<std::int64_t> count_row(const std::string& sql, std::size_t n) override {
        return driftless::detail::first_row(db_.query(sql, {}), n);
    }

    std::unique_ptr<engine_lock> lock(const lock_options& lock, std::string_view what, operation op) override {
        if (db_.in_transaction())
            throw error(errc::usage, "driftless.postgresql.in_transaction",
                        std::string(what) + " runs its own transaction (under the migration lock); call it outside yours");
        const bool lease_it = detail::uses_lease(db_);
        lease_.reset();
        const connection& db = db_;  // the advisory lock's transaction (or the lease's), rolled back unless committed
        auto held = std::make_unique<transaction_lock>(
            [&db, this] {
                if (lease_) lease_->check();
                db.execute("COMMIT");
            },
            [&db] { db.execute("ROLLBACK"); },
            [&db, this](bool) {
                detail::roll_back(db);
                lease_.reset();  // released after the transaction ends, never before
            });
        if (lease_it) lease_.emplace(std::make_unique<detail::lease_store>(db_), lock.timeout, db_.options().lease_duration, name());
        const bool reading = op == operation::plan || op == operation::generate;
        const detail::tracking_tables found = detail::begin_locked(db_, lock.timeout, !lease_it, !reading);
        held->history_existed = found.history;
        memo_ = found.memo;
        memo_known_ = true;
        return held;
    }
    [[nodiscard]] bool retryable(const error& e) const noexcept override {
        return detail::lock_timed_out(e) || e.sqlstate() == "26000";  // 26000: prepared statements lost; prepare again
    }
    [[nodiscard]] error busy(const error& e, int attempts, const lock_options& lock, std::string_view what) const override {
        return error(errc::busy, "driftless.postgresql.busy",
                     std::string(what) + " gave up after " + std::to_string(attempts) + " attempts of " +
                         std::to_string(lock.timeout.count()) +
                         " ms each: another session held a lock it needs (the migration lock, or a lock on a table being "
                         "altered); nothing was changed, try again when it is released. Last error: " + e.what(),
                     e.statement(), 0, e.sqlstate());
    }

    schema read_catalog() override {
        // Without the lock (a read of the schema alone) nobody has looked for the memo table yet.
        if (!memo_known_) return postgresql::introspect(db_);
        return postgresql::read_catalog(db_, {}, memo_).tables;
    }
    std::vector<migration_record> read_history(bool with_sql = true) override {
        const std::string table = detail::own_table(db_, history_table);
        const result exists = db_.execute("SELECT to_regclass(" + quote_text(table, dialect::postgresql) + ") IS NOT NULL");
        if (!exists.boolean(0, 0)) return {};
        return driftless::detail::history_rows(
            db_.execute("SELECT " + driftless::detail::history_select(with_sql) + " FROM " + table + " ORDER BY version"));
    }

    [[nodiscard]] model_set prepare_models(const schema& models, std::string source) const override {
        check_model_fragments(models, dialect::postgresql);
        return {models, std::move(source), {}, {}};
    }
    planned_migration plan_migration(const model_set& m, const migrate_options& options) override {
        planned_migration out;
        before_ = postgresql::read_catalog(db_, {}, memo_);
        out.plan = diff(m.desired, before_.tables, dialect::postgresql,
                        {.exact_types = options.exact_types, .prune_unmanaged = options.prune_unmanaged});
        if (out.plan.empty()) return out;
        detail::prove_fragments(db_, m.desired, out.plan);
        rendered_plan rendered = render_plan(out.plan, before_, {.concurrent_indexes = options.concurrent_indexes});
        out.statements = std::move(rendered.statements);
        out.after_commit = std::move(rendered.after_commit);
        return out;
    }
    void check_step(const migration_plan& p, const table_change& tc, const step& s, const std::string& column,
                    std::vector<std::string>& problems, std::vector<std::string>& impossible) override {
        detail::check_step(db_, p, tc, s, column, problems, impossible);
    }
    std::vector<std::string> down_statements(const migration_plan& p, const schema& desired, bool live) override {
        catalog after;
        if (live) {
            after = postgresql::read_catalog(db_, {}, memo_);
        } else {
            after.tables = driftless::detail::planned_after(p, desired);
        }
        return render_plan(diff(driftless::detail::reverse_target(p), after.tables, dialect::postgresql, {.desired_from_catalog = true}), after).statements;
    }
    void remember(const model_set& m, const migration_plan& p) override { detail::remember_expressions(db_, m.desired, p); }
    void remember_objects(statement_list statements) override {
        const auto rows = driftless::detail::owned_objects(statements.strings(), dialect::postgresql);
        if (rows.empty()) return;
        db_.execute(expressions_table_sql());  // IF NOT EXISTS
        db_.execute(driftless::detail::memo_insert_sql(detail::own_table(db_, expressions_table), rows, dialect::postgresql));
    }

private:
    const connection& db_;
    std::optional<driftless::detail::lease> lease_;
    catalog before_{};
    bool memo_ = true;  ///< the expressions table exists (read with the catalog)
    bool memo_known_ = false;  ///< memo_ was found under the lock (not yet: read_catalog looks)
};

/// The engine of a PostgreSQL connection (found by driftless's public templates through ADL).
DRIFTLESS_RUNTIME_INLINE std::unique_ptr<driftless::engine> make_engine(const connection& db) { return std::make_unique<postgresql_engine>(db); }

}  // namespace driftless::postgresql

#endif  // DRIFTLESS_POSTGRESQL_ENGINE_INL_HPP
