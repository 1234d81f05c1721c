// driftless — migration files on MySQL / MariaDB: generate (plan -> NNNN_name.sql),
// apply_migration_file, apply_migrations (a directory, or migrations embedded at build time),
// verify and baseline. MySQL commits every DDL statement, so a file cannot run in one
// transaction: what it would discard is counted before it runs (detail::predict_losses), and its
// history row records progress statement by statement, as migrate() does. A file that fails
// halfway is left 'dirty' at that step and stops every later run until a person repairs it and
// marks the row (the error says how); the next apply then runs only the steps after it.
#ifndef DRIFTLESS_MYSQL_FILES_HPP
#define DRIFTLESS_MYSQL_FILES_HPP

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <driftless/checksum.hpp>
#include <driftless/detail/losses.hpp>
#include <driftless/diff.hpp>
#include <driftless/error.hpp>
#include <driftless/files.hpp>
#include <driftless/history.hpp>
#include <driftless/migrate.hpp>
#include <driftless/plan.hpp>
#include <driftless/reflect.hpp>
#include <driftless/render.hpp>
#include <driftless/schema.hpp>
#include <driftless/mysql/connection.hpp>
#include <driftless/mysql/introspect.hpp>
#include <driftless/mysql/losses.hpp>
#include <driftless/mysql/migrate.hpp>
#include <driftless/mysql/render.hpp>

