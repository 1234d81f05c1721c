// driftless — PostgreSQL connection on libpq: connect (owning) or borrow an application's PGconn*.
#ifndef DRIFTLESS_POSTGRESQL_CONNECTION_HPP
#define DRIFTLESS_POSTGRESQL_CONNECTION_HPP

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <libpq-fe.h>

#include <driftless/error.hpp>

namespace driftless::postgresql {

/// How migrations on one database exclude each other.
enum class lock_method {
    /// PostgreSQL: pg_advisory_xact_lock. Other PG-wire engines (CockroachDB, YugabyteDB): the
    /// advisory lock when a second session proves that it excludes (probe once per connection),
    /// otherwise the lease.
    automatic,
    advisory,  ///< pg_advisory_xact_lock, trusted without a probe
    lease,     ///< a row in _driftless_lease with owner and expiry, renewed while the migration runs
};

/// The engine behind a PostgreSQL connection, from version().
enum class engine { postgresql, cockroachdb, yugabytedb, other };

/// The engine a version() string names.
inline engine engine_of(std::string_view version) {
    if (version.find("CockroachDB") != std::string_view::npos) return engine::cockroachdb;
    if (version.find("-YB-") != std::string_view::npos || version.find("Yugabyte") != std::string_view::npos)
        return engine::yugabytedb;
    if (version.rfind("PostgreSQL ", 0) == 0) return engine::postgresql;
    return engine::other;
}

/// Options of postgresql::connect.
struct connect_options {
    /// The schema driftless manages; empty: the first schema of the search_path (current_schema()).
    std::string schema{};
    lock_method lock = lock_method::automatic;
    /// lock_method::lease: how long a lease lasts unless renewed (it is renewed every third of it
    /// while the migration runs); a holder that died is taken over once its lease expired.
    std::chrono::seconds lease_duration{30};
    /// Prepare the catalog queries once per session (planned once, not on every migrate). Turn it
    /// off behind a pooler that does not keep a session's prepared statements (PgBouncer in
    /// transaction mode before 1.21).
    bool prepare_statements = true;
};

/// One statement of connection::pipeline: prepared once per session under `name` (when it has one
/// and the connection prepares statements), with text parameters $1, $2, ...
struct pipelined {
    std::string name{};
    std::string sql{};
    std::vector<std::string> params{};
};

/// One result of a statement, cleared on destruction. Move-only.
class result {
public:
    result() = default;
    explicit result(PGresult* r) noexcept : r_(r) {}
    result(const result&) = delete;
    result& operator=(const result&) = delete;
    result(result&& other) noexcept : r_(std::exchange(other.r_, nullptr)) {}
    result& operator=(result&& other) noexcept {
        if (this != &other) {
            PQclear(r_);
            r_ = std::exchange(other.r_, nullptr);
        }
        return *this;
    }
    ~result() { PQclear(r_); }

