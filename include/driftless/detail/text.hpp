// driftless — small constexpr text utilities shared by the compile-time and run-time sides.
#ifndef DRIFTLESS_DETAIL_TEXT_HPP
#define DRIFTLESS_DETAIL_TEXT_HPP

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace driftless::detail {

/// A string stored by value, so that text computed at compile time can live in a variable
/// template (a string_view into a consteval function's locals would dangle).
template <std::size_t N>
struct fixed_string {
    char data[N + 1]{};
    std::size_t size = 0;

    constexpr fixed_string() = default;
    constexpr fixed_string(const char (&text)[N + 1]) {  // NOLINT: implicit for NTTP use
        for (std::size_t i = 0; i < N; ++i) data[i] = text[i];
        size = N;
    }
    [[nodiscard]] constexpr std::string_view view() const { return {data, size}; }
};
template <std::size_t N>
fixed_string(const char (&)[N]) -> fixed_string<N - 1>;

/// A bounded message built at compile time; structural, so it can be shown in a diagnostic.
struct message {
    char text[240]{};
    std::size_t size = 0;

    constexpr message& append(std::string_view s) {
        for (char c : s) {
            if (size + 1 < sizeof(text)) text[size++] = c;
        }
        return *this;
    }
    constexpr message& append_quoted(std::string_view s) { return append("'").append(s).append("'"); }
    constexpr message& append_number(std::uint64_t n) {
        char buf[24]{};
        std::size_t len = 0;
        do {
            buf[len++] = static_cast<char>('0' + n % 10);
            n /= 10;
        } while (n != 0);
        while (len != 0) append(std::string_view(&buf[--len], 1));
        return *this;
    }
    [[nodiscard]] constexpr std::string_view view() const { return {text, size}; }
};

constexpr bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
constexpr bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_ident_char(char c) { return is_upper(c) || is_lower(c) || is_digit(c) || c == '_'; }
constexpr char to_lower(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

/// A charset or collation name: 1 to 64 letters, digits and '_', and, where it will be quoted
/// (not on MySQL), '.', '@' and '-' too (en_US.utf8, und-x-icu).
constexpr bool is_collation_name(std::string_view n, bool quoted) {
    bool ok = !n.empty() && n.size() <= 64;
    for (char c : n) ok = ok && (is_ident_char(c) || (quoted && (c == '.' || c == '@' || c == '-')));
    return ok;
}

/// Length of snake_case(s); see to_snake_case.
constexpr std::size_t snake_case_length(std::string_view s) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (is_upper(c) && i != 0) {
            const char prev = s[i - 1];
            const bool next_lower = i + 1 < s.size() && is_lower(s[i + 1]);
            if (is_lower(prev) || is_digit(prev) || (is_upper(prev) && next_lower)) ++n;
        }
        ++n;
    }
    return n;
}

/// "OrderLine" -> "order_line", "HTTPRequest" -> "http_request", "user" -> "user".
template <std::size_t N>
constexpr fixed_string<N> to_snake_case(std::string_view s) {
    fixed_string<N> out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (is_upper(c) && i != 0) {
            const char prev = s[i - 1];
            const bool next_lower = i + 1 < s.size() && is_lower(s[i + 1]);
            if (is_lower(prev) || is_digit(prev) || (is_upper(prev) && next_lower)) out.data[out.size++] = '_';
        }
        out.data[out.size++] = to_lower(c);
    }
    return out;
}

/// FNV-1a, 32 bits: stable across compilers and runs, used to shorten generated names.
constexpr std::uint32_t fnv1a(std::string_view s) {
    std::uint32_t h = 2166136261u;
    for (char c : s) {
        h ^= static_cast<std::uint8_t>(c);
        h *= 16777619u;
    }
    return h;
}

/// True when s is well-formed UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF).
constexpr bool is_valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<std::uint8_t>(s[i]);
        std::size_t len = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1Fu;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0Fu;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07u;
        } else {
            return false;
        }
        if (i + len > s.size()) return false;
        for (std::size_t k = 1; k < len; ++k) {
            const auto cc = static_cast<std::uint8_t>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3Fu);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += len;
    }
    return true;
}

/// Number of code points in well-formed UTF-8.
constexpr std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (char c : s) {
        if ((static_cast<std::uint8_t>(c) & 0xC0) != 0x80) ++n;
    }
    return n;
}

