// driftless — MySQL / MariaDB as a side of copy_database(): rows written as multi-row INSERTs of
// escaped literals, a transaction per batch, foreign keys checked by a query after the load; rows
// read (from a source in one consistent snapshot, or back for verification) streamed from the
// server with mysql_use_result().
#ifndef DRIFTLESS_MYSQL_COPY_HPP
#define DRIFTLESS_MYSQL_COPY_HPP

#include <charconv>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <mysql.h>

#include <driftless/copy.hpp>
#include <driftless/mysql/connection.hpp>
#include <driftless/render.hpp>

namespace driftless::mysql {

namespace detail {

/// One INSERT statement holds at most this many bytes (well under max_allowed_packet, 16 MiB by
/// default); a batch larger than that is several statements in its one transaction.
inline constexpr std::size_t insert_bytes = 4u << 20;

inline std::string column_list(const table_info& t, const std::vector<std::size_t>& columns) {
    std::string out;
    for (const std::size_t i : columns) out += (out.empty() ? "" : ", ") + quote_identifier(t.columns[i].name, dialect::mysql);
    return out;
}

/// The kind a column's values are read as: a table read from the catalog has MySQL's own type
/// names, each read as the portable type it stands for (any other as its text).
inline type_kind read_kind(const column_type& type) {
    if (type.kind != type_kind::custom) return type.kind;
    const std::optional<column_type> portable = driftless::detail::portable_mysql_type(type.mysql);
    return portable ? portable->kind : type_kind::text;
}

/// What a SELECT reads for column `c`: a FLOAT as the exact double it holds (its text has six
/// digits only), a BIT as its number (it is sent as bytes).
inline std::string read_expression(const column_info& c) {
    const std::string name = quote_identifier(c.name, dialect::mysql);
    if (c.type.kind != type_kind::custom) return name;
    const std::string u = driftless::detail::upper_ascii(c.type.mysql);
    if (u.rfind("FLOAT", 0) == 0) return "CAST(" + name + " AS DOUBLE)";
    if (u.rfind("BIT", 0) == 0) return "CAST(" + name + " AS UNSIGNED)";
    return name;
}

/// Rows of one SELECT, streamed from the server (mysql_use_result): each value by the kind of its
/// column, integers and reals parsed, blobs as their bytes, the rest as text.
class copy_reader final : public driftless::detail::copy_reader {
public:
    copy_reader(const connection& db, const std::string& select, const table_info& t, const std::vector<std::size_t>& columns)
        : db_(db), select_(select) {
        for (const std::size_t c : columns) kinds_.push_back(read_kind(t.columns[c].type));
        if (mysql_real_query(db_.handle(), select_.data(), static_cast<unsigned long>(select_.size())) != 0)
            mysql::detail::fail(db_.handle(), "driftless.mysql.copy", select_);
        result_ = mysql_use_result(db_.handle());
        if (result_ == nullptr) mysql::detail::fail(db_.handle(), "driftless.mysql.copy", select_);
    }
    copy_reader(const copy_reader&) = delete;
    copy_reader& operator=(const copy_reader&) = delete;
    ~copy_reader() override {
        if (result_ == nullptr) return;
        while (mysql_fetch_row(result_) != nullptr) {
        }
        mysql_free_result(result_);
    }

    bool next(driftless::detail::row_batch& into, std::size_t max_rows) override {
        using driftless::detail::cell_kind;
        into.clear();
        into.columns = kinds_.size();
        while (result_ != nullptr && into.rows() < max_rows && into.bytes.size() < driftless::detail::batch_bytes) {
            MYSQL_ROW row = mysql_fetch_row(result_);
            if (row == nullptr) {
                const bool failed = mysql_errno(db_.handle()) != 0;
                if (failed) mysql::detail::fail(db_.handle(), "driftless.mysql.copy", select_);
                mysql_free_result(result_);
                result_ = nullptr;
                break;
            }
            const unsigned long* lengths = mysql_fetch_lengths(result_);
            for (std::size_t c = 0; c < kinds_.size(); ++c) {
                if (row[c] == nullptr) {
                    into.add_null();
                    continue;
                }
                const std::string_view v(row[c], lengths[c]);
                switch (kinds_[c]) {
                    case type_kind::boolean:
                    case type_kind::integer: {
                        std::int64_t i = 0;
                        const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), i);
                        if (ec == std::errc() && p == v.data() + v.size()) into.add_integer(i);
                        else into.add_bytes(cell_kind::text, v);  // BIGINT UNSIGNED beyond 2^63: its text
                        break;
                    }
                    case type_kind::real: {
                        double d = 0;
                        const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
                        if (ec == std::errc() && p == v.data() + v.size()) into.add_real(d);
                        else into.add_bytes(cell_kind::text, v);
                        break;
                    }
                    case type_kind::blob:
                        into.add_bytes(cell_kind::blob, v);
                        break;
                    default:
                        into.add_bytes(cell_kind::text, v);
                }
            }
        }
        return into.rows() != 0;
    }

private:
    const connection& db_;
    std::string select_;
    std::vector<type_kind> kinds_;
    MYSQL_RES* result_ = nullptr;
};

