// driftless — PostgreSQL as a side of copy_database(): rows written with COPY ... FROM STDIN and
// read with COPY ... TO STDOUT (text format; a source's tables in one snapshot), a transaction per
// batch, the session's formats set for the transaction only (ISO dates, UTC, shortest exact
// floats, hex bytea).
#ifndef DRIFTLESS_POSTGRESQL_COPY_HPP
#define DRIFTLESS_POSTGRESQL_COPY_HPP

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <libpq-fe.h>

#include <driftless/copy.hpp>
#include <driftless/postgresql/connection.hpp>
#include <driftless/render.hpp>

namespace driftless::postgresql {

namespace detail {

/// The session settings a copy reads and writes values under, for one transaction.
inline constexpr std::string_view copy_settings =
    "SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL TimeZone = 'UTC'; SET LOCAL extra_float_digits = 3; "
    "SET LOCAL bytea_output = 'hex'; SET LOCAL client_encoding = 'UTF8'";

inline int hex_digit(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/// One field of COPY's text format with its backslash escapes undone.
inline void unescape(std::string_view field, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < field.size(); ++i) {
        if (field[i] != '\\' || i + 1 == field.size()) {
            out += field[i];
            continue;
        }
        const char c = field[++i];
        switch (c) {
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'v': out += '\v'; break;
            case 'x': {
                int v = 0, n = 0;
                while (n < 2 && i + 1 < field.size() && hex_digit(field[i + 1]) >= 0) v = v * 16 + hex_digit(field[++i]), ++n;
                out += static_cast<char>(v);
                break;
            }
            default:
                if (c >= '0' && c <= '7') {
                    int v = c - '0', n = 1;
                    while (n < 3 && i + 1 < field.size() && field[i + 1] >= '0' && field[i + 1] <= '7') v = v * 8 + (field[++i] - '0'), ++n;
                    out += static_cast<char>(v);
                } else {
                    out += c;
                }
        }
    }
}

class copy_reader final : public driftless::detail::copy_reader {
public:
    /// `own_transaction`: the rows read in a read-only transaction of the reader's own (else in the
    /// caller's, which has the session's settings already).
    copy_reader(const connection& db, const std::string& select, const table_info& t, const std::vector<std::size_t>& columns,
                bool own_transaction)
        : db_(db), table_(t), columns_(columns), own_(own_transaction) {
        // A table read from the catalog has the types as PostgreSQL spells them: each read as the
        // portable type it stands for (integers as integers, ...), any other as its text.
        for (const std::size_t c : columns_) {
            const column_type& type = table_.columns[c].type;
            type_kind kind = type.kind;
            if (kind == type_kind::custom) {
                const std::optional<column_type> portable = driftless::detail::portable_postgresql_type(type.postgresql);
                kind = portable ? portable->kind : type_kind::text;
            }
            kinds_.push_back(kind);
        }
        if (own_) db_.execute("BEGIN READ ONLY; " + std::string(copy_settings));
        PGresult* r = PQexec(db_.handle(), ("COPY (" + select + ") TO STDOUT").c_str());
        if (PQresultStatus(r) != PGRES_COPY_OUT) {
            end(false);  // the error below is the one to report
            postgresql::detail::fail(db_.handle(), r, select);
        }
        PQclear(r);
        open_ = true;
    }
    copy_reader(const copy_reader&) = delete;
    copy_reader& operator=(const copy_reader&) = delete;
    ~copy_reader() override {
        if (!open_) return;
        // Stopped early: the rest of the rows are drained, then the transaction ends.
        char* line = nullptr;
        while (PQgetCopyData(db_.handle(), &line, 0) > 0) PQfreemem(line);
        PQclear(PQgetResult(db_.handle()));
        end(false);
    }

