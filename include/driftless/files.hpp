// driftless — versioned migration files: names and numbering, the file format (an up and a down
// section), reading a directory, and migrations embedded at build time. Pure: no database here;
// the backends apply them (e.g. <driftless/sqlite.hpp>: apply_migration_file, apply_migrations).
//
// The file format, e.g. migrations/0002_add_karma.sql:
//
//     -- driftless migration 0002: add karma
//     -- from models: users
//     -- driftless:up
//     ALTER TABLE "users" ADD COLUMN "karma" INTEGER NOT NULL DEFAULT 0;
//
//     -- driftless:down
//     ALTER TABLE "users" DROP COLUMN "karma";
//
// Every line before "-- driftless:up" is a comment; everything after "-- driftless:down" is the
// down section, run by rollback. A file without markers is all up section (hand-written files
// need none). A line "-- driftless:allow-data-loss" records that whoever wrote or generated the
// file accepted that it discards data. Markers are whole lines starting in column 1 and are
// matched without regard to case or trailing blanks.
#ifndef DRIFTLESS_FILES_HPP
#define DRIFTLESS_FILES_HPP

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <unistd.h>

#include <driftless/checksum.hpp>
#include <driftless/detail/sql_split.hpp>
#include <driftless/error.hpp>
#include <driftless/history.hpp>
#include <driftless/migrate.hpp>
#include <driftless/plan.hpp>

namespace driftless {

/// A migration file's name and text, wherever it came from: a directory, or a header generated at
/// build time by the CMake function driftless_embed_migrations().
struct embedded_migration {
    std::string_view file_name;  ///< "0001_create_users.sql"
    std::string_view text;       ///< the file's bytes, unchanged
};

/// A migration file, read and split into its sections.
struct migration_file {
    std::int64_t version = 0;     ///< from the file name: "0003_add_karma.sql" -> 3
    std::string file_name{};      ///< "0003_add_karma.sql"
    std::string name{};           ///< "add_karma"
    std::string text{};           ///< as read
    std::string checksum{};       ///< SHA-256 of the normalised text (LF line endings, no BOM)
    std::string up{};             ///< the up section's SQL
    std::string down{};           ///< the down section's SQL (empty when the file has none)
    std::size_t up_line = 1;      ///< the file's line where the up section's text begins
    std::size_t down_line = 0;    ///< ... and the down section's (0 when there is none)
    bool allow_data_loss = false; ///< the file carries "-- driftless:allow-data-loss"
};

inline constexpr std::string_view up_marker = "-- driftless:up";
inline constexpr std::string_view down_marker = "-- driftless:down";
inline constexpr std::string_view allow_data_loss_marker = "-- driftless:allow-data-loss";

namespace detail {

/// `line` without trailing blanks, compared to `marker` without regard to case.
inline bool is_marker_line(std::string_view line, std::string_view marker) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
    if (line.size() != marker.size()) return false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(line[i]) != lower(marker[i])) return false;
    }
    return true;
}

/// "--driftless:down", "-- DRIFTLESS : up" and the like: a marker misspelt, which must not pass
/// silently as a comment (a down section would then run as part of the up section).
inline bool looks_like_marker(std::string_view line) {
    if (line.substr(0, 2) != "--") return false;
    std::size_t i = 2;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    constexpr std::string_view word = "driftless";
    if (line.size() - i < word.size()) return false;
    for (std::size_t k = 0; k < word.size(); ++k) {
        const char c = line[i + k];
        if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != word[k]) return false;
    }
    i += word.size();
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    return i < line.size() && line[i] == ':';
}

}  // namespace detail

/// The highest version a migration can have: 15 digits, far from std::int64_t's limit, so that
/// "the next version" is always one more and file names stay readable.
inline constexpr std::int64_t max_migration_version = 999'999'999'999'999;

namespace detail {
/// One more than `highest`; refused when that would pass max_migration_version.
inline std::int64_t version_after(std::int64_t highest) {
    if (highest >= max_migration_version)
        throw error(errc::usage, "driftless.files.version_limit",
                    "the highest version is " + std::to_string(highest) + "; no migration can follow it (versions go up to " +
                        std::to_string(max_migration_version) + ")");
    return highest + 1;
}
}  // namespace detail

