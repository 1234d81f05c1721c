// driftless — copy tables and their rows from one database to another, of the same engine or of
// another: the target's tables made by the normal migrate path, rows converted by rule, batched,
// and verified by an order-independent digest of canonical values read back from the target.
#ifndef DRIFTLESS_COPY_HPP
#define DRIFTLESS_COPY_HPP

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include <driftless/detail/sql_tokens.hpp>
#include <driftless/detail/text.hpp>
#include <driftless/error.hpp>
#include <driftless/migrate.hpp>
#include <driftless/render.hpp>
#include <driftless/run.hpp>
#include <driftless/schema.hpp>

namespace driftless {

/// What copy does with a target table that already has rows.
enum class existing_rows {
    refuse,    ///< stop before anything is changed, naming the table and its row count (the default)
    truncate,  ///< empty it first (in the target only)
    append,    ///< add the source's rows to them
};

/// A change to a value the target cannot hold, which a copy makes only when copy_options::allow
/// names it (otherwise such a value stops the copy, naming table, key, column and value). How many
/// values each one changed, and in which column, is said in copy_result::notes.
enum class conversion {
    zero_date_as_null,  ///< a MySQL date or timestamp with a zero year, month or day ('0000-00-00') written as NULL
    nul_removed,        ///< NUL characters taken out of a text going to PostgreSQL, whose text cannot hold them
    integer_rounded,    ///< an integer beyond 2^53 written into a REAL / DOUBLE column as the nearest double
};

/// Every conversion, in the order of the enumeration.
inline constexpr conversion conversions[] = {conversion::zero_date_as_null, conversion::nul_removed, conversion::integer_rounded};

/// The conversion's name as the library spells it ("zero_date_as_null"); the command line writes
/// it with hyphens ("zero-date-as-null").
inline std::string_view to_string(conversion c) noexcept {
    switch (c) {
        case conversion::zero_date_as_null: return "zero_date_as_null";
        case conversion::nul_removed: return "nul_removed";
        case conversion::integer_rounded: return "integer_rounded";
    }
    return "?";
}

/// A table's progress, given to copy_options::observer when its load starts (rows 0), after each
/// batch, and once every table is loaded and verified (done).
struct copy_event {
    std::string table{};
    std::int64_t rows = 0;    ///< rows sent so far (on PostgreSQL the last batch may still be committing)
    std::int64_t total = -1;  ///< rows in the source table, counted before the copy
    bool done = false;        ///< the table is copied (and verified, unless verify is off)
    std::size_t index = 0;    ///< the table's place in the order of the load, from 0
    std::size_t count = 0;    ///< how many tables the copy loads
};

/// Options of copy_database().
struct copy_options {
    /// The tables to copy; empty: every table of the source except driftless's own. A foreign key
    /// to a table outside the selection is left out of the target (said in copy_result::notes).
    std::vector<std::string> tables{};
    std::size_t batch_rows = 10'000;  ///< rows per batch; each batch is written in one transaction
    existing_rows existing = existing_rows::refuse;
    bool verify = true;  ///< read each table back from the target and compare counts and digests
    /// Conversions of values the target cannot hold that the copy may make (each counted in the
    /// notes); by default none: such a value stops the copy.
    std::vector<conversion> allow{};
    /// Stored with the target's history row of the migration that creates the tables.
    std::string description{};
    /// Called when a table's load starts, after each batch, and for each table once all are done (and
    /// verified; the copy's progress rows are removed after these last calls). It must not use the
    /// target's connection: a batch may still be in flight on it.
    std::function<void(const copy_event&)> observer{};
};

/// One table's copy.
struct copy_table_result {
    std::string name{};
    std::int64_t rows = 0;      ///< rows written
    double seconds = 0;         ///< reading, converting, writing and verifying
    bool verified = false;      ///< count and digest read back from the target matched
    /// Rows an earlier copy of the same source that stopped had written and recorded; this one
    /// went on after them (included in `rows`). Equal to `rows` for a table it had finished.
    std::int64_t resumed_rows = 0;
    std::string digest{};       ///< the digest of the rows copied (hex), as computed on both sides; empty without verify
};

/// What copy_database() did.
struct copy_result {
    std::vector<copy_table_result> tables{};
    /// What the target's schema could not take as the source has it (a CHECK, an expression
    /// default or a collation written in the source's SQL, a foreign key to a table not copied).
    std::vector<std::string> notes{};
    std::int64_t version = 0;  ///< the target's migration that created the tables (0: none needed)
};

namespace detail {

/// One value of a row on its way between engines.
enum class cell_kind : std::uint8_t { null, integer, real, text, blob };

struct cell {
    cell_kind kind = cell_kind::null;
    std::int64_t integer = 0;
    double real = 0;
    std::uint32_t offset = 0;  ///< text and blob: where the bytes are in row_batch::bytes
    std::uint32_t size = 0;
};

/// Rows of one table, column by column, the bytes of texts and blobs in one buffer.
struct row_batch {
    std::size_t columns = 0;
    std::vector<cell> cells{};
    std::string bytes{};

