// driftless — a small SQL tokenizer shared by the diff (comparing expressions across renames) and
// the backends (reading stored CREATE statements).
#ifndef DRIFTLESS_DETAIL_SQL_TOKENS_HPP
#define DRIFTLESS_DETAIL_SQL_TOKENS_HPP

#include <algorithm>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <driftless/detail/text.hpp>

namespace driftless::detail {

/// A token of SQL: enough to find constraint clauses in a stored CREATE statement and to compare
/// or rename identifiers in expressions. Quotes: '', "", ``, [] (doubled quote = one).
struct token {
    enum kind_t { word, identifier, string, symbol } kind;
    std::size_t begin;  ///< offset in the statement
    std::size_t end;
    std::string value;  ///< identifiers unquoted; words as written
};

inline bool is_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
           (static_cast<unsigned char>(c) & 0x80) != 0;
}

inline std::vector<token> tokenize(std::string_view sql) {
    std::vector<token> out;
    std::size_t i = 0;
    while (i < sql.size()) {
        const char c = sql[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            ++i;
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            while (i < sql.size() && sql[i] != '\n') ++i;
        } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
            const std::size_t close = sql.find("*/", i + 2);
            i = close == std::string_view::npos ? sql.size() : close + 2;
        } else if (c == '\'' || c == '"' || c == '`' || c == '[') {
            const char close = c == '[' ? ']' : c;
            std::string value;
            std::size_t j = i + 1;
            while (j < sql.size()) {
                if (sql[j] == close) {
                    if (close != ']' && j + 1 < sql.size() && sql[j + 1] == close) {
                        value += close;
                        j += 2;
                        continue;
                    }
                    break;
                }
                value += sql[j++];
            }
            out.push_back({c == '\'' ? token::string : token::identifier, i, std::min(j + 1, sql.size()), value});
            i = j + 1;
        } else if ((c >= '0' && c <= '9') || (c == '.' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9')) {
            std::size_t j = i;  // a number: digits, '.', exponent with sign, hex
            while (j < sql.size() && (is_word_char(sql[j]) || sql[j] == '.' ||
                                      ((sql[j] == '+' || sql[j] == '-') && (sql[j - 1] == 'e' || sql[j - 1] == 'E'))))
                ++j;
            out.push_back({token::word, i, j, std::string(sql.substr(i, j - i))});
            i = j;
        } else if (is_word_char(c)) {
            std::size_t j = i;
            while (j < sql.size() && is_word_char(sql[j])) ++j;
            out.push_back({token::word, i, j, std::string(sql.substr(i, j - i))});
            i = j;
        } else {
            out.push_back({token::symbol, i, i + 1, std::string(1, c)});
            ++i;
        }
    }
    return out;
}

inline bool is_keyword(const token& t, std::string_view keyword) {
    if (t.kind != token::word || t.value.size() != keyword.size()) return false;
    for (std::size_t i = 0; i < keyword.size(); ++i) {
        if (driftless::detail::to_lower(t.value[i]) != driftless::detail::to_lower(keyword[i])) return false;
    }
    return true;
}

inline bool is_symbol(const token& t, char c) { return t.kind == token::symbol && t.value[0] == c; }

/// ASCII case-insensitive equality: how SQL compares unquoted identifiers.
inline bool same_name(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (to_lower(a[i]) != to_lower(b[i])) return false;
    }
    return true;
}

/// True for SQLite's keywords (which cover the reserved words of PostgreSQL and MySQL that can
/// appear in an expression), ASCII case-insensitively, and TRUE / FALSE. A bare keyword in an
/// expression is the keyword, never a column, so renames leave it alone.
inline bool is_sql_keyword(std::string_view word) {
    static constexpr std::string_view keywords[] = {
        "abort", "action", "add", "after", "all", "alter", "always", "analyze", "and", "as", "asc", "attach",
        "autoincrement", "before", "begin", "between", "by", "cascade", "case", "cast", "check", "collate", "column",
        "commit", "conflict", "constraint", "create", "cross", "current", "current_date", "current_time",
        "current_timestamp", "database", "default", "deferrable", "deferred", "delete", "desc", "detach", "distinct",
        "do", "drop", "each", "else", "end", "escape", "except", "exclude", "exclusive", "exists", "explain", "fail",
        "false", "filter", "first", "following", "for", "foreign", "from", "full", "generated", "glob", "group",
        "groups", "having", "if", "ignore", "immediate", "in", "index", "indexed", "initially", "inner", "insert",
        "instead", "intersect", "into", "is", "isnull", "join", "key", "last", "left", "like", "limit", "match",
        "materialized", "natural", "no", "not", "nothing", "notnull", "null", "nulls", "of", "offset", "on", "or",
        "order", "others", "outer", "over", "partition", "plan", "pragma", "preceding", "primary", "query", "raise",
        "range", "recursive", "references", "regexp", "reindex", "release", "rename", "replace", "restrict",
        "returning", "right", "rollback", "row", "rows", "savepoint", "select", "set", "table", "temp", "temporary",
        "then", "ties", "to", "transaction", "trigger", "true", "unbounded", "union", "unique", "update", "using",
        "vacuum", "values", "view", "virtual", "when", "where", "window", "with", "without"};
    for (std::string_view k : keywords) {
        if (same_name(word, k)) return true;
    }
    return false;
}