namespace driftless::mysql {

using driftless::file_lock_options;

namespace detail {

/// Under the lock: nothing may run while another migration is unfinished, except the file that a
/// person marked 'resume'. Returns the index to start `f` at (0 unless it resumes).
inline std::optional<std::size_t> resume_point(const connection& db, const migration_file& f, std::string_view what,
                                               std::int64_t listed = 0) {
    const auto left = find_unfinished(db);
    if (!left) return std::nullopt;
    if (left->state == "resume" && left->version == listed) return std::nullopt;  // a dry run listed its rest already
    if (left->kind == "file" && left->state == "resume" && left->version == f.version) {
        const result r = db.execute("SELECT checksum FROM _driftless_migrations WHERE version = " + std::to_string(f.version));
        if (r.rows() == 1 && r.text(0, 0) != f.checksum)
            throw error(errc::checksum_mismatch, "driftless.files.checksum",
                        "migration file '" + f.file_name + "' changed since its partial run (recorded " + r.text(0, 0) + ", now " +
                            f.checksum + "); restore the file before resuming it");
        return static_cast<std::size_t>(std::max<std::int64_t>(0, left->done));
    }
    refuse_unfinished(*left, what);
}

/// Apply one parsed file under the migration lock, decided again under the lock (another process
/// may have applied it meanwhile), its losses counted before anything runs, recorded as kind
/// "file" with its progress. Returns whether it ran.
inline bool apply_file(const connection& db, const migration_file& f, const apply_options& options, apply_result& result,
                       const file_lock_options& lock = {}, std::int64_t listed_resume = 0) {
    constexpr dialect my = dialect::mysql;
    const std::vector<driftless::detail::sql_piece> pieces = driftless::detail::split_up(f, my);
    std::vector<std::string> statements;
    statements.reserve(pieces.size());
    for (const auto& piece : pieces) statements.push_back(piece.text);
    driftless::detail::refuse_transaction_control("migration file '" + f.file_name + "'", statements, my);
    driftless::detail::refuse_transaction_control("the down section of migration file '" + f.file_name + "'",
                                                  driftless::detail::split_down(f, my), my);
    const auto started = std::chrono::steady_clock::now();
    migration_lock guard(db, lock.lock_timeout, lock.lock_retries, "applying a migration file");
    const bool history = history_exists(db);
    const std::optional<std::size_t> resume = history ? resume_point(db, f, "applying '" + f.file_name + "'", listed_resume) : std::nullopt;
    if (!resume) {
        std::vector<migration_file> one{f};
        if (driftless::detail::pending_files(one, migration_status(db), options).empty()) {
            result.skipped.push_back(f.file_name);
            return false;
        }
    }
    const std::size_t from = resume.value_or(0);
    const std::vector<std::string> rest(statements.begin() + static_cast<std::ptrdiff_t>(std::min(from, statements.size())),
                                        statements.end());
    if (options.dry_run) {  // lists what would run; runs nothing
        result.statements.insert(result.statements.end(), rest.begin(), rest.end());
        result.applied.push_back(f.file_name);
        return false;
    }
    const schema current = introspect(db);
    single_statements one_at_a_time(db);  // the file's text, also inside the counting queries
    const predicted_losses lost = predict_losses(db, current, rest);
    if (!lost.impossible.empty()) {
        std::string message;
        for (const auto& l : lost.impossible) message += (message.empty() ? "" : "; ") + l;
        throw error(errc::lossy_step, "driftless.plan.blocked",
                    "applying '" + f.file_name + "': " + message + "; fix the data first (nothing was run)");
    }
    driftless::detail::refuse_file_losses(f, lost.problems, options);
    if (resume) {
        db.execute("UPDATE _driftless_migrations SET state = 'started' WHERE version = " + std::to_string(f.version));
    } else {
        db.execute(history_table_sql(my));
        db.execute("DELETE FROM _driftless_migrations WHERE version = " + std::to_string(f.version) +
                   " AND rolled_back_at IS NOT NULL");
        migration_record record = driftless::detail::file_record(f);
        record.state = "started";
        insert_history(db, record);
    }
    run_recorded(db, f.version, statements, from, lock.lock_retries, applied_now(started), "dirty", [&](std::size_t i) {
        return "in '" + f.file_name + "' (line " + std::to_string(f.up_line + pieces[i].line - 1) + "): ";
    });
    result.statements.insert(result.statements.end(), rest.begin(), rest.end());
    result.applied.push_back(f.file_name);
    return true;
}

inline apply_result apply_files(const connection& db, const std::vector<migration_file>& files, const apply_options& options,
                                const file_lock_options& lock = {}) {
    apply_result result;
    std::int64_t listed_resume = 0;
    // An unfinished migration is reported even when no file is pending; the file a person marked
    // 'resume' runs first. Checked again under the lock when each file is applied.
    if (history_exists(db)) {
        if (const auto left = find_unfinished(db)) {
            const auto resumed = std::find_if(files.begin(), files.end(), [&](const migration_file& f) {
                return left->kind == "file" && left->state == "resume" && f.version == left->version;
            });
            if (resumed == files.end()) refuse_unfinished(*left, "upgrade");
            apply_file(db, *resumed, options, result, lock);
            if (options.dry_run) listed_resume = resumed->version;  // listed, not run: the files after it may follow
        }
    }
    // A first look without the lock, so that a refusal (changed file, out of order) comes before
    // anything runs; every file is checked again under the lock when it is applied.
    apply_result first;
    const auto pending = driftless::detail::pending_files(files, migration_status(db), options, &first);
    for (const auto& name : first.skipped) {
        if (std::find(result.applied.begin(), result.applied.end(), name) == result.applied.end()) result.skipped.push_back(name);
    }
    for (const migration_file* f : pending) apply_file(db, *f, options, result, lock, listed_resume);
    return result;
}

}  // namespace detail

/// The migrations recorded in the database, with the files of `dir`: changed, missing and pending.
inline verify_report verify_files(const connection& db, const std::filesystem::path& dir) {
    return driftless::verify_files(read_migration_dir(dir), migration_status(db));
}

/// generate() for a run-time schema; `source` names the models. See generate<Ts...>().
inline generate_result generate_schema(const connection& db, const schema& desired_models, const std::string& source,
                                       const std::filesystem::path& dir, const generate_options& options) {
    constexpr dialect my = dialect::mysql;
    const std::vector<migration_file> files = read_migration_dir(dir);
    const std::vector<migration_record> history = migration_status(db);
    driftless::detail::refuse_pending(files, history, dir);
    check_model_fragments(desired_models, my);
    const schema desired = as_stored(desired_models);
    generate_result result;
    {
        // Plan and check the policy on the data as it is now, under the lock, changing nothing.
        detail::migration_lock lock(db, std::chrono::milliseconds(5000), 2, "generate");
        detail::database_state state = detail::read_state(db);
        if (state.left) detail::refuse_unfinished(*state.left, "generate");
        schema& actual = state.actual;
        reconcile_uniques(actual, desired);
        result.plan = diff(desired, actual, my);
        if (result.plan.empty()) return result;
        result.statements = render_plan(result.plan);
        migrate_options policy;
        policy.allow_data_loss = options.allow_data_loss;
        detail::enforce_policy(db, result.plan, policy);
    }
    result.down_statements = detail::down_statements(result.plan, desired);
    driftless::detail::write_generated(dir, files, history, source, options, result);
    if (options.apply) {
        apply_options apply;
        apply.allow_data_loss = options.allow_data_loss;
        apply_result applied;
        detail::apply_file(db, read_migration_file(result.path), apply, applied);
        result.applied = true;
    }
    return result;
}

}  // namespace driftless::mysql

