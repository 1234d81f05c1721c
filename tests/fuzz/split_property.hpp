// The properties driftless::detail::split_sql must have on any input at all. Shared by the
// libFuzzer target (split_fuzz.cpp), the corpus test that runs them with every compiler
// (corpus_test.cpp) and the generated-script test against sqlite3_complete
// (tests/sqlite/sql_split_complete_test.cpp).
//
// For every dialect: no crash; the only error is driftless.files.unterminated, with a line inside
// the script; every piece is non-empty, has no whitespace around it, is the script's text between
// its offsets and carries its line, and lines never go down; and splitting
// "piece1;\npiece2;\n..." again gives the same pieces.
// For dialect::sqlite also: the ';' that end statements are exactly those after which
// sqlite3_complete() says the text since the previous one is complete.
#ifndef DRIFTLESS_TESTS_FUZZ_SPLIT_PROPERTY_HPP
#define DRIFTLESS_TESTS_FUZZ_SPLIT_PROPERTY_HPP

#include <algorithm>
#include <cstddef>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sqlite3.h>

#include <driftless/detail/sql_split.hpp>
#include <driftless/error.hpp>
#include <driftless/schema.hpp>

namespace split_property {

inline const char* dialect_name(driftless::dialect d) {
    switch (d) {
        case driftless::dialect::sqlite: return "sqlite";
        case driftless::dialect::postgresql: return "postgresql";
        case driftless::dialect::mysql: return "mysql";
    }
    return "?";
}

/// `text` as sqlite3_complete() must be given it to see what the splitter sees. The splitter
/// differs from it on two bytes only, on purpose (see is_space in sql_split.hpp): \v is whitespace
/// to the splitter (as to SQLite's tokenizer) and a token to sqlite3_complete(), so it becomes a
/// space; and NUL, an ordinary character to the splitter, would end sqlite3_complete()'s C string,
/// so it becomes '!', another character that is neither special nor part of a word.
inline std::string as_complete_sees_it(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c == '\v') c = ' ';
        if (c == '\0') c = '!';
    }
    return out;
}

/// "" when the statements the splitter ends for dialect::sqlite are exactly those sqlite3_complete()
/// ends: for each statement, the text from just after the previous ending ';' up to and including
/// its own is complete, and the same text cut just after any earlier ';' is not; what follows the
/// last ending ';' is complete nowhere; and every piece with ";" appended is complete.
inline std::string check_sqlite_complete(std::string_view script) {
    // One mapped copy; a statement is cut out of it by writing a NUL after its end for a moment.
    std::string mapped = as_complete_sees_it(script);
    mapped.push_back('\0');
    const auto complete_between = [&](std::size_t from, std::size_t to) {  // [from, to)
        const char saved = mapped[to];
        mapped[to] = '\0';
        const bool complete = sqlite3_complete(mapped.c_str() + from) != 0;
        mapped[to] = saved;
        return complete;
    };
    const auto show = [&](std::size_t from, std::size_t to) { return "\"" + std::string(script.substr(from, to - from)) + "\""; };
    // Every ';' in [from, to) must leave the text from `from` incomplete.
    const auto check_no_end_between = [&](std::size_t from, std::size_t to) -> std::string {
        for (std::size_t p = script.find(';', from); p < to; p = script.find(';', p + 1)) {
            if (complete_between(from, p + 1)) {
                return "sqlite3_complete() ends a statement at the ';' at offset " + std::to_string(p) +
                       " and the splitter does not: " + show(from, p + 1);
            }
        }
        return {};
    };

    driftless::detail::sql_splitter splitter(script, driftless::dialect::sqlite);
    std::size_t from = 0;  // just after the previous ending ';'
    for (;;) {
        std::optional<driftless::detail::sql_span> span;
        try {
            span = splitter.next();
        } catch (const driftless::error&) {
            span.reset();  // unterminated: the rest must not be complete anywhere either
        }
        if (!span || span->terminator == std::string_view::npos) {
            if (std::string failure = check_no_end_between(from, script.size()); !failure.empty()) return failure;
            if (complete_between(from, script.size())) return "sqlite3_complete() calls what follows the last ';' complete: " + show(from, script.size());
            if (span) {
                std::string piece = as_complete_sees_it(script.substr(span->begin, span->end - span->begin)) + ";";
                if (sqlite3_complete(piece.c_str()) == 0) return "the last piece with ';' appended is not complete: " + show(span->begin, span->end);
            }
            return {};
        }
        if (std::string failure = check_no_end_between(from, span->terminator); !failure.empty()) return failure;
        if (!complete_between(from, span->terminator + 1)) {
            return "the splitter ends a statement at the ';' at offset " + std::to_string(span->terminator) +
                   " and sqlite3_complete() does not: " + show(from, span->terminator + 1);
        }
        if (span->end > span->begin) {
            std::string piece = as_complete_sees_it(script.substr(span->begin, span->end - span->begin)) + ";";
            if (sqlite3_complete(piece.c_str()) == 0) return "a piece with ';' appended is not complete: " + show(span->begin, span->end);
        }
        from = span->terminator + 1;
    }
}