/// Whether token `i` of `t` names a column: a quoted identifier, or a bare word that is neither a
/// keyword, a number nor a function name (followed by '(').
inline bool names_column(const std::vector<token>& t, std::size_t i) {
    if (t[i].kind == token::identifier) return true;
    if (t[i].kind != token::word || is_sql_keyword(t[i].value)) return false;
    const char first = t[i].value[0];
    if ((first >= '0' && first <= '9') || first == '.') return false;
    return !(i + 1 < t.size() && t[i + 1].kind == token::symbol && t[i + 1].value[0] == '(');
}

/// An expression in a form that compares equal across spellings: tokens joined by one space,
/// words lower-cased, column names lower-cased and unquoted (after the renames in `renames`, old
/// -> new, are applied to them), string literals kept verbatim. A quoted identifier that spells a
/// keyword stays quoted: `"b" IS NOT "NULL"` compares a column, `"b" IS NOT NULL` does not. So
/// `"Age" >= 0`, `age>=0` and, with age renamed to years, `years >= 0` are one form.
/// `t` without the parentheses that change nothing: a pair around the whole expression, and a
/// pair around one literal or column name that no word precedes (so `f(0)` and `IN (0)` stay,
/// `x >= (0)` is `x >= 0`). Catalogs add both: SQLite keeps `([q]>=(0))` as written, PostgreSQL
/// prints `((now())::date)`.
inline std::vector<token> without_idle_parentheses(std::vector<token> t) {
    const auto closing = [&](std::size_t open) {
        int depth = 0;
        for (std::size_t i = open; i < t.size(); ++i) {
            if (is_symbol(t[i], '(')) ++depth;
            if (is_symbol(t[i], ')') && --depth == 0) return i;
        }
        return t.size();
    };
    while (t.size() >= 2 && is_symbol(t.front(), '(') && closing(0) == t.size() - 1) {
        t.pop_back();
        t.erase(t.begin());
    }
    for (std::size_t i = 0; i + 2 < t.size();) {
        const bool single = is_symbol(t[i], '(') && is_symbol(t[i + 2], ')') && t[i + 1].kind != token::symbol &&
                            (i == 0 || t[i - 1].kind == token::symbol);
        if (single) {
            t.erase(t.begin() + static_cast<std::ptrdiff_t>(i + 2));
            t.erase(t.begin() + static_cast<std::ptrdiff_t>(i));
            i = i == 0 ? 0 : i - 1;  // "((0))": the pair outside may be idle now
        } else {
            ++i;
        }
    }
    return t;
}

/// `t` without PostgreSQL's casts of a literal (`0::numeric`, `'G'::mpaa_rating`,
/// `'x'::character varying(20)`): PostgreSQL prints a check with the literal cast to the type it
/// compares with, where the check was written with the bare literal, which PostgreSQL casts the same.
inline std::vector<token> without_literal_casts(std::vector<token> t) {
    static constexpr std::string_view continuations[] = {"varying", "precision", "without", "with", "time", "zone"};
    std::vector<token> out;
    out.reserve(t.size());
    for (std::size_t i = 0; i < t.size(); ++i) {
        out.push_back(std::move(t[i]));
        const token& last = out.back();
        const bool literal = last.kind == token::string ||
                             (last.kind == token::word && !last.value.empty() && ((last.value[0] >= '0' && last.value[0] <= '9') || last.value[0] == '.'));
        if (!literal || i + 3 >= t.size() || !is_symbol(t[i + 1], ':') || !is_symbol(t[i + 2], ':')) continue;
        if (t[i + 3].kind != token::word && t[i + 3].kind != token::identifier) continue;
        std::size_t j = i + 4;  // past the type's first word
        while (j < t.size() && t[j].kind == token::word &&
               std::any_of(std::begin(continuations), std::end(continuations), [&](std::string_view w) { return same_name(t[j].value, w); }))
            ++j;
        if (j < t.size() && is_symbol(t[j], '(')) {  // (length) or (precision, scale)
            std::size_t k = j + 1;
            while (k < t.size() && !is_symbol(t[k], ')')) ++k;
            if (k < t.size()) j = k + 1;
        }
        i = j - 1;
    }
    return out;
}

inline std::string canonical_expression(std::string_view sql, const std::map<std::string, std::string>& renames = {}) {
    const std::vector<token> t = without_literal_casts(without_idle_parentheses(tokenize(sql)));
    std::string out;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (!out.empty()) out += ' ';
        if (t[i].kind == token::string) {
            out += '\'';
            out += t[i].value;
            out += '\'';
            continue;
        }
        std::string value = t[i].value;
        const bool column = names_column(t, i);
        if (column) {
            for (const auto& [from, to] : renames) {
                if (same_name(value, from)) {
                    value = to;
                    break;
                }
            }
        }
        for (char& c : value) c = to_lower(c);
        if (column && is_sql_keyword(value)) value = "\"" + value + "\"";
        out += value;
    }
    return out;
}

}  // namespace driftless::detail

#endif  // DRIFTLESS_DETAIL_SQL_TOKENS_HPP
