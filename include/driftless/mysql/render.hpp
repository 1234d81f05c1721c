// driftless — a plan as MySQL / MariaDB statements: CREATE TABLE, and ALTER TABLE in place for
// every other change. Each statement commits on its own (MySQL's DDL is not transactional), so
// the statements are ordered to be valid one after the other and each stands alone.
#ifndef DRIFTLESS_MYSQL_RENDER_HPP
#define DRIFTLESS_MYSQL_RENDER_HPP

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <driftless/diff.hpp>
#include <driftless/plan.hpp>
#include <driftless/render.hpp>
#include <driftless/schema.hpp>

namespace driftless::mysql {

namespace detail {

inline std::string q(std::string_view name) { return quote_identifier(name, dialect::mysql); }

/// A rendered type's name, lower case, without its arguments or attributes ("varchar(20)" -> "varchar").
inline std::string type_word(std::string_view type) {
    std::string name;
    for (char ch : type.substr(0, type.find_first_of("( "))) name += driftless::detail::to_lower(ch);
    return name;
}

/// True for a type that has a character set: CHAR, VARCHAR, the TEXT types, ENUM and SET.
inline bool character_type(std::string_view type) {
    const std::string name = type_word(type);
    return name == "char" || name == "varchar" || name == "tinytext" || name == "text" || name == "mediumtext" ||
           name == "longtext" || name == "enum" || name == "set" || name == "character" || name == "national";
}

/// True for a type that can take ON UPDATE CURRENT_TIMESTAMP: TIMESTAMP and DATETIME.
inline bool timestamp_type(std::string_view type) {
    const std::string name = type_word(type);
    return name == "timestamp" || name == "datetime";
}

/// A column's whole definition, as ADD COLUMN and MODIFY COLUMN take it (MySQL changes type,
/// nullability, default and AUTO_INCREMENT together). The column's charset, collation and ON
/// UPDATE (the model's, or kept by diff() from the catalog) are written where the type has them.
inline std::string column_definition(const column_info& c) {
    const std::string type = render_type(c.type, dialect::mysql);
    std::string out = q(c.name) + " " + type;
    if (character_type(type)) out += driftless::detail::mysql_charset_clause(c);
    out += c.nullable ? " NULL" : " NOT NULL";
    if (c.auto_increment) out += " AUTO_INCREMENT";
    if (const std::string def = render_default(c.default_value, c.type, dialect::mysql); !def.empty()) out += " DEFAULT " + def;
    if (!c.on_update.empty() && timestamp_type(type)) out += " ON UPDATE " + c.on_update;
    if (!c.comment.empty()) out += " COMMENT " + quote_text(c.comment, dialect::mysql);
    return out;
}


using driftless::detail::by_name;

}  // namespace detail

/// The statements that carry out `p` on MySQL / MariaDB. Order: foreign keys dropped first (every
/// table), then per table renames, drops, CREATE TABLE or column changes (one MODIFY COLUMN per
/// changed column, ALGORITHM=INSTANT for a column added last that is nullable or has a default),
/// keys, checks and indexes; foreign keys added last (every table).
inline std::vector<std::string> render_plan(const migration_plan& p) {
    using detail::q;
    constexpr dialect my = dialect::mysql;
    std::vector<std::string> sql;
    const auto steps_of = [&](const table_change& tc, step_kind k) { return driftless::detail::steps_of(p, tc, k); };
    driftless::drop_foreign_keys_sql(p, my, sql);
    const std::vector<deferred_foreign_key> deferred = driftless::deferred_foreign_keys(p, my);
    for (const table_change& tc : p.tables) {
        if (driftless::created_table_sql(tc, my, sql, deferred)) continue;
        const std::string alter = "ALTER TABLE " + q(tc.name) + " ";
        for (const step* s : steps_of(tc, step_kind::rename_table)) sql.push_back("RENAME TABLE " + q(s->from) + " TO " + q(s->to));
        driftless::rename_columns_drop_checks_sql(p, tc, my, sql);
        for (const step* s : steps_of(tc, step_kind::drop_unique)) sql.push_back(alter + "DROP INDEX " + q(s->subject));
        for (const step* s : steps_of(tc, step_kind::drop_index)) sql.push_back(alter + "DROP INDEX " + q(s->subject));
        const bool pk_changes = !steps_of(tc, step_kind::change_primary_key).empty();
        if (pk_changes && !tc.before.primary_key.empty()) {
            // An AUTO_INCREMENT column must stay a key: take AUTO_INCREMENT off first.
            for (const column_info& c : tc.before.columns) {
                if (!c.auto_increment) continue;
                column_info plain = c;
                plain.auto_increment = false;
                sql.push_back(alter + "MODIFY COLUMN " + detail::column_definition(plain));
            }
            sql.push_back(alter + "DROP PRIMARY KEY");
        }
        for (const step* s : steps_of(tc, step_kind::drop_column)) sql.push_back(alter + "DROP COLUMN " + q(s->subject));
        for (const step* s : steps_of(tc, step_kind::add_column)) {
            const column_info* c = tc.after.find_column(s->subject);
            if (c == nullptr) continue;
            column_info added = *c;
            if (added.auto_increment && pk_changes) added.auto_increment = false;  // set once the key exists
            const bool instant = (c->nullable || c->default_value.kind != default_kind::none) && !c->auto_increment;
            sql.push_back(alter + "ADD COLUMN " + detail::column_definition(added) + (instant ? ", ALGORITHM=INSTANT" : ""));
        }
        // One MODIFY per column whose type, nullability, default or AUTO_INCREMENT changes.
        std::set<std::string> modified;
        for (const step& s : p.steps) {
            if (s.table != tc.name) continue;
            if (s.kind != step_kind::change_type && s.kind != step_kind::change_nullability && s.kind != step_kind::change_default &&
                s.kind != step_kind::change_auto_increment && s.kind != step_kind::change_collation &&
                s.kind != step_kind::change_on_update)
                continue;
            if (!modified.insert(s.subject).second) continue;
            const column_info* c = tc.after.find_column(s.subject);
            if (c == nullptr) continue;
            column_info now = *c;
            if (now.auto_increment && pk_changes) now.auto_increment = false;  // set once the key exists
            sql.push_back(alter + "MODIFY COLUMN " + detail::column_definition(now));
        }
        if (pk_changes && !tc.after.primary_key.empty()) {
            sql.push_back(alter + "ADD PRIMARY KEY " + driftless::detail::column_list(tc.after.primary_key, my));
            for (const column_info& c : tc.after.columns) {
                if (c.auto_increment) sql.push_back(alter + "MODIFY COLUMN " + detail::column_definition(c));
            }
        }
        for (const step* s : steps_of(tc, step_kind::add_unique)) {
            if (const unique_info* u = detail::by_name(tc.after.uniques, s->subject))
                sql.push_back(alter + "ADD CONSTRAINT " + q(u->name) + " UNIQUE " + driftless::detail::column_list(u->columns, my));
        }
        for (const step* s : steps_of(tc, step_kind::add_check)) sql.push_back(alter + "ADD CONSTRAINT " + q(s->subject) + " CHECK (" + s->to + ")");
        for (const step* s : steps_of(tc, step_kind::create_index)) {
            if (const index_info* x = detail::by_name(tc.after.indexes, s->subject)) sql.push_back(render_create_index(tc.after, *x, my));
        }
    }
    driftless::add_deferred_foreign_keys_sql(deferred, my, sql);
    driftless::add_foreign_keys_sql(p, my, sql);
    return sql;
}

}  // namespace driftless::mysql

#endif  // DRIFTLESS_MYSQL_RENDER_HPP