/// The version in a migration file's name: the digits before the first '_' of a name ending in
/// ".sql" ("0003_add_karma.sql" -> 3); nothing when the name does not have that shape.
inline std::optional<std::int64_t> file_version(std::string_view file_name) {
    if (file_name.size() < 5 || file_name.substr(file_name.size() - 4) != ".sql") return std::nullopt;
    std::int64_t version = 0;
    std::size_t i = 0;
    for (; i < file_name.size() && file_name[i] >= '0' && file_name[i] <= '9'; ++i) {
        if (version > max_migration_version / 10) return std::nullopt;  // keeps the number in range
        version = version * 10 + (file_name[i] - '0');
    }
    if (i == 0 || (file_name[i] != '_' && i != file_name.size() - 4)) return std::nullopt;
    return version;
}

/// Parse a migration file's text. Throws driftless::error (errc::usage) when the name carries no
/// version or the markers are out of order.
inline migration_file parse_migration_file(std::string file_name, std::string text) {
    const auto version = file_version(file_name);
    if (!version)
        throw error(errc::usage, "driftless.files.name",
                    "migration file '" + file_name + "' is not named NNNN_name.sql (a version number, '_', a name)");
    if (*version == 0)
        throw error(errc::usage, "driftless.files.name",
                    "migration file '" + file_name + "' has version 0; versions start at 1 (0001_name.sql)");
    migration_file f;
    f.version = *version;
    f.file_name = std::move(file_name);
    const std::size_t digits = f.file_name.find_first_not_of("0123456789");
    f.name = digits < f.file_name.size() - 4 ? f.file_name.substr(digits + 1, f.file_name.size() - 4 - digits - 1) : "";
    f.checksum = migration_checksum(text);
    f.text = std::move(text);
    // The sections keep the file's own bytes (a CR inside a string literal stays a CR); only the
    // checksum reads the text with its line endings normalised. Lines end at LF, CRLF or a lone CR.
    std::string_view raw = f.text;
    if (raw.substr(0, 3) == "\xEF\xBB\xBF") raw.remove_prefix(3);

    enum { before, up, down } section = before;
    bool any_marker = false;
    // Each section is one run of the file's lines: kept as [begin, end) offsets of `raw` and copied
    // once at the end (a large file costs its size once more, not a doubling string's growth).
    struct span {
        std::size_t begin = 0, end = 0;
    };
    span head;  // lines before the first marker: the up section when there is no marker
    span up_span, down_span;
    std::size_t pos = 0;
    std::size_t line_number = 0;
    while (pos < raw.size()) {
        ++line_number;
        std::size_t end = raw.find_first_of("\r\n", pos);
        std::size_t next = end == std::string_view::npos ? raw.size() : end + 1;
        if (end == std::string_view::npos) end = raw.size();
        else if (raw[end] == '\r' && next < raw.size() && raw[next] == '\n') ++next;
        const std::string_view line = raw.substr(pos, end - pos);
        pos = next;
        if (detail::is_marker_line(line, up_marker)) {
            if (section != before)
                throw error(errc::usage, "driftless.files.format",
                            "migration file '" + f.file_name + "' has '" + std::string(up_marker) +
                                "' after its up section began; one up section, then one down section");
            if (!detail::split_sql(raw.substr(head.begin, head.end - head.begin), dialect::sqlite).empty())
                throw error(errc::usage, "driftless.files.format",
                            "migration file '" + f.file_name + "' has SQL before its '" + std::string(up_marker) +
                                "' line (line " + std::to_string(line_number) +
                                "), which would never run; move it below the marker");
            section = up;
            up_span = {pos, pos};
            f.up_line = line_number + 1;
            any_marker = true;
            continue;
        }
        if (detail::is_marker_line(line, down_marker)) {
            if (section == down)
                throw error(errc::usage, "driftless.files.format",
                            "migration file '" + f.file_name + "' has two '" + std::string(down_marker) + "' lines");
            if (section == before) up_span = head;  // no up marker: what came before is the up section
            section = down;
            down_span = {pos, pos};
            f.down_line = line_number + 1;
            any_marker = true;
            continue;
        }
        if (detail::is_marker_line(line, allow_data_loss_marker)) {
            f.allow_data_loss = true;
        } else if (detail::looks_like_marker(line)) {
            throw error(errc::usage, "driftless.files.format",
                        "line " + std::to_string(line_number) + " of migration file '" + f.file_name + "' ('" + std::string(line) +
                            "') looks like a driftless marker but is not one of '" + std::string(up_marker) + "', '" +
                            std::string(down_marker) + "', '" + std::string(allow_data_loss_marker) + "'");
        }
        switch (section) {
            case before: head.end = pos; break;
            case up: up_span.end = pos; break;
            case down: down_span.end = pos; break;
        }
    }
    if (!any_marker) up_span = head;
    f.up.assign(raw.substr(up_span.begin, up_span.end - up_span.begin));
    f.down.assign(raw.substr(down_span.begin, down_span.end - down_span.begin));
    return f;
}

