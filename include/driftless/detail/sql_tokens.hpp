// driftless — a small SQL tokenizer shared by the diff (comparing expressions across renames) and
// the backends (reading stored CREATE statements).
#ifndef DRIFTLESS_DETAIL_SQL_TOKENS_HPP
#define DRIFTLESS_DETAIL_SQL_TOKENS_HPP

#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
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

/// `t` with PostgreSQL's array brackets as symbols: the tokenizer reads `[...]` as a quoted name
/// (SQLite's quoting), which after ARRAY is a list (`ARRAY['a'::text, 'b'::text]`) and, empty, the
/// suffix of an array type (`::text[]`). `sql` is the text `t` was read from.
inline std::vector<token> with_array_brackets(std::vector<token> t, std::string_view sql) {
    std::vector<token> out;
    out.reserve(t.size());
    for (std::size_t i = 0; i < t.size(); ++i) {
        const bool bracket = t[i].kind == token::identifier && t[i].begin < sql.size() && sql[t[i].begin] == '[';
        if (!bracket || !(t[i].value.empty() || (!out.empty() && is_keyword(out.back(), "ARRAY")))) {
            out.push_back(std::move(t[i]));
            continue;
        }
        out.push_back({token::symbol, t[i].begin, t[i].begin + 1, "["});
        for (token& inner : tokenize(t[i].value)) out.push_back(std::move(inner));
        out.push_back({token::symbol, t[i].end - 1, t[i].end, "]"});
    }
    return out;
}

/// `t` without casts. PostgreSQL prints a check with the casts it applies: of a literal
/// (`0::numeric`, `'G'::mpaa_rating`, `'x'::character varying(20)`), of a VARCHAR column to text
/// (`(rating)::text`, `(ARRAY[...])::text[]`), of a domain column to its base type
/// (`(qty)::integer`). The check was written without them, and PostgreSQL casts the same. (So a
/// check that differs from another only by a cast written by hand compares equal to it.)
inline std::vector<token> without_casts(std::vector<token> t) {
    static constexpr std::string_view continuations[] = {"varying", "precision", "without", "with", "time", "zone"};
    std::vector<token> out;
    out.reserve(t.size());
    for (std::size_t i = 0; i < t.size(); ++i) {
        out.push_back(std::move(t[i]));
        if (i + 3 >= t.size() || !is_symbol(t[i + 1], ':') || !is_symbol(t[i + 2], ':')) continue;
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
        while (j + 1 < t.size() && is_symbol(t[j], '[') && is_symbol(t[j + 1], ']')) j += 2;  // an array type
        i = j - 1;
    }
    return out;
}

/// Index of the parenthesis that closes the one at `open` in `t`, or t.size().
inline std::size_t closing_parenthesis(const std::vector<token>& t, std::size_t open) {
    int depth = 0;
    for (std::size_t i = open; i < t.size(); ++i) {
        if (is_symbol(t[i], '(')) ++depth;
        if (is_symbol(t[i], ')') && --depth == 0) return i;
    }
    return t.size();
}

/// Whether tokens [i, i + n) are a comparison operator (=, <, >, <=, >=, <>, !=).
inline std::size_t comparison_at(const std::vector<token>& t, std::size_t i) {
    if (i >= t.size() || t[i].kind != token::symbol) return 0;
    const char a = t[i].value[0];
    const char b = i + 1 < t.size() && t[i + 1].kind == token::symbol ? t[i + 1].value[0] : '\0';
    if ((a == '<' && (b == '=' || b == '>')) || (a == '>' && b == '=') || (a == '!' && b == '=')) return 2;
    return a == '=' || a == '<' || a == '>' ? 1 : 0;
}

