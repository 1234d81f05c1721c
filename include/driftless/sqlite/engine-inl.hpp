// driftless — definitions of the SQLite engine (see <driftless/engine.hpp>): BEGIN IMMEDIATE as the
// cross-process lock (a SAVEPOINT inside the caller's transaction), the catalog through PRAGMAs,
// the 12-step rebuild with foreign keys off outside the transaction and foreign_key_check before
// COMMIT, type changes checked value by value (sqlite/losses.hpp), and the start-up fast path.
#ifndef DRIFTLESS_SQLITE_ENGINE_INL_HPP
#define DRIFTLESS_SQLITE_ENGINE_INL_HPP

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <driftless/checksum.hpp>
#include <driftless/detail/losses.hpp>
#include <driftless/detail/sql_tokens.hpp>
#include <driftless/detail/sql_split.hpp>
#include <driftless/diff.hpp>
#include <driftless/engine.hpp>
#include <driftless/history.hpp>
#include <driftless/migrate.hpp>
#include <driftless/render.hpp>
#include <driftless/run.hpp>
#include <driftless/sqlite/engine.hpp>
#include <driftless/schema.hpp>
#include <driftless/sqlite/connection.hpp>
#include <driftless/sqlite/introspect.hpp>
#include <driftless/sqlite/losses.hpp>
#include <driftless/sqlite/render.hpp>

namespace driftless::sqlite {


namespace detail {

inline std::int64_t count(const connection& db, const std::string& sql) {
    auto st = db.prepare(sql);
    return st.step() ? st.integer(0) : 0;
}

/// Progress of one statement while it lives: SQLite's update hook counts each row written to a
/// rowid table, and its progress handler passes the count to `tick` every 50 ms at most. The
/// hooks are the connection's own, removed when the watch ends. `tick` runs inside SQLite, so it
/// must not use the connection. An exception from it is kept, never sent through SQLite's C
/// frames, and not acted on inside the statement (interrupting a write would roll back a
/// transaction the caller may have opened); rethrow() throws it once the statement returned.
class progress_watch {
public:
    progress_watch(sqlite3* db, const std::function<void(std::int64_t)>& tick)
        : db_(db), tick_(tick), last_(std::chrono::steady_clock::now()) {
        sqlite3_update_hook(db_, &progress_watch::row, this);
        sqlite3_progress_handler(db_, 10000, &progress_watch::handler, this);
    }
    progress_watch(const progress_watch&) = delete;
    progress_watch& operator=(const progress_watch&) = delete;
    ~progress_watch() {
        sqlite3_progress_handler(db_, 0, nullptr, nullptr);
        sqlite3_update_hook(db_, nullptr, nullptr);
    }
    /// After the statement: the exception `tick` threw, if it did.
    void rethrow() {
        if (pending_) std::rethrow_exception(std::exchange(pending_, nullptr));
    }

private:
    static void row(void* self, int, const char*, const char*, sqlite3_int64) { ++static_cast<progress_watch*>(self)->rows_; }
    static int handler(void* self) {
        auto* w = static_cast<progress_watch*>(self);
        if (w->pending_) return 0;
        const auto now = std::chrono::steady_clock::now();
        if (now - w->last_ < std::chrono::milliseconds(50)) return 0;
        w->last_ = now;
        try {
            w->tick_(w->rows_);
        } catch (...) {
            w->pending_ = std::current_exception();
        }
        return 0;
    }