    bool next(driftless::detail::row_batch& into, std::size_t max_rows) override {
        into.clear();
        into.columns = columns_.size();
        while (open_ && into.rows() < max_rows && into.bytes.size() < driftless::detail::batch_bytes) {
            char* line = nullptr;
            const int n = PQgetCopyData(db_.handle(), &line, 0);
            if (n == -1) {
                open_ = false;
                PGresult* r = PQgetResult(db_.handle());
                const bool good = PQresultStatus(r) == PGRES_COMMAND_OK;
                if (!good) {
                    end(false);
                    postgresql::detail::fail(db_.handle(), r, "COPY ... TO STDOUT");
                }
                PQclear(r);
                end(true);
                break;
            }
            if (n < 0) {
                open_ = false;
                end(false);
                postgresql::detail::fail(db_.handle(), nullptr, "COPY ... TO STDOUT");
            }
            std::string_view row(line, static_cast<std::size_t>(n));
            if (!row.empty() && row.back() == '\n') row.remove_suffix(1);
            try {
                parse(row, into);
            } catch (...) {
                PQfreemem(line);
                throw;
            }
            PQfreemem(line);
        }
        return into.rows() != 0;
    }

private:
    /// The reader's own transaction ended (committed when `good`); nothing in the caller's.
    void end(bool good) {
        if (!own_) return;
        if (good) db_.execute("COMMIT");
        else PQclear(PQexec(db_.handle(), "ROLLBACK"));
    }

    void parse(std::string_view row, driftless::detail::row_batch& into) {
        using driftless::detail::cell_kind;
        std::size_t begin = 0;
        for (std::size_t c = 0; c < columns_.size(); ++c) {
            const std::size_t tab = row.find('\t', begin);
            const std::string_view field = row.substr(begin, tab == std::string_view::npos ? std::string_view::npos : tab - begin);
            begin = tab == std::string_view::npos ? row.size() : tab + 1;
            if (field == "\\N") {
                into.add_null();
                continue;
            }
            unescape(field, value_);
            switch (kinds_[c]) {
                case type_kind::boolean:
                    into.add_integer(value_ == "t" ? 1 : 0);
                    break;
                case type_kind::integer: {
                    std::int64_t v = 0;
                    const auto [p, ec] = std::from_chars(value_.data(), value_.data() + value_.size(), v);
                    if (ec != std::errc() || p != value_.data() + value_.size()) into.add_bytes(cell_kind::text, value_);
                    else into.add_integer(v);
                    break;
                }
                case type_kind::real: {
                    double v = 0;
                    if (value_ == "NaN") v = std::numeric_limits<double>::quiet_NaN();
                    else if (value_ == "Infinity") v = std::numeric_limits<double>::infinity();
                    else if (value_ == "-Infinity") v = -std::numeric_limits<double>::infinity();
                    else std::from_chars(value_.data(), value_.data() + value_.size(), v);
                    into.add_real(v);
                    break;
                }
                case type_kind::blob: {
                    std::string bytes;
                    bytes.reserve(value_.size() / 2);
                    for (std::size_t i = 2; i + 1 < value_.size(); i += 2)
                        bytes += static_cast<char>(hex_digit(value_[i]) * 16 + hex_digit(value_[i + 1]));
                    into.add_bytes(cell_kind::blob, bytes);
                    break;
                }
                default:
                    into.add_bytes(cell_kind::text, value_);
            }
        }
    }

    const connection& db_;
    const table_info& table_;
    const std::vector<std::size_t>& columns_;
    std::vector<type_kind> kinds_;
    std::string value_;
    bool own_ = true;
    bool open_ = false;
};

class copy_endpoint final : public driftless::detail::copy_endpoint {
public:
    explicit copy_endpoint(const connection& db) : db_(db) {
        schema_ = db.options().schema;
        if (schema_.empty()) {
            const result r = db_.execute("SELECT pg_catalog.current_schema()");
            if (r.rows() == 1 && !r.is_null(0, 0)) schema_ = r.text(0, 0);
        }
    }

