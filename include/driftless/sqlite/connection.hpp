// driftless — SQLite connection: open (owning) or borrow an application's sqlite3*.
#ifndef DRIFTLESS_SQLITE_CONNECTION_HPP
#define DRIFTLESS_SQLITE_CONNECTION_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <sqlite3.h>

#include <driftless/error.hpp>

namespace driftless::sqlite {

/// Options of sqlite::open.
struct open_options {
    bool create = true;          ///< create the file when it does not exist
    bool read_only = false;
    int busy_timeout_ms = 5000;  ///< how long to wait for another connection's lock
};

/// A prepared statement, finalised on destruction. Move-only.
class statement {
public:
    statement(sqlite3* db, std::string_view sql) : db_(db), sql_(sql) {
        const int rc = sqlite3_prepare_v2(db_, sql_.c_str(), static_cast<int>(sql_.size()), &stmt_, nullptr);
        if (rc != SQLITE_OK) fail("driftless.sqlite.prepare");
    }
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;
    statement(statement&& other) noexcept
        : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), sql_(std::move(other.sql_)) {}
    statement& operator=(statement&&) = delete;
    ~statement() { sqlite3_finalize(stmt_); }

    /// Bind text to parameter `index` (1-based); resets the statement first.
    statement& bind(int index, std::string_view text) {
        sqlite3_reset(stmt_);
        if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) != SQLITE_OK)
            fail("driftless.sqlite.bind");
        return *this;
    }
    /// bind() without a copy: `text` must stay alive and unchanged until the statement is reset.
    statement& bind_static(int index, std::string_view text) {
        sqlite3_reset(stmt_);
        if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC) != SQLITE_OK)
            fail("driftless.sqlite.bind");
        return *this;
    }
    /// Advance; true while there is a row.
    bool step() {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) {
            sqlite3_reset(stmt_);
            return false;
        }
        sqlite3_reset(stmt_);
        fail("driftless.sqlite.step");
    }
    [[nodiscard]] bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
    [[nodiscard]] std::string text(int column) const {
        const auto* p = sqlite3_column_text(stmt_, column);
        return p != nullptr ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
                            : std::string();
    }
    [[nodiscard]] std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }

private:
    [[noreturn]] void fail(std::string_view id) const {
        const int extended = sqlite3_extended_errcode(db_);
        throw error(errc::engine, id, std::string(sqlite3_errmsg(db_)) + " (SQLite " + std::to_string(extended) + ")", sql_,
                    extended);
    }

    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
    std::string sql_;
};

/// A SQLite connection, owning its handle (open) or not (borrow). Move-only.
class connection {
public:
    connection() = default;
    connection(sqlite3* db, bool owned) noexcept : db_(db), owned_(owned) {}
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    connection(connection&& other) noexcept : db_(std::exchange(other.db_, nullptr)), owned_(other.owned_) {}
    connection& operator=(connection&& other) noexcept {
        if (this != &other) {
            close();
            db_ = std::exchange(other.db_, nullptr);
            owned_ = other.owned_;
        }
        return *this;
    }
    ~connection() { close(); }

    /// The raw handle, for everything driftless does not wrap.
    [[nodiscard]] sqlite3* handle() const noexcept { return db_; }

    /// Prepare one statement.
    [[nodiscard]] statement prepare(std::string_view sql) const { return statement(db_, sql); }

