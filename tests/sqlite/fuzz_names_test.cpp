// Identifier and literal fuzz (docs/reliability.md test 9, rules 9-10). Runtime schemas whose table,
// column, index and constraint names and text defaults are drawn from nasty material (SQL
// keywords, quotes, backticks, brackets, ';', comments, whitespace, Unicode, ASCII and non-ASCII
// case variants, backslashes, parameters, names around the 63/64 limits and far beyond) go
// through sqlite::migrate_schema on a fresh database and must:
//   - come back from sqlite::introspect byte for byte (names, types, nullability, defaults,
//     keys, indexes, checks), with sqlite_schema holding exactly those objects;
//   - run only the planned statements and driftless's own (a statement trace), touching only the
//     expected objects (an authorizer that records and never denies);
//   - plan nothing the second time, and read text defaults back exactly from a row that omits them.
// Invalid names and literals (empty, NUL, invalid UTF-8, the reserved sqlite_ prefix, names
// beyond SQLite's limits) are refused with a driftless::error saying why, and the database is left
// as it was. Renames through previous_name keep every row. quote_identifier and quote_text are
// fuzzed for every dialect at the text level against this file's own unquoting routines.
//
// Deterministic: each case comes from a fixed seed, printed on failure with its schema, and the
// first failing seed of each kind of failure is shown. DRIFTLESS_FUZZ_SEED=<seed> reruns one case
// alone; DRIFTLESS_FUZZ_SCALE=<k> runs k times as many cases.
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <driftless/sqlite.hpp>

namespace {
namespace fuzz {

using driftless::column_info;
using driftless::column_type;
using driftless::default_kind;
using driftless::dialect;
using driftless::schema;
using driftless::table_info;
using driftless::type_kind;

// ---------------------------------------------------------------------------------------------
// Deterministic generator (splitmix64).
// ---------------------------------------------------------------------------------------------

struct rng {
    std::uint64_t state;
    explicit rng(std::uint64_t seed) : state(seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull) {}
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
    bool chance(unsigned percent) { return below(100) < percent; }
    template <class T>
    const T& pick(const std::vector<T>& v) {
        return v[below(v.size())];
    }
};

/// DRIFTLESS_FUZZ_SCALE=<k> runs k times as many cases (a longer soak than the default run).
std::size_t scale() {
    const char* s = std::getenv("DRIFTLESS_FUZZ_SCALE");
    const unsigned long long k = s == nullptr ? 1 : std::strtoull(s, nullptr, 10);
    return k == 0 ? 1 : static_cast<std::size_t>(k);
}

/// DRIFTLESS_FUZZ_SEED=<n> runs that one seed of every fuzz loop.
std::optional<std::uint64_t> only_seed() {
    const char* s = std::getenv("DRIFTLESS_FUZZ_SEED");
    if (s == nullptr || *s == '\0') return std::nullopt;
    return std::strtoull(s, nullptr, 10);
}

// ---------------------------------------------------------------------------------------------
// Material.
// ---------------------------------------------------------------------------------------------

const std::vector<std::string>& keywords() {
    static const std::vector<std::string> v = {
        "select", "SELECT", "Select", "table", "TABLE", "order", "group", "drop", "DROP", "primary", "PRIMARY",
        "key", "unique", "UNIQUE", "check", "CHECK", "constraint", "CONSTRAINT", "foreign", "FOREIGN", "references",
        "default", "DEFAULT", "null", "NULL", "not", "is", "and", "or", "in", "index", "where", "from", "create",
        "insert", "values", "autoincrement", "AUTOINCREMENT", "rowid", "oid", "_rowid_", "without", "strict", "as",
        "generated", "collate", "begin", "end", "commit", "rollback", "pragma", "attach", "temp", "main",
        "sqlite_master", "length", "typeof", "true", "false", "current_timestamp", "X", "e", "on", "cascade",
    };
    return v;
}

const std::vector<std::string>& punctuation() {
    static const std::vector<std::string> v = {
        "'", "''", "\"", "\"\"", "`", "``", "[", "]", "[x]", ";", "; DROP TABLE t; --", "'); DROP TABLE x; --",
        "\"); DROP TABLE x; --", "`; DROP TABLE x; #", "--", "/*", "*/", "/* c */", "(", ")", ",", ".", "\\",
        "\\\\", "\\'", "\\\"", "\\n", "\\0", "%", "_", "%_", "?", "?1", "$1", "$$", "$tag$", ":a", "@a", "#",
        "=", "||", "*", "-", "+", "0x1", "1e5", "0", "~", "!", "&", "^", "<>", "{", "}",
    };
    return v;
}

const std::vector<std::string>& whitespace() {
    static const std::vector<std::string> v = {" ", "  ", "\t", "\n", "\r\n", "\r", "\f", "\v"};
    return v;
}

const std::vector<std::string>& unicode() {
    static const std::vector<std::string> v = {
        "\xc3\xa9",                          // é
        "\xc3\x89",                          // É
        "e\xcc\x81",                         // e + combining acute
        "\xc3\x9f",                          // ß
        "\xe1\xba\x9e",                      // ẞ
        "\xce\xa9",                          // Ω
        "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",  // 日本語
        "\xe8\xa1\xa8",                      // 表 (its Shift-JIS encoding ends in 0x5C, a backslash; its UTF-8 does not)
        "\xe3\x83\x86\xe3\x83\xbc\xe3\x83\x96\xe3\x83\xab",  // テーブル
        "\xf0\x9f\x98\x80",                  // 😀
        "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7",  // 👩‍👧 (ZWJ sequence)
        "\xe2\x80\x8b",                      // zero-width space
        "\xe2\x80\x8f",                      // right-to-left mark
        "\xe2\x80\xae",                      // right-to-left override
        "\xe2\x81\xa6",                      // left-to-right isolate
        "\xd7\xa2\xd7\x91\xd7\xa8\xd7\x99\xd7\xaa",  // עברית
        "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7",  // مرحبا
        "\xef\xbb\xbf",                      // BOM
        "\xc2\xa0",                          // no-break space
        "\xe2\x80\xa8",                      // line separator
        "\xe2\x85\xab",                      // Ⅻ
        "\xc4\xb1",                          // dotless i
        "\xc4\xb0",                          // capital I with dot
        "\xf0\x9d\x94\x98",                  // 𝔘
        "\xf4\x8f\xbf\xbf",                  // U+10FFFF
        "\xef\xbf\xbd",                      // U+FFFD
        "\xef\xbc\x87",                      // fullwidth apostrophe
        "\xe2\x80\x9c",                      // left double quotation mark
    };
    return v;
}

const std::vector<std::string>& plain() {
    static const std::vector<std::string> v = {"a", "b", "x1", "user", "id", "name", "Id", "ID", "t", "v_2"};
    return v;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (driftless::detail::to_lower(s[i]) != driftless::detail::to_lower(prefix[i])) return false;
    }
    return true;
}

/// SQLite compares identifiers case-insensitively for ASCII letters only.
std::string fold(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = driftless::detail::to_lower(c);
    return out;
}

/// A readable, escaped rendering of arbitrary bytes for failure messages.
std::string show(std::string_view s) {
    std::string out = "\"";
    std::size_t shown = 0;
    for (const char ch : s) {
        if (++shown > 160) {
            out += "...(" + std::to_string(s.size()) + " bytes)";
            break;
        }
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c >= 0x20 && c < 0x7f) {
            out += ch;
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        }
    }
    return out + "\"";
}

std::string atom(rng& r, bool allow_backslash) {
    for (;;) {
        const std::size_t k = r.below(100);
        const auto& list = k < 30 ? keywords() : k < 55 ? punctuation() : k < 63 ? whitespace() : k < 90 ? unicode() : plain();
        const std::string& a = r.pick(list);
        if (!allow_backslash && a.find('\\') != std::string::npos) continue;
        return a;
    }
}

/// `s` cut at a code point boundary and padded with ASCII to exactly n bytes.
std::string fit_to(std::string s, std::size_t n) {
    if (s.size() > n) {
        std::size_t cut = n;
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
        s.resize(cut);
    }
    while (s.size() < n) s += s.size() % 2 == 0 ? 'x' : '"';
    return s;
}

/// Lengths around the limits: PostgreSQL's 63 bytes, MySQL's 64 characters, and far beyond
/// (SQLite itself has no identifier limit).
const std::vector<std::size_t>& limit_lengths() {
    static const std::vector<std::size_t> v = {1, 63, 64, 65, 127, 128, 255, 256, 1000};
    return v;
}

std::string raw_name(rng& r, bool allow_backslash) {
    if (r.chance(8)) {
        const std::size_t n = r.pick(limit_lengths());
        std::string s;
        while (s.size() < n) s += atom(r, allow_backslash);
        return fit_to(std::move(s), n);
    }
    std::string s;
    if (r.chance(10)) s += ' ';
    const std::size_t atoms = 1 + r.below(4);
    for (std::size_t i = 0; i < atoms; ++i) s += atom(r, allow_backslash);
    if (r.chance(10)) s += ' ';
    return s;
}

/// A text value: possibly empty, any valid UTF-8 without NUL.
std::string literal(rng& r, bool allow_backslash) {
    std::string s;
    const std::size_t atoms = r.below(6);
    for (std::size_t i = 0; i < atoms; ++i) s += atom(r, allow_backslash);
    if (r.chance(5)) s = fit_to(s, 300);
    return s;
}