    void clear() {
        cells.clear();
        bytes.clear();
    }
    [[nodiscard]] std::size_t rows() const { return columns == 0 ? 0 : cells.size() / columns; }
    [[nodiscard]] const cell& at(std::size_t row, std::size_t column) const { return cells[row * columns + column]; }
    [[nodiscard]] std::string_view view(const cell& c) const { return std::string_view(bytes).substr(c.offset, c.size); }
    void add_null() { cells.push_back({}); }
    void add_integer(std::int64_t v) { cells.push_back({cell_kind::integer, v, 0, 0, 0}); }
    void add_real(double v) { cells.push_back({cell_kind::real, 0, v, 0, 0}); }
    void add_bytes(cell_kind k, std::string_view v) {
        if (bytes.size() + v.size() > 0xFFFF'FFFFu)
            throw error(errc::unsupported, "driftless.copy.batch", "a batch holds more than 4 GiB; use a smaller batch_rows");
        cells.push_back({k, 0, 0, static_cast<std::uint32_t>(bytes.size()), static_cast<std::uint32_t>(v.size())});
        bytes.append(v);
    }
};

/// A batch also ends once its texts and blobs hold this many bytes, whatever batch_rows says.
inline constexpr std::size_t batch_bytes = 64u << 20;

/// Reads a table's rows in batches, in primary-key order when there is one.
class copy_reader {
public:
    virtual ~copy_reader() = default;
    /// Up to `max_rows` rows (and about batch_bytes of text and blobs) put in `into` (cleared
    /// first); false when there were none left.
    virtual bool next(row_batch& into, std::size_t max_rows) = 0;
};

/// One side of a copy, on one engine. A table_info given to it has that engine's column types.
class copy_endpoint {
public:
    virtual ~copy_endpoint() = default;
    [[nodiscard]] virtual dialect sql_dialect() const = 0;
    /// Says which database this is, so that a copy onto its own source is refused ("" unknown).
    [[nodiscard]] virtual std::string identity() = 0;
    virtual std::int64_t count_rows(const std::string& table) = 0;
    /// The rows of `columns` of `t`, in primary-key order; with `after`, only those whose key (one
    /// integer column) is greater.
    virtual std::unique_ptr<copy_reader> read(const table_info& t, const std::vector<std::size_t>& columns,
                                              std::optional<std::int64_t> after) = 0;
    /// Whether the target takes its foreign keys with the tables and checks them after the load
    /// (SQLite, where adding one later rebuilds the table); otherwise they are added after it.
    [[nodiscard]] virtual bool foreign_keys_with_tables() const { return false; }
    virtual void begin_load() {}
    /// The rows of `tables` removed, together (one statement where the engine has one; by default
    /// a DELETE of each in one transaction).
    virtual void truncate(const std::vector<const table_info*>& tables) {
        std::vector<std::string> deletes;
        for (const table_info* t : tables) deletes.push_back("DELETE FROM " + table_name(t->name));
        record(deletes);
    }
    /// `rows` (of `columns` of `t`) written in one transaction, with `progress` (one statement, or
    /// empty) run in the same transaction before it commits; an engine may finish it at its next
    /// call (PostgreSQL does, to work on it while the next batch is read), so an error may surface
    /// there, naming this batch's table.
    virtual void write(const table_info& t, const std::vector<std::size_t>& columns, const row_batch& rows, const std::string& progress) = 0;
    /// Target: table `name` as statements write it (quoted; qualified with the schema copied into).
    [[nodiscard]] virtual std::string table_name(std::string_view name) const = 0;
    /// Target: whether it has table `name` (driftless's own included, which catalogs leave out).
    virtual bool has_table(std::string_view name) = 0;
    /// Target: `statements` run in one transaction (a batch still in flight finished first).
    virtual void record(const std::vector<std::string>& statements) = 0;
    /// Target: the first `n` columns, integers, of the first row `sql` returns; empty when none.
    virtual std::vector<std::int64_t> integers(const std::string& sql, std::size_t n) = 0;
    /// After every table is written: foreign keys checked (SQLite), identity sequences moved past
    /// the largest key copied (PostgreSQL).
    virtual void end_load(const std::vector<const table_info*>& /*tables*/) {}
    /// The load stopped by an error: put back what begin_load changed (SQLite's foreign_keys), and
    /// finish a batch still in flight as the ones before it were (PostgreSQL).
    virtual void abort_load() noexcept {}
    /// Source: the last number a table's key counter gave (SQLite's AUTOINCREMENT counter, which
    /// may be past the largest key left); nothing when it has none.
    virtual std::optional<std::int64_t> key_counter(const std::string& /*table*/) { return std::nullopt; }
    /// Target: the counter of `t`'s auto-increment column `c` moved to at least `at_least`, so
    /// that no number the source gave is given again.
    virtual void advance_key_counter(const table_info& /*t*/, const column_info& /*c*/, std::int64_t /*at_least*/) {}
    /// Target: the collation of the text columns a copy creates from another engine's tables, so
    /// that texts compare byte for byte as there (empty: the engine's default).
    [[nodiscard]] virtual std::string text_collation() { return {}; }
    /// Source: the reads that follow see one snapshot of the database, in the copy's session
    /// settings (MySQL: one transaction WITH CONSISTENT SNAPSHOT, timestamps in UTC), until
    /// end_read().
    virtual void begin_read() {}
    virtual void end_read() noexcept {}
};

// ---------------------------------------------------------------------------------------------
// The target's schema: the source's, in the target's types.
// ---------------------------------------------------------------------------------------------

inline std::string upper_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    return out;
}

/// The numbers in parentheses after a type name ("VARCHAR(40)" -> {40}, "DECIMAL(10, 2)" -> {10, 2}).
inline std::vector<std::uint32_t> type_arguments(std::string_view spelling) {
    std::vector<std::uint32_t> out;
    const auto open = spelling.find('(');
    if (open == std::string_view::npos) return out;
    std::uint64_t n = 0;
    bool digits = false;
    for (std::size_t i = open + 1; i < spelling.size() && spelling[i] != ')'; ++i) {
        const char c = spelling[i];
        if (c >= '0' && c <= '9') {
            n = std::min<std::uint64_t>(n * 10 + static_cast<unsigned>(c - '0'), 0xFFFF'FFFFu);
            digits = true;
        } else if (c == ',') {
            out.push_back(static_cast<std::uint32_t>(n));
            n = 0;
            digits = false;
        }
    }
    if (digits) out.push_back(static_cast<std::uint32_t>(n));
    return out;
}

/// A SQLite column's declared type as a portable one, by SQLite's own affinity rules (section 3.1
/// of its datatype documentation) refined by the usual names: BOOLEAN, DATE, DATETIME/TIMESTAMP,
/// DECIMAL/NUMERIC(p,s), VARCHAR(n). No declared type (a column that takes any value) is text.
inline column_type portable_sqlite_type(const std::string& spelling) {
    const std::string u = upper_ascii(spelling);
    const auto has = [&](std::string_view part) { return u.find(part) != std::string::npos; };
    const std::string name = u.substr(0, u.find('('));
    const std::vector<std::uint32_t> args = type_arguments(u);
    column_type t;
    if (name == "BOOLEAN" || name == "BOOL") {
        t.kind = type_kind::boolean;
    } else if (has("INT")) {
        t.kind = type_kind::integer;
        t.bits = 64;
    } else if (has("CHAR") || has("CLOB") || has("TEXT")) {
        t.kind = type_kind::text;
        if (!args.empty() && args[0] != 0 && args[0] <= 10'485'760) t.length = args[0];
    } else if (has("BLOB")) {
        t.kind = type_kind::blob;
    } else if (has("REAL") || has("FLOA") || has("DOUB")) {
        t.kind = type_kind::real;
        t.bits = 64;
    } else if (name == "DATE") {
        t.kind = type_kind::date;
    } else if (has("DATETIME") || has("TIMESTAMP")) {
        t.kind = type_kind::timestamp;
        t.precision = 6;
    } else if (name == "DECIMAL" || name == "NUMERIC") {
        t.kind = type_kind::decimal;  // precision 0: any (NUMERIC without a precision)
        if (!args.empty() && args[0] >= 1 && args[0] <= 255 && (args.size() < 2 || args[1] <= args[0])) {
            t.precision = static_cast<std::uint8_t>(args[0]);
            t.scale = static_cast<std::uint8_t>(args.size() < 2 ? 0 : args[1]);
        }
    } else {  // no type, or one SQLite gives NUMERIC affinity without knowing it (JSON, UUID, ...)
        t.kind = type_kind::text;
    }
    return t;
}

/// A PostgreSQL column's type (as format_type() spells it) as a portable one; nothing for a type
/// that has no portable counterpart (json, uuid, time, interval, arrays, enums, ...), which a copy
/// to another engine carries as its text.
inline std::optional<column_type> portable_postgresql_type(const std::string& spelling) {
    std::string u = upper_ascii(spelling);
    const std::vector<std::uint32_t> args = type_arguments(u);
    if (const auto open = u.find('('); open != std::string::npos) {
        const auto close = u.find(')', open);
        u.erase(open, close == std::string::npos ? std::string::npos : close - open + 1);  // "TIMESTAMP(3) WITH TIME ZONE"
    }
    column_type t;
    if (u == "SMALLINT" || u == "INTEGER" || u == "BIGINT") {
        t.kind = type_kind::integer;
        t.bits = u == "SMALLINT" ? 16 : u == "INTEGER" ? 32 : 64;
    } else if (u == "REAL" || u == "DOUBLE PRECISION") {
        t.kind = type_kind::real;
        t.bits = u == "REAL" ? 32 : 64;
    } else if (u == "NUMERIC") {
        t.kind = type_kind::decimal;  // precision 0: any (NUMERIC without a precision, or beyond 255)
        if (!args.empty() && args[0] >= 1 && args[0] <= 255 && (args.size() < 2 || args[1] <= args[0])) {
            t.precision = static_cast<std::uint8_t>(args[0]);
            t.scale = static_cast<std::uint8_t>(args.size() < 2 ? 0 : args[1]);
        }
    } else if (u == "BOOLEAN") {
        t.kind = type_kind::boolean;
    } else if (u == "TEXT" || u == "CHARACTER VARYING" || u == "CHARACTER") {
        t.kind = type_kind::text;
        if (!args.empty()) t.length = args[0];
        else if (u == "CHARACTER") t.length = 1;
    } else if (u == "BYTEA") {
        t.kind = type_kind::blob;
    } else if (u == "DATE") {
        t.kind = type_kind::date;
    } else if (u == "TIMESTAMP WITHOUT TIME ZONE" || u == "TIMESTAMP WITH TIME ZONE") {
        t.kind = type_kind::timestamp;
        t.local = u == "TIMESTAMP WITHOUT TIME ZONE";
        t.precision = static_cast<std::uint8_t>(args.empty() || args[0] > 6 ? 6 : args[0]);
    } else {
        return std::nullopt;
    }
    return t;
}

/// A MySQL / MariaDB column's type (as canonical_mysql_type spells it: "int unsigned",
/// "tinyint(1)", "decimal(10,2)") as a portable one; nothing for a type without a portable
/// counterpart (time, enum, set, json, spatial types, ...), which a copy to another engine carries
/// as its text. BIGINT UNSIGNED is a signed 64-bit integer (a value beyond 2^63 - 1 is refused),
/// so that an AUTO_INCREMENT key stays an identity; the smaller unsigned integers keep their
/// range. FLOAT is read as the exact double it holds, so it becomes a 64-bit real.
inline std::optional<column_type> portable_mysql_type(const std::string& spelling) {
    const std::string u = upper_ascii(spelling);
    const std::vector<std::uint32_t> args = type_arguments(u);
    const std::string name = u.substr(0, std::min(u.find('('), u.find(' ')));
    const bool is_unsigned = u.find(" UNSIGNED") != std::string::npos;
    column_type t;
    if ((name == "TINYINT" && args.size() == 1 && args[0] == 1 && !is_unsigned) || (name == "BIT" && (args.empty() || args[0] == 1))) {
        t.kind = type_kind::boolean;
    } else if (name == "TINYINT" || name == "SMALLINT" || name == "MEDIUMINT" || name == "INT" || name == "BIGINT" || name == "YEAR" ||
               name == "BIT") {
        t.kind = type_kind::integer;
        t.bits = name == "TINYINT" ? 8 : name == "SMALLINT" || name == "YEAR" ? 16 : name == "MEDIUMINT" ? 24 : name == "INT" ? 32 : 64;
        t.is_unsigned = is_unsigned && t.bits < 64;
    } else if (name == "FLOAT" || name == "DOUBLE") {
        t.kind = type_kind::real;
        t.bits = 64;
    } else if (name == "DECIMAL") {
        t.kind = type_kind::decimal;
        if (!args.empty() && args[0] >= 1 && args[0] <= 255 && (args.size() < 2 || args[1] <= args[0])) {
            t.precision = static_cast<std::uint8_t>(args[0]);
            t.scale = static_cast<std::uint8_t>(args.size() < 2 ? 0 : args[1]);
        }
    } else if (name == "CHAR" || name == "VARCHAR") {
        t.kind = type_kind::text;
        t.length = args.empty() || args[0] == 0 ? 1 : args[0];
    } else if (name == "TINYTEXT" || name == "TEXT" || name == "MEDIUMTEXT" || name == "LONGTEXT") {
        t.kind = type_kind::text;
    } else if (name == "BINARY" || name == "VARBINARY" || name == "TINYBLOB" || name == "BLOB" || name == "MEDIUMBLOB" || name == "LONGBLOB") {
        t.kind = type_kind::blob;
    } else if (name == "DATE") {
        t.kind = type_kind::date;
    } else if (name == "DATETIME" || name == "TIMESTAMP") {
        t.kind = type_kind::timestamp;
        t.local = name == "DATETIME";  // a TIMESTAMP is a moment, read in UTC
        t.precision = static_cast<std::uint8_t>(args.empty() || args[0] > 6 ? 0 : args[0]);
    } else {
        return std::nullopt;
    }
    return t;
}

/// A default written in SQLite's SQL, or PostgreSQL's as driftless reads it, as a portable one: a
/// number, a quoted text, TRUE/FALSE, CURRENT_TIMESTAMP; nothing (and `false`) for any other
/// expression.
inline bool portable_default(const std::string& sql, const column_type& type, column_default& out) {
    std::string_view s = sql;
    while (!s.empty() && s.front() == '(' && s.back() == ')') s = s.substr(1, s.size() - 2);
    const std::string u = upper_ascii(s);
    out = {};
    if (u == "NULL") return true;
    if (u == "CURRENT_TIMESTAMP" || (u.rfind("CURRENT_TIMESTAMP(", 0) == 0 && u.back() == ')')) {  // MySQL's CURRENT_TIMESTAMP(3)
        out.kind = default_kind::current_timestamp;
        return type.kind == type_kind::timestamp;
    }
    if (u == "TRUE" || u == "FALSE") {
        out.kind = default_kind::boolean;
        out.boolean = u == "TRUE";
        return type.kind == type_kind::boolean;
    }
    if (s.size() >= 2 && s.front() == '\'' && s.back() == '\'') {
        std::string text;
        for (std::size_t i = 1; i + 1 < s.size(); ++i) {
            if (s[i] == '\'') {
                if (s[i + 1] != '\'') return false;
                ++i;
            }
            text += s[i];
        }
        out.kind = default_kind::text;
        out.text = std::move(text);
        return type.kind == type_kind::text || type.kind == type_kind::date || type.kind == type_kind::timestamp;
    }
    std::int64_t i = 0;
    if (auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), i); ec == std::errc() && p == s.data() + s.size()) {
        if (type.kind == type_kind::boolean && (i == 0 || i == 1)) {
            out.kind = default_kind::boolean;
            out.boolean = i == 1;
            return true;
        }
        out.kind = default_kind::integer;
        out.integer = i;
        return type.kind == type_kind::integer || type.kind == type_kind::real || type.kind == type_kind::decimal;
    }
    double d = 0;
    if (auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d); ec == std::errc() && p == s.data() + s.size() && std::isfinite(d)) {
        out.kind = default_kind::real;
        out.real = d;
        return type.kind == type_kind::real || type.kind == type_kind::decimal;
    }
    return false;
}

