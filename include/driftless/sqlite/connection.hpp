// driftless — SQLite connection: open (owning) or borrow an application's sqlite3*.
#ifndef DRIFTLESS_SQLITE_CONNECTION_HPP
#define DRIFTLESS_SQLITE_CONNECTION_HPP

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

    /// Run one or more statements that return no rows. Throws driftless::error carrying SQLite's
    /// extended result code and the statement.
    void execute(std::string_view sql) const {
        std::string text(sql);
        char* message = nullptr;
        const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
        if (rc != SQLITE_OK) {
            std::string what = message != nullptr ? message : sqlite3_errstr(rc);
            sqlite3_free(message);
            const int extended = sqlite3_extended_errcode(db_);
            throw error(errc::engine, "driftless.sqlite.execute", what + " (SQLite " + std::to_string(extended) + ")",
                        std::move(text), extended);
        }
    }

private:
    void close() noexcept {
        if (db_ != nullptr && owned_) sqlite3_close_v2(db_);
        db_ = nullptr;
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
