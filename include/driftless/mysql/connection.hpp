// driftless — MySQL / MariaDB connection on the MariaDB client library: connect (owning) or borrow
// an application's MYSQL*.
#ifndef DRIFTLESS_MYSQL_CONNECTION_HPP
#define DRIFTLESS_MYSQL_CONNECTION_HPP

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <mysql.h>

#include <driftless/error.hpp>

namespace driftless::mysql {

/// How migrations on one database exclude each other.
enum class lock_method {
    /// A plain server: GET_LOCK. A Galera cluster node (wsrep_on = ON), whose GET_LOCK is local to
    /// the node: the lease. Found once per connection.
    automatic,
    get_lock,  ///< GET_LOCK('driftless_migrate'), trusted without looking for a cluster
    lease,     ///< a row in _driftless_lease with owner and expiry, renewed while the migration runs
};

/// Options of mysql::connect (the URL's ?lock= and ?lease_duration= set them too).
struct connect_options {
    lock_method lock = lock_method::automatic;
    /// lock_method::lease: how long a lease lasts unless renewed (it is renewed every third of it
    /// while the migration runs); a holder that died is taken over once its lease expired.
    std::chrono::seconds lease_duration{30};
};

/// The parts of a mysql:// (or mariadb://) URL: mysql://user:password@host:port/database?socket=/path
struct url_parts {
    std::string user{};
    std::string password{};
    std::string host{};
    unsigned port = 0;
    std::string database{};
    std::string socket{};
    /// ?connect_timeout=: seconds to open the connection (TCP connect and handshake).
    unsigned connect_timeout = 10;
    /// ?read_timeout=: seconds to wait for the server's answer to one statement (0: no limit). Long
    /// enough for a large ALTER TABLE; a stopped server is noticed after it.
    unsigned read_timeout = 3600;
    /// ?write_timeout=: seconds to send one statement to the server (0: no limit).
    unsigned write_timeout = 60;
    /// ?lock=automatic|get_lock|lease and ?lease_duration=SECONDS, when the URL says them.
    std::optional<lock_method> lock{};
    std::optional<std::chrono::seconds> lease_duration{};
};

/// Parse a mysql:// or mariadb:// URL (with Boost.URL: user, password, host, database and the
/// query's values percent-decoded); throws driftless::error (driftless.mysql.url) when it is not one.
inline url_parts parse_url(std::string_view url) {
    const auto bad = [&](std::string_view why) {  // never echoes credentials
        const std::string shown = url.find('@') == std::string_view::npos ? "'" + std::string(url) + "'" : "the URL";
        return error(errc::usage, "driftless.mysql.url",
                     shown + " is not a MySQL URL (" + std::string(why) +
                         "); write mysql://user:password@host:port/database?socket=/path&connect_timeout=10&"
                         "read_timeout=3600&write_timeout=60&lock=automatic&lease_duration=30");
    };
    constexpr std::string_view must_encode =
        "a user name or password holding '/', '?', '#', '@' or '%' must be percent-encoded (%2F, %3F, %23, %40, %25), "
        "and so must a ':' in the user name (%3A)";
    const auto lower_prefix = [&](std::string_view prefix) {
        if (url.size() < prefix.size()) return false;
        for (std::size_t i = 0; i < prefix.size(); ++i) {
            const char c = url[i];
            if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != prefix[i]) return false;
        }
        return true;
    };
    if (!lower_prefix("mysql://") && !lower_prefix("mariadb://")) throw bad("it does not start with mysql://");
    const auto parsed = boost::urls::parse_uri(boost::urls::string_view(url.data(), url.size()));
    if (!parsed) throw bad("it is not a valid URL; " + std::string(must_encode));
    const boost::urls::url_view u = *parsed;
    // An '@' after the host: a password or user name with a raw '/', '?' or '#' that ended the
    // authority early (the host would be the user name).
    if (u.encoded_path().find('@') != boost::urls::string_view::npos ||
        u.encoded_query().find('@') != boost::urls::string_view::npos ||
        u.encoded_fragment().find('@') != boost::urls::string_view::npos)
        throw bad(must_encode);
    if (u.has_fragment()) throw bad("it has a '#'; percent-encode it as %23");
    url_parts out;
    out.user = u.user();
    out.password = u.password();
    out.host = u.host_type() == boost::urls::host_type::ipv6 ? u.host_address() : u.host();
    if (u.has_port()) {
        const boost::urls::string_view port = u.port();  // digits only (the URL grammar)
        unsigned long value = 0;
        for (const char c : port) value = std::min(value * 10 + static_cast<unsigned long>(c - '0'), 65536UL);
        if (port.empty() || value == 0 || value > 65535) throw bad("the port is not a number from 1 to 65535");
        out.port = static_cast<unsigned>(value);
    }
    out.database = u.path();
    if (!out.database.empty() && out.database.front() == '/') out.database.erase(0, 1);
    for (const boost::urls::param& p : u.params(boost::urls::encoding_opts{})) {
        const std::string& key = p.key;
        const std::string& value = p.value;
        const auto seconds = [&](unsigned& into, bool zero) {
            char* end = nullptr;
            const unsigned long long n = std::strtoull(value.c_str(), &end, 10);
            if (value.empty() || value[0] < '0' || value[0] > '9' || *end != '\0' || n > 31'536'000 || (n == 0 && !zero))
                throw bad("'" + key + "' must be a number of seconds from " + (zero ? "0" : "1") + " to 31536000");
            into = static_cast<unsigned>(n);
        };
        if (key == "socket") {
            out.socket = value;
        } else if (key == "connect_timeout") {
            seconds(out.connect_timeout, false);
        } else if (key == "read_timeout") {
            seconds(out.read_timeout, true);
        } else if (key == "write_timeout") {
            seconds(out.write_timeout, true);
        } else if (key == "lease_duration") {
            unsigned n = 0;
            seconds(n, false);
            out.lease_duration = std::chrono::seconds(n);
        } else if (key == "lock") {
            if (value == "automatic") {
                out.lock = lock_method::automatic;
            } else if (value == "get_lock") {
                out.lock = lock_method::get_lock;
            } else if (value == "lease") {
                out.lock = lock_method::lease;
            } else {
                throw bad("'lock' must be automatic, get_lock or lease");
            }
        } else if (!key.empty()) {
            throw bad("unknown parameter '" + key + "'");
        }
    }
    return out;
}

