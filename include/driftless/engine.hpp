// driftless — the backend contract in code: what one database engine gives the runner
// (<driftless/run.hpp>), which implements migrate, plan, rollback, the migration files, baseline,
// generate, verify and migration_status once for every engine. A backend folder holds its
// connection, its catalog reader, its dialect's rendering and one class derived from `engine`;
// no procedure. The core never includes a database client header, and neither does this file.
#ifndef DRIFTLESS_ENGINE_HPP
#define DRIFTLESS_ENGINE_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <driftless/error.hpp>
#include <driftless/history.hpp>
#include <driftless/migrate.hpp>
#include <driftless/plan.hpp>
#include <driftless/schema.hpp>
#include <driftless/statement_list.hpp>

namespace driftless {

/// What an operation is, as an engine prepares for it. `plan` is migrate with dry_run (and
/// verify): it reads under the lock and writes nothing, not even the tracking tables, so that it
/// works on a read-only database.
enum class operation { migrate, apply_file, rollback, baseline, generate, plan };

/// The migration lock held by one operation; on engines with transactional DDL also its
/// transaction. Destroying it without commit() rolls back and releases.
class engine_lock {
public:
    engine_lock() = default;
    engine_lock(const engine_lock&) = delete;
    engine_lock& operator=(const engine_lock&) = delete;
    virtual ~engine_lock() = default;

    /// Make what ran under the lock permanent (on transactional engines after the engine's last
    /// check, such as a PostgreSQL lease still being held) and release the lock.
    virtual void commit() = 0;
    /// End the transaction without keeping anything and release the lock. Throws when it cannot.
    virtual void roll_back() = 0;

    bool history_existed = false;  ///< the tracking table existed when the lock was taken
};

/// A lock held by a transaction the engine opened: commit() and roll_back() run the engine's
/// actions; destruction runs `close(still_open)`, which must not throw (it rolls back what is
/// still open and releases what else the lock holds).
class transaction_lock final : public engine_lock {
public:
    transaction_lock(std::function<void()> commit, std::function<void()> roll_back, std::function<void(bool)> close)
        : commit_(std::move(commit)), roll_back_(std::move(roll_back)), close_(std::move(close)) {}
    ~transaction_lock() override { close_(open_); }
    void commit() override {
        commit_();
        open_ = false;
    }
    void roll_back() override {
        roll_back_();
        open_ = false;
    }

private:
    std::function<void()> commit_, roll_back_;
    std::function<void(bool)> close_;
    bool open_ = true;
};

/// What a type change would do to a column's values, as an engine's probe measured it: `altered`
/// of its `total` non-null values would not come back equal; `example` is one of them.
struct altered_values {
    std::int64_t altered = 0;
    std::int64_t total = 0;
    std::string example;
};

/// A migration plan as an engine renders it.
struct planned_migration {
    migration_plan plan{};
    std::vector<std::string> statements{};    ///< run under the lock, in order
    std::vector<std::string> after_commit{};  ///< run after the commit (PostgreSQL CREATE INDEX CONCURRENTLY)
    bool rebuild = false;                     ///< SQLite: a table is rebuilt (12-step procedure)
    /// Engines without transactional DDL: the newest history row not fully applied, read with
    /// the catalog (saves a round trip on the path of every start-up).
    std::optional<migration_record> unfinished{};
};

/// Models as one engine compares them with its catalog.
struct model_set {
    schema desired{};              ///< in the engine's stored form (MySQL: as the server keeps it)
    std::string source{};          ///< "users, posts": the history row's source
    std::string fingerprint{};     ///< SQLite's fast path; empty: no fast path
    std::string models_checksum{}; ///< engines without transactional DDL: which models a run was planned for
};

/// What a script would discard, counted before it runs (engines without transactional DDL).
struct predicted_losses {
    std::vector<std::string> problems;    ///< discards values: refused unless allowed
    std::vector<std::string> impossible;  ///< cannot succeed whatever the options
};

/// One database engine, as the runner drives it. Everything that sends SQL goes through
/// execute_one(), one statement per call; a backend proves it is one (SQLite: nothing after the
/// first statement; PostgreSQL: the extended protocol; MySQL: multi-statement mode off).
class engine {
public:
    /// The traits: the engine's `name` ("sqlite", "postgresql", "mysql": the middle of its error
    /// ids, "driftless.mysql.dirty"), its SQL dialect, and whether its DDL is transactional
    /// (true: run, measure losses after, record and commit in one transaction; false: each
    /// statement commits on its own, so progress is recorded statement by statement and resumed).
    engine(std::string_view name, dialect d, bool transactional_ddl) noexcept
        : name_(name), dialect_(d), transactional_(transactional_ddl) {}
    engine(const engine&) = delete;
    engine& operator=(const engine&) = delete;
    virtual ~engine() = default;

