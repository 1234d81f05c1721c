// driftless — SQLite as either side of copy_database(): rows read with the typed column API,
// written through one prepared INSERT per table, a transaction per batch.
#ifndef DRIFTLESS_SQLITE_COPY_HPP
#define DRIFTLESS_SQLITE_COPY_HPP

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sqlite3.h>

#include <driftless/copy.hpp>
#include <driftless/render.hpp>
#include <driftless/sqlite/connection.hpp>

namespace driftless::sqlite {

namespace detail {

inline std::string select_list(const table_info& t, const std::vector<std::size_t>& columns) {
    std::string out;
    for (const std::size_t i : columns) out += (out.empty() ? "" : ", ") + quote_identifier(t.columns[i].name, dialect::sqlite);
    return out;
}

/// A prepared statement that finalizes itself.
struct prepared {
    sqlite3_stmt* st = nullptr;
    prepared(const connection& db, const std::string& sql) {
        if (sqlite3_prepare_v2(db.handle(), sql.c_str(), static_cast<int>(sql.size()), &st, nullptr) != SQLITE_OK)
            throw error(errc::engine, "driftless.sqlite.copy", sqlite3_errmsg(db.handle()), sql, sqlite3_extended_errcode(db.handle()));
    }
    prepared(const prepared&) = delete;
    prepared& operator=(const prepared&) = delete;
    ~prepared() { sqlite3_finalize(st); }
};

class copy_reader final : public driftless::detail::copy_reader {
public:
    copy_reader(const connection& db, const table_info& t, const std::vector<std::size_t>& columns, std::optional<std::int64_t> after)
        : db_(db), columns_(columns.size()), st_(db, select_sql(t, columns, after)) {}

    bool next(driftless::detail::row_batch& into, std::size_t max_rows) override {
        into.clear();
        into.columns = columns_;
        while (!done_ && into.rows() < max_rows && into.bytes.size() < driftless::detail::batch_bytes) {
            const int rc = sqlite3_step(st_.st);
            if (rc == SQLITE_DONE) {
                done_ = true;
                break;
            }
            if (rc != SQLITE_ROW)
                throw error(errc::engine, "driftless.sqlite.copy", sqlite3_errmsg(db_.handle()), sqlite3_sql(st_.st),
                            sqlite3_extended_errcode(db_.handle()));
            for (int c = 0; c < static_cast<int>(columns_); ++c) {
                switch (sqlite3_column_type(st_.st, c)) {
                    case SQLITE_INTEGER: into.add_integer(sqlite3_column_int64(st_.st, c)); break;
                    case SQLITE_FLOAT: into.add_real(sqlite3_column_double(st_.st, c)); break;
                    case SQLITE_TEXT: {
                        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_.st, c));
                        into.add_bytes(driftless::detail::cell_kind::text, std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(st_.st, c))));
                        break;
                    }
                    case SQLITE_BLOB: {
                        const auto* p = static_cast<const char*>(sqlite3_column_blob(st_.st, c));
                        const auto n = static_cast<std::size_t>(sqlite3_column_bytes(st_.st, c));
                        into.add_bytes(driftless::detail::cell_kind::blob, n == 0 ? std::string_view() : std::string_view(p, n));
                        break;
                    }
                    default: into.add_null();
                }
            }
        }
        return into.rows() != 0;
    }

private:
    static std::string select_sql(const table_info& t, const std::vector<std::size_t>& columns, std::optional<std::int64_t> after) {
        std::string order;
        for (const std::string& k : t.primary_key) order += (order.empty() ? "" : ", ") + quote_identifier(k, dialect::sqlite);
        const bool without_rowid = t.sqlite_options.find("WITHOUT") != std::string::npos || t.sqlite_options.find("without") != std::string::npos;
        if (order.empty() && !without_rowid) order = "rowid";
        return "SELECT " + select_list(t, columns) + " FROM " + quote_identifier(t.name, dialect::sqlite) +
               (after && t.primary_key.size() == 1 ? " WHERE " + order + " > " + std::to_string(*after) : std::string()) +
               (order.empty() ? "" : " ORDER BY " + order);
    }

    const connection& db_;
    std::size_t columns_;
    prepared st_;
    bool done_ = false;
};

class copy_endpoint final : public driftless::detail::copy_endpoint {
public:
    explicit copy_endpoint(const connection& db) : db_(db) {}
    copy_endpoint(const copy_endpoint&) = delete;
    copy_endpoint& operator=(const copy_endpoint&) = delete;
    ~copy_endpoint() override { end_read(); }

    [[nodiscard]] dialect sql_dialect() const override { return dialect::sqlite; }

