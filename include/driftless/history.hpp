// driftless — the tracking table _driftless_migrations: its DDL per dialect and its rows.
#ifndef DRIFTLESS_HISTORY_HPP
#define DRIFTLESS_HISTORY_HPP

#include <chrono>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <driftless/schema.hpp>

namespace driftless {

/// The tracking table's name.
inline constexpr std::string_view history_table = "_driftless_migrations";

/// One applied migration, as migration_status() reports it.
struct migration_record {
    std::int64_t version = 0;
    std::string description{};
    std::string kind{};                ///< "auto", "file" or "baseline"
    std::string source{};              ///< the models' tables, or the file name
    std::string checksum{};            ///< SHA-256 of the normalised up SQL
    std::string checksum_algorithm{};  ///< "sha256"
    std::string up_sql{};
    std::string down_sql{};
    std::string applied_at{};          ///< UTC, "YYYY-MM-DDTHH:MM:SSZ"
    std::int64_t execution_ms = 0;
    std::optional<std::string> rolled_back_at{};
    std::string state{};               ///< "applied"; "started" while a non-transactional run is under way
    std::int64_t statements_done = 0;  ///< for engines without transactional DDL
    std::string models_checksum{};     ///< MySQL: SHA-256 of the models a model migration was planned for
    std::string backup{};              ///< SQLite: the copy of the database made before it ran, if any

    [[nodiscard]] bool rolled_back() const { return rolled_back_at.has_value(); }
    friend bool operator==(const migration_record&, const migration_record&) = default;
};

/// CREATE TABLE IF NOT EXISTS for the tracking table on `d`. Created only after the migration
/// lock is taken, so that two processes never race to create it. On MySQL it also has models_checksum: SHA-256 of the
/// models a model migration was planned for, so that only the same models resume it.
inline std::string history_table_sql(dialect d) {
    const bool my = d == dialect::mysql;
    const std::string text = my ? "VARCHAR(255)" : "TEXT";
    const std::string big = my ? "LONGTEXT" : "TEXT";
    const std::string integer = d == dialect::sqlite ? "INTEGER" : "BIGINT";
    const char q = my ? '`' : '"';
    const auto id = [q](std::string_view n) { return q + std::string(n) + q; };
    return "CREATE TABLE IF NOT EXISTS " + id(history_table) + " (\n  " + id("version") + " " + integer +
           " NOT NULL PRIMARY KEY,\n  " + id("description") + " " + big + " NOT NULL,\n  " + id("kind") + " " + text +
           " NOT NULL,\n  " + id("source") + " " + big + " NOT NULL,\n  " + id("checksum") + " " + text +
           " NOT NULL,\n  " + id("checksum_algorithm") + " " + text + " NOT NULL,\n  " + id("up_sql") + " " + big +
           " NOT NULL,\n  " + id("down_sql") + " " + big + " NOT NULL,\n  " + id("applied_at") + " " + text +
           " NOT NULL,\n  " + id("execution_ms") + " " + integer + " NOT NULL,\n  " + id("rolled_back_at") + " " +
           text + ",\n  " + id("state") + " " + text + " NOT NULL,\n  " + id("statements_done") + " " + integer +
           " NOT NULL" + (my ? ",\n  `models_checksum` VARCHAR(64)" : "") + "\n)";
}

namespace detail {

/// The tracking table's columns in the order read_history_row() takes them.
inline constexpr std::string_view history_columns =
    "version, description, kind, source, checksum, checksum_algorithm, up_sql, down_sql, applied_at, execution_ms, "
    "rolled_back_at, state, statements_done";

/// history_columns for a SELECT; without `with_sql` the up and down SQL read as empty texts (for
/// decisions that need versions, checksums and states only: a large file's SQL is not read back).
inline std::string history_select(bool with_sql) {
    if (with_sql) return std::string(history_columns);
    std::string out(history_columns);
    const std::string_view sql_columns = "up_sql, down_sql";
    out.replace(out.find(sql_columns), sql_columns.size(), "'' AS up_sql, '' AS down_sql");
    return out;
}

/// One row of SELECT history_columns, through the backend's column getters: text(i), integer(i),
/// is_null(i).
template <class Text, class Integer, class IsNull>
migration_record read_history_row(Text&& text, Integer&& integer, IsNull&& is_null) {
    migration_record r;
    r.version = integer(0);
    r.description = text(1);
    r.kind = text(2);
    r.source = text(3);
    r.checksum = text(4);
    r.checksum_algorithm = text(5);
    r.up_sql = text(6);
    r.down_sql = text(7);
    r.applied_at = text(8);
    r.execution_ms = integer(9);
    if (!is_null(10)) r.rolled_back_at = text(10);
    r.state = text(11);
    r.statements_done = integer(12);
    return r;
}

/// One parameter of a history statement: NULL, a value of its own, or a text it borrows (a
/// record's or a migration file's SQL, which may be large: never copied on the way to the engine).
/// A borrowed text is a whole std::string, so its view is followed by a NUL.
struct history_value {
    std::optional<std::string> owned{};
    const std::string* borrowed = nullptr;