    [[nodiscard]] int rows() const noexcept { return r_ != nullptr ? PQntuples(r_) : 0; }
    [[nodiscard]] bool is_null(int row, int column) const noexcept { return PQgetisnull(r_, row, column) != 0; }
    [[nodiscard]] std::string text(int row, int column) const {
        return std::string(PQgetvalue(r_, row, column), static_cast<std::size_t>(PQgetlength(r_, row, column)));
    }
    [[nodiscard]] std::string_view view(int row, int column) const noexcept {
        return {PQgetvalue(r_, row, column), static_cast<std::size_t>(PQgetlength(r_, row, column))};
    }
    [[nodiscard]] std::int64_t integer(int row, int column) const noexcept {
        return std::strtoll(PQgetvalue(r_, row, column), nullptr, 10);
    }
    /// A boolean column ('t' / 'f').
    [[nodiscard]] bool boolean(int row, int column) const noexcept { return PQgetvalue(r_, row, column)[0] == 't'; }
    [[nodiscard]] PGresult* handle() const noexcept { return r_; }

private:
    PGresult* r_ = nullptr;
};

namespace detail {

inline bool ok(PGresult* r) {
    const ExecStatusType s = PQresultStatus(r);
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY;
}

/// The error of a failed result (or of the connection when there is none): the server's message,
/// its SQLSTATE, and the statement.
[[noreturn]] inline void fail(PGconn* conn, PGresult* r, std::string_view statement) {
    const auto field = [r](int code) {
        const char* v = r != nullptr ? PQresultErrorField(r, code) : nullptr;
        return std::string(v != nullptr ? v : "");
    };
    std::string message = field(PG_DIAG_MESSAGE_PRIMARY);
    if (message.empty()) {
        message = r != nullptr ? PQresultErrorMessage(r) : "";
        if (message.empty()) message = PQerrorMessage(conn);
        while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
        if (message.empty()) message = "the connection failed";
    }
    if (const std::string detail = field(PG_DIAG_MESSAGE_DETAIL); !detail.empty()) message += "; " + detail;
    if (const std::string hint = field(PG_DIAG_MESSAGE_HINT); !hint.empty()) message += "; hint: " + hint;
    std::string sqlstate = field(PG_DIAG_SQLSTATE);
    if (!sqlstate.empty()) message += " (SQLSTATE " + sqlstate + ")";
    PQclear(r);
    throw error(errc::engine, "driftless.postgresql.execute", message, std::string(statement), 0, std::move(sqlstate));
}

}  // namespace detail

/// A PostgreSQL connection, owning its handle (connect) or not (borrow). Move-only.
class connection {
public:
    connection() = default;
    connection(PGconn* conn, bool owned, connect_options options = {}) noexcept
        : conn_(conn), owned_(owned), options_(std::move(options)) {}
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    connection(connection&& other) noexcept
        : conn_(std::exchange(other.conn_, nullptr)),
          owned_(other.owned_),
          options_(std::move(other.options_)),
          version_(std::move(other.version_)),
          advisory_probe_(other.advisory_probe_),
          prepared_(std::move(other.prepared_)),
          looked_up_prepared_(other.looked_up_prepared_) {}
    connection& operator=(connection&& other) noexcept {
        if (this != &other) {
            close();
            conn_ = std::exchange(other.conn_, nullptr);
            owned_ = other.owned_;
            options_ = std::move(other.options_);
            version_ = std::move(other.version_);
            advisory_probe_ = other.advisory_probe_;
            prepared_ = std::move(other.prepared_);
            looked_up_prepared_ = other.looked_up_prepared_;
        }
        return *this;
    }
    ~connection() { close(); }

    /// The raw handle, for everything driftless does not wrap.
    [[nodiscard]] PGconn* handle() const noexcept { return conn_; }
    [[nodiscard]] const connect_options& options() const noexcept { return options_; }

    /// Run an application's statement or script (several, separated by ';', returning the last
    /// result) over the simple protocol. driftless runs migrations through execute_one(). Throws
    /// driftless::error carrying the SQLSTATE and the statement.
    result execute(std::string_view sql) const {
        const std::string text(sql);
        PGresult* r = PQexec(conn_, text.c_str());
        if (r == nullptr || !detail::ok(r)) detail::fail(conn_, r, sql);
        return result(r);
    }

    /// Run exactly one statement over the extended protocol, which refuses a text holding a second
    /// statement (whatever the session's quoting rules make of it), and a NUL byte before anything
    /// is sent. The rows it changed (or returned). Throws driftless::error with the SQLSTATE.
    std::int64_t execute_one(std::string_view sql) const {
        if (sql.find('\0') != std::string_view::npos)
            throw error(errc::usage, "driftless.sql.nul", "the statement holds a NUL byte, which libpq would cut it at; nothing was run",
                        std::string(sql.substr(0, sql.find('\0'))));
        const std::string text(sql);
        PGresult* r = PQexecParams(conn_, text.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0);
        if (r == nullptr || !detail::ok(r)) detail::fail(conn_, r, sql);
        const result owned(r);
        const char* n = PQcmdTuples(r);
        return n != nullptr && *n != '\0' ? std::strtoll(n, nullptr, 10) : -1;
    }

