// driftless — what a PostgreSQL plan would do to the rows already there, counted before it runs:
// type changes converted there and back, new checks and unique keys against the rows there. The
// engine's policy probe (engine::check_step); the losses of a script are measured after it runs,
// inside its transaction (detail/losses.hpp).
#ifndef DRIFTLESS_POSTGRESQL_LOSSES_HPP
#define DRIFTLESS_POSTGRESQL_LOSSES_HPP

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <driftless/detail/losses.hpp>
#include <driftless/detail/text.hpp>
#include <driftless/diff.hpp>
#include <driftless/migrate.hpp>
#include <driftless/postgresql/connection.hpp>
#include <driftless/postgresql/render.hpp>
#include <driftless/render.hpp>
#include <driftless/schema.hpp>

namespace driftless::postgresql::detail {

inline bool lock_timed_out(const error& e) { return e.sqlstate() == "55P03"; }

inline std::int64_t count(const connection& db, const std::string& sql) {
    const result r = db.query(sql, {});
    return r.rows() != 0 && !r.is_null(0, 0) ? r.integer(0, 0) : 0;
}

/// The policy's checks of one step that are this engine's own (see engine::check_step).
inline void check_step(const connection& db, const migration_plan& p, const table_change& tc, const step& s,
                       const std::string& column, std::vector<std::string>& problems, std::vector<std::string>& impossible) {
    using driftless::detail::thousands;
    const std::string table = quote_identifier(tc.before.name, dialect::postgresql);
    const std::string where = tc.before.name + "." + column;
    const std::string col = quote_identifier(column, dialect::postgresql);
    const bool renames_columns = std::any_of(p.steps.begin(), p.steps.end(), [&](const step& other) {
        return other.table == tc.name && other.kind == step_kind::rename_column;
    });
    if (s.kind == step_kind::change_type || s.kind == step_kind::change_collation) {
        // PostgreSQL refuses to change the type (or collation) of a column a view or rule reads;
        // name them before any DDL runs (driftless does not drop and recreate what it does not own).
        const result views = db.query(
            "SELECT coalesce(string_agg(DISTINCT v.oid::regclass::text, ', '), '') FROM pg_catalog.pg_depend d "
            "JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid JOIN pg_catalog.pg_class v ON v.oid = r.ev_class "
            "JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
            "WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass "
            "AND d.refobjid = $1::regclass AND a.attname = $2 AND v.oid <> d.refobjid",
            {table, column});
        if (!views.text(0, 0).empty()) {
            impossible.push_back("changing " + where + " from " + s.from + " to " + s.to + " is refused by PostgreSQL while views read it (" +
                                 views.text(0, 0) + "); drop them before migrating and recreate them after");
            return;
        }
        if (s.kind == step_kind::change_collation) return;  // no value changes
        // Convert each value there and back, as ALTER ... USING would: what does not come
        // back equal is altered. A value the new type cannot hold fails the cast.
        const std::string there = convert(col, s.from, s.to);
        const std::string back = convert(there, s.to, s.from);
        db.execute("SAVEPOINT driftless_check");
        try {
            const result r = db.query("SELECT count(" + col + "), count(*) FILTER (WHERE " + back +
                                        " IS DISTINCT FROM " + col + "), (SELECT " + col + "::text FROM " + table +
                                        " WHERE " + back + " IS DISTINCT FROM " + col + " ORDER BY 1 LIMIT 1) FROM " +
                                        table + " WHERE " + col + " IS NOT NULL",
                                      {});
            db.execute("RELEASE SAVEPOINT driftless_check");
            const std::int64_t altered = r.integer(0, 1);
            if (altered != 0)
                problems.push_back(driftless::detail::altered_values_problem(tc, column, s, {altered, r.integer(0, 0), r.text(0, 2)}));
        } catch (const error& e) {
            db.batch("ROLLBACK TO SAVEPOINT driftless_check; RELEASE SAVEPOINT driftless_check");
            if (lock_timed_out(e)) throw;
            // Class 22 (data exception): a value the new type cannot hold; the ALTER would fail.
            if (e.sqlstate().rfind("22", 0) == 0) {
                impossible.push_back("changing " + where + " from " + s.from + " to " + s.to +
                                     " fails for values already there: " + e.what());
            } else {
                problems.push_back("changing " + where + " from " + s.from + " to " + s.to +
                                   " could not be checked value by value: " + e.what());
            }
        }
    } else if ((s.kind == step_kind::add_check || s.kind == step_kind::add_unique) && !renames_columns) {
        // What the new constraint would refuse among the rows already there (a value an
        // enum no longer names, duplicates): the ALTER would fail on them.
        std::string sql;
        if (s.kind == step_kind::add_check) {
            sql = "SELECT count(*) FROM " + table + " WHERE NOT (" + s.to + ")";
        } else if (const unique_info* u = by_name(tc.after.uniques, s.subject)) {
            std::string cols, present;
            for (const auto& c : u->columns) {
                const std::string qc = quote_identifier(c, dialect::postgresql);
                cols += (cols.empty() ? "" : ", ") + qc;
                present += (present.empty() ? "" : " AND ") + qc + " IS NOT NULL";  // NULLs never collide
            }
            sql = "SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM " + table + " WHERE " + present +
                  " GROUP BY " + cols + " HAVING count(*) > 1) d";
        }
        if (sql.empty()) return;
        db.execute("SAVEPOINT driftless_check");
        try {
            const auto n = count(db, sql);
            db.execute("RELEASE SAVEPOINT driftless_check");
            if (n != 0)
                impossible.push_back(thousands(n) + " rows of " + tc.before.name +
                                     (s.kind == step_kind::add_check ? " do not satisfy the new check " + s.subject + " (" + s.to + ")"
                                                                     : " share a value of the new unique key " + s.subject));
        } catch (const error& e) {
            db.batch("ROLLBACK TO SAVEPOINT driftless_check; RELEASE SAVEPOINT driftless_check");
            if (lock_timed_out(e)) throw;
        }
    }
}

}  // namespace driftless::postgresql::detail

#endif  // DRIFTLESS_POSTGRESQL_LOSSES_HPP