    // -- traits
    [[nodiscard]] dialect sql_dialect() const noexcept { return dialect_; }
    [[nodiscard]] bool transactional_ddl() const noexcept { return transactional_; }
    [[nodiscard]] std::string_view name() const noexcept { return name_; }
    /// The tracking table's name as statements write it (quoted; qualified where needed).
    [[nodiscard]] virtual std::string history_name() const = 0;

    // -- the executor's primitives
    /// Run exactly one statement; the rows it changed, or -1 when the engine does not say.
    virtual std::int64_t execute_one(std::string_view sql) = 0;
    /// Under the lock, before the first statement of a migration that may discard data: copy the
    /// database so that it can be restored, and return where the copy is ("" when the engine makes
    /// none: PostgreSQL, MySQL, an in-memory SQLite database). `version` names the copy. Throws
    /// when the copy cannot be made (no room: errc::usage), before anything ran.
    virtual std::string backup(std::int64_t /*version*/) { return {}; }
    /// After the history row of `version` was written: note in it where its backup is.
    virtual void record_backup(std::int64_t /*version*/, const std::string& /*path*/) {}
    /// For progress: the rows statement `sql` is expected to process, -1 when unknown (the
    /// default). Asked only when an observer is set, before the statement runs.
    virtual std::int64_t expected_rows(std::string_view /*sql*/) { return -1; }
    /// For progress: while each following execute_one runs, call `tick` now and then (on the
    /// executing thread, from inside the engine's client: it must not use the connection) with the
    /// rows written so far; an empty function stops it. An exception `tick` throws is thrown by
    /// execute_one once the statement returned. Default: never called.
    virtual void watch(std::function<void(std::int64_t)> /*tick*/) {}
    /// Run one statement with text parameters (placeholders as history_placeholder() writes them;
    /// nullopt is NULL). Each value is a whole std::string's text (history_statement::views()), so
    /// a NUL follows it and an engine may use it without a copy while the call lasts.
    virtual void execute_with(std::string_view sql, const std::vector<std::optional<std::string_view>>& params) = 0;
    /// The `n` integers of the one row a counting query returns (zeros when none).
    virtual std::vector<std::int64_t> count_row(const std::string& sql, std::size_t n) = 0;

    // -- the lock
    /// Take the migration lock (and open the transaction where DDL is transactional); waits as
    /// `lock` says. `what` names the operation in errors.
    virtual std::unique_ptr<engine_lock> lock(const lock_options& lock, std::string_view what, operation op) = 0;
    /// True when `e` means that this attempt lost a wait (a lock timeout) and may start again; by
    /// default nothing is retried.
    [[nodiscard]] virtual bool retryable(const error& /*e*/) const noexcept { return false; }
    /// Under the lock, before each statement of a recorded run and each history write: throws
    /// errc::busy when the lock is no longer this process's (a lease that expired and may have
    /// been taken over), so that nothing more runs or is recorded. Default: a lock that cannot be
    /// lost while its session lives.
    virtual void check_lock() {}
    /// The errc::busy error after `attempts` attempts that all ended in retryable errors.
    [[nodiscard]] virtual error busy(const error& last, int /*attempts*/, const lock_options& /*lock*/,
                                     std::string_view /*what*/) const {
        return last;
    }

    // -- catalog and history
    /// The live schema, normalised, without driftless's own tables.
    virtual schema read_catalog() = 0;
    /// Every history row, oldest first; empty when the tracking table does not exist.
    /// Without `with_sql`, up_sql and down_sql are left empty (not read).
    virtual std::vector<migration_record> read_history(bool with_sql = true) = 0;
    /// CREATE TABLE IF NOT EXISTS for the tracking table (under the lock).
    virtual void create_history() { execute_one(history_table_sql(sql_dialect())); }
    /// Why a history row holding `up` and `down` (a migration file's sections) could not be stored
    /// here, as "N bytes ... at most M (the limit's name)"; empty when it can. Asked before the file
    /// runs, so that it is refused, not run and then left unrecorded.
    [[nodiscard]] virtual std::string history_row_refusal(std::string_view /*up*/, std::string_view /*down*/) const { return {}; }