    copy_endpoint(const copy_endpoint&) = delete;
    copy_endpoint& operator=(const copy_endpoint&) = delete;
    ~copy_endpoint() override {
        end_read();
        abort_load();  // a batch still with the server: committed (or dropped if it failed)
    }

    [[nodiscard]] dialect sql_dialect() const override { return dialect::postgresql; }

    [[nodiscard]] std::string identity() override {
        settle();
        const result r = db_.execute(
            "SELECT pg_catalog.current_database() || '@' || coalesce(pg_catalog.inet_server_addr()::text, 'local') || ':' || "
            "coalesce(pg_catalog.inet_server_port()::text, pg_catalog.current_setting('port'))");
        return "postgresql:" + (r.rows() == 1 ? r.text(0, 0) : std::string()) + "/" + schema_;
    }

    std::int64_t count_rows(const std::string& table) override {
        settle();
        const result r = db_.execute("SELECT count(*) FROM " + qualified(table));
        return r.integer(0, 0);
    }

    std::unique_ptr<driftless::detail::copy_reader> read(const table_info& t, const std::vector<std::size_t>& columns,
                                                         std::optional<std::int64_t> after) override {
        settle();
        std::string order;
        for (const std::string& k : t.primary_key) order += (order.empty() ? "" : ", ") + quote_identifier(k, dialect::postgresql);
        return std::make_unique<copy_reader>(db_,
                                             "SELECT " + list(t, columns) + " FROM " + qualified(t.name) +
                                                 (after && t.primary_key.size() == 1 ? " WHERE " + order + " > " + std::to_string(*after) : std::string()) +
                                                 (order.empty() ? "" : " ORDER BY " + order),
                                             t, columns, !snapshot_);
    }

    [[nodiscard]] std::string table_name(std::string_view name) const override { return qualified(std::string(name)); }

    bool has_table(std::string_view name) override {
        return integers("SELECT count(*) FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass(" +
                            quote_text(qualified(std::string(name)), dialect::postgresql) + ")",
                        1) == std::vector<std::int64_t>{1};
    }

    void record(const std::vector<std::string>& statements) override {
        settle();
        db_.execute("BEGIN");
        try {
            for (const std::string& sql : statements) db_.query(sql, {});
            db_.execute("COMMIT");
        } catch (...) {
            PQclear(PQexec(db_.handle(), "ROLLBACK"));
            throw;
        }
    }

    std::vector<std::int64_t> integers(const std::string& sql, std::size_t n) override {
        settle();
        const result r = db_.query(sql, {});
        std::vector<std::int64_t> out;
        if (r.rows() == 0) return out;
        for (std::size_t i = 0; i < n; ++i) out.push_back(r.integer(0, static_cast<int>(i)));
        return out;
    }

    /// Every table read in one snapshot: a REPEATABLE READ, READ ONLY transaction (its snapshot
    /// taken by the first count or read) until end_read().
    void begin_read() override {
        settle();
        db_.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; " + std::string(copy_settings));
        snapshot_ = true;
    }

    void end_read() noexcept override {
        if (!snapshot_) return;
        snapshot_ = false;
        PQclear(PQexec(db_.handle(), "ROLLBACK"));  // read only: nothing to keep
    }

    void truncate(const std::vector<const table_info*>& tables) override {
        std::string list;
        for (const table_info* t : tables) list += (list.empty() ? "" : ", ") + qualified(t->name);
        record({"TRUNCATE TABLE ONLY " + list});  // together: tables that refer to each other
    }

