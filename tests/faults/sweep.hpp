// Shared by the fault sweeps: the models (V1 -> V2 forces a 12-step rebuild of `items`, adds a
// column and an index), the pristine V1 database, snapshots of a database's whole state, and
// the checks made after every fault point.
#ifndef DRIFTLESS_TESTS_FAULTS_SWEEP_HPP
#define DRIFTLESS_TESTS_FAULTS_SWEEP_HPP

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sqlite3.h>

#include <driftless/sqlite.hpp>

namespace faults {

struct ItemV1 {
    std::int64_t id;
    std::string name;
    std::string code;
    std::optional<std::int32_t> qty;
    double price;
};

/// name becomes VARCHAR(200) (a type change ALTER TABLE cannot make: rebuild), note is added,
/// and items_by_qty is a new index.
struct ItemV2 {
    std::int64_t id;
    std::string name;
    std::string code;
    std::optional<std::int32_t> qty;
    double price;
    std::optional<std::string> note;
};

/// The child table: ON DELETE CASCADE, so a rebuild with foreign keys on would empty it.
struct Tag {
    std::int64_t id;
    std::int64_t item_id;
    std::string label;
};

}  // namespace faults

template <>
inline constexpr auto driftless::customize::table<faults::ItemV1> =
    driftless::table<faults::ItemV1>("items")
        .index("items_by_name", &faults::ItemV1::name)
        .unique_index("items_by_code", &faults::ItemV1::code);
template <>
inline constexpr auto driftless::customize::table<faults::ItemV2> =
    driftless::table<faults::ItemV2>("items")
        .length(&faults::ItemV2::name, 200)  // with exact_types (sweep.cpp): a rebuild
        .index("items_by_name", &faults::ItemV2::name)
        .unique_index("items_by_code", &faults::ItemV2::code)
        .index("items_by_qty", &faults::ItemV2::qty);
template <>
inline constexpr auto driftless::customize::table<faults::Tag> =
    driftless::table<faults::Tag>("tags")
        .foreign_key(&faults::Tag::item_id, &faults::ItemV1::id, {.on_delete = driftless::fk_action::cascade})
        .index("tags_by_item", &faults::Tag::item_id);

namespace faults {

enum class journal { delete_mode, wal };

/// Everything a migration may change, as text: the catalog (without root pages), every row of
/// the user tables and of the view, the history rows (without their times) and the fast-path
/// record. Errors (a missing table) are part of the text, never thrown.
struct snapshot {
    std::string schema;
    std::string rows;
    std::string history;
    std::string state;
    std::int64_t history_rows = -1;
    bool operator==(const snapshot&) const = default;
};

snapshot take_snapshot(sqlite3* db);

/// The pristine V1 database of one journal mode and the two states a migration may leave.
struct fixture {
    journal mode = journal::delete_mode;
    std::string name;      ///< "delete" or "wal"
    std::string pristine;  ///< V1, never opened for writing after creation
    std::string work;      ///< the file each fault point runs on
    snapshot v1;
    snapshot v2;           ///< what migrate<ItemV2, Tag> makes of the pristine file, no fault
};

/// Builds the pristine file in the current directory (fatal doctest assertions on failure).
fixture make_fixture(journal mode);

/// Replaces the work file (and its journal, WAL and shm) by a copy of the pristine one.
void reset_work_file(const fixture& fx);

/// migrate<ItemV2, Tag>, as every fault point calls it.
driftless::migrate_result migrate_v2(const driftless::sqlite::connection& db);

/// How one migrate call under faults ended.
struct attempt {
    bool returned = false;  ///< migrate returned (it must then have applied V2)
    bool applied = false;
    bool threw = false;     ///< migrate threw driftless::error
    int native_code = 0;
    std::string what;
    std::string statement;  ///< error::statement(): the SQL that failed, when there was one
};

/// Counts for the final report of a sweep.
struct sweep_summary {
    std::string label;
    std::int64_t points = 0;            ///< N values at which at least one fault was injected
    std::int64_t step_points = 0;       ///< of those, how many after the dense start (malloc)
    std::int64_t clean_calls = 0;       ///< counted calls of the final run without a fault
    std::int64_t errors = 0;            ///< migrate threw driftless::error
    std::int64_t returned = 0;          ///< migrate returned although a fault was injected
    std::int64_t ended_old = 0;         ///< after reopening: exactly V1
    std::int64_t ended_new = 0;         ///< after reopening: exactly V2
    std::int64_t close_failed = 0;      ///< sqlite3_close did not return SQLITE_OK
    std::map<std::string, std::int64_t> codes;    ///< error codes of migrate, by name
    std::map<std::string, std::int64_t> failed_calls;  ///< I/O: which call failed first, by kind
    std::map<std::string, std::int64_t> anomalies;  ///< tolerated connection states (forever OOM)
    [[nodiscard]] std::string report() const;
};

/// Runs migrate_v2 and sorts out what it threw: driftless::error is recorded in the attempt;
/// anything else fails the test case (non-fatally).
attempt run_migrate(const driftless::sqlite::connection& db, sweep_summary& summary);

/// The handle migrate left behind: foreign_keys back on, no transaction open, no statement left
/// unfinalised. `strict` makes these test failures; otherwise they are counted in anomalies.
void check_connection(sqlite3* db, bool strict, sweep_summary& summary);

/// sqlite3_close, counting and reporting a failure (then closing with close_v2 so nothing leaks
/// from the test itself).
void close_connection(sqlite3* db, sweep_summary& summary);

/// Reopens the work file normally (hot journal or WAL recovery runs), checks integrity, that the
/// state is exactly V1 or exactly V2 (V2 when migrate returned), then retries migrate_v2 and
/// checks it ends at V2. Returns 1 (old), 2 (new) or 0 (neither). `fast` runs the retry with
/// synchronous = OFF.
int verify_and_retry(const fixture& fx, const attempt& a, bool fast = false);

/// With DRIFTLESS_FAULTS_TRACE set in the environment, one line per fault point on stderr: N,
/// calls counted, what migrate did, and the state the database was found in (1 old, 2 new).
void trace_point(const sweep_summary& summary, std::int64_t n, std::int64_t calls, const attempt& a, int which);

/// DRIFTLESS_FAULTS_ONLY=<N> in the environment: every sweep runs that one fault point only
/// (to reproduce a report); 0 when unset.
std::int64_t only_point();

/// One line of SQL's first column, or "error: <message>".
std::string query_one(sqlite3* db, const std::string& sql);

}  // namespace faults

#endif  // DRIFTLESS_TESTS_FAULTS_SWEEP_HPP