    [[nodiscard]] std::string identity() override {
        const char* file = sqlite3_db_filename(db_.handle(), "main");
        if (file == nullptr || *file == '\0') return {};  // in memory, or a temporary file: its own database
        std::error_code ec;
        const auto path = std::filesystem::weakly_canonical(file, ec);
        return "sqlite:" + (ec ? std::string(file) : path.string());
    }

    std::int64_t count_rows(const std::string& table) override {
        prepared st(db_, "SELECT count(*) FROM " + quote_identifier(table, dialect::sqlite));
        if (sqlite3_step(st.st) != SQLITE_ROW) throw error(errc::engine, "driftless.sqlite.copy", sqlite3_errmsg(db_.handle()));
        return sqlite3_column_int64(st.st, 0);
    }

    std::unique_ptr<driftless::detail::copy_reader> read(const table_info& t, const std::vector<std::size_t>& columns,
                                                         std::optional<std::int64_t> after) override {
        return std::make_unique<copy_reader>(db_, t, columns, after);
    }

    [[nodiscard]] std::string table_name(std::string_view name) const override { return quote_identifier(name, dialect::sqlite); }

    bool has_table(std::string_view name) override {
        return !integers("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = " + quote_text(name, dialect::sqlite), 1).empty();
    }

    void record(const std::vector<std::string>& statements) override {
        db_.execute("BEGIN IMMEDIATE");
        try {
            for (const std::string& sql : statements) db_.execute_one(sql);
            db_.execute("COMMIT");
        } catch (...) {
            db_.try_execute("ROLLBACK");
            throw;
        }
    }

    std::vector<std::int64_t> integers(const std::string& sql, std::size_t n) override {
        prepared st(db_, sql);
        std::vector<std::int64_t> out;
        if (sqlite3_step(st.st) != SQLITE_ROW) return out;
        for (std::size_t i = 0; i < n; ++i) out.push_back(sqlite3_column_int64(st.st, static_cast<int>(i)));
        return out;
    }

    /// Every table read in one transaction, so in one snapshot of the database (in WAL mode
    /// writers go on meanwhile; with a rollback journal they wait for the copy's reads), unless
    /// the connection is in a transaction already.
    void begin_read() override {
        if (sqlite3_get_autocommit(db_.handle()) == 0) return;
        db_.execute("BEGIN");
        reading_ = true;
    }

    void end_read() noexcept override {
        if (!reading_) return;
        reading_ = false;
        db_.try_execute("ROLLBACK");  // read only: nothing to keep
    }

    [[nodiscard]] bool foreign_keys_with_tables() const override { return true; }

    void begin_load() override {
        prepared st(db_, "PRAGMA foreign_keys");
        foreign_keys_were_on_ = sqlite3_step(st.st) == SQLITE_ROW && sqlite3_column_int(st.st, 0) != 0;
        if (foreign_keys_were_on_) db_.execute("PRAGMA foreign_keys = OFF");  // checked at the end instead
    }

    void abort_load() noexcept override {
        insert_.reset();
        insert_table_.clear();
        if (foreign_keys_were_on_) db_.try_execute("PRAGMA foreign_keys = ON");
        foreign_keys_were_on_ = false;
    }

    void write(const table_info& t, const std::vector<std::size_t>& columns, const driftless::detail::row_batch& rows,
               const std::string& progress) override {
        if (insert_table_ != t.name) {
            std::string marks;
            for (std::size_t i = 0; i < columns.size(); ++i) marks += i == 0 ? "?" : ", ?";
            insert_.reset();
            insert_ = std::make_unique<prepared>(
                db_, "INSERT INTO " + quote_identifier(t.name, dialect::sqlite) + " (" + select_list(t, columns) + ") VALUES (" + marks + ")");
            insert_table_ = t.name;
        }
        sqlite3_stmt* st = insert_->st;
        db_.execute("BEGIN IMMEDIATE");
        try {
            for (std::size_t r = 0; r < rows.rows(); ++r) {
                for (std::size_t c = 0; c < rows.columns; ++c) {
                    const auto& v = rows.at(r, c);
                    const int i = static_cast<int>(c) + 1;
                    using driftless::detail::cell_kind;
                    switch (v.kind) {
                        case cell_kind::null: sqlite3_bind_null(st, i); break;
                        case cell_kind::integer: sqlite3_bind_int64(st, i, v.integer); break;
                        case cell_kind::real: sqlite3_bind_double(st, i, v.real); break;
                        case cell_kind::text: sqlite3_bind_text64(st, i, rows.bytes.data() + v.offset, v.size, SQLITE_STATIC, SQLITE_UTF8); break;
                        case cell_kind::blob: sqlite3_bind_blob64(st, i, rows.bytes.data() + v.offset, v.size, SQLITE_STATIC); break;
                    }
                }
                const int rc = sqlite3_step(st);
                sqlite3_reset(st);
                if (rc != SQLITE_DONE)
                    throw error(errc::engine, "driftless.sqlite.copy", "table " + t.name + ": " + sqlite3_errmsg(db_.handle()), sqlite3_sql(st),
                                sqlite3_extended_errcode(db_.handle()));
            }
            sqlite3_clear_bindings(st);
            if (!progress.empty()) db_.execute_one(progress);
            db_.execute("COMMIT");
        } catch (...) {
            sqlite3_clear_bindings(st);
            db_.try_execute("ROLLBACK");
            throw;
        }
    }