/// A result set, copied out of the client library's buffers: rows of optional texts. Move-only.
class result {
public:
    result() = default;
    explicit result(MYSQL_RES* r) : r_(r) {
        if (r_ == nullptr) return;
        columns_ = mysql_num_fields(r_);
        while (MYSQL_ROW row = mysql_fetch_row(r_)) {
            const unsigned long* lengths = mysql_fetch_lengths(r_);
            rows_.push_back(row);
            for (unsigned i = 0; i < columns_; ++i) lengths_.push_back(lengths[i]);
        }
    }
    result(const result&) = delete;
    result& operator=(const result&) = delete;
    result(result&& other) noexcept
        : r_(std::exchange(other.r_, nullptr)),
          columns_(other.columns_),
          rows_(std::move(other.rows_)),
          lengths_(std::move(other.lengths_)) {}
    result& operator=(result&& other) noexcept {
        if (this != &other) {
            if (r_ != nullptr) mysql_free_result(r_);
            r_ = std::exchange(other.r_, nullptr);
            columns_ = other.columns_;
            rows_ = std::move(other.rows_);
            lengths_ = std::move(other.lengths_);
        }
        return *this;
    }
    ~result() {
        if (r_ != nullptr) mysql_free_result(r_);
    }

    [[nodiscard]] int rows() const noexcept { return static_cast<int>(rows_.size()); }
    [[nodiscard]] bool is_null(int row, int column) const noexcept {
        return rows_[static_cast<std::size_t>(row)][column] == nullptr;
    }
    [[nodiscard]] std::string_view view(int row, int column) const noexcept {
        const char* p = rows_[static_cast<std::size_t>(row)][column];
        return p == nullptr ? std::string_view()
                            : std::string_view(p, lengths_[static_cast<std::size_t>(row) * columns_ + static_cast<std::size_t>(column)]);
    }
    [[nodiscard]] std::string text(int row, int column) const { return std::string(view(row, column)); }
    [[nodiscard]] std::int64_t integer(int row, int column) const {
        return is_null(row, column) ? 0 : std::strtoll(text(row, column).c_str(), nullptr, 10);
    }

private:
    MYSQL_RES* r_ = nullptr;
    unsigned columns_ = 0;
    std::vector<MYSQL_ROW> rows_{};
    std::vector<unsigned long> lengths_{};
};

