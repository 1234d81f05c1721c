// driftless — the pure diff: what the models want against what the database has, as a plan.
// No I/O. Types, defaults and expressions are compared as the dialect would write them.
#ifndef DRIFTLESS_DIFF_HPP
#define DRIFTLESS_DIFF_HPP

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstddef>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <driftless/detail/sql_tokens.hpp>
#include <driftless/plan.hpp>
#include <driftless/render.hpp>
#include <driftless/schema.hpp>

namespace driftless {

namespace detail {

/// SQL text in a canonical form for comparison: outside quotes, ASCII letters lower-cased,
/// whitespace runs collapsed, no whitespace next to punctuation; quoted text kept verbatim.
inline std::string normalize_sql(std::string_view sql) {
    std::string out;
    char quote = 0;
    bool pending_space = false;
    const auto is_punct = [](char c) { return c == '(' || c == ')' || c == ',' || c == '=' || c == '<' || c == '>'; };
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (quote != 0) {
            out += c;
            if (c == quote) {
                if (i + 1 < sql.size() && sql[i + 1] == quote) {
                    out += sql[++i];
                } else {
                    quote = 0;
                }
            }
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            pending_space = true;
            continue;
        }
        if (pending_space && !out.empty() && !is_punct(out.back()) && !is_punct(c)) out += ' ';
        pending_space = false;
        if (c == '\'' || c == '"' || c == '`' || c == '[') quote = c == '[' ? ']' : c;
        out += to_lower(c);
    }
    return out;
}

/// The column's type as `d` spells it; a type read from a catalog is taken as it is.
inline std::string type_sql(const column_type& t, dialect d) {
    if (t.kind == type_kind::custom) {
        return d == dialect::sqlite ? t.sqlite : d == dialect::postgresql ? t.postgresql : t.mysql;
    }
    return render_type(t, d);
}

/// Split a normalised type "name(args) rest" into the name, the argument list (with its
/// parentheses) and what follows it; without parentheses it is all name.
inline void split_type(const std::string& t, std::string& name, std::string& args, std::string& rest) {
    name = t;
    args.clear();
    rest.clear();
    if (const auto open = t.find('('); open != std::string::npos) {
        const auto close = t.find(')', open);
        name = t.substr(0, open);
        args = close == std::string::npos ? t.substr(open) : t.substr(open, close - open + 1);
        rest = close == std::string::npos ? "" : t.substr(close + 1);
    }
    while (!rest.empty() && rest.front() == ' ') rest.erase(0, 1);
    while (!name.empty() && name.back() == ' ') name.pop_back();
}

/// A PostgreSQL type in one spelling per type, so that the catalog's words (format_type:
/// "integer", "character varying(20)", "timestamp(0) with time zone") and a model's or a user's
/// ("INT4", "VARCHAR(20)", "TIMESTAMPTZ(0)") compare equal. Unknown types are only normalised.
inline std::string canonical_pg_type(std::string_view type) {
    std::string t = normalize_sql(type);
    std::string suffix;  // array brackets
    while (t.size() >= 2 && t.compare(t.size() - 2, 2, "[]") == 0) {
        suffix += "[]";
        t.resize(t.size() - 2);
    }
    std::string name, args, rest;
    split_type(t, name, args, rest);
    const auto with_rest = [&](std::string_view base) {
        return std::string(base) + (rest.empty() ? "" : " " + rest);
    };
    std::string full = with_rest(name);
    std::string out;
    if (full == "integer" || full == "int" || full == "int4" || full == "serial" || full == "serial4") out = "int4";
    else if (full == "smallint" || full == "int2" || full == "smallserial" || full == "serial2") out = "int2";
    else if (full == "bigint" || full == "int8" || full == "bigserial" || full == "serial8") out = "int8";
    else if (full == "real" || full == "float4") out = "float4";
    else if (full == "double precision" || full == "float8" || (full == "float" && args.empty())) out = "float8";
    else if (full == "float") out = std::atoi(args.c_str() + 1) <= 24 ? "float4" : "float8";  // float(p)
    else if (full == "bit" && args.empty()) out = "bit(1)";
    else if (full == "boolean" || full == "bool") out = "bool";
    else if (full == "character varying" || full == "varchar") out = "varchar" + args;
    else if (full == "character" || full == "char" || full == "bpchar") out = "bpchar" + (args.empty() ? "(1)" : args);
    else if (full == "decimal" || full == "numeric") {
        // numeric(p,0) is numeric(p)
        if (args.size() > 4 && args.compare(args.size() - 3, 3, ",0)") == 0) args = args.substr(0, args.size() - 3) + ")";
        out = "numeric" + args;
    } else if (full == "timestamp with time zone" || full == "timestamptz") out = "timestamptz" + (args.empty() ? "(6)" : args);
    else if (full == "timestamp" || full == "timestamp without time zone") out = "timestamp" + (args.empty() ? "(6)" : args);
    else if (full == "time with time zone" || full == "timetz") out = "timetz" + (args.empty() ? "(6)" : args);
    else if (full == "time" || full == "time without time zone") out = "time" + (args.empty() ? "(6)" : args);
    else out = t;
    return out + suffix;
}

/// A MySQL / MariaDB type in one spelling per type: information_schema's COLUMN_TYPE ("int(11)",
/// "bigint(20) unsigned", "tinyint(1)", "decimal(10,0)") and a model's ("INT", "BIGINT UNSIGNED",
/// "TINYINT(1)", "DECIMAL(10)") compare equal. Display widths of integers are dropped, except
/// tinyint(1), which is how MySQL spells a boolean.
inline std::string canonical_mysql_type(std::string_view type) {
    const std::string t = normalize_sql(type);
    std::string name, args, rest;
    split_type(t, name, args, rest);
    if (args.empty()) {  // "int unsigned": the attribute after the name
        if (const auto space = name.find(' '); space != std::string::npos && name.compare(0, 6, "double") != 0 &&
                                               name.compare(0, 9, "character") != 0) {
            rest = name.substr(space + 1);
            name.resize(space);
        }
    }
    if (name == "integer") name = "int";
    if (name == "bool" || name == "boolean") {
        name = "tinyint";
        args = "(1)";
    }
    const bool integer = name == "tinyint" || name == "smallint" || name == "mediumint" || name == "int" || name == "bigint";
    if (integer && !(name == "tinyint" && args == "(1)")) args.clear();
    if (name == "double precision" || name == "real") name = "double";
    if (name == "numeric" || name == "dec" || name == "fixed") name = "decimal";
    if (name == "decimal") {
        if (args.empty()) args = "(10,0)";
        if (args.find(',') == std::string::npos) args = args.substr(0, args.size() - 1) + ",0)";
    }
    if (name == "character varying") name = "varchar";
    if ((name == "datetime" || name == "timestamp" || name == "time") && args == "(0)") args.clear();
    if (name == "year" && args == "(4)") args.clear();  // MariaDB reads YEAR back as year(4)
    return name + args + (rest.empty() ? "" : " " + rest);
}

/// True when two spellings of a column type name the same type on `d`.
inline bool same_type(std::string_view a, std::string_view b, dialect d) {
    if (a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return to_lower(x) == to_lower(y); }))
        return true;  // the usual case, without allocating
    if (d == dialect::postgresql) return canonical_pg_type(a) == canonical_pg_type(b);
    if (d == dialect::mysql) return canonical_mysql_type(a) == canonical_mysql_type(b);
    return normalize_sql(a) == normalize_sql(b);
}