    void end_load(const std::vector<const table_info*>& tables) override {
        insert_.reset();
        insert_table_.clear();
        std::string problems;
        for (const table_info* t : tables) {
            prepared st(db_, "SELECT rowid, \"parent\" FROM pragma_foreign_key_check(" + quote_text(t->name, dialect::sqlite) + ") LIMIT 3");
            while (sqlite3_step(st.st) == SQLITE_ROW) {
                problems += std::string(problems.empty() ? "" : "; ") + "table " + t->name + " row " +
                            (sqlite3_column_type(st.st, 0) == SQLITE_NULL ? std::string("?") : std::to_string(sqlite3_column_int64(st.st, 0))) +
                            " refers to a missing row of " + reinterpret_cast<const char*>(sqlite3_column_text(st.st, 1));
            }
        }
        if (foreign_keys_were_on_) db_.execute("PRAGMA foreign_keys = ON");
        if (!problems.empty())
            throw error(errc::engine, "driftless.copy.foreign_key",
                        "the rows copied break foreign keys: " + problems + " (the source's own rows do; the tables and rows copied stay)");
    }

    std::optional<std::int64_t> key_counter(const std::string& table) override {
        if (!has_sequence_table()) return std::nullopt;
        prepared st(db_, "SELECT seq FROM sqlite_sequence WHERE name = ?1");
        sqlite3_bind_text(st.st, 1, table.data(), static_cast<int>(table.size()), SQLITE_TRANSIENT);
        if (sqlite3_step(st.st) != SQLITE_ROW || sqlite3_column_type(st.st, 0) == SQLITE_NULL) return std::nullopt;
        return sqlite3_column_int64(st.st, 0);
    }

    void advance_key_counter(const table_info& t, const column_info&, std::int64_t at_least) override {
        if (!has_sequence_table()) return;  // an INTEGER PRIMARY KEY without AUTOINCREMENT: max(rowid) + 1 already
        const std::string sql = "UPDATE sqlite_sequence SET seq = max(seq, ?1) WHERE name = ?2";
        prepared up(db_, sql);
        sqlite3_bind_int64(up.st, 1, at_least);
        sqlite3_bind_text(up.st, 2, t.name.data(), static_cast<int>(t.name.size()), SQLITE_TRANSIENT);
        if (sqlite3_step(up.st) != SQLITE_DONE) throw error(errc::engine, "driftless.sqlite.copy", sqlite3_errmsg(db_.handle()), sql);
        if (sqlite3_changes(db_.handle()) != 0) return;
        const std::string insert = "INSERT INTO sqlite_sequence (name, seq) VALUES (?1, ?2)";
        prepared in(db_, insert);
        sqlite3_bind_text(in.st, 1, t.name.data(), static_cast<int>(t.name.size()), SQLITE_TRANSIENT);
        sqlite3_bind_int64(in.st, 2, at_least);
        if (sqlite3_step(in.st) != SQLITE_DONE) throw error(errc::engine, "driftless.sqlite.copy", sqlite3_errmsg(db_.handle()), insert);
    }

private:
    bool has_sequence_table() {
        prepared st(db_, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_sequence'");
        return sqlite3_step(st.st) == SQLITE_ROW;
    }

    const connection& db_;
    bool foreign_keys_were_on_ = false;
    std::unique_ptr<prepared> insert_;
    std::string insert_table_;
    bool reading_ = false;  ///< between begin_read() and end_read(), in the transaction begin_read() began
};

}  // namespace detail

/// The SQLite side of copy_database() (found by argument-dependent lookup).
inline std::unique_ptr<driftless::detail::copy_endpoint> make_copy_endpoint(const connection& db) {
    return std::make_unique<detail::copy_endpoint>(db);
}

}  // namespace driftless::sqlite

#endif  // DRIFTLESS_SQLITE_COPY_HPP