/// A table of portable types as MySQL should hold a copy of it: a text without a length is LONGTEXT
/// (VARCHAR(255) is what a model gets), or VARCHAR(768) where an index, key or foreign key needs a
/// length (768 characters of utf8mb4: InnoDB's 3,072-byte key limit); a real of 32 bits is a
/// DOUBLE (MySQL's FLOAT prints 6 digits); a NUMERIC of any precision is DECIMAL(65,30), so that
/// what does not fit is refused by rule.
inline void fit_for_mysql(table_info& t) {
    const auto keyed = [&](const std::string& column) {
        const auto in = [&](const std::vector<std::string>& list) { return std::find(list.begin(), list.end(), column) != list.end(); };
        return in(t.primary_key) || std::any_of(t.uniques.begin(), t.uniques.end(), [&](const unique_info& u) { return in(u.columns); }) ||
               std::any_of(t.indexes.begin(), t.indexes.end(), [&](const index_info& x) { return in(x.columns); }) ||
               std::any_of(t.foreign_keys.begin(), t.foreign_keys.end(), [&](const foreign_key_info& fk) { return in(fk.columns); });
    };
    for (column_info& c : t.columns) {
        if (c.type.kind == type_kind::real) c.type.bits = 64;
        if (c.type.kind == type_kind::decimal && c.type.precision == 0) {
            c.type.precision = 65;
            c.type.scale = 30;
        }
        if (c.type.kind == type_kind::text && c.type.length == 0) {
            if (keyed(c.name)) {
                c.type.length = 768;
            } else {
                c.type = {};
                c.type.kind = type_kind::custom;
                c.type.mysql = "LONGTEXT";
            }
        }
    }
}

/// `source` (read from an engine of dialect `from`) as the tables to create on dialect `to`, with
/// what cannot be carried over said in `notes`. The same dialect keeps everything as it is.
inline schema copy_target_schema(const schema& source, dialect from, dialect to, std::vector<std::string>& notes) {
    schema out = source;
    for (table_info& t : out.tables) {
        // Names for what the source left unnamed (SQLite's constraints), as the models name them.
        std::vector<std::string> taken;
        const auto name = [&](std::string& n, const std::string& wanted) {
            if (n.empty()) {
                n = fit_name(wanted);
                for (int k = 2; std::find(taken.begin(), taken.end(), n) != taken.end(); ++k) n = fit_name(wanted + "_" + std::to_string(k));
            }
            taken.push_back(n);
        };
        for (unique_info& u : t.uniques) {
            name(u.name, t.name + "_" + joined_names(u.columns) + "_key");
            u.unmanaged = false;
        }
        for (foreign_key_info& fk : t.foreign_keys) {
            name(fk.name, t.name + "_" + joined_names(fk.columns) + "_fkey");
            fk.unmanaged = false;
        }
        for (check_info& c : t.checks) {
            name(c.name, t.name + "_check_" + std::to_string(fnv1a(c.expression)));
            c.unmanaged = false;
        }
        for (index_info& x : t.indexes) {
            name(x.name, t.name + "_" + joined_names(x.columns) + "_idx");
            x.unmanaged = false;
        }
        std::erase_if(t.foreign_keys, [&](foreign_key_info& fk) {
            for (const table_info& other : source.tables) {
                if (same_name(other.name, fk.ref_table)) {
                    fk.ref_table = other.name;  // SQLite matches names in any case
                    return false;
                }
            }
            notes.push_back("table " + t.name + ": foreign key " + (fk.name.empty() ? "" : fk.name + " ") + "to " + fk.ref_table +
                            " left out (" + fk.ref_table + " is not copied)");
            return true;
        });
    }
    if (from == to) {
        if (to == dialect::postgresql) {
            for (table_info& t : out.tables) {
                for (column_info& c : t.columns) {
                    // An identity or serial key is written as an identity of its integer type.
                    if (!c.auto_increment || c.type.kind != type_kind::custom) continue;
                    if (const auto portable = portable_postgresql_type(c.type.postgresql); portable && portable->kind == type_kind::integer)
                        c.type = *portable;
                }
            }
        }
        if (to == dialect::mysql) {
            for (table_info& t : out.tables) {
                for (column_info& c : t.columns) {
                    // An AUTO_INCREMENT key is written as the integer type it is (unsigned kept).
                    if (!c.auto_increment || c.type.kind != type_kind::custom) continue;
                    if (auto portable = portable_mysql_type(c.type.mysql); portable && portable->kind == type_kind::integer) {
                        portable->is_unsigned = upper_ascii(c.type.mysql).find("UNSIGNED") != std::string::npos;
                        c.type = *portable;
                    }
                }
            }
        }
        if (to == dialect::sqlite) {
            for (table_info& t : out.tables) {
                for (column_info& c : t.columns) {
                    if (c.auto_increment && c.type.kind == type_kind::custom && upper_ascii(c.type.sqlite) == "INTEGER") {
                        c.type = {};  // AUTOINCREMENT is written for an integer key only
                        c.type.kind = type_kind::integer;
                        c.type.bits = 64;
                    }
                    if (c.type.kind != type_kind::custom || !c.type.sqlite.empty()) continue;
                    // No declared type: BLOB is the same affinity, and a type the renderer can write.
                    c.type.sqlite = "BLOB";
                    notes.push_back("table " + t.name + ": column " + c.name + " has no declared type; created as BLOB (the same affinity: values kept as they are)");
                }
            }
        }
        return out;
    }
    const std::string engine = from == dialect::sqlite ? "SQLite" : from == dialect::postgresql ? "PostgreSQL" : "MySQL";
    for (table_info& t : out.tables) {
        const auto note = [&](const std::string& what) { notes.push_back("table " + t.name + ": " + what); };
        const bool rowid_key = t.primary_key.size() == 1 && upper_ascii(t.sqlite_options).find("WITHOUT ROWID") == std::string::npos;
        for (column_info& c : t.columns) {
            if (from == dialect::sqlite) {
                const std::string declared = c.type.sqlite;
                c.type = portable_sqlite_type(declared);
                // An INTEGER PRIMARY KEY is SQLite's rowid: it numbers new rows by itself.
                if (rowid_key && t.primary_key[0] == c.name && upper_ascii(declared) == "INTEGER") c.auto_increment = true;
            } else {
                const std::string declared = from == dialect::postgresql ? c.type.postgresql : c.type.mysql;
                if (const std::optional<column_type> portable =
                        from == dialect::postgresql ? portable_postgresql_type(declared) : portable_mysql_type(declared)) {
                    c.type = *portable;
                    if (from == dialect::mysql && c.type.kind == type_kind::integer && c.type.bits == 64 &&
                        upper_ascii(declared).find("UNSIGNED") != std::string::npos)
                        note("column " + c.name + ": " + declared + " copied as a signed 64-bit integer (a value above 9223372036854775807 is refused)");
                } else {
                    c.type = {};
                    c.type.kind = type_kind::text;
                    note("column " + c.name + ": " + engine + " type " + declared + " has no counterpart; copied as its text");
                }
                if (c.auto_increment && c.type.kind != type_kind::integer) c.auto_increment = false;
            }
            // What is written in the source's SQL is left out, named.
            if (c.default_value.kind == default_kind::raw) {
                column_default d;
                if (portable_default(c.default_value.text, c.type, d)) {
                    c.default_value = d;
                } else {
                    note("column " + c.name + ": default " + c.default_value.text + " left out (" + engine + " SQL)");
                    c.default_value = {};
                }
            }
            if (!c.collation.empty()) {
                note("column " + c.name + ": collation " + c.collation + " left out");
                c.collation.clear();
            }
            if (!c.generated.empty()) {
                note("column " + c.name + ": generated as " + c.generated + " on " + engine + "; copied as a plain column with its values");
                c.generated.clear();
            }
            if (!c.on_update.empty()) {
                note("column " + c.name + ": ON UPDATE " + c.on_update + " left out (" + engine + " SQL)");
                c.on_update.clear();
            }
            if (!c.comment.empty() && to != dialect::mysql) {
                note("column " + c.name + ": comment left out");
                c.comment.clear();
            }
            c.charset.clear();
        }
        t.charset.clear();
        t.collation.clear();
        for (const check_info& ck : t.checks) note("CHECK " + ck.expression + " left out (" + engine + " SQL)");
        t.checks.clear();
        std::erase_if(t.indexes, [&](index_info& x) {
            // An index on plain columns is rendered anew; one on an expression or with a WHERE
            // is the source's SQL (SQLite's statement as written, in x.definition).
            const bool partial = !x.where.empty() || upper_ascii(x.definition).find(" WHERE ") != std::string::npos;
            if (!x.columns.empty() && !partial) {
                x.definition.clear();
                return false;
            }
            note("index " + x.name + " left out (" + (partial ? "partial" : "on an expression") + ", " + engine + " SQL)");
            return true;
        });
        t.sqlite_options.clear();
        if (to == dialect::mysql) fit_for_mysql(t);
    }
    if (from == dialect::mysql) {
        // MySQL names indexes per table; SQLite and PostgreSQL per database, beside the tables.
        std::vector<std::string> used;
        for (const table_info& t : out.tables) used.push_back(t.name);
        const auto taken = [&](const std::string& n) { return std::any_of(used.begin(), used.end(), [&](const std::string& u) { return same_name(u, n); }); };
        for (table_info& t : out.tables) {
            const auto own_name = [&](std::string& n) {
                if (taken(n)) {
                    const std::string wanted = t.name + "_" + n;
                    std::string renamed = fit_name(wanted);
                    for (int k = 2; taken(renamed); ++k) renamed = fit_name(wanted + "_" + std::to_string(k));
                    notes.push_back("table " + t.name + ": index " + n + " renamed " + renamed + " (MySQL names indexes per table, " +
                                    (to == dialect::sqlite ? "SQLite" : "PostgreSQL") + " per database)");
                    n = renamed;
                }
                used.push_back(n);
            };
            for (unique_info& u : t.uniques) own_name(u.name);
            for (index_info& x : t.indexes) own_name(x.name);
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Values converted by rule, and their canonical digest.
// ---------------------------------------------------------------------------------------------

inline std::string real_text(double d) {
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, d);
    return std::string(buf, r.ptr);
}

/// A decimal number's text normalized: no '+', no leading zeros, no trailing fractional zeros,
/// "-0" as "0"; nothing when `s` is not a decimal number.
inline std::optional<std::string> normal_decimal(std::string_view s) {
    std::string sign;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        if (s[0] == '-') sign = "-";
        s.remove_prefix(1);
    }
    const auto dot = s.find('.');
    std::string whole(s.substr(0, dot)), fraction(dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1));
    if (whole.empty() && fraction.empty()) return std::nullopt;
    for (const char c : whole + fraction) {
        if (c < '0' || c > '9') return std::nullopt;
    }
    whole.erase(0, std::min(whole.find_first_not_of('0'), whole.size()));
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
    if (whole.empty()) whole = "0";
    if (whole == "0" && fraction.empty()) sign.clear();
    return sign + whole + (fraction.empty() ? "" : "." + fraction);
}