/// True when every value of a column of type `from` is held unchanged by type `to` on PostgreSQL
/// or MySQL: a wider integer of the same signedness, a longer VARCHAR or VARCHAR into TEXT, a
/// DECIMAL with at least as many digits on both sides of the point, REAL/FLOAT into DOUBLE.
/// Such a change needs no permission: it is labelled safe (the values are still probed).
inline bool widens(std::string_view from, std::string_view to, dialect d) {
    if (d == dialect::sqlite) return false;
    const std::string a = d == dialect::postgresql ? canonical_pg_type(from) : canonical_mysql_type(from);
    const std::string b = d == dialect::postgresql ? canonical_pg_type(to) : canonical_mysql_type(to);
    std::string an, aa, ar, bn, ba, br;
    split_type(a, an, aa, ar);
    split_type(b, bn, ba, br);
    for (auto [name, args, rest] : {std::tie(an, aa, ar), std::tie(bn, ba, br)}) {  // MySQL's "int unsigned"
        if (d == dialect::mysql && args.empty() && rest.empty() && name.find(' ') != std::string::npos &&
            name.compare(0, 6, "double") != 0) {
            rest = name.substr(name.find(' ') + 1);
            name.resize(name.find(' '));
        }
    }
    const auto number = [](const std::string& args, std::size_t which) -> long {  // "(p,s)" -> p or s
        if (args.size() < 3) return -1;
        const std::string inner = args.substr(1, args.size() - 2);
        const auto comma = inner.find(',');
        const std::string part = which == 0 ? inner.substr(0, comma) : (comma == std::string::npos ? "0" : inner.substr(comma + 1));
        if (part.empty() || part.find_first_not_of("0123456789 ") != std::string::npos) return -1;
        return std::atol(part.c_str());
    };
    // Integer types narrowest first; a type's rank is its place in its dialect's list.
    static constexpr std::string_view pg_ints[] = {"int2", "int4", "int8"};
    static constexpr std::string_view my_ints[] = {"tinyint", "smallint", "mediumint", "int", "bigint"};
    const std::span<const std::string_view> ints =
        d == dialect::postgresql ? std::span<const std::string_view>(pg_ints) : std::span<const std::string_view>(my_ints);
    const auto rank = [&](const std::string& name, const std::string& args) -> long {
        if (d == dialect::mysql && name == "tinyint" && args == "(1)") return -1;  // a boolean
        const auto it = std::find(ints.begin(), ints.end(), name);
        return it == ints.end() ? -1 : it - ints.begin();
    };
    if (const long ra = rank(an, aa), rb = rank(bn, ba); ra >= 0 && rb >= 0) return rb > ra && ar == br;  // "unsigned" alike
    if (!ar.empty() || !br.empty()) return false;
    if (an == "varchar" && bn == "varchar") return number(ba, 0) > number(aa, 0) && number(aa, 0) >= 0;
    if (an == "varchar" && (bn == "text" || bn == "mediumtext" || bn == "longtext")) return true;
    if ((an == "numeric" && bn == "numeric") || (an == "decimal" && bn == "decimal")) {
        if (ba.empty()) return d == dialect::postgresql;  // PostgreSQL's unconstrained numeric holds any
        const long ap = number(aa, 0), as = number(aa, 1), bp = number(ba, 0), bs = number(ba, 1);
        return ap >= 0 && bp >= 0 && bs >= as && bp - bs >= ap - as && (bp != ap || bs != as);
    }
    if (d == dialect::postgresql) return an == "float4" && bn == "float8";
    return an == "float" && aa.empty() && bn == "double" && ba.empty();
}

