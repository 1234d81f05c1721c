// driftless — reading one MySQL / MariaDB database from information_schema, in a constant number
// of queries sent in one round trip, whatever the number of tables.
#ifndef DRIFTLESS_MYSQL_INTROSPECT_HPP
#define DRIFTLESS_MYSQL_INTROSPECT_HPP

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <driftless/detail/text.hpp>
#include <driftless/diff.hpp>
#include <driftless/mysql/connection.hpp>
#include <driftless/render.hpp>
#include <driftless/schema.hpp>

namespace driftless::mysql {

/// Options of mysql::introspect.
struct introspect_options {
    std::string database{};                 ///< empty: the connection's current database (DATABASE())
    bool include_driftless_tables = false;  ///< also report _driftless_* tables
};

namespace detail {

/// The queries introspection sends (one round trip): base tables, columns, indexes, foreign-key
/// columns, foreign-key rules, checks. Each reads one information_schema table filtered on the
/// database, and they are joined in C++: MariaDB filters only the first table of a join on the
/// database and scans the second for every database of the server, so a join costs (columns of
/// this database) x (tables of the server).
inline std::string catalog_queries(const std::string& database) {
    const std::string db = database.empty() ? std::string("DATABASE()") : quote_text(database, dialect::mysql);
    return "SELECT TABLE_NAME, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + db +
           " AND TABLE_TYPE = 'BASE TABLE';\n"
           "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, CHARACTER_SET_NAME, COLLATION_NAME, "
           "COLUMN_COMMENT FROM information_schema.COLUMNS "
           "WHERE TABLE_SCHEMA = " + db + " ORDER BY TABLE_NAME, ORDINAL_POSITION;\n"
           "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, INDEX_TYPE, COLLATION "
           "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = " + db + " ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX;\n"
           "SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME, "
           "REFERENCED_TABLE_SCHEMA = TABLE_SCHEMA FROM information_schema.KEY_COLUMN_USAGE "
           "WHERE TABLE_SCHEMA = " + db + " AND REFERENCED_TABLE_NAME IS NOT NULL "
           "ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION;\n"
           "SELECT TABLE_NAME, CONSTRAINT_NAME, DELETE_RULE, UPDATE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS "
           "WHERE CONSTRAINT_SCHEMA = " + db + ";\n"
           "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE, LEVEL FROM information_schema.CHECK_CONSTRAINTS "
           "WHERE CONSTRAINT_SCHEMA = " + db + " ORDER BY TABLE_NAME, CONSTRAINT_NAME";
}

/// InnoDB's RESTRICT and NO ACTION are the same (checked at once); both read as no_action, and
/// as_stored() writes a model's restrict the same way.
inline fk_action parse_rule(std::string_view rule) { return driftless::detail::parse_fk_action(rule, fk_action::no_action); }

/// A default as information_schema reports it, in the spelling driftless renders: MariaDB's
/// "NULL" (no default), current_timestamp() -> CURRENT_TIMESTAMP, current_timestamp(3) ->
/// CURRENT_TIMESTAMP(3). Quoted literals and numbers are already in driftless's spelling. Returns
/// "" for no default.
inline std::string default_sql(std::string_view reported) {
    if (reported == "NULL") return {};
    std::string lower(reported);
    for (char& c : lower) c = driftless::detail::to_lower(c);
    if (lower == "current_timestamp()" || lower == "current_timestamp" || lower == "now()") return "CURRENT_TIMESTAMP";
    if (lower.rfind("current_timestamp(", 0) == 0 && lower.back() == ')') return "CURRENT_TIMESTAMP" + std::string(reported.substr(17));
    return std::string(reported);
}

/// The ON UPDATE of a column from its EXTRA ("on update current_timestamp()" on MariaDB,
/// "DEFAULT_GENERATED on update CURRENT_TIMESTAMP" on MySQL), in driftless's spelling; "" for none.
inline std::string on_update_sql(std::string_view extra) {
    std::string lower(extra);
    for (char& c : lower) c = driftless::detail::to_lower(c);
    const std::size_t at = lower.find("on update ");
    if (at == std::string::npos) return {};
    std::string_view rest = extra.substr(at + 10);
    rest = rest.substr(0, rest.find(' '));
    return default_sql(rest);
}

}  // namespace detail

/// Every base table of the database (driftless's own left out unless asked), with columns in order,
/// primary key, unique constraints (every unique index other than PRIMARY; see below), indexes,
/// foreign keys and checks. Types are reported in canonical_mysql_type's spelling of COLUMN_TYPE
/// (type_kind::custom; `int(11)` as `int`), defaults in driftless's spelling (default_kind::raw),
/// AUTO_INCREMENT as auto_increment. Indexes that InnoDB created for a foreign key (named after it
/// or after its first column, on its columns) and prefix, FULLTEXT and SPATIAL indexes are not reported, so a plan leaves them
/// alone. MySQL cannot tell a UNIQUE constraint from a unique index: both are reported as unique
/// constraints (see reconcile_uniques). Six queries in one round trip whatever the number of tables.
inline schema introspect(const connection& db, const introspect_options& options = {}) {
    std::vector<result> r = db.batch(detail::catalog_queries(options.database));
    std::map<std::string, table_info, std::less<>> tables;
    const auto skip = [&](const std::string& name) {
        return !options.include_driftless_tables && name.rfind("_driftless_", 0) == 0;
    };
    // Rows come ordered by table: the last lookup is kept, so most rows cost no map search.
    table_info* last = nullptr;
    std::string_view last_name;
    bool looked_up = false;
    const auto table_of = [&](std::string_view name) -> table_info* {
        if (looked_up && name == last_name) return last;
        const auto it = tables.find(name);
        last = it == tables.end() ? nullptr : &it->second;
        last_name = name;  // a view into r, which outlives every lookup
        looked_up = true;
        return last;
    };
    std::map<std::string, std::string, std::less<>> table_collation;
    {
        const result& b = r.at(0);
        for (int i = 0; i < b.rows(); ++i) {
            std::string table = b.text(i, 0);
            if (skip(table)) continue;
            if (!b.is_null(i, 1)) table_collation[table] = b.text(i, 1);
            tables[table].name = table;
            if (!b.is_null(i, 1)) tables[table].collation = b.text(i, 1);
        }
    }
    {
        std::map<std::string, std::string, std::less<>> canonical;
        const result& c = r.at(1);
        for (int i = 0; i < c.rows(); ++i) {
            table_info* found = table_of(c.view(i, 0));
            if (found == nullptr) continue;  // a view's columns, or one of driftless's tables
            table_info& t = *found;
            column_info col;
            col.name = c.text(i, 1);
            col.type.kind = type_kind::custom;
            // In one spelling (int(11) -> int), so the diff compares without parsing; each
            // distinct spelling is parsed once.
            const std::string_view reported = c.view(i, 2);
            auto known = canonical.find(reported);
            if (known == canonical.end())
                known = canonical.emplace(std::string(reported), driftless::detail::canonical_mysql_type(reported)).first;
            col.type.mysql = known->second;
            col.nullable = c.view(i, 3) == "YES";
            col.auto_increment = c.view(i, 5).find("auto_increment") != std::string_view::npos;
            col.on_update = detail::on_update_sql(c.view(i, 5));
            if (!c.is_null(i, 8)) col.comment = c.text(i, 8);
            // A charset and collation of the column's own (not the table's default), which MODIFY
            // COLUMN must repeat to keep.
            if (!c.is_null(i, 7)) {
                const auto own = table_collation.find(t.name);
                if (own == table_collation.end() || own->second != c.view(i, 7)) {
                    col.charset = c.is_null(i, 6) ? std::string() : c.text(i, 6);
                    col.collation = c.text(i, 7);
                }
            }
            if (!c.is_null(i, 4)) {
                if (std::string def = detail::default_sql(c.view(i, 4)); !def.empty()) {
                    col.default_value.kind = default_kind::raw;
                    col.default_value.text = std::move(def);
                }
            }
            t.columns.push_back(std::move(col));
        }
    }
    // Foreign keys first: the indexes InnoDB made for them are recognised by their names.
    std::set<std::pair<std::string, std::string>> foreign_key_names;
    {
        std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> rules;  // (table, name) -> (delete, update)
        const result& rc = r.at(4);
        for (int i = 0; i < rc.rows(); ++i) rules[{rc.text(i, 0), rc.text(i, 1)}] = {rc.text(i, 2), rc.text(i, 3)};
        const result& f = r.at(3);
        std::string last_table, last_name;
        for (int i = 0; i < f.rows(); ++i) {
            table_info* found = table_of(f.view(i, 0));
            if (found == nullptr) continue;
            table_info& t = *found;
            const std::string name = f.text(i, 1);
            if (t.name != last_table || name != last_name) {
                foreign_key_info fk;
                fk.name = name;
                fk.ref_table = f.view(i, 5) == "1" ? f.text(i, 3) : "(another database)." + f.text(i, 3);
                if (const auto rule = rules.find({t.name, name}); rule != rules.end()) {
                    fk.on_delete = detail::parse_rule(rule->second.first);
                    fk.on_update = detail::parse_rule(rule->second.second);
                }
                t.foreign_keys.push_back(std::move(fk));
                foreign_key_names.emplace(t.name, name);
            }
            last_table = t.name;
            last_name = name;
            t.foreign_keys.back().columns.push_back(f.text(i, 2));
            t.foreign_keys.back().ref_columns.push_back(f.text(i, 4));
        }
    }
    {
        const result& x = r.at(2);
        std::string last_table, last_name;
        bool representable = false;
        for (int i = 0; i < x.rows(); ++i) {
            table_info* found = table_of(x.view(i, 0));
            if (found == nullptr) continue;
            table_info& t = *found;
            const std::string name = x.text(i, 1);
            const bool first = t.name != last_table || name != last_name;
            last_table = t.name;
            last_name = name;
            const bool unique = x.view(i, 2) == "0";
            if (first) {
                representable = x.view(i, 5) == "BTREE" && (unique || foreign_key_names.count({t.name, name}) == 0);
                if (!representable) continue;
                if (name == "PRIMARY") {
                } else if (unique) {
                    t.uniques.push_back({name, {}});
                } else {
                    t.indexes.push_back({name, {}, false, {}});
                }
            }
            if (!representable) continue;
            if (!x.is_null(i, 4) || x.is_null(i, 3) || x.view(i, 6) == "D") {  // a prefix, an expression, descending
                if (name != "PRIMARY") unique ? t.uniques.pop_back() : t.indexes.pop_back();
                representable = false;
                continue;
            }
            if (name == "PRIMARY") {
                t.primary_key.push_back(x.text(i, 3));
            } else if (unique) {
                t.uniques.back().columns.push_back(x.text(i, 3));
            } else {
                t.indexes.back().columns.push_back(x.text(i, 3));
            }
        }
    }
    {
        const result& k = r.at(5);
        for (int i = 0; i < k.rows(); ++i) {
            const auto it = tables.find(k.text(i, 0));
            if (it == tables.end()) continue;
            it->second.checks.push_back({k.text(i, 1), k.text(i, 2)});
        }
    }
    // The index InnoDB makes for a foreign key declared without a name is named after its first
    // column: it belongs to the foreign key (which needs it), not to anyone's model.
    for (auto& entry : tables) {
        table_info& t = entry.second;  // a structured binding cannot be captured (clang 14)
        std::erase_if(t.indexes, [&](const index_info& x) {
            return std::any_of(t.foreign_keys.begin(), t.foreign_keys.end(), [&](const foreign_key_info& fk) {
                return !fk.columns.empty() && fk.columns == x.columns && x.name == fk.columns.front();
            });
        });
    }
    schema out;
    for (auto& [name, t] : tables) out.tables.push_back(std::move(t));
    return out;
}

/// MySQL keeps a UNIQUE constraint as a unique index, so introspection reports every unique index
/// as a constraint. Where `desired` declares a unique index (not a constraint) of that name, the
/// catalog's entry is moved back to the indexes, so that the two compare as they were declared.
inline void reconcile_uniques(schema& actual, const schema& desired) {
    for (table_info& t : actual.tables) {
        const table_info* want = desired.find_table(t.name);
        if (want == nullptr) continue;
        for (auto it = t.uniques.begin(); it != t.uniques.end();) {
            const bool declared_as_index = std::any_of(want->indexes.begin(), want->indexes.end(),
                                                       [&](const index_info& x) { return x.unique && x.name == it->name; });
            if (declared_as_index) {
                t.indexes.push_back({it->name, it->columns, true, {}});
                it = t.uniques.erase(it);
            } else {
                ++it;
            }
        }
    }
}

/// What a schema of models looks like once MySQL has it: a partial index is a plain index over all
/// rows (MySQL has no partial indexes; see render_create_index), so its predicate is dropped here;
/// RESTRICT is NO ACTION.
inline schema as_stored(schema desired) {
    for (table_info& t : desired.tables) {
        for (index_info& x : t.indexes) {
            if (!x.unique) x.where.clear();
        }
        for (foreign_key_info& fk : t.foreign_keys) {
            if (fk.on_delete == fk_action::restrict) fk.on_delete = fk_action::no_action;
            if (fk.on_update == fk_action::restrict) fk.on_update = fk_action::no_action;
        }
    }
    return desired;
}

}  // namespace driftless::mysql

#endif  // DRIFTLESS_MYSQL_INTROSPECT_HPP