/// A finite double as a plain decimal number: the shortest fixed-point text that reads back as it
/// (1e-06 as "0.000001"), normalized.
inline std::string plain_decimal(double d) {
    char buf[400];
    const auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
    return normal_decimal(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf))).value_or("0");
}

/// A date or timestamp's text normalized: "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS[.fraction]" with
/// 'T' as a space, a zone offset applied (to UTC) unless `local`, trailing fractional zeros
/// dropped; nothing when `s` is not one.
inline std::optional<std::string> normal_timestamp(std::string_view s, bool local, bool date_only = false) {
    const auto digits = [&](std::size_t at, std::size_t n) -> int {
        if (at + n > s.size()) return -1;
        int v = 0;
        for (std::size_t i = at; i < at + n; ++i) {
            if (s[i] < '0' || s[i] > '9') return -1;
            v = v * 10 + (s[i] - '0');
        }
        return v;
    };
    const int year = digits(0, 4), month = digits(5, 2), day = digits(8, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || s[4] != '-' || s[7] != '-') return std::nullopt;
    const std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                                          std::chrono::day(static_cast<unsigned>(day))};
    if (!ymd.ok()) return std::nullopt;
    if (s.size() == 10) return date_only ? std::string(s) : std::string(s) + " 00:00:00";  // a date as a timestamp: midnight
    if (date_only) return std::nullopt;
    if (s[10] != ' ' && s[10] != 'T') return std::nullopt;
    const int hour = digits(11, 2), minute = digits(14, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || s[13] != ':') return std::nullopt;
    std::size_t at = 16;
    int second = 0;
    if (at < s.size() && s[at] == ':') {
        second = digits(at + 1, 2);
        if (second < 0 || second > 60) return std::nullopt;
        at += 3;
    }
    std::string fraction;
    if (at < s.size() && s[at] == '.' && at == 19) {  // a fraction after the seconds only
        ++at;
        while (at < s.size() && s[at] >= '0' && s[at] <= '9') fraction += s[at++];
        if (fraction.empty()) return std::nullopt;
        while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
    }
    int offset_minutes = 0;
    if (at < s.size()) {
        std::string_view zone = s.substr(at);
        if (!zone.empty() && zone.front() == ' ') zone.remove_prefix(1);
        if (zone == "Z" || zone == "z" || zone == "UTC") {
        } else if (!zone.empty() && (zone[0] == '+' || zone[0] == '-')) {
            const std::string_view z = zone.substr(1);
            int h = -1, m = 0;
            const auto two = [&](std::size_t i) { return z.size() >= i + 2 && z[i] >= '0' && z[i] <= '9' && z[i + 1] >= '0' && z[i + 1] <= '9' ? (z[i] - '0') * 10 + (z[i + 1] - '0') : -1; };
            h = two(0);
            if (z.size() == 5 && z[2] == ':') m = two(3);
            else if (z.size() == 4) m = two(2);
            else if (z.size() != 2) h = -1;
            if (h < 0 || m < 0) return std::nullopt;
            offset_minutes = (zone[0] == '-' ? -1 : 1) * (h * 60 + m);
        } else {
            return std::nullopt;
        }
    }
    using namespace std::chrono;
    sys_seconds t = sys_days(ymd) + hours(hour) + minutes(minute) + seconds(second);
    if (!local) t -= minutes(offset_minutes);
    const sys_days d = floor<days>(t);
    const year_month_day out_ymd(d);
    const hh_mm_ss<seconds> hms(t - d);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d", static_cast<int>(out_ymd.year()), static_cast<unsigned>(out_ymd.month()),
                  static_cast<unsigned>(out_ymd.day()), static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
    return std::string(buf) + (fraction.empty() ? "" : "." + fraction);
}

/// A value as it is shown in an error: text quoted and cut at 60 bytes, a blob as its size.
inline std::string shown_value(const row_batch& b, const cell& c) {
    switch (c.kind) {
        case cell_kind::null: return "NULL";
        case cell_kind::integer: return std::to_string(c.integer);
        case cell_kind::real: return real_text(c.real);
        case cell_kind::text: {
            std::string v(b.view(c).substr(0, 60));
            for (char& ch : v) {
                if (static_cast<unsigned char>(ch) < 0x20) ch = '?';
            }
            return "'" + v + (c.size > 60 ? "...'" : "'");
        }
        case cell_kind::blob: return "a blob of " + std::to_string(c.size) + " bytes";
    }
    return {};
}

/// Converts the rows read from the source into the values the target's columns take, by the
/// rules of docs/copy.md; a value the target cannot hold stops the copy naming table, key,
/// column and value.
class value_converter {
public:
    value_converter(const table_info& target, const std::vector<std::size_t>& columns, dialect to, bool same_dialect,
                    const std::vector<conversion>& allow = {})
        : table_(target), columns_(columns), to_(to), same_(same_dialect) {
        for (const conversion c : allow) allowed_[static_cast<std::size_t>(c)] = true;
        made_.resize(columns.size());
        for (const std::size_t c : columns) {
            types_.push_back(render_type_or_custom(target.columns[c].type));
            // A long text on MySQL (LONGTEXT, written as a custom type) takes what a text takes.
            const column_type& t = target.columns[c].type;
            kinds_.push_back(t.kind == type_kind::custom && to == dialect::mysql && upper_ascii(t.mysql) == "LONGTEXT" ? type_kind::text : t.kind);
        }
        for (const std::string& k : target.primary_key) {
            for (std::size_t i = 0; i < columns.size(); ++i) {
                if (target.columns[columns[i]].name == k) key_.push_back(i);
            }
        }
    }

    /// `in` converted into `out` (cleared first).
    void convert(const row_batch& in, row_batch& out) const {
        out.clear();
        out.columns = in.columns;
        out.cells.reserve(in.cells.size());
        out.bytes.reserve(in.bytes.size());
        for (std::size_t r = 0; r < in.rows(); ++r) {
            for (std::size_t c = 0; c < in.columns; ++c) convert_one(in, r, c, out);
        }
    }

    /// What the allowed conversions changed, a line per column and conversion ("table t, column d:
    /// 2 values ...").
    [[nodiscard]] std::vector<std::string> notes() const {
        static constexpr const char* what[] = {"MySQL zero dates written as NULL", "texts with NUL characters written without them",
                                               "integers beyond 2^53 written as the nearest double"};
        std::vector<std::string> out;
        for (std::size_t c = 0; c < made_.size(); ++c) {
            for (std::size_t k = 0; k < made_[c].size(); ++k) {
                if (made_[c][k] != 0)
                    out.push_back("table " + table_.name + ", column " + table_.columns[columns_[c]].name + ": " + std::to_string(made_[c][k]) +
                                  " " + what[k] + " (allowed: " + std::string(to_string(static_cast<conversion>(k))) + ")");
            }
        }
        return out;
    }

private:
    /// Whether conversion `c` is allowed; when it is, it is counted as made in `column`.
    bool make(conversion c, std::size_t column) const {
        if (!allowed_[static_cast<std::size_t>(c)]) return false;
        ++made_[column][static_cast<std::size_t>(c)];
        return true;
    }