/// SQLite's type affinity of a declared type (sqlite.org, "Determination of column affinity").
inline char sqlite_affinity(std::string_view declared) {
    const std::string n = normalize_sql(declared);
    if (n.find("int") != std::string::npos) return 'I';
    if (n.find("char") != std::string::npos || n.find("clob") != std::string::npos || n.find("text") != std::string::npos)
        return 'T';
    if (n.empty() || n.find("blob") != std::string::npos) return 'B';
    if (n.find("real") != std::string::npos || n.find("floa") != std::string::npos || n.find("doub") != std::string::npos)
        return 'R';
    return 'N';
}

/// SQLite's declared type of a column that aliases the rowid ("INTEGER", in any case, of the
/// single-column primary key): the one place where a spelling changes what a column is.
inline bool sqlite_rowid_spelling(std::string_view declared) { return normalize_sql(declared) == "integer"; }

/// A declared SQLite type reduced to what SQLite and a reader of the schema can tell apart: one
/// word per family of the same affinity, lengths and precisions dropped (SQLite enforces none):
/// every INTEGER-affinity spelling is "integer", every TEXT one "text" (VARCHAR(20), NVARCHAR,
/// CHAR(1), CLOB), every REAL one "real", BLOB and no type "blob"; NUMERIC-affinity types keep
/// their family: "numeric" (NUMERIC, DECIMAL), "boolean", "datetime" (DATETIME, TIMESTAMP),
/// "date", "time", or their own name.
inline std::string canonical_sqlite_type(std::string_view declared) {
    switch (sqlite_affinity(declared)) {
        case 'I': return "integer";
        case 'T': return "text";
        case 'R': return "real";
        case 'B': return "blob";
        default: break;
    }
    std::string name, args, rest;
    split_type(normalize_sql(declared), name, args, rest);
    if (name == "decimal" || name == "numeric") return "numeric";
    if (name == "bool" || name == "boolean") return "boolean";
    if (name == "datetime" || name == "timestamp") return "datetime";
    return name;
}

/// True when two declared types are one column type on SQLite (see canonical_sqlite_type),
/// except that only "INTEGER" makes a single-column primary key the rowid.
inline bool sqlite_same_column_type(std::string_view a, std::string_view b, bool single_primary_key) {
    if (canonical_sqlite_type(a) != canonical_sqlite_type(b)) return false;
    return !single_primary_key || sqlite_rowid_spelling(a) == sqlite_rowid_spelling(b);
}

/// A default's text without what changes nothing: the parentheses around the whole of it and,
/// on PostgreSQL, a cast of a literal to the column's own type (the catalog's `'G'::rating`
/// for a model's `'G'`).
inline std::string canonical_default(std::string_view sql, std::string_view column_type, dialect d) {
    std::vector<token> t = without_idle_parentheses(tokenize(sql));
    if (d == dialect::postgresql && t.size() >= 4 && t[0].kind == token::string && is_symbol(t[1], ':') &&
        is_symbol(t[2], ':')) {
        std::string cast;
        for (std::size_t i = 3; i < t.size(); ++i) cast += (cast.empty() ? "" : " ") + t[i].value;
        if (canonical_pg_type(cast) == canonical_pg_type(column_type)) t.resize(1);
    }
    std::string out;
    for (const token& x : t) {
        if (!out.empty()) out += ' ';
        if (x.kind == token::string) {
            out += '\'' + x.value + '\'';
        } else if (x.kind == token::identifier) {
            out += '"' + x.value + '"';
        } else {
            for (char c : x.value) out += to_lower(c);
        }
    }
    // The transaction's start time under its other names (PostgreSQL and MySQL): now(),
    // transaction_timestamp() (PostgreSQL) and CURRENT_TIMESTAMP are one function.
    if (d != dialect::sqlite && (out == "now ( )" || out == "transaction_timestamp ( )" || out == "current_timestamp ( )"))
        return "current_timestamp";
    return out;
}