    /// One batch, one transaction: its COPY is sent and left for the server to finish while the
    /// next batch is read and converted; the next call collects its result and commits it.
    void write(const table_info& t, const std::vector<std::size_t>& columns, const driftless::detail::row_batch& rows,
               const std::string& progress) override {
        encode(t, columns, rows);  // while the server may still be on the batch before
        settle();
        std::string copy = "COPY " + qualified(t.name) + " (" + list(t, columns) + ") FROM STDIN";
        db_.execute("BEGIN; " + std::string(copy_settings));
        try {
            PGresult* r = PQexec(db_.handle(), copy.c_str());
            if (PQresultStatus(r) != PGRES_COPY_IN) postgresql::detail::fail(db_.handle(), r, copy);
            PQclear(r);
            // In pieces: one CopyData message must stay well under the server's 1 GiB limit.
            constexpr std::size_t piece = 1u << 20;
            for (std::size_t at = 0; at < buffer_.size(); at += piece) {
                const std::size_t n = std::min(piece, buffer_.size() - at);
                if (PQputCopyData(db_.handle(), buffer_.data() + at, static_cast<int>(n)) != 1)
                    postgresql::detail::fail(db_.handle(), nullptr, copy);
            }
            if (PQputCopyEnd(db_.handle(), nullptr) != 1) postgresql::detail::fail(db_.handle(), nullptr, copy);
        } catch (const error& e) {
            discard_results();
            PQclear(PQexec(db_.handle(), "ROLLBACK"));
            throw driftless::detail::error_in_table(t.name, e);
        }
        pending_copy_ = std::move(copy);
        pending_table_ = t.name;
        pending_progress_ = progress;
    }

    void abort_load() noexcept override {
        // The batch sent last is committed as the ones before it were, if the server took it.
        try {
            settle();
        } catch (...) {
        }
    }

    void end_load(const std::vector<const table_info*>& tables) override {
        settle();
        // Identity columns numbered past the largest key copied, as SQLite's rowid would be.
        for (const table_info* t : tables) {
            for (const column_info& c : t->columns) {
                if (!c.auto_increment) continue;
                // Never backwards: a sequence that gave higher numbers before (rows since deleted) keeps them given.
                db_.query("SELECT pg_catalog.setval(s, m) FROM (SELECT s, (SELECT max(" + quote_identifier(c.name, dialect::postgresql) +
                              ") FROM " + qualified(t->name) +
                              ") AS m FROM (SELECT pg_catalog.pg_get_serial_sequence($1, $2)::regclass AS s) q) x "
                              "WHERE s IS NOT NULL AND m IS NOT NULL AND m > coalesce(pg_catalog.pg_sequence_last_value(s), 0)",
                          {qualified(t->name), c.name});
            }
        }
    }

    /// The largest number the table's identity or serial sequences have given out (rows since
    /// deleted included), so that the target never gives it again.
    std::optional<std::int64_t> key_counter(const std::string& table) override {
        settle();
        const result r = db_.query(
            "SELECT max(pg_catalog.pg_sequence_last_value(d.objid)) FROM pg_catalog.pg_depend d "
            "JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
            "WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass "
            "AND d.refobjid = $1::regclass AND d.deptype IN ('a', 'i')",
            {qualified(table)});
        if (r.rows() != 1 || r.is_null(0, 0)) return std::nullopt;
        return r.integer(0, 0);
    }

    void advance_key_counter(const table_info& t, const column_info& c, std::int64_t at_least) override {
        settle();
        db_.query("SELECT pg_catalog.setval(s, $3::bigint) FROM (SELECT pg_catalog.pg_get_serial_sequence($1, $2)::regclass AS s) x "
                  "WHERE s IS NOT NULL AND $3::bigint > coalesce(pg_catalog.pg_sequence_last_value(s), 0) AND $3::bigint > "
                  "coalesce((SELECT max(" + quote_identifier(c.name, dialect::postgresql) + ") FROM " + qualified(t.name) + "), 0)",
                  {qualified(t.name), c.name, std::to_string(at_least)});
    }

private:
    /// The batch write() left running: its COPY's result collected, then committed.
    void settle() {
        if (pending_copy_.empty()) return;
        const std::string copy = std::move(pending_copy_), table = std::move(pending_table_), progress = std::move(pending_progress_);
        pending_copy_.clear();
        pending_table_.clear();
        pending_progress_.clear();
        try {
            PGresult* r = PQgetResult(db_.handle());
            if (PQresultStatus(r) != PGRES_COMMAND_OK) {
                discard_results();
                postgresql::detail::fail(db_.handle(), r, copy);
            }
            PQclear(r);
            discard_results();
            if (!progress.empty()) db_.query(progress, {});
            db_.execute("COMMIT");
        } catch (const error& e) {
            PQclear(PQexec(db_.handle(), "ROLLBACK"));
            throw driftless::detail::error_in_table(table, e);
        }
    }
    /// Whatever the connection still has to say, read and dropped; a COPY still open is ended
    /// with an error (the server then rolls it back).
    void discard_results() {
        while (PGresult* rest = PQgetResult(db_.handle())) {
            const ExecStatusType status = PQresultStatus(rest);
            PQclear(rest);
            if (PQstatus(db_.handle()) == CONNECTION_BAD || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH) break;
            if (status == PGRES_COPY_IN && PQputCopyEnd(db_.handle(), "the copy was abandoned") != 1) break;
        }
    }

