// driftless — splitting a SQL script (a migration file) into the statements it holds, per dialect,
// so that they can be run one at a time.
//
// A ';' ends a statement only outside strings, quoted identifiers, comments, PostgreSQL dollar
// quotes and the bodies of triggers and routines. Where a client already decides this, we decide
// as it does: on SQLite exactly as sqlite3_complete() (the sqlite3 shell), on PostgreSQL as psql.
// The mysql client needs DELIMITER for stored programs; we read their BEGIN ... END blocks instead.
#ifndef DRIFTLESS_DETAIL_SQL_SPLIT_HPP
#define DRIFTLESS_DETAIL_SQL_SPLIT_HPP

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <driftless/error.hpp>
#include <driftless/schema.hpp>

namespace driftless::detail {

/// One statement of a script.
struct sql_piece {
    /// One statement, without its terminating ';': from its first token to its last, so comments
    /// inside it are kept and whitespace and comments around it are not.
    std::string text;
    std::size_t line = 0;  ///< 1-based line of the statement's first character in the script
};

/// Where one statement of a script lies, as byte offsets into the script.
struct sql_span {
    std::size_t begin = 0;  ///< first character of the statement's first token
    std::size_t end = 0;    ///< just past its last token; == begin for a statement of only whitespace and comments
    std::size_t terminator = std::string_view::npos;  ///< its ';', npos when the script ended first
    std::size_t line = 0;   ///< 1-based line of `begin`; 0 when the statement is empty
};

/// Reads a script one statement at a time, in one pass and in linear time. Every ';' that ends a
/// statement ends exactly one span, empty ones (";;") included, so a caller can tell the ';' that
/// end statements from those that do not.
class sql_splitter {
public:
    sql_splitter(std::string_view script, dialect d) noexcept : script_(script), dialect_(d) {}

    /// The next statement, or nullopt after the last one. Throws driftless::error with id
    /// "driftless.files.unterminated" when the script ends inside a string, quoted identifier,
    /// comment, dollar quote, trigger or routine body (or, on PostgreSQL, a parenthesis).
    std::optional<sql_span> next() {
        if (done_) return std::nullopt;
        start_statement();
        for (;;) {
            const token t = lex();
            if (t.kind == token_kind::end_of_input) {
                finish_statement();
                done_ = true;
                if (span_.end == span_.begin) return std::nullopt;
                return span_;
            }
            if (t.kind == token_kind::semicolon && ends_statement()) {
                if (span_.end == span_.begin) span_.begin = span_.end = t.begin;
                span_.terminator = t.begin;
                return span_;
            }
            if (t.kind != token_kind::semicolon) feed(t);
            if (span_.end == span_.begin) {
                span_.begin = t.begin;
                span_.line = line_of(t.begin);
            }
            span_.end = t.end;
        }
    }

private:
    enum class token_kind { end_of_input, word, quoted, symbol, semicolon };
    struct token {
        token_kind kind;
        std::size_t begin;
        std::size_t end;
    };

    // SQLite: the states of sqlite3_complete() (src/complete.c), whose decisions we must match
    // exactly: the sqlite3 shell and every tool built on it split scripts with that function.
    // "start" stands for both its INVALID and START states, which differ only in its return value.
    enum class lite_state { start, normal, explain, create, trigger, semi, end };
    enum class lite_token { semi, other, explain, create, temp, trigger, end };

    // MySQL: the kind of stored program a CREATE statement defines; none for everything else.
    enum class routine { none, trigger, procedure, function, event };

    std::string_view script_;
    dialect dialect_;
    std::size_t pos_ = 0;
    bool done_ = false;
    // line_of() moves forward through the script; counting from the last answer keeps all calls
    // together linear.
    std::size_t line_pos_ = 0;
    std::size_t line_ = 1;