    history_value() = default;
    history_value(std::optional<std::string> value) : owned(std::move(value)) {}  // NOLINT: implicit, as a value
    history_value(std::string value) : owned(std::move(value)) {}                  // NOLINT
    history_value(const char* value) : owned(std::string(value)) {}                // NOLINT
    static history_value borrow(const std::string& text) {
        history_value v;
        v.borrowed = &text;
        return v;
    }
    [[nodiscard]] bool has_value() const noexcept { return borrowed != nullptr || owned.has_value(); }
    /// The value as the engine gets it; nullopt is NULL.
    [[nodiscard]] std::optional<std::string_view> view() const {
        if (borrowed != nullptr) return std::string_view(*borrowed);
        if (owned) return std::string_view(*owned);
        return std::nullopt;
    }
    friend bool operator==(const history_value& a, const std::optional<std::string>& b) {
        const auto v = a.view();
        return v.has_value() == b.has_value() && (!v || *v == *b);
    }
};

/// A statement on the tracking table with its values as parameters (never spliced into the text):
/// what the one history writer below builds and an engine runs (engine::execute_with). It may
/// borrow the texts of the record it was built from: run it while that record lives.
struct history_statement {
    std::string sql;
    std::vector<history_value> params;  ///< without a value: NULL

    /// The parameters as engine::execute_with takes them.
    [[nodiscard]] std::vector<std::optional<std::string_view>> views() const {
        std::vector<std::optional<std::string_view>> out;
        out.reserve(params.size());
        for (const history_value& v : params) out.push_back(v.view());
        return out;
    }
};

/// The placeholder of parameter `i` (1-based) in `d`: ?1 (SQLite), $1 (PostgreSQL), ? (MySQL,
/// where the engine puts each value in as a literal, in order).
inline std::string history_placeholder(dialect d, std::size_t i) {
    switch (d) {
        case dialect::sqlite: return "?" + std::to_string(i);
        case dialect::postgresql: return "$" + std::to_string(i);
        case dialect::mysql: break;
    }
    return "?";
}

/// INSERT of history row `r` into `table` (quoted, qualified as the engine needs). The MySQL
/// table also has models_checksum (NULL when empty). The up and down SQL are borrowed: from `r`,
/// or from `up` and `down` when given (a migration file's sections, not copied into a record).
inline history_statement history_insert(const migration_record& r, dialect d, std::string_view table,
                                        const std::string* up = nullptr, const std::string* down = nullptr) {
    history_statement out;
    out.sql = "INSERT INTO " + std::string(table) + " (" + std::string(history_columns);
    if (d == dialect::mysql) out.sql += ", models_checksum";
    out.sql += ") VALUES (";
    out.params = {std::to_string(r.version), r.description, r.kind, r.source, r.checksum,
                  r.checksum_algorithm.empty() ? std::string("sha256") : r.checksum_algorithm,
                  history_value::borrow(up != nullptr ? *up : r.up_sql), history_value::borrow(down != nullptr ? *down : r.down_sql),
                  r.applied_at, std::to_string(r.execution_ms), r.rolled_back_at,
                  r.state.empty() ? std::string("applied") : r.state, std::to_string(r.statements_done)};
    if (d == dialect::mysql)
        out.params.emplace_back(r.models_checksum.empty() ? std::nullopt : std::optional<std::string>(r.models_checksum));
    for (std::size_t i = 1; i <= out.params.size(); ++i) out.sql += (i == 1 ? "" : ", ") + history_placeholder(d, i);
    out.sql += ")";
    return out;
}

/// UPDATE of the row of `version`: each column set to its value (nullopt: NULL).
inline history_statement history_update(
    dialect d, std::string_view table, std::int64_t version,
    const std::vector<std::pair<std::string_view, std::optional<std::string>>>& sets) {
    history_statement out;
    out.sql = "UPDATE " + std::string(table) + " SET ";
    for (std::size_t i = 0; i < sets.size(); ++i) {
        out.sql += (i == 0 ? "" : ", ") + std::string(sets[i].first) + " = " + history_placeholder(d, i + 1);
        out.params.push_back(sets[i].second);
    }
    out.sql += " WHERE version = " + history_placeholder(d, sets.size() + 1);
    out.params.emplace_back(std::to_string(version));
    return out;
}

/// DELETE of the row of `version`; only when it was rolled back, with `rolled_back_only`.
inline history_statement history_delete(dialect d, std::string_view table, std::int64_t version, bool rolled_back_only) {
    history_statement out;
    out.sql = "DELETE FROM " + std::string(table) + " WHERE version = " + history_placeholder(d, 1) +
              (rolled_back_only ? " AND rolled_back_at IS NOT NULL" : "");
    out.params.emplace_back(std::to_string(version));
    return out;
}

/// Every row of a result of SELECT history_columns (PostgreSQL's and MySQL's result classes:
/// rows(), text(i, c), integer(i, c), is_null(i, c)).
template <class Result>
std::vector<migration_record> history_rows(const Result& r) {
    std::vector<migration_record> out;
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back(read_history_row([&](int c) { return r.text(i, c); }, [&](int c) { return r.integer(i, c); },
                                       [&](int c) { return r.is_null(i, c); }));
    }
    return out;
}

/// The first `n` integers of a result's first row (zeros when it has none).
template <class Result>
std::vector<std::int64_t> first_row(const Result& r, std::size_t n) {
    std::vector<std::int64_t> out(n, 0);
    for (std::size_t i = 0; i < n && r.rows() != 0; ++i) out[i] = r.is_null(0, static_cast<int>(i)) ? 0 : r.integer(0, static_cast<int>(i));
    return out;
}

/// Now, in UTC, as history rows record it: "YYYY-MM-DDTHH:MM:SSZ".
inline std::string utc_now() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace detail
}  // namespace driftless

#endif  // DRIFTLESS_HISTORY_HPP
