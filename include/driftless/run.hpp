// driftless — the one runner: migrate, plan, rollback, apply_migration_file, apply_migrations,
// baseline, generate, verify and migration_status, written once over the engine contract
// (<driftless/engine.hpp>). Everything that decides (what is pending, out of order, which
// migration a rollback undoes, reserved names, resuming) happens under the migration lock, here.
//
// Two strategies, after the engine's traits:
// - transactional DDL (SQLite, PostgreSQL): lock and transaction, plan, run, measure what was
//   lost, record the history row, commit; any failure rolls everything back;
// - recorded per statement (MySQL / MariaDB, whose DDL commits on its own): the history row is
//   written first ('started'), statements_done moves after every statement, 'applied' at the end,
//   'dirty' on a failure; a later run resumes exactly where the database shows it stopped, or
//   refuses and says what to inspect. Losses are counted before anything runs.
#ifndef DRIFTLESS_RUN_HPP
#define DRIFTLESS_RUN_HPP

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <driftless/config.hpp>
#include <driftless/engine.hpp>
#include <driftless/error.hpp>
#include <driftless/files.hpp>
#include <driftless/history.hpp>
#include <driftless/migrate.hpp>
#include <driftless/plan.hpp>
#include <driftless/render.hpp>
#include <driftless/repair.hpp>
#include <driftless/schema.hpp>
#include <driftless/statement_list.hpp>

namespace driftless::runner {

/// One run of statements through the executor.
struct statement_run {
    std::size_t from = 0;        ///< the first index to run (a resumed run starts later)
    int retries = 0;             ///< further tries of a statement that lost a lock wait (engine::statement_retryable)
    statement_observer observer{};
    std::function<void(std::size_t)> done{};  ///< after statement i took effect
    /// Statement i failed (after `attempts` tries); must throw.
    std::function<void(std::size_t, const error&, int attempts)> failed{};
};

/// The statement executor: the only loop that sends a migration's statements, one per call
/// (engine::execute_one), NUL bytes refused before anything is sent, each reported to the observer.
DRIFTLESS_RUNTIME_INLINE void execute_statements(engine& e, statement_list statements, const statement_run& run);

/// The texts of SQL pieces.
DRIFTLESS_RUNTIME_INLINE std::vector<std::string> texts(std::vector<detail::sql_piece> pieces);

/// Check models for `e` once: no table in driftless's reserved namespace, then the engine's checks.
DRIFTLESS_RUNTIME_INLINE model_set prepare_models(const engine& e, const schema& models, std::string source, bool fast_path);

/// Bring the database to the models `m` (prepared for `e`): a no-op, writing nothing, when they
/// already match. See migrate<Ts...>().
DRIFTLESS_RUNTIME_INLINE migrate_result migrate(engine& e, const model_set& m, const migrate_options& o);

/// Undo the newest migration that touched `table` (any when empty) with its recorded down SQL,
/// under the migration lock, and mark its row rolled back. What the down SQL discards is refused,
/// with the count, unless options.allow_data_loss. Returns the version, or 0 when there was none.
DRIFTLESS_RUNTIME_INLINE std::int64_t rollback(engine& e, const std::string& table, const rollback_options& o);

/// Apply `files` (all of a directory, or one): one file per turn of the lock, every decision
/// (what is pending, out of order, resumed) taken under it, so that concurrent upgrades and
/// rollbacks never leave a hole in the history. `what` names the operation in refusals.
/// `whole_directory`: `files` is every file there is, so an applied file missing from it (or a
/// pending copy of one) stops the run unless o.ignore_missing.
DRIFTLESS_RUNTIME_INLINE apply_result apply_files(engine& e, const std::vector<migration_file>& files, const apply_options& o,
                                std::string_view what, bool whole_directory);

/// Mark the database as being at `version` without running anything.
DRIFTLESS_RUNTIME_INLINE void baseline(engine& e, std::int64_t version, const std::string& description, const lock_options& lock);

/// Write the plan that brings the database to the models as the next numbered file of `dir`.
DRIFTLESS_RUNTIME_INLINE generate_result generate(engine& e, const model_set& m, const std::filesystem::path& dir, const generate_options& o);

/// Files against the history (changed, missing, pending), and, with models, the models against
/// the live schema.
DRIFTLESS_RUNTIME_INLINE verify_report verify(engine& e, const std::filesystem::path& dir, const model_set* models);

/// The history rows that need a person (see repair.hpp); with `dir`, also the applied files of
/// `dir` whose text changed since.
DRIFTLESS_RUNTIME_INLINE std::vector<stuck_migration> stuck(engine& e, const std::filesystem::path* dir);

/// Carry out a person's resolution of stuck row `version` under the migration lock, and record it.
DRIFTLESS_RUNTIME_INLINE repair_result repair(engine& e, repair_action action, std::int64_t version, const repair_options& o);

}  // namespace driftless::runner


