// driftless — migration files on SQLite: generate (plan -> NNNN_name.sql), apply_migration_file,
// apply_migrations (a directory, or migrations embedded at build time), verify and baseline.
#ifndef DRIFTLESS_SQLITE_FILES_HPP
#define DRIFTLESS_SQLITE_FILES_HPP

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <driftless/diff.hpp>
#include <driftless/error.hpp>
#include <driftless/files.hpp>
#include <driftless/history.hpp>
#include <driftless/migrate.hpp>
#include <driftless/plan.hpp>
#include <driftless/reflect.hpp>
#include <driftless/render.hpp>
#include <driftless/schema.hpp>
#include <driftless/sqlite/connection.hpp>
#include <driftless/sqlite/introspect.hpp>
#include <driftless/sqlite/migrate.hpp>
#include <driftless/sqlite/render.hpp>

namespace driftless::sqlite {

namespace detail {

inline bool drops_a_table(const std::vector<std::string>& statements) {
    return std::any_of(statements.begin(), statements.end(), [](const std::string& s) {
        const std::vector<token> t = tokenize(s);
        return t.size() >= 2 && is_keyword(t[0], "DROP") && is_keyword(t[1], "TABLE");
    });
}

inline std::vector<migration_record> history_rows(const connection& db) { return migration_status(db); }

/// Apply one parsed file, its statements already split; the caller holds nothing. One
/// transaction under BEGIN IMMEDIATE; foreign keys off around it when it drops a table (the
/// 12-step rebuild), with foreign_key_check before COMMIT.
inline bool apply_file(const connection& db, const migration_file& f, const apply_options& options, apply_result& result) {
    const std::vector<driftless::detail::sql_piece> pieces = driftless::detail::split_up(f, dialect::sqlite);
    std::vector<std::string> statements;
    statements.reserve(pieces.size());
    for (const auto& piece : pieces) statements.push_back(piece.text);
    refuse_transaction_control("migration file '" + f.file_name + "'", statements);
    // The down section runs at rollback; refuse now what would make it fail or break atomicity then.
    refuse_transaction_control("the down section of migration file '" + f.file_name + "'",
                               driftless::detail::split_down(f, dialect::sqlite));
    if (sqlite3_get_autocommit(db.handle()) == 0)
        throw error(errc::usage, "driftless.files.in_transaction",
                    "apply_migration_file runs its own transaction; call it outside yours");
    const bool fk_on = count(db, "PRAGMA foreign_keys") == 1;
    const bool fk_off_needed = fk_on && drops_a_table(statements);
    bool fk_turned_off = false;
    bool locked = false;
    const auto restore = [&]() noexcept {
        if (fk_turned_off && set_foreign_keys(db, true)) fk_turned_off = false;
        return !fk_turned_off;
    };
    const auto started = std::chrono::steady_clock::now();
    try {
        if (fk_off_needed) {
            fk_turned_off = true;  // before: SQLite flips the flag while preparing the PRAGMA
            if (!set_foreign_keys(db, false))
                throw error(errc::engine, "driftless.sqlite.foreign_keys", "could not turn foreign_keys off for '" + f.file_name + "'");
        }
        take_lock(db, "BEGIN IMMEDIATE", "applying a migration file");
        locked = true;
        db.execute(history_table_sql(dialect::sqlite));
        // Decide under the lock: another process may have applied the file meanwhile.
        std::vector<migration_file> one{f};
        const auto pending = driftless::detail::pending_files(one, history_rows(db), options);
        if (pending.empty()) {
            roll_back(db, false);
            locked = false;
            if (!restore()) throw foreign_keys_left_off("'" + f.file_name + "' was already applied");
            result.skipped.push_back(f.file_name);
            return false;
        }
        if (options.dry_run) {  // lists what would run; runs nothing
            result.statements.insert(result.statements.end(), statements.begin(), statements.end());
            roll_back(db, false);
            locked = false;
            if (!restore()) throw foreign_keys_left_off("the dry run changed nothing");
            result.applied.push_back(f.file_name);
            return false;
        }
        // Run, then count what is gone, inside the transaction: a refusal rolls back.
        const data_counts counted = measure(db, introspect(db), statements);
        for (const auto& piece : pieces) {
            try {
                db.execute(piece.text);
            } catch (const error& e) {
                driftless::detail::rethrow_in_file(e, f, piece);
            }
        }
        driftless::detail::refuse_file_losses(f, losses(db, counted, statements), options);
        result.statements.insert(result.statements.end(), statements.begin(), statements.end());
        if (fk_on) {
            auto check = db.prepare("PRAGMA foreign_key_check");
            if (check.step())
                throw error(errc::engine, "driftless.sqlite.foreign_key_check",
                            "after '" + f.file_name + "', table " + check.text(0) + " has a row (rowid " + check.text(1) +
                                ") whose foreign key to " + check.text(2) + " has no match; nothing was changed");
        }
        db.execute("DELETE FROM _driftless_migrations WHERE version = " + std::to_string(f.version) +
                   " AND rolled_back_at IS NOT NULL");
        const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        auto insert = db.prepare(
            "INSERT INTO _driftless_migrations (version, description, kind, source, checksum, checksum_algorithm, "
            "up_sql, down_sql, applied_at, execution_ms, rolled_back_at, state, statements_done) "
            "VALUES (?1, ?2, 'file', ?3, ?4, 'sha256', ?5, ?6, ?7, ?8, NULL, 'applied', ?9)");
        insert.bind(1, std::to_string(f.version))
            .bind(2, driftless::detail::file_description(f))
            .bind(3, f.file_name)
            .bind(4, f.checksum)
            .bind(5, f.up)
            .bind(6, f.down)
            .bind(7, utc_now())
            .bind(8, std::to_string(elapsed.count()))
            .bind(9, std::to_string(statements.size()));
        insert.step();
        db.execute("COMMIT");
        locked = false;
        result.applied.push_back(f.file_name);
        if (!restore()) throw foreign_keys_left_off("'" + f.file_name + "' was applied");
        return true;
    } catch (...) {
        if (locked) roll_back(db, false);
        restore();
        throw;
    }
}

inline apply_result apply_files(const connection& db, const std::vector<migration_file>& files, const apply_options& options) {
    apply_result result;
    // A first look without the lock, so that a refusal (changed file, out of order) comes before
    // anything runs; every file is checked again under the lock when it is applied.
    const auto pending = driftless::detail::pending_files(files, history_rows(db), options, &result);
    for (const migration_file* f : pending) apply_file(db, *f, options, result);
    return result;
}

}  // namespace detail

/// The migrations recorded in the database, with the files of `dir`: changed, missing and pending.
inline verify_report verify_files(const connection& db, const std::filesystem::path& dir) {
    return driftless::verify_files(read_migration_dir(dir), migration_status(db));
}

}  // namespace driftless::sqlite