    // The statement being read.
    sql_span span_{};
    std::size_t words_ = 0;  // unquoted words so far
    lite_state lite_ = lite_state::start;
    routine routine_ = routine::none;
    bool create_prefix_ = false;   // MySQL: still in "CREATE [OR REPLACE] [DEFINER = ...]"
    bool after_assign_ = false;    // MySQL: the previous token was '=' or '@' (a DEFINER user)
    bool pending_end_ = false;     // MySQL: an END whose meaning depends on the next token
    std::size_t depth_ = 0;        // open BEGIN / CASE blocks of a routine body
    bool pg_routine_ = false;      // PostgreSQL: CREATE [OR REPLACE] FUNCTION | PROCEDURE
    bool pg_procedure_ = false;
    bool pg_begin_ = false;        // PostgreSQL: the previous word was BEGIN
    char pg_words_[4]{};           // PostgreSQL: the first four words, as psql's heuristic codes them
    std::size_t parens_ = 0;       // PostgreSQL: open parentheses
    std::size_t paren_pos_ = 0;    // PostgreSQL: where the outermost open one is

    void start_statement() {
        span_ = sql_span{pos_, pos_, std::string_view::npos, 0};
        words_ = 0;
        lite_ = lite_state::start;
        routine_ = routine::none;
        create_prefix_ = after_assign_ = pending_end_ = false;
        depth_ = 0;
        pg_routine_ = pg_procedure_ = pg_begin_ = false;
        for (char& k : pg_words_) k = '\0';
        parens_ = 0;
        paren_pos_ = 0;
    }