    sqlite3* db_;
    const std::function<void(std::int64_t)>& tick_;
    std::int64_t rows_ = 0;
    std::chrono::steady_clock::time_point last_;
    std::exception_ptr pending_{};
};

/// Why a backup of `bytes` cannot be written where `available` bytes are free ("" when it can):
/// the copy must fit with 1% of the database's size (at least 1 MiB) to spare.
inline std::string backup_room_problem(const std::string& database, std::uintmax_t bytes, std::uintmax_t available) {
    const std::uintmax_t spare = std::max<std::uintmax_t>(bytes / 100, std::uintmax_t{1} << 20);
    if (available >= bytes + spare) return {};
    const auto mib = [](std::uintmax_t n) { return driftless::detail::thousands(static_cast<std::int64_t>((n + (1 << 20) - 1) >> 20)) + " MiB"; };
    return "backing up " + database + " needs " + mib(bytes + spare) + " of free space and its directory has " + mib(available) +
           "; nothing was run. Free some space, or skip the backup (--no-backup) if you have another";
}

/// Create backup file `target` for `source`, empty and readable only as the database is (the
/// source's permission bits): never overwriting, so a name taken already gets "-2", "-3", ...
/// before ".backup". Returns the name used.
inline std::filesystem::path create_backup_file(const std::filesystem::path& source, std::filesystem::path target) {
    struct stat info {};
    const mode_t mode = ::stat(source.c_str(), &info) == 0 ? (info.st_mode & 0666) : 0600;
    const std::string stem = target.string().substr(0, target.string().size() - std::string_view(".backup").size());
    for (int n = 2;; ++n) {
        const int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (fd >= 0) {
            ::fchmod(fd, mode);  // whatever the umask: no wider than the database, no narrower either
            ::close(fd);
            return target;
        }
        if (errno != EEXIST || n > 100)
            throw error(errc::engine, "driftless.sqlite.backup",
                        "cannot create backup file '" + target.string() + "': " + std::strerror(errno) +
                            "; nothing was run. Make the directory writable, or skip the backup (--no-backup) if you have another");
        target = stem + "-" + std::to_string(n) + ".backup";
    }
}

/// Copy the committed state of SQLite database `source` into the new, empty file `target`, page
/// by page (sqlite3_backup), through a connection of its own: the migration's connection holds
/// its write transaction open meanwhile, and readers may share the file.
inline void copy_database(const std::filesystem::path& source, const std::filesystem::path& target) {
    sqlite3* from = nullptr;
    sqlite3* to = nullptr;
    std::string problem;
    if (sqlite3_open_v2(source.c_str(), &from, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        problem = "cannot open it to read: " + std::string(from != nullptr ? sqlite3_errmsg(from) : "out of memory");
    } else if (sqlite3_busy_timeout(from, 5000); sqlite3_open_v2(target.c_str(), &to, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        problem = "cannot open '" + target.string() + "': " + std::string(to != nullptr ? sqlite3_errmsg(to) : "out of memory");
    } else if (sqlite3_backup* b = sqlite3_backup_init(to, "main", from, "main"); b == nullptr) {
        problem = sqlite3_errmsg(to);
    } else {
        const int rc = sqlite3_backup_step(b, -1);
        sqlite3_backup_finish(b);
        if (rc != SQLITE_DONE) problem = sqlite3_errstr(rc);
        else if (sqlite3_errcode(to) != SQLITE_OK && sqlite3_errcode(to) != SQLITE_DONE) problem = sqlite3_errmsg(to);
    }
    sqlite3_close(to);
    sqlite3_close(from);
    if (problem.empty()) return;
    std::error_code ignored;
    std::filesystem::remove(target, ignored);
    throw error(errc::engine, "driftless.sqlite.backup",
                "backing up '" + source.string() + "' failed, so nothing was run: " + problem +
                    ". Skip the backup (--no-backup) if you have another");
}

inline bool has_column(const connection& db, std::string_view table, std::string_view column) {
    auto st = db.prepare("SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2");
    st.bind(1, table);
    st.bind(2, column);
    const bool found = st.step();
    while (found && st.step()) {
    }
    return found;
}

inline bool has_table(const connection& db, std::string_view name) {
    auto st = db.prepare("SELECT 1 FROM main.sqlite_schema WHERE type = 'table' AND name = ?1");
    st.bind(1, name);
    const bool found = st.step();
    while (found && st.step()) {
    }
    return found;
}

/// Take the write lock: BEGIN IMMEDIATE (or a SAVEPOINT inside the caller's transaction). When
/// another connection keeps it past the connection's busy timeout, a driftless::error with
/// errc::busy says so.
inline void take_lock(const connection& db, const char* sql, std::string_view what) {
    try {
        db.execute(sql);
    } catch (const error& e) {
        if ((e.native_code() & 0xff) != SQLITE_BUSY && (e.native_code() & 0xff) != SQLITE_LOCKED) throw;
        throw error(errc::busy, "driftless.sqlite.busy",
                    std::string(what) + " needs the database's write lock, and another connection kept it past this "
                    "connection's busy timeout (open_options::busy_timeout_ms); nothing was changed, try again",
                    sql, e.native_code());
    }
}

/// Turn foreign-key enforcement on or off and read it back (SQLite changes the flag while
/// preparing the PRAGMA, so a failure can leave it either way); a few tries. Never throws.
inline bool set_foreign_keys(const connection& db, bool on) noexcept {
    for (int attempt = 0; attempt < 3; ++attempt) {
        db.try_execute(on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF");
        sqlite3_stmt* st = nullptr;
        const bool read = sqlite3_prepare_v2(db.handle(), "PRAGMA foreign_keys", -1, &st, nullptr) == SQLITE_OK &&
                          sqlite3_step(st) == SQLITE_ROW;
        const bool now_on = read && sqlite3_column_int(st, 0) == 1;
        sqlite3_finalize(st);
        if (read && now_on == on) return true;
    }
    return false;
}

/// Roll back what driftless opened (the transaction, or its savepoint inside the caller's), a few
/// tries; true when it is gone. Never throws.
inline bool roll_back(const connection& db, bool savepoint) noexcept {
    for (int attempt = 0; attempt < 3; ++attempt) {
        if (savepoint) {
            if (db.try_execute("ROLLBACK TO driftless_migrate") && db.try_execute("RELEASE driftless_migrate")) return true;
        } else {
            db.try_execute("ROLLBACK");
            if (sqlite3_get_autocommit(db.handle()) != 0) return true;
        }
    }
    return false;
}

inline error foreign_keys_left_off(std::string_view what) {
    return error(errc::engine, "driftless.sqlite.foreign_keys",
                 std::string(what) + ", but foreign_keys could not be turned back on for this connection (out of "
                 "memory?); run PRAGMA foreign_keys = ON or reopen the connection");
}

/// The fast-path record: the database's schema_version and the models' fingerprint as of the last
/// time driftless verified that they match. Row changes do not move schema_version; any DDL does.
inline constexpr std::string_view state_table_sql =
    "CREATE TABLE IF NOT EXISTS _driftless_state (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), "
    "schema_version INTEGER NOT NULL, fingerprint TEXT NOT NULL)";

/// True when the record says the database was verified against these very models and no DDL has
/// run since. One statement; false when there is no record.
inline bool fast_path_holds(const connection& db, std::string_view fingerprint) {
    sqlite3_stmt* st = nullptr;
    constexpr std::string_view sql =
        "SELECT s.schema_version = f.schema_version AND f.fingerprint = ?1 FROM pragma_schema_version AS s, "
        "_driftless_state AS f WHERE f.id = 1";
    if (sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &st, nullptr) != SQLITE_OK) {
        sqlite3_finalize(st);
        return false;  // no record yet
    }
    sqlite3_bind_text(st, 1, fingerprint.data(), static_cast<int>(fingerprint.size()), SQLITE_STATIC);
    const bool holds = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
    sqlite3_finalize(st);
    return holds;
}

/// Store the record, inside the caller's transaction, after its DDL.
inline void record_fast_path(const connection& db, std::string_view fingerprint) {
    auto st = db.prepare(
        "INSERT INTO _driftless_state (id, schema_version, fingerprint) SELECT 1, schema_version, ?1 FROM "
        "pragma_schema_version WHERE true ON CONFLICT (id) DO UPDATE SET schema_version = excluded.schema_version, "
        "fingerprint = excluded.fingerprint");
    st.bind(1, fingerprint);
    st.step();
}

inline std::vector<std::string> flatten(const std::vector<table_statements>& rendered) {
    std::vector<std::string> out;
    for (const auto& t : rendered) out.insert(out.end(), t.statements.begin(), t.statements.end());
    return out;
}

inline bool drops_a_table(statement_list statements) {
    return std::any_of(statements.begin(), statements.end(), [](std::string_view s) {
        const std::vector<token> t = tokenize(s);
        return t.size() >= 2 && is_keyword(t[0], "DROP") && is_keyword(t[1], "TABLE");
    });
}

/// The statements of a SQLite script (see driftless::detail::split_sql, which agrees with
/// sqlite3_complete on where statements end).
inline std::vector<std::string> split_statements(std::string_view script) {
    return runner::texts(driftless::detail::split_sql(script, dialect::sqlite));
}


/// SQLite's own parser reads each model fragment of the tables `p` touches as exactly one
/// expression (driftless::detail::fragment_proofs): prepared, never stepped, nothing left after it.
inline void prove_fragments(const connection& db, const schema& desired, const migration_plan& p) {
    for (const table_change& tc : p.tables) {
        const table_info* t = desired.find_table(tc.name);
        if (t == nullptr) continue;
        for (const auto& proof : driftless::detail::fragment_proofs(*t, dialect::sqlite)) {
            sqlite3_stmt* st = nullptr;
            const char* tail = nullptr;
            const int rc = sqlite3_prepare_v2(db.handle(), proof.sql.c_str(), static_cast<int>(proof.sql.size()), &st, &tail);
            sqlite3_finalize(st);
            if (rc != SQLITE_OK) driftless::detail::unproven_fragment(proof, "SQLite", sqlite3_errmsg(db.handle()));
            const char* end = proof.sql.c_str() + proof.sql.size();
            if (tail != nullptr && tail < end) {
                sqlite3_stmt* next = nullptr;
                const int more = sqlite3_prepare_v2(db.handle(), tail, static_cast<int>(end - tail), &next, nullptr);
                const bool second = more != SQLITE_OK || next != nullptr;
                sqlite3_finalize(next);
                if (second) driftless::detail::unproven_fragment(proof, "SQLite", "SQLite reads more after it");
            }
        }
    }
}

}  // namespace detail

/// What the fast path compares: SHA-256 of the models' SQLite DDL (and of the format's version).
DRIFTLESS_RUNTIME_INLINE std::string fingerprint(const schema& desired) {
    std::string all = "driftless-fast-path-1\n";
    for (const auto& t : desired.tables) all += create_table_sql(t, dialect::sqlite);
    return sha256_hex(all);
}

/// SQLite for the runner (see <driftless/engine.hpp>).
class sqlite_engine final : public driftless::engine {
public:
    explicit sqlite_engine(const connection& db) : engine("sqlite", dialect::sqlite, true), db_(db) {}

    [[nodiscard]] std::string history_name() const override { return std::string(history_table); }

    std::int64_t execute_one(std::string_view sql) override {
        if (!tick_) return db_.execute_one(sql);
        detail::progress_watch watch(db_.handle(), tick_);  // armed for this statement only
        const std::int64_t changed = db_.execute_one(sql);
        watch.rethrow();
        return changed;
    }
    std::string backup(std::int64_t version) override {
        const char* file = sqlite3_db_filename(db_.handle(), "main");
        if (file == nullptr || *file == '\0') return {};  // in memory, or a temporary database: no file to copy
        const std::filesystem::path source(file);
        std::string stamp = driftless::detail::utc_now();  // 2026-12-07T04:15:00Z -> 20261207T041500Z
        std::erase_if(stamp, [](char c) { return c == '-' || c == ':'; });
        char number[32];
        std::snprintf(number, sizeof number, "%04lld", static_cast<long long>(version));
        const std::filesystem::path target = source.parent_path() / (source.filename().string() + "." + number + "-" + stamp + ".backup");
        const auto bytes = static_cast<std::uintmax_t>(detail::count(db_, "PRAGMA main.page_count") *
                                                       detail::count(db_, "PRAGMA main.page_size"));
        std::error_code ec;
        const std::filesystem::space_info room = std::filesystem::space(source.parent_path(), ec);
        if (!ec) {
            if (const std::string why = detail::backup_room_problem(source.filename().string(), bytes, room.available); !why.empty())
                throw error(errc::usage, "driftless.sqlite.backup_space", why);
        }
        const std::filesystem::path made = detail::create_backup_file(source, target);
        detail::copy_database(source, made);
        return made.string();
    }
    void record_backup(std::int64_t version, const std::string& path) override {
        if (!detail::has_column(db_, history_table, "backup")) db_.execute("ALTER TABLE _driftless_migrations ADD COLUMN backup TEXT");
        auto st = db_.prepare("UPDATE _driftless_migrations SET backup = ?1 WHERE version = " + std::to_string(version));
        st.bind(1, path);
        st.step();
    }
    std::int64_t expected_rows(std::string_view sql) override {
        const std::optional<std::string> table = driftless::detail::table_read(sql);
        if (!table) return -1;
        try {
            return detail::count(db_, "SELECT count(*) FROM main." + quote_identifier(*table, dialect::sqlite));
        } catch (const driftless::error&) {
            return -1;  // not a table of main (a view, a temporary table): no total
        }
    }
    void watch(std::function<void(std::int64_t)> tick) override {
        tick_ = std::move(tick);
    }
    void execute_with(std::string_view sql, const std::vector<std::optional<std::string_view>>& params) override {
        auto st = db_.prepare(sql);
        for (std::size_t i = 0; i < params.size(); ++i) {
            if (params[i]) st.bind_static(static_cast<int>(i + 1), *params[i]);  // the values outlive the step
        }
        st.step();
    }
    [[nodiscard]] std::string history_row_refusal(std::string_view up, std::string_view down) const override {
        const auto limit = static_cast<std::size_t>(sqlite3_limit(db_.handle(), SQLITE_LIMIT_LENGTH, -1));
        const std::size_t need = up.size() + down.size() + 4096;
        if (need <= limit) return {};
        return std::to_string(need) + " bytes and SQLite stores at most " + std::to_string(limit) +
               " in one row (SQLITE_LIMIT_LENGTH, a compile-time setting of SQLite)";
    }
    std::vector<std::int64_t> count_row(const std::string& sql, std::size_t n) override {
        auto st = db_.prepare(sql);
        std::vector<std::int64_t> out(n, 0);
        if (st.step()) {
            for (std::size_t i = 0; i < n; ++i) out[i] = st.integer(static_cast<int>(i));
        }
        while (st.step()) {
        }
        return out;
    }

    std::unique_ptr<engine_lock> lock(const lock_options&, std::string_view what, operation op) override {
        const bool caller_transaction = sqlite3_get_autocommit(db_.handle()) == 0;
        caller_transaction_ = caller_transaction;
        if (caller_transaction && op == operation::apply_file)
            throw error(errc::usage, "driftless.files.in_transaction",
                        "apply_migration_file runs its own transaction; call it outside yours");
        const bool savepoint = caller_transaction && (op == operation::migrate || op == operation::generate || op == operation::plan);
        detail::take_lock(db_, savepoint ? "SAVEPOINT driftless_migrate" : "BEGIN IMMEDIATE",
                          op == operation::apply_file ? std::string_view("applying a migration file") : what);
        const connection& db = db_;  // BEGIN IMMEDIATE (or the savepoint), rolled back unless committed
        auto held = std::make_unique<transaction_lock>(
            [&db, savepoint] { db.execute(savepoint ? "RELEASE driftless_migrate" : "COMMIT"); },
            [&db, savepoint] {
                if (!detail::roll_back(db, savepoint))
                    throw error(errc::engine, "driftless.sqlite.rollback", "could not end driftless's transaction");
            },
            [&db, savepoint](bool open) {
                if (open) detail::roll_back(db, savepoint);
            });
        if (op == operation::migrate) {
            held->history_existed = detail::has_table(db_, "_driftless_state");
            db_.execute(history_table_sql(dialect::sqlite));
            db_.execute(detail::state_table_sql);
        } else if (op == operation::apply_file || op == operation::baseline) {
            db_.execute(history_table_sql(dialect::sqlite));
        }
        return held;
    }

    schema read_catalog() override { return introspect(db_); }
    std::vector<migration_record> read_history(bool with_sql = true) override {
        if (!detail::has_table(db_, history_table)) return {};
        // The backup column is added the first time a backup is recorded.
        const bool backups = detail::has_column(db_, history_table, "backup");
        auto st = db_.prepare("SELECT " + driftless::detail::history_select(with_sql) + (backups ? ", backup" : "") +
                              " FROM _driftless_migrations ORDER BY version");
        std::vector<migration_record> out;
        while (st.step()) {
            out.push_back(driftless::detail::read_history_row([&](int i) { return st.text(i); }, [&](int i) { return st.integer(i); },
                                                              [&](int i) { return st.is_null(i); }));
            if (backups && !st.is_null(13)) out.back().backup = st.text(13);
        }
        return out;
    }

    [[nodiscard]] model_set prepare_models(const schema& models, std::string source) const override {
        return {models, std::move(source), {}, {}};
    }
    [[nodiscard]] std::string fingerprint(const schema& desired) const override { return sqlite::fingerprint(desired); }
    planned_migration plan_migration(const model_set& m, const migrate_options& options) override {
        planned_migration out;
        out.plan = diff(m.desired, introspect(db_), dialect::sqlite, {.exact_types = options.exact_types, .prune_unmanaged = options.prune_unmanaged});
        if (out.plan.empty()) return out;
        detail::prove_fragments(db_, m.desired, out.plan);
        // Dependents matter only for tables that already exist.
        const bool alters = std::any_of(out.plan.tables.begin(), out.plan.tables.end(),
                                        [](const table_change& tc) { return !tc.created; });
        const auto rendered = render_plan(out.plan, alters ? read_dependents(db_) : std::vector<dependent_object>{},
                                          {.sqlite_version = sqlite3_libversion_number()});
        out.statements = detail::flatten(rendered);
        out.rebuild = std::any_of(rendered.begin(), rendered.end(), [](const table_statements& t) { return t.rebuild; });
        return out;
    }
    std::optional<altered_values> probe_type_change(const table_change& tc, const step& s, const std::string& column) override {
        return detail::type_change_values(db_, tc, s, column);
    }
    std::vector<std::string> down_statements(const migration_plan& p, const schema& desired, bool live) override {
        const schema after = live ? introspect(db_) : driftless::detail::planned_after(p, desired);
        const migration_plan back = diff(driftless::detail::reverse_target(p), after, dialect::sqlite, {.desired_from_catalog = true});
        return detail::flatten(render_plan(back, read_dependents(db_)));
    }

    bool fast_path_holds(std::string_view fingerprint) override { return detail::fast_path_holds(db_, fingerprint); }
    bool note_verified(const model_set& m, bool changed, const engine_lock& held) override {
        if (m.fingerprint.empty()) return false;
        if (!changed && (!held.history_existed || detail::fast_path_holds(db_, m.fingerprint))) return false;
        detail::record_fast_path(db_, m.fingerprint);  // rows only: no DDL
        return true;
    }
    bool needs_preparation(operation op, statement_list statements, bool rebuild) override {
        // Under the lock the transaction is driftless's own; whether the caller had one was seen before it.
        const bool caller_transaction = caller_transaction_.value_or(sqlite3_get_autocommit(db_.handle()) == 0);
        if (op == operation::rollback && caller_transaction)
            throw error(errc::usage, "driftless.rollback.in_transaction", "rollback runs its own transaction; call it outside yours");
        const bool needed = op == operation::rollback || (op == operation::migrate && rebuild) ||
                            (op == operation::apply_file && detail::drops_a_table(statements));
        if (!needed || fk_turned_off_ || detail::count(db_, "PRAGMA foreign_keys") != 1) return false;
        if (caller_transaction)
            throw error(errc::usage, "driftless.migrate.in_transaction",
                        "the plan rebuilds a table, which needs foreign_keys off, and SQLite cannot turn foreign keys off "
                        "inside the transaction the caller opened; migrate outside it");
        return true;
    }
    void prepare() override {
        // Inside a transaction PRAGMA foreign_keys silently does nothing: the runner has ended its
        // transaction before this, and the flag must really be off before the statements run.
        fk_turned_off_ = true;  // before: SQLite flips the flag while preparing the PRAGMA
        if (!detail::set_foreign_keys(db_, false))
            throw error(errc::engine, "driftless.sqlite.foreign_keys", "could not turn foreign_keys off; nothing was changed");
    }
    void restore(std::string_view what_happened) override {
        if (fk_turned_off_ && detail::set_foreign_keys(db_, true)) fk_turned_off_ = false;
        if (fk_turned_off_) throw detail::foreign_keys_left_off(what_happened);
    }
    void restore_quietly() noexcept override {
        if (fk_turned_off_ && detail::set_foreign_keys(db_, true)) fk_turned_off_ = false;
    }
    void check_after(operation op, std::string_view after, bool rebuild) override {
        if (op == operation::migrate && !rebuild) return;
        if (op == operation::apply_file && !fk_turned_off_ && detail::count(db_, "PRAGMA foreign_keys") != 1) return;
        auto check = db_.prepare("PRAGMA foreign_key_check");
        if (check.step())
            throw error(errc::engine, "driftless.sqlite.foreign_key_check",
                        "after " + std::string(after) + ", table " + check.text(0) + " has a row (rowid " + check.text(1) +
                            ") whose foreign key to " + check.text(2) + " has no match; nothing was changed");
    }

private:
    const connection& db_;
    std::function<void(std::int64_t)> tick_{};  ///< progress of execute_one's statements (engine::watch)
    bool fk_turned_off_ = false;
    std::optional<bool> caller_transaction_;  ///< seen when the lock was taken
};

/// The engine of a SQLite connection (found by driftless's public templates through ADL).
DRIFTLESS_RUNTIME_INLINE std::unique_ptr<driftless::engine> make_engine(const connection& db) { return std::make_unique<sqlite_engine>(db); }

}  // namespace driftless::sqlite

#endif  // DRIFTLESS_SQLITE_ENGINE_INL_HPP