    /// Run exactly one statement, stepping through any rows it returns; the rows it changed.
    /// Anything after it but blanks and comments is refused before it runs
    /// (driftless.sqlite.statements), and so is a NUL byte (driftless.sql.nul): SQLite would cut
    /// the text there. Throws driftless::error carrying SQLite's extended result code and the statement.
    std::int64_t execute_one(std::string_view sql) const {
        refuse_nul(sql);
        sqlite3_stmt* st = nullptr;
        const char* tail = nullptr;
        if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st, &tail) != SQLITE_OK)
            fail("driftless.sqlite.execute", sql);
        const char* end = sql.data() + sql.size();
        if (tail != nullptr && tail < end) {
            sqlite3_stmt* next = nullptr;
            const int rc = sqlite3_prepare_v2(db_, tail, static_cast<int>(end - tail), &next, nullptr);
            const bool more = rc != SQLITE_OK || next != nullptr;
            sqlite3_finalize(next);
            if (more) {
                sqlite3_finalize(st);
                throw error(errc::usage, "driftless.sqlite.statements",
                            "the text holds more than one statement ('" + std::string(tail, static_cast<std::size_t>(end - tail)) +
                                "' follows the first); driftless runs exactly one statement at a time, nothing was run",
                            std::string(sql));
            }
        }
        const sqlite3_int64 before = sqlite3_total_changes64(db_);
        step_all(st, sql);
        return sqlite3_total_changes64(db_) - before;
    }

    /// Run the statements of `sql` one after another, for an application's own scripts; stepping
    /// through any rows they return. A NUL byte is refused. Throws driftless::error carrying
    /// SQLite's extended result code and the statement.
    void execute(std::string_view sql) const {
        refuse_nul(sql);
        const char* pos = sql.data();
        const char* end = sql.data() + sql.size();
        while (pos < end) {
            if (*pos == ' ' || *pos == '\t' || *pos == '\n' || *pos == '\r' || *pos == '\f' || *pos == '\v') {
                ++pos;  // as sqlite3_exec: the next statement's text starts at its first word
                continue;
            }
            sqlite3_stmt* st = nullptr;
            const char* tail = nullptr;
            if (sqlite3_prepare_v2(db_, pos, static_cast<int>(end - pos), &st, &tail) != SQLITE_OK)
                fail("driftless.sqlite.execute", std::string_view(pos, static_cast<std::size_t>(end - pos)));
            step_all(st, std::string_view(pos, static_cast<std::size_t>((tail != nullptr ? tail : end) - pos)));
            if (tail == nullptr || tail <= pos) break;
            pos = tail;
        }
    }

    /// Run one of the library's own statements, ignoring its outcome; false when it failed.
    bool try_execute(const char* sql) const noexcept {
        sqlite3_stmt* st = nullptr;
        bool ok = sqlite3_prepare_v2(db_, sql, -1, &st, nullptr) == SQLITE_OK && st != nullptr;
        if (ok) {
            int rc = SQLITE_ROW;
            while (rc == SQLITE_ROW) rc = sqlite3_step(st);
            ok = rc == SQLITE_DONE;
        }
        sqlite3_finalize(st);
        return ok;
    }

private:
    void close() noexcept {
        if (db_ != nullptr && owned_) sqlite3_close_v2(db_);
        db_ = nullptr;
    }

    static void refuse_nul(std::string_view sql) {
        if (sql.find('\0') != std::string_view::npos)
            throw error(errc::usage, "driftless.sql.nul",
                        "the statement holds a NUL byte, which SQLite would cut it at; nothing was run",
                        std::string(sql.substr(0, sql.find('\0'))));
    }

    [[noreturn]] void fail(std::string_view id, std::string_view sql) const {
        const int extended = sqlite3_extended_errcode(db_);
        throw error(errc::engine, id, std::string(sqlite3_errmsg(db_)) + " (SQLite " + std::to_string(extended) + ")",
                    std::string(sql), extended);
    }

    /// Step `st` to its end and finalise it (nullptr: an empty statement); throws on an error.
    void step_all(sqlite3_stmt* st, std::string_view sql) const {
        if (st == nullptr) return;
        int rc = SQLITE_ROW;
        while (rc == SQLITE_ROW) rc = sqlite3_step(st);
        if (rc != SQLITE_DONE) {
            const int extended = sqlite3_extended_errcode(db_);
            std::string what = sqlite3_errmsg(db_);
            sqlite3_finalize(st);
            throw error(errc::engine, "driftless.sqlite.execute", what + " (SQLite " + std::to_string(extended) + ")",
                        std::string(sql), extended);
        }
        sqlite3_finalize(st);
    }

    sqlite3* db_ = nullptr;
    bool owned_ = false;
};

/// Open (and by default create) the database at `path`; ":memory:" for an in-memory database.
inline connection open(const std::string& path, open_options options = {}) {
    sqlite3* db = nullptr;
    int flags = options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (options.create && !options.read_only) flags |= SQLITE_OPEN_CREATE;
    flags |= SQLITE_OPEN_URI;
    const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        const int extended = db != nullptr ? sqlite3_extended_errcode(db) : rc;
        std::string what = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        sqlite3_close_v2(db);
        throw error(errc::engine, "driftless.sqlite.open", "cannot open '" + path + "': " + what, {}, extended);
    }
    sqlite3_extended_result_codes(db, 1);
    if (options.busy_timeout_ms > 0) sqlite3_busy_timeout(db, options.busy_timeout_ms);
    return connection(db, true);
}

/// Use an application's open handle without taking ownership; it must outlive the connection.
inline connection borrow(sqlite3* db) noexcept { return connection(db, false); }

}  // namespace driftless::sqlite

#endif  // DRIFTLESS_SQLITE_CONNECTION_HPP
