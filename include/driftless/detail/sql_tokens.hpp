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

/// An expression in a form that compares equal across spellings: tokens joined by one space,
/// words and identifiers lower-cased and unquoted, string literals kept verbatim, and the
/// identifiers named in `renames` (old -> new) replaced by their new names. So `"Age" >= 0`,
/// `age>=0` and, with age renamed to years, `years >= 0` are one form.
inline std::string canonical_expression(std::string_view sql, const std::map<std::string, std::string>& renames = {}) {
    std::string out;
    for (const token& t : tokenize(sql)) {
        if (!out.empty()) out += ' ';
        if (t.kind == token::string) {
            out += '\'';
            out += t.value;
            out += '\'';
            continue;
        }
        std::string value = t.value;
        if (t.kind == token::word || t.kind == token::identifier) {
            for (const auto& [from, to] : renames) {
                if (same_name(value, from)) {
                    value = to;
                    break;
                }
            }
            for (char& c : value) c = to_lower(c);
        }
        out += value;
    }
    return out;
}

}  // namespace driftless::detail

#endif  // DRIFTLESS_DETAIL_SQL_TOKENS_HPP
