// driftless — what a SQLite type change would do to the values already there, counted by SQLite
// itself before a rebuild copies them (see conversion_check). The engine's policy probe
// (engine::check_step); the losses of a script are measured after it runs, inside its transaction
// (detail/losses.hpp).
#ifndef DRIFTLESS_SQLITE_LOSSES_HPP
#define DRIFTLESS_SQLITE_LOSSES_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <driftless/engine.hpp>
#include <driftless/detail/text.hpp>
#include <driftless/diff.hpp>
#include <driftless/migrate.hpp>
#include <driftless/render.hpp>
#include <driftless/sqlite/connection.hpp>

namespace driftless::sqlite::detail {

/// What copying a column into a column of another declared type would do to its values.
struct conversion_check {
    std::int64_t non_null = 0;
    std::int64_t altered = 0;  ///< values that would not keep their value (see check_conversion)
    std::string example;       ///< the least such value as SQL's quote() writes it (deterministic)
};

/// Counts the values of `table`.`column` (both quoted) that a rebuild copying them as they are
/// (no CAST) into a column declared `to` would alter. SQLite applies the new column's affinity on
/// insert, so the values go through a scratch table with the old and the new declared types, which
/// lets SQLite itself decide: a value is kept when, stored under the new type, it has the storage
/// class that type stands for (INTEGER, REAL, TEXT; INTEGER or REAL for NUMERIC; anything for
/// BLOB) and, stored back under the old type, equals the original in type and value. So 42 -> '42'
/// and '42' -> 42 are kept; 'abc' -> INTEGER, 1.5 -> INTEGER, a blob -> TEXT and an integer beyond
/// 2^53 -> REAL are altered.
inline conversion_check check_conversion(const connection& db, const std::string& table, const std::string& column,
                                         const std::string& from, const std::string& to) {
    using driftless::detail::sqlite_affinity;
    db.execute("CREATE TEMP TABLE _driftless_probe (old " + from + ", new " + to + ", back " + from + ")");
    conversion_check out;
    try {
        db.execute("INSERT INTO temp._driftless_probe (old, new) SELECT " + column + ", " + column + " FROM " + table +
                   " WHERE " + column + " IS NOT NULL");
        db.execute("UPDATE temp._driftless_probe SET back = new");
        std::string fits;
        switch (sqlite_affinity(to)) {
            case 'I': fits = "typeof(new) = 'integer'"; break;
            case 'R': fits = "typeof(new) = 'real'"; break;
            case 'T': fits = "typeof(new) = 'text'"; break;
            case 'N':
                fits = "typeof(new) IN ('integer', 'real')";
                // DATE and TIMESTAMP columns hold ISO-8601 text (driftless's defaults write it, and
                // SQLite's date functions read it): such text fits when it is a real date or time.
                if (driftless::detail::normalize_sql(to) == "date") {
                    fits += " OR (typeof(new) = 'text' AND new IS date(new, '+0 days'))";
                } else if (driftless::detail::normalize_sql(to) == "timestamp") {
                    fits += " OR (typeof(new) = 'text' AND substr(new, 1, 19) IS datetime(substr(new, 1, 19), '+0 days') AND "
                            "(length(new) = 19 OR (substr(new, 20, 1) = '.' AND length(new) BETWEEN 21 AND 29 AND "
                            "substr(new, 21) NOT GLOB '*[^0-9]*')))";
                }
                break;
            default: fits = "true"; break;
        }
        const std::string altered = "NOT ((" + fits + ") AND typeof(back) = typeof(old) AND back = old)";
        auto st = db.prepare("SELECT count(*), sum(" + altered + "), (SELECT quote(old) FROM temp._driftless_probe WHERE " +
                             altered + " ORDER BY 1 LIMIT 1) FROM temp._driftless_probe");
        if (st.step()) {
            out.non_null = st.integer(0);
            out.altered = st.integer(1);
            out.example = st.text(2);
        }
    } catch (...) {
        db.try_execute("DROP TABLE IF EXISTS temp._driftless_probe");
        throw;
    }
    db.execute("DROP TABLE temp._driftless_probe");
    return out;
}

/// A lossy type change: its values converted as the rebuild will (engine::probe_type_change);
/// nullopt when none would change.
inline std::optional<altered_values> type_change_values(const connection& db, const table_change& tc, const step& s,
                                                        const std::string& column) {
    if (s.kind != step_kind::change_type || s.level != safety::lossy) return std::nullopt;
    const conversion_check c = check_conversion(db, "main." + quote_identifier(tc.before.name, dialect::sqlite),
                                                quote_identifier(column, dialect::sqlite), s.from, s.to);
    if (c.altered == 0) return std::nullopt;
    return altered_values{c.altered, c.non_null, c.example};
}

}  // namespace driftless::sqlite::detail

#endif  // DRIFTLESS_SQLITE_LOSSES_HPP