    /// Run one statement with text parameters $1, $2, ...; nullopt is NULL. A value that is not
    /// followed by a NUL in memory is copied first (libpq reads text values up to their NUL).
    result query_nullable(std::string_view sql, const std::vector<std::optional<std::string_view>>& params) const {
        const std::string text(sql);
        std::vector<const char*> values;
        std::vector<std::string> copies;
        copies.reserve(params.size());
        values.reserve(params.size());
        for (const auto& p : params) {
            if (!p) {
                values.push_back(nullptr);
            } else if (p->data()[p->size()] == '\0') {  // a whole std::string's text (see history_value)
                values.push_back(p->data());
            } else {
                values.push_back(copies.emplace_back(*p).c_str());
            }
        }
        PGresult* r = PQexecParams(conn_, text.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                                   nullptr, 0);
        if (r == nullptr || !detail::ok(r)) detail::fail(conn_, r, sql);
        return result(r);
    }

    /// Run one statement with text parameters $1, $2, ... (sent separately, never spliced into SQL).
    result query(std::string_view sql, const std::vector<std::string>& params) const {
        const std::string text(sql);
        std::vector<const char*> values;
        values.reserve(params.size());
        for (const auto& p : params) values.push_back(p.c_str());
        PGresult* r = PQexecParams(conn_, text.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                                   nullptr, 0);
        if (r == nullptr || !detail::ok(r)) detail::fail(conn_, r, sql);
        return result(r);
    }

    /// Send several statements in one round trip and return every result in order. On the first
    /// failure the rest of the results are drained and the error is thrown.
    std::vector<result> batch(std::string_view sql) const {
        const std::string text(sql);
        if (PQsendQuery(conn_, text.c_str()) == 0) detail::fail(conn_, nullptr, sql);
        std::vector<result> out;
        PGresult* failed = nullptr;
        while (PGresult* r = PQgetResult(conn_)) {
            if (failed == nullptr && !detail::ok(r)) {
                failed = r;
            } else if (failed != nullptr) {
                PQclear(r);
            } else {
                out.emplace_back(r);
            }
        }
        if (failed != nullptr) detail::fail(conn_, failed, sql);
        return out;
    }

    /// What the server's version() says, read once per connection.
    [[nodiscard]] const std::string& server_version() const {
        if (version_.empty()) version_ = execute("SELECT pg_catalog.version()").text(0, 0);
        return version_;
    }

    /// The engine behind the connection (see engine_of).
    [[nodiscard]] engine server_engine() const { return engine_of(server_version()); }

    /// A libpq connection string that opens another session to the same database as this one.
    [[nodiscard]] std::string conninfo() const {
        std::string out;
        PQconninfoOption* options = PQconninfo(conn_);
        for (PQconninfoOption* o = options; o != nullptr && o->keyword != nullptr; ++o) {
            if (o->val == nullptr || *o->val == '\0') continue;
            out += out.empty() ? "" : " ";
            out += o->keyword;
            out += "='";
            for (const char* c = o->val; *c != '\0'; ++c) {
                if (*c == '\'' || *c == '\\') out += '\\';
                out += *c;
            }
            out += '\'';
        }
        PQconninfoFree(options);
        return out;
    }

    /// The cached result of the probe that the advisory lock excludes a second session (-1: not probed).
    int& advisory_lock_probe() const noexcept { return advisory_probe_; }

