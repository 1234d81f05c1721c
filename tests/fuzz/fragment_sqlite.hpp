// fragment_property on SQLite: an in-memory database with fz_victim, checked after each migration.
#ifndef DRIFTLESS_TESTS_FUZZ_FRAGMENT_SQLITE_HPP
#define DRIFTLESS_TESTS_FUZZ_FRAGMENT_SQLITE_HPP

#include <cstddef>
#include <string>

#include <driftless/sqlite.hpp>

#include "fragment_property.hpp"

namespace fragment_property {

/// A fresh in-memory database per input; the first failure, or "".
inline std::string check_sqlite(const std::string& fragment, std::size_t& executions) {
    if (!accepted(fragment)) return {};
    auto db = driftless::sqlite::open(":memory:");
    db.execute("CREATE TABLE fz_victim (x INTEGER)");
    db.execute("INSERT INTO fz_victim VALUES (42)");
    const auto intact = [&]() -> std::string {
        try {
            auto st = db.prepare("SELECT (SELECT group_concat(x) FROM main.fz_victim), (SELECT count(*) FROM main.sqlite_schema "
                                 "WHERE type = 'table' AND name NOT IN ('fz_victim', 'fz_t') AND name NOT LIKE '\\_driftless\\_%' ESCAPE '\\'), "
                                 "(SELECT count(*) FROM temp.sqlite_schema)");
            if (!st.step()) return "no row";
            if (st.text(0) != "42") return "fz_victim lost its row";
            if (st.integer(1) != 0) return "a table appeared that no model names";
            if (st.integer(2) != 0) return "a temporary object appeared";
            return {};
        } catch (const driftless::error& e) {
            return std::string("fz_victim is gone: ") + e.what();
        }
    };
    const auto reset = [&] { db.execute("DROP TABLE IF EXISTS fz_t"); };
    return check_fragment(db, fragment, intact, reset, executions);
}

}  // namespace fragment_property

#endif  // DRIFTLESS_TESTS_FUZZ_FRAGMENT_SQLITE_HPP