class copy_endpoint final : public driftless::detail::copy_endpoint {
public:
    explicit copy_endpoint(const connection& db) : db_(db) {}
    copy_endpoint(const copy_endpoint&) = delete;
    copy_endpoint& operator=(const copy_endpoint&) = delete;
    ~copy_endpoint() override {
        end_read();
        abort_load();
    }

    [[nodiscard]] dialect sql_dialect() const override { return dialect::mysql; }

    [[nodiscard]] std::string identity() override {
        const result r = db_.execute("SELECT CONCAT(@@hostname, ':', @@port, '/', COALESCE(DATABASE(), ''))");
        return "mysql:" + (r.rows() == 1 ? r.text(0, 0) : std::string());
    }

    /// Texts compare byte for byte, trailing spaces included, as on the other engines: a UNIQUE
    /// column that holds 'a' and 'A', or 'a' and 'a ', keeps both.
    [[nodiscard]] std::string text_collation() override {
        const result r = db_.execute("SELECT VERSION() LIKE '%MariaDB%'");
        return r.rows() == 1 && r.view(0, 0) == "1" ? "utf8mb4_nopad_bin" : "utf8mb4_0900_bin";
    }

    std::int64_t count_rows(const std::string& table) override {
        return db_.execute("SELECT COUNT(*) FROM " + quote_identifier(table, dialect::mysql)).integer(0, 0);
    }

    std::unique_ptr<driftless::detail::copy_reader> read(const table_info& t, const std::vector<std::size_t>& columns,
                                                         std::optional<std::int64_t> after) override {
        std::string order, select;
        for (const std::string& k : t.primary_key) order += (order.empty() ? "" : ", ") + quote_identifier(k, dialect::mysql);
        for (const std::size_t i : columns) select += (select.empty() ? "" : ", ") + read_expression(t.columns[i]);
        return std::make_unique<copy_reader>(db_,
                                             "SELECT " + select + " FROM " + quote_identifier(t.name, dialect::mysql) +
                                                 (after && t.primary_key.size() == 1 ? " WHERE " + order + " > " + std::to_string(*after) : std::string()) +
                                                 (order.empty() ? "" : " ORDER BY " + order),
                                             t, columns);
    }

    [[nodiscard]] std::string table_name(std::string_view name) const override { return quote_identifier(name, dialect::mysql); }

    bool has_table(std::string_view name) override {
        return !integers("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = " +
                             quote_text(name, dialect::mysql),
                         1)
                    .empty();
    }

    void record(const std::vector<std::string>& statements) override {
        db_.execute("START TRANSACTION");
        try {
            for (const std::string& sql : statements) db_.execute(sql);
            db_.execute("COMMIT");
        } catch (...) {
            rollback();
            throw;
        }
    }

    std::vector<std::int64_t> integers(const std::string& sql, std::size_t n) override {
        const result r = db_.execute(sql);
        std::vector<std::int64_t> out;
        if (r.rows() == 0) return out;
        for (std::size_t i = 0; i < n; ++i) out.push_back(r.integer(0, static_cast<int>(i)));
        return out;
    }

    /// One snapshot for every table read (InnoDB's consistent read, in a read-only transaction),
    /// TIMESTAMPs in UTC.
    void begin_read() override {
        const result r = db_.execute("SELECT @@SESSION.time_zone");
        reading_ = "SET SESSION time_zone = " + quote_text(r.text(0, 0), dialect::mysql);
        db_.execute("SET SESSION time_zone = '+00:00'");
        db_.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
        db_.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
    }

    void end_read() noexcept override {
        if (reading_.empty()) return;
        rollback();  // read only: nothing to keep
        try {
            db_.execute(reading_);
        } catch (...) {
        }
        reading_.clear();
    }

    [[nodiscard]] bool foreign_keys_with_tables() const override { return true; }

    /// For the load: foreign keys checked by end_load() instead of row by row, a 0 written into an
    /// AUTO_INCREMENT key kept as 0, strict values, timestamps in UTC.
    void begin_load() override {
        const result r = db_.execute("SELECT @@SESSION.foreign_key_checks, @@SESSION.sql_mode, @@SESSION.time_zone");
        saved_ = "SET SESSION foreign_key_checks = " + r.text(0, 0) + ", SESSION sql_mode = " + quote_text(r.text(0, 1), dialect::mysql) +
                 ", SESSION time_zone = " + quote_text(r.text(0, 2), dialect::mysql);
        db_.execute(
            "SET SESSION foreign_key_checks = 0, SESSION time_zone = '+00:00', "
            "SESSION sql_mode = 'STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION,NO_ZERO_IN_DATE,NO_ZERO_DATE'");
    }