namespace driftless {

/// Run one migration file (see files.hpp for its format): its up section, in one transaction
/// under the migration lock, recorded as kind "file" with the version from its name and the
/// SHA-256 of its normalised text. Re-applying an unchanged applied file does nothing; an applied
/// file whose text changed is refused (errc::checksum_mismatch), naming both checksums. A file
/// that drops tables or columns holding data is refused unless allowed. Transaction control
/// statements in the file are refused.
inline apply_result apply_migration_file(const sqlite::connection& db, const std::filesystem::path& path,
                                         const apply_options& options = {}) {
    apply_result result;
    sqlite::detail::apply_file(db, read_migration_file(path), options, result);
    return result;
}

/// Every pending file of `dir`, in version order, each in its own transaction. A pending file
/// older than the newest applied migration is refused unless options.out_of_order; two files with
/// one version, or an applied file that changed, are refused before anything runs.
inline apply_result apply_migrations(const sqlite::connection& db, const std::filesystem::path& dir,
                                     const apply_options& options = {}) {
    return sqlite::detail::apply_files(db, read_migration_dir(dir), options);
}

/// The same for migrations embedded at build time (driftless_embed_migrations in CMake).
inline apply_result apply_migrations(const sqlite::connection& db, std::span<const embedded_migration> migrations,
                                     const apply_options& options = {}) {
    return sqlite::detail::apply_files(db, read_embedded_migrations(migrations), options);
}

/// Mark the database as being at `version` without running anything: files up to `version` count
/// as applied. Refused when the database already records `version` or a later one.
inline void baseline(const sqlite::connection& db, std::int64_t version, const std::string& description = "baseline") {
    if (version <= 0) throw error(errc::usage, "driftless.baseline.version", "a baseline version must be positive");
    sqlite::detail::take_lock(db, "BEGIN IMMEDIATE", "baseline");
    try {
        db.execute(history_table_sql(dialect::sqlite));
        const auto highest = sqlite::detail::count(db, "SELECT coalesce(max(version), 0) FROM _driftless_migrations WHERE rolled_back_at IS NULL");
        if (highest >= version)
            throw error(errc::usage, "driftless.baseline.behind",
                        "the database already records version " + std::to_string(highest) + "; a baseline must be above it");
        db.execute("DELETE FROM _driftless_migrations WHERE version = " + std::to_string(version));
        auto insert = db.prepare(
            "INSERT INTO _driftless_migrations (version, description, kind, source, checksum, checksum_algorithm, "
            "up_sql, down_sql, applied_at, execution_ms, rolled_back_at, state, statements_done) "
            "VALUES (?1, ?2, 'baseline', 'baseline', ?3, 'sha256', '', '', ?4, 0, NULL, 'applied', 0)");
        insert.bind(1, std::to_string(version)).bind(2, description).bind(3, migration_checksum("")).bind(4, sqlite::detail::utc_now());
        insert.step();
        db.execute("COMMIT");
    } catch (...) {
        sqlite::detail::roll_back(db, false);
        throw;
    }
}

namespace sqlite {

/// generate() for a run-time schema; `source` names the models. See generate<Ts...>().
inline generate_result generate_schema(const connection& db, const schema& desired, const std::string& source,
                                       const std::filesystem::path& dir, const generate_options& options) {
    const std::vector<migration_file> files = read_migration_dir(dir);
    const std::vector<migration_record> history = migration_status(db);
    driftless::detail::refuse_pending(files, history, dir);

    migrate_options plan_options;
    plan_options.dry_run = true;
    plan_options.verify = true;
    migrate_result planned = migrate_schema(db, desired, plan_options, source);
    generate_result result;
    result.plan = std::move(planned.plan);
    if (result.plan.empty()) return result;
    result.statements = std::move(planned.statements);

    // Lossy steps: refused unless allowed, counted on the data as it is now; allowed ones are
    // recorded in the file, so that applying it later needs no second permission.
    migrate_options policy;
    policy.allow_data_loss = options.allow_data_loss;
    detail::enforce_policy(db, result.plan, policy);

    // The down section: drop what is created, and plan the way back from the models' shape.
    for (auto it = result.plan.tables.rbegin(); it != result.plan.tables.rend(); ++it) {
        if (it->created) result.down_statements.push_back("DROP TABLE " + quote_identifier(it->name, dialect::sqlite));
    }
    const bool alters = std::any_of(result.plan.tables.begin(), result.plan.tables.end(),
                                    [](const table_change& tc) { return !tc.created; });
    if (alters) {
        const migration_plan back = diff(detail::reverse_target(result.plan), desired, dialect::sqlite);
        for (const auto& s : detail::flatten(render_plan(back, read_dependents(db)))) result.down_statements.push_back(s);
    }

    driftless::detail::write_generated(dir, files, history, source, options, result);
    if (options.apply) {
        apply_options apply;
        apply.allow_data_loss = options.allow_data_loss;
        apply_migration_file(db, result.path, apply);
        result.applied = true;
    }
    return result;
}

}  // namespace sqlite

/// Write the plan that would bring the database to the models as the next numbered file of `dir`
/// ("0001_user.sql": one more than the highest version among the files and the database's
/// history), with an up and a down section; nothing is written when they already match. Refused
/// while `dir` holds files not applied to this database (generate compares with the database),
/// and when a step would discard data unless options.allow_data_loss.
template <table_type... Ts>
generate_result generate(const sqlite::connection& db, const std::filesystem::path& dir, const generate_options& options = {}) {
    static_assert((detail::require_valid<Ts>() && ...));
    static const schema desired = to_schema<Ts...>();
    static const std::string source = detail::table_names<Ts...>();
    generate_options o = options;
    if (o.name.empty()) o.name = detail::type_names<Ts...>();
    return sqlite::generate_schema(db, desired, source, dir, o);
}

/// Files against the database (changed, missing, pending), and the models against the live schema.
template <table_type... Ts>
verify_report verify(const sqlite::connection& db, const std::filesystem::path& dir) {
    verify_report report = sqlite::verify_files(db, dir);
    if constexpr (sizeof...(Ts) != 0) {
        migrate_options o;
        o.dry_run = true;
        o.verify = true;
        report.schema = detail::drift_lines(plan<Ts...>(db, o).plan);
    }
    return report;
}

}  // namespace driftless

#endif  // DRIFTLESS_SQLITE_FILES_HPP