/// Read one migration file.
inline migration_file read_migration_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw error(errc::usage, "driftless.files.read", "cannot read migration file '" + path.string() + "'");
    // Read in one piece at the file's size (no growth by doubling: a large file costs its size).
    std::string text;
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    in.seekg(0, std::ios::beg);
    if (size > 0) {
        text.resize(static_cast<std::size_t>(size));
        in.read(text.data(), size);
        text.resize(static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad() || size < 0)
        throw error(errc::usage, "driftless.files.read", "cannot read migration file '" + path.string() + "'");
    return parse_migration_file(path.filename().string(), std::move(text));
}

namespace detail {

/// Sort by version; refuse two files with one version.
inline std::vector<migration_file> ordered(std::vector<migration_file> files, std::string_view where) {
    std::sort(files.begin(), files.end(),
              [](const migration_file& a, const migration_file& b) { return a.version < b.version; });
    for (std::size_t i = 1; i < files.size(); ++i) {
        if (files[i].version == files[i - 1].version)
            throw error(errc::usage, "driftless.files.duplicate_version",
                        "'" + files[i - 1].file_name + "' and '" + files[i].file_name + "' in " + std::string(where) +
                            " have the same version " + std::to_string(files[i].version) + "; renumber one of them");
    }
    return files;
}

}  // namespace detail

/// The migration files (*.sql) of `dir`, by version. Other files are ignored; a .sql file whose
/// name has no version, or two files with one version, are refused. A missing directory has none.
inline std::vector<migration_file> read_migration_dir(const std::filesystem::path& dir) {
    std::vector<migration_file> files;
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) return files;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (!entry.is_regular_file() || entry.path().extension() != ".sql") continue;
        files.push_back(read_migration_file(entry.path()));
    }
    return detail::ordered(std::move(files), "'" + dir.string() + "'");
}

/// What read_migration_dir() passes over in `dir` that looks meant as a migration, one sentence
/// each: a name ending in ".sql" spelt in another case ("0002_x.SQL"), and a link whose target is
/// missing. Nothing for a missing directory.
inline std::vector<std::string> skipped_migration_files(const std::filesystem::path& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return out;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        std::string extension = entry.path().extension().string();
        for (char& c : extension) c = detail::to_lower(c);
        if (extension != ".sql") continue;
        std::error_code status_error;
        const bool dangling = entry.is_symlink(status_error) && !std::filesystem::exists(entry.path(), status_error);
        if (dangling) {
            out.push_back("'" + name + "' in '" + dir.string() + "' is a link to a file that does not exist; it is skipped");
        } else if (entry.path().extension() != ".sql" && entry.is_regular_file(status_error)) {
            out.push_back("'" + name + "' in '" + dir.string() + "' is skipped: migration files end in lower-case '.sql'");
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

namespace detail {

/// `files` without their full texts (text), for a caller that only runs them: the sections and
/// the checksum are all the runner reads, so a large file is held once, not twice.
inline std::vector<migration_file> runnable(std::vector<migration_file> files) {
    for (migration_file& f : files) std::string().swap(f.text);
    return files;
}

}  // namespace detail

/// The same for migrations embedded at build time.
inline std::vector<migration_file> read_embedded_migrations(std::span<const embedded_migration> migrations) {
    std::vector<migration_file> files;
    files.reserve(migrations.size());
    for (const auto& m : migrations) files.push_back(parse_migration_file(std::string(m.file_name), std::string(m.text)));
    return detail::ordered(std::move(files), "the embedded migrations");
}

/// "AddKarma", "add karma", "users, posts" -> "add_karma", "add_karma", "users_posts": lower case,
/// runs of anything but letters and digits become one '_', camel humps split; at most 60 bytes.
inline std::string migration_name(std::string_view text) {
    std::string out;
    bool gap = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const bool upper = c >= 'A' && c <= 'Z';
        const bool alnum = upper || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum) {
            gap = !out.empty();
            continue;
        }
        if (upper && i > 0 && !out.empty() && ((text[i - 1] >= 'a' && text[i - 1] <= 'z') || (text[i - 1] >= '0' && text[i - 1] <= '9')))
            gap = true;
        if (gap) out += '_';
        gap = false;
        out += upper ? static_cast<char>(c - 'A' + 'a') : c;
    }
    if (out.size() > 60) out.resize(60);
    while (!out.empty() && out.back() == '_') out.pop_back();
    return out.empty() ? "migration" : out;
}