namespace driftless {

/// Run one migration file on MySQL / MariaDB under the migration lock, statement by statement with
/// its progress recorded (see mysql/files.hpp); refused before anything runs when it would discard
/// data, unless allowed.
inline apply_result apply_migration_file(const mysql::connection& db, const std::filesystem::path& path,
                                         const apply_options& options = {}) {
    apply_result result;
    mysql::detail::apply_file(db, read_migration_file(path), options, result);
    return result;
}

/// Every pending file of `dir`, in version order.
inline apply_result apply_migrations(const mysql::connection& db, const std::filesystem::path& dir, const apply_options& options = {}) {
    return mysql::detail::apply_files(db, read_migration_dir(dir), options);
}

/// The same for migrations embedded at build time (driftless_embed_migrations in CMake).
inline apply_result apply_migrations(const mysql::connection& db, std::span<const embedded_migration> migrations,
                                     const apply_options& options = {}) {
    return mysql::detail::apply_files(db, read_embedded_migrations(migrations), options);
}

/// Mark the database as being at `version` without running anything: files up to `version` count
/// as applied. Refused when the database already records `version` or a later one.
inline void baseline(const mysql::connection& db, std::int64_t version, const std::string& description = "baseline") {
    if (version <= 0) throw error(errc::usage, "driftless.baseline.version", "a baseline version must be positive");
    mysql::detail::migration_lock lock(db, std::chrono::milliseconds(5000), 2, "baseline");
    if (mysql::detail::history_exists(db)) {
        if (const auto left = mysql::detail::find_unfinished(db)) mysql::detail::refuse_unfinished(*left, "baseline");
    }
    db.execute(history_table_sql(dialect::mysql));
    const auto highest =
        mysql::detail::count(db, "SELECT coalesce(max(version), 0) FROM _driftless_migrations WHERE rolled_back_at IS NULL");
    if (highest >= version)
        throw error(errc::usage, "driftless.baseline.behind",
                    "the database already records version " + std::to_string(highest) + "; a baseline must be above it");
    db.execute("DELETE FROM _driftless_migrations WHERE version = " + std::to_string(version));
    mysql::detail::insert_history(db, detail::baseline_record(version, description));
}

/// Write the plan that brings the database to the models as the next numbered file of `dir` (see
/// the SQLite overload for the rules, which are the same).
template <table_type... Ts>
generate_result generate(const mysql::connection& db, const std::filesystem::path& dir, const generate_options& options = {}) {
    static_assert((detail::require_valid<Ts>() && ...));
    static const schema desired = to_schema<Ts...>();
    static const std::string source = detail::table_names<Ts...>();
    generate_options o = options;
    if (o.name.empty()) o.name = detail::type_names<Ts...>();
    return mysql::generate_schema(db, desired, source, dir, o);
}

/// Files against the database's history (changed, missing, pending), and the models against the live schema.
template <table_type... Ts>
verify_report verify(const mysql::connection& db, const std::filesystem::path& dir) {
    verify_report report = mysql::verify_files(db, dir);
    if constexpr (sizeof...(Ts) != 0) report.schema = detail::drift_lines(plan<Ts...>(db).plan);
    return report;
}

}  // namespace driftless

#endif  // DRIFTLESS_MYSQL_FILES_HPP