    void write(const table_info& t, const std::vector<std::size_t>& columns, const driftless::detail::row_batch& rows,
               const std::string& progress) override {
        using driftless::detail::cell_kind;
        const std::string head = "INSERT INTO " + quote_identifier(t.name, dialect::mysql) + " (" + column_list(t, columns) + ") VALUES ";
        db_.execute("START TRANSACTION");
        try {
            std::string sql;
            for (std::size_t r = 0; r < rows.rows(); ++r) {
                sql += sql.empty() ? head + "(" : ", (";
                for (std::size_t c = 0; c < rows.columns; ++c) {
                    if (c != 0) sql += ", ";
                    const auto& v = rows.at(r, c);
                    switch (v.kind) {
                        case cell_kind::null: sql += "NULL"; break;
                        case cell_kind::integer: sql += std::to_string(v.integer); break;
                        case cell_kind::real: sql += driftless::detail::real_text(v.real); break;
                        case cell_kind::text: quoted(rows.view(v), sql); break;
                        case cell_kind::blob: hex(rows.view(v), sql); break;
                    }
                }
                sql += ')';
                if (sql.size() >= insert_bytes) {
                    db_.execute(sql);
                    sql.clear();
                }
            }
            if (!sql.empty()) db_.execute(sql);
            if (!progress.empty()) db_.execute(progress);
            db_.execute("COMMIT");
        } catch (const error& e) {
            rollback();
            throw driftless::detail::error_in_table(t.name, e, 300);
        }
    }

    void abort_load() noexcept override {
        if (saved_.empty()) return;
        try {
            rollback();
            db_.execute(saved_);
        } catch (...) {
        }
        saved_.clear();
    }

    /// The session as it was, then every foreign key of the tables loaded checked against the rows
    /// (MySQL does not check them when checks are turned back on).
    void end_load(const std::vector<const table_info*>& tables) override {
        if (!saved_.empty()) db_.execute(saved_);
        saved_.clear();
        std::string problems;
        for (const table_info* t : tables) {
            for (const foreign_key_info& fk : t->foreign_keys) {
                std::string present, match;
                for (std::size_t i = 0; i < fk.columns.size() && i < fk.ref_columns.size(); ++i) {
                    const std::string c = "c." + quote_identifier(fk.columns[i], dialect::mysql);
                    present += (present.empty() ? "" : " AND ") + c + " IS NOT NULL";
                    match += std::string(match.empty() ? "" : " AND ") + "p." + quote_identifier(fk.ref_columns[i], dialect::mysql) + " = " + c;
                }
                const result r = db_.execute("SELECT COUNT(*) FROM " + quote_identifier(t->name, dialect::mysql) + " c WHERE " + present +
                                             " AND NOT EXISTS (SELECT 1 FROM " + quote_identifier(fk.ref_table, dialect::mysql) + " p WHERE " +
                                             match + ")");
                if (const std::int64_t n = r.integer(0, 0); n != 0)
                    problems += std::string(problems.empty() ? "" : "; ") + "table " + t->name + ": " + std::to_string(n) +
                                (n == 1 ? " row refers" : " rows refer") + " to a missing row of " + fk.ref_table;
            }
        }
        if (!problems.empty())
            throw error(errc::engine, "driftless.copy.foreign_key",
                        "the rows copied break foreign keys: " + problems + " (the source's own rows do; the tables and rows copied stay)");
    }

    std::optional<std::int64_t> key_counter(const std::string& table) override {
        const result r = db_.execute("SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = " +
                                     quote_text(table, dialect::mysql));
        if (r.rows() != 1 || r.is_null(0, 0)) return std::nullopt;
        return r.integer(0, 0) - 1;
    }

    /// AUTO_INCREMENT moved past `at_least` (the server never takes it below the largest key).
    void advance_key_counter(const table_info& t, const column_info&, std::int64_t at_least) override {
        db_.execute("ALTER TABLE " + quote_identifier(t.name, dialect::mysql) + " AUTO_INCREMENT = " + std::to_string(at_least + 1));
    }

private:
    void rollback() noexcept {
        try {
            db_.execute("ROLLBACK");
        } catch (...) {
        }
    }

    /// `text` as a quoted literal, escaped by the client library for the connection's character
    /// set and sql_mode (NUL, quotes and backslashes included).
    void quoted(std::string_view text, std::string& out) const {
        const std::size_t at = out.size();
        out.resize(at + text.size() * 2 + 3);
        out[at] = '\'';
        const unsigned long n = mysql_real_escape_string(db_.handle(), out.data() + at + 1, text.data(), static_cast<unsigned long>(text.size()));
        out.resize(at + 1 + n);
        out += '\'';
    }

    static void hex(std::string_view bytes, std::string& out) {
        static constexpr char digits[] = "0123456789ABCDEF";
        out += "X'";
        for (const char ch : bytes) {
            out += digits[static_cast<unsigned char>(ch) >> 4];
            out += digits[static_cast<unsigned char>(ch) & 15];
        }
        out += '\'';
    }

    const connection& db_;
    std::string saved_;    ///< the statement that restores the session's settings (empty: not loading)
    std::string reading_;  ///< the same after begin_read() (empty: not reading)
};

}  // namespace detail

/// The MySQL / MariaDB side of copy_database() (found by argument-dependent lookup).
inline std::unique_ptr<driftless::detail::copy_endpoint> make_copy_endpoint(const connection& db) {
    return std::make_unique<detail::copy_endpoint>(db);
}

}  // namespace driftless::mysql

#endif  // DRIFTLESS_MYSQL_COPY_HPP
