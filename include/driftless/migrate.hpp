// driftless — what migrate(), rollback() and the lock take and return; the runner
// (<driftless/run.hpp>) implements them once over every backend's engine (<driftless/engine.hpp>).
#ifndef DRIFTLESS_MIGRATE_HPP
#define DRIFTLESS_MIGRATE_HPP

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <string>
#include <vector>

#include <driftless/plan.hpp>
#include <driftless/reflect.hpp>

namespace driftless {

/// How an operation waits for the migration lock: `timeout` per attempt (PostgreSQL and MySQL;
/// SQLite waits for the connection's busy timeout), then `retries` more attempts, each from
/// scratch, before it gives up with errc::busy.
struct lock_options {
    std::chrono::milliseconds timeout{5000};
    int retries = 2;
};

/// One statement of a migration as the statement executor reports it: before it runs (started),
/// while it runs (progress, where the engine can tell: SQLite), after it ran (finished, with the
/// rows it changed where the engine says so, otherwise -1), or when it failed.
struct statement_event {
    enum class phase { started, finished, failed, progress };
    phase at = phase::started;
    std::string_view sql{};
    std::size_t index = 0;  ///< 0-based, among the statements of this run (a plan, a file, a down section)
    std::size_t count = 0;  ///< how many statements the run has
    /// finished: the rows the statement changed (-1 unknown); progress: the rows it has written so
    /// far (SQLite counts each row inserted, updated or deleted in a rowid table).
    std::int64_t rows = -1;
    std::chrono::nanoseconds elapsed{};  ///< since the statement started (finished, failed, progress)
    /// The rows the statement is expected to process, -1 when unknown: on SQLite, the rows of the
    /// table an INSERT ... SELECT, UPDATE or DELETE reads (a rebuild's copy knows its count up front).
    std::int64_t total = -1;
};

/// Called for every statement of a migration, a file or a rollback (not for driftless's own
/// bookkeeping): for progress, logs and tests. An exception it throws at `started` stops the run
/// before that statement, as if the process had stopped there; one thrown at `progress` is thrown
/// once the statement returned (SQLite cannot stop a write halfway without rolling back a
/// transaction the caller may have opened), so the run stops after it. A progress observer must
/// not use the database connection: it is called from inside SQLite.
using statement_observer = std::function<void(const statement_event&)>;

/// Options of migrate().
struct migrate_options {
    std::string description{};     ///< stored with the history row; does not change the SQL
    bool allow_data_loss = false;  ///< run lossy and destructive steps that would discard values
    bool dry_run = false;          ///< plan and render, change nothing
    bool verify = false;           ///< always read the catalog, even when the fast path says nothing changed
    /// PostgreSQL, MySQL: how long one attempt waits for a lock (the migration lock, or a lock on a
    /// table the plan alters) before it gives up. SQLite waits for the connection's busy timeout.
    std::chrono::milliseconds lock_timeout{5000};
    /// PostgreSQL, MySQL: further attempts after a lock wait timed out; each starts from scratch.
    int lock_retries = 2;
    /// PostgreSQL: build new indexes of existing tables with CREATE INDEX CONCURRENTLY after the
    /// migration commits, so that writes to the table are not blocked while they build.
    bool concurrent_indexes = false;
    /// Plan a type change whenever the declared spelling differs from the model's, even where the
    /// engine treats both as one type (see diff_options::exact_types and docs/adoption.md).
    bool exact_types = false;
    /// Drop the indexes, checks and unique constraints that no model names and driftless did not
    /// create; by default they are kept (see diff_options::prune_unmanaged).
    bool prune_unmanaged = false;
    statement_observer observer{};  ///< sees every statement the migration runs
    /// SQLite: before a plan that rebuilds a table or may discard data runs, copy the database file
    /// next to it ("app.db.0003-20261207T041500Z.backup"), recorded in the history row; refused
    /// up front when the disk lacks room. Off by default (a start-up must not silently double its
    /// disk use); the command line turns it on. Other engines make no copy.
    bool backup = false;
    /// Called once the plan is made, under the lock, before it is checked against the data and
    /// before its first statement runs (not on a dry run, nor when nothing differs): the steps and
    /// the statements of the migration. The command line prints the plan here. An exception it
    /// throws stops the migration before anything ran.
    std::function<void(const migration_plan&, const std::vector<std::string>&)> on_plan{};
};

/// Options of rollback().
struct rollback_options {
    bool allow_data_loss = false;                  ///< drop tables and columns that hold data
    std::chrono::milliseconds lock_timeout{5000};  ///< as migrate_options::lock_timeout
    int lock_retries = 2;                          ///< as migrate_options::lock_retries
    statement_observer observer{};                 ///< sees every statement of the down section
    /// rollback<T>: undo the latest migration that changed T's table also when it changed other
    /// tables (they are undone too); without it, that is refused, naming them.
    bool whole_migration = false;
};

/// What migrate would decide about a step, measured on the data as it is now.
enum class verdict : std::uint8_t {
    safe,     ///< runs: nothing it touches would be lost
    lossy,    ///< runs only with allow_data_loss: it would discard or alter values
    blocked,  ///< cannot run whatever the options (NULLs under NOT NULL, rows without a default, ...)
};

inline std::string_view to_string(verdict v) {
    switch (v) {
        case verdict::safe: return "safe";
        case verdict::lossy: return "lossy";
        case verdict::blocked: return "blocked";
    }
    return "unknown";
}

/// The verdict on one step of a plan and the counts behind it, e.g. "dropping column users.age
/// would discard 3 non-null values".
struct step_verdict {
    driftless::verdict verdict = verdict::safe;
    std::vector<std::string> reasons{};
    friend bool operator==(const step_verdict&, const step_verdict&) = default;
};

/// What migrate() did.
struct migrate_result {
    bool applied = false;                   ///< false when nothing differed or on a dry run
    bool fast_path = false;                 ///< true when nothing was read but the fast-path record
    std::int64_t version = 0;               ///< the history row written (0 when none)
    driftless::migration_plan plan{};
    std::vector<std::string> statements{};  ///< what ran (or would run), in order
    std::vector<std::string> down_statements{};
    std::string checksum{};
    /// Where the database was copied before the plan ran (migrate_options::backup), else "".
    std::string backup{};
    /// A dry run: one verdict per step of `plan`, in its order (empty otherwise).
    std::vector<step_verdict> verdicts{};
    /// A dry run: whether migrate with the same options would refuse the plan (a blocked step, or a
    /// lossy one without allow_data_loss).
    bool refused = false;
};

namespace detail {

/// The lock settings of any options struct that has lock_timeout and lock_retries.
template <class Options>
lock_options lock_of(const Options& o) {
    return {o.lock_timeout, o.lock_retries};
}

/// 1234567 -> "1,234,567".
inline std::string thousands(std::int64_t n) {
    std::string digits = std::to_string(n < 0 ? -n : n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i != 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return n < 0 ? "-" + out : out;
}

/// The names joined with `separator`.
inline std::string join_names(std::span<const std::string_view> names, std::string_view separator) {
    std::string s;
    for (const std::string_view n : names) {
        if (!s.empty()) s += separator;
        s += n;
    }
    return s;
}

/// "users, posts": the models' tables, as history rows record their source.
template <table_type... Ts>
std::string table_names() {
    const std::array<std::string_view, sizeof...(Ts)> names{table_v<Ts>.name...};
    return join_names(names, ", ");
}

/// "user_post": the models' type names, snake_cased, as generate() names a file by default.
template <table_type... Ts>
std::string type_names() {
    const std::array<std::string_view, sizeof...(Ts)> names{std::string_view(default_table_name<Ts>)...};
    return join_names(names, "_");
}

}  // namespace detail
}  // namespace driftless

#endif  // DRIFTLESS_MIGRATE_HPP
