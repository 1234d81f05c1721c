// driftless — the command line's definitions (see <driftless/cli.hpp>): included by cli.hpp when
// header-only (the default), or compiled once into the driftless::cli_runtime library
// (DRIFTLESS_COMPILED_CLI, src/cli.cpp).
#ifndef DRIFTLESS_CLI_RUN_INL_HPP
#define DRIFTLESS_CLI_RUN_INL_HPP

#include <driftless/cli.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <boost/url.hpp>
#include <toml++/toml.h>

#include <driftless/diagram.hpp>

namespace driftless::cli {

/// `url` fit to print: a password in it ("scheme://user:secret@host", "?password=secret", or a
/// libpq "password=secret" keyword) shown as ***.
DRIFTLESS_CLI_INLINE std::string redacted(std::string_view url) {
    namespace urls = boost::urls;
    std::string out(url);
    const auto parsed = urls::parse_uri(urls::string_view(url.data(), url.size()));
    // An '@' after the authority means a user name or password with a raw '/', '?' or '#' that
    // ended the authority early; such a URL, and one that does not parse, is hidden from the
    // first ':' after "//" to the last '@', whatever the parts would be.
    const bool well_formed = parsed && parsed->encoded_path().find('@') == urls::string_view::npos &&
                             parsed->encoded_query().find('@') == urls::string_view::npos &&
                             parsed->encoded_fragment().find('@') == urls::string_view::npos;
    if (well_formed) {
        urls::url u(*parsed);
        if (u.has_password()) u.set_password("***");
        urls::params_ref params = u.params();
        for (auto it = params.begin(); it != params.end(); ++it) {
            if ((*it).key == "password") it = params.set(it, "***");
        }
        return std::string(u.buffer());
    }
    if (const auto slashes = out.find("://"); slashes != std::string::npos) {
        const std::size_t begin = slashes + 3;
        const auto at = out.rfind('@');
        const auto colon = out.find(':', begin);
        if (at != std::string::npos && at > begin && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
    // Not a URL (a libpq "key=value" string, mistyped): each password= value hidden.
    for (std::size_t at = out.find("password="); at != std::string::npos; at = out.find("password=", at + 1)) {
        const std::size_t begin = at + 9;
        std::size_t end = out.find_first_of("& ", begin);
        if (end == std::string::npos) end = out.size();
        out.replace(begin, end - begin, "***");
    }
    return out;
}

/// `text` safe for a terminal: control characters other than newline and tab (ESC, CR, BEL, DEL,
/// and the C1 controls U+0080..U+009F) shown as \xNN (\u00NN), so that a file name or a statement
/// cannot move the cursor, rewrite the line or retitle the window.
DRIFTLESS_CLI_INLINE std::string printable(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
            const auto d = static_cast<unsigned char>(text[++i]);
            out += "\\u00";
            out += hex[d >> 4];
            out += hex[d & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

namespace detail {

/// The number of single-character edits (insert, delete, replace, swap two neighbours) between
/// `a` and `b`: how far a misspelt command is from a real one.
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

/// The closest of `names` to `word` when it is close enough to be a slip (at most 2 edits, and
/// fewer than half its letters), else empty.
inline std::string closest(std::string_view word, const std::vector<std::string>& names) {
    std::string best;
    std::size_t best_distance = 3;
    for (const auto& n : names) {
        const std::size_t d = edit_distance(word, n);
        if (d < best_distance && d * 2 < std::max(word.size(), n.size())) {
            best = n;
            best_distance = d;
        }
    }
    return best;
}

}  // namespace detail

/// "sqlite:app.db", "sqlite:///var/app.db", "sqlite::memory:", "postgresql://...", "mysql://...".
DRIFTLESS_CLI_INLINE database_url parse_url(std::string_view url) {
    const auto colon = url.find(':');
    if (colon == std::string_view::npos || colon == 0)
        throw error(errc::usage, "driftless.cli.url",
                    "'" + redacted(url) + "' is not a database URL; use sqlite:PATH, sqlite::memory:, postgresql://... or mysql://...");
    database_url out;
    out.scheme = std::string(url.substr(0, colon));
    for (char& c : out.scheme) c = driftless::detail::to_lower(c);
    std::string_view rest = url.substr(colon + 1);
    if (out.scheme == "sqlite" || out.scheme == "sqlite3") {
        out.scheme = "sqlite";
        if (rest.substr(0, 2) == "//") rest.remove_prefix(2);  // sqlite://relative, sqlite:///absolute
        if (rest.empty())
            throw error(errc::usage, "driftless.cli.url", "'" + std::string(url) + "' names no database file");
        out.target = std::string(rest);
        // sqlx's spelling, sqlite:app.db?mode=rwc: the path and its parameters as a SQLite URI.
        if (const auto q = out.target.find('?'); q != std::string::npos && out.target.rfind("file:", 0) != 0) {
            const boost::urls::string_view query_text = boost::urls::string_view(out.target).substr(q + 1);
            if (!boost::urls::parse_query(query_text))
                throw error(errc::usage, "driftless.cli.url", "the query in '" + std::string(url) + "' is not valid; percent-encode it");
            boost::urls::url uri;
            uri.set_scheme("file");
            uri.set_path(boost::urls::string_view(out.target.data(), q));  // encoded where a URI needs it ('%', '?', '#')
            for (const boost::urls::param& p : boost::urls::params_view(query_text, boost::urls::encoding_opts{})) {
                if (p.key != "mode")
                    throw error(errc::usage, "driftless.cli.url",
                                "unknown parameter '" + p.key + "' in '" + std::string(url) +
                                    "'; a sqlite: URL takes mode=ro|rw|rwc|memory (or write a SQLite URI: sqlite:file:PATH?...)");
                if (p.value != "ro" && p.value != "rw" && p.value != "rwc" && p.value != "memory")
                    throw error(errc::usage, "driftless.cli.url",
                                "mode=" + p.value + " in '" + std::string(url) + "' is not one of ro, rw, rwc, memory");
                if (uri.has_query()) throw error(errc::usage, "driftless.cli.url", "mode= is given twice in '" + std::string(url) + "'");
                uri.params().append({"mode", p.value});
            }
            out.target = std::string(uri.buffer());
        }
        return out;
    }
    if (out.scheme == "postgres") out.scheme = "postgresql";
    if (out.scheme == "mariadb") out.scheme = "mysql";
    if (out.scheme == "postgresql" && DRIFTLESS_CLI_POSTGRESQL) {
        out.target = std::string(url);  // libpq takes postgresql:// and postgres:// URIs as they are
        return out;
    }
    if (out.scheme == "mysql" && DRIFTLESS_CLI_MYSQL) {
        out.target = "mysql" + std::string(url.substr(colon));  // mariadb:// is the same URL
        return out;
    }
    if (out.scheme == "postgresql" || out.scheme == "mysql")
        throw error(errc::usage, "driftless.cli.backend",
                    "the " + out.scheme + " backend is not available in this build of driftless yet; use a sqlite: URL");
    const std::string likely = detail::closest(out.scheme, {"sqlite", "postgresql", "postgres", "mysql", "mariadb"});
    throw error(errc::usage, "driftless.cli.url",
                "unknown database URL scheme '" + out.scheme + "' in '" + redacted(url) + "'" +
                    (likely.empty() ? "; use sqlite:PATH, postgresql://... or mysql://..." : "; did you mean " + likely + ":?"));
}

namespace detail {

namespace json = boost::json;

/// Length of the valid UTF-8 sequence at s[i], 0 when there is none (overlong forms, surrogates
/// and code points above U+10FFFF are not valid).
inline std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    if (c < 0x80) return 1;
    std::size_t n = 0;
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c >= 0xE0 && c <= 0xEF) n = 3;
    else if (c >= 0xF0 && c <= 0xF4) n = 4;
    if (n == 0 || i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((b(i + k) & 0xC0) != 0x80) return 0;
    }
    if ((c == 0xE0 && b(i + 1) < 0xA0) || (c == 0xED && b(i + 1) > 0x9F) || (c == 0xF0 && b(i + 1) < 0x90) ||
        (c == 0xF4 && b(i + 1) > 0x8F))
        return 0;
    return n;
}

/// Every string in `v` made valid UTF-8, each byte that begins no valid sequence replaced by
/// U+FFFD: JSON text must be UTF-8, and Boost.JSON's serializer copies a string's bytes as they
/// are (a file name or a statement read from disk may be in any encoding). Keys are the CLI's own
/// ASCII names.
inline void make_utf8(json::value& v) {
    if (json::string* s = v.if_string()) {
        const std::string_view text(s->data(), s->size());
        std::size_t i = 0, n = 0;
        while (i < text.size() && (n = utf8_sequence(text, i)) != 0) i += n;
        if (i == text.size()) return;
        std::string fixed(text.substr(0, i));
        while (i < text.size()) {
            if ((n = utf8_sequence(text, i)) != 0) {
                fixed.append(text.substr(i, n));
                i += n;
            } else {
                fixed += "\xEF\xBF\xBD";
                ++i;
            }
        }
        *s = fixed;
    } else if (json::array* a = v.if_array()) {
        for (json::value& e : *a) make_utf8(e);
    } else if (json::object* o = v.if_object()) {
        for (auto& member : *o) make_utf8(member.value());
    }
}

/// `v` as one line of JSON text.
inline std::string dump(json::value v) {
    make_utf8(v);
    return json::serialize(v);
}

/// `strings` as a JSON array.
inline json::array string_array(const std::vector<std::string>& strings) {
    json::array out;
    out.reserve(strings.size());
    for (const std::string& s : strings) out.emplace_back(s);
    return out;
}

/// A library name as the command line spells it: "zero_date_as_null" -> "zero-date-as-null".
inline std::string option_spelling(std::string_view name) {
    std::string out(name);
    std::replace(out.begin(), out.end(), '_', '-');
    return out;
}

/// A library error's message as the command line says it: the options it names are the
/// command's ("pass allow_data_loss" -> "pass --allow-data-loss").
inline std::string in_command_terms(std::string message) {
    static constexpr std::pair<std::string_view, std::string_view> names[] = {
        {"pass allow_data_loss", "pass --allow-data-loss"},
        {"(open_options::busy_timeout_ms)", "(5 s on the command line)"},
        {"Set copy_options::existing to truncate", "Pass --truncate"},
        {"or to append", "or --append"},
        {"allow the conversion zero_date_as_null", "pass --allow zero-date-as-null"},
        {"allow the conversion nul_removed", "pass --allow nul-removed"},
        {"allow the conversion integer_rounded", "pass --allow integer-rounded"},
        {"(allowed: zero_date_as_null)", "(allowed: --allow zero-date-as-null)"},
        {"(allowed: nul_removed)", "(allowed: --allow nul-removed)"},
        {"(allowed: integer_rounded)", "(allowed: --allow integer-rounded)"},
        {"Copy it again with copy_options::existing = truncate", "Copy it again with --truncate"},
        {"or go on without copy_options::verify", "or go on with --no-verify"},
    };
    for (const auto& [library, command] : names) {
        for (std::size_t at = message.find(library); at != std::string::npos; at = message.find(library, at + command.size()))
            message.replace(at, library.size(), command);
    }
    return message;
}

inline std::string plural(std::size_t n, std::string_view one, std::string_view many) {
    return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

/// The steps of `p`; with the verdicts of a dry run, each step's verdict and its reasons.
inline json::array steps_json(const migration_plan& p, const std::vector<step_verdict>& verdicts = {}) {
    json::array steps;
    for (std::size_t i = 0; i < p.steps.size(); ++i) {
        const step& s = p.steps[i];
        json::object o{{"safety", std::string(to_string(s.level))},
                       {"kind", std::string(to_string(s.kind))},
                       {"table", s.table},
                       {"subject", s.subject},
                       {"from", s.from},
                       {"to", s.to}};
        if (i < verdicts.size()) {
            o.emplace("verdict", std::string(to_string(verdicts[i].verdict)));
            o.emplace("reasons", string_array(verdicts[i].reasons));
        }
        steps.emplace_back(std::move(o));
    }
    return steps;
}

/// Whether to colour what goes to `stream`: a terminal, TERM not "dumb", and NO_COLOR unset or
/// empty.
inline bool use_colour(std::FILE* stream) {
    const char* no_color = std::getenv("NO_COLOR");
    if (no_color != nullptr && *no_color != '\0') return false;
    const char* term = std::getenv("TERM");
    if (term != nullptr && std::string_view(term) == "dumb") return false;
    return isatty(fileno(stream)) != 0;
}

/// `text` (made printable first) with each line whose first or second word is "destructive" or
/// "blocked" (or "[blocked]") in red, and "lossy" in yellow: the plan's dangerous steps stand out.
inline std::string coloured(const std::string& text) {
    constexpr std::string_view red = "\033[31m", yellow = "\033[33m", reset = "\033[0m";
    std::string out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        const std::string_view line(text.data() + pos, end - pos);
        std::string_view colour;
        std::size_t at = 0;
        for (int word = 0; word < 2; ++word) {
            at = line.find_first_not_of(' ', at);
            if (at == std::string_view::npos) break;
            const std::size_t stop = std::min(line.find(' ', at), line.size());
            std::string_view w = line.substr(at, stop - at);
            if (w.size() > 2 && w.front() == '[' && w.back() == ']') w = w.substr(1, w.size() - 2);
            if (w == "destructive" || w == "blocked") colour = red;
            else if (w == "lossy" && colour.empty()) colour = yellow;
            at = stop;
        }
        if (colour.empty()) {
            out += line;
        } else {
            out += colour;
            out += line;
            out += reset;
        }
        if (end < text.size()) out += '\n';
        pos = end + 1;
    }
    return out;
}

/// A dry run as plan shows it: each step after its verdict, the counts behind a lossy or blocked
/// one under it, the notes, and whether migrate would run it.
inline std::string verdict_text(const migrate_result& r, bool allow_data_loss, std::string_view scheme) {
    std::string out;
    std::size_t blocked = 0, lossy = 0;
    std::vector<std::string> lossy_tables;
    for (std::size_t i = 0; i < r.plan.steps.size(); ++i) {
        const step_verdict v = i < r.verdicts.size() ? r.verdicts[i] : step_verdict{};
        std::string word = "[" + std::string(to_string(v.verdict)) + "]";
        word.resize(10, ' ');
        out += word + describe(std::vector<step>{r.plan.steps[i]});
        const std::string_view why = v.verdict == verdict::blocked ? "blocked: "
                                     : allow_data_loss             ? "allowed by --allow-data-loss: "
                                                                   : "needs --allow-data-loss: ";
        for (const auto& reason : v.reasons) out += "          " + std::string(why) + reason + "\n";
        blocked += v.verdict == verdict::blocked ? 1 : 0;
        lossy += v.verdict == verdict::lossy ? 1 : 0;
        const std::string& table = r.plan.steps[i].table;
        if (v.verdict == verdict::lossy && std::find(lossy_tables.begin(), lossy_tables.end(), table) == lossy_tables.end())
            lossy_tables.push_back(table);
    }
    out += describe_notes(r.plan);
    if (!lossy_tables.empty() && scheme != "sqlite") {
        std::string names;
        for (const auto& t : lossy_tables) names += (names.empty() ? "" : ", ") + t;
        out += "note: driftless makes no automatic backup on " + std::string(scheme == "mysql" ? "MySQL" : "PostgreSQL") +
               "; back up " + names + " before running the lossy steps\n";
    }
    if (blocked != 0)
        out += "migrate would refuse this plan: " + plural(blocked, "step is", "steps are") +
               " blocked by the data; fix the data or the model first\n";
    else if (lossy != 0 && !allow_data_loss)
        out += "migrate would refuse this plan: " + plural(lossy, "step", "steps") +
               " would discard or alter values; run it with --allow-data-loss to accept that\n";
    else
        out += "migrate would run " + plural(r.plan.steps.size(), "step", "steps") + "\n";
    return out;
}

/// What a command produced: a JSON object, and the same for people.
struct output {
    json::object fields{};
    std::string text{};
    exit_code code = exit_code::ok;
    bool plan = false;  ///< a plan's steps: coloured on a terminal
};

/// The dialect a database URL's scheme names ("sqlite", "postgresql", "mysql").
inline dialect dialect_of(std::string_view scheme) {
    if (scheme == "postgresql") return dialect::postgresql;
    if (scheme == "mysql") return dialect::mysql;
    return dialect::sqlite;
}

/// `s` as JSON: its tables with columns (type in dialect `d`), keys, indexes, foreign keys and checks.
inline json::array schema_json(const schema& s, dialect d) {
    json::array tables;
    for (const table_info& t : s.tables) {
        json::array columns, uniques, indexes, foreign_keys, checks;
        for (const column_info& c : t.columns) {
            json::object o{{"name", c.name}, {"type", render_type(c.type, d)}, {"nullable", c.nullable}};
            if (c.auto_increment) o.emplace("auto_increment", true);
            if (c.default_value.kind != default_kind::none) o.emplace("default", render_default(c.default_value, c.type, d));
            if (!c.collation.empty()) o.emplace("collation", c.collation);
            columns.emplace_back(std::move(o));
        }
        for (const unique_info& u : t.uniques) uniques.emplace_back(json::object{{"name", u.name}, {"columns", string_array(u.columns)}});
        for (const index_info& x : t.indexes) {
            json::object o{{"name", x.name}, {"columns", string_array(x.columns)}, {"unique", x.unique}};
            if (!x.where.empty()) o.emplace("where", x.where);
            if (!x.definition.empty()) o.emplace("definition", x.definition);
            indexes.emplace_back(std::move(o));
        }
        for (const foreign_key_info& fk : t.foreign_keys)
            foreign_keys.emplace_back(json::object{{"name", fk.name},
                                                   {"columns", string_array(fk.columns)},
                                                   {"references", fk.ref_table},
                                                   {"ref_columns", string_array(fk.ref_columns)},
                                                   {"on_delete", std::string(driftless::detail::action_sql(fk.on_delete))},
                                                   {"on_update", std::string(driftless::detail::action_sql(fk.on_update))}});
        for (const check_info& c : t.checks) checks.emplace_back(json::object{{"name", c.name}, {"expression", c.expression}});
        tables.emplace_back(json::object{{"name", t.name},
                                         {"columns", std::move(columns)},
                                         {"primary_key", string_array(t.primary_key)},
                                         {"uniques", std::move(uniques)},
                                         {"indexes", std::move(indexes)},
                                         {"foreign_keys", std::move(foreign_keys)},
                                         {"checks", std::move(checks)}});
    }
    return tables;
}

inline const std::string default_config_name = "driftless.toml";

/// `path` relative to the configuration file's directory, unless absolute.
inline std::filesystem::path beside(const std::filesystem::path& config, const std::string& path) {
    const std::filesystem::path p(path);
    if (p.is_absolute() || config.empty()) return p;
    return config.parent_path() / p;
}

/// Read the settings: the command line wins over DRIFTLESS_DATABASE_URL (the environment, then
/// ./.env), which wins over driftless.toml, which wins over DATABASE_URL (an application's own
/// setting that other tools read too: driftless's own file comes first).

/// The value of `name` in `.env` of the working directory (KEY=VALUE lines; `export ` before the
/// key, '#' comments and quotes around the value allowed), or nothing. Only driftless's own
/// variables are read from it, and the process environment comes first.
inline std::optional<std::string> dotenv(std::string_view name) {
    std::ifstream in(".env");
    std::string line;
    std::optional<std::string> found;
    bool first = true;
    while (std::getline(in, line)) {
        std::string_view l = line;
        if (first && l.rfind("\xEF\xBB\xBF", 0) == 0) l.remove_prefix(3);  // a UTF-8 byte order mark
        first = false;
        while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
        if (l.rfind("export ", 0) == 0) l.remove_prefix(7);
        const auto eq = l.find('=');
        if (l.empty() || l.front() == '#' || eq == std::string_view::npos) continue;
        std::string_view key = l.substr(0, eq), value = l.substr(eq + 1);
        while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.remove_suffix(1);
        if (key != name) continue;
        while (!value.empty() && (value.back() == '\r' || value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        if (!value.empty() && (value.front() == '"' || value.front() == '\'') &&
            value.find(value.front(), 1) != std::string_view::npos) {  // quoted: what follows the quotes is a comment
            value = value.substr(1, value.find(value.front(), 1) - 1);
        } else if (const auto hash = value.find(" #"); hash != std::string_view::npos) {
            value = value.substr(0, hash);
            while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
        }
        found = std::string(value);
    }
    return found;
}

/// `name` from the environment, else from .env; nothing when unset or empty.
inline std::optional<std::string> setting_from_environment(const char* name) {
    if (const char* env = std::getenv(name); env != nullptr && *env != '\0') return std::string(env);
    if (auto v = dotenv(name); v && !v->empty()) return v;
    return std::nullopt;
}

/// driftless.toml in the working directory or the nearest directory above it that has one.
inline std::filesystem::path find_config() {
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::current_path(ec);
    while (!ec && !dir.empty()) {
        const std::filesystem::path candidate = dir / default_config_name;
        if (std::filesystem::exists(candidate, ec)) return candidate;
        // Not above a repository's root: another project's configuration is not this one's.
        if (std::filesystem::exists(dir / ".git", ec) || dir == dir.parent_path()) break;
        dir = dir.parent_path();
    }
    return default_config_name;
}

/// Refuses a key of driftless.toml that driftless does not read (a misspelt key would otherwise
/// fall back to a default without a word), naming the key it most likely meant.
inline void refuse_unknown_keys(const toml::table& t, const std::filesystem::path& config) {
    static const std::vector<std::string> known = {"database.url", "migrations.dir"};
    // Other tools' names for the same settings.
    static const std::vector<std::pair<std::string, std::string>> synonyms = {
        {"db_path", "database.url"},     {"database_url", "database.url"}, {"url", "database.url"},
        {"database", "database.url"},    {"db", "database.url"},           {"database.path", "database.url"},
        {"database.file", "database.url"}, {"migrations_dir", "migrations.dir"}, {"migrations.directory", "migrations.dir"},
        {"migrations.path", "migrations.dir"}, {"migrations_path", "migrations.dir"}, {"dir", "migrations.dir"},
        {"directory", "migrations.dir"}, {"migrations.folder", "migrations.dir"}};
    const auto refuse = [&](const std::string& key) {
        std::string meant;
        for (const auto& [alias, real] : synonyms) {
            if (alias == key) meant = real;
        }
        if (meant.empty()) meant = closest(key, known);
        throw error(errc::usage, "driftless.cli.config",
                    "unknown key '" + key + "' in '" + config.string() + "'" + (meant.empty() ? "" : "; did you mean '" + meant + "'?") +
                        " driftless reads database.url and migrations.dir ([database] url = '...', [migrations] dir = '...')");
    };
    for (const auto& [key, node] : t) {
        const std::string k(key.str());
        if ((k == "database" || k == "migrations") && node.is_table()) {
            for (const auto& [inner, value] : *node.as_table()) {
                const std::string full = k + "." + std::string(inner.str());
                if (std::find(known.begin(), known.end(), full) == known.end()) refuse(full);
                if (!value.is_string()) throw error(errc::usage, "driftless.cli.config", "'" + full + "' in '" + config.string() + "' must be a string");
            }
        } else {
            refuse(k);
        }
    }
}

inline settings resolve(const std::string& database, const std::string& migrations, const std::string& config_path,
                        bool config_given) {
    settings s;
    const std::filesystem::path config = config_path.empty() ? find_config() : std::filesystem::path(config_path);
    std::string file_url;
    std::string file_migrations;
    std::error_code ec;
    if (std::filesystem::exists(config, ec)) {
        s.config = config;
        try {
            const toml::table t = toml::parse_file(config.string());
            refuse_unknown_keys(t, config);
            file_url = t["database"]["url"].value_or(std::string());
            file_migrations = t["migrations"]["dir"].value_or(std::string());
        } catch (const toml::parse_error& e) {
            std::ostringstream where;
            where << e.source().begin;
            throw error(errc::usage, "driftless.cli.config",
                        "cannot read '" + config.string() + "': " + std::string(e.description()) + " (" + where.str() + ")");
        }
    } else if (config_given) {
        throw error(errc::usage, "driftless.cli.config", "configuration file '" + config.string() + "' does not exist");
    }
    if (!database.empty()) {
        s.url = database;
    } else if (auto env = setting_from_environment("DRIFTLESS_DATABASE_URL")) {
        s.url = *env;
    } else if (!file_url.empty()) {
        // A relative sqlite path in the file is relative to the file (its ?mode= kept after it).
        const database_url u = parse_url(file_url);
        std::string_view rest = std::string_view(file_url).substr(file_url.find(':') + 1);
        if (rest.substr(0, 2) == "//") rest.remove_prefix(2);
        const std::size_t q = rest.find('?');
        s.url = u.scheme == "sqlite" && u.target != ":memory:" && rest.rfind("file:", 0) != 0
                    ? "sqlite:" + beside(s.config, std::string(rest.substr(0, q))).string() +
                          (q == std::string_view::npos ? std::string() : std::string(rest.substr(q)))
                    : file_url;
    } else if (auto common = setting_from_environment("DATABASE_URL")) {  // sqlx, dbmate, Prisma
        s.url = *common;
    }
    if (!migrations.empty()) {
        s.migrations = migrations;
    } else if (!file_migrations.empty()) {
        s.migrations = beside(s.config, file_migrations);
    } else {
        s.migrations = "migrations";
    }
    return s;
}

/// How a command opens the database file: creating it (commands that change it), only when it
/// exists (rollback, baseline), or with an empty in-memory database in place of a file that does
/// not exist yet (plan, status, verify: a mistyped path must not leave an empty database behind).
enum class open_mode { create, existing, plan };

/// The file a SQLite database name opens: the name itself, or the path inside a file: URI
/// ("file:app.db?mode=rwc", "file:///srv/app.db", percent-escapes decoded); nothing for an
/// in-memory database.
DRIFTLESS_CLI_INLINE std::optional<std::string> sqlite_file_of(const std::string& name) {
    if (name == ":memory:") return std::nullopt;
    if (name.rfind("file:", 0) != 0) return name;
    const auto parsed = boost::urls::parse_uri(name);
    if (!parsed)
        throw error(errc::usage, "driftless.cli.url",
                    "'" + name + "' is not a valid file: URI; percent-encode a space (%20), '%' (%25), '?' (%3F) or '#' (%23) in the path");
    const boost::urls::url_view u = *parsed;
    if (u.has_authority() && !u.encoded_host().empty() && u.host() != "localhost")
        throw error(errc::usage, "driftless.cli.url", "'" + name + "' names a host; a file: URI takes none or localhost: file:///PATH");
    for (const boost::urls::param& p : u.params(boost::urls::encoding_opts{})) {
        if (p.key == "mode" && p.value == "memory") return std::nullopt;
    }
    std::string path = u.path();
    if (path.empty() || path == ":memory:") return std::nullopt;
    return path;
}

/// Open the database of `s` and call `f` with the connection (sqlite::connection or
/// postgresql::connection); `mode` says what to do about a SQLite file that does not exist.
template <class F>
auto with_database(const settings& s, open_mode mode, bool* missing, F&& f) {
    if (s.url.empty())
        throw error(errc::usage, "driftless.cli.database",
                    "no database: pass --database URL, set DRIFTLESS_DATABASE_URL (or DATABASE_URL), or run 'init' to write " +
                        default_config_name);
    const database_url u = parse_url(s.url);
#if DRIFTLESS_CLI_POSTGRESQL
    if (u.scheme == "postgresql") return f(postgresql::connect(u.target));
#endif
#if DRIFTLESS_CLI_MYSQL
    if (u.scheme == "mysql") {
        if (mysql::parse_url(u.target).database.empty())
            throw error(errc::usage, "driftless.cli.url",
                        "the mysql:// URL names no database; add it after the host: mysql://user@host:3306/DATABASE");
        return f(mysql::connect(u.target));
    }
#endif
    if (mode == open_mode::create || u.target == ":memory:") return f(sqlite::open(u.target));
    const auto absent = [&]() {
        if (mode == open_mode::plan) {
            if (missing != nullptr) *missing = true;
            return f(sqlite::open(":memory:"));
        }
        throw error(errc::usage, "driftless.cli.database", "database file '" + u.target + "' does not exist");
    };
    const std::optional<std::string> path = sqlite_file_of(u.target);
    std::error_code ec;
    if (path && !std::filesystem::exists(*path, ec)) return absent();
    return f(sqlite::open(u.target));
}

// The command bodies are written once: the library's templates take any backend's connection.
template <class Db>
std::int64_t rollback_table(const Db& db, const std::string& table, bool allow_data_loss, bool whole_migration,
                            statement_observer observer) {
    rollback_options o;
    o.allow_data_loss = allow_data_loss;
    o.whole_migration = whole_migration;
    o.observer = std::move(observer);
    return driftless::rollback_table(db, table, o);
}

/// Errors of the command line, configuration, URL, or a file that cannot be read, named, parsed or
/// written: exit 2, whatever their errc.
inline constexpr std::string_view usage_ids[] = {
    "driftless.files.read",          "driftless.files.name",   "driftless.files.nul",    "driftless.files.format",
    "driftless.files.duplicate_version", "driftless.files.version_limit", "driftless.generate.write",
    "driftless.mysql.url",           "driftless.postgresql.url", "driftless.sql.nul",
    "driftless.repair.no_row",       "driftless.repair.no_file", "driftless.repair.directory",
    "driftless.copy.table",          "driftless.copy.same",    "driftless.copy.options",
};

inline exit_code code_of(const error& e) {
    if (e.id().rfind("driftless.cli.", 0) == 0 ||
        std::find(std::begin(usage_ids), std::end(usage_ids), e.id()) != std::end(usage_ids))
        return exit_code::usage;
    switch (e.code()) {
        case errc::lossy_step:
        case errc::checksum_mismatch:
        case errc::usage: return exit_code::refused;
        case errc::busy: return exit_code::busy;
        case errc::engine: return exit_code::database;
        default: return exit_code::refused;
    }
}

/// The models named by --model (type or table names, any case); all of them when none is named.
inline schema chosen(const model_set& m, const std::vector<std::string>& names, std::string& source, std::string* types = nullptr) {
    schema out;
    for (const auto& model : m.models) {
        bool wanted = names.empty();
        for (const auto& n : names) {
            // "myapp.models.User" and "app::User" name User too.
            std::string_view last = n;
            if (const auto cut = last.find_last_of(".:"); cut != std::string_view::npos) last = last.substr(cut + 1);
            if (driftless::detail::same_name(last, model.type_name) || driftless::detail::same_name(n, model.table)) wanted = true;
        }
        if (!wanted) continue;
        if (const table_info* t = m.desired.find_table(model.table)) out.tables.push_back(*t);
        source += (source.empty() ? "" : ", ") + model.table;
        if (types != nullptr) *types += (types->empty() ? "" : " ") + model.type_name;
    }
    for (const auto& n : names) {
        std::string_view last = n;
        if (const auto cut = last.find_last_of(".:"); cut != std::string_view::npos) last = last.substr(cut + 1);
        bool known = false;
        for (const auto& model : m.models)
            known = known || driftless::detail::same_name(last, model.type_name) || driftless::detail::same_name(n, model.table);
        if (!known) {
            std::string names_known;
            for (const auto& model : m.models) names_known += (names_known.empty() ? "" : ", ") + model.type_name;
            throw error(errc::usage, "driftless.cli.model", "no model named '" + n + "'; this tool knows: " + names_known);
        }
    }
    return out;
}


/// Seconds as a person reads them: "12 ms", "4.9 s", "3 min 07 s".
inline std::string duration_text(double seconds) {
    char buffer[64];
    if (seconds < 1) {
        std::snprintf(buffer, sizeof buffer, "%d ms", static_cast<int>(seconds * 1000 + 0.5));
    } else if (seconds < 60) {
        std::snprintf(buffer, sizeof buffer, "%.1f s", seconds);
    } else {
        const auto whole = static_cast<long>(seconds + 0.5);
        std::snprintf(buffer, sizeof buffer, "%ld min %02ld s", whole / 60, whole % 60);
    }
    return buffer;
}

/// A statement on one line: whitespace runs made one space, cut to `width` characters with "...".
inline std::string one_line(std::string_view sql, std::size_t width) {
    std::string out;
    for (const char c : sql) {
        const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
        if (space && (out.empty() || out.back() == ' ')) continue;
        out += space ? ' ' : c;
        if (out.size() > width) break;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    if (out.size() > width) {
        std::size_t cut = width - 3;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
        out = out.substr(0, cut) + "...";
    }
    return printable(out);
}

/// The progress of the statements a command runs, on stderr, through the runner's statement
/// observer (so on every engine):
/// - on a terminal, a statement that has run for a second gets a live line, redrawn four times a
///   second: rows written / expected, percentage, rate and ETA where the engine reports rows
///   (SQLite: a rebuild knows its row count up front), else the time so far; when it ends the
///   line stays with its duration;
/// - otherwise (a CI log), a line when each statement starts and one when it ends with its
///   duration, and inside a long statement a progress line every DRIFTLESS_PROGRESS_INTERVAL
///   seconds (default 5; a shorter one also brings the terminal's live line sooner than a second).
/// DRIFTLESS_PROGRESS=off shows nothing, =log writes log lines also on a terminal.
class progress_display {
public:
    explicit progress_display(std::string what) : what_(std::move(what)) {
        const char* mode = std::getenv("DRIFTLESS_PROGRESS");
        const std::string_view m = mode == nullptr ? "" : mode;
        if (m == "off" || m == "never" || m == "0") return;
        terminal_ = m != "log" && m != "always" && isatty(STDERR_FILENO) != 0;
        if (const char* every = std::getenv("DRIFTLESS_PROGRESS_INTERVAL")) {
            char* end = nullptr;
            const double v = std::strtod(every, &end);
            if (end != every && *end == '\0' && v > 0 && v < 86400) interval_ = v;
        }
        on_ = true;
        ticker_ = std::thread([this] { tick(); });
    }
    progress_display(const progress_display&) = delete;
    progress_display& operator=(const progress_display&) = delete;
    ~progress_display() {
        if (!on_) return;
        {
            const std::lock_guard<std::mutex> hold(mutex_);
            stop_ = true;
            if (shown_) std::fputs("\r\033[K", stderr);
        }
        wake_.notify_all();
        ticker_.join();
    }

    /// The observer to put into the command's options (empty when progress is off).
    statement_observer observer() {
        if (!on_) return {};
        return [this](const statement_event& e) { seen(e); };
    }

    /// The observer for copy_options (empty when progress is off): each table's load is a step,
    /// shown as a statement is (rows of the source's count, %, rate, ETA).
    std::function<void(const copy_event&)> copy_observer() {
        if (!on_) return {};
        return [this](const copy_event& e) { copied(e); };
    }

private:
    using clock = std::chrono::steady_clock;

    void copied(const copy_event& e) {
        const auto send = [&](statement_event::phase at, std::int64_t rows, std::int64_t total, const std::string& sql) {
            statement_event s;
            s.at = at;
            s.index = copy_index_;
            s.count = e.count;
            s.rows = rows;
            s.total = total;
            s.sql = sql;
            if (at == statement_event::phase::finished)
                s.elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - copy_started_);
            seen(s);
        };
        if (copy_open_ && (e.done || e.table != copy_table_)) {  // the table before is loaded
            send(statement_event::phase::finished, copy_rows_, -1, "table " + copy_table_);
            copy_open_ = false;
        }
        if (e.done) return;
        if (!copy_open_) {
            copy_index_ = e.index;
            copy_open_ = true;
            copy_table_ = e.table;
            copy_started_ = clock::now();
            send(statement_event::phase::started, -1, e.total, "table " + copy_table_);
        }
        copy_rows_ = e.rows;
        send(statement_event::phase::progress, e.rows, -1, "table " + copy_table_);
    }

    void seen(const statement_event& e) {
        const std::lock_guard<std::mutex> hold(mutex_);
        const std::string step = what_ + " [" + std::to_string(e.index + 1) + "/" + std::to_string(e.count) + "]";
        switch (e.at) {
            case statement_event::phase::started:
                running_ = true;
                step_ = step;
                summary_ = one_line(e.sql, terminal_ ? 60 : 160);
                rows_ = -1;
                total_ = e.total;
                started_ = clock::now();
                last_log_ = started_;
                if (!terminal_) {
                    std::string line = step + " started: " + summary_;
                    if (e.total >= 0) line += " (" + driftless::detail::thousands(e.total) + " rows to read)";
                    std::fprintf(stderr, "%s\n", line.c_str());
                }
                break;
            case statement_event::phase::progress:
                rows_ = e.rows;
                break;
            case statement_event::phase::finished:
            case statement_event::phase::failed: {
                running_ = false;
                const double seconds = std::chrono::duration<double>(e.elapsed).count();
                const bool failed = e.at == statement_event::phase::failed;
                std::string end = failed ? " failed after " + duration_text(seconds) : " done in " + duration_text(seconds);
                if (!failed && e.rows > 0) end += " (" + driftless::detail::thousands(e.rows) + (e.rows == 1 ? " row)" : " rows)");
                if (!terminal_) {
                    std::fprintf(stderr, "%s%s\n", step.c_str(), end.c_str());
                } else if (shown_) {  // a long step keeps its line, with how long it took
                    std::fprintf(stderr, "\r\033[K%s\n", fitted(step, summary_, ":" + end).c_str());
                    shown_ = false;
                }
                break;
            }
        }
        std::fflush(stderr);
    }

    /// "<step> <statement>: <figures>" within the terminal's width less one column (a line that
    /// wraps cannot be redrawn in place): the statement is shortened first, then the figures' end.
    static std::string fitted(const std::string& step, const std::string& statement, const std::string& figures) {
        struct winsize size {};
        const std::size_t width = ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 1 ? size.ws_col - 1U : 79U;
        const std::size_t fixed = step.size() + 1 + figures.size();
        std::string line = step + " ";
        if (fixed < width) line += statement.size() <= width - fixed ? statement : one_line(statement, std::max<std::size_t>(width - fixed, 4));
        line += figures;
        if (line.size() <= width) return line;
        std::size_t cut = width;
        while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
        line.resize(cut);
        return line;
    }

    /// "1,234 / 5,000 rows (24%), 410,000 rows/s, ETA 9 s" or "1,234 rows" or "".
    [[nodiscard]] std::string rows_text(double seconds) const {
        using driftless::detail::thousands;
        if (rows_ < 0 || (rows_ == 0 && total_ < 0)) return {};  // no rows to tell of (an index build): the time alone
        std::string out = thousands(rows_);
        if (total_ > 0) {
            const std::int64_t shown_total = std::max(total_, rows_);
            out += " / " + thousands(shown_total) + " rows (" + std::to_string(rows_ * 100 / shown_total) + "%)";
        } else {
            out += " rows";
        }
        if (seconds > 0.05 && rows_ > 0) {
            const double rate = static_cast<double>(rows_) / seconds;
            out += ", " + thousands(static_cast<std::int64_t>(rate)) + " rows/s";
            if (total_ > rows_) out += ", ETA " + duration_text(static_cast<double>(total_ - rows_) / rate);
        }
        return out;
    }

    void tick() {
        std::unique_lock<std::mutex> hold(mutex_);
        while (!stop_) {
            wake_.wait_for(hold, std::chrono::duration<double>(std::min(0.25, interval_ / 4)));
            if (stop_ || !running_) continue;
            const auto now = clock::now();
            const double seconds = std::chrono::duration<double>(now - started_).count();
            const std::string rows = rows_text(seconds);
            if (terminal_) {
                if (seconds < std::min(1.0, interval_)) continue;
                const std::string line = fitted(step_, summary_, ": " + (rows.empty() ? "" : rows + ", ") + duration_text(seconds));
                std::fprintf(stderr, "\r\033[K%s", line.c_str());
                shown_ = true;
            } else {
                if (std::chrono::duration<double>(now - last_log_).count() < interval_) continue;
                last_log_ = now;
                std::fprintf(stderr, "%s %s%s so far\n", step_.c_str(), rows.empty() ? "" : (rows + ", ").c_str(),
                             duration_text(seconds).c_str());
            }
            std::fflush(stderr);
        }
    }

    std::string what_;
    bool on_ = false;
    bool terminal_ = false;
    double interval_ = 5;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::thread ticker_;
    bool stop_ = false;
    bool running_ = false;
    bool shown_ = false;
    std::string step_;
    std::string summary_;
    std::int64_t rows_ = -1;
    std::int64_t total_ = -1;
    clock::time_point started_{};
    clock::time_point last_log_{};
    // copy_observer: the table being loaded.
    std::string copy_table_;
    std::size_t copy_index_ = 0;
    std::int64_t copy_rows_ = 0;
    bool copy_open_ = false;
    clock::time_point copy_started_{};
};

// The file workflow, where the backend has it (the overloads above say where it has not).
template <class Db>
apply_result apply_migrations(const Db& db, const std::filesystem::path& dir, const apply_options& o) {
    return driftless::apply_migrations(db, dir, o);
}
template <class Db>
apply_result apply_migration_file(const Db& db, const std::filesystem::path& file, const apply_options& o) {
    return driftless::apply_migration_file(db, file, o);
}
template <class Db>
void baseline(const Db& db, std::int64_t version, const std::string& description) {
    driftless::baseline(db, version, description);
}

inline output need_models(const model_set* m, std::string_view command) {
    if (m == nullptr || m->models.empty())
        throw error(errc::usage, "driftless.cli.no_models",
                    "'" + std::string(command) + "' compares models with the database, and this driftless executable was built "
                    "without models; build your own with driftless::cli::main<YourModels...>(argc, argv)");
    return {};
}

/// The first word of the command line that is not an option or an option's value: the command
/// as the user typed it ("" when there is none). The options are `app`'s own (those before the
/// command): whether each takes a value is read from it. An option it does not know (a misspelt
/// one, whose value would look like a command) ends the search: "" (CLI11 reports the option).
inline std::string typed_command(int argc, const char* const* argv, const CLI::App& app) {
    std::vector<std::string> with_value, flags;
    for (const CLI::Option* o : app.get_options()) {
        std::vector<std::string>& names = o->get_items_expected_max() == 0 ? flags : with_value;
        for (const auto& n : o->get_lnames()) names.push_back("--" + n);
        for (const auto& n : o->get_snames()) names.push_back("-" + n);
    }
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a.rfind("-", 0) == 0) {
            const std::string_view name = a.substr(0, a.find('='));
            const bool takes_value = std::find(with_value.begin(), with_value.end(), name) != with_value.end();
            if (!takes_value && std::find(flags.begin(), flags.end(), name) == flags.end()) return {};
            if (takes_value && name.size() == a.size()) ++i;
            continue;
        }
        return std::string(a);
    }
    return {};
}

inline std::string sql_text(const std::vector<std::string>& statements) {
    std::string out;
    for (const auto& s : statements) out += s + ";\n";
    return out;
}

}  // namespace detail

/// Run the command line with the given models (nullptr: none). Returns the process exit code.
DRIFTLESS_CLI_INLINE int run(int argc, const char* const* argv, const model_set* models) {
    namespace json = boost::json;
    CLI::App app{"driftless: keep the database schema in step with the C++ models, and run versioned migration files",
                 argc > 0 && argv[0] != nullptr ? std::filesystem::path(argv[0]).filename().string() : "driftless"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("driftless ") + std::string(driftless::version));
    std::string database, migrations_dir, config_path;
    bool as_json = false;
    app.add_option("--database", database,
                   "database URL: sqlite:PATH[?mode=ro|rw|rwc], sqlite::memory:, postgresql://..., mysql://.../DATABASE (else "
                   "DRIFTLESS_DATABASE_URL, else driftless.toml, else DATABASE_URL; the variables from the environment or ./.env)");
    app.add_option("--migrations", migrations_dir, "migrations directory (else driftless.toml, else ./migrations)");
    app.add_option("--config", config_path,
                   "configuration file (default: driftless.toml here or in the nearest directory above that has one)");
    app.add_flag("--json", as_json, "print one JSON object on stdout instead of text");
    app.footer("Exit codes: 0 done, 1 verify found drift, 2 bad usage or configuration, 3 refused (data or history "
               "would be lost or is inconsistent), 4 database error, 5 the migration lock was busy.");

    const bool generic = models == nullptr || models->models.empty();
    if (generic)
        app.footer(app.get_footer() +
                   "\n\nThis is the generic tool: it runs migration files and reads the history. plan, migrate, generate "
                   "and create compare C++ models with the database; build a tool with yours: int main(int argc, char** "
                   "argv) { return driftless::cli::main<User, Post>(argc, argv); } (see README, \"The command line\").");
    const auto sub = [&app, generic](const char* name, const char* help, bool needs_models = false) {
        CLI::App* s = app.add_subcommand(name, help);
        s->fallthrough();
        s->footer("Global options (before or after the command): --database URL, --migrations DIR, --config FILE, --json, "
                  "--version. The database comes from --database, else DRIFTLESS_DATABASE_URL, else driftless.toml, else "
                  "DATABASE_URL.");
        if (needs_models && generic) s->group("");  // listed only by tools built with models
        return s;
    };
    std::string init_url = "sqlite:app.db";
    bool force = false;
    CLI::App* init = sub("init", "write driftless.toml and create the migrations directory");
    init->add_option("--url", init_url, "the database URL to write into driftless.toml")->capture_default_str();
    init->add_flag("--force", force, "overwrite an existing driftless.toml");

    CLI::App* status = sub("status", "list the migrations recorded in the database, and the pending files");

    std::vector<std::string> model_names;
    bool prune_unmanaged = false, exact_types = false;
    const auto adoption_flags = [&](CLI::App* command) {
        command->add_flag("--prune-unmanaged", prune_unmanaged,
                          "drop the indexes, checks and unique constraints of managed tables that no model names and "
                          "driftless did not create (kept by default)");
        command->add_flag("--exact-types", exact_types,
                          "change a column whose declared type is spelled differently even where the engine treats both as "
                          "one type (SQLite: VARCHAR(20) and TEXT)");
    };
    bool allow_data_loss = false, dry_run = false, show_status = false, verify_all = false;
    CLI::App* plan = sub("plan",
                         "show what migrate would do: each step with its verdict on the data as it is now (safe, lossy: needs "
                         "--allow-data-loss, blocked) and the SQL; change nothing; exit 3 when migrate would refuse",
                         true);
    plan->add_option("--model", model_names, "only these models (type or table names)");
    plan->add_flag("--allow-data-loss", allow_data_loss, "judge as migrate --allow-data-loss would");
    adoption_flags(plan);

    std::string description;
    std::string dialect_name;
    CLI::App* migrate = sub("migrate", "bring the database to the models now", true);
    migrate->add_option("--description", description, "stored with the migration");
    migrate->add_flag("--allow-data-loss", allow_data_loss, "run steps that discard data");
    migrate->add_flag("--dry-run", dry_run, "plan only");
    bool no_backup = false;
    const char* no_backup_help =
        "SQLite: do not copy the database file before steps that rebuild a table or may discard data (the copy is made by "
        "default, next to the file)";
    migrate->add_flag("--no-backup", no_backup, no_backup_help);
    migrate->add_flag("--status", show_status, "show the recorded migrations instead (same as 'status')");
    migrate->add_flag("--verify", verify_all, "read the catalog even when nothing changed since the last run");
    migrate->add_option("--model", model_names, "only these models (type or table names)");
    migrate->add_option("--dialect", dialect_name, "the dialect the database URL must be (sqlite, postgresql, mysql)");
    adoption_flags(migrate);

    std::string name, output_dir;
    bool apply_after = false;
    CLI::App* generate = sub("generate", "write the plan as the next numbered .sql file (up and down sections)", true);
    generate->add_option("--name", name, "the file's name part (default: the models' names)");
    generate->add_option("--output", output_dir, "directory to write to (default: the migrations directory)");
    generate->add_flag("--apply", apply_after, "apply the file right after writing it");
    generate->add_flag("--allow-data-loss", allow_data_loss, "write steps that discard data (the file says so)");
    generate->add_option("--description", description, "a comment in the file");
    generate->add_option("--model", model_names, "only these models (type or table names)");
    adoption_flags(generate);

    CLI::App* create = sub("create", "generate a migration file named NAME into the migrations directory", true);
    create->add_option("NAME", name, "the file's name part")->required();
    create->add_flag("--allow-data-loss", allow_data_loss, "write steps that discard data (the file says so)");
    adoption_flags(create);

    bool out_of_order = false;
    CLI::App* upgrade = sub("upgrade", "apply every pending migration file, in version order");
    upgrade->add_flag("--out-of-order", out_of_order, "apply pending files older than the newest applied migration");
    upgrade->add_flag("--allow-data-loss", allow_data_loss, "run files that drop data");
    upgrade->add_flag("--dry-run", dry_run, "list what would run");
    upgrade->add_flag("--no-backup", no_backup, no_backup_help);
    bool ignore_missing = false;
    upgrade->add_flag("--ignore-missing", ignore_missing,
                      "go on although an applied file is no longer in the directory, or a pending file repeats an applied one");

    std::string file;
    CLI::App* apply = sub("apply", "apply one migration file");
    apply->add_option("FILE", file, "the .sql file")->required();
    apply->add_flag("--allow-data-loss", allow_data_loss, "run it even if it drops data");
    apply->add_flag("--out-of-order", out_of_order, "apply it even if a newer migration is applied");
    apply->add_flag("--no-backup", no_backup, no_backup_help);

    std::string rollback_model;
    CLI::App* rollback = sub("rollback", "undo the most recent migration (of one model's table with --model)");
    rollback->add_option("--model", rollback_model, "the model (type or table name)");
    rollback->add_flag("--allow-data-loss", allow_data_loss, "drop tables or columns that hold data");
    bool whole_migration = false;
    rollback->add_flag("--whole-migration", whole_migration,
                       "with --model: undo the model's latest migration also when it changed other tables (they are undone too)");

    CLI::App* verify = sub("verify", "report drift: changed, missing or pending files, and models that differ from the schema (exit 1)");

    std::int64_t repair_version = 0, from_step = -1;
    std::string who;
    std::optional<repair_action> repair_chosen;
    CLI::App* repair = sub("repair",
                           "list the migrations that stopped part-way or whose applied file changed (exit 1 when there are any), "
                           "or resolve one as you say after inspecting the database");
    const auto action_option = [&](const char* flag, repair_action a, const char* help) {
        return repair->add_option_function<std::int64_t>(
                         flag,
                         [&, a](const std::int64_t& v) {
                             repair_chosen = a;
                             repair_version = v;
                         },
                         help)
            ->type_name("VERSION")
            ->check(CLI::PositiveNumber);
    };
    CLI::Option* mark_applied = action_option("--mark-applied", repair_action::mark_applied,
                                              "every step of that run is in effect (for a rollback: none of its steps is)");
    CLI::Option* mark_rolled_back = action_option("--mark-rolled-back", repair_action::mark_rolled_back,
                                                  "none of that run's steps is in effect (for a rollback: all are)");
    CLI::Option* resume = action_option("--resume", repair_action::resume,
                                        "the first --from-step N steps of that run are in effect; the next run does the rest");
    CLI::Option* accept_checksum = action_option("--accept-checksum", repair_action::accept_checksum,
                                                 "that applied file, as it is now, is what the database has: record its checksum");
    CLI::Option* from = repair->add_option("--from-step", from_step, "with --resume: how many steps are in effect")->check(CLI::NonNegativeNumber);
    resume->needs(from);
    from->needs(resume);
    mark_applied->excludes(mark_rolled_back)->excludes(resume)->excludes(accept_checksum);
    mark_rolled_back->excludes(resume)->excludes(accept_checksum);
    resume->excludes(accept_checksum);
    repair->add_option("--who", who, "recorded with the repair (default: $USER@host)");

    std::string format_name = "sql";
    bool live = false;
    CLI::App* schema_command =
        sub("schema", generic ? "print the database's schema as its catalog has it: sql, json, mermaid (an ER diagram) or dot"
                              : "print the models' schema (no database needed) or, with --live, the database's: sql, json, "
                                "mermaid (an ER diagram) or dot");
    schema_command->add_option("--format", format_name, "sql, json, mermaid or dot")->capture_default_str();
    schema_command->add_option("--dialect", dialect_name,
                               "the models' types and SQL in this dialect: sqlite, postgresql, mysql (default: the database "
                               "URL's, else sqlite)");
    if (!generic) {
        schema_command->add_option("--model", model_names, "only these models (type or table names)");
        schema_command->add_flag("--live", live, "the database's schema instead of the models'");
    }

    std::string copy_from, copy_to;
    std::vector<std::string> copy_tables, copy_allow;
    std::size_t batch_rows = copy_options{}.batch_rows;
    bool truncate_first = false, append_rows = false, no_verify = false;
    CLI::App* copy_command = sub("copy",
                                 "copy tables and their rows from another database (--from URL) into the database, creating the "
                                 "tables; each table is read back and its count and digest compared");
    copy_command->add_option("--from", copy_from, "the database to copy from (a URL: sqlite:, postgresql://)")->required();
    copy_command->add_option("--to", copy_to, "the database to copy into (default: the database, found as for every command)");
    copy_command->add_option("--table", copy_tables, "only these tables (default: every table of the source)");
    copy_command->add_option("--batch-rows", batch_rows, "rows per batch; each batch is one transaction")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    CLI::Option* truncate_option = copy_command->add_flag("--truncate", truncate_first, "empty the target tables that have rows first");
    copy_command->add_flag("--append", append_rows, "add to the rows the target tables already have")->excludes(truncate_option);
    copy_command->add_flag("--no-verify", no_verify, "do not read the tables back to compare counts and digests");
    std::vector<std::string> conversion_names;
    for (const conversion c : conversions) conversion_names.push_back(detail::option_spelling(to_string(c)));
    copy_command
        ->add_option("--allow", copy_allow,
                     "a conversion of values the target cannot hold that the copy may make, counted in its notes (repeatable; "
                     "default: none, such a value stops the copy)")
        ->check(CLI::IsMember(conversion_names));

    std::int64_t baseline_version = 0;
    CLI::App* baseline = sub("baseline", "mark an existing database as being at VERSION without running anything");
    baseline->add_option("VERSION", baseline_version, "the version")->required()->check(CLI::PositiveNumber);
    baseline->add_option("--description", description, "stored with the baseline");

    try {
        // A misspelt command: say which one was meant, rather than CLI11's "A subcommand is required".
        const std::string typed =
            detail::typed_command(argc, argv, app);
        std::vector<std::string> names, all;  // the commands listed in --help; and those not listed
        for (const CLI::App* c : std::as_const(app).get_subcommands([](const CLI::App*) { return true; })) {
            all.push_back(c->get_name());
            if (!c->get_group().empty()) names.push_back(c->get_name());
        }
        if (!typed.empty() && std::find(all.begin(), all.end(), typed) == all.end()) {
            const std::string meant = detail::closest(typed, all);
            std::string message = "unknown command '" + typed + "'";
            if (!meant.empty() && std::find(names.begin(), names.end(), meant) != names.end()) {
                message += "; did you mean '" + meant + "'?";
            } else if (!meant.empty()) {
                message += "; '" + meant + "' compares C++ models with the database, which this generic tool has none of: build "
                           "a tool with yours (see --help)";
            }
            std::string listed;
            for (const auto& n : names) listed += (listed.empty() ? "" : ", ") + n;
            throw CLI::ExtrasError(message + (message.back() == '?' ? " Commands: " : ". Commands: ") + listed + " (--help for each)",
                                   CLI::ExitCodes::ExtrasError);
        }
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        if (rc == 0) return 0;
        bool json_asked = false;
        for (int i = 1; i < argc; ++i) json_asked = json_asked || std::string_view(argv[i]) == "--json";
        if (json_asked)
            std::cout << detail::dump(json::object{{"ok", false},
                                                   {"exit_code", static_cast<int>(exit_code::usage)},
                                                   {"error", json::object{{"id", "driftless.cli.usage"}, {"message", e.what()}}}})
                      << "\n";
        return static_cast<int>(exit_code::usage);
    }

    // An error: one JSON object on stdout with --json, else a line on stderr; the exit code.
    const auto fail = [as_json](exit_code code, std::string_view id, const std::string& message, const std::string& statement) {
        if (as_json) {
            json::object err{{"id", std::string(id)}, {"message", message}};
            if (!statement.empty()) err.emplace("statement", statement);
            std::cout << detail::dump(json::object{{"ok", false}, {"exit_code", static_cast<int>(code)}, {"error", std::move(err)}})
                      << "\n";
        } else {
            std::cerr << "driftless: " << printable(message) << "\n";
            if (!statement.empty()) std::cerr << "  statement: " << printable(statement) << "\n";
        }
        return static_cast<int>(code);
    };
    detail::output out;
    try {
        settings s = detail::resolve(database, migrations_dir, config_path, !config_path.empty());
        if (status->parsed() || upgrade->parsed() || verify->parsed() || generate->parsed() || create->parsed()) {
            const std::filesystem::path scanned = generate->parsed() && !output_dir.empty() ? std::filesystem::path(output_dir) : s.migrations;
            for (const std::string& w : skipped_migration_files(scanned)) std::cerr << "driftless: warning: " << printable(w) << "\n";
        }
        if (init->parsed()) {
            const std::filesystem::path config = std::filesystem::path(config_path.empty() ? detail::default_config_name : config_path);
            if (std::filesystem::exists(config) && !force)
                throw error(errc::usage, "driftless.cli.init", "'" + config.string() + "' already exists; pass --force to overwrite it");
            parse_url(init_url);  // refuse a URL that would not work later
            const std::string dir = migrations_dir.empty() ? "migrations" : migrations_dir;
            toml::table t{{"database", toml::table{{"url", init_url}}}, {"migrations", toml::table{{"dir", dir}}}};
            const bool secret = redacted(init_url) != init_url;
            if (secret) {  // owner-only before a byte of the password is written
                std::ofstream(config, std::ios::trunc).close();
                std::error_code ec;
                std::filesystem::permissions(config, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                             std::filesystem::perm_options::replace, ec);
                if (ec)
                    throw error(errc::usage, "driftless.cli.init",
                                "cannot make '" + config.string() + "' readable by its owner only: " + ec.message());
            }
            std::ofstream f(config, std::ios::trunc);
            f << "# driftless configuration (written by 'driftless init'). Relative paths are relative to this file.\n"
              << "# The command line (--database, --migrations) and DRIFTLESS_DATABASE_URL take precedence.\n"
              << t << "\n";
            f.close();
            if (!f) throw error(errc::usage, "driftless.cli.init", "cannot write '" + config.string() + "'");
            const std::filesystem::path created = detail::beside(config, dir);
            std::filesystem::create_directories(created);
            out.fields = {{"config", config.string()}, {"migrations", created.string()}, {"database", redacted(init_url)}};
            out.text = "wrote " + config.string() + " (database " + redacted(init_url) + (secret ? "; readable by its owner only" : "") +
                       ")\ncreated " + created.string() + "/\n";
        } else if (status->parsed() || (migrate->parsed() && show_status)) {
            bool missing = false;
            const auto records = detail::with_database(s, detail::open_mode::plan, &missing,
                                                       [](const auto& db) { return driftless::migration_status(db); });
            const auto files = read_migration_dir(s.migrations);
            const verify_report report = verify_files(files, records);
            json::array rows;
            std::string text;
            for (const auto& r : records) {
                rows.emplace_back(json::object{{"version", r.version},
                                               {"description", r.description},
                                               {"kind", r.kind},
                                               {"source", r.source},
                                               {"checksum", r.checksum},
                                               {"applied_at", r.applied_at},
                                               {"execution_ms", r.execution_ms},
                                               {"rolled_back", r.rolled_back()},
                                               {"rolled_back_at", r.rolled_back_at ? json::value(*r.rolled_back_at) : json::value()},
                                               {"state", r.state},
                                               {"backup", r.backup.empty() ? json::value() : json::value(r.backup)}});
                text += version_text(r.version) + "  " + r.applied_at + "  " + r.kind + "  " +
                        (r.description.empty() ? r.source : r.description) +
                        (r.rolled_back() ? "  (rolled back " + *r.rolled_back_at + ")" : "") + "\n";
                if (!r.backup.empty()) text += "      backup before it: " + r.backup + "\n";
            }
            if (records.empty()) text += missing ? "no migrations recorded (the database file does not exist yet)\n" : "no migrations recorded\n";
            for (const auto& p : report.pending) text += "pending  " + p + "\n";
            out.fields = {{"database", redacted(s.url)},
                          {"database_exists", !missing},
                          {"migrations", std::move(rows)},
                          {"pending", detail::string_array(report.pending)}};
            out.text = text;
        } else if (plan->parsed() || migrate->parsed()) {
            detail::need_models(models, plan->parsed() ? "plan" : "migrate");
            if (!dialect_name.empty() && dialect_name != parse_url(s.url).scheme)
                throw error(errc::usage, "driftless.cli.dialect",
                            "--dialect " + dialect_name + " does not match the database URL (" + parse_url(s.url).scheme + ")");
            std::string source;
            const schema desired = detail::chosen(*models, model_names, source);
            bool missing = false;
            migrate_options o;
            o.description = description;
            o.allow_data_loss = allow_data_loss;
            o.dry_run = plan->parsed() || dry_run;
            o.prune_unmanaged = prune_unmanaged;
            o.exact_types = exact_types;
            o.verify = true;
            o.backup = !no_backup;
            (void)verify_all;  // the CLI always verifies: it runs once, the fast path is for start-up
            const auto mode = plan->parsed() || dry_run ? detail::open_mode::plan : detail::open_mode::create;
            const std::string scheme = parse_url(s.url).scheme;
            std::string printed_plan;  // a lock-wait retry plans again: the same plan is not printed twice
            if (!as_json)
                o.on_plan = [&printed_plan](const migration_plan& p, const std::vector<std::string>&) {
                    const std::string text = printable(describe(p));
                    if (text == printed_plan) return;
                    printed_plan = text;
                    std::cout << (detail::use_colour(stdout) ? detail::coloured(text) : text) << std::flush;
                };
            detail::progress_display progress("migrate");
            o.observer = progress.observer();
            const migrate_result r = detail::with_database(s, mode, &missing, [&](const auto& db) {
                return driftless::migrate_schema(db, desired, o, source);
            });
            if (o.dry_run && r.refused) out.code = exit_code::refused;
            out.plan = true;
            out.fields = {{"applied", r.applied},
                          {"database_exists", !missing},
                          {"version", r.version},
                          {"refused", r.refused},
                          {"steps", detail::steps_json(r.plan, r.verdicts)},
                          {"statements", detail::string_array(r.statements)},
                          {"notes", detail::string_array(r.plan.notes)},
                          {"kept", detail::string_array(r.plan.kept)},
                          {"unmanaged_tables", detail::string_array(r.plan.unmanaged_tables)}};
            if (r.plan.empty()) {
                out.text = "the database matches the models; nothing to do\n";
                for (const auto& k : r.plan.kept) out.text += "note: " + k + " is not in any model; kept (not in the models)\n";
            } else if (o.dry_run) {
                out.text = (missing ? "(the database file does not exist yet: planned against an empty database)\n" : "") +
                           detail::verdict_text(r, allow_data_loss, scheme) + "\n" + detail::sql_text(r.statements);
            } else {
                out.text = "applied version " + std::to_string(r.version) + " (" +
                           detail::plural(r.statements.size(), "statement", "statements") + ")\n" +
                           (r.backup.empty() ? "" : "the database as it was before: " + r.backup + "\n");
            }
            out.fields.emplace("backup", r.backup.empty() ? json::value() : json::value(r.backup));
        } else if (generate->parsed() || create->parsed()) {
            detail::need_models(models, generate->parsed() ? "generate" : "create");
            std::string source, types;
            const schema desired = detail::chosen(*models, model_names, source, &types);
            generate_options o;
            o.name = name.empty() ? types : name;  // "User Post" -> 0003_user_post.sql
            o.description = description;
            o.apply = apply_after;
            o.allow_data_loss = allow_data_loss;
            o.prune_unmanaged = prune_unmanaged;
            o.exact_types = exact_types;
            const std::filesystem::path dir = output_dir.empty() ? s.migrations : std::filesystem::path(output_dir);
            const generate_result r = detail::with_database(s, detail::open_mode::create, nullptr, [&](const auto& db) {
                return driftless::generate_schema(db, desired, source, dir, o);
            });
            out.fields = {{"written", r.written},
                          {"path", r.path.string()},
                          {"version", r.version},
                          {"applied", r.applied},
                          {"steps", detail::steps_json(r.plan)},
                          {"kept", detail::string_array(r.plan.kept)},
                          {"statements", detail::string_array(r.statements)},
                          {"down_statements", detail::string_array(r.down_statements)}};
            out.text = r.written ? "wrote " + r.path.string() + " (" + detail::plural(r.statements.size(), "statement", "statements") +
                                       ")" + (r.applied ? ", applied" : "") + "\n"
                                 : "the database matches the models; no migration file written\n";
        } else if (upgrade->parsed() || apply->parsed()) {
            apply_options o;
            o.allow_data_loss = allow_data_loss;
            o.out_of_order = out_of_order;
            o.dry_run = dry_run;
            o.ignore_missing = ignore_missing;
            o.backup = !no_backup;
            detail::progress_display progress(upgrade->parsed() ? "upgrade" : "apply");
            o.observer = progress.observer();
            apply_result r = detail::with_database(s, detail::open_mode::create, nullptr, [&](const auto& db) {
                return upgrade->parsed() ? detail::apply_migrations(db, s.migrations, o) : detail::apply_migration_file(db, file, o);
            });
            out.fields = {{"applied", detail::string_array(r.applied)}, {"skipped", detail::string_array(r.skipped)}, {"dry_run", dry_run}, {"backups", detail::string_array(r.backups)}};
            out.fields.emplace("statements", detail::string_array(r.statements));
            std::string text;
            for (const auto& b : r.backups) text += "the database as it was before: " + b + "\n";
            for (const auto& f : r.applied) text += (dry_run ? "would apply " : "applied ") + f + "\n";
            if (r.applied.empty()) text += apply->parsed() ? file + " is already applied; nothing to do\n" : "no pending migrations\n";
            out.text = text;
        } else if (rollback->parsed()) {
            std::string table;
            if (!rollback_model.empty()) {
                if (models == nullptr) {
                    table = rollback_model;  // no models: take it as a table name
                } else {
                    std::string source;
                    const schema one = detail::chosen(*models, {rollback_model}, source);
                    table = one.tables.empty() ? rollback_model : one.tables.front().name;
                }
            }
            detail::progress_display progress("rollback");
            const std::int64_t version = detail::with_database(s, detail::open_mode::existing, nullptr, [&](const auto& db) {
                return detail::rollback_table(db, table, allow_data_loss, whole_migration, progress.observer());
            });
            out.fields = {{"rolled_back", version != 0}, {"version", version}};
            out.text = version != 0 ? "rolled back version " + std::to_string(version) + "\n" : "nothing to roll back\n";
        } else if (verify->parsed()) {
            const verify_report report = detail::with_database(s, detail::open_mode::plan, nullptr, [&](const auto& db) {
                verify_report v = driftless::verify_files(db, s.migrations);
                if (models != nullptr && !models->models.empty()) {
                    migrate_options o;
                    o.dry_run = true;
                    o.verify = true;
                    std::string source;
                    const schema desired = detail::chosen(*models, {}, source);
                    v.schema = driftless::detail::drift_lines(driftless::migrate_schema(db, desired, o, source).plan);
                }
                return v;
            });
            out.fields = {{"drift", report.drift()},
                          {"changed", detail::string_array(report.changed)},
                          {"missing", detail::string_array(report.missing)},
                          {"pending", detail::string_array(report.pending)},
                          {"schema", detail::string_array(report.schema)}};
            std::string text;
            for (const auto& l : report.changed) text += "changed  " + l + "\n";
            for (const auto& l : report.missing) text += "missing  " + l + "\n";
            for (const auto& l : report.pending) text += "pending  " + l + "\n";
            for (const auto& l : report.schema) text += "schema   " + l + "\n";
            if (!report.drift()) text = "no drift\n";
            out.text = text;
            if (report.drift()) out.code = exit_code::drift;
        } else if (repair->parsed() && !repair_chosen) {
            const bool files = std::filesystem::is_directory(s.migrations);
            const std::vector<stuck_migration> list = detail::with_database(s, detail::open_mode::plan, nullptr, [&](const auto& db) {
                return driftless::stuck_migrations(db, files ? s.migrations : std::filesystem::path());
            });
            json::array rows;
            std::string text;
            for (const stuck_migration& m : list) {
                json::object row{{"version", m.row.version}, {"source", m.row.source},     {"kind", m.row.kind},
                                 {"problem", m.problem},     {"steps", m.steps},           {"steps_done", m.row.statements_done},
                                 {"next_step", m.next_step}, {"catalog", detail::string_array(m.catalog)},       {"advice", m.advice}};
                if (!m.file.empty()) {
                    row.emplace("file", m.file);
                    row.emplace("recorded_checksum", m.row.checksum);
                    row.emplace("file_checksum", m.file_checksum);
                }
                rows.emplace_back(std::move(row));
                text += "version " + std::to_string(m.row.version) + " (" + m.row.source + ", " + m.row.kind + "): " + m.problem;
                if (m.file.empty()) {
                    text += " with " + std::to_string(m.row.statements_done) + " of " + std::to_string(m.steps) + " steps recorded\n";
                    if (!m.next_step.empty()) text += "  next step:  " + m.next_step + "\n";
                    for (const auto& c : m.catalog) text += "  catalog:    " + c + "\n";
                } else {
                    text += ": recorded sha256 " + m.row.checksum + ", " + m.file + " now " + m.file_checksum + "\n";
                }
                text += "  resolve:    " + m.advice + "\n";
            }
            out.fields = {{"stuck", json::value(std::move(rows))}};
            out.text = list.empty() ? "nothing to repair\n" : text;
            if (!list.empty()) out.code = exit_code::drift;
        } else if (repair->parsed()) {
            repair_options o;
            o.from_step = from_step;
            o.migrations = s.migrations;
            o.who = who;
            const repair_result r = detail::with_database(s, detail::open_mode::existing, nullptr, [&](const auto& db) {
                return driftless::repair(db, *repair_chosen, repair_version, o);
            });
            out.fields = {{"version", r.version}, {"action", r.action}, {"detail", r.detail}, {"who", r.who}, {"at", r.at}};
            out.text = "version " + std::to_string(r.version) + ": " + r.detail + " (recorded in _driftless_repairs as " + r.action +
                       " by " + r.who + " at " + r.at + ")\n";
        } else if (schema_command->parsed()) {
            const bool as_json_format = driftless::detail::same_name(format_name, "json");
            const std::optional<schema_format> format = parse_schema_format(format_name);
            if (!as_json_format && !format)
                throw error(errc::usage, "driftless.cli.format", "--format " + format_name + " is not one of sql, json, mermaid, dot");
            if (!dialect_name.empty() && dialect_name != "sqlite" && dialect_name != "postgresql" && dialect_name != "mysql")
                throw error(errc::usage, "driftless.cli.dialect", "--dialect " + dialect_name + " is not one of sqlite, postgresql, mysql");
            schema shown;
            dialect d = dialect::sqlite;
            if (live || generic) {
                const std::string scheme = parse_url(s.url).scheme;
                if (!dialect_name.empty() && dialect_name != scheme)
                    throw error(errc::usage, "driftless.cli.dialect",
                                "--dialect " + dialect_name + " does not match the database URL (" + scheme + ")");
                d = detail::dialect_of(scheme);
                shown = detail::with_database(s, detail::open_mode::existing, nullptr, [&](const auto& db) { return read_schema(db); });
            } else {
                std::string source;
                shown = detail::chosen(*models, model_names, source);
                d = !dialect_name.empty() ? detail::dialect_of(dialect_name)
                    : !s.url.empty()      ? detail::dialect_of(parse_url(s.url).scheme)
                                          : dialect::sqlite;
            }
            out.fields = {{"format", as_json_format ? std::string("json") : std::string(to_string(*format))},
                          {"dialect", std::string(to_string(d))},
                          {"source", std::string(live || generic ? "database" : "models")}};
            if (as_json_format) {
                json::array tables = detail::schema_json(shown, d);
                out.text = detail::dump(json::object{{"dialect", std::string(to_string(d))}, {"tables", tables}}) + "\n";
                out.fields.emplace("tables", std::move(tables));
            } else {
                out.text = schema_text(shown, *format, d);
                out.fields.emplace("text", out.text);
            }
        } else if (copy_command->parsed()) {
            settings source = s, target = s;
            source.url = copy_from;
            if (!copy_to.empty()) target.url = copy_to;
            if (target.url.empty())
                throw error(errc::usage, "driftless.cli.database",
                            "no database to copy into: pass --to URL or --database URL, or set DRIFTLESS_DATABASE_URL");
            copy_options o;
            o.tables = copy_tables;
            o.batch_rows = batch_rows;
            o.existing = truncate_first ? existing_rows::truncate : append_rows ? existing_rows::append : existing_rows::refuse;
            o.verify = !no_verify;
            for (const std::string& name : copy_allow) {
                for (const conversion c : conversions) {
                    if (detail::option_spelling(to_string(c)) == name) o.allow.push_back(c);
                }
            }
            o.description = "copy from " + redacted(copy_from);
            detail::progress_display progress("copy");
            o.observer = progress.copy_observer();
            const copy_result r = detail::with_database(source, detail::open_mode::existing, nullptr, [&](const auto& from) {
                return detail::with_database(target, detail::open_mode::create, nullptr,
                                             [&](const auto& to) -> copy_result { return copy_database(from, to, o); });
            });
            json::array tables;
            std::string text;
            std::int64_t rows = 0;
            for (const copy_table_result& t : r.tables) {
                tables.emplace_back(json::object{{"name", t.name}, {"rows", t.rows}, {"milliseconds", static_cast<std::int64_t>(t.seconds * 1000 + 0.5)}, {"verified", t.verified}, {"digest", t.digest}, {"resumed_rows", t.resumed_rows}});
                char line[200];
                std::snprintf(line, sizeof line, "  %-24s %12lld rows %9.2f s %s%s\n", t.name.c_str(), static_cast<long long>(t.rows), t.seconds,
                              t.verified ? "verified" : "not verified",
                              t.resumed_rows == 0 ? ""
                              : t.resumed_rows == t.rows ? " (copied by an earlier run that stopped)"
                                                         : (" (went on after " + std::to_string(t.resumed_rows) + " rows an earlier run copied)").c_str());
                text += line;
                rows += t.rows;
            }
            for (const std::string& n : r.notes) text += "note: " + detail::in_command_terms(n) + "\n";
            out.text = "copied " + detail::plural(r.tables.size(), "table", "tables") + " (" + detail::plural(static_cast<std::size_t>(rows), "row", "rows") +
                       ") from " + redacted(copy_from) + " to " + redacted(target.url) + (no_verify ? "" : ", each verified") + "\n" + text;
            out.fields = {{"from", redacted(copy_from)}, {"to", redacted(target.url)}, {"version", r.version}, {"tables", std::move(tables)},
                          {"notes", detail::string_array(r.notes)}};
        } else if (baseline->parsed()) {
            detail::with_database(s, detail::open_mode::existing, nullptr, [&](const auto& db) {
                detail::baseline(db, baseline_version, description.empty() ? "baseline" : description);
            });
            out.fields = {{"version", baseline_version}};
            out.text = "marked the database as being at version " + std::to_string(baseline_version) + "\n";
        }
    } catch (const error& e) {
        return fail(detail::code_of(e), e.id(), detail::in_command_terms(e.what()), e.statement());
    } catch (const std::filesystem::filesystem_error& e) {
        return fail(exit_code::usage, "driftless.cli.file", "driftless.cli.file: " + std::string(e.what()), {});
    } catch (const std::exception& e) {
        return fail(exit_code::database, "driftless.cli.failure", e.what(), {});
    }
    if (as_json) {
        json::object all{{"ok", true}, {"exit_code", static_cast<int>(out.code)}};
        for (auto& f : out.fields) all.emplace(f.key(), std::move(f.value()));
        std::cout << detail::dump(std::move(all)) << "\n";
    } else {
        const std::string text = printable(out.text);
        std::cout << (out.plan && detail::use_colour(stdout) ? detail::coloured(text) : text);
    }
    return static_cast<int>(out.code);
}

}  // namespace driftless::cli

#endif  // DRIFTLESS_CLI_RUN_INL_HPP