    [[nodiscard]] std::string qualified(const std::string& table) const {
        return (schema_.empty() ? std::string() : quote_identifier(schema_, dialect::postgresql) + ".") + quote_identifier(table, dialect::postgresql);
    }
    static std::string list(const table_info& t, const std::vector<std::size_t>& columns) {
        std::string out;
        for (const std::size_t i : columns) out += (out.empty() ? "" : ", ") + quote_identifier(t.columns[i].name, dialect::postgresql);
        return out;
    }

    /// `rows` in COPY's text format, in buffer_.
    void encode(const table_info& t, const std::vector<std::size_t>& columns, const driftless::detail::row_batch& rows) {
        using driftless::detail::cell_kind;
        static constexpr char hex[] = "0123456789abcdef";
        buffer_.clear();
        for (std::size_t r = 0; r < rows.rows(); ++r) {
            for (std::size_t c = 0; c < rows.columns; ++c) {
                if (c != 0) buffer_ += '\t';
                const auto& v = rows.at(r, c);
                switch (v.kind) {
                    case cell_kind::null: buffer_ += "\\N"; break;
                    case cell_kind::integer:
                        if (t.columns[columns[c]].type.kind == type_kind::boolean) buffer_ += v.integer != 0 ? 't' : 'f';
                        else buffer_ += std::to_string(v.integer);
                        break;
                    case cell_kind::real: buffer_ += driftless::detail::real_text(v.real); break;
                    case cell_kind::text:
                        for (const char ch : rows.view(v)) {
                            switch (ch) {
                                case '\\': buffer_ += "\\\\"; break;
                                case '\n': buffer_ += "\\n"; break;
                                case '\r': buffer_ += "\\r"; break;
                                case '\t': buffer_ += "\\t"; break;
                                default: buffer_ += ch;
                            }
                        }
                        break;
                    case cell_kind::blob:
                        buffer_ += "\\\\x";
                        for (const char ch : rows.view(v)) {
                            buffer_ += hex[static_cast<unsigned char>(ch) >> 4];
                            buffer_ += hex[static_cast<unsigned char>(ch) & 15];
                        }
                        break;
                }
            }
            buffer_ += '\n';
        }
    }

    const connection& db_;
    std::string schema_;
    std::string buffer_;
    std::string pending_copy_;   ///< the COPY of the batch the server may still be working on
    std::string pending_table_;  ///< its table
    std::string pending_progress_;  ///< the statement that records it, committed with it
    bool snapshot_ = false;      ///< between begin_read() and end_read()
};

}  // namespace detail

/// The PostgreSQL side of copy_database() (found by argument-dependent lookup).
inline std::unique_ptr<driftless::detail::copy_endpoint> make_copy_endpoint(const connection& db) {
    return std::make_unique<detail::copy_endpoint>(db);
}

}  // namespace driftless::postgresql

#endif  // DRIFTLESS_POSTGRESQL_COPY_HPP