    std::size_t line_of(std::size_t pos) {
        if (pos >= line_pos_) {
            line_ += static_cast<std::size_t>(std::count(script_.begin() + static_cast<std::ptrdiff_t>(line_pos_),
                                                         script_.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
            line_pos_ = pos;
            return line_;
        }
        return line_ - static_cast<std::size_t>(std::count(script_.begin() + static_cast<std::ptrdiff_t>(pos),
                                                           script_.begin() + static_cast<std::ptrdiff_t>(line_pos_), '\n'));
    }

    [[noreturn]] void unterminated(std::string_view what, std::size_t line) const {
        throw driftless::error(errc::usage, "driftless.files.unterminated",
                               "unterminated " + std::string(what) + " starting on line " + std::to_string(line));
    }

    // --- characters and keywords ------------------------------------------------------------

    // Whitespace as SQLite's tokenizer (and PostgreSQL's and MySQL's) sees it: ' ', \t, \n, \v, \f,
    // \r. The one deliberate difference from sqlite3_complete(), which takes \v for a token: a
    // "\v" alone would otherwise be a statement that SQLite itself runs as nothing. (A NUL byte is
    // an ordinary character here; sqlite3_complete() stops at it, being given a C string.)
    static bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

    static bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

    // The characters of unquoted identifiers and keywords: SQLite's IdChar() (complete.c), MySQL's
    // unquoted identifiers and PostgreSQL's ident_cont all allow letters, digits, '_', '$' and
    // every byte >= 0x80.
    static bool is_word_char(char c) { return is_alnum(c) || c == '_' || c == '$' || (static_cast<unsigned char>(c) & 0x80) != 0; }

    // PostgreSQL's dollar-quote tags: no '$', and not starting with a digit ($1 is a parameter).
    static bool is_tag_char(char c) { return is_word_char(c) && c != '$'; }

    // ASCII case-insensitive comparison with a lower-case keyword.
    static bool is_keyword(std::string_view word, std::string_view lower) {
        if (word.size() != lower.size()) return false;
        for (std::size_t i = 0; i < word.size(); ++i) {
            char c = word[i];
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            if (c != lower[i]) return false;
        }
        return true;
    }

    [[nodiscard]] std::string_view text(const token& t) const { return script_.substr(t.begin, t.end - t.begin); }
    [[nodiscard]] char at(std::size_t i) const { return i < script_.size() ? script_[i] : '\0'; }
    [[nodiscard]] bool at_end(std::size_t i) const { return i >= script_.size(); }

    // --- the lexer: the next token that is neither whitespace nor a comment --------------------

    token lex() {
        const std::size_t n = script_.size();
        while (pos_ < n) {
            const std::size_t start = pos_;
            const char c = script_[start];
            if (is_space(c)) {
                ++pos_;
            } else if (c == '-' && at(start + 1) == '-' && (dialect_ != dialect::mysql || mysql_comment_dashes(start))) {
                skip_line();
            } else if (c == '#' && dialect_ == dialect::mysql) {
                skip_line();
            } else if (c == '/' && at(start + 1) == '*') {
                // MySQL runs the text of /*! ... */ (and MariaDB of /*M! ... */): code, not a comment.
                if (dialect_ == dialect::mysql &&
                    (at(start + 2) == '!' || (at(start + 2) == 'M' && at(start + 3) == '!'))) {
                    skip_block_comment(start);
                    return {token_kind::quoted, start, pos_};
                }
                skip_block_comment(start);
            } else if (c == ';') {
                ++pos_;
                return {token_kind::semicolon, start, pos_};
            } else if (c == '\'') {
                skip_quoted(start, '\'', dialect_ == dialect::mysql, "string");
                return {token_kind::quoted, start, pos_};
            } else if (c == '"') {
                if (dialect_ == dialect::mysql) {
                    skip_quoted(start, '"', true, "string");
                } else {
                    skip_quoted(start, '"', false, "quoted identifier");
                }
                return {token_kind::quoted, start, pos_};
            } else if (c == '`' && dialect_ != dialect::postgresql) {
                skip_quoted(start, '`', false, "quoted identifier");
                return {token_kind::quoted, start, pos_};
            } else if (c == '[' && dialect_ == dialect::sqlite) {
                // No escape: sqlite3_complete() and SQLite's tokenizer both end it at the first ']'.
                const std::size_t close = script_.find(']', start + 1);
                if (close == std::string_view::npos) unterminated("quoted identifier", line_of(start));
                pos_ = close + 1;
                return {token_kind::quoted, start, pos_};
            } else if (c == '$' && dialect_ == dialect::postgresql && skip_dollar_quote(start)) {
                return {token_kind::quoted, start, pos_};
            } else if (is_word_char(c)) {
                pos_ = start + 1;
                while (pos_ < n && is_word_char(script_[pos_])) ++pos_;
                // E'...': PostgreSQL's string with backslash escapes; E must be a word of its own.
                if (dialect_ == dialect::postgresql && pos_ == start + 1 && (c == 'E' || c == 'e') && at(pos_) == '\'') {
                    skip_quoted(pos_, '\'', true, "string");
                    return {token_kind::quoted, start, pos_};
                }
                return {token_kind::word, start, pos_};
            } else {
                ++pos_;
                return {token_kind::symbol, start, pos_};
            }
        }
        return {token_kind::end_of_input, n, n};
    }

    // MySQL starts a "--" comment only when a space or control character (or the end) follows.
    [[nodiscard]] bool mysql_comment_dashes(std::size_t start) const {
        if (at_end(start + 2)) return true;
        const auto c = static_cast<unsigned char>(script_[start + 2]);
        return c <= ' ' || c == 0x7f;
    }

    void skip_line() {
        const std::size_t newline = script_.find('\n', pos_);
        pos_ = newline == std::string_view::npos ? script_.size() : newline;
    }

    void skip_block_comment(std::size_t start) {
        if (dialect_ != dialect::postgresql) {
            const std::size_t close = script_.find("*/", start + 2);
            if (close == std::string_view::npos) unterminated("block comment", line_of(start));
            pos_ = close + 2;
            return;
        }
        // PostgreSQL nests them; a counter, not recursion, so that input cannot exhaust the stack.
        std::size_t depth = 1;
        std::size_t i = start + 2;
        while (depth > 0) {
            const std::size_t mark = script_.find_first_of("/*", i);
            if (mark == std::string_view::npos || mark + 1 >= script_.size()) unterminated("block comment", line_of(start));
            if (script_[mark] == '/' && script_[mark + 1] == '*') {
                ++depth;
                i = mark + 2;
            } else if (script_[mark] == '*' && script_[mark + 1] == '/') {
                --depth;
                i = mark + 2;
            } else {
                i = mark + 1;
            }
        }
        pos_ = i;
    }

    // A quoted token from its opening quote `q` at `open`: a doubled quote stands for one, and a
    // backslash (when `backslash`) escapes the next character.
    void skip_quoted(std::size_t open, char q, bool backslash, std::string_view what) {
        const char stops[] = {q, '\\', '\0'};
        const std::string_view stop(stops, backslash ? 2 : 1);
        std::size_t i = open + 1;
        for (;;) {
            const std::size_t hit = script_.find_first_of(stop, i);
            if (hit == std::string_view::npos) unterminated(what, line_of(open));
            if (script_[hit] == '\\') {
                i = hit + 2;
            } else if (at(hit + 1) == q) {
                i = hit + 2;
            } else {
                pos_ = hit + 1;
                return;
            }
        }
    }

    // PostgreSQL: $tag$ ... $tag$ from `start`, true when there is one; `$1` and a lone '$' are not.
    bool skip_dollar_quote(std::size_t start) {
        std::size_t i = start + 1;
        if (!at_end(i) && script_[i] != '$') {
            if (!is_tag_char(script_[i]) || (script_[i] >= '0' && script_[i] <= '9')) return false;
            while (!at_end(i) && is_tag_char(script_[i])) ++i;
            if (at_end(i) || script_[i] != '$') return false;
        }
        if (at_end(i)) return false;
        const std::string_view tag = script_.substr(start, i + 1 - start);
        const std::size_t close = script_.find(tag, i + 1);
        if (close == std::string_view::npos) unterminated("dollar-quoted body " + std::string(tag), line_of(start));
        pos_ = close + tag.size();
        return true;
    }

    // --- statements -----------------------------------------------------------------------------

    // Whether the ';' just read ends the statement.
    bool ends_statement() {
        switch (dialect_) {
            case dialect::sqlite: {
                lite_ = lite_step(lite_, lite_token::semi);
                return lite_ == lite_state::start;
            }
            case dialect::mysql: {
                resolve_end(nullptr);
                after_assign_ = false;
                create_prefix_ = false;
                return depth_ == 0;
            }
            case dialect::postgresql: {
                pg_begin_ = false;
                return depth_ == 0 && parens_ == 0;
            }
        }
        return true;
    }

    void feed(const token& t) {
        switch (dialect_) {
            case dialect::sqlite: lite_ = lite_step(lite_, lite_classify(t)); break;
            case dialect::mysql: mysql_feed(t); break;
            case dialect::postgresql: pg_feed(t); break;
        }
        if (t.kind == token_kind::word) ++words_;
    }

    void finish_statement() {
        switch (dialect_) {
            case dialect::sqlite:
                if (lite_ == lite_state::trigger || lite_ == lite_state::semi) unterminated("trigger body", span_.line);
                break;
            case dialect::mysql:
                resolve_end(nullptr);
                if (depth_ > 0) {
                    const char* what = routine_ == routine::trigger     ? "trigger body"
                                       : routine_ == routine::procedure ? "procedure body"
                                       : routine_ == routine::function  ? "function body"
                                                                        : "event body";
                    unterminated(what, span_.line);
                }
                break;
            case dialect::postgresql:
                if (depth_ > 0) unterminated(pg_procedure_ ? "procedure body" : "function body", span_.line);
                if (parens_ > 0) unterminated("parenthesis", line_of(paren_pos_));
                break;
        }
    }

    // SQLite -------------------------------------------------------------------------------------

    [[nodiscard]] lite_token lite_classify(const token& t) const {
        if (t.kind != token_kind::word) return lite_token::other;
        const std::string_view w = text(t);
        if (is_keyword(w, "create")) return lite_token::create;
        if (is_keyword(w, "temp") || is_keyword(w, "temporary")) return lite_token::temp;
        if (is_keyword(w, "trigger")) return lite_token::trigger;
        if (is_keyword(w, "end")) return lite_token::end;
        if (is_keyword(w, "explain")) return lite_token::explain;
        return lite_token::other;
    }

    // complete.c's transition table (whitespace and comments, its tkWS, never change the state).
    // Inside CREATE [TEMP] TRIGGER only ";END;" ends the statement: a ';' right after the END that
    // itself follows a ';'. So CASE ... END inside the body does not end it.
    static lite_state lite_step(lite_state s, lite_token t) {
        using st = lite_state;
        using tk = lite_token;
        switch (s) {
            case st::start:
                return t == tk::semi ? st::start : t == tk::explain ? st::explain : t == tk::create ? st::create : st::normal;
            case st::normal: return t == tk::semi ? st::start : st::normal;
            case st::explain:
                return t == tk::semi ? st::start : t == tk::other ? st::explain : t == tk::create ? st::create : st::normal;
            case st::create:
                return t == tk::semi ? st::start : t == tk::temp ? st::create : t == tk::trigger ? st::trigger : st::normal;
            case st::trigger: return t == tk::semi ? st::semi : st::trigger;
            case st::semi: return t == tk::semi ? st::semi : t == tk::end ? st::end : st::trigger;
            case st::end: return t == tk::semi ? st::start : st::trigger;
        }
        return st::normal;
    }

    // MySQL --------------------------------------------------------------------------------------
    //
    // CREATE [OR REPLACE] [DEFINER = user] [AGGREGATE] TRIGGER | PROCEDURE | FUNCTION | EVENT has
    // a body that may be a BEGIN ... END compound statement with ';' inside. Blocks are counted:
    // BEGIN and CASE open one, END closes one. IF, LOOP, WHILE and REPEAT open none, so their
    // END IF, END LOOP, END WHILE and END REPEAT must close none either: hence an END waits for
    // the next token before it counts. The statement ends at a ';' outside every block.

    void mysql_feed(const token& t) {
        const std::string_view w = t.kind == token_kind::word ? text(t) : std::string_view{};
        if (span_.end == span_.begin) {  // the statement's first token
            create_prefix_ = is_keyword(w, "create");
            return;
        }
        if (create_prefix_) {
            mysql_prefix(t, w);
            return;
        }
        if (routine_ == routine::none) return;
        if (!resolve_end(&w)) return;
        if (is_keyword(w, "begin") || is_keyword(w, "case")) {
            ++depth_;
        } else if (is_keyword(w, "end") && depth_ > 0) {
            pending_end_ = true;
        }
    }

    void mysql_prefix(const token& t, std::string_view w) {
        const bool user = after_assign_;  // the DEFINER's user may be any word, even "trigger"
        after_assign_ = t.kind == token_kind::symbol && (text(t) == "=" || text(t) == "@");
        if (user || after_assign_) return;
        if (t.kind == token_kind::quoted || (t.kind == token_kind::symbol && (text(t) == "(" || text(t) == ")"))) return;
        if (is_keyword(w, "trigger")) {
            routine_ = routine::trigger;
        } else if (is_keyword(w, "procedure")) {
            routine_ = routine::procedure;
        } else if (is_keyword(w, "function")) {
            routine_ = routine::function;
        } else if (is_keyword(w, "event")) {
            routine_ = routine::event;
        } else if (is_keyword(w, "or") || is_keyword(w, "replace") || is_keyword(w, "definer") ||
                   is_keyword(w, "aggregate") || is_keyword(w, "current_user")) {
            return;
        }
        create_prefix_ = false;
    }

    // Settles a pending END with the token after it (`w`: its text when a word, empty otherwise;
    // nullptr for ';' and the end of input). Returns whether that token still needs reading.
    bool resolve_end(const std::string_view* w) {
        if (!pending_end_) return true;
        pending_end_ = false;
        if (w != nullptr && (is_keyword(*w, "if") || is_keyword(*w, "loop") || is_keyword(*w, "while") ||
                             is_keyword(*w, "repeat"))) {
            return false;  // END IF and friends close a block that was never counted
        }
        --depth_;
        return !(w != nullptr && is_keyword(*w, "case"));  // END CASE closes one CASE
    }

    // PostgreSQL ---------------------------------------------------------------------------------
    //
    // As psql does: in CREATE [OR REPLACE] FUNCTION | PROCEDURE, a SQL-standard body BEGIN ATOMIC
    // ... END holds ';', and CASE ... END may nest inside it; both are counted only outside
    // parentheses. A ';' inside parentheses never ends a statement (CREATE RULE ... DO (a; b)).

    void pg_feed(const token& t) {
        if (t.kind == token_kind::symbol) {
            pg_begin_ = false;
            if (script_[t.begin] == '(') {
                if (parens_++ == 0) paren_pos_ = t.begin;
            } else if (script_[t.begin] == ')' && parens_ > 0) {
                --parens_;
            }
            return;
        }
        if (t.kind != token_kind::word) {
            pg_begin_ = false;
            return;
        }
        const std::string_view w = text(t);
        if (words_ < 4) {
            pg_words_[words_] = is_keyword(w, "create")      ? 'c'
                                : is_keyword(w, "function")  ? 'f'
                                : is_keyword(w, "procedure") ? 'p'
                                : is_keyword(w, "or")        ? 'o'
                                : is_keyword(w, "replace")   ? 'r'
                                                             : '\0';
            const char* k = pg_words_;
            if (words_ == 1 && k[0] == 'c' && (k[1] == 'f' || k[1] == 'p')) {
                pg_routine_ = true;
                pg_procedure_ = k[1] == 'p';
            } else if (words_ == 3 && k[0] == 'c' && k[1] == 'o' && k[2] == 'r' && (k[3] == 'f' || k[3] == 'p')) {
                pg_routine_ = true;
                pg_procedure_ = k[3] == 'p';
            }
        }
        const bool after_begin = pg_begin_;
        pg_begin_ = false;
        if (!pg_routine_ || parens_ > 0) return;
        if (after_begin && is_keyword(w, "atomic")) {
            ++depth_;
        } else if (is_keyword(w, "begin")) {
            pg_begin_ = true;
        } else if (is_keyword(w, "case")) {
            if (depth_ > 0) ++depth_;
        } else if (is_keyword(w, "end")) {
            if (depth_ > 0) --depth_;
        }
    }
};

/// Split `script` into statements for dialect `d` (dialect::sqlite, dialect::postgresql,
/// dialect::mysql). A piece's text runs from the statement's first token to its last: comments
/// between them are kept, comments before and after are not, and statements with no token at all
/// are dropped. Throws driftless::error (errc::usage, "driftless.files.unterminated") when the
/// script ends inside a string, quoted identifier, block comment, dollar quote or body.
inline std::vector<sql_piece> split_sql(std::string_view script, dialect d) {
    std::vector<sql_piece> pieces;
    sql_splitter splitter(script, d);
    while (const std::optional<sql_span> span = splitter.next()) {
        if (span->end > span->begin) {
            pieces.push_back(sql_piece{std::string(script.substr(span->begin, span->end - span->begin)), span->line});
        }
    }
    return pieces;
}

}  // namespace driftless::detail

#endif  // DRIFTLESS_DETAIL_SQL_SPLIT_HPP