namespace detail {

/// The timeouts a connection was opened with (all 0 for a borrowed handle: unknown).
struct timeouts {
    unsigned read = 0;
    unsigned write = 0;
};

/// Which timeout a lost connection after `elapsed` seconds most likely was, as a sentence (empty
/// when none had passed).
inline std::string timeout_fired(unsigned number, double elapsed, const timeouts& limits) {
    if (number != 2013 && number != 2006) return {};  // CR_SERVER_LOST, CR_SERVER_GONE_ERROR
    const auto passed = [&](unsigned limit) { return limit != 0 && elapsed + 0.5 >= static_cast<double>(limit); };
    const auto say = [](std::string_view name, unsigned limit) {
        return "; the " + std::string(name) + " of " + std::to_string(limit) +
               " s passed without the server answering (is it stopped or overloaded?); set ?" + std::string(name) +
               "=SECONDS in the URL to wait longer (0: no limit)";
    };
    if (passed(limits.read)) return say("read_timeout", limits.read);
    if (passed(limits.write)) return say("write_timeout", limits.write);
    return {};
}

/// The error of the last call on `db`: errno, SQLSTATE, message and the statement.
[[noreturn]] inline void fail(MYSQL* db, std::string_view id, std::string_view statement, const std::string& why = {}) {
    const unsigned number = mysql_errno(db);
    const std::string state = mysql_sqlstate(db);
    std::string message = mysql_error(db) + why;
    if (message.empty()) message = "the connection failed";
    throw error(errc::engine, id, message + " (MySQL error " + std::to_string(number) + ", SQLSTATE " + state + ")",
                std::string(statement), static_cast<int>(number), state);
}

}  // namespace detail

/// A MySQL or MariaDB connection, owning its handle (connect) or not (borrow). Move-only. Needs
/// CLIENT_MULTI_STATEMENTS for batch(); connect() sets it.
class connection {
public:
    connection() = default;
    connection(MYSQL* db, bool owned, detail::timeouts limits = {}, connect_options options = {}, std::string url = {}) noexcept
        : db_(db), owned_(owned), limits_(limits), options_(options), url_(std::move(url)) {}
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    connection(connection&& other) noexcept
        : db_(std::exchange(other.db_, nullptr)),
          owned_(other.owned_),
          limits_(other.limits_),
          options_(other.options_),
          url_(std::move(other.url_)),
          cluster_(other.cluster_),
          affected_(other.affected_) {}
    connection& operator=(connection&& other) noexcept {
        if (this != &other) {
            close();
            db_ = std::exchange(other.db_, nullptr);
            owned_ = other.owned_;
            limits_ = other.limits_;
            options_ = other.options_;
            url_ = std::move(other.url_);
            cluster_ = other.cluster_;
            affected_ = other.affected_;
        }
        return *this;
    }
    ~connection() { close(); }

    /// The raw handle, for everything driftless does not wrap.
    [[nodiscard]] MYSQL* handle() const noexcept { return db_; }
    [[nodiscard]] const connect_options& options() const noexcept { return options_; }
    /// The URL it was opened with (empty for a borrowed handle): the lease opens a session of its own.
    [[nodiscard]] const std::string& url() const noexcept { return url_; }
    /// Whether the server is a Galera cluster node (wsrep_on = ON): -1 until the engine looked.
    [[nodiscard]] int& cluster_node() const noexcept { return cluster_; }

    /// Run one statement; its rows, if it returns any. Throws driftless::error with errno,
    /// SQLSTATE and the statement.
    result execute(std::string_view sql) const {
        std::vector<result> all = batch(sql);
        return all.empty() ? result() : std::move(all.back());
    }

    /// The rows the last statement without a result set changed (with CLIENT_FOUND_ROWS, which
    /// connect() sets: matched) as execute() or batch() left it; -1 when the server did not say.
    [[nodiscard]] std::int64_t affected_rows() const noexcept { return affected_; }