/// "" when `script` has every property above for dialect `d`; else the first one it breaks.
inline std::string check_split(std::string_view script, driftless::dialect d) {
    const std::string where = std::string(dialect_name(d)) + ": ";
    const std::size_t lines = 1 + static_cast<std::size_t>(std::count(script.begin(), script.end(), '\n'));
    std::vector<driftless::detail::sql_piece> pieces;
    try {
        pieces = driftless::detail::split_sql(script, d);
    } catch (const driftless::error& e) {
        if (e.id() != "driftless.files.unterminated") return where + "unexpected error " + e.what();
        const std::string_view message(e.what());
        const std::size_t at = message.rfind(" starting on line ");
        if (at == std::string_view::npos) return where + "error without a line: " + e.what();
        const std::string number(message.substr(at + 18));
        if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos || std::stoull(number) < 1 ||
            std::stoull(number) > lines) {
            return where + "error with a bad line: " + e.what();
        }
        return d == driftless::dialect::sqlite ? check_sqlite_complete(script) : std::string();
    } catch (const std::exception& e) {
        return where + "unexpected exception " + e.what();
    }

    // The spans behind the pieces: the same statements, at offsets that hold their text.
    std::vector<driftless::detail::sql_span> spans;
    driftless::detail::sql_splitter splitter(script, d);
    while (const auto span = splitter.next()) {
        if (span->end > span->begin) spans.push_back(*span);
    }
    if (spans.size() != pieces.size()) return where + "sql_splitter and split_sql disagree on the number of pieces";

    std::size_t previous_line = 0;
    std::string joined;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        const driftless::detail::sql_piece& p = pieces[i];
        const std::string n = "piece " + std::to_string(i + 1) + " ";
        if (p.text.empty()) return where + n + "is empty";
        const auto space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
        if (space(p.text.front()) || space(p.text.back())) return where + n + "has whitespace around it: \"" + p.text + "\"";
        if (script.substr(spans[i].begin, spans[i].end - spans[i].begin) != p.text) return where + n + "is not the script's text at its offsets";
        const std::size_t line = 1 + static_cast<std::size_t>(std::count(script.begin(), script.begin() + static_cast<std::ptrdiff_t>(spans[i].begin), '\n'));
        if (p.line != line) return where + n + "has line " + std::to_string(p.line) + ", not " + std::to_string(line);
        if (p.line < previous_line) return where + n + "goes back to line " + std::to_string(p.line);
        previous_line = p.line;
        joined += p.text;
        joined += ";\n";
    }

    std::vector<driftless::detail::sql_piece> again;
    try {
        again = driftless::detail::split_sql(joined, d);
    } catch (const std::exception& e) {
        return where + "splitting the joined pieces again throws " + e.what() + "\njoined: " + joined;
    }
    if (again.size() != pieces.size()) {
        return where + "splitting the joined pieces again gives " + std::to_string(again.size()) + " pieces, not " +
               std::to_string(pieces.size()) + "\njoined: " + joined;
    }
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        if (again[i].text != pieces[i].text) {
            return where + "splitting the joined pieces again changes piece " + std::to_string(i + 1) + ": \"" +
                   pieces[i].text + "\" -> \"" + again[i].text + "\"";
        }
    }
    return d == driftless::dialect::sqlite ? check_sqlite_complete(script) : std::string();
}

/// check_split for every dialect: "" when all hold.
inline std::string check_split_all(std::string_view script) {
    for (const driftless::dialect d : {driftless::dialect::sqlite, driftless::dialect::postgresql, driftless::dialect::mysql}) {
        if (std::string failure = check_split(script, d); !failure.empty()) return failure;
    }
    return {};
}

}  // namespace split_property

#endif  // DRIFTLESS_TESTS_FUZZ_SPLIT_PROPERTY_HPP