    [[noreturn]] void refuse(const row_batch& b, std::size_t row, std::size_t column, const std::string& why) const {
        std::string key;
        for (const std::size_t k : key_) {
            key += (key.empty() ? "" : ", ") + table_.columns[columns_[k]].name + " = " + shown_value(b, b.at(row, k));
        }
        if (key.empty()) key = "row " + std::to_string(row + 1) + " of its batch (the table has no primary key)";
        const column_info& col = table_.columns[columns_[column]];
        throw error(errc::unsupported, "driftless.copy.value",
                    "table " + table_.name + ", " + key + ", column " + col.name + ": " + shown_value(b, b.at(row, column)) + " " + why);
    }

    void convert_one(const row_batch& in, std::size_t row, std::size_t column, row_batch& out) const {
        const cell& v = in.at(row, column);
        const column_type& t = table_.columns[columns_[column]].type;
        const std::string& target_type = types_[column];
        if (v.kind == cell_kind::null) return out.add_null();
        if (same_) {
            if (v.kind == cell_kind::integer) return out.add_integer(v.integer);
            if (v.kind == cell_kind::real) return out.add_real(v.real);
            return out.add_bytes(v.kind, in.view(v));
        }
        const std::string_view bytes = in.view(v);
        switch (kinds_[column]) {
            case type_kind::boolean:
                if (v.kind == cell_kind::integer && (v.integer == 0 || v.integer == 1)) return out.add_integer(v.integer);
                refuse(in, row, column, "is not a boolean (0 or 1) for " + target_type);
            case type_kind::integer:
                if (v.kind == cell_kind::integer) {
                    const unsigned bits = t.bits == 0 ? 64 : t.bits;
                    const std::int64_t lo = t.is_unsigned ? 0 : bits >= 64 ? INT64_MIN : -(std::int64_t{1} << (bits - 1));
                    const std::int64_t hi = bits >= 64 ? INT64_MAX : t.is_unsigned ? (std::int64_t{1} << bits) - 1 : (std::int64_t{1} << (bits - 1)) - 1;
                    if (v.integer < lo || v.integer > hi) refuse(in, row, column, "does not fit " + target_type);
                    return out.add_integer(v.integer);
                }
                if (v.kind == cell_kind::text && normal_decimal(bytes) && bytes.find('.') == std::string_view::npos)
                    refuse(in, row, column, "does not fit " + target_type);  // read as text: beyond 64 bits (BIGINT UNSIGNED)
                refuse(in, row, column, "is not an integer, which " + target_type + " needs");
            case type_kind::real:
                // SQLite writes a REAL without a fraction as an integer on disk: a zero comes back
                // without its sign, so it is written as 0 to begin with (docs/copy.md).
                if (v.kind == cell_kind::real && to_ == dialect::mysql && !std::isfinite(v.real))
                    refuse(in, row, column, "is not a finite number, which MySQL's " + target_type + " cannot hold");
                if (v.kind == cell_kind::real) return out.add_real(to_ == dialect::sqlite && v.real == 0 ? 0.0 : v.real);
                if (v.kind == cell_kind::integer) {
                    if ((v.integer > (std::int64_t{1} << 53) || v.integer < -(std::int64_t{1} << 53)) && !make(conversion::integer_rounded, column))
                        refuse(in, row, column,
                               "is an integer beyond 2^53, which " + target_type + " would round (allow the conversion integer_rounded to write the "
                               "nearest double)");
                    return out.add_real(static_cast<double>(v.integer));
                }
                refuse(in, row, column, "is not a number, which " + target_type + " needs");
            case type_kind::decimal: {
                std::optional<std::string> d;
                if (v.kind == cell_kind::integer) d = std::to_string(v.integer);
                else if (v.kind == cell_kind::real && std::isfinite(v.real)) d = plain_decimal(v.real);
                else if (v.kind == cell_kind::text) d = normal_decimal(bytes);
                if (!d) refuse(in, row, column, "is not a decimal number, which " + target_type + " needs");
                if (to_ == dialect::sqlite && !same_) {
                    // SQLite's NUMERIC affinity stores an integer within 64 bits as it is and any
                    // other number as a REAL, keeping 15 significant digits.
                    std::int64_t whole = 0;
                    const bool exact_integer = std::from_chars(d->data(), d->data() + d->size(), whole).ptr == d->data() + d->size();
                    std::size_t significant = 0;
                    bool leading = true;
                    for (const char ch : *d) {
                        if (ch < '0' || ch > '9' || (leading && ch == '0')) continue;
                        leading = false;
                        ++significant;
                    }
                    if (!exact_integer && significant > 15)
                        refuse(in, row, column, "has more than 15 significant digits, which SQLite's NUMERIC keeps (it stores a REAL)");
                }
                if (t.precision != 0) {  // NUMERIC(p,s) would round the fraction, or refuse the value
                    const std::string_view digits = std::string_view(*d).substr((*d)[0] == '-' ? 1 : 0);
                    const auto dot = digits.find('.');
                    const std::size_t fraction = dot == std::string_view::npos ? 0 : digits.size() - dot - 1;
                    const std::size_t whole = digits.substr(0, dot) == "0" ? 0 : std::min(dot, digits.size());
                    if (fraction > t.scale) refuse(in, row, column, "has more decimal places than " + target_type + " keeps");
                    if (whole > static_cast<std::size_t>(t.precision - t.scale)) refuse(in, row, column, "does not fit " + target_type);
                }
                return out.add_bytes(cell_kind::text, *d);
            }
            case type_kind::text:
            case type_kind::enumeration:
                if (v.kind == cell_kind::integer || v.kind == cell_kind::real) {
                    const std::string text = v.kind == cell_kind::integer ? std::to_string(v.integer) : real_text(v.real);
                    if (t.length != 0 && text.size() > t.length) refuse(in, row, column, "is longer than " + target_type + " as text");
                    return out.add_bytes(cell_kind::text, text);
                }
                if (v.kind == cell_kind::blob) refuse(in, row, column, "cannot go into " + target_type + ": it is a blob, not text");
                if (to_ == dialect::postgresql && bytes.find('\0') != std::string_view::npos) {
                    if (!make(conversion::nul_removed, column))
                        refuse(in, row, column,
                               "holds a NUL character, which PostgreSQL text cannot (allow the conversion nul_removed to write it without)");
                    std::string without(bytes);
                    std::erase(without, '\0');
                    return text_into(in, row, column, without, target_type, out);
                }
                return text_into(in, row, column, bytes, target_type, out);
            case type_kind::blob:
                if (v.kind == cell_kind::blob || v.kind == cell_kind::text) return out.add_bytes(cell_kind::blob, bytes);
                refuse(in, row, column, "is a number, which " + target_type + " does not take");
            case type_kind::timestamp:
            case type_kind::date:
                if (v.kind == cell_kind::text) {
                    const auto n = normal_timestamp(bytes, t.local, t.kind == type_kind::date);
                    const std::size_t dot = n ? n->find('.') : std::string::npos;
                    const std::size_t digits = dot == std::string::npos ? 0 : n->size() - dot - 1;
                    if (n && digits > (t.precision == 0 ? 6u : t.precision))
                        refuse(in, row, column, "has more fractional digits than " + target_type + " keeps");
                    if (n) return out.add_bytes(cell_kind::text, *n);  // UTC, as the target reads it back
                    if (zero_date(bytes)) {
                        const bool nullable = table_.columns[columns_[column]].nullable;
                        if (nullable && make(conversion::zero_date_as_null, column)) return out.add_null();
                        refuse(in, row, column,
                               nullable ? "is MySQL's zero date, which no other engine has; make it NULL or a real date in the source first, or "
                                          "allow the conversion zero_date_as_null"
                                        : "is MySQL's zero date, which no other engine has, in a NOT NULL column; make it a real date in the "
                                          "source first");
                    }
                }
                refuse(in, row, column, "is not a " + std::string(t.kind == type_kind::date ? "date (YYYY-MM-DD)" : "timestamp (YYYY-MM-DD HH:MM:SS)") +
                                            ", which " + target_type + " needs");
            case type_kind::custom:
            case type_kind::none:
                if (v.kind == cell_kind::integer) return out.add_integer(v.integer);
                if (v.kind == cell_kind::real) return out.add_real(v.real);
                return out.add_bytes(v.kind, bytes);
        }
    }

    /// A text (already free of what the target refuses outright) checked for encoding and length.
    void text_into(const row_batch& in, std::size_t row, std::size_t column, std::string_view bytes, const std::string& target_type,
                   row_batch& out) const {
        const column_type& t = table_.columns[columns_[column]].type;
        if (to_ != dialect::sqlite && !is_valid_utf8(bytes)) refuse(in, row, column, "is not valid UTF-8");
        if (t.length != 0 && utf8_length(bytes) > t.length) refuse(in, row, column, "is longer than " + target_type);
        out.add_bytes(cell_kind::text, bytes);
    }

    /// A date as MySQL writes one with a zero year, month or day ("0000-00-00", "2024-00-15").
    static bool zero_date(std::string_view s) {
        if (s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
        for (const std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
            if (s[i] < '0' || s[i] > '9') return false;
        }
        return s.substr(0, 4) == "0000" || s.substr(5, 2) == "00" || s.substr(8, 2) == "00";
    }

    [[nodiscard]] std::string render_type_or_custom(const column_type& t) const {
        try {
            return render_type(t, to_);
        } catch (const error&) {
            return "its type";
        }
    }

    const table_info& table_;
    const std::vector<std::size_t>& columns_;
    std::vector<std::size_t> key_;
    std::vector<std::string> types_;  ///< each column's type as the target writes it, for messages
    std::array<bool, std::size(conversions)> allowed_{};
    mutable std::vector<std::array<std::int64_t, std::size(conversions)>> made_;  ///< per column: the conversions made
    std::vector<type_kind> kinds_;    ///< each column's kind, as its values are converted
    dialect to_;
    bool same_;
};

/// An order-independent digest of rows: their count and two sums of 64-bit hashes of each row's
/// canonical encoding (by the target column's type), so that two sides can be compared whatever
/// order they read in.
struct row_digest {
    std::int64_t rows = 0;
    std::uint64_t a = 0;
    std::uint64_t b = 0;