    /// Run one or more statements (separated by ';') in one round trip; every result set in order
    /// (statements without rows give an empty result). On the first failure the error is thrown.
    std::vector<result> batch(std::string_view sql) const {
        const auto started = std::chrono::steady_clock::now();
        affected_ = -1;
        const auto failed = [&] {
            const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            detail::fail(db_, "driftless.mysql.execute", sql, detail::timeout_fired(mysql_errno(db_), elapsed, limits_));
        };
        if (mysql_real_query(db_, sql.data(), static_cast<unsigned long>(sql.size())) != 0) failed();
        std::vector<result> out;
        for (;;) {
            MYSQL_RES* r = mysql_store_result(db_);
            if (r == nullptr && mysql_field_count(db_) != 0) failed();
            // Read now: looking for a next result set resets it.
            if (r == nullptr) affected_ = static_cast<std::int64_t>(mysql_affected_rows(db_));
            out.emplace_back(r);
            const int next = mysql_next_result(db_);
            if (next == -1) break;
            if (next > 0) failed();
        }
        return out;
    }

private:
    void close() noexcept {
        if (db_ != nullptr && owned_) mysql_close(db_);
        db_ = nullptr;
    }

    MYSQL* db_ = nullptr;
    bool owned_ = false;
    detail::timeouts limits_{};
    connect_options options_{};
    std::string url_{};
    mutable int cluster_ = -1;
    mutable std::int64_t affected_ = -1;
};

/// While alive, the server runs one statement per query (multi-statement mode off), so text taken
/// from a migration file cannot run a statement that driftless's splitter did not see (where the
/// server reads quotes differently, say under NO_BACKSLASH_ESCAPES). batch() of several statements
/// fails meanwhile. Restored on destruction.
class single_statements {
public:
    explicit single_statements(const connection& db) : db_(db) {
        if (mysql_set_server_option(db_.handle(), MYSQL_OPTION_MULTI_STATEMENTS_OFF) != 0)
            detail::fail(db_.handle(), "driftless.mysql.execute", "(turning multi-statement mode off)");
    }
    single_statements(const single_statements&) = delete;
    single_statements& operator=(const single_statements&) = delete;
    ~single_statements() { mysql_set_server_option(db_.handle(), MYSQL_OPTION_MULTI_STATEMENTS_ON); }

private:
    const connection& db_;
};

/// Connect to `url` (see parse_url), with multi-statement support and utf8mb4. The URL's ?lock= and
/// ?lease_duration=, when present, take the place of those in `options`. Throws driftless::error
/// (errc::engine) with the client library's message when it fails.
inline connection connect(const std::string& url, connect_options options = {}) {
    const url_parts u = parse_url(url);
    if (u.lock) options.lock = *u.lock;
    if (u.lease_duration) options.lease_duration = *u.lease_duration;
    MYSQL* db = mysql_init(nullptr);
    if (db == nullptr) throw error(errc::engine, "driftless.mysql.connect", "out of memory");
    mysql_options(db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_options(db, MYSQL_OPT_CONNECT_TIMEOUT, &u.connect_timeout);
    mysql_options(db, MYSQL_OPT_READ_TIMEOUT, &u.read_timeout);
    mysql_options(db, MYSQL_OPT_WRITE_TIMEOUT, &u.write_timeout);
    const char* host = u.host.empty() ? nullptr : u.host.c_str();
    const auto started = std::chrono::steady_clock::now();
    if (mysql_real_connect(db, host, u.user.empty() ? nullptr : u.user.c_str(), u.password.empty() ? nullptr : u.password.c_str(),
                           u.database.empty() ? nullptr : u.database.c_str(), u.port, u.socket.empty() ? nullptr : u.socket.c_str(),
                           CLIENT_MULTI_STATEMENTS | CLIENT_FOUND_ROWS) == nullptr) {
        std::string message = mysql_error(db);
        const unsigned number = mysql_errno(db);
        mysql_close(db);
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if ((number == 2013 || number == 2002 || number == 2003) && elapsed + 0.5 >= u.connect_timeout)
            message += "; the connect_timeout of " + std::to_string(u.connect_timeout) +
                       " s passed without the server answering (is it stopped or overloaded?); set ?connect_timeout=SECONDS "
                       "in the URL to wait longer";
        throw error(errc::engine, "driftless.mysql.connect", "cannot connect: " + message, {}, static_cast<int>(number));
    }
    return connection(db, true, {u.read_timeout, u.write_timeout}, options, url);
}

/// Use an application's open handle without taking ownership; it must outlive the connection and
/// have been opened with CLIENT_MULTI_STATEMENTS. The lease (a Galera node, or lock_method::lease)
/// needs a session of its own, which a borrowed handle cannot open: connect with a URL there.
inline connection borrow(MYSQL* db, connect_options options = {}) noexcept { return connection(db, false, {}, options); }

}  // namespace driftless::mysql

#endif  // DRIFTLESS_MYSQL_CONNECTION_HPP