/// "0007" for 7: at least four digits.
inline std::string version_text(std::int64_t version) {
    std::string digits = std::to_string(version);
    return digits.size() >= 4 ? digits : std::string(4 - digits.size(), '0') + digits;
}

/// The text of a migration file, in the format above.
struct migration_file_text {
    std::int64_t version = 0;
    std::string name{};                   ///< the file's name part, e.g. "add_karma"
    std::string description{};            ///< a comment line, when not empty
    std::string source{};                 ///< "from models: ..." comment, when not empty
    std::vector<std::string> notes{};     ///< more comment lines (e.g. the plan's steps)
    std::vector<std::string> up{};        ///< statements, without the ';'
    std::vector<std::string> down{};
    bool allow_data_loss = false;
};

/// Render a migration file: a comment header, the up section, the down section. Statements end in
/// ";" and are separated by a blank line.
inline std::string format_migration_file(const migration_file_text& f) {
    std::string title = f.description.empty() ? f.name : f.description;
    std::replace_if(title.begin(), title.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    std::string out = "-- driftless migration " + version_text(f.version) + ": " + title + "\n";
    const auto comment = [&out](std::string_view text) {
        std::size_t pos = 0;
        while (pos <= text.size()) {
            std::size_t end = text.find_first_of("\r\n", pos);
            if (end == std::string_view::npos) end = text.size();
            out += "-- ";
            out += text.substr(pos, end - pos);
            out += '\n';
            pos = end + 1;
        }
    };
    if (!f.source.empty()) comment("from models: " + f.source);
    for (const auto& note : f.notes) comment(note);
    if (f.allow_data_loss) {
        out += allow_data_loss_marker;
        out += '\n';
    }
    const auto section = [&out](std::string_view marker, const std::vector<std::string>& statements) {
        out += marker;
        out += '\n';
        for (std::size_t i = 0; i < statements.size(); ++i) {
            if (i != 0) out += '\n';
            out += statements[i];
            out += ";\n";
        }
    };
    section(up_marker, f.up);
    out += '\n';
    section(down_marker, f.down);
    return out;
}

/// The next version for a new file in `files`: one more than the highest, and more than
/// `at_least` (e.g. the database's highest recorded version) so that numbers never collide.
inline std::int64_t next_version(const std::vector<migration_file>& files, std::int64_t at_least = 0) {
    std::int64_t highest = at_least;
    for (const auto& f : files) highest = std::max(highest, f.version);
    return detail::version_after(highest);
}


/// Options of apply_migration_file() and apply_migrations().
struct apply_options {
    bool out_of_order = false;     ///< apply a pending file older than the newest applied migration
    bool allow_data_loss = false;  ///< run files that drop tables or columns holding data (a file can
                                   ///< also say so itself: "-- driftless:allow-data-loss")
    bool dry_run = false;          ///< say what would run; change nothing
    /// apply_migrations: go on although an applied file is no longer in the directory (removed on
    /// purpose) or a pending file has the same content as an applied one. Without it, both stop
    /// the run: the first is a renamed, renumbered or wrong directory, the second a file that
    /// would run a second time under a new number.
    bool ignore_missing = false;
    std::chrono::milliseconds lock_timeout{5000};  ///< as migrate_options::lock_timeout
    int lock_retries = 2;                          ///< as migrate_options::lock_retries
    statement_observer observer{};                 ///< sees every statement the files run
    /// SQLite: before a file that may discard data (it drops, deletes, updates, alters or
    /// replaces), copy the database file next to it, as migrate_options::backup does.
    bool backup = false;
};

/// What apply_migration_file() or apply_migrations() did.
struct apply_result {
    std::vector<std::string> applied{};  ///< file names applied, in order
    std::vector<std::string> skipped{};  ///< already applied, unchanged (or covered by a baseline)
    std::vector<std::string> statements{};  ///< what ran (or would run), in order
    std::vector<std::string> backups{};     ///< copies of the database made before files ran (apply_options::backup)
};

/// Where the migration files and the database's history disagree; see verify().
struct verify_report {
    std::vector<std::string> changed{};   ///< applied files whose text changed since (name and both checksums)
    std::vector<std::string> missing{};   ///< applied file migrations whose file is gone
    std::vector<std::string> pending{};   ///< files not applied yet
    std::vector<std::string> schema{};    ///< steps that would bring the live schema to the models
    [[nodiscard]] bool drift() const { return !changed.empty() || !missing.empty() || !pending.empty() || !schema.empty(); }
};

namespace detail {

inline std::string changed_message(const migration_file& f, const migration_record& r) {
    return "migration file '" + f.file_name + "' changed after it was applied as version " + std::to_string(r.version) +
           " (recorded sha256 " + r.checksum + ", file now " + f.checksum + ")";
}

/// What applying `files` to a database with `history` has to do, in order: the files still to run
/// (pointers into `files`). Throws driftless::error when a file was changed after it was applied
/// (errc::checksum_mismatch), when its version is taken by a migration of another kind, or when a
/// pending file is older than the newest applied migration and options.out_of_order is not set.
/// Rows rolled back do not count as applied. Files at or below the newest baseline are covered by it.
/// For a whole directory of files: refuse when an applied file is not among them (its version
/// names a file that is gone: renamed, renumbered, deleted, or this is the wrong directory) or when
/// a file not applied yet has the content of an applied one (a renumbered copy would run twice).
inline void refuse_missing(const std::vector<migration_file>& files, const std::vector<migration_record>& history) {
    // One pass over each list (an upgrade checks this once per file it applies).
    std::set<std::int64_t> applied;
    for (const migration_record& r : history) {
        if (!r.rolled_back()) applied.insert(r.version);
    }
    std::set<std::int64_t> present;
    std::map<std::string, const migration_file*> pending_by_checksum;
    for (const migration_file& f : files) {
        present.insert(f.version);
        if (!applied.count(f.version)) pending_by_checksum.emplace(f.checksum, &f);
    }
    for (const migration_record& r : history) {
        if (r.rolled_back() || r.kind != "file") continue;
        const auto same = pending_by_checksum.find(r.checksum);
        if (same != pending_by_checksum.end())
            throw error(errc::usage, "driftless.files.renamed",
                        "migration file '" + same->second->file_name + "' has the same content as version " +
                            std::to_string(r.version) + " ('" + r.source +
                            "'), which is applied; applying it would run it again. Give the file its "
                            "old name back, or pass ignore_missing (--ignore-missing) if it is meant to run twice");
        if (!present.count(r.version))
            throw error(errc::usage, "driftless.files.missing",
                        "version " + std::to_string(r.version) + " ('" + r.source +
                            "') is applied, but no file of the migrations directory has that version; restore it (or "
                            "check the directory), or pass ignore_missing (--ignore-missing) if it was removed on purpose");
    }
}

inline std::vector<const migration_file*> pending_files(const std::vector<migration_file>& files,
                                                        const std::vector<migration_record>& history,
                                                        const apply_options& options, apply_result* result = nullptr) {
    std::int64_t baseline = 0;
    std::int64_t highest = 0;
    for (const auto& r : history) {
        if (r.rolled_back()) continue;
        highest = std::max(highest, r.version);
        if (r.kind == "baseline") baseline = std::max(baseline, r.version);
    }
    std::vector<const migration_file*> out;
    for (const migration_file& f : files) {
        const auto row = std::find_if(history.begin(), history.end(), [&](const migration_record& r) {
            return r.version == f.version && !r.rolled_back();
        });
        if (row != history.end()) {
            if (row->kind == "file" && row->checksum != f.checksum)
                throw error(errc::checksum_mismatch, "driftless.files.checksum",
                            changed_message(f, *row) + "; restore the file, or put the change in a new migration file (if the database "
                            "already is as the file says now: driftless repair --accept-checksum " + std::to_string(f.version) + ")");
            if (row->kind != "file" && row->kind != "baseline")
                throw error(errc::usage, "driftless.files.version_taken",
                            "version " + std::to_string(f.version) + " of migration file '" + f.file_name +
                                "' is already taken by a '" + row->kind + "' migration (" + row->description +
                                "); renumber the file above " + std::to_string(highest));
            if (result != nullptr) result->skipped.push_back(f.file_name);
            continue;
        }
        if (f.version <= baseline) {
            if (result != nullptr) result->skipped.push_back(f.file_name);
            continue;
        }
        if (f.version < highest && !options.out_of_order)
            throw error(errc::usage, "driftless.files.out_of_order",
                        "migration file '" + f.file_name + "' (version " + std::to_string(f.version) +
                            ") is not applied, but version " + std::to_string(highest) +
                            " already is; renumber it, or pass out_of_order to apply it anyway");
        out.push_back(&f);
    }
    return out;
}

}  // namespace detail

/// Compare migration files with a database's history: changed, missing and pending files. The
/// schema part of the report is the backend's (verify with models).
inline verify_report verify_files(const std::vector<migration_file>& files, const std::vector<migration_record>& history) {
    verify_report report;
    std::int64_t baseline = 0;
    for (const auto& r : history) {
        if (!r.rolled_back() && r.kind == "baseline") baseline = std::max(baseline, r.version);
    }
    for (const migration_file& f : files) {
        const auto row = std::find_if(history.begin(), history.end(), [&](const migration_record& r) {
            return r.version == f.version && !r.rolled_back();
        });
        if (row == history.end()) {
            if (f.version > baseline) report.pending.push_back(f.file_name);
        } else if (row->kind == "file" && row->checksum != f.checksum) {
            report.changed.push_back(detail::changed_message(f, *row));
        } else if (row->kind != "file" && row->kind != "baseline") {
            report.changed.push_back("migration file '" + f.file_name + "' has version " + std::to_string(f.version) +
                                     ", which the database records as a '" + row->kind + "' migration");
        }
    }
    for (const auto& r : history) {
        if (r.kind != "file" || r.rolled_back()) continue;
        const bool found = std::any_of(files.begin(), files.end(), [&](const migration_file& f) { return f.version == r.version; });
        if (!found) report.missing.push_back("version " + std::to_string(r.version) + " ('" + r.source + "') was applied, but its file is gone");
    }
    return report;
}


/// Options of generate().
struct generate_options {
    std::string name{};            ///< the file's name part; default: the models' names, snake_cased
    std::string description{};     ///< a comment in the file, and the history row's description
    bool apply = false;            ///< apply the file right after writing it
    bool allow_data_loss = false;  ///< write steps that discard data (the file then says so)
    bool exact_types = false;      ///< as migrate_options::exact_types
    bool prune_unmanaged = false;  ///< as migrate_options::prune_unmanaged
    std::chrono::milliseconds lock_timeout{5000};  ///< as migrate_options::lock_timeout
    int lock_retries = 2;                          ///< as migrate_options::lock_retries
};

/// What generate() did.
struct generate_result {
    bool written = false;                      ///< false when the models and the database already match
    std::filesystem::path path{};              ///< the file written
    std::int64_t version = 0;
    migration_plan plan{};
    std::vector<std::string> statements{};     ///< the up section
    std::vector<std::string> down_statements{};
    bool applied = false;                      ///< with generate_options::apply
};

namespace detail {

/// The up section's statements, with their lines; an unterminated construct names the file.
inline std::vector<sql_piece> split_up(const migration_file& f, dialect d) {
    try {
        return split_sql(f.up, d);
    } catch (const error& e) {
        throw error(e.code(), e.id(),
                    "in '" + f.file_name + "' (lines counted from its up section, which starts on line " +
                        std::to_string(f.up_line) + "): " + std::string(e.what()).substr(e.id().size() + 2));
    }
}

/// The statements of `f`'s up section where they lie in it (views of f.up, which must outlive
/// them), each with its line in the section: split_up without a copy of the text.
inline std::vector<std::pair<std::string_view, std::size_t>> up_statements(const migration_file& f, dialect d) {
    try {
        std::vector<std::pair<std::string_view, std::size_t>> out;
        const std::string_view up = f.up;
        sql_splitter splitter(up, d);
        while (const std::optional<sql_span> span = splitter.next()) {
            if (span->end > span->begin) out.emplace_back(up.substr(span->begin, span->end - span->begin), span->line);
        }
        return out;
    } catch (const error& e) {
        throw error(e.code(), e.id(),
                    "in '" + f.file_name + "' (lines counted from its up section, which starts on line " +
                        std::to_string(f.up_line) + "): " + std::string(e.what()).substr(e.id().size() + 2));
    }
}

/// The down section's statements; an unterminated construct names the file.
inline std::vector<std::string> split_down(const migration_file& f, dialect d) {
    try {
        std::vector<std::string> out;
        for (auto& piece : split_sql(f.down, d)) out.push_back(std::move(piece.text));
        return out;
    } catch (const error& e) {
        throw error(e.code(), e.id(), "the down section of '" + f.file_name + "': " + std::string(e.what()).substr(e.id().size() + 2));
    }
}

/// `e`, raised by a statement of `f`, again with the file's name and the statement's line.
[[noreturn]] inline void rethrow_in_file(const error& e, const migration_file& f, const sql_piece& piece) {
    throw error(e.code(), e.id(),
                "in '" + f.file_name + "' (line " + std::to_string(f.up_line + piece.line - 1) +
                    "): " + std::string(e.what()).substr(e.id().size() + 2),
                e.statement(), e.native_code(), e.sqlstate());
}

/// Refuses a file whose statements lost data (measured: `lost`), unless the options or the file allow it.
inline void refuse_file_losses(const migration_file& f, const std::vector<std::string>& lost, const apply_options& options) {
    if (lost.empty() || options.allow_data_loss || f.allow_data_loss) return;
    std::string message;
    for (const auto& l : lost) message += (message.empty() ? "" : "; ") + l;
    throw error(errc::lossy_step, "driftless.files.lossy",
                "applying '" + f.file_name + "': " + message + "; pass allow_data_loss (or, after review, add the line '" +
                    std::string(allow_data_loss_marker) + "' to the file) to proceed");
}

/// A file's history description: its name part with spaces.
inline std::string file_description(const migration_file& f) {
    std::string description = f.name;
    std::replace(description.begin(), description.end(), '_', ' ');
    return description;
}

/// The history row of migration file `f`, applied now ("applied"; the execution time and the
/// statements done are the caller's to fill in).
/// The history row of file `f`; without `with_sql` its up and down SQL are left empty, for a writer
/// that borrows them from the file (history_insert's `up` and `down`).
inline migration_record file_record(const migration_file& f, bool with_sql = true) {
    migration_record record;
    record.version = f.version;
    record.description = file_description(f);
    record.kind = "file";
    record.source = f.file_name;
    record.checksum = f.checksum;
    if (with_sql) {
        record.up_sql = f.up;
        record.down_sql = f.down;
    }
    record.applied_at = utc_now();
    record.state = "applied";
    return record;
}

/// The history row of a baseline at `version`: it ran nothing.
inline migration_record baseline_record(std::int64_t version, const std::string& description) {
    migration_record record;
    record.version = version;
    record.description = description;
    record.kind = "baseline";
    record.source = "baseline";
    record.checksum = migration_checksum("");
    record.applied_at = utc_now();
    record.state = "applied";
    return record;
}

/// generate() compares the models with the database: refused while `dir` has files not applied.
inline void refuse_pending(const std::vector<migration_file>& files, const std::vector<migration_record>& history,
                           const std::filesystem::path& dir) {
    apply_options check;
    check.out_of_order = true;
    const auto pending = pending_files(files, history, check);
    if (!pending.empty())
        throw error(errc::usage, "driftless.generate.pending",
                    "'" + pending.front()->file_name + "' in '" + dir.string() +
                        "' is not applied to this database yet, and generate compares the models with the database; "
                        "apply the pending files first (upgrade)");
}

/// True when a plan has a step that may lose data.
inline bool has_lossy_step(const migration_plan& p) {
    return std::any_of(p.steps.begin(), p.steps.end(),
                       [](const step& s) { return s.level == safety::lossy || s.level == safety::destructive; });
}

/// Write `result` (plan, statements, down statements of a generate()) as the next numbered file of
/// `dir`: one more than the highest version among `files` and `history`. Written beside under a
/// name of this process's own and linked into place, which fails rather than overwrite: a reader
/// never sees half a file, and a file of the same name is never replaced. Another generate that
/// took the same number under another name meanwhile makes this one remove its file and fail.
inline void write_generated(const std::filesystem::path& dir, const std::vector<migration_file>& files,
                            const std::vector<migration_record>& history, const std::string& source,
                            const generate_options& options, generate_result& result) {
    std::int64_t highest = 0;
    for (const auto& r : history) highest = std::max(highest, r.version);
    result.version = next_version(files, highest);
    migration_file_text text;
    text.version = result.version;
    text.name = migration_name(options.name.empty() ? source : options.name);
    text.description = options.description;
    text.source = source;
    std::string steps = describe(result.plan);
    while (!steps.empty() && steps.back() == '\n') steps.pop_back();
    text.notes.push_back(std::move(steps));
    text.allow_data_loss = has_lossy_step(result.plan) && options.allow_data_loss;
    text.up = result.statements;
    text.down = result.down_statements;
    result.path = dir / (version_text(result.version) + "_" + text.name + ".sql");

    std::error_code made;
    std::filesystem::create_directories(dir, made);
    if (made)
        throw error(errc::usage, "driftless.generate.write", "cannot create the directory '" + dir.string() + "': " + made.message());
    const std::filesystem::path partial = result.path.string() + "." + std::to_string(::getpid()) + ".partial";
    {
        errno = 0;
        std::ofstream out(partial, std::ios::binary | std::ios::trunc);
        out << format_migration_file(text);
        out.close();
        if (!out) {
            const int write_errno = errno;
            std::error_code ignored;
            std::filesystem::remove(partial, ignored);
            throw error(errc::usage, "driftless.generate.write",
                        "cannot write '" + result.path.string() + "'" +
                            (write_errno != 0 ? std::string(": ") + std::strerror(write_errno) : std::string()));
        }
    }
    const int linked = ::link(partial.c_str(), result.path.c_str());
    const int link_errno = errno;
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    if (linked != 0)
        throw error(errc::usage, link_errno == EEXIST ? "driftless.generate.exists" : "driftless.generate.write",
                    "cannot write '" + result.path.string() + "': " + std::strerror(link_errno));
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        const auto v = file_version(entry.path().filename().string());
        if (v && *v == result.version && entry.path().filename() != result.path.filename()) {
            std::filesystem::remove(result.path, ignored);
            throw error(errc::usage, "driftless.generate.race",
                        "'" + entry.path().filename().string() + "' took version " + std::to_string(result.version) +
                            " while this file was being written; run generate again");
        }
    }
    result.written = true;
}

/// The plan's steps as verify() reports schema drift: one line each.
inline std::vector<std::string> drift_lines(const migration_plan& p) {
    std::vector<std::string> out;
    for (const step& s : p.steps) {
        std::string line = describe(std::vector<step>{s});
        line.pop_back();  // the newline
        out.push_back(std::move(line));
    }
    return out;
}

}  // namespace detail

}  // namespace driftless

#endif  // DRIFTLESS_FILES_HPP