    friend bool operator==(const row_digest&, const row_digest&) = default;
    [[nodiscard]] std::string hex() const {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(a), static_cast<unsigned long long>(b));
        return buf;
    }
    row_digest& operator-=(const row_digest& o) {
        rows -= o.rows;
        a -= o.a;
        b -= o.b;
        return *this;
    }
};

class digester {
public:
    digester(const table_info& t, const std::vector<std::size_t>& columns) : table_(t), columns_(columns) {}

    void add(const row_batch& rows, row_digest& into) const {
        std::string canonical;
        for (std::size_t r = 0; r < rows.rows(); ++r) {
            canonical.clear();
            for (std::size_t c = 0; c < rows.columns; ++c) encode(rows, rows.at(r, c), table_.columns[columns_[c]].type, canonical);
            const std::uint64_t h = hash(canonical, 0x9E3779B97F4A7C15ull), g = hash(canonical, 0xC2B2AE3D27D4EB4Full);
            into.a += h;
            into.b += g ^ (h >> 29);
            ++into.rows;
        }
    }

private:
    static void encode(const row_batch& rows, const cell& v, const column_type& t, std::string& out) {
        const auto put = [&](char tag, std::string_view bytes) {
            out += tag;
            const auto n = static_cast<std::uint32_t>(bytes.size());
            out.append(reinterpret_cast<const char*>(&n), sizeof n);
            out.append(bytes);
        };
        if (v.kind == cell_kind::null) return put('N', {});
        switch (t.kind) {
            case type_kind::boolean:
            case type_kind::integer:
                if (v.kind == cell_kind::integer) return put('I', std::to_string(v.integer));
                break;
            case type_kind::real:
                if (v.kind == cell_kind::real || v.kind == cell_kind::integer) {
                    const double d = v.kind == cell_kind::real ? v.real : static_cast<double>(v.integer);
                    return put('R', real_text(d));
                }
                break;
            case type_kind::decimal: {
                std::optional<std::string> d;
                if (v.kind == cell_kind::integer) d = std::to_string(v.integer);
                else if (v.kind == cell_kind::real && std::isfinite(v.real)) d = plain_decimal(v.real);
                else d = normal_decimal(rows.view(v));
                if (d) return put('D', *d);
                break;
            }
            case type_kind::timestamp:
            case type_kind::date:
                if (v.kind == cell_kind::text) {
                    if (const auto n = normal_timestamp(rows.view(v), t.local, t.kind == type_kind::date)) return put('T', *n);
                }
                break;
            default:
                break;
        }
        switch (v.kind) {
            case cell_kind::integer: return put('I', std::to_string(v.integer));
            case cell_kind::real: return put('R', real_text(v.real));
            case cell_kind::text: return put('S', rows.view(v));
            case cell_kind::blob: return put('B', rows.view(v));
            case cell_kind::null: return put('N', {});
        }
    }
    static std::uint64_t hash(std::string_view s, std::uint64_t seed) {
        std::uint64_t h = seed ^ (s.size() * 0xFF51AFD7ED558CCDull);
        std::size_t i = 0;
        for (; i + 8 <= s.size(); i += 8) {
            std::uint64_t k;
            std::memcpy(&k, s.data() + i, 8);
            h = mix(h ^ mix(k));
        }
        std::uint64_t tail = 0;
        std::memcpy(&tail, s.data() + i, s.size() - i);
        return mix(h ^ mix(tail ^ 0x94D049BB133111EBull));
    }
    static std::uint64_t mix(std::uint64_t x) {  // splitmix64's finalizer
        x ^= x >> 30;
        x *= 0xBF58476D1CE4E5B9ull;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBull;
        return x ^ (x >> 31);
    }

    const table_info& table_;
    const std::vector<std::size_t>& columns_;
};

/// `e` with the table it happened in at the front of its message, its statement cut to
/// `statement_bytes` (a batch's INSERT can be megabytes).
inline error error_in_table(const std::string& table, const error& e, std::size_t statement_bytes = std::string::npos) {
    return error(e.code(), e.id(), "table " + table + ": " + std::string(e.what()).substr(e.id().size() + 2),
                 e.statement().substr(0, statement_bytes), e.native_code(), e.sqlstate());
}

/// The columns of `t` a copy reads and writes: all but generated ones (the target computes those).
inline std::vector<std::size_t> copied_columns(const table_info& t) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
        if (t.columns[i].generated.empty()) out.push_back(i);
    }
    return out;
}

/// The tables of `tables` in an order where a table comes after those its foreign keys refer to
/// (parents first), as far as there is one; `cycle` gets the tables left in a cycle (appended in
/// their given order).
inline std::vector<const table_info*> parents_first(const schema& tables, std::vector<std::string>& cycle) {
    std::vector<const table_info*> out, left;
    for (const table_info& t : tables.tables) left.push_back(&t);
    while (!left.empty()) {
        bool moved = false;
        for (auto it = left.begin(); it != left.end();) {
            const bool ready = std::all_of((*it)->foreign_keys.begin(), (*it)->foreign_keys.end(), [&](const foreign_key_info& fk) {
                return fk.ref_table == (*it)->name ||
                       std::none_of(left.begin(), left.end(), [&](const table_info* l) { return same_name(l->name, fk.ref_table); });
            });
            if (ready) {
                out.push_back(*it);
                it = left.erase(it);
                moved = true;
            } else {
                ++it;
            }
        }
        if (!moved) {
            for (const table_info* t : left) {
                cycle.push_back(t->name);
                out.push_back(t);
            }
            break;
        }
    }
    return out;
}

/// The table in the target where a copy records how far each table got: a row per table of a copy
/// under way, written in the transaction of each batch, so that a copy that stopped (killed, an
/// error, a lost connection) goes on from the last batch committed.
inline constexpr std::string_view copy_progress_table = "_driftless_copy";

inline std::string copy_progress_table_sql(dialect d, const std::string& table) {
    const bool my = d == dialect::mysql;
    const std::string integer = std::string(d == dialect::sqlite ? " INTEGER" : " BIGINT") + " NOT NULL";
    std::string sql = "CREATE TABLE IF NOT EXISTS " + table + " (table_name " + (my ? "VARCHAR(255) COLLATE utf8mb4_bin" : "TEXT") +
                      " NOT NULL PRIMARY KEY, source " + (my ? "LONGTEXT" : "TEXT") + " NOT NULL";
    for (const char* c : {"finished", "has_key", "last_key", "has_digest", "sent_rows", "sent_a", "sent_b", "kept_rows", "kept_a", "kept_b"})
        sql += std::string(", ") + c + integer;
    return sql + (my ? ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4" : ")");
}

/// One table's progress as recorded: the rows written (and their digest), the key of the last
/// one, the rows the table had before (append), and whether every row is in.
struct copy_progress {
    bool finished = false;
    std::optional<std::int64_t> last_key{};
    bool has_digest = false;  ///< sent and kept are digests (the copy verifies), not only counts
    row_digest sent{}, kept{};

    static constexpr const char* columns = "finished, has_key, last_key, has_digest, sent_rows, sent_a, sent_b, kept_rows, kept_a, kept_b";
    /// The values of `columns` in their order, as SQL: each preceded by "<column> = " when `named`.
    [[nodiscard]] std::string values(bool named = false) const {
        const auto u = [](std::uint64_t v) { return static_cast<std::int64_t>(v); };
        const std::int64_t v[] = {finished ? 1 : 0, last_key ? 1 : 0, last_key.value_or(0), has_digest ? 1 : 0, sent.rows,
                                  u(sent.a),        u(sent.b),        kept.rows,            u(kept.a),          u(kept.b)};
        std::string out;
        std::string_view names = columns;
        for (const std::int64_t x : v) {
            const std::size_t end = std::min(names.find(','), names.size());
            out += (out.empty() ? "" : ", ") + (named ? std::string(names.substr(0, end)) + " = " : std::string()) + std::to_string(x);
            names.remove_prefix(std::min(end + 2, names.size()));
        }
        return out;
    }
    static copy_progress from(const std::vector<std::int64_t>& v) {
        copy_progress p;
        p.finished = v[0] != 0;
        if (v[1] != 0) p.last_key = v[2];
        p.has_digest = v[3] != 0;
        p.sent = {v[4], static_cast<std::uint64_t>(v[5]), static_cast<std::uint64_t>(v[6])};
        p.kept = {v[7], static_cast<std::uint64_t>(v[8]), static_cast<std::uint64_t>(v[9])};
        return p;
    }
};

/// Whether a column of type `t` (of an engine of dialect `d`: as its catalog spells it) holds
/// integers.
inline bool holds_integers(const column_type& t, dialect d) {
    if (t.kind != type_kind::custom) return t.kind == type_kind::integer;
    const std::optional<column_type> portable = d == dialect::sqlite       ? std::optional<column_type>(portable_sqlite_type(t.sqlite))
                                                : d == dialect::postgresql ? portable_postgresql_type(t.postgresql)
                                                                           : portable_mysql_type(t.mysql);
    return portable && portable->kind == type_kind::integer;
}

/// Where, among `columns` of the target's table `t` (of dialect `d`), is the key a copy of it goes
/// on after: its one primary-key column, when that holds integers and is the key of the source's
/// table `source` too (which the source reads in the order of); none otherwise (the table starts
/// again).
inline std::optional<std::size_t> resume_key(const table_info& t, const table_info& source, const std::vector<std::size_t>& columns,
                                             dialect d) {
    if (t.primary_key.size() != 1 || source.primary_key.size() != 1 || !same_name(t.primary_key[0], source.primary_key[0]))
        return std::nullopt;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        const column_info& c = t.columns[columns[i]];
        if (same_name(c.name, t.primary_key[0])) return holds_integers(c.type, d) ? std::optional<std::size_t>(i) : std::nullopt;
    }
    return std::nullopt;
}