/// True when two default texts give a column of `type` the same value: the same canonical text;
/// no default and DEFAULT NULL; on SQLite, two numbers of equal value in a column whose
/// affinity stores them as numbers (in a TEXT column `0` and `0.0` are different strings).
inline bool same_default(const std::string& a, const std::string& b, std::string_view type, dialect d) {
    if (a == b) return true;  // the usual case, without tokenizing
    std::string x = canonical_default(a, type, d);
    std::string y = canonical_default(b, type, d);
    if (x == y) return true;
    if ((x.empty() || x == "null") && (y.empty() || y == "null")) return true;
    const char affinity = d == dialect::sqlite ? sqlite_affinity(type) : 'T';
    if (affinity != 'I' && affinity != 'R' && affinity != 'N') return false;
    // Numbers: an optional sign, digits, '.', an exponent (the tokens were joined by spaces).
    for (std::string* n : {&x, &y}) {
        n->erase(std::remove(n->begin(), n->end(), ' '), n->end());
        if (n->empty() || n->find_first_not_of("+-.0123456789eE") != std::string::npos) return false;
    }
    char* x_end = nullptr;
    char* y_end = nullptr;
    if (x.find_first_of(".eE") == std::string::npos && y.find_first_of(".eE") == std::string::npos) {
        // Integers as integers: beyond 2^53 doubles would make neighbours equal.
        errno = 0;
        const long long u = std::strtoll(x.c_str(), &x_end, 10);
        const long long v = std::strtoll(y.c_str(), &y_end, 10);
        return errno == 0 && *x_end == '\0' && *y_end == '\0' && u == v;
    }
    const double u = std::strtod(x.c_str(), &x_end);
    const double v = std::strtod(y.c_str(), &y_end);
    return *x_end == '\0' && *y_end == '\0' && u == v;
}

inline std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

using fk_key = std::tuple<std::vector<std::string>, std::string, std::vector<std::string>, fk_action, fk_action>;

inline fk_key key_of(const foreign_key_info& fk) {
    return {fk.columns, fk.ref_table, fk.ref_columns, fk.on_delete, fk.on_update};
}

inline std::string describe_fk(const foreign_key_info& fk) {
    std::string s = "(" + join(fk.columns) + ") -> " + fk.ref_table + "(" + join(fk.ref_columns) + ")";
    if (fk.on_delete != fk_action::no_action) s += " ON DELETE " + std::string(action_sql(fk.on_delete));
    if (fk.on_update != fk_action::no_action) s += " ON UPDATE " + std::string(action_sql(fk.on_update));
    return s;
}

/// A schema's tables by name (the first of a name, as schema::find_table), for lookups that
/// would otherwise scan the list once per table.
class table_lookup {
public:
    explicit table_lookup(const schema& s) {
        for (const auto& t : s.tables) by_name_.emplace(t.name, &t);
    }
    [[nodiscard]] const table_info* find(std::string_view name) const {
        const auto it = by_name_.find(name);
        return it != by_name_.end() ? it->second : nullptr;
    }

private:
    std::map<std::string_view, const table_info*> by_name_;
};

/// The desired tables, each after the tables it references (cycles keep the given order).
inline std::vector<const table_info*> foreign_key_order(const schema& desired) {
    const table_lookup lookup(desired);
    std::vector<const table_info*> out;
    std::set<std::string> placed;
    std::set<std::string> visiting;
    const auto visit = [&](auto&& self, const table_info& t) -> void {
        if (placed.count(t.name) != 0 || visiting.count(t.name) != 0) return;
        visiting.insert(t.name);
        for (const auto& fk : t.foreign_keys) {
            if (fk.ref_table == t.name) continue;
            if (const table_info* target = lookup.find(fk.ref_table)) self(self, *target);
        }
        visiting.erase(t.name);
        placed.insert(t.name);
        out.push_back(&t);
    };
    for (const auto& t : desired.tables) visit(visit, t);
    return out;
}

/// The safety class of changing a column's type from `from` to `to` on `d`: safe for a widening,
/// rebuild for another spelling of one SQLite affinity, lossy otherwise.
inline safety type_change_safety(std::string_view from, std::string_view to, dialect d) {
    if (widens(from, to, d)) return safety::safe;
    if (d == dialect::sqlite && sqlite_affinity(to) == sqlite_affinity(from)) return safety::rebuild;
    return safety::lossy;
}

inline std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& ch : out) ch = to_lower(ch);
    return out;
}

/// The collation column `c` of table `t` has in effect on `d`; "" for the engine's default
/// (SQLite BINARY; MySQL: the table's, when the table names one). Compare with lower_ascii.
inline std::string effective_collation(const column_info& c, const table_info& t, dialect d) {
    std::string out = !c.collation.empty() || d != dialect::mysql ? c.collation : t.collation;
    if (d == dialect::sqlite && lower_ascii(out) == "binary") out.clear();
    return out;
}

/// MySQL: the character set column `c` of table `t` has in effect, lower-cased ("" when unknown).
inline std::string effective_charset(const column_info& c, const table_info& t) {
    if (!c.charset.empty()) return lower_ascii(c.charset);
    const std::string collation = lower_ascii(effective_collation(c, t, dialect::mysql));
    if (!collation.empty()) return charset_of_collation(collation);
    return lower_ascii(t.charset);
}

/// An ON UPDATE clause compared by meaning: "current_timestamp()" = "CURRENT_TIMESTAMP".
inline std::string canonical_on_update(std::string_view s) {
    std::string out = lower_ascii(s);
    if (out.size() > 2 && out.compare(out.size() - 2, 2, "()") == 0) out.resize(out.size() - 2);
    if (out == "now") out = "current_timestamp";
    return out;
}

/// How a step shows a primary key: its columns, and its name where it has one.
inline std::string describe_primary_key(const std::vector<std::string>& columns, const std::string& name) {
    std::string out = join(columns);
    if (!name.empty()) out += " as " + name;
    return out;
}

}  // namespace detail