std::string flip_case(rng& r, std::string s) {
    const bool all = r.chance(50);
    for (char& c : s) {
        if (!all && !r.chance(50)) continue;
        if (driftless::detail::is_lower(c)) {
            c = static_cast<char>(c - 'a' + 'A');
        } else if (driftless::detail::is_upper(c)) {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return s;
}

/// Hands out names, unique (ASCII case-insensitively, as SQLite compares) within a namespace.
/// Sometimes reuses an earlier name of another namespace, or a case variant of one.
struct namer {
    rng& r;
    std::vector<std::string> all{};

    std::string fresh(std::set<std::string>& space, bool table_like) {
        for (int attempt = 0;; ++attempt) {
            std::string s = !all.empty() && r.chance(15) ? flip_case(r, r.pick(all)) : raw_name(r, true);
            if (attempt > 20) s += "#" + std::to_string(attempt);
            if (table_like && (starts_with_ci(s, "sqlite_") || starts_with_ci(s, "_driftless_"))) continue;
            if (!space.insert(fold(s)).second) continue;
            all.push_back(s);
            return s;
        }
    }
};

std::string q(std::string_view name) { return driftless::quote_identifier(name, dialect::sqlite); }
std::string lit(std::string_view value) { return driftless::quote_text(value, dialect::sqlite); }

// ---------------------------------------------------------------------------------------------
// Schemas.
// ---------------------------------------------------------------------------------------------

column_type make_type(type_kind kind, rng& r) {
    column_type t;
    t.kind = kind;
    switch (kind) {
        case type_kind::integer:
            t.bits = static_cast<std::uint8_t>(8u << r.below(4));
            t.is_unsigned = r.chance(20);
            break;
        case type_kind::real:
            t.bits = r.chance(50) ? 32 : 64;
            break;
        case type_kind::decimal:
            t.precision = static_cast<std::uint8_t>(5 + r.below(20));
            t.scale = static_cast<std::uint8_t>(r.below(5));
            break;
        case type_kind::text:
            if (r.chance(40)) t.length = static_cast<std::uint32_t>(1 + r.below(500));
            break;
        case type_kind::enumeration: {
            std::set<std::string> seen;
            const std::size_t n = 1 + r.below(4);
            while (t.enum_values.size() < n) {
                std::string v = literal(r, true);
                if (seen.insert(v).second) t.enum_values.push_back(std::move(v));
            }
            break;
        }
        default:
            break;
    }
    return t;
}

const std::vector<std::int64_t>& integer_defaults() {
    static const std::vector<std::int64_t> v = {0,  1,  -1, 42, -42, std::numeric_limits<std::int64_t>::min(),
                                                std::numeric_limits<std::int64_t>::max(), 9007199254740993LL,
                                                -9007199254740993LL, 2147483648LL};
    return v;
}

const std::vector<double>& real_defaults() {
    static const std::vector<double> v = {0.5,   -1.25, 3.0,   0.1,    1e16,    1e300,  -1e-300, 123456789.125, -2.5e-5,
                                          1e-7,  -0.0,  5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
                                          -1.7976931348623157e308, 9007199254740993.0, 0.30000000000000004};
    return v;
}

void make_default(column_info& c, rng& r) {
    if (!r.chance(60)) return;
    auto& d = c.default_value;
    switch (c.type.kind) {
        case type_kind::text:
            d.kind = default_kind::text;
            d.text = literal(r, true);
            break;
        case type_kind::enumeration:
            d.kind = default_kind::text;
            d.text = r.pick(c.type.enum_values);
            break;
        case type_kind::integer:
            d.kind = default_kind::integer;
            d.integer = r.pick(integer_defaults());
            break;
        case type_kind::boolean:
            d.kind = default_kind::boolean;
            d.boolean = r.chance(50);
            break;
        case type_kind::real:
            d.kind = default_kind::real;
            d.real = r.pick(real_defaults());
            break;
        case type_kind::decimal:
            if (r.chance(50)) {
                d.kind = default_kind::integer;
                d.integer = static_cast<std::int64_t>(r.below(1000)) - 500;
            } else {
                d.kind = default_kind::real;
                d.real = r.pick(real_defaults());
            }
            break;
        case type_kind::timestamp:
        case type_kind::date:
            d.kind = default_kind::current_timestamp;
            break;
        default:
            break;
    }
}

column_info make_column(std::string name, type_kind kind, rng& r) {
    column_info c;
    c.name = std::move(name);
    c.type = make_type(kind, r);
    c.nullable = r.chance(50);
    make_default(c, r);
    return c;
}

type_kind any_kind(rng& r) {
    static const std::vector<type_kind> kinds = {type_kind::text,    type_kind::text,      type_kind::text,
                                                 type_kind::integer, type_kind::boolean,   type_kind::real,
                                                 type_kind::decimal, type_kind::blob,      type_kind::timestamp,
                                                 type_kind::date,    type_kind::enumeration};
    return r.pick(kinds);
}

/// The parts joined. The elements of a braced list are evaluated in order, so parts that draw from
/// the generator draw the same numbers with every compiler (the operands of + are unsequenced).
std::string cat(std::initializer_list<std::string> parts) {
    std::string out;
    for (const auto& p : parts) out += p;
    return out;
}

/// Whitespace between the tokens of an expression.
std::string gap(rng& r) {
    static const std::vector<std::string> v = {" ", " ", " ", "\n", "\t", "  ", "\n  "};
    return r.pick(v);
}

/// A column of `t` whose name can appear in a SQL fragment (fragments refuse backslashes), or null.
const column_info* fragment_column(const table_info& t, rng& r) {
    std::vector<const column_info*> ok;
    for (const auto& c : t.columns) {
        if (c.name.find('\\') == std::string::npos) ok.push_back(&c);
    }
    return ok.empty() ? nullptr : ok[r.below(ok.size())];
}

/// A CHECK expression that holds for every row the tests insert (a column's value, or NULL).
std::string check_expression(const table_info& t, rng& r) {
    const column_info* c = fragment_column(t, r);
    std::string e;
    const std::string other = lit("~" + literal(r, false));  // never a typeof() result
    if (c == nullptr) {
        e = cat({other, gap(r), "=", gap(r), other});
    } else {
        const std::string col = q(c->name);
        switch (r.below(4)) {
            case 0: e = cat({"length(", col, ")", gap(r), ">=", gap(r), "0"}); break;
            case 1: e = cat({"typeof(", col, ")", gap(r), "<>", gap(r), other}); break;
            case 2: e = cat({col, gap(r), "IS", gap(r), "NULL", gap(r), "OR", gap(r), "length(", col, ") < 1000000"}); break;
            default: e = cat({"(", gap(r), "typeof(", col, ")", gap(r), "NOT IN (", other, ", ", lit("~"), "))"}); break;
        }
    }
    if (r.chance(15)) e = cat({gap(r), e, gap(r)});  // leading and trailing whitespace read back too
    return e;
}

/// A partial-index predicate (no leading or trailing whitespace: SQLite keeps none of it).
std::string where_expression(const table_info& t, rng& r) {
    const column_info* c = fragment_column(t, r);
    if (c == nullptr) return {};
    const std::string col = q(c->name);
    switch (r.below(3)) {
        case 0: return cat({col, gap(r), "IS NOT NULL"});
        case 1: return cat({"length(", col, ")", gap(r), ">", gap(r), "0"});
        default: return cat({col, gap(r), "<>", gap(r), lit(literal(r, false))});
    }
}

std::vector<std::string> some_columns(const table_info& t, rng& r, std::size_t max) {
    std::vector<std::string> names;
    for (const auto& c : t.columns) names.push_back(c.name);
    std::vector<std::string> out;
    const std::size_t n = 1 + r.below(std::min(max, names.size()));
    while (out.size() < n) {
        const std::string& pick = r.pick(names);
        if (std::find(out.begin(), out.end(), pick) == out.end()) out.push_back(pick);
    }
    return out;
}

bool rowid_primary_key(const table_info& t) {
    if (t.primary_key.size() != 1) return false;
    const column_info* c = t.find_column(t.primary_key[0]);
    return c != nullptr && c->type.kind == type_kind::integer;
}

struct gen_state {
    rng& r;
    namer names{r};
    std::set<std::string> global{};                              // tables and indexes share one namespace
    std::map<std::string, std::set<std::string>> columns_of{};   // per table
    std::map<std::string, std::set<std::string>> constraints_of{};
};

table_info make_table(gen_state& g) {
    rng& r = g.r;
    table_info t;
    t.name = g.names.fresh(g.global, true);
    auto& cols = g.columns_of[t.name];
    auto& cons = g.constraints_of[t.name];
    switch (r.below(4)) {
        case 0: {  // INTEGER PRIMARY KEY, the rowid, sometimes AUTOINCREMENT
            column_info c;
            c.name = g.names.fresh(cols, false);
            c.type.kind = type_kind::integer;
            c.type.bits = 64;
            c.auto_increment = r.chance(30);
            t.columns.push_back(c);
            t.primary_key = {c.name};
            break;
        }
        case 1: {  // a text key
            column_info c;
            c.name = g.names.fresh(cols, false);
            c.type = make_type(type_kind::text, r);
            t.columns.push_back(c);
            t.primary_key = {c.name};
            break;
        }
        case 2: {  // a composite key
            column_info a;
            a.name = g.names.fresh(cols, false);
            a.type.kind = type_kind::integer;
            a.type.bits = 32;
            column_info b;
            b.name = g.names.fresh(cols, false);
            b.type = make_type(type_kind::text, r);
            t.columns.push_back(a);
            t.columns.push_back(b);
            t.primary_key = {b.name, a.name};
            break;
        }
        default:
            break;
    }
    const std::size_t more = (t.columns.empty() ? 1 : 0) + r.below(5);
    for (std::size_t i = 0; i < more; ++i) {
        std::string name = g.names.fresh(cols, false);
        t.columns.push_back(make_column(std::move(name), any_kind(r), r));
    }
    // The key need not come first.
    for (std::size_t i = t.columns.size(); i > 1; --i) std::swap(t.columns[i - 1], t.columns[r.below(i)]);

    std::set<std::vector<std::string>> unique_lists{t.primary_key};
    for (std::size_t i = r.below(3); i > 0; --i) {
        driftless::unique_info u;
        u.columns = some_columns(t, r, 2);
        if (!unique_lists.insert(u.columns).second) continue;
        u.name = g.names.fresh(cons, false);
        t.uniques.push_back(std::move(u));
    }
    for (std::size_t i = r.below(3); i > 0; --i) {
        driftless::index_info x;
        x.name = g.names.fresh(g.global, true);
        x.columns = some_columns(t, r, 2);
        x.unique = r.chance(30);
        if (r.chance(35)) x.where = where_expression(t, r);
        t.indexes.push_back(std::move(x));
    }
    for (std::size_t i = r.below(3); i > 0; --i) {
        driftless::check_info c;
        c.name = g.names.fresh(cons, false);
        c.expression = check_expression(t, r);
        t.checks.push_back(std::move(c));
    }
    return t;
}

/// One to three tables, some with foreign keys to another table's key (or their own).
schema make_schema(gen_state& g, std::size_t max_tables = 3) {
    rng& r = g.r;
    schema s;
    const std::size_t n = 1 + r.below(max_tables);
    for (std::size_t i = 0; i < n; ++i) s.tables.push_back(make_table(g));
    static const std::vector<driftless::fk_action> actions = {
        driftless::fk_action::no_action, driftless::fk_action::restrict, driftless::fk_action::cascade,
        driftless::fk_action::set_null, driftless::fk_action::set_default};
    for (auto& t : s.tables) {
        if (!r.chance(40)) continue;
        const table_info& target = s.tables[r.below(s.tables.size())];
        if (target.primary_key.size() != 1) continue;
        column_info c;
        c.name = g.names.fresh(g.columns_of[t.name], false);
        c.type = target.find_column(target.primary_key[0])->type;
        c.nullable = true;
        driftless::foreign_key_info fk;
        fk.name = g.names.fresh(g.constraints_of[t.name], false);
        fk.columns = {c.name};
        fk.ref_table = target.name;
        fk.ref_columns = target.primary_key;
        fk.on_delete = r.pick(actions);
        fk.on_update = r.pick(actions);
        t.columns.push_back(std::move(c));
        t.foreign_keys.push_back(std::move(fk));
    }
    return s;
}

std::string describe_schema(const schema& s) {
    std::string out;
    for (const auto& t : s.tables) {
        out += "table " + show(t.name) + (t.previous_name.empty() ? "" : " (was " + show(t.previous_name) + ")") + "\n";
        for (const auto& c : t.columns) {
            out += "  column " + show(c.name) + " " + driftless::render_type(c.type, dialect::sqlite) +
                   (c.nullable ? "" : " NOT NULL") + (c.auto_increment ? " AUTOINCREMENT" : "");
            if (c.default_value.kind != default_kind::none)
                out += " DEFAULT " + show(driftless::render_default(c.default_value, c.type, dialect::sqlite));
            if (!c.previous_name.empty()) out += " (was " + show(c.previous_name) + ")";
            out += "\n";
        }
        std::string pk;
        for (const auto& k : t.primary_key) pk += show(k) + " ";
        if (!pk.empty()) out += "  primary key " + pk + "\n";
        for (const auto& u : t.uniques) out += "  unique " + show(u.name) + "\n";
        for (const auto& x : t.indexes)
            out += "  index " + show(x.name) + (x.where.empty() ? "" : " where " + show(x.where)) + "\n";
        for (const auto& c : t.checks) out += "  check " + show(c.name) + " " + show(c.expression) + "\n";
        for (const auto& fk : t.foreign_keys) out += "  foreign key " + show(fk.name) + " -> " + show(fk.ref_table) + "\n";
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Watching what runs: an authorizer that only records (it always answers SQLITE_OK, so it can
// never make a valid migration fail) and a statement trace.
// ---------------------------------------------------------------------------------------------

struct auth_event {
    int action;
    std::optional<std::string> arg[4];
};

std::string_view action_name(int a) {
    switch (a) {
        case SQLITE_CREATE_INDEX: return "CREATE_INDEX";
        case SQLITE_CREATE_TABLE: return "CREATE_TABLE";
        case SQLITE_CREATE_TEMP_INDEX: return "CREATE_TEMP_INDEX";
        case SQLITE_CREATE_TEMP_TABLE: return "CREATE_TEMP_TABLE";
        case SQLITE_CREATE_TEMP_TRIGGER: return "CREATE_TEMP_TRIGGER";
        case SQLITE_CREATE_TEMP_VIEW: return "CREATE_TEMP_VIEW";
        case SQLITE_CREATE_TRIGGER: return "CREATE_TRIGGER";
        case SQLITE_CREATE_VIEW: return "CREATE_VIEW";
        case SQLITE_DELETE: return "DELETE";
        case SQLITE_DROP_INDEX: return "DROP_INDEX";
        case SQLITE_DROP_TABLE: return "DROP_TABLE";
        case SQLITE_DROP_TEMP_INDEX: return "DROP_TEMP_INDEX";
        case SQLITE_DROP_TEMP_TABLE: return "DROP_TEMP_TABLE";
        case SQLITE_DROP_TEMP_TRIGGER: return "DROP_TEMP_TRIGGER";
        case SQLITE_DROP_TEMP_VIEW: return "DROP_TEMP_VIEW";
        case SQLITE_DROP_TRIGGER: return "DROP_TRIGGER";
        case SQLITE_DROP_VIEW: return "DROP_VIEW";
        case SQLITE_INSERT: return "INSERT";
        case SQLITE_PRAGMA: return "PRAGMA";
        case SQLITE_READ: return "READ";
        case SQLITE_SELECT: return "SELECT";
        case SQLITE_TRANSACTION: return "TRANSACTION";
        case SQLITE_UPDATE: return "UPDATE";
        case SQLITE_ATTACH: return "ATTACH";
        case SQLITE_DETACH: return "DETACH";
        case SQLITE_ALTER_TABLE: return "ALTER_TABLE";
        case SQLITE_REINDEX: return "REINDEX";
        case SQLITE_ANALYZE: return "ANALYZE";
        case SQLITE_CREATE_VTABLE: return "CREATE_VTABLE";
        case SQLITE_DROP_VTABLE: return "DROP_VTABLE";
        case SQLITE_FUNCTION: return "FUNCTION";
        case SQLITE_SAVEPOINT: return "SAVEPOINT";
        case SQLITE_RECURSIVE: return "RECURSIVE";
        default: return "?";
    }
}

class observer {
public:
    explicit observer(sqlite3* db) : db_(db) {
        sqlite3_set_authorizer(db_, &observer::authorize, this);
        sqlite3_trace_v2(db_, SQLITE_TRACE_STMT, &observer::trace, this);
    }
    observer(const observer&) = delete;
    observer& operator=(const observer&) = delete;
    ~observer() {
        sqlite3_set_authorizer(db_, nullptr, nullptr);
        sqlite3_trace_v2(db_, 0, nullptr, nullptr);
    }
    void clear() {
        events.clear();
        statements.clear();
    }

    std::vector<auth_event> events{};
    std::vector<std::string> statements{};

private:
    static int authorize(void* self, int action, const char* a, const char* b, const char* c, const char* d) noexcept {
        try {
            auth_event e{action, {}};
            const char* args[4] = {a, b, c, d};
            for (int i = 0; i < 4; ++i) {
                if (args[i] != nullptr) e.arg[i] = args[i];
            }
            static_cast<observer*>(self)->events.push_back(std::move(e));
        } catch (...) {
        }
        return SQLITE_OK;  // record only: never deny
    }
    static int trace(unsigned type, void* self, void*, void* x) noexcept {
        try {
            if (type == SQLITE_TRACE_STMT && x != nullptr) static_cast<observer*>(self)->statements.emplace_back(static_cast<const char*>(x));
        } catch (...) {
        }
        return 0;
    }

    sqlite3* db_;
};

/// What a migration may touch.
struct expectations {
    std::set<std::string> tables{};   ///< user tables it may create, alter, read, drop (rebuild scratch names included)
    std::set<std::string> indexes{};  ///< user indexes it may create or drop
    bool creates = true;              ///< CREATE TABLE / CREATE INDEX of those
    bool drops = false;               ///< DROP TABLE / DROP INDEX of those (rebuilds, index changes)
    bool alters = false;              ///< ALTER TABLE of those
    bool user_writes = false;         ///< INSERT into those (the copy of a rebuild)
};

bool is_internal_table(std::string_view name) {
    return name == "sqlite_master" || name == "sqlite_schema" || name == "sqlite_sequence" ||
           name == "sqlite_temp_master" || name == "sqlite_temp_schema" || name == "_driftless_migrations" ||
           name == "_driftless_state" || name == "_driftless_probe";
}

bool allowed_function(std::string_view f) {
    static const std::set<std::string_view> ok = {
        "count", "coalesce", "max", "min", "sum", "length", "typeof", "quote", "like", "printf", "format",
        "substr", "instr", "glob", "lower", "upper", "abs", "iif", "nullif", "ifnull"};
    return ok.count(f) != 0 || f.rfind("sqlite_", 0) == 0;  // sqlite_rename_*, sqlite_drop_column: SQLite's own ALTER
}

void check_events(const std::vector<auth_event>& events, const expectations& ex, std::vector<std::string>& problems) {
    std::set<std::string> seen;
    const auto bad = [&](const auth_event& e, const std::string& why) {
        std::string line = std::string(action_name(e.action)) + "(";
        for (int i = 0; i < 4; ++i) line += (i ? ", " : "") + (e.arg[i] ? show(*e.arg[i]) : std::string("null"));
        line += "): " + why;
        if (seen.insert(line).second && seen.size() <= 8) problems.push_back("authorizer: " + line);
    };
    const auto arg = [](const auth_event& e, int i) -> std::string { return e.arg[i] ? *e.arg[i] : std::string(); };
    const auto user_table = [&](const std::string& n) { return ex.tables.count(n) != 0; };
    // a rebuild's scratch table, in driftless's own namespace (not its two tracking tables)
    const auto scratch = [&](const std::string& n) {
        return ex.drops && n.rfind("_driftless_", 0) == 0 && n != "_driftless_migrations" && n != "_driftless_state";
    };
    // SQLite's automatic index of a UNIQUE constraint or a non-rowid key: sqlite_autoindex_<table>_<n>
    const auto automatic_index = [&](const std::string& n, const std::string& table) {
        return user_table(table) && n.rfind("sqlite_autoindex_" + table + "_", 0) == 0;
    };
    const auto own_index = [&](const std::string& n) {
        if (ex.indexes.count(n) != 0) return true;
        for (const auto& t : ex.tables) {
            if (automatic_index(n, t)) return true;
        }
        return false;
    };
    for (const auto& e : events) {
        const std::string a0 = arg(e, 0);
        const std::string a1 = arg(e, 1);
        switch (e.action) {
            case SQLITE_SELECT:
            case SQLITE_RECURSIVE:
                break;
            case SQLITE_READ:
                if (!user_table(a0) && !is_internal_table(a0) && !scratch(a0) && a0.rfind("pragma_", 0) != 0 &&
                    a0.rfind("sqlite_", 0) != 0)
                    bad(e, "reads a table it has no business with");
                break;
            case SQLITE_TRANSACTION:
                if (a0 != "BEGIN" && a0 != "COMMIT" && a0 != "ROLLBACK") bad(e, "unexpected transaction operation");
                break;
            case SQLITE_SAVEPOINT:
                if (a1 != "driftless_migrate") bad(e, "unexpected savepoint");
                break;
            case SQLITE_PRAGMA: {
                // introspect's pragma_table_xinfo(...) and friends: a name of the schema, read only
                static const std::set<std::string> reads = {"table_xinfo", "table_info", "index_list", "index_xinfo",
                                                            "index_info", "foreign_key_list"};
                const std::string p = fold(a0);
                if (reads.count(p) != 0) {
                    if (e.arg[1] && !user_table(a1) && !own_index(a1) && !is_internal_table(a1))
                        bad(e, "reads the catalog of an unexpected object");
                } else if (p == "foreign_keys") {
                    if (e.arg[1] && fold(a1) != "on" && fold(a1) != "off") bad(e, "unexpected foreign_keys value");
                } else if (p != "foreign_key_check" && p != "schema_version") {
                    bad(e, "unexpected pragma");
                } else if (e.arg[1]) {
                    bad(e, "pragma with an argument");
                }
                break;
            }
            case SQLITE_FUNCTION:
                if (!allowed_function(fold(a1))) bad(e, "calls an unexpected function");
                break;
            case SQLITE_CREATE_TABLE:
                if (!(ex.creates && (user_table(a0) || scratch(a0) || a0 == "sqlite_sequence")) &&
                    a0 != "_driftless_migrations" && a0 != "_driftless_state")  // sqlite_sequence: for AUTOINCREMENT
                    bad(e, "creates an unexpected table");
                if (arg(e, 2) != "main") bad(e, "outside main");
                break;
            case SQLITE_CREATE_INDEX:
                if (!ex.creates || !(user_table(a1) || scratch(a1)) ||
                    (ex.indexes.count(a0) == 0 && !automatic_index(a0, a1) && a0.rfind("sqlite_autoindex_" + a1 + "_", 0) != 0))
                    bad(e, "creates an unexpected index");
                if (arg(e, 2) != "main") bad(e, "outside main");
                break;
            case SQLITE_DROP_TABLE:
                if (!ex.drops || !(user_table(a0) || scratch(a0))) bad(e, "drops a table");
                break;
            case SQLITE_DROP_INDEX:
                if (!ex.drops || ex.indexes.count(a0) == 0) bad(e, "drops an index");
                break;
            case SQLITE_ALTER_TABLE:
                if (!ex.alters || !(user_table(a1) || scratch(a1))) bad(e, "alters a table");
                break;
            case SQLITE_INSERT:
            case SQLITE_UPDATE:
            case SQLITE_DELETE:
                if (!is_internal_table(a0) && !(ex.user_writes && (user_table(a0) || scratch(a0)))) bad(e, "writes a table");
                break;
            case SQLITE_REINDEX:  // CREATE INDEX fills the new index under this code
                if (!ex.creates || ex.indexes.count(a0) == 0) bad(e, "reindexes an unexpected index");
                break;
            case SQLITE_CREATE_TEMP_TABLE:
            case SQLITE_DROP_TEMP_TABLE:
                if (a0 != "_driftless_probe") bad(e, "touches the temp schema");
                break;
            default:
                bad(e, "never expected");
                break;
        }
    }
}

/// The trace of a pragma_*() table-valued function, "-- PRAGMA ['main'.]table_xinfo='...'".
bool pragma_function(std::string_view s) {
    if (s.rfind("-- PRAGMA ", 0) != 0) return false;
    s.remove_prefix(10);
    if (s.rfind("'main'.", 0) == 0) s.remove_prefix(7);
    for (std::string_view p : {"table_xinfo=", "table_info=", "index_list=", "index_xinfo=", "index_info=", "foreign_key_list="}) {
        if (s.rfind(p, 0) == 0) return true;
    }
    return false;
}

/// Every statement the trace saw is one of the plan's statements (verbatim: a name that broke out
/// of its quotes would split a statement in two) or one of driftless's own fixed statements; and
/// every planned statement ran.
void check_trace(const std::vector<std::string>& traced, const std::vector<std::string>& planned,
                 std::vector<std::string>& problems) {
    const std::set<std::string> plan(planned.begin(), planned.end());
    const std::string history = driftless::history_table_sql(dialect::sqlite);
    const std::string state(driftless::sqlite::detail::state_table_sql);
    const auto own = [&](const std::string& s) {
        static const std::set<std::string> fixed = {
            "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK", "BEGIN", "SAVEPOINT driftless_migrate",
            "RELEASE driftless_migrate", "ROLLBACK TO driftless_migrate", "PRAGMA foreign_keys",
            "PRAGMA foreign_keys = OFF", "PRAGMA foreign_keys = ON", "PRAGMA foreign_key_check"};
        return fixed.count(s) != 0 || s == history || s == state || s.rfind("SELECT ", 0) == 0 ||
               s.rfind("INSERT INTO _driftless_migrations ", 0) == 0 || s.rfind("INSERT INTO _driftless_state ", 0) == 0 ||
               s.rfind("CREATE TEMP TABLE _driftless_probe ", 0) == 0 || s.rfind("INSERT INTO temp._driftless_probe ", 0) == 0 ||
               s == "UPDATE temp._driftless_probe SET back = new" || s == "DROP TABLE temp._driftless_probe" ||
               pragma_function(s);
    };
    std::set<std::string> ran;
    int reported = 0;
    for (const auto& s : traced) {
        if (plan.count(s) != 0) {
            ran.insert(s);
        } else if (!own(s) && reported++ < 4) {
            problems.push_back("trace: a statement that is neither planned nor driftless's own ran: " + show(s));
        }
    }
    for (const auto& s : planned) {
        if (ran.count(s) == 0 && reported++ < 4) problems.push_back("trace: a planned statement never ran as one statement: " + show(s));
    }
}

// ---------------------------------------------------------------------------------------------
// Reading the database back.
// ---------------------------------------------------------------------------------------------

std::string value_text(sqlite3_stmt* st, int i) {
    switch (sqlite3_column_type(st, i)) {
        case SQLITE_NULL: return "NULL";
        case SQLITE_INTEGER: return "i:" + std::to_string(sqlite3_column_int64(st, i));
        case SQLITE_FLOAT: {
            char buf[40];
            std::snprintf(buf, sizeof buf, "r:%.17g", sqlite3_column_double(st, i));
            return buf;
        }
        default: {
            const auto* p = static_cast<const char*>(sqlite3_column_blob(st, i));
            const int n = sqlite3_column_bytes(st, i);
            return (sqlite3_column_type(st, i) == SQLITE_TEXT ? "t:" : "b:") +
                   (p == nullptr ? std::string() : std::string(p, static_cast<std::size_t>(n)));
        }
    }
}

/// Rows of a query, each value typed ("i:", "r:", "t:", "b:", "NULL"), '\x1f' between columns.
std::vector<std::string> rows(sqlite3* db, const std::string& sql) {
    std::vector<std::string> out;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &st, nullptr) != SQLITE_OK) {
        out.push_back(std::string("error: ") + sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return out;
    }
    int rc = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        std::string row;
        for (int i = 0; i < sqlite3_column_count(st); ++i) row += (i ? "\x1f" : "") + value_text(st, i);
        out.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) out.push_back(std::string("error: ") + sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return out;
}

std::string one(sqlite3* db, const std::string& sql) {
    const auto r = rows(db, sql);
    return r.empty() ? std::string("<no row>") : r.front();
}

/// Everything a failed migration must leave alone: the schema, its version, every row.
std::string snapshot(sqlite3* db) {
    std::string out = "version " + one(db, "PRAGMA schema_version") + "\n";
    for (const auto& r : rows(db, "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name")) out += r + "\n";
    for (const auto& r : rows(db, "SELECT type, name FROM temp.sqlite_schema")) out += "temp " + r + "\n";
    for (const auto& name : rows(db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")) {
        for (const auto& r : rows(db, "SELECT * FROM " + q(name.substr(2)) + " ORDER BY 1")) out += r + "\n";
    }
    out += "autocommit " + std::to_string(sqlite3_get_autocommit(db)) + "\n";
    return out;
}

template <class T, class Key>
std::vector<T> sorted(std::vector<T> v, Key key) {
    std::sort(v.begin(), v.end(), [&](const T& a, const T& b) { return key(a) < key(b); });
    return v;
}

/// introspect() must report exactly what was given: names and defaults byte for byte.
void compare_introspection(const schema& want, const schema& got, std::vector<std::string>& problems) {
    const auto fail = [&](const std::string& s) {
        if (problems.size() < 12) problems.push_back("introspect: " + s);
    };
    if (got.tables.size() != want.tables.size())
        fail("reports " + std::to_string(got.tables.size()) + " tables, want " + std::to_string(want.tables.size()));
    for (const auto& w : want.tables) {
        const table_info* g = got.find_table(w.name);
        if (g == nullptr) {
            fail("table " + show(w.name) + " missing");
            continue;
        }
        const std::string where = "table " + show(w.name) + ": ";
        if (g->columns.size() != w.columns.size()) {
            fail(where + "column count " + std::to_string(g->columns.size()));
            continue;
        }
        for (std::size_t i = 0; i < w.columns.size(); ++i) {
            const auto& wc = w.columns[i];
            const auto& gc = g->columns[i];
            if (gc.name != wc.name) fail(where + "column " + show(wc.name) + " reads back as " + show(gc.name));
            // One type in SQLite's terms (a rename alone keeps the spelling the table had).
            const bool single_key = w.primary_key.size() == 1 && w.primary_key[0] == wc.name;
            if (!driftless::detail::sqlite_same_column_type(gc.type.sqlite, driftless::render_type(wc.type, dialect::sqlite),
                                                            single_key))
                fail(where + "column " + show(wc.name) + " type " + show(gc.type.sqlite));
            if (gc.nullable != wc.nullable) fail(where + "column " + show(wc.name) + " nullability");
            if (gc.auto_increment != wc.auto_increment) fail(where + "column " + show(wc.name) + " auto_increment");
            const std::string want_default = driftless::render_default(wc.default_value, wc.type, dialect::sqlite);
            if (wc.default_value.kind == default_kind::none) {
                if (gc.default_value.kind != default_kind::none) fail(where + "column " + show(wc.name) + " has a default");
            } else if (gc.default_value.kind != default_kind::raw || gc.default_value.text != want_default) {
                fail(where + "column " + show(wc.name) + " default " + show(gc.default_value.text) + ", want " +
                     show(want_default));
            }
        }
        if (g->primary_key != w.primary_key) fail(where + "primary key differs");
        const auto by_columns = [](const driftless::unique_info& u) { return u.columns; };
        if (sorted(g->uniques, by_columns) != sorted(w.uniques, by_columns)) {
            std::string names;
            for (const auto& u : g->uniques) names += show(u.name) + " ";
            fail(where + "unique constraints differ: read " + names);
        }
        const auto by_name = [](const auto& x) { return x.name; };
        const auto gi = sorted(g->indexes, by_name);
        const auto wi = sorted(w.indexes, by_name);
        if (gi != wi) {
            std::string names;
            for (const auto& x : gi) names += show(x.name) + (x.where.empty() ? "" : " where " + show(x.where)) + " ";
            fail(where + "indexes differ: read " + names);
        }
        if (sorted(g->foreign_keys, by_name) != sorted(w.foreign_keys, by_name)) {
            std::string names;
            for (const auto& fk : g->foreign_keys) names += show(fk.name) + " -> " + show(fk.ref_table) + " ";
            fail(where + "foreign keys differ: read " + names);
        }
        const auto want_checks = driftless::effective_checks(w, dialect::sqlite);
        if (g->checks != want_checks) {
            std::string text;
            for (const auto& c : g->checks) text += show(c.name) + ": " + show(c.expression) + " ";
            fail(where + "checks differ: read " + text);
        }
    }
}

/// sqlite_schema holds exactly the tables and indexes of `s` (with SQLite's automatic indexes of
/// UNIQUE and non-rowid keys), driftless's two tables, and sqlite_sequence when AUTOINCREMENT is
/// used; nothing in temp; no other database attached.
void check_objects(sqlite3* db, const schema& s, std::vector<std::string>& problems) {
    std::multiset<std::string> want;
    const auto entry = [](const std::string& type, const std::string& name, const std::string& table) {
        return type + "|" + name + "|" + table;
    };
    bool sequence = false;
    for (const auto& t : s.tables) {
        want.insert(entry("table", t.name, t.name));
        for (const auto& x : t.indexes) want.insert(entry("index", x.name, t.name));
        const std::size_t automatic = t.uniques.size() + (!t.primary_key.empty() && !rowid_primary_key(t) ? 1 : 0);
        for (std::size_t i = 0; i < automatic; ++i) want.insert(entry("index", "<automatic>", t.name));
        for (const auto& c : t.columns) sequence = sequence || c.auto_increment;
    }
    want.insert(entry("table", "_driftless_migrations", "_driftless_migrations"));
    want.insert(entry("table", "_driftless_state", "_driftless_state"));
    if (sequence) want.insert(entry("table", "sqlite_sequence", "sqlite_sequence"));
    std::multiset<std::string> have;
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT type, name, tbl_name FROM sqlite_schema", -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const auto text = [&](int i) { return std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, i))); };
        std::string name = text(1);
        if (text(0) == "index" && name.rfind("sqlite_autoindex_" + text(2) + "_", 0) == 0) name = "<automatic>";
        have.insert(entry(text(0), name, text(2)));
    }
    sqlite3_finalize(st);
    if (have != want) {
        std::string extra;
        std::string missing;
        for (const auto& h : have) {
            if (want.count(h) < have.count(h)) extra += show(h) + " ";
        }
        for (const auto& w : want) {
            if (have.count(w) < want.count(w)) missing += show(w) + " ";
        }
        problems.push_back("sqlite_schema: unexpected [" + extra + "] missing [" + missing + "]");
    }
    if (one(db, "SELECT count(*) FROM temp.sqlite_schema") != "i:0") problems.push_back("temp schema is not empty");
    for (const auto& r : rows(db, "SELECT name FROM pragma_database_list")) {
        if (r != "t:main" && r != "t:temp") problems.push_back("a database is attached: " + show(r));
    }
}

/// A value that satisfies a NOT NULL column without a default (and the generated CHECKs).
void bind_filler(sqlite3_stmt* st, int index, const column_info& c, std::size_t row) {
    switch (c.type.kind) {
        case type_kind::integer:
        case type_kind::boolean:
            sqlite3_bind_int64(st, index, static_cast<std::int64_t>(row) + 1);
            break;
        case type_kind::real:
        case type_kind::decimal:
            sqlite3_bind_double(st, index, 1.5 + static_cast<double>(row));
            break;
        case type_kind::blob:
            sqlite3_bind_blob(st, index, "\0\1", 2, SQLITE_TRANSIENT);
            break;
        case type_kind::enumeration:
            sqlite3_bind_text(st, index, c.type.enum_values[0].data(), static_cast<int>(c.type.enum_values[0].size()),
                              SQLITE_TRANSIENT);
            break;
        default: {
            const std::string v = "v" + std::to_string(row);
            sqlite3_bind_text(st, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
            break;
        }
    }
}

/// One row per table with every defaulted column left out: the defaults read back exactly.
void check_defaults(sqlite3* db, const schema& s, std::vector<std::string>& problems) {
    for (const auto& t : s.tables) {
        std::vector<const column_info*> given;
        for (const auto& c : t.columns) {
            const bool rowid = rowid_primary_key(t) && c.name == t.primary_key[0];
            if (!c.nullable && c.default_value.kind == default_kind::none && !rowid) given.push_back(&c);
        }
        std::string sql = "INSERT INTO " + q(t.name);
        if (given.empty()) {
            sql += " DEFAULT VALUES";
        } else {
            std::string names;
            std::string marks;
            for (std::size_t i = 0; i < given.size(); ++i) {
                names += (i ? ", " : "") + q(given[i]->name);
                marks += (i ? ", ?" : "?") + std::to_string(i + 1);
            }
            sql += " (" + names + ") VALUES (" + marks + ")";
        }
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &st, nullptr) != SQLITE_OK) {
            problems.push_back("insert into " + show(t.name) + " does not prepare: " + sqlite3_errmsg(db));
            sqlite3_finalize(st);
            continue;
        }
        for (std::size_t i = 0; i < given.size(); ++i) bind_filler(st, static_cast<int>(i + 1), *given[i], 0);
        if (sqlite3_step(st) != SQLITE_DONE) problems.push_back("insert into " + show(t.name) + " failed: " + sqlite3_errmsg(db));
        sqlite3_finalize(st);
        for (const auto& c : t.columns) {
            const auto& d = c.default_value;
            if (d.kind == default_kind::none) continue;
            const std::string got = one(db, "SELECT " + q(c.name) + " FROM " + q(t.name));
            std::string want;
            switch (d.kind) {
                case default_kind::text: want = "t:" + d.text; break;
                case default_kind::integer:
                    want = "i:" + std::to_string(d.integer);
                    break;
                case default_kind::boolean: want = d.boolean ? "i:1" : "i:0"; break;
                case default_kind::real: {
                    char buf[40];
                    std::snprintf(buf, sizeof buf, "r:%.17g", d.real);
                    want = buf;
                    // equal as numbers: SQLite stores -0.0 as 0, and NUMERIC affinity may store a
                    // real without a fractional part as an integer
                    if (got.rfind("r:", 0) == 0 && std::strtod(got.c_str() + 2, nullptr) == d.real) want = got;
                    if (c.type.kind == type_kind::decimal && got.rfind("i:", 0) == 0 &&
                        static_cast<double>(std::stoll(got.substr(2))) == d.real)
                        want = got;
                    break;
                }
                default: want = got.rfind("t:", 0) == 0 ? got : "t:<a timestamp>"; break;
            }
            if (got != want)
                problems.push_back("default of " + show(t.name) + "." + show(c.name) + " reads back as " + show(got) +
                                   ", want " + show(want));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The properties.
// ---------------------------------------------------------------------------------------------

expectations expect_schema(const schema& s) {
    expectations ex;
    for (const auto& t : s.tables) {
        ex.tables.insert(t.name);
        for (const auto& x : t.indexes) ex.indexes.insert(x.name);
    }
    return ex;
}

std::string error_text(const driftless::error& e) {
    return std::string(e.what()) + (e.statement().empty() ? "" : " [statement " + show(e.statement()) + "]");
}

/// Valid input: created exactly, read back exactly, nothing else ran, nothing planned twice.
std::vector<std::string> check_valid(const schema& s, bool foreign_keys) {
    std::vector<std::string> problems;
    auto db = driftless::sqlite::open(":memory:");
    sqlite3* h = db.handle();
    if (foreign_keys) db.execute("PRAGMA foreign_keys = ON");
    try {
        observer watch(h);
        const auto first = driftless::migrate_schema(db, s, {}, "fuzz");
        if (!first.applied) problems.push_back("the first migrate_schema applied nothing");
        if (std::any_of(first.plan.steps.begin(), first.plan.steps.end(),
                        [](const driftless::step& st) { return st.kind != driftless::step_kind::create_table; }))
            problems.push_back("the first plan does more than create tables: " + show(driftless::describe(first.plan)));
        check_events(watch.events, expect_schema(s), problems);
        check_trace(watch.statements, first.statements, problems);

        compare_introspection(s, driftless::sqlite::introspect(db), problems);
        check_objects(h, s, problems);

        const std::string before = snapshot(h);
        watch.clear();
        const auto second = driftless::migrate_schema(db, s, {}, "fuzz");
        expectations read_only = expect_schema(s);
        read_only.creates = false;
        check_events(watch.events, read_only, problems);  // CREATE TABLE only of driftless's own, IF NOT EXISTS
        check_trace(watch.statements, {}, problems);
        watch.clear();
        if (!second.plan.empty() || second.applied || !second.statements.empty())
            problems.push_back("the second migrate_schema plans: " + show(driftless::describe(second.plan)));
        if (snapshot(h) != before) problems.push_back("the second migrate_schema changed the database");

        check_defaults(h, s, problems);
        const auto third = driftless::migrate_schema(db, s, {.verify = true}, "fuzz");
        if (!third.plan.empty()) problems.push_back("with rows, migrate_schema plans: " + show(driftless::describe(third.plan)));
        if (one(h, "PRAGMA integrity_check") != "t:ok") problems.push_back("integrity_check fails");
        if (!rows(h, "PRAGMA foreign_key_check").empty()) problems.push_back("foreign_key_check reports rows");
        if (one(h, "SELECT count(*) FROM _driftless_migrations") != "i:1") problems.push_back("history rows != 1");
    } catch (const driftless::error& e) {
        problems.push_back("threw " + error_text(e));
    } catch (const std::exception& e) {
        problems.push_back(std::string("threw ") + e.what());
    }
    return problems;
}

std::vector<std::string> valid_case(std::uint64_t seed, schema* shown) {
    rng r(seed);
    gen_state g{r};
    const schema s = make_schema(g);
    if (shown != nullptr) *shown = s;
    return check_valid(s, r.chance(50));
}

// ---------------------------------------------------------------------------------------------
// Invalid input: refused with a driftless::error that says what is wrong; nothing changes.
// ---------------------------------------------------------------------------------------------

const std::vector<std::string>& invalid_utf8() {
    static const std::vector<std::string> v = {
        "\x80",         "\xbf",         "\xc0\xaf",         "\xc1\xbf",         "\xe0\x80\xaf", "\xed\xa0\x80",
        "\xed\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xf8\x88\x80\x80\x80", "\xfe",     "\xff",
        "\xc3",         "\xe2\x82",     "\xf0\x9f\x98",     "\xc3("};
    return v;
}

/// A code point boundary of `s` (0 and s.size() included), at random.
std::size_t boundary(rng& r, const std::string& s) {
    std::vector<std::size_t> b;
    for (std::size_t i = 0; i <= s.size(); ++i) {
        if (i == s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) b.push_back(i);
    }
    return r.pick(b);
}

struct corruption {
    std::string value;
    std::string phrase;  ///< what the error message must say
    driftless::errc code = driftless::errc::invalid_name;
};

corruption bad_name(rng& r, const std::string& base, bool reserved_prefix) {
    switch (r.below(reserved_prefix ? 4 : 3)) {
        case 0:
            return {"", "is empty", driftless::errc::invalid_name};
        case 1: {
            std::string v = base;
            v.insert(boundary(r, v), 1, '\0');
            return {v, "contains a NUL character", driftless::errc::invalid_name};
        }
        case 2: {
            std::string v = base;
            const std::size_t at = boundary(r, v);
            v.insert(at, r.pick(invalid_utf8()));
            return {v, "is not valid UTF-8", driftless::errc::invalid_name};
        }
        default: {
            static const std::vector<std::string> prefixes = {"sqlite_", "SQLITE_", "SQLite_", "sqlite_autoindex_", "sQlItE_"};
            std::string v = r.pick(prefixes);
            if (!r.chance(20)) v += base;
            return {v, "starts with 'sqlite_'", driftless::errc::invalid_name};
        }
    }
}

corruption bad_literal(rng& r, const std::string& base) {
    std::string v = base;
    if (r.chance(50)) {
        v.insert(boundary(r, v), 1, '\0');
        return {v, "contains a NUL character", driftless::errc::invalid_literal};
    }
    const std::size_t at = boundary(r, v);
    v.insert(at, r.pick(invalid_utf8()));
    return {v, "is not valid UTF-8", driftless::errc::invalid_literal};
}

/// Column `from` of `t` is called `to` from now on, in every key, index and foreign key.
void rename_column_refs(schema& s, table_info& t, const std::string& from, const std::string& to) {
    const auto swap_in = [&](std::vector<std::string>& names) {
        for (auto& n : names) {
            if (n == from) n = to;
        }
    };
    for (auto& o : s.tables) {
        for (auto& fk : o.foreign_keys) {
            if (fk.ref_table == t.name) swap_in(fk.ref_columns);
        }
    }
    for (auto& c : t.columns) {
        if (c.name == from) c.name = to;
    }
    swap_in(t.primary_key);
    for (auto& u : t.uniques) swap_in(u.columns);
    for (auto& x : t.indexes) swap_in(x.columns);
    for (auto& fk : t.foreign_keys) swap_in(fk.columns);
}

void rename_table_refs(schema& s, table_info& t, const std::string& to) {
    for (auto& o : s.tables) {
        for (auto& fk : o.foreign_keys) {
            if (fk.ref_table == t.name) fk.ref_table = to;
        }
    }
    t.name = to;
}

/// One invalid name or literal somewhere in `s`.
corruption corrupt_anywhere(rng& r, schema& s, std::string& where) {
    for (;;) {
        table_info& t = s.tables[r.below(s.tables.size())];
        switch (r.below(9)) {
            case 0: {
                corruption c = bad_name(r, t.name, true);
                rename_table_refs(s, t, c.value);
                where = "table name";
                return c;
            }
            case 1: {
                const std::string from = t.columns[r.below(t.columns.size())].name;
                corruption c = bad_name(r, from, false);
                rename_column_refs(s, t, from, c.value);
                where = "column name";
                return c;
            }
            case 2: {
                if (t.indexes.empty()) continue;
                auto& x = t.indexes[r.below(t.indexes.size())];
                corruption c = bad_name(r, x.name, true);
                x.name = c.value;
                where = "index name";
                return c;
            }
            case 3: {
                if (t.checks.empty()) continue;
                auto& x = t.checks[r.below(t.checks.size())];
                corruption c = bad_name(r, x.name, false);
                x.name = c.value;
                where = "check name";
                return c;
            }
            case 4: {
                if (t.uniques.empty()) continue;
                auto& x = t.uniques[r.below(t.uniques.size())];
                corruption c = bad_name(r, x.name, false);
                x.name = c.value;
                where = "unique constraint name";
                return c;
            }
            case 5: {
                if (t.foreign_keys.empty()) continue;
                auto& x = t.foreign_keys[r.below(t.foreign_keys.size())];
                corruption c = bad_name(r, x.name, false);
                x.name = c.value;
                where = "foreign key name";
                return c;
            }
            case 6: {
                column_info* col = nullptr;
                for (auto& c : t.columns) col = c.type.kind == type_kind::text ? &c : col;
                if (col == nullptr) continue;
                corruption c = bad_literal(r, col->default_value.text);
                col->default_value.kind = default_kind::text;
                col->default_value.text = c.value;
                where = "text default";
                return c;
            }
            case 7: {
                column_info* col = nullptr;
                for (auto& c : t.columns) col = c.type.kind == type_kind::enumeration ? &c : col;
                if (col == nullptr) continue;
                auto& v = col->type.enum_values[r.below(col->type.enum_values.size())];
                corruption c = bad_literal(r, v);
                v = c.value;
                where = "enumeration value";
                return c;
            }
            default: {
                if (t.indexes.empty()) continue;
                auto& x = t.indexes[r.below(t.indexes.size())];
                auto& col = x.columns[r.below(x.columns.size())];
                corruption c = bad_name(r, col, false);
                col = c.value;
                where = "index column";
                return c;
            }
        }
    }
}

/// One new object with an invalid name or literal in an existing table of `s`, or a new table:
/// so that ADD COLUMN, CREATE INDEX, the rebuild and CREATE TABLE all meet invalid input.
corruption add_bad_object(gen_state& g, schema& s, std::string& where) {
    rng& r = g.r;
    table_info& t = s.tables[r.below(s.tables.size())];
    switch (r.below(5)) {
        case 0: {
            schema one;
            one.tables.push_back(make_table(g));
            try {
                (void)driftless::create_table_statements(one.tables.front(), dialect::sqlite);
            } catch (const driftless::error&) {
                return add_bad_object(g, s, where);  // the valid sweep's finding; try another object
            }
            corruption c = corrupt_anywhere(r, one, where);
            where = "new table: " + where;
            s.tables.push_back(one.tables.front());
            return c;
        }
        case 1: {
            column_info col = make_column(g.names.fresh(g.columns_of[t.name], false), type_kind::text, r);
            col.nullable = true;
            corruption c;
            if (r.chance(50)) {
                c = bad_name(r, col.name, false);
                col.name = c.value;
                where = "new column name";
            } else {
                c = bad_literal(r, col.default_value.text);
                col.default_value.kind = default_kind::text;
                col.default_value.text = c.value;
                where = "new column's text default";
            }
            t.columns.push_back(std::move(col));
            return c;
        }
        case 2: {
            driftless::index_info x;
            x.name = g.names.fresh(g.global, true);
            x.columns = some_columns(t, r, 2);
            corruption c;
            if (r.chance(60)) {
                c = bad_name(r, x.name, true);
                x.name = c.value;
                where = "new index name";
            } else {
                c = bad_name(r, x.columns[0], false);
                x.columns[0] = c.value;
                where = "new index's column";
            }
            t.indexes.push_back(std::move(x));
            return c;
        }
        case 3: {
            driftless::check_info x;
            x.name = g.names.fresh(g.constraints_of[t.name], false);
            x.expression = "length(" + lit("~new check " + std::to_string(t.checks.size())) + ") > 0";
            corruption c = bad_name(r, x.name, false);
            x.name = c.value;
            where = "new check name";
            t.checks.push_back(std::move(x));
            return c;
        }
        default: {
            // a column list no key has yet, so that the plan adds it
            column_info col = make_column(g.names.fresh(g.columns_of[t.name], false), type_kind::integer, r);
            col.nullable = true;
            col.default_value = {};
            driftless::unique_info u;
            u.name = g.names.fresh(g.constraints_of[t.name], false);
            u.columns = {col.name};
            t.columns.push_back(std::move(col));
            corruption c = bad_name(r, u.name, false);
            u.name = c.value;
            where = "new unique constraint name";
            t.uniques.push_back(std::move(u));
            return c;
        }
    }
}

std::vector<std::string> invalid_case(std::uint64_t seed, schema* shown) {
    rng r(seed);
    gen_state g{r};
    const schema base = make_schema(g, 2);
    try {
        for (const auto& t : base.tables) (void)driftless::create_table_statements(t, dialect::sqlite);
    } catch (const driftless::error&) {
        return {};  // a valid schema the renderer refuses is the valid sweep's finding
    }
    auto db = driftless::sqlite::open(":memory:");
    sqlite3* h = db.handle();
    const bool existing = r.chance(50);
    if (r.chance(50)) db.execute("PRAGMA foreign_keys = ON");
    schema desired = base;
    std::string where;
    corruption bad;
    if (existing) {
        driftless::migrate_schema(db, base, {}, "fuzz");
        std::vector<std::string> ignored;
        check_defaults(h, base, ignored);  // a row in every table
        bad = add_bad_object(g, desired, where);
    } else {
        bad = corrupt_anywhere(r, desired, where);
    }
    if (shown != nullptr) *shown = desired;
    std::vector<std::string> problems;
    const std::string what = where + " " + show(bad.value) + (existing ? " (database not empty)" : " (empty database)");
    const std::string before = snapshot(h);
    try {
        observer watch(h);
        driftless::migrate_schema(db, desired, {}, "fuzz");
        problems.push_back("accepted the invalid " + what);
    } catch (const driftless::error& e) {
        if (e.code() != bad.code) problems.push_back(what + ": wrong errc: " + error_text(e));
        if (std::string(e.what()).find(bad.phrase) == std::string::npos)
            problems.push_back(what + ": the message does not say " + show(bad.phrase) + ": " + error_text(e));
    } catch (const std::exception& e) {
        problems.push_back(what + ": not a driftless::error: " + e.what());
    }
    if (snapshot(h) != before) problems.push_back(what + ": the database changed");
    if (existing) {
        try {
            const auto again = driftless::migrate_schema(db, base, {}, "fuzz");
            if (!again.plan.empty()) problems.push_back("afterwards the valid schema plans " + show(driftless::describe(again.plan)));
        } catch (const driftless::error& e) {
            problems.push_back("afterwards the valid schema throws " + error_text(e));
        }
    }
    return problems;
}

// ---------------------------------------------------------------------------------------------
// Renames: a table and columns renamed through previous_name keep their rows.
// ---------------------------------------------------------------------------------------------

/// Every ASCII letter's case flipped; a letter is added first when there is none.
std::string case_variant(std::string s) {
    if (std::none_of(s.begin(), s.end(), [](char c) { return driftless::detail::is_lower(c) || driftless::detail::is_upper(c); }))
        s += 'q';
    for (char& c : s) {
        if (driftless::detail::is_lower(c)) {
            c = static_cast<char>(c - 'a' + 'A');
        } else if (driftless::detail::is_upper(c)) {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return s;
}

/// A fresh name that can appear in a SQL fragment (fragments refuse backslashes).
std::string fragment_name(gen_state& g, std::set<std::string>& space) {
    for (;;) {
        std::string n = g.names.fresh(space, false);
        if (n.find('\\') == std::string::npos) return n;
    }
}

/// A new name for a column: sometimes a word the library's own SQL fragments use.
std::string new_column_name(gen_state& g, const std::string& table) {
    static const std::vector<std::string> words = {"null", "NULL", "not", "is", "length", "typeof", "and", "or",
                                                   "in", "check", "default", "constraint", "select"};
    auto& space = g.columns_of[table];
    for (int attempt = 0; attempt < 4 && g.r.chance(35); ++attempt) {
        const std::string& w = g.r.pick(words);
        if (space.insert(fold(w)).second) return w;
    }
    return fragment_name(g, space);
}

void insert_row(sqlite3* db, const std::string& sql, const std::vector<std::optional<std::string>>& text,
                std::vector<std::string>& problems) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &st, nullptr) != SQLITE_OK) {
        problems.push_back("setup: " + show(sql) + ": " + sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i]) {
            sqlite3_bind_text(st, static_cast<int>(i + 1), text[i]->data(), static_cast<int>(text[i]->size()), SQLITE_TRANSIENT);
        } else {
            sqlite3_bind_null(st, static_cast<int>(i + 1));
        }
    }
    if (sqlite3_step(st) != SQLITE_DONE) problems.push_back("setup: " + show(sql) + ": " + sqlite3_errmsg(db));
    sqlite3_finalize(st);
}

std::vector<std::string> rename_case(std::uint64_t seed, schema* shown) {
    rng r(seed);
    gen_state g{r};
    // 0: columns; 1: tables; 2: both; 3: both, with changes that rebuild; 4: a table and columns
    // renamed to themselves in another case; 5: only columns, in another case, sometimes rebuilt
    const unsigned mode = static_cast<unsigned>(seed % 6);
    const bool case_only = mode >= 4;
    const bool rename_columns = mode != 1;
    const bool rename_tables = mode != 0 && mode != 5;
    const bool rebuild = mode == 3 || (mode == 5 && r.chance(50));
    std::vector<std::string> problems;

    table_info p;
    p.name = g.names.fresh(g.global, true);
    {
        auto& cols = g.columns_of[p.name];
        column_info id;
        id.name = g.names.fresh(cols, false);
        id.type.kind = type_kind::integer;
        id.type.bits = 64;
        column_info a;
        a.name = fragment_name(g, cols);
        a.type.kind = type_kind::text;
        column_info b;
        b.name = fragment_name(g, cols);
        b.type.kind = type_kind::text;
        b.nullable = true;
        b.default_value.kind = default_kind::text;
        b.default_value.text = literal(r, true);
        column_info c;
        c.name = g.names.fresh(cols, false);
        c.type.kind = type_kind::integer;
        c.type.bits = 32;
        c.nullable = true;
        p.columns = {id, a, b, c};
        p.primary_key = {id.name};
        p.uniques.push_back({g.names.fresh(g.constraints_of[p.name], false), {c.name}});
        p.indexes.push_back({g.names.fresh(g.global, true), {a.name}, false, r.chance(50) ? q(b.name) + " IS NOT NULL" : ""});
        p.checks.push_back({g.names.fresh(g.constraints_of[p.name], false), "length(" + q(a.name) + ") >= 0"});
    }
    table_info ch;
    ch.name = g.names.fresh(g.global, true);
    {
        auto& cols = g.columns_of[ch.name];
        column_info id;
        id.name = g.names.fresh(cols, false);
        id.type.kind = type_kind::integer;
        id.type.bits = 64;
        column_info ref;
        ref.name = g.names.fresh(cols, false);
        ref.type = p.columns[0].type;
        ref.nullable = true;
        column_info v;
        v.name = g.names.fresh(cols, false);
        v.type.kind = type_kind::text;
        v.nullable = true;
        ch.columns = {id, ref, v};
        ch.primary_key = {id.name};
        ch.foreign_keys.push_back({g.names.fresh(g.constraints_of[ch.name], false), {ref.name}, p.name, {p.columns[0].name},
                                   driftless::fk_action::cascade, driftless::fk_action::no_action});
    }
    schema v1;
    v1.tables = {p, ch};

    schema v2 = v1;
    table_info& p2 = v2.tables[0];
    table_info& ch2 = v2.tables[1];
    if (rename_columns) {
        const std::string from = p2.columns[1].name;
        const std::string to = case_only ? case_variant(from) : new_column_name(g, p.name);
        rename_column_refs(v2, p2, from, to);
        p2.columns[1].previous_name = from;
        p2.checks[0].expression = "length(" + q(to) + ") >= 0";
        const std::string ref_from = ch2.columns[1].name;
        const std::string ref_to = case_only ? case_variant(ref_from) : new_column_name(g, ch.name);
        rename_column_refs(v2, ch2, ref_from, ref_to);
        ch2.columns[1].previous_name = ref_from;
    }
    if (rename_tables) {
        const std::string pfrom = p2.name;
        rename_table_refs(v2, p2, case_only ? case_variant(pfrom) : g.names.fresh(g.global, true));
        p2.previous_name = pfrom;
        if (!case_only) {
            const std::string cfrom = ch2.name;
            rename_table_refs(v2, ch2, g.names.fresh(g.global, true));
            ch2.previous_name = cfrom;
        }
    }
    if (rebuild) {
        p2.columns[2].default_value.text = "~" + literal(r, true);  // a new default: rebuild
        ch2.columns[2].type.length = 40;                             // TEXT -> VARCHAR(40): rebuild
    }
    if (shown != nullptr) *shown = v2;

    auto db = driftless::sqlite::open(":memory:");
    sqlite3* h = db.handle();
    if (r.chance(50)) db.execute("PRAGMA foreign_keys = ON");
    const auto select_p = [&](const table_info& t) {
        return "SELECT " + q(t.columns[0].name) + ", " + q(t.columns[1].name) + ", " + q(t.columns[2].name) + ", " +
               q(t.columns[3].name) + " FROM " + q(t.name) + " ORDER BY 1";
    };
    const auto select_c = [&](const table_info& t) {
        return "SELECT " + q(t.columns[0].name) + ", " + q(t.columns[1].name) + ", " + q(t.columns[2].name) + " FROM " +
               q(t.name) + " ORDER BY 1";
    };
    try {
        driftless::migrate_schema(db, v1, {}, "fuzz");
        for (int i = 1; i <= 4; ++i) {
            insert_row(h,
                       "INSERT INTO " + q(p.name) + " (" + q(p.columns[0].name) + ", " + q(p.columns[1].name) + ", " +
                           q(p.columns[2].name) + ", " + q(p.columns[3].name) + ") VALUES (?1, ?2, ?3, ?4)",
                       {std::to_string(i), literal(r, true), r.chance(30) ? std::nullopt : std::optional(literal(r, true)),
                        r.chance(30) ? std::nullopt : std::optional(std::to_string(i * 10))},
                       problems);
        }
        for (int i = 1; i <= 4; ++i) {
            insert_row(h,
                       "INSERT INTO " + q(ch.name) + " (" + q(ch.columns[0].name) + ", " + q(ch.columns[1].name) + ", " +
                           q(ch.columns[2].name) + ") VALUES (?1, ?2, ?3)",
                       {std::to_string(i), r.chance(25) ? std::nullopt : std::optional(std::to_string(1 + r.below(4))),
                        literal(r, true)},
                       problems);
        }
        const auto p_rows = rows(h, select_p(p));
        const auto c_rows = rows(h, select_c(ch));

        observer watch(h);
        const auto result = driftless::migrate_schema(db, v2, {}, "fuzz");
        expectations ex;
        for (const schema* s : {&v1, &v2}) {
            for (const auto& t : s->tables) {
                ex.tables.insert(t.name);
                for (const auto& x : t.indexes) ex.indexes.insert(x.name);
            }
        }
        ex.drops = ex.alters = ex.user_writes = true;
        check_events(watch.events, ex, problems);
        check_trace(watch.statements, result.statements, problems);
        bool renamed = false;
        for (const auto& st : result.plan.steps) {
            renamed = renamed || st.kind == driftless::step_kind::rename_table || st.kind == driftless::step_kind::rename_column;
        }
        if (!renamed) problems.push_back("the plan renames nothing: " + show(driftless::describe(result.plan)));
        watch.clear();

        if (rows(h, select_p(p2)) != p_rows) problems.push_back("the rows of " + show(p2.name) + " changed");
        if (rows(h, select_c(ch2)) != c_rows) problems.push_back("the rows of " + show(ch2.name) + " changed");
        compare_introspection(v2, driftless::sqlite::introspect(db), problems);
        const auto again = driftless::migrate_schema(db, v2, {}, "fuzz");
        if (!again.plan.empty()) problems.push_back("the second migrate_schema plans: " + show(driftless::describe(again.plan)));
        if (one(h, "PRAGMA integrity_check") != "t:ok") problems.push_back("integrity_check fails");
        if (!rows(h, "PRAGMA foreign_key_check").empty()) problems.push_back("foreign_key_check reports rows");
    } catch (const driftless::error& e) {
        problems.push_back("threw " + error_text(e));
    } catch (const std::exception& e) {
        problems.push_back(std::string("threw ") + e.what());
    }
    return problems;
}

// ---------------------------------------------------------------------------------------------
// quote_identifier / quote_text at the text level, for every dialect.
// ---------------------------------------------------------------------------------------------

/// Code points of well-formed UTF-8 (this test's own decoder), or nullopt.
std::optional<std::vector<std::uint32_t>> code_points(std::string_view s) {
    std::vector<std::uint32_t> out;
    for (std::size_t i = 0; i < s.size();) {
        const auto b0 = static_cast<unsigned char>(s[i]);
        std::size_t n = b0 < 0x80 ? 1 : b0 >= 0xC2 && b0 <= 0xDF ? 2 : b0 >= 0xE0 && b0 <= 0xEF ? 3 : b0 >= 0xF0 && b0 <= 0xF4 ? 4 : 0;
        if (n == 0 || i + n > s.size()) return std::nullopt;
        std::uint32_t cp = n == 1 ? b0 : n == 2 ? (b0 & 0x1Fu) : n == 3 ? (b0 & 0x0Fu) : (b0 & 0x07u);
        for (std::size_t k = 1; k < n; ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            if ((b & 0xC0) != 0x80) return std::nullopt;
            cp = (cp << 6) | (b & 0x3Fu);
        }
        const std::uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
        out.push_back(cp);
        i += n;
    }
    return out;
}

bool identifier_ok(std::string_view s, dialect d) {
    const auto cps = code_points(s);
    if (s.empty() || s.find('\0') != std::string_view::npos || !cps) return false;
    if (d == dialect::postgresql) return s.size() <= 63;
    if (d == dialect::mysql)
        return cps->size() <= 64 && s.back() != ' ' &&
               std::all_of(cps->begin(), cps->end(), [](std::uint32_t c) { return c < 0x10000; });
    return true;
}

/// The identifier a quoted one stands for: the whole text must be one quoted token, every quote
/// character inside doubled.
std::optional<std::string> unquote_identifier(std::string_view s, char quote) {
    if (s.size() < 2 || s.front() != quote || s.back() != quote) return std::nullopt;
    std::string out;
    for (std::size_t i = 1; i + 1 < s.size(); ++i) {
        if (s[i] == quote) {
            if (i + 2 < s.size() && s[i + 1] == quote) {
                out += quote;
                ++i;
            } else {
                return std::nullopt;  // an unescaped quote ends the token early
            }
        } else {
            out += s[i];
        }
    }
    return out;
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

enum class escapes { none, postgresql, mysql };

/// The value of a '...' string literal as the engine reads it: '' always stands for one quote;
/// with backslash escapes on, the escapes of PostgreSQL's E'' strings or of MySQL's default
/// sql_mode apply.
std::optional<std::string> unquote_text(std::string_view s, escapes e) {
    if (s.size() < 2 || s.front() != '\'' || s.back() != '\'') return std::nullopt;
    std::string out;
    const std::size_t end = s.size() - 1;
    const auto is_hex = [](char c) { return driftless::detail::is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); };
    const auto hex = [](char c) { return driftless::detail::is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10; };
    for (std::size_t i = 1; i < end; ++i) {
        const char c = s[i];
        if (c == '\'') {
            if (i + 1 < end && s[i + 1] == '\'') {
                out += '\'';
                ++i;
                continue;
            }
            return std::nullopt;
        }
        if (c != '\\' || e == escapes::none) {
            out += c;
            continue;
        }
        if (i + 1 >= end) return std::nullopt;  // the backslash would escape the closing quote
        const char n = s[++i];
        if (e == escapes::mysql) {
            switch (n) {
                case '0': out += '\0'; break;
                case 'b': out += '\b'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'Z': out += '\x1a'; break;
                case '%': out += "\\%"; break;
                case '_': out += "\\_"; break;
                default: out += n; break;
            }
            continue;
        }
        switch (n) {  // PostgreSQL E'' escapes
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'x': {
                int v = 0;
                int k = 0;
                while (k < 2 && i + 1 < end && is_hex(s[i + 1])) v = v * 16 + hex(s[++i]), ++k;
                if (k == 0) {
                    out += 'x';
                } else {
                    out += static_cast<char>(v);
                }
                break;
            }
            case 'u':
            case 'U': {
                const int digits = n == 'u' ? 4 : 8;
                std::uint32_t v = 0;
                for (int k = 0; k < digits; ++k) {
                    if (i + 1 >= end || !is_hex(s[i + 1])) return std::nullopt;
                    v = v * 16 + static_cast<std::uint32_t>(hex(s[++i]));
                }
                append_utf8(out, v);
                break;
            }
            default:
                if (n >= '0' && n <= '7') {
                    int v = n - '0';
                    for (int k = 0; k < 2 && i + 1 < end && s[i + 1] >= '0' && s[i + 1] <= '7'; ++k) v = v * 8 + (s[++i] - '0');
                    out += static_cast<char>(v);
                } else {
                    out += n;
                }
                break;
        }
    }
    return out;
}

/// Text for the quoting fuzz: the nasty atoms, raw bytes (NUL and invalid UTF-8 included), and
/// lengths at each dialect's limit.
std::string quoting_input(rng& r) {
    std::string s;
    switch (r.below(10)) {
        case 0: {  // bytes
            const std::size_t n = r.below(12);
            for (std::size_t i = 0; i < n; ++i) s += static_cast<char>(r.below(256));
            return s;
        }
        case 1: {  // PostgreSQL's 63 bytes, give or take one, ending in a multi-byte character or not
            const std::size_t n = 62 + r.below(3);
            while (s.size() < n) s += atom(r, true);
            return fit_to(s, n);
        }
        case 2: {  // MySQL's 64 characters, give or take one
            static const std::vector<std::string> chars = {"a", "\xc3\xa9", "\xe8\xa1\xa8", "`", "\xf0\x9f\x98\x80", " "};
            const std::size_t n = 63 + r.below(3);
            const std::string& c = r.pick(chars);
            for (std::size_t i = 0; i < n; ++i) s += r.chance(90) ? c : "b";
            return s;
        }
        default: {
            const std::size_t n = r.below(6);
            for (std::size_t i = 0; i < n; ++i) {
                if (r.chance(5)) {
                    s += r.chance(50) ? std::string(1, '\0') : r.pick(invalid_utf8());
                } else {
                    s += atom(r, true);
                }
            }
            return s;
        }
    }
}

void quoting_case(const std::string& s, std::vector<std::string>& problems) {
    const auto fail = [&](dialect d, const std::string& why) {
        if (problems.size() < 20) problems.push_back(std::string(driftless::to_string(d)) + " " + show(s) + ": " + why);
    };
    const bool text_ok = code_points(s).has_value() && s.find('\0') == std::string::npos;
    for (const dialect d : {dialect::sqlite, dialect::postgresql, dialect::mysql}) {
        const char quote = d == dialect::mysql ? '`' : '"';
        try {
            const std::string out = driftless::quote_identifier(s, d);
            if (!identifier_ok(s, d)) fail(d, "quote_identifier accepted it as " + show(out));
            const auto back = unquote_identifier(out, quote);
            if (!back) {
                fail(d, "quote_identifier gave " + show(out) + ", which is not one quoted identifier");
            } else if (*back != s) {
                fail(d, "quote_identifier gave " + show(out) + ", which reads back as " + show(*back));
            }
        } catch (const driftless::error& e) {
            if (identifier_ok(s, d)) fail(d, std::string("quote_identifier refused it: ") + e.what());
            if (e.code() != driftless::errc::invalid_name) fail(d, std::string("quote_identifier: wrong errc: ") + e.what());
        }
        try {
            const std::string out = driftless::quote_text(s, d);
            if (!text_ok) fail(d, "quote_text accepted it as " + show(out));
            if (out.find('\0') != std::string::npos || !code_points(out)) fail(d, "quote_text gave invalid SQL text");
            std::optional<std::string> back;
            if (d == dialect::sqlite) {
                back = unquote_text(out, escapes::none);
            } else if (d == dialect::mysql) {
                back = unquote_text(out, escapes::mysql);
            } else if (out.rfind("E'", 0) == 0) {
                back = unquote_text(std::string_view(out).substr(1), escapes::postgresql);
            } else {
                // the same with standard_conforming_strings on and off: so no backslash at all
                back = unquote_text(out, escapes::none);
                if (unquote_text(out, escapes::postgresql) != back)
                    fail(d, "quote_text gave " + show(out) + ", which depends on standard_conforming_strings");
            }
            if (!back) {
                fail(d, "quote_text gave " + show(out) + ", which is not one string literal");
            } else if (*back != s) {
                fail(d, "quote_text gave " + show(out) + ", which reads back as " + show(*back));
            }
        } catch (const driftless::error& e) {
            if (text_ok) fail(d, std::string("quote_text refused it: ") + e.what());
            if (e.code() != driftless::errc::invalid_literal) fail(d, std::string("quote_text: wrong errc: ") + e.what());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Names SQLite takes as equal (ASCII case folding) and names it does not (other letters).
// ---------------------------------------------------------------------------------------------

table_info small_table(std::string name) {
    table_info t;
    t.name = std::move(name);
    column_info c;
    c.name = "x";
    c.type.kind = type_kind::text;
    c.nullable = true;
    t.columns.push_back(std::move(c));
    return t;
}

std::vector<std::string> case_folding_case(std::uint64_t seed, schema* shown) {
    rng r(seed);
    gen_state g{r};
    schema s = make_schema(g, 2);
    const std::string name = g.names.fresh(g.global, true) + "Kw";
    std::string what;
    bool equal_for_sqlite = true;
    switch (seed % 4) {
        case 0:  // two tables
            s.tables.push_back(small_table(name));
            s.tables.push_back(small_table(case_variant(name)));
            what = "two tables";
            break;
        case 1: {  // a table and an index
            s.tables[0].indexes.push_back({case_variant(name), {s.tables[0].columns[0].name}, false, ""});
            s.tables.push_back(small_table(name));
            what = "a table and an index";
            break;
        }
        case 2: {  // two columns of one table
            column_info a = make_column(name, any_kind(r), r);
            column_info b = make_column(case_variant(name), any_kind(r), r);
            s.tables[0].columns.push_back(std::move(a));
            s.tables[0].columns.push_back(std::move(b));
            what = "two columns";
            break;
        }
        default: {  // letters SQLite does not fold: distinct names, a valid schema
            static const std::vector<std::pair<std::string, std::string>> pairs = {
                {"\xc3\xa9", "\xc3\x89"}, {"\xc3\x9f", "\xe1\xba\x9e"}, {"\xc4\xb1", "I"}, {"\xc4\xb0", "i"},
                {"\xce\xa9", "\xcf\x89"}, {"\xef\xbd\x81", "\xef\xbc\xa1"}, {"e\xcc\x81", "\xc3\xa9"}};
            const auto& [x, y] = r.pick(pairs);
            s.tables[0].columns.push_back(make_column(name + x, any_kind(r), r));
            s.tables[0].columns.push_back(make_column(name + y, any_kind(r), r));
            s.tables.push_back(small_table(name + x + "_t"));
            s.tables.push_back(small_table(name + y + "_t"));
            equal_for_sqlite = false;
            break;
        }
    }
    if (shown != nullptr) *shown = s;
    if (!equal_for_sqlite) return check_valid(s, r.chance(50));
    std::vector<std::string> problems;
    auto db = driftless::sqlite::open(":memory:");
    const std::string before = snapshot(db.handle());
    try {
        driftless::migrate_schema(db, s, {}, "fuzz");
        problems.push_back(what + " named " + show(name) + " and " + show(case_variant(name)) + " were accepted");
    } catch (const driftless::error&) {
        // SQLite's own "already exists" / "duplicate column name", or an earlier refusal: both fine
    }
    if (snapshot(db.handle()) != before) problems.push_back("the database changed");
    return problems;
}

/// What kind of failure a problem is: its text without the quoted names and the numbers, so
/// that one frequent failure does not hide the others.
std::string signature(const std::vector<std::string>& problems) {
    std::set<std::string> kinds;
    for (const auto& p : problems) {
        std::string_view text = p;
        if (p.rfind("threw ", 0) == 0) {  // the library's message: its id and the words after the quoted input
            text = text.substr(0, text.find(" [statement"));
            text = text.substr(0, text.find("; write"));
            const std::size_t id_end = text.find(':');
            const std::size_t last = text.rfind("' ");
            std::string_view rest = last != std::string_view::npos ? text.substr(last + 1) : text.substr(id_end + 1);
            rest = rest.substr(0, rest.find(':'));  // SQLite's messages put the name after a colon
            kinds.insert(std::string(text.substr(0, id_end)) + ":" + std::string(rest.substr(0, 60)));
            continue;
        }
        std::string k;
        bool quoted = false;
        for (std::size_t i = 0; i < text.size(); ++i) {
            const char c = text[i];
            if (quoted) {
                if (c == '\\') {
                    ++i;
                } else if (c == '"') {
                    quoted = false;
                }
                continue;
            }
            if (c == '"') {  // show()'s quotes
                quoted = true;
                k += '_';
            } else if (!driftless::detail::is_digit(c)) {
                k += c;
            }
        }
        kinds.insert(k.substr(0, 90));
    }
    std::string out;
    for (const auto& k : kinds) out += k + "|";
    return out;
}

/// Runs `one_case` for seeds [first, first + count) (or only DRIFTLESS_FUZZ_SEED) and reports the
/// first failing seed of each kind of failure in full.
template <class Case>
void sweep(const std::string& what, std::uint64_t first, std::uint64_t count, Case one_case) {
    const auto only = only_seed();
    std::uint64_t failed = 0;
    std::uint64_t ran = 0;
    std::map<std::string, std::vector<std::uint64_t>> kinds;
    const std::uint64_t last = first + count * scale();
    for (std::uint64_t seed = first; seed < last; ++seed) {
        if (only && *only != seed) continue;
        ++ran;
        schema shown;
        const std::vector<std::string> problems = one_case(seed, &shown);
        if (problems.empty()) {
            if (only) MESSAGE(what << " seed " << seed << " passes; schema:\n" << describe_schema(shown));
            continue;
        }
        ++failed;
        auto& seeds = kinds[signature(problems)];
        seeds.push_back(seed);
        if (seeds.size() > 1 || kinds.size() > 10) continue;
        std::string text;
        for (const auto& p : problems) text += "  - " + p + "\n";
        FAIL_CHECK(what << ": seed " << seed << " (rerun alone with DRIFTLESS_FUZZ_SEED=" << seed << ") fails:\n"
                        << text << "schema:\n"
                        << describe_schema(shown));
    }
    std::string summary;
    for (const auto& [kind, seeds] : kinds) {
        std::string some;
        for (std::size_t i = 0; i < seeds.size() && i < 8; ++i) some += (i ? " " : "") + std::to_string(seeds[i]);
        summary += "\n  " + std::to_string(seeds.size()) + " seeds (" + some + (seeds.size() > 8 ? " ..." : "") + "): " + kind;
    }
    CHECK_MESSAGE(failed == 0, what << ": " << failed << " of " << ran << " seeds fail" << summary);
}

}  // namespace fuzz
}  // namespace

TEST_CASE("migrate_schema: fuzzed identifiers and literals round-trip") {
    fuzz::sweep("valid schema", 1, 2400, fuzz::valid_case);
}

TEST_CASE("migrate_schema: fuzzed invalid names and literals are refused and change nothing") {
    fuzz::sweep("invalid input", 100001, 1500, fuzz::invalid_case);
}

TEST_CASE("migrate_schema: fuzzed renames through previous_name keep every row") {
    fuzz::sweep("rename", 200001, 720, fuzz::rename_case);
}

TEST_CASE("migrate_schema: fuzzed names equal under SQLite's ASCII case folding") {
    fuzz::sweep("case folding", 300001, 300, fuzz::case_folding_case);
}

TEST_CASE("migrate_schema: fuzzed table names in driftless's reserved _driftless_ namespace") {
    // introspect() hides tables whose names start with "_driftless_", so such a table must be
    // refused up front (errc::invalid_name, nothing changed) or else round-trip like any other.
    std::vector<std::string> names = {"_driftless_x", "_driftless_migrations", "_driftless_state",
                                      "_driftless_new_t", "_driftless_probe", "_DRIFTLESS_x", "_Driftless_state"};
    fuzz::rng r(400001);
    for (int i = 0; i < 20; ++i) names.push_back("_driftless_" + fuzz::raw_name(r, true));
    std::size_t failed = 0;
    for (const auto& name : names) {
        auto db = driftless::sqlite::open(":memory:");
        driftless::schema s;
        s.tables.push_back(fuzz::small_table(name));
        const std::string before = fuzz::snapshot(db.handle());
        try {
            driftless::migrate_schema(db, s, {}, "fuzz");
        } catch (const driftless::error& e) {
            if (e.code() != driftless::errc::invalid_name || fuzz::snapshot(db.handle()) != before) {
                if (++failed <= 3)
                    FAIL_CHECK("table " << fuzz::show(name) << ": refused without saying why, or not cleanly: " << std::string(e.what()));
            }
            continue;
        }
        try {
            const auto again = driftless::migrate_schema(db, s, {}, "fuzz");
            if (!again.plan.empty() && ++failed <= 3)
                FAIL_CHECK("table " << fuzz::show(name) << ": accepted, but the second migrate plans " << driftless::describe(again.plan));
        } catch (const driftless::error& e) {
            if (++failed <= 3)
                FAIL_CHECK("table " << fuzz::show(name) << ": accepted, but the second migrate throws " << std::string(e.what()));
        }
    }
    CHECK_MESSAGE(failed == 0, failed << " of " << names.size() << " reserved names fail");
}

TEST_CASE("migrate_schema: fuzzed names beyond SQLite's length limits fail the whole migration") {
    fuzz::rng r(500001);
    const auto tables = [&](std::initializer_list<std::size_t> lengths) {
        driftless::schema s;
        for (const std::size_t length : lengths) {
            std::string name = "L";  // never a reserved prefix
            while (name.size() < length) name += fuzz::atom(r, true);
            s.tables.push_back(fuzz::small_table(fuzz::fit_to(name, length) + std::to_string(s.tables.size())));
            s.tables.back().indexes.push_back({fuzz::fit_to(name, length) + "_i", {"x"}, false, ""});
        }
        return s;
    };
    SUBCASE("a CREATE TABLE longer than SQLITE_LIMIT_SQL_LENGTH, in the middle of the plan") {
        const driftless::schema s = tables({100, 2000, 100});
        auto db = driftless::sqlite::open(":memory:");
        sqlite3_limit(db.handle(), SQLITE_LIMIT_SQL_LENGTH, 3500);  // the second table's DDL is longer
        const std::string before = fuzz::snapshot(db.handle());
        try {
            driftless::migrate_schema(db, s, {}, "fuzz");
            FAIL_CHECK("a statement over the limit ran");
        } catch (const driftless::error& e) {
            CHECK(e.code() == driftless::errc::engine);
            CHECK((e.native_code() & 0xff) == SQLITE_TOOBIG);
            // not the first statement: something was created before the failure
            CHECK_MESSAGE(e.statement().rfind("CREATE TABLE " + fuzz::q(s.tables[0].name), 0) != 0, fuzz::error_text(e));
        }
        CHECK(fuzz::snapshot(db.handle()) == before);
    }
    SUBCASE("the history row longer than SQLITE_LIMIT_LENGTH, the last step") {
        const driftless::schema s = tables({1500, 2000, 1500});
        auto db = driftless::sqlite::open(":memory:");
        sqlite3_limit(db.handle(), SQLITE_LIMIT_LENGTH, 6000);  // every statement fits, up_sql does not
        const std::string before = fuzz::snapshot(db.handle());
        try {
            driftless::migrate_schema(db, s, {}, "fuzz");
            FAIL_CHECK("a value over the limit was stored");
        } catch (const driftless::error& e) {
            CHECK(e.code() == driftless::errc::engine);
            CHECK((e.native_code() & 0xff) == SQLITE_TOOBIG);
        }
        CHECK(fuzz::snapshot(db.handle()) == before);
        sqlite3_limit(db.handle(), SQLITE_LIMIT_LENGTH, 1000000);
        CHECK(driftless::migrate_schema(db, s, {}, "fuzz").applied);
        CHECK(fuzz::check_valid(s, false).empty());
    }
}

TEST_CASE("migrate_schema fuzz: the authorizer and trace checks see a name that escapes its quotes") {
    // The watchdog of the sweeps above, fed what a quoting bug would run: a "name" that ends its
    // statement and starts another.
    auto db = driftless::sqlite::open(":memory:");
    db.execute("CREATE TABLE victim (x)");
    const std::string planned = "CREATE TABLE \"a\" (x); DROP TABLE victim; CREATE TABLE \"b\" (x)";
    fuzz::expectations ex;
    ex.tables = {"a\" (x); DROP TABLE victim; CREATE TABLE \"b"};
    fuzz::observer watch(db.handle());
    db.execute(planned);
    std::vector<std::string> problems;
    fuzz::check_events(watch.events, ex, problems);
    fuzz::check_trace(watch.statements, {planned}, problems);
    std::string all;
    for (const auto& p : problems) all += p + "\n";
    CHECK_MESSAGE(all.find("DROP_TABLE(\"victim\"") != std::string::npos, all);
    CHECK_MESSAGE(all.find("CREATE_TABLE(\"a\"") != std::string::npos, all);
    CHECK_MESSAGE(all.find("neither planned nor driftless's own ran: \"DROP TABLE victim;\"") != std::string::npos, all);
    CHECK_MESSAGE(all.find("never ran as one statement") != std::string::npos, all);
}

TEST_CASE("quote_identifier and quote_text: fuzzed text reads back on every dialect") {
    fuzz::rng r(600001);
    std::vector<std::string> problems;
    std::size_t cases = 0;
    for (const std::size_t n = 40000 * fuzz::scale(); cases < n; ++cases) fuzz::quoting_case(fuzz::quoting_input(r), problems);
    // exactly at and one past each limit
    for (const std::string& c : {std::string("a"), std::string("\xc3\xa9"), std::string("\xe8\xa1\xa8"), std::string("\"")}) {
        for (std::size_t n = 60; n <= 66; ++n) {
            std::string s;
            for (std::size_t i = 0; i < n; ++i) s += c;
            fuzz::quoting_case(s, problems);
            fuzz::quoting_case(fuzz::fit_to(s, 63), problems);
            fuzz::quoting_case(fuzz::fit_to(s, 64), problems);
            ++cases;
        }
    }
    std::string text;
    for (const auto& p : problems) text += "\n  " + p;
    CHECK_MESSAGE(problems.empty(), problems.size() << " problems in " << cases << " inputs:" << text);
}

namespace {

driftless::column_info plain_column(std::string name, driftless::type_kind kind, bool nullable = true) {
    driftless::column_info c;
    c.name = std::move(name);
    c.type.kind = kind;
    if (kind == driftless::type_kind::integer) c.type.bits = 64;
    c.nullable = nullable;
    return c;
}

/// `db` reads back as `s`, table `s.tables[0]` has `kept` rows (unless empty), and migrating
/// again plans nothing.
void expect_stable(const driftless::sqlite::connection& db, const driftless::schema& s, const std::string& kept = {}) {
    std::vector<std::string> problems;
    fuzz::compare_introspection(s, driftless::sqlite::introspect(db), problems);
    for (const auto& p : problems) FAIL_CHECK(p);
    if (!kept.empty()) CHECK(fuzz::one(db.handle(), "SELECT count(*) FROM " + fuzz::q(s.tables[0].name)) == kept);
    try {
        const auto again = driftless::migrate_schema(db, s, {}, "fuzz");
        CHECK_MESSAGE(again.plan.empty(), "the second migrate plans " << driftless::describe(again.plan));
    } catch (const driftless::error& e) {
        FAIL_CHECK("the second migrate_schema threw " << fuzz::error_text(e));
    }
}

/// Migrates `db` to `s`, then expect_stable.
void expect_round_trip(const driftless::sqlite::connection& db, const driftless::schema& s, const std::string& kept = {}) {
    try {
        driftless::migrate_schema(db, s, {}, "fuzz");
    } catch (const driftless::error& e) {
        FAIL_CHECK("migrate_schema threw " << fuzz::error_text(e));
        return;
    }
    expect_stable(db, s, kept);
}

}  // namespace

// The smallest inputs of each kind of failure the sweeps above found, kept as regression cases.
TEST_CASE("migrate_schema: minimal cases found by the fuzz") {
    using driftless::type_kind;
    auto db = driftless::sqlite::open(":memory:");
    driftless::schema s;
    driftless::table_info t;
    t.name = "t";
    t.columns = {plain_column("id", type_kind::integer, false)};
    t.primary_key = {"id"};

    SUBCASE("an enumeration column whose name has a backslash") {
        auto e = plain_column("a\\b", type_kind::enumeration);
        e.type.enum_values = {"x"};
        t.columns.push_back(e);
        s.tables = {t};
        expect_round_trip(db, s);
    }
    SUBCASE("an enumeration value with a backslash") {
        auto e = plain_column("e", type_kind::enumeration);
        e.type.enum_values = {"a\\b"};
        t.columns.push_back(e);
        s.tables = {t};
        expect_round_trip(db, s);
    }
    SUBCASE("a table named _driftless_x") {
        t.name = "_driftless_x";
        s.tables = {t};
        try {
            driftless::migrate_schema(db, s, {}, "fuzz");
        } catch (const driftless::error& e) {
            CHECK(e.code() == driftless::errc::invalid_name);  // refused up front: fine
            return;
        }
        expect_stable(db, s);  // or else like any other table
    }
    SUBCASE("a table renamed to the same name in another case") {
        t.name = "T";
        s.tables = {t};
        driftless::migrate_schema(db, s, {}, "fuzz");
        db.execute("INSERT INTO T (id) VALUES (1)");
        s.tables[0].name = "t";
        s.tables[0].previous_name = "T";
        expect_round_trip(db, s, "i:1");
    }
    // A rebuild that also renames a column writes the table's CHECK and partial-index
    // expressions under the old names first (sqlite/render.hpp, rename_identifiers).
    t.columns.push_back(plain_column("a", type_kind::text));
    t.columns.push_back(plain_column("b", type_kind::text));
    SUBCASE("a rebuild renames a column to NULL, a word of an index predicate") {
        t.indexes.push_back({"i", {"b"}, false, "\"b\" IS NOT NULL"});
        s.tables = {t};
        driftless::migrate_schema(db, s, {}, "fuzz");
        db.execute("INSERT INTO t (id, a, b) VALUES (1, 'x', 'y')");
        auto& v2 = s.tables[0];
        v2.columns[1].name = "NULL";
        v2.columns[1].previous_name = "a";
        v2.columns[2].default_value = {driftless::default_kind::text, false, 0, 0, "d"};  // a change that rebuilds
        expect_round_trip(db, s, "i:1");
    }
    SUBCASE("a rebuild renames a column to length, a function of a check") {
        t.checks.push_back({"c", "length(\"a\") >= 0"});
        s.tables = {t};
        driftless::migrate_schema(db, s, {}, "fuzz");
        db.execute("INSERT INTO t (id, a, b) VALUES (1, 'x', 'y')");
        auto& v2 = s.tables[0];
        v2.columns[1].name = "length";
        v2.columns[1].previous_name = "a";
        v2.checks[0].expression = "length(\"length\") >= 0";
        v2.columns[2].default_value = {driftless::default_kind::text, false, 0, 0, "d"};
        expect_round_trip(db, s, "i:1");
    }
}