/// The copy itself, over the two endpoints: choose the tables, refuse what would lose or mix
/// rows or change a table the target has, create the missing tables (`migrate_target`), load,
/// add the foreign keys, verify.
/// For a copy of models: the source's tables of the models' names, with the models' columns in the
/// models' order (read by name; a column the target computes stands as the model has it and is not
/// read); what the source has beyond the models is named in `notes`.
inline schema source_as_models(const schema& source, const schema& models, std::vector<std::string>& notes) {
    schema out;
    for (const table_info& m : models.tables) {
        const table_info* s = source.find_table(m.name);
        if (s == nullptr)
            throw error(errc::usage, "driftless.copy.table", "the source has no table '" + m.name + "', which the models have; nothing was copied");
        table_info v = *s;
        v.columns.clear();
        for (const column_info& c : m.columns) {
            const auto it = std::find_if(s->columns.begin(), s->columns.end(), [&](const column_info& h) { return same_name(h.name, c.name); });
            if (it != s->columns.end()) {
                v.columns.push_back(*it);
            } else if (!c.generated.empty()) {
                v.columns.push_back(c);
            } else {
                throw error(errc::usage, "driftless.copy.column",
                            "the source's table " + m.name + " has no column '" + c.name + "', which the model has; nothing was copied");
            }
        }
        for (const column_info& c : s->columns) {
            if (std::none_of(m.columns.begin(), m.columns.end(), [&](const column_info& k) { return same_name(k.name, c.name); }))
                notes.push_back("table " + m.name + ": column " + c.name + " is not in the model; not copied");
        }
        out.tables.push_back(std::move(v));
    }
    return out;
}

/// `models`, when given, are the target's tables (a copy of models), else they are made from the
/// source's.
inline copy_result run_copy(copy_endpoint& from, copy_endpoint& to, const schema& source, const schema& target_now, const copy_options& o,
                            const std::function<migrate_result(const schema&, bool dry_run)>& migrate_target, const schema* models = nullptr) {
    if (o.batch_rows == 0) throw error(errc::usage, "driftless.copy.options", "batch_rows must be at least 1");
    const std::string from_id = from.identity(), to_id = to.identity();
    if (&from == &to || (!from_id.empty() && from_id == to_id))
        throw error(errc::usage, "driftless.copy.same", "the source and the target are the same database (" + from_id + ")");
    copy_result result;
    schema chosen;
    if (models != nullptr) {
        chosen = source_as_models(source, *models, result.notes);
    } else if (o.tables.empty()) {
        chosen = source;
    } else {
        for (const std::string& name : o.tables) {
            const table_info* t = source.find_table(name);
            if (t == nullptr) {
                std::string have;
                for (const table_info& s : source.tables) have += (have.empty() ? "" : ", ") + s.name;
                throw error(errc::usage, "driftless.copy.table",
                            "the source has no table '" + name + "'" + (have.empty() ? " (it has none)" : "; it has: " + have));
            }
            if (chosen.find_table(name) == nullptr) chosen.tables.push_back(*t);
        }
    }
    if (chosen.tables.empty()) throw error(errc::usage, "driftless.copy.table", "the source has no tables to copy");
    const schema desired = [&] {
        if (models != nullptr) return *models;
        schema s = copy_target_schema(chosen, from.sql_dialect(), to.sql_dialect(), result.notes);
        if (from.sql_dialect() == to.sql_dialect()) return s;
        if (const std::string collation = to.text_collation(); !collation.empty()) {
            for (table_info& t : s.tables) {
                for (column_info& c : t.columns) {
                    if (c.type.kind == type_kind::text || (c.type.kind == type_kind::custom && !c.type.mysql.empty())) c.collation = collation;
                }
            }
        }
        return s;
    }();
    const auto exists = [&](const std::string& table) { return target_now.find_table(table) != nullptr; };
    const dialect td = to.sql_dialect();

    // A copy of the same source that stopped left its progress in the target: its tables go on
    // after the last batch it committed (truncate starts them again instead). A source that
    // cannot say which database it is (SQLite in memory) is copied without progress.
    const std::string progress = from_id.empty() ? std::string() : to.table_name(copy_progress_table);
    const std::string progress_source = progress.empty() ? std::string() : " AND source = " + quote_text(from_id, td);
    std::map<std::string, copy_progress> going_on;  // by table: those that go on, or are done
    std::vector<std::string> restarted;             // tables emptied and copied again from their start
    if (!progress.empty() && o.existing != existing_rows::truncate && to.has_table(copy_progress_table)) {
        for (const table_info& t : desired.tables) {
            if (!exists(t.name)) continue;
            const std::vector<std::int64_t> v = to.integers(std::string("SELECT ") + copy_progress::columns + " FROM " + progress +
                                                                " WHERE table_name = " + quote_text(t.name, td) + progress_source,
                                                            10);
            if (v.size() != 10) continue;
            const copy_progress p = copy_progress::from(v);
            const bool counted = !o.verify || p.has_digest;  // a copy that verifies needs the digest of what is there
            const bool keyed = resume_key(t, *chosen.find_table(t.name), copied_columns(t), td).has_value() && p.last_key.has_value();
            if (counted && (p.finished || keyed || p.sent.rows == 0)) {
                going_on.emplace(t.name, p);
            } else if (p.kept.rows == 0) {
                restarted.push_back(t.name);
            } else {
                throw error(errc::usage, "driftless.copy.resume",
                            "table " + t.name + ": an earlier copy of it stopped after " + std::to_string(p.sent.rows) +
                                " rows, added to " + std::to_string(p.kept.rows) + " that were there before, and it " +
                                (counted ? "has no integer key to go on after" : "did not verify, so the digest of its rows is unknown") +
                                "; nothing was copied. Copy it again with copy_options::existing = truncate, or " +
                                (counted ? "remove the rows it added" : "go on without copy_options::verify"));
            }
        }
    }
    const auto ours = [&](const std::string& table) {
        return going_on.count(table) != 0 || std::find(restarted.begin(), restarted.end(), table) != restarted.end();
    };

    // Rows already in the target: refused before anything changes, unless told.
    std::vector<std::pair<std::string, std::int64_t>> occupied;
    for (const table_info& t : desired.tables) {
        if (!exists(t.name) || ours(t.name)) continue;
        if (const std::int64_t n = to.count_rows(t.name); n > 0) occupied.emplace_back(t.name, n);
    }
    if (!occupied.empty() && o.existing == existing_rows::refuse) {
        std::string list;
        for (const auto& [name, n] : occupied) list += (list.empty() ? "" : ", ") + name + " (" + std::to_string(n) + " rows)";
        throw error(errc::usage, "driftless.copy.not_empty",
                    "the target already has rows in " + list +
                        "; nothing was copied. Set copy_options::existing to truncate (empty them first) or to append (add the rows to them)");
    }

    // The tables to create: foreign keys now only where the target checks them after the load, or
    // on a table the target has already (kept as it is). A table the target has must already be
    // as the copy would create it: the copy never changes it.
    // On a target that adds them after the load, a table it has already keeps the foreign keys and
    // indexes it has, and gets the missing ones afterwards too (a copy that stopped left its tables
    // without).
    // Only a table the copy may treat as its own: new, empty, or emptied by truncate. One that
    // keeps rows (append) must already match, and is refused below if it does not.
    schema first = desired;
    for (table_info& t : first.tables) {
        if (to.foreign_keys_with_tables()) continue;
        const table_info* have = target_now.find_table(t.name);
        const bool keeps_rows = o.existing != existing_rows::truncate && !ours(t.name) &&
                                std::any_of(occupied.begin(), occupied.end(), [&](const auto& p) { return p.first == t.name; });
        if (have != nullptr && keeps_rows) continue;
        if (have == nullptr) {
            // A new table is loaded bare: its foreign keys and plain indexes come after the rows
            // (an index built once is faster than one kept up to date row by row).
            t.foreign_keys.clear();
            std::erase_if(t.indexes, [](const index_info& i) { return !i.unique; });
            continue;
        }
        std::erase_if(t.foreign_keys, [&](const foreign_key_info& fk) {
            return std::none_of(have->foreign_keys.begin(), have->foreign_keys.end(),
                                [&](const foreign_key_info& h) { return key_of(h) == key_of(fk); });
        });
        std::erase_if(t.indexes, [&](const index_info& i) {
            return !i.unique && std::none_of(have->indexes.begin(), have->indexes.end(), [&](const index_info& h) {
                       return h.name == i.name || (h.columns == i.columns && !h.columns.empty() && h.where == i.where);
                   });
        });
    }
    // What is added after the load is named now: a name the target cannot take stops the copy
    // before any row is written, not after.
    for (const table_info& t : desired.tables) {
        for (const index_info& i : t.indexes) {
            if (!i.name.empty()) check_identifier(i.name, to.sql_dialect());
        }
        for (const foreign_key_info& fk : t.foreign_keys) {
            if (!fk.name.empty()) check_identifier(fk.name, to.sql_dialect());
        }
    }
    bool existing_tables = false;
    for (const table_info& t : desired.tables) existing_tables = existing_tables || exists(t.name);
    if (existing_tables) {
        std::string differences;
        for (const step& st : migrate_target(first, true).plan.steps) {
            if (!exists(st.table)) continue;
            differences += (differences.empty() ? "" : "; ") + std::string(to_string(st.kind)) + " " + st.table +
                           (st.subject.empty() || st.subject == st.table ? "" : "." + st.subject) + (st.to.empty() ? "" : " (" + st.to + ")");
        }
        if (!differences.empty())
            throw error(errc::usage, "driftless.copy.target_differs",
                        "the target has tables that differ from what the copy would create, and a copy never changes a table: " +
                            differences + ". Nothing was copied; copy into a database without them, or make them match first");
    }
    std::vector<std::string> cycle;
    const std::vector<const table_info*> order = parents_first(first, cycle);
    if (!cycle.empty() && !to.foreign_keys_with_tables()) {
        for (const std::string& name : cycle) {
            const table_info* t = first.find_table(name);
            if (t != nullptr && !t->foreign_keys.empty())
                throw error(errc::usage, "driftless.copy.cycle",
                            "the target already has tables whose foreign keys form a cycle (" + name +
                                " among them), so their rows cannot be loaded one table after another; nothing was copied. Copy "
                                "into a database without them");
        }
    }
    result.version = migrate_target(first, false).version;

    std::vector<const table_info*> loaded;
    const bool same = from.sql_dialect() == to.sql_dialect();
    row_batch read_rows, converted;
    std::vector<row_digest> sent_digests, kept;  // per table: the rows written, the rows there before (append)
    if (!progress.empty() && !to.has_table(copy_progress_table)) to.record({copy_progress_table_sql(td, progress)});
    to.begin_load();
    try {
        from.begin_read();
        std::vector<const table_info*> emptied;
        if (o.existing == existing_rows::truncate)
            for (const auto& [name, n] : occupied) emptied.push_back(first.find_table(name));
        for (const std::string& name : restarted) emptied.push_back(first.find_table(name));
        if (!emptied.empty()) to.truncate(emptied);
        for (std::size_t place = 0; place < order.size(); ++place) {
            const table_info& target_table = *order[place];
            const auto started = std::chrono::steady_clock::now();
            const table_info& source_table = *chosen.find_table(target_table.name);
            // The target's columns that take values (the same order as the source's): a column the
            // target computes is left to it; one computed on SQLite only arrives with its values.
            const std::vector<std::size_t> columns = copied_columns(target_table);
            copy_table_result tr;
            tr.name = target_table.name;
            const value_converter convert(target_table, columns, td, same, o.allow);
            const digester digest(target_table, columns);
            copy_progress p;
            p.has_digest = o.verify;
            const auto going = going_on.find(target_table.name);
            if (going != going_on.end()) {
                p = going->second;
                tr.rows = tr.resumed_rows = p.sent.rows;
            } else if (o.existing == existing_rows::append && exists(target_table.name)) {
                if (o.verify) {
                    auto r = to.read(target_table, columns, std::nullopt);
                    while (r->next(read_rows, o.batch_rows)) digest.add(read_rows, p.kept);
                } else {
                    p.kept.rows = to.count_rows(target_table.name);  // known, so that a stopped copy may start again
                }
            }
            const std::string progress_row = progress.empty() ? std::string() : " WHERE table_name = " + quote_text(tr.name, td);
            const auto progress_update = [&] {
                return progress.empty() ? std::string() : "UPDATE " + progress + " SET " + p.values(true) + progress_row;
            };
            const std::int64_t total = from.count_rows(source_table.name);
            if (o.observer) o.observer({tr.name, tr.rows, total, false, place, order.size()});
            if (!p.finished) {
                if (!progress.empty() && going == going_on.end())
                    to.record({"DELETE FROM " + progress + progress_row,
                               "INSERT INTO " + progress + " (table_name, source, " + copy_progress::columns + ") VALUES (" +
                                   quote_text(tr.name, td) + ", " + quote_text(from_id, td) + ", " + p.values() + ")"});
                std::optional<std::size_t> key = resume_key(target_table, source_table, columns, td);
                auto reader = from.read(source_table, columns, key ? p.last_key : std::nullopt);
                while (reader->next(read_rows, o.batch_rows)) {
                    convert.convert(read_rows, converted);
                    if (o.verify) digest.add(converted, p.sent);
                    else p.sent.rows += static_cast<std::int64_t>(converted.rows());
                    if (key) {
                        const cell& last = read_rows.at(read_rows.rows() - 1, *key);
                        if (last.kind == cell_kind::integer) p.last_key = last.integer;
                        else p.last_key.reset(), key.reset();  // not an integer after all: a stopped copy starts the table again
                    }
                    to.write(target_table, columns, converted, progress_update());
                    tr.rows += static_cast<std::int64_t>(converted.rows());
                    if (o.observer) o.observer({tr.name, tr.rows, total, false, place, order.size()});
                }
                p.finished = true;
                if (!progress.empty()) to.record({progress_update()});
            }
            if (o.verify) tr.digest = p.sent.hex();
            tr.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            for (std::string& n : convert.notes()) result.notes.push_back(std::move(n));
            result.tables.push_back(std::move(tr));
            sent_digests.push_back(p.sent);
            kept.push_back(p.kept);
            loaded.push_back(&target_table);
        }
    } catch (...) {
        from.end_read();
        to.abort_load();
        throw;
    }
    from.end_read();
    to.end_load(loaded);
    for (const table_info* t : loaded) {
        for (const column_info& c : t->columns) {
            if (!c.auto_increment) continue;
            if (const auto counter = from.key_counter(t->name)) to.advance_key_counter(*t, c, *counter);
        }
    }
    if (!to.foreign_keys_with_tables()) {
        bool any = false;
        for (const table_info& t : desired.tables) {
            const table_info& loaded_as = *first.find_table(t.name);
            any = any || t.foreign_keys.size() != loaded_as.foreign_keys.size() || t.indexes.size() != loaded_as.indexes.size();
        }
        if (any) migrate_target(desired, false);  // adds them, foreign keys checked by the engine against the rows copied
    }
    if (o.verify) {
        for (std::size_t i = 0; i < result.tables.size(); ++i) {
            copy_table_result& tr = result.tables[i];
            const auto started = std::chrono::steady_clock::now();
            const table_info& t = *first.find_table(tr.name);
            const std::vector<std::size_t> columns = copied_columns(t);
            const digester digest(t, columns);
            row_digest got;
            auto r = to.read(t, columns, std::nullopt);
            while (r->next(read_rows, o.batch_rows)) digest.add(read_rows, got);
            got -= kept[i];
            if (got != sent_digests[i])
                throw error(errc::engine, "driftless.copy.verify",
                            "table " + tr.name + ": the target " +
                                (got.rows == sent_digests[i].rows ? "has the same number of rows (" + std::to_string(got.rows) + ") but other values"
                                                                  : "has " + std::to_string(got.rows) + " rows where " +
                                                                        std::to_string(sent_digests[i].rows) + " were written") +
                                " (digest " + got.hex() + ", expected " + sent_digests[i].hex() + ")");
            tr.verified = true;
            tr.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        }
    }
    for (std::size_t i = 0; i < result.tables.size(); ++i) {
        if (o.observer) o.observer({result.tables[i].name, result.tables[i].rows, result.tables[i].rows, true, i, result.tables.size()});
    }
    if (!progress.empty()) {  // done: nothing to go on with (a copy stopped before this verifies again when run again)
        std::string names;
        for (const copy_table_result& tr : result.tables) names += (names.empty() ? "" : ", ") + quote_text(tr.name, td);
        to.record({"DELETE FROM " + progress + " WHERE table_name IN (" + names + ")" + progress_source});
    }
    return result;
}