/// The step that undoes `s` after the whole plan ran (so a rename's reverse names the table by its
/// new name, and a column step's table is the table's name after the plan), with its own safety
/// class: the reverse of adding a column drops it (destructive), the reverse of a widening may
/// narrow (lossy). The reverse of a drop recreates the structure, not the data. `d` decides what
/// rewrites the table (SQLite rebuilds where the others ALTER in place).
inline step reverse(const step& s, dialect d) {
    const safety rewrite = d == dialect::sqlite ? safety::rebuild : safety::safe;
    step r = s;
    r.from = s.to;
    r.to = s.from;
    switch (s.kind) {
        case step_kind::create_table: r.kind = step_kind::drop_table; r.level = safety::destructive; break;
        case step_kind::drop_table: r.kind = step_kind::create_table; r.level = safety::safe; break;
        case step_kind::rename_table: r.table = s.from; break;
        case step_kind::add_column: r.kind = step_kind::drop_column; r.level = safety::destructive; break;
        case step_kind::drop_column:
            r.kind = step_kind::add_column;
            // As diff() classes it: a NOT NULL column without a default needs the table rewritten.
            r.level = s.from.find("NOT NULL") != std::string::npos ? safety::rebuild : safety::safe;
            break;
        case step_kind::rename_column: r.subject = s.from; break;
        case step_kind::change_type: r.level = detail::type_change_safety(s.to, s.from, d); break;
        case step_kind::change_nullability: r.level = s.to == "NOT NULL" ? rewrite : safety::lossy; break;
        case step_kind::change_default:
        case step_kind::change_collation:
        case step_kind::change_on_update:
        case step_kind::change_auto_increment:
        case step_kind::change_primary_key: break;
        case step_kind::add_unique: r.kind = step_kind::drop_unique; break;
        case step_kind::drop_unique: r.kind = step_kind::add_unique; break;
        case step_kind::add_foreign_key: r.kind = step_kind::drop_foreign_key; break;
        case step_kind::drop_foreign_key: r.kind = step_kind::add_foreign_key; break;
        case step_kind::add_check: r.kind = step_kind::drop_check; break;
        case step_kind::drop_check: r.kind = step_kind::add_check; break;
        case step_kind::create_index: r.kind = step_kind::drop_index; break;
        case step_kind::drop_index: r.kind = step_kind::create_index; break;
    }
    return r;
}

/// The steps that undo `p`, last step first (see reverse(step, dialect)).
inline std::vector<step> reverse_steps(const migration_plan& p, dialect d) {
    std::vector<step> out;
    out.reserve(p.steps.size());
    for (auto it = p.steps.rbegin(); it != p.steps.rend(); ++it) out.push_back(reverse(*it, d));
    return out;
}

/// Options of diff().
struct diff_options {
    /// Plan a type change whenever the declared spellings differ, even where the engine treats
    /// the two as one type (SQLite: VARCHAR(20) and TEXT, DATETIME and TIMESTAMP).
    bool exact_types = false;
    /// Drop the indexes, checks and unique constraints of managed tables that no model names and
    /// driftless did not create (by default they are kept, and listed in migration_plan::kept).
    bool prune_unmanaged = false;
    /// `desired` is a catalog's schema, not the models' (down sections, rollbacks): a column with
    /// no collation, charset or ON UPDATE, or a primary key with no name, has none, rather than
    /// keeping the one the database has.
    bool desired_from_catalog = false;
};