namespace driftless {

/// A connection type of a backend: make_engine(connection) gives its engine (found by ADL), a
/// std::unique_ptr<driftless::engine>.
template <class Connection>
concept database_connection = requires(const Connection& db) { make_engine(db); };

namespace detail {

/// The models Ts, prepared once per connection type (so, per engine) and set of models.
template <class Connection, table_type... Ts>
const model_set& models_for(const engine& e) {
    static const model_set m = runner::prepare_models(e, to_schema<Ts...>(), table_names<Ts...>(), true);
    return m;
}

}  // namespace detail

/// Create or alter the models' tables to match; a no-op (nothing written) when they already do.
template <table_type... Ts, database_connection Connection>
migrate_result migrate(const Connection& db, const migrate_options& options = {}) {
    static_assert((detail::require_valid<Ts>() && ...));
    auto e = make_engine(db);
    return runner::migrate(*e, detail::models_for<Connection, Ts...>(*e), options);
}

/// The dry run: the steps and SQL migrate() would run now, nothing changed.
template <table_type... Ts, database_connection Connection>
migrate_result plan(const Connection& db, migrate_options options = {}) {
    options.dry_run = true;
    return migrate<Ts...>(db, options);
}

/// migrate() for a run-time schema; `source` names the models in the history row. With a
/// `fingerprint` (SQLite's fast path) a database verified against the same fingerprint since its
/// last DDL is answered without reading the catalog.
template <database_connection Connection>
migrate_result migrate_schema(const Connection& db, const schema& desired, const migrate_options& options,
                              const std::string& source, std::string_view fingerprint = {}) {
    auto e = make_engine(db);
    model_set m = runner::prepare_models(*e, desired, source, false);
    m.fingerprint = std::string(fingerprint);
    return runner::migrate(*e, m, options);
}

/// Undo the most recent applied migration whose source names `table` (any migration when empty)
/// with its recorded down SQL. Returns the version rolled back, 0 when there was none.
template <database_connection Connection>
std::int64_t rollback_table(const Connection& db, const std::string& table, const rollback_options& options = {}) {
    auto e = make_engine(db);
    return runner::rollback(*e, table, options);
}

/// Undo the most recent migration that touched T's table.
template <table_type T, database_connection Connection>
std::int64_t rollback(const Connection& db, const rollback_options& options = {}) {
    static_assert(detail::require_valid<T>());
    return rollback_table(db, std::string(table_v<T>.name), options);
}

/// Every migration recorded in the database, oldest first; empty when none was ever applied.
template <database_connection Connection>
std::vector<migration_record> migration_status(const Connection& db) {
    auto e = make_engine(db);
    return e->read_history();
}

/// Run one migration file (see files.hpp for its format): its up section under the migration
/// lock — in one transaction where the engine allows, statement by statement with its progress
/// recorded where it does not — recorded as kind "file" with the version from its name and the
/// SHA-256 of its normalised text. Re-applying an unchanged applied file does nothing; an applied
/// file whose text changed is refused (errc::checksum_mismatch), naming both checksums. A file
/// that drops tables or columns holding data is refused unless allowed. Transaction control
/// statements and NUL bytes in the file are refused before anything runs.
template <database_connection Connection>
apply_result apply_migration_file(const Connection& db, const std::filesystem::path& path, const apply_options& options = {}) {
    auto e = make_engine(db);
    std::vector<migration_file> files;
    files.push_back(read_migration_file(path));
    files = detail::runnable(std::move(files));
    const std::string what = "applying '" + files.front().file_name + "'";
    return runner::apply_files(*e, files, options, what, false);
}

/// Every pending file of `dir`, in version order, each under its own turn of the lock. A pending
/// file older than the newest applied migration is refused unless options.out_of_order; two files
/// with one version, or an applied file that changed, are refused before anything runs.
template <database_connection Connection>
apply_result apply_migrations(const Connection& db, const std::filesystem::path& dir, const apply_options& options = {}) {
    auto e = make_engine(db);
    return runner::apply_files(*e, detail::runnable(read_migration_dir(dir)), options, "upgrade", true);
}

/// The same for migrations embedded at build time (driftless_embed_migrations in CMake).
template <database_connection Connection>
apply_result apply_migrations(const Connection& db, std::span<const embedded_migration> migrations,
                              const apply_options& options = {}) {
    auto e = make_engine(db);
    return runner::apply_files(*e, read_embedded_migrations(migrations), options, "upgrade", true);
}

/// Mark the database as being at `version` without running anything: files up to `version` count
/// as applied. Refused when the database already records `version` or a later one.
template <database_connection Connection>
void baseline(const Connection& db, std::int64_t version, const std::string& description = "baseline",
              const lock_options& lock = {}) {
    auto e = make_engine(db);
    runner::baseline(*e, version, description, lock);
}

/// generate() for a run-time schema; `source` names the models.
template <database_connection Connection>
generate_result generate_schema(const Connection& db, const schema& desired, const std::string& source,
                                const std::filesystem::path& dir, const generate_options& options) {
    auto e = make_engine(db);
    return runner::generate(*e, runner::prepare_models(*e, desired, source, false), dir, options);
}

/// Write the plan that would bring the database to the models as the next numbered file of `dir`
/// ("0001_user.sql": one more than the highest version among the files and the database's
/// history), with an up and a down section; nothing is written when they already match. Refused
/// while `dir` holds files not applied to this database (generate compares with the database),
/// and when a step would discard data unless options.allow_data_loss.
template <table_type... Ts, database_connection Connection>
generate_result generate(const Connection& db, const std::filesystem::path& dir, const generate_options& options = {}) {
    static_assert((detail::require_valid<Ts>() && ...));
    auto e = make_engine(db);
    generate_options o = options;
    if (o.name.empty()) o.name = detail::type_names<Ts...>();
    return runner::generate(*e, detail::models_for<Connection, Ts...>(*e), dir, o);
}

/// The migrations recorded in the database, with the files of `dir`: changed, missing and pending.
template <database_connection Connection>
verify_report verify_files(const Connection& db, const std::filesystem::path& dir) {
    auto e = make_engine(db);
    return runner::verify(*e, dir, nullptr);
}

/// The live database's tables as driftless reads them from the catalog (its own _driftless_
/// tables left out): for schema_text(), or to compare by hand. Reads only.
template <database_connection Connection>
schema read_schema(const Connection& db) {
    auto e = make_engine(db);
    schema s = e->read_catalog();
    std::erase_if(s.tables, [](const table_info& t) { return detail::starts_with_ci(t.name, "_driftless_"); });
    return s;
}

/// The history rows that need a person: runs that stopped part-way (engines without transactional
/// DDL), with the next step and what the catalog shows of the tables it names, and, when `dir` is
/// given, the applied files of `dir` whose text changed since. Reads only.
template <database_connection Connection>
std::vector<stuck_migration> stuck_migrations(const Connection& db, const std::filesystem::path& dir = {}) {
    auto e = make_engine(db);
    return runner::stuck(*e, dir.empty() ? nullptr : &dir);
}

/// Resolve stuck row `version` as a person decided after inspecting the database (see
/// repair_action), under the migration lock; refused (errc::usage) when the row is not in a state
/// that action resolves. Recorded in _driftless_repairs with who and when.
template <database_connection Connection>
repair_result repair(const Connection& db, repair_action action, std::int64_t version, const repair_options& options = {}) {
    auto e = make_engine(db);
    return runner::repair(*e, action, version, options);
}

/// Files against the database (changed, missing, pending), and the models against the live schema.
template <table_type... Ts, database_connection Connection>
verify_report verify(const Connection& db, const std::filesystem::path& dir) {
    auto e = make_engine(db);
    if constexpr (sizeof...(Ts) == 0) {
        return runner::verify(*e, dir, nullptr);
    } else {
        return runner::verify(*e, dir, &detail::models_for<Connection, Ts...>(*e));
    }
}

}  // namespace driftless

#if DRIFTLESS_DEFINE_RUNTIME
#include <driftless/run-inl.hpp>
#endif

#endif  // DRIFTLESS_RUN_HPP