/// `t` with PostgreSQL's spellings of IN, NOT IN and BETWEEN in the form people write them, and
/// without the parentheses it prints around each comparison of an AND / OR:
/// `x = ANY (ARRAY[a, b])` is `x IN (a, b)`, `x <> ALL (ARRAY[a, b])` is `x NOT IN (a, b)`,
/// `(x >= a) AND (x <= b)` is `x >= a AND x <= b`, and so is `x BETWEEN a AND b`.
inline std::vector<token> with_plain_comparisons(std::vector<token> t) {
    const auto word = [](std::string v) { return token{token::word, 0, 0, std::move(v)}; };
    const auto symbol = [](char c) { return token{token::symbol, 0, 0, std::string(1, c)}; };
    const auto single = [&](std::size_t i) { return i < t.size() && t[i].kind != token::symbol; };
    // = ANY (ARRAY[...]) and <> ALL (ARRAY[...]).
    for (std::size_t i = 0; i < t.size(); ++i) {
        const std::size_t op = comparison_at(t, i);
        const bool after_operator = i > 0 && t[i - 1].kind == token::symbol && (t[i - 1].value[0] == '<' || t[i - 1].value[0] == '>' ||
                                                                               t[i - 1].value[0] == '!' || t[i - 1].value[0] == '=');
        if (after_operator) continue;  // the '=' of "<=", ">=", "!="
        const bool any = op == 1 && is_symbol(t[i], '=') && i + 2 < t.size() && is_keyword(t[i + 1], "ANY");
        const bool all = op == 2 && ((is_symbol(t[i], '<') && is_symbol(t[i + 1], '>')) || is_symbol(t[i], '!')) && i + 3 < t.size() &&
                         is_keyword(t[i + 2], "ALL");
        if (!any && !all) continue;
        const std::size_t open = i + (any ? 2 : 3);
        if (!is_symbol(t[open], '(')) continue;
        const std::size_t close = closing_parenthesis(t, open);
        if (close == t.size()) continue;
        std::size_t from = open + 1;
        std::size_t to = close;  // [from, to): ARRAY [ ... ], perhaps in parentheses
        while (to > from + 1 && is_symbol(t[from], '(') && closing_parenthesis(t, from) == to - 1) {
            ++from;
            --to;
        }
        if (to < from + 3 || !is_keyword(t[from], "ARRAY") || !is_symbol(t[from + 1], '[') || !is_symbol(t[to - 1], ']')) continue;
        std::vector<token> replaced;
        if (all) replaced.push_back(word("NOT"));
        replaced.push_back(word("IN"));
        replaced.push_back(symbol('('));
        for (std::size_t k = from + 2; k + 1 < to; ++k) replaced.push_back(t[k]);
        replaced.push_back(symbol(')'));
        t.erase(t.begin() + static_cast<std::ptrdiff_t>(i), t.begin() + static_cast<std::ptrdiff_t>(close + 1));
        t.insert(t.begin() + static_cast<std::ptrdiff_t>(i), replaced.begin(), replaced.end());
    }
    // x BETWEEN a AND b, with single-token operands that nothing else binds to.
    const auto boundary_before = [&](std::size_t i) {
        return i == 0 || is_symbol(t[i - 1], '(') || is_keyword(t[i - 1], "AND") || is_keyword(t[i - 1], "OR") || is_keyword(t[i - 1], "NOT");
    };
    const auto boundary_after = [&](std::size_t i) {
        return i >= t.size() || is_symbol(t[i], ')') || is_keyword(t[i], "AND") || is_keyword(t[i], "OR");
    };
    for (std::size_t i = 1; i + 3 < t.size(); ++i) {
        if (!is_keyword(t[i], "BETWEEN") || !single(i - 1) || !single(i + 1) || !is_keyword(t[i + 2], "AND") || !single(i + 3)) continue;
        if (is_sql_keyword(t[i - 1].value) && t[i - 1].kind == token::word) continue;  // x NOT BETWEEN ...
        if (!boundary_before(i - 1) || !boundary_after(i + 4)) continue;
        const token x = t[i - 1];
        const token a = t[i + 1];
        const token b = t[i + 3];
        const bool whole = i == 1 && i + 4 == t.size();
        std::vector<token> replaced;
        if (!whole) replaced.push_back(symbol('('));
        for (const token& x2 : {x, symbol('>'), symbol('='), a, word("AND"), x, symbol('<'), symbol('='), b}) replaced.push_back(x2);
        if (!whole) replaced.push_back(symbol(')'));
        t.erase(t.begin() + static_cast<std::ptrdiff_t>(i - 1), t.begin() + static_cast<std::ptrdiff_t>(i + 4));
        t.insert(t.begin() + static_cast<std::ptrdiff_t>(i - 1), replaced.begin(), replaced.end());
    }
    // ( x op y ) between AND / OR / NOT / parentheses: a comparison binds tighter than those.
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (!is_symbol(t[i], '(') || !single(i + 1)) continue;
        const std::size_t op = comparison_at(t, i + 2);
        if (op == 0 || !single(i + 2 + op) || i + 3 + op >= t.size() || !is_symbol(t[i + 3 + op], ')')) continue;
        if (!boundary_before(i) || !boundary_after(i + 4 + op)) continue;
        t.erase(t.begin() + static_cast<std::ptrdiff_t>(i + 3 + op));
        t.erase(t.begin() + static_cast<std::ptrdiff_t>(i));
    }
    return t;
}

