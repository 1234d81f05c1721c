// driftless — the tracking table _driftless_migrations: its DDL per dialect and its rows.
#ifndef DRIFTLESS_HISTORY_HPP
#define DRIFTLESS_HISTORY_HPP

#include <chrono>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

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

    [[nodiscard]] bool rolled_back() const { return rolled_back_at.has_value(); }
    friend bool operator==(const migration_record&, const migration_record&) = default;
};

/// CREATE TABLE IF NOT EXISTS for the tracking table on `d`. Created only after the migration
/// lock is taken (RELIABILITY.md rule 8). On MySQL it also has models_checksum: SHA-256 of the
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