    // -- models and plans
    /// Check models for this engine and put them in the form its catalog will report.
    [[nodiscard]] virtual model_set prepare_models(const schema& models, std::string source) const = 0;
    /// SQLite's fast-path fingerprint of prepared models; empty where there is no fast path.
    [[nodiscard]] virtual std::string fingerprint(const schema&) const { return {}; }
    /// Under the lock: read the catalog, diff it with `models`, render the plan (as `options`
    /// ask, e.g. PostgreSQL's concurrent indexes).
    virtual planned_migration plan_migration(const model_set& models, const migrate_options& options) = 0;
    /// The policy, for a step of `p` on existing table `tc` that the runner does not count the
    /// same way on every engine (a type change, a new check or unique key): what it would discard
    /// (`problems`, refused unless allowed) or make fail (`impossible`), counted on the data now.
    /// `column` is the step's column as the table has it now.
    virtual void check_step(const migration_plan& /*p*/, const table_change& /*tc*/, const step& /*s*/,
                            const std::string& /*column*/, std::vector<std::string>& /*problems*/,
                            std::vector<std::string>& /*impossible*/) {}
    /// The policy for a type change measured value by value: what the values of `column` would
    /// become, when some would change (the runner names them in the plan's problems). Default:
    /// not measured this way (check_step may measure it otherwise).
    virtual std::optional<altered_values> probe_type_change(const table_change& /*tc*/, const step& /*s*/,
                                                            const std::string& /*column*/) {
        return std::nullopt;
    }
    /// The statements that take the catalog back from after `p` ran to before it, tables `p`
    /// creates excepted: rendered against the live catalog (`live`, after the run) or, with
    /// `live` false, against the models alone (a file not applied yet).
    virtual std::vector<std::string> down_statements(const migration_plan& p, const schema& desired, bool live) = 0;

    // -- what differs between engines around the statements (defaults: nothing to do)
    /// The fast path (SQLite): true when nothing changed since these models were last verified.
    virtual bool fast_path_holds(std::string_view /*fingerprint*/) { return false; }
    /// Under the lock, once the database is known to match the models (`changed`: because a
    /// plan just ran): record what the fast path needs. True when there is something to commit.
    virtual bool note_verified(const model_set&, bool /*changed*/, const engine_lock&) { return false; }
    /// Whether `statements` need prepare() first (SQLite: foreign keys off around a rebuild or a
    /// script that drops a table, which only works outside any transaction). May refuse them here
    /// (e.g. inside a transaction the caller opened). Asked under the lock or before it.
    virtual bool needs_preparation(operation, statement_list /*statements*/, bool /*rebuild*/) { return false; }
    /// Outside any transaction, before taking the lock: do what needs_preparation() asked for;
    /// restore() undoes it.
    virtual void prepare() {}
    /// Undo prepare(); `what_happened` goes into the error when that fails.
    virtual void restore(std::string_view /*what_happened*/) {}
    /// The same, on the way out of a failure: never throws.
    virtual void restore_quietly() noexcept {}
    /// After the statements ran, before the history row (SQLite: foreign_key_check). `after`
    /// names what ran for the error ("rebuilding", "'0003_x.sql'", "rolling back").
    virtual void check_after(operation, std::string_view /*after*/, bool /*rebuild*/) {}
    /// After a plan ran: remember how the catalog spells the models' expressions, and which
    /// indexes and constraints driftless made (the rest is kept: made by hand).
    virtual void remember(const model_set&, const migration_plan&) {}
    /// After a migration file or a rollback ran: remember the indexes and constraints `statements`
    /// created as driftless's own (engines that cannot tell them by their text).
    virtual void remember_objects(statement_list /*statements*/) {}
    /// Engines without transactional DDL: what `statements` would discard, counted before they run
    /// (their text, inside the counting queries too, runs one statement at a time).
    virtual predicted_losses predict_losses(statement_list /*statements*/) { return {}; }
    /// While alive, statements run strictly one per call even where the connection could take
    /// several (MySQL: multi-statement mode off). Held around a script's statements.
    [[nodiscard]] virtual std::shared_ptr<void> one_statement_mode() { return {}; }
    /// Engines without transactional DDL: true when a statement of a recorded run failed only
    /// because it waited too long for a lock (it took no effect and may run again).
    [[nodiscard]] virtual bool statement_retryable(const error&) const noexcept { return false; }
    /// Engines without transactional DDL: the newest history row not fully applied, if any.
    virtual std::optional<migration_record> find_unfinished() { return std::nullopt; }

private:
    std::string_view name_;
    dialect dialect_;
    bool transactional_;
};

namespace detail {

/// Refuses SQL text holding a NUL byte: every client library would cut it there and run the rest.
inline void refuse_nul(std::string_view sql, std::string_view where = {}) {
    const std::size_t at = sql.find('\0');
    if (at == std::string_view::npos) return;
    std::size_t line = 1;
    for (std::size_t i = 0; i < at; ++i) line += sql[i] == '\n' ? 1 : 0;
    throw error(errc::usage, "driftless.sql.nul",
                (where.empty() ? std::string() : std::string(where) + ": ") + "the statement holds a NUL byte (line " +
                    std::to_string(line) + " of the statement), which the database client would cut the statement at; "
                    "nothing was run",
                std::string(sql.substr(0, at)));
}

}  // namespace detail
}  // namespace driftless

#endif  // DRIFTLESS_ENGINE_HPP