inline std::string canonical_expression(std::string_view sql, const std::map<std::string, std::string>& renames = {}) {
    const std::vector<token> t =
        with_plain_comparisons(without_idle_parentheses(without_casts(with_array_brackets(tokenize(sql), sql))));
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

/// The table statement `sql` reads whole, row by row, for progress: the table of an
/// INSERT ... SELECT ... FROM t that ends there (a rebuild's copy), or of an UPDATE or DELETE
/// without a WHERE; nullopt for anything else or when it cannot tell (a subquery, a join, a
/// condition: the table's row count would overstate the work). A schema before the name is left
/// out.
inline std::optional<std::string> table_read(std::string_view sql) {
    const std::vector<token> t = tokenize(sql);
    const auto is_name = [&](std::size_t k) { return k < t.size() && (t[k].kind == token::identifier || t[k].kind == token::word); };
    // The table named at t[i], when the statement ends with it (or, with rest_allowed, goes on).
    const auto last_name_at = [&](std::size_t i, bool rest_allowed) -> std::optional<std::string> {
        if (!is_name(i)) return std::nullopt;
        std::size_t end = i + 1;
        std::string name = t[i].value;
        if (i + 2 < t.size() && is_symbol(t[i + 1], '.') && is_name(i + 2)) {
            name = t[i + 2].value;
            end = i + 3;
        }
        if (end < t.size() && is_symbol(t[end], ';')) ++end;
        if (!rest_allowed && end != t.size()) return std::nullopt;
        return name;
    };
    const auto has_where = [&] {
        int depth = 0;
        for (const token& w : t) {
            depth += is_symbol(w, '(') ? 1 : is_symbol(w, ')') ? -1 : 0;
            if (depth == 0 && is_keyword(w, "WHERE")) return true;
        }
        return false;
    };
    if (t.empty()) return std::nullopt;
    if (is_keyword(t[0], "UPDATE")) {
        if (has_where()) return std::nullopt;
        const std::size_t i = t.size() > 2 && is_keyword(t[1], "OR") ? 3 : 1;  // UPDATE OR REPLACE t
        return last_name_at(i, true);
    }
    if (is_keyword(t[0], "DELETE")) return t.size() > 1 && is_keyword(t[1], "FROM") ? last_name_at(2, false) : std::nullopt;
    if (!is_keyword(t[0], "INSERT") && !is_keyword(t[0], "REPLACE")) return std::nullopt;
    int depth = 0;
    bool selecting = false;
    for (std::size_t i = 1; i < t.size(); ++i) {
        if (is_symbol(t[i], '(')) ++depth;
        if (is_symbol(t[i], ')')) --depth;
        if (depth != 0) continue;
        if (is_keyword(t[i], "SELECT")) selecting = true;
        if (selecting && is_keyword(t[i], "FROM")) return last_name_at(i + 1, false);
    }
    return std::nullopt;
}

}  // namespace driftless::detail

#endif  // DRIFTLESS_DETAIL_SQL_TOKENS_HPP