    /// Send `calls` in one round trip (libpq's pipeline mode) and return their results in order.
    /// Named calls are prepared on first use (one more round trip, once per session). On the first
    /// failure the rest is drained and the error thrown.
    std::vector<result> pipeline(const std::vector<pipelined>& calls) const {
        const bool prepare = options_.prepare_statements;
        if (prepare && !owned_ && !looked_up_prepared_) {  // a borrowed session may have them from an earlier borrow
            const result r = execute("SELECT name FROM pg_catalog.pg_prepared_statements WHERE name LIKE 'driftless\\_%'");
            for (int i = 0; i < r.rows(); ++i) prepared_.insert(r.text(i, 0));
            looked_up_prepared_ = true;
        }
        for (const pipelined& c : calls) {
            if (!prepare || c.name.empty() || prepared_.count(c.name) != 0) continue;
            PGresult* r = PQprepare(conn_, c.name.c_str(), c.sql.c_str(), static_cast<int>(c.params.size()), nullptr);
            const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
            const bool exists = state != nullptr && std::string_view(state) == "42P05";  // another handle of this session
            if (r == nullptr || (!detail::ok(r) && !exists)) detail::fail(conn_, r, c.sql);
            PQclear(r);
            prepared_.insert(c.name);
        }
        if (PQenterPipelineMode(conn_) == 0) detail::fail(conn_, nullptr, "(pipeline mode)");
        std::size_t sent = 0;
        for (const pipelined& c : calls) {
            std::vector<const char*> values;
            for (const auto& v : c.params) values.push_back(v.c_str());
            const int n = static_cast<int>(values.size());
            const int ok = prepare && !c.name.empty()
                               ? PQsendQueryPrepared(conn_, c.name.c_str(), n, values.data(), nullptr, nullptr, 0)
                               : PQsendQueryParams(conn_, c.sql.c_str(), n, nullptr, values.data(), nullptr, nullptr, 0);
            if (ok == 0) break;
            ++sent;
        }
        const bool synced = PQpipelineSync(conn_) != 0;
        std::vector<result> out;
        PGresult* failed = nullptr;
        std::string failed_sql;
        for (std::size_t i = 0; i < sent && synced; ++i) {
            PGresult* r = PQgetResult(conn_);
            if (r != nullptr && PQresultStatus(r) != PGRES_PIPELINE_ABORTED && !detail::ok(r) && failed == nullptr) {
                failed = r;
                failed_sql = calls[i].sql;
            } else if (r != nullptr && failed == nullptr && detail::ok(r)) {
                out.emplace_back(r);
            } else {
                PQclear(r);
            }
            while (PGresult* end = PQgetResult(conn_)) PQclear(end);  // the NULL after each statement
        }
        if (synced) PQclear(PQgetResult(conn_));  // PGRES_PIPELINE_SYNC
        PQexitPipelineMode(conn_);
        if (failed != nullptr) {
            if (const char* state = PQresultErrorField(failed, PG_DIAG_SQLSTATE); state != nullptr && std::string_view(state) == "26000")
                prepared_.clear();  // the session lost them (a pooler's DISCARD ALL): prepare again next time
            detail::fail(conn_, failed, failed_sql);
        }
        if (sent != calls.size() || !synced) detail::fail(conn_, nullptr, sent < calls.size() ? calls[sent].sql : "(pipeline sync)");
        return out;
    }

    /// True while a transaction is open on the connection (idle in transaction, or failed in one).
    [[nodiscard]] bool in_transaction() const noexcept {
        const PGTransactionStatusType s = PQtransactionStatus(conn_);
        return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
    }

private:
    void close() noexcept {
        if (conn_ != nullptr && owned_) PQfinish(conn_);
        conn_ = nullptr;
    }