/// Why a name cannot be used, or nullptr when it can. Portable rules: non-empty, no NUL, valid
/// UTF-8, at most max_bytes bytes.
constexpr const char* name_problem(std::string_view name, std::size_t max_bytes) {
    if (name.empty()) return "is empty";
    for (char c : name) {
        if (c == '\0') return "contains a NUL character";
    }
    if (!is_valid_utf8(name)) return "is not valid UTF-8";
    if (name.size() > max_bytes) return "is too long";
    return nullptr;
}

/// Whose quoting rules fragment_problem reads a fragment with.
enum class fragment_rules : std::uint8_t {
    every_dialect,  ///< a model's fragment, rendered for any engine: each engine's rules must accept it
    sqlite,         ///< '', "", `` and [] quote; a backslash is an ordinary character
    postgresql,     ///< '' and "" quote; a backtick is an ordinary character
    mysql,          ///< '', "" and `` quote
};

/// One engine's reading of a fragment; see fragment_problem.
constexpr const char* fragment_problem_as(std::string_view sql, bool brackets, bool backticks, bool backslash_ok) {
    const char* p = sql.data();
    const std::size_t size = sql.size();
    if (size == 0) return "is empty";
    int depth = 0;
    char quote = 0;  // the character that ends the quoted text we are in
    bool any = false;
    for (std::size_t i = 0; i < size; ++i) {
        const char c = p[i];
        if (c == '\0') return "contains a NUL character";
        if (c == '\\' && !backslash_ok) return "contains a backslash";
        if (quote != 0) {
            if (c == quote) {
                if (quote != ']' && i + 1 < size && p[i + 1] == quote) {
                    ++i;  // doubled quote stays inside ([...] has no escape: SQLite ends it at the first ']')
                } else {
                    quote = 0;
                }
            }
            continue;
        }
        switch (c) {
            case '\'': case '"':
                quote = c;
                any = true;
                break;
            case '`':
                if (backticks) quote = c;
                any = true;
                break;
            case '[':
                if (brackets) quote = ']';
                any = true;
                break;
            case '(':
                ++depth;
                break;
            case ')':
                if (--depth < 0) return "closes a parenthesis it did not open";
                break;
            case ';':
                return "contains ';' outside quotes";
            case '#':
                return "contains '#' outside quotes (a MySQL comment)";
            case '$':
                return "contains '$' outside quotes (PostgreSQL dollar quoting)";
            case '-':
                if (i + 1 < size && p[i + 1] == '-') return "contains a '--' comment";
                any = true;
                break;
            case '/':
                if (i + 1 < size && p[i + 1] == '*') return "contains a '/*' comment";
                any = true;
                break;
            case ' ': case '\t': case '\n': case '\r': case '\f': case '\v':
                break;
            default:
                any = true;
                break;
        }
    }
    if (quote != 0) return "has an unterminated quote";
    if (depth != 0) return "has an unclosed parenthesis";
    if (!any) return "is blank";
    return nullptr;
}

/// Why a raw SQL fragment (a CHECK or WHERE expression, a default expression, a custom type)
/// cannot be embedded safely, or nullptr when it can. A fragment is accepted only when wrapping it
/// in parentheses cannot end the statement or start another one, read with the quoting rules of
/// the engine it is for, or of every engine for a model's fragment (the engines disagree: SQLite
/// quotes identifiers with [...] and backticks, PostgreSQL with neither, so a quote character
/// inside them opens a string for one engine and not for another): quotes closed, parentheses
/// balanced, and outside quotes no ';', no comment ("--", "/*", "#"), no '$' (PostgreSQL dollar
/// quoting). Backslashes are refused except for SQLite alone, because MySQL and PostgreSQL E''
/// strings treat them as escapes and the engines would then disagree with this check about where
/// a string ends.
constexpr const char* fragment_problem(std::string_view sql, fragment_rules rules = fragment_rules::every_dialect) {
    switch (rules) {
        case fragment_rules::sqlite:
            return fragment_problem_as(sql, true, true, true);
        case fragment_rules::postgresql:
            return fragment_problem_as(sql, false, false, false);
        case fragment_rules::mysql:
            return fragment_problem_as(sql, false, true, false);
        case fragment_rules::every_dialect:
            break;
    }
    // SQLite's reading without backslashes, then PostgreSQL's, then MySQL's.
    if (const char* p = fragment_problem_as(sql, true, true, false)) return p;
    if (const char* p = fragment_problem_as(sql, false, false, false)) return p;
    return fragment_problem_as(sql, false, true, false);
}

}  // namespace driftless::detail

#endif  // DRIFTLESS_DETAIL_TEXT_HPP