/// copy_database() and copy<Ts...>(): the endpoints, both catalogs, and the migrate path of the
/// target.
template <database_connection From, database_connection To>
copy_result copy_between(const From& from, const To& to, const copy_options& options, const schema* models) {
    if constexpr (std::is_same_v<From, To>) {
        if (&from == &to) throw error(errc::usage, "driftless.copy.same", "the source and the target are the same database (one connection)");
    }
    auto source = make_copy_endpoint(from);
    auto target = make_copy_endpoint(to);
    const schema source_schema = read_schema(from);
    const schema target_now = read_schema(to);
    const std::string description =
        options.description.empty() ? "copy from " + std::string(to_string(source->sql_dialect())) : options.description;
    return run_copy(*source, *target, source_schema, target_now, options, [&](const schema& desired, bool dry_run) {
        migrate_options m;
        m.description = description;
        m.dry_run = dry_run;
        return migrate_schema(to, desired, m, "copy");
    }, models);
}

}  // namespace detail

/// Copy tables and their rows from `from` to `to` (any two connections driftless has a backend
/// for, the same engine or not). The tables are created in the target by the migrate path
/// (recorded, under its lock, in its dialect); rows are read in primary-key order, converted by
/// the rules of docs/copy.md and written in batches of copy_options::batch_rows, one transaction
/// each; foreign keys are added (or, on SQLite, checked) after the rows, and on PostgreSQL the
/// plain indexes of the tables it creates are built after them too; each table is then read
/// back and its count and digest compared. A target table with rows is refused unless
/// copy_options::existing says otherwise; tables outside the selection are not touched.
template <database_connection From, database_connection To>
copy_result copy_database(const From& from, const To& to, const copy_options& options = {}) {
    return detail::copy_between(from, to, options, nullptr);
}

/// Copy the rows of the models' tables from `from` to `to`, as copy_database() does, but with the
/// models' tables in the target: created (or, where the target has them, required to be) as
/// migrate<Ts...>() would make them, so that migrate<Ts...>(to) has nothing to do afterwards. Each
/// source table of a model's name is read column by column by the model's names; a column the
/// model has and the source table lacks stops the copy before anything changes, and source columns
/// the model does not have are left out (named in copy_result::notes). copy_options::tables must
/// be empty: the models say which tables.
template <table_type... Ts, database_connection From, database_connection To>
copy_result copy(const From& from, const To& to, const copy_options& options = {}) {
    static_assert(sizeof...(Ts) > 0, "copy<Ts...>: name at least one model");
    static_assert((detail::require_valid<Ts>() && ...));
    if (!options.tables.empty())
        throw error(errc::usage, "driftless.copy.options", "copy<Ts...> copies the models' tables; leave copy_options::tables empty");
    const schema models = to_schema<Ts...>();
    return detail::copy_between(from, to, options, &models);
}

}  // namespace driftless

#endif  // DRIFTLESS_COPY_HPP