    PGconn* conn_ = nullptr;
    bool owned_ = false;
    connect_options options_{};
    mutable std::string version_{};
    mutable int advisory_probe_ = -1;
    mutable std::set<std::string> prepared_{};
    mutable bool looked_up_prepared_ = false;
};

namespace detail {

/// libpq's message without its quoted fragments ("..."), which may hold any part of the text it
/// could not parse, a password included.
inline std::string without_quoted(std::string message) {
    std::string out;
    bool quoted = false;
    for (char c : message) {
        if (c == '"') {
            out += quoted ? "\"" : "\"(hidden)";
            quoted = !quoted;
        } else if (!quoted) {
            out += c;
        }
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
}

/// `message` with every occurrence of `secret` shown as ***.
inline std::string hiding(std::string message, const std::string& secret) {
    if (secret.empty()) return message;
    for (std::size_t at = message.find(secret); at != std::string::npos; at = message.find(secret, at + 3))
        message.replace(at, secret.size(), "***");
    return message;
}

/// The keywords and values of a connection string or postgresql:// URI, parsed by libpq itself
/// (PQconninfoParse), so that connect() hands libpq values, never the text: no driver message can
/// then echo the URL with its password. Throws errc::usage, naming no part of the text.
struct conninfo_parts {
    std::vector<std::string> keywords{};
    std::vector<std::string> values{};
    std::string password{};
};

inline conninfo_parts parse_conninfo(const std::string& url) {
    std::string text = url;
    // libpq knows the scheme in lower case only; any other spelling would be read as key=value.
    for (std::string_view scheme : {"postgresql://", "postgres://"}) {
        if (text.size() < scheme.size()) continue;
        bool same = true;
        for (std::size_t i = 0; i < scheme.size(); ++i) {
            const char c = text[i];
            same = same && (c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) == scheme[i];
        }
        if (same) {
            text.replace(0, scheme.size(), scheme);
            // An '@' after the host means a password or user holding '/', '?' or '#' unescaped:
            // libpq would take part of it for the host, port or database, and echo it in errors.
            const std::size_t end = std::min(text.find_first_of("?#", scheme.size()), text.size());
            const std::size_t slash = text.find('/', scheme.size());
            const std::size_t at = text.rfind('@', end == 0 ? 0 : end - 1);
            if (at != std::string::npos && at >= scheme.size() && slash < at)
                throw error(errc::usage, "driftless.postgresql.url",
                            "the postgresql:// URL has an '@' after a '/': a user name or password holding '/', '?', '#' or "
                            "'@' must be percent-encoded (%2F, %3F, %23, %40)");
            break;
        }
    }
    char* message = nullptr;
    PQconninfoOption* options = PQconninfoParse(text.c_str(), &message);
    if (options == nullptr) {
        const std::string reason = message != nullptr ? without_quoted(message) : std::string("out of memory");
        PQfreemem(message);
        throw error(errc::usage, "driftless.postgresql.url", "the connection URL is not valid: " + reason);
    }
    conninfo_parts out;
    for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
        if (o->val == nullptr) continue;
        out.keywords.emplace_back(o->keyword);
        out.values.emplace_back(o->val);
        if (std::string_view(o->keyword) == "password") out.password = o->val;
    }
    PQconninfoFree(options);
    return out;
}

}  // namespace detail

/// Connect to `url`: a postgresql:// URI (any case of the scheme) or a libpq key=value string.
/// libpq parses it (errc::usage when it cannot: the message names no part of the text) and is
/// handed the values (PQconnectdbParams), so the password never appears in an error. Throws
/// driftless::error (errc::engine) with libpq's message when the connection fails.
inline connection connect(const std::string& url, connect_options options = {}) {
    const detail::conninfo_parts parts = detail::parse_conninfo(url);
    std::vector<const char*> keywords;
    std::vector<const char*> values;
    for (std::size_t i = 0; i < parts.keywords.size(); ++i) {
        keywords.push_back(parts.keywords[i].c_str());
        values.push_back(parts.values[i].c_str());
    }
    keywords.push_back(nullptr);
    values.push_back(nullptr);
    PGconn* conn = PQconnectdbParams(keywords.data(), values.data(), 0);
    if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
        std::string message = conn != nullptr ? PQerrorMessage(conn) : "out of memory";
        while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
        PQfinish(conn);
        throw error(errc::engine, "driftless.postgresql.connect", "cannot connect: " + detail::hiding(message, parts.password));
    }
    return connection(conn, true, std::move(options));
}

/// Use an application's open connection without taking ownership; it must outlive the connection.
inline connection borrow(PGconn* conn, connect_options options = {}) noexcept {
    return connection(conn, false, std::move(options));
}

}  // namespace driftless::postgresql

#endif  // DRIFTLESS_POSTGRESQL_CONNECTION_HPP