/// Compare what the models want (`desired`) with what the database has (`actual`, as introspected
/// for dialect `d`) and return the steps that make the database match. Pure: no I/O.
///
/// Renames come only from the spec's hints (renamed, renamed_from); a dropped column next to an
/// added one of the same type is reported in plan::notes as a possible rename, never executed as
/// one. Tables that no model names are reported in plan::unmanaged_tables and left alone.
inline migration_plan diff(const schema& desired, const schema& actual, dialect d, const diff_options& options = {}) {
    using detail::normalize_sql;
    migration_plan p;
    std::set<std::string> consumed;  // actual tables matched to a model
    const detail::table_lookup actual_tables(actual);
    const detail::table_lookup desired_tables(desired);
    // Renames found so far, for the tables that reference them (parents come first, in FK order):
    // actual table name -> desired, and per desired table its columns' actual -> desired names.
    std::map<std::string, std::string> table_renames;
    std::map<std::string, std::map<std::string, std::string>> column_renames;
    for (const table_info* want_ptr : detail::foreign_key_order(desired)) {
        const table_info& want = *want_ptr;
        const table_info* have = actual_tables.find(want.name);
        if (have == nullptr && !want.previous_name.empty() && desired_tables.find(want.previous_name) == nullptr) {
            have = actual_tables.find(want.previous_name);
            if (have != nullptr) {
                p.steps.push_back({step_kind::rename_table, safety::safe, want.name, {}, have->name, want.name});
                table_renames[have->name] = want.name;
            }
        }
        if (have == nullptr) {
            p.steps.push_back({step_kind::create_table, safety::safe, want.name, {}, {}, {}});
            p.tables.push_back({want.name, true, {}, want});
            continue;
        }
        consumed.insert(have->name);
        const std::size_t first_step = p.steps.size();
        const bool renamed_table = have->name != want.name;
        const auto add = [&](step_kind k, safety s, std::string subject, std::string from, std::string to) {
            p.steps.push_back({k, s, want.name, std::move(subject), std::move(from), std::move(to)});
        };
        const safety rewrite = d == dialect::sqlite ? safety::rebuild : safety::safe;

        // Columns: matched by name, or by a rename hint.
        std::map<std::string, std::string> actual_to_desired;  // column names
        std::vector<const column_info*> added;
        for (const column_info& c : want.columns) {
            const column_info* old = have->find_column(c.name);
            if (old == nullptr && !c.previous_name.empty() && want.find_column(c.previous_name) == nullptr) {
                old = have->find_column(c.previous_name);
                if (old != nullptr) add(step_kind::rename_column, safety::safe, c.name, old->name, c.name);
            }
            if (old == nullptr) {
                // An identity column fills itself on PostgreSQL and MySQL; SQLite rebuilds for it.
                const bool fillable = c.nullable || c.default_value.kind != default_kind::none ||
                                      (c.auto_increment && d != dialect::sqlite);
                add(step_kind::add_column, fillable ? safety::safe : safety::rebuild, c.name, {},
                    detail::type_sql(c.type, d) + (c.nullable ? "" : " NOT NULL"));
                added.push_back(&c);
                continue;
            }
            actual_to_desired[old->name] = c.name;
            const std::string want_type = detail::type_sql(c.type, d);
            const std::string have_type = detail::type_sql(old->type, d);
            const bool single_key = want.primary_key.size() == 1 && want.primary_key.front() == c.name;
            const bool same_type = detail::same_type(want_type, have_type, d) ||
                                   (d == dialect::sqlite && !options.exact_types &&
                                    detail::sqlite_same_column_type(want_type, have_type, single_key));
            if (!same_type) {
                add(step_kind::change_type, detail::type_change_safety(have_type, want_type, d), c.name, have_type, want_type);
            }
            if (c.nullable != old->nullable) {
                add(step_kind::change_nullability, c.nullable ? rewrite : safety::lossy, c.name,
                    old->nullable ? "NULL" : "NOT NULL", c.nullable ? "NULL" : "NOT NULL");
            }
            const std::string want_default = render_default(c.default_value, c.type, d);
            const std::string have_default = render_default(old->default_value, old->type, d);
            if (!detail::same_default(want_default, have_default, have_type, d)) {
                add(step_kind::change_default, rewrite, c.name, have_default, want_default);
            }
            if (c.auto_increment != old->auto_increment) {
                add(step_kind::change_auto_increment, safety::rebuild, c.name, old->auto_increment ? "yes" : "no",
                    c.auto_increment ? "yes" : "no");
            }
            // Collation and charset, ON UPDATE: compared where the model names them.
            const bool exact = options.desired_from_catalog;
            const std::string have_collation = detail::effective_collation(*old, *have, d);
            const std::string want_collation = detail::effective_collation(c, want, d);
            bool collation_differs =
                (exact || !c.collation.empty()) && detail::lower_ascii(want_collation) != detail::lower_ascii(have_collation);
            bool charset_differs = false;
            if (d == dialect::mysql && (exact || !c.charset.empty() || !c.collation.empty())) {
                charset_differs = detail::effective_charset(c, want) != detail::effective_charset(*old, *have);
            }
            if (collation_differs || charset_differs) {
                const auto shown = [&](const column_info& x, const table_info& t, const std::string& collation) {
                    if (d != dialect::mysql) return collation.empty() ? std::string("default") : collation;
                    return detail::effective_charset(x, t) + (collation.empty() ? std::string() : " " + collation);
                };
                add(step_kind::change_collation,
                    d == dialect::sqlite ? safety::rebuild : charset_differs ? safety::lossy : safety::safe, c.name,
                    shown(*old, *have, have_collation), shown(c, want, want_collation));
            }
            if (d == dialect::mysql && (exact || !c.on_update.empty()) &&
                detail::canonical_on_update(c.on_update) != detail::canonical_on_update(old->on_update)) {
                add(step_kind::change_on_update, safety::safe, c.name, old->on_update, c.on_update);
            }
        }
        std::vector<const column_info*> dropped;
        for (const column_info& old : have->columns) {
            if (actual_to_desired.count(old.name) != 0) continue;
            add(step_kind::drop_column, safety::destructive, old.name,
                detail::type_sql(old.type, d) + (old.nullable ? "" : " NOT NULL"), {});
            dropped.push_back(&old);
        }
        for (const column_info* gone : dropped) {
            for (const column_info* fresh : added) {
                if (detail::same_type(detail::type_sql(gone->type, d), detail::type_sql(fresh->type, d), d)) {
                    p.notes.push_back("table " + want.name + ": column " + gone->name + " is dropped and " + fresh->name +
                                      " added with the same type; if it is a rename, say so with .renamed(&T::" +
                                      fresh->name + ", \"" + gone->name + "\")");
                }
            }
        }

        // Table-level constraints, with the database's column names mapped to the models'.
        const auto mapped = [&](const std::vector<std::string>& cols) {
            std::vector<std::string> out;
            for (const auto& c : cols) {
                auto it = actual_to_desired.find(c);
                out.push_back(it != actual_to_desired.end() ? it->second : c);
            }
            return out;
        };
        std::map<std::string, std::string>& renames = column_renames[want.name];
        for (const auto& [from, to] : actual_to_desired) {
            if (from != to) renames[from] = to;
        }
        const auto mapped_table = [&](const std::string& t) {
            if (t == have->name) return want.name;
            const auto it = table_renames.find(t);
            return it != table_renames.end() ? it->second : t;
        };
        const auto mapped_fk = [&](const foreign_key_info& fk) {
            foreign_key_info m = fk;
            m.columns = mapped(fk.columns);
            m.ref_table = mapped_table(fk.ref_table);
            const auto it = column_renames.find(m.ref_table);
            if (it != column_renames.end()) {
                for (auto& c : m.ref_columns) {
                    const auto r = it->second.find(c);
                    if (r != it->second.end()) c = r->second;
                }
            }
            return m;
        };
        const auto same_expression = [&](const std::string& have_sql, const std::string& want_sql) {
            return detail::canonical_expression(have_sql, renames) == detail::canonical_expression(want_sql);
        };
        // A primary key's name counts where the model names it (MySQL's is always PRIMARY).
        const bool pk_named = d != dialect::mysql && (options.desired_from_catalog || !want.primary_key_name.empty());
        if (mapped(have->primary_key) != want.primary_key ||
            (pk_named && !want.primary_key.empty() && want.primary_key_name != have->primary_key_name)) {
            add(step_kind::change_primary_key, safety::rebuild, {},
                detail::describe_primary_key(mapped(have->primary_key), pk_named ? have->primary_key_name : std::string()),
                detail::describe_primary_key(want.primary_key, pk_named ? want.primary_key_name : std::string()));
        }

        std::set<std::vector<std::string>> have_uniques;
        for (const auto& u : have->uniques) have_uniques.insert(mapped(u.columns));
        std::set<std::vector<std::string>> want_uniques;
        for (const auto& u : want.uniques) want_uniques.insert(u.columns);
        for (const auto& u : want.uniques) {
            if (have_uniques.count(u.columns) == 0) add(step_kind::add_unique, rewrite, u.name, {}, "(" + detail::join(u.columns) + ")");
        }
        // What the database has beyond the models, made by hand: kept (in the shape after the plan,
        // so that a rebuild carries it), unless the user prunes.
        table_info after = want;
        if (d == dialect::mysql && !options.desired_from_catalog && (!want.collation.empty() || !want.charset.empty())) {
            // A table's default charset and collation apply to columns added later; changing them
            // is not a step (CONVERT TO rewrites every row): said, not done.
            const std::string have_charset =
                detail::lower_ascii(!have->charset.empty() ? have->charset : detail::charset_of_collation(have->collation));
            const bool differs = (!want.collation.empty() && detail::lower_ascii(want.collation) != detail::lower_ascii(have->collation)) ||
                                 (!want.charset.empty() && detail::lower_ascii(want.charset) != have_charset);
            if (differs)
                p.notes.push_back("table " + want.name + ": its default collation is " + (have->collation.empty() ? "unknown" : have->collation) +
                                  ", the model says " + (want.collation.empty() ? want.charset : want.collation) +
                                  "; driftless sets a table's default only when it creates the table (write ALTER TABLE ... "
                                  "CONVERT TO CHARACTER SET in a migration file to convert it)");
        }
        if (!options.desired_from_catalog) {
            // What the model does not say, the table keeps: its primary key's name, its columns'
            // collation and charset (unless the model names either), their ON UPDATE.
            if (after.primary_key_name.empty() && d != dialect::mysql) after.primary_key_name = have->primary_key_name;
            // The table's defaults stay the catalog's: a plan never converts a table (see above).
            after.charset = have->charset;
            after.collation = have->collation;
            for (const auto& [from, to] : actual_to_desired) {
                const column_info* old = have->find_column(from);
                column_info* now = nullptr;
                for (auto& col : after.columns) now = col.name == to ? &col : now;
                if (old == nullptr || now == nullptr) continue;
                if (now->collation.empty() && now->charset.empty()) {
                    now->collation = old->collation;
                    now->charset = old->charset;
                } else if (now->collation.empty() && d == dialect::mysql &&
                           detail::lower_ascii(now->charset) == detail::effective_charset(*old, *have)) {
                    now->collation = detail::effective_collation(*old, *have, d);  // the same charset: its collation stays
                }
                if (now->on_update.empty()) now->on_update = old->on_update;
                now->comment = old->comment;
            }
        }
        const auto keep = [&](std::string what, const std::string& name) {
            p.kept.push_back(std::move(what) + (name.empty() ? "" : " " + name) + " of table " + want.name);
        };
        const bool prune = options.prune_unmanaged;
        const std::vector<std::pair<std::string, std::string>> rename_pairs(renames.begin(), renames.end());
        // What the models drop cannot be kept: an object on a dropped column goes with it.
        const auto on_dropped = [&](std::string_view sql, const std::vector<std::string>& columns) {
            if (dropped.empty()) return false;
            const std::vector<detail::token> t = detail::tokenize(sql);
            for (const column_info* gone : dropped) {
                if (std::find(columns.begin(), columns.end(), gone->name) != columns.end()) return true;
                for (std::size_t i = 0; i < t.size(); ++i) {
                    if (detail::names_column(t, i) && detail::same_name(t[i].value, gone->name)) return true;
                }
            }
            return false;
        };
        for (const auto& u : have->uniques) {
            if (want_uniques.count(mapped(u.columns)) != 0) continue;
            const bool named = !u.name.empty() && std::any_of(want.uniques.begin(), want.uniques.end(),
                                                               [&](const unique_info& w) { return w.name == u.name; });
            if (u.unmanaged && !prune && !named && !on_dropped({}, u.columns)) {
                keep("unique (" + detail::join(mapped(u.columns)) + ")", u.name);
                after.uniques.push_back(u);
                after.uniques.back().columns = mapped(u.columns);
                continue;
            }
            add(step_kind::drop_unique, rewrite, u.name.empty() ? "(" + detail::join(mapped(u.columns)) + ")" : u.name,
                "(" + detail::join(mapped(u.columns)) + ")", {});
        }

        std::set<detail::fk_key> have_fks;
        for (const auto& fk : have->foreign_keys) have_fks.insert(detail::key_of(mapped_fk(fk)));
        std::set<detail::fk_key> want_fks;
        for (const auto& fk : want.foreign_keys) {
            want_fks.insert(detail::key_of(fk));
            if (have_fks.count(detail::key_of(fk)) == 0) add(step_kind::add_foreign_key, rewrite, fk.name, {}, detail::describe_fk(fk));
        }
        for (const auto& fk : have->foreign_keys) {
            const foreign_key_info m = mapped_fk(fk);
            if (want_fks.count(detail::key_of(m)) != 0) continue;
            const bool named = !fk.name.empty() && std::any_of(want.foreign_keys.begin(), want.foreign_keys.end(),
                                                                [&](const foreign_key_info& w) { return w.name == fk.name; });
            if (fk.unmanaged && !prune && !named && !on_dropped({}, fk.columns)) {
                keep("foreign key " + detail::describe_fk(m), fk.name);
                after.foreign_keys.push_back(m);
                continue;
            }
            add(step_kind::drop_foreign_key, rewrite, fk.name, detail::describe_fk(m), {});
        }

        // Both sides through effective_checks: a schema built from models keeps enum checks implied.
        const std::vector<check_info> have_check_list = effective_checks(*have, d);
        std::set<std::string> have_checks;
        for (const auto& c : have_check_list) have_checks.insert(detail::canonical_expression(c.expression, renames));
        std::set<std::string> want_checks;
        std::set<std::string> want_check_names;  // a check by one of these names is the model's, whatever it says
        for (const auto& c : effective_checks(want, d)) {
            want_check_names.insert(c.name);
            want_checks.insert(detail::canonical_expression(c.expression));
            if (have_checks.count(detail::canonical_expression(c.expression)) == 0)
                add(step_kind::add_check, rewrite, c.name, {}, c.expression);
        }
        for (const auto& c : have_check_list) {
            if (want_checks.count(detail::canonical_expression(c.expression, renames)) != 0) continue;
            if (c.unmanaged && !prune && (c.name.empty() || want_check_names.count(c.name) == 0) && !on_dropped(c.expression, {})) {
                keep("check (" + c.expression + ")", c.name);
                after.checks.push_back(c);
                if (!rename_pairs.empty()) after.checks.back().expression = detail::rename_identifiers(c.expression, rename_pairs, d);
                continue;
            }
            add(step_kind::drop_check, rewrite, c.name.empty() ? "CHECK (" + c.expression + ")" : c.name, c.expression, {});
        }

        for (const auto& x : have->indexes) {
            const index_info* w = nullptr;
            for (const auto& y : want.indexes) w = y.name == x.name ? &y : w;
            const bool same = w != nullptr && mapped(x.columns) == w->columns && x.unique == w->unique &&
                              same_expression(x.where, w->where);
            if (w == nullptr && x.unmanaged && !prune && !on_dropped(x.definition, x.columns)) {
                keep(x.columns.empty() ? "index on an expression" : "index (" + detail::join(mapped(x.columns)) + ")", x.name);
                after.indexes.push_back(x);
                after.indexes.back().columns = mapped(x.columns);
                if (!rename_pairs.empty() && !x.where.empty())
                    after.indexes.back().where = detail::rename_identifiers(x.where, rename_pairs, d);
                continue;
            }
            if (same && !x.definition.empty()) {
                // The model's index as it was written by hand: a rebuild recreates that text.
                for (auto& y : after.indexes) {
                    if (y.name == x.name) y.definition = x.definition;
                }
            }
            if (!same)
                add(step_kind::drop_index, safety::safe, x.name,
                    x.columns.empty() ? std::string("(expression)") : detail::join(mapped(x.columns)), {});
        }
        for (const auto& y : want.indexes) {
            const index_info* x = nullptr;
            for (const auto& z : have->indexes) x = z.name == y.name ? &z : x;
            const bool same = x != nullptr && mapped(x->columns) == y.columns && x->unique == y.unique &&
                              same_expression(x->where, y.where);
            if (!same) add(step_kind::create_index, safety::safe, y.name, {}, detail::join(y.columns));
        }

        if (p.steps.size() != first_step || renamed_table) p.tables.push_back({want.name, false, *have, std::move(after)});
    }
    for (const auto& t : actual.tables) {
        if (consumed.count(t.name) == 0 && desired_tables.find(t.name) == nullptr) p.unmanaged_tables.push_back(t.name);
    }
    return p;
}

}  // namespace driftless

#endif  // DRIFTLESS_DIFF_HPP
