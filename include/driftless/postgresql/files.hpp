// driftless — migration files on PostgreSQL: generate (plan -> NNNN_name.sql), apply_migration_file,
// apply_migrations (a directory, or migrations embedded at build time), verify and baseline. Each
// file runs in one transaction under the migration lock, with its history row.
#ifndef DRIFTLESS_POSTGRESQL_FILES_HPP
#define DRIFTLESS_POSTGRESQL_FILES_HPP

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

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
#include <driftless/postgresql/connection.hpp>
#include <driftless/postgresql/introspect.hpp>
#include <driftless/postgresql/migrate.hpp>
#include <driftless/postgresql/render.hpp>

namespace driftless::postgresql {

using driftless::file_lock_options;

namespace detail {

/// Apply one parsed file: in one transaction under the migration lock, decided again under the
/// lock (another process may have applied it meanwhile), its losses measured inside the
/// transaction, recorded as kind "file". Returns whether it ran.
inline bool apply_file(const connection& db, const migration_file& f, const apply_options& options, apply_result& result,
                       const file_lock_options& lock = {}) {
    constexpr dialect pg = dialect::postgresql;
    const std::vector<driftless::detail::sql_piece> pieces = driftless::detail::split_up(f, pg);
    std::vector<std::string> statements;
    statements.reserve(pieces.size());
    for (const auto& piece : pieces) statements.push_back(piece.text);
    driftless::detail::refuse_transaction_control("migration file '" + f.file_name + "'", statements, pg);
    // The down section runs at rollback; refuse now what would break atomicity then.
    driftless::detail::refuse_transaction_control("the down section of migration file '" + f.file_name + "'",
                                                  driftless::detail::split_down(f, pg), pg);
    const auto started = std::chrono::steady_clock::now();
    return with_migration_lock(db, lock.lock_timeout, lock.lock_retries, "applying a migration file",
                               [&](const locked_state& state) {
        std::vector<migration_file> one{f};
        if (driftless::detail::pending_files(one, migration_status(db), options).empty()) {
            db.execute("ROLLBACK");
            result.skipped.push_back(f.file_name);
            return false;
        }
        if (options.dry_run) {  // lists what would run; runs nothing
            db.execute("ROLLBACK");
            result.statements.insert(result.statements.end(), statements.begin(), statements.end());
            result.applied.push_back(f.file_name);
            return false;
        }
        const auto count = counter(db);
        const driftless::detail::data_counts counted =
            driftless::detail::measure(read_catalog(db, {}, true).tables, statements, pg, count);
        for (const auto& piece : pieces) {
            try {
                db.execute(piece.text);
            } catch (const error& e) {
                if (lock_timed_out(e)) throw;  // retried as a whole
                driftless::detail::rethrow_in_file(e, f, piece);
            }
        }
        driftless::detail::refuse_file_losses(
            f, driftless::detail::losses(counted, read_catalog(db, {}, true).tables, statements, pg, count), options);
        db.execute("DELETE FROM " + own_table(db, history_table) + " WHERE version = " + std::to_string(f.version) +
                   " AND rolled_back_at IS NOT NULL");
        migration_record record = driftless::detail::file_record(f);
        record.execution_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
        record.statements_done = static_cast<std::int64_t>(statements.size());
        insert_history(db, record);
        state.check();
        db.execute("COMMIT");
        result.statements.insert(result.statements.end(), statements.begin(), statements.end());
        result.applied.push_back(f.file_name);
        return true;
    });
}

inline apply_result apply_files(const connection& db, const std::vector<migration_file>& files, const apply_options& options,
                                const file_lock_options& lock = {}) {
    apply_result result;
    // A first look without the lock, so that a refusal (changed file, out of order) comes before
    // anything runs; every file is checked again under the lock when it is applied.
    const auto pending = driftless::detail::pending_files(files, migration_status(db), options, &result);
    for (const migration_file* f : pending) apply_file(db, *f, options, result, lock);
    return result;
}

}  // namespace detail

/// The migrations recorded in the schema, with the files of `dir`: changed, missing and pending.
inline verify_report verify_files(const connection& db, const std::filesystem::path& dir) {
    return driftless::verify_files(read_migration_dir(dir), migration_status(db));
}

/// generate() for a run-time schema; `source` names the models. See generate<Ts...>().
inline generate_result generate_schema(const connection& db, const schema& desired, const std::string& source,
                                       const std::filesystem::path& dir, const generate_options& options) {
    constexpr dialect pg = dialect::postgresql;
    const std::vector<migration_file> files = read_migration_dir(dir);
    const std::vector<migration_record> history = migration_status(db);
    driftless::detail::refuse_pending(files, history, dir);
    check_model_fragments(desired, pg);
    generate_result result;
    // Plan and check the policy on the data as it is now, under the lock, changing nothing.
    detail::with_migration_lock(db, std::chrono::milliseconds(5000), 2, "generate", [&](const detail::locked_state&) {
        const catalog before = read_catalog(db, {}, true);
        result.plan = diff(desired, before.tables, pg);
        if (!result.plan.empty()) {
            result.statements = render_plan(result.plan, before).statements;
            migrate_options policy;
            policy.allow_data_loss = options.allow_data_loss;
            detail::enforce_policy(db, result.plan, policy);
        }
        db.execute("ROLLBACK");
        return 0;
    });
    if (result.plan.empty()) return result;
    // The down section: drop what is created, and plan the way back from the models' shape.
    for (auto it = result.plan.tables.rbegin(); it != result.plan.tables.rend(); ++it) {
        if (it->created) result.down_statements.push_back("DROP TABLE " + quote_identifier(it->name, pg));
    }
    const bool alters = std::any_of(result.plan.tables.begin(), result.plan.tables.end(),
                                    [](const table_change& tc) { return !tc.created; });
    if (alters) {
        catalog after;
        after.tables = desired;
        const migration_plan back = diff(driftless::detail::reverse_target(result.plan), desired, pg);
        for (auto& s : render_plan(back, after).statements) result.down_statements.push_back(std::move(s));
    }
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

}  // namespace driftless::postgresql

namespace driftless {

/// Run one migration file on PostgreSQL: its up section in one transaction under the migration
/// lock, with its history row (see the SQLite overload for the rules, which are the same).
inline apply_result apply_migration_file(const postgresql::connection& db, const std::filesystem::path& path,
                                         const apply_options& options = {}) {
    apply_result result;
    postgresql::detail::apply_file(db, read_migration_file(path), options, result);
    return result;
}

/// Every pending file of `dir`, in version order, each in its own transaction.
inline apply_result apply_migrations(const postgresql::connection& db, const std::filesystem::path& dir,
                                     const apply_options& options = {}) {
    return postgresql::detail::apply_files(db, read_migration_dir(dir), options);
}

/// The same for migrations embedded at build time (driftless_embed_migrations in CMake).
inline apply_result apply_migrations(const postgresql::connection& db, std::span<const embedded_migration> migrations,
                                     const apply_options& options = {}) {
    return postgresql::detail::apply_files(db, read_embedded_migrations(migrations), options);
}

/// Mark the schema as being at `version` without running anything: files up to `version` count as
/// applied. Refused when the schema already records `version` or a later one.
inline void baseline(const postgresql::connection& db, std::int64_t version, const std::string& description = "baseline") {
    if (version <= 0) throw error(errc::usage, "driftless.baseline.version", "a baseline version must be positive");
    postgresql::detail::with_migration_lock(db, std::chrono::milliseconds(5000), 2, "baseline",
                                            [&](const postgresql::detail::locked_state& state) {
        const std::string table = postgresql::detail::own_table(db, history_table);
        const auto highest =
            postgresql::detail::count(db, "SELECT coalesce(max(version), 0) FROM " + table + " WHERE rolled_back_at IS NULL");
        if (highest >= version)
            throw error(errc::usage, "driftless.baseline.behind",
                        "the database already records version " + std::to_string(highest) + "; a baseline must be above it");
        db.execute("DELETE FROM " + table + " WHERE version = " + std::to_string(version));
        postgresql::detail::insert_history(db, detail::baseline_record(version, description));
        state.check();
        db.execute("COMMIT");
        return 0;
    });
}

/// Write the plan that brings the schema to the models as the next numbered file of `dir` (see
/// the SQLite overload for the rules, which are the same).
template <table_type... Ts>
generate_result generate(const postgresql::connection& db, const std::filesystem::path& dir,
                         const generate_options& options = {}) {
    static_assert((detail::require_valid<Ts>() && ...));
    static const schema desired = to_schema<Ts...>();
    static const std::string source = detail::table_names<Ts...>();
    generate_options o = options;
    if (o.name.empty()) o.name = detail::type_names<Ts...>();
    return postgresql::generate_schema(db, desired, source, dir, o);
}

/// Files against the schema's history (changed, missing, pending), and the models against the live schema.
template <table_type... Ts>
verify_report verify(const postgresql::connection& db, const std::filesystem::path& dir) {
    verify_report report = postgresql::verify_files(db, dir);
    if constexpr (sizeof...(Ts) != 0) report.schema = detail::drift_lines(plan<Ts...>(db).plan);
    return report;
}

}  // namespace driftless

#endif  // DRIFTLESS_POSTGRESQL_FILES_HPP
