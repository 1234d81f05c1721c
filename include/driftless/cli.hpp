// driftless — the command line: driftless::cli::main<Models...>(argc, argv) turns a user's models
// into their migration tool (CLI11 for the arguments, toml++ for driftless.toml). With no models
// it is the generic `driftless` executable (init, status, upgrade, apply, verify, baseline, rollback).
//
// Commands: init, status, plan, migrate, generate, create NAME, upgrade, apply FILE, rollback,
// verify, baseline VERSION. The database comes from --database URL, else the environment variable
// DRIFTLESS_DATABASE_URL, else driftless.toml, else DATABASE_URL. Output is for people unless --json is given, in which
// case stdout carries exactly one JSON object (also for errors). Exit codes: see exit_code.
//
// The definitions are in <driftless/cli/run-inl.hpp>: included from here (header-only), or compiled
// once into driftless::cli_runtime (see DRIFTLESS_COMPILED_CLI below).
#ifndef DRIFTLESS_CLI_HPP
#define DRIFTLESS_CLI_HPP

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <driftless/sqlite.hpp>

/// 1 when the command line also drives PostgreSQL (postgresql:// URLs); the driftless::cli target
/// sets it, and links driftless::postgresql, when the build provides that component.
#ifndef DRIFTLESS_CLI_POSTGRESQL
#define DRIFTLESS_CLI_POSTGRESQL 0
#endif
#if DRIFTLESS_CLI_POSTGRESQL
#include <driftless/postgresql.hpp>
#endif

/// 1 when the command line also drives MySQL / MariaDB (mysql:// URLs); set like
/// DRIFTLESS_CLI_POSTGRESQL when the build provides driftless::mysql.
#ifndef DRIFTLESS_CLI_MYSQL
#define DRIFTLESS_CLI_MYSQL 0
#endif
#if DRIFTLESS_CLI_MYSQL
#include <driftless/mysql.hpp>
#endif

/// Header-only (the default), or compiled once: with DRIFTLESS_COMPILED_CLI defined (the CMake
/// target driftless::cli_runtime defines it for its users) this header only declares the command
/// line and the driftless::cli_runtime library defines it (src/cli.cpp), so that a migration tool's
/// own translation unit compiles its models and nothing else. Every translation unit of a program
/// must agree.
#if defined(DRIFTLESS_COMPILED_CLI) && !defined(DRIFTLESS_CLI_SOURCE)
#define DRIFTLESS_DEFINE_CLI 0
#else
#define DRIFTLESS_DEFINE_CLI 1
#endif
#if defined(DRIFTLESS_COMPILED_CLI)
#define DRIFTLESS_CLI_INLINE
#else
#define DRIFTLESS_CLI_INLINE inline
#endif

namespace driftless::cli {

/// The process exit codes of every command.
enum class exit_code : int {
    ok = 0,
    drift = 1,      ///< verify found drift
    usage = 2,      ///< bad command line, configuration or URL
    refused = 3,    ///< refused to protect data or history: lossy step, changed file, out of order, ...
    database = 4,   ///< the database reported an error
    busy = 5,       ///< another process kept the migration lock
};

/// The models a CLI was built with, as run-time values (the templates stop here).
struct model_set {
    struct model {
        std::string type_name;  ///< "User"
        std::string table;      ///< "users"
    };
    schema desired{};
    std::vector<model> models{};
};

/// Where the database and the migration files are, once the command line, the environment and
/// driftless.toml have been read.
struct settings {
    std::string url{};                     ///< "sqlite:app.db", "sqlite::memory:", ...
    std::filesystem::path migrations{};    ///< the migrations directory
    std::filesystem::path config{};        ///< the configuration file read (empty when none)
};

/// A parsed database URL.
struct database_url {
    std::string scheme{};  ///< "sqlite", "postgresql", "mysql"
    std::string target{};  ///< for sqlite, the file path or ":memory:"; for postgresql, the URL for libpq
};

/// `url` fit to print: a password in it ("scheme://user:secret@host", "?password=secret", or a
/// libpq "password=secret" keyword) shown as ***.
DRIFTLESS_CLI_INLINE std::string redacted(std::string_view url);

/// `text` safe for a terminal: control characters other than newline and tab shown as \xNN.
DRIFTLESS_CLI_INLINE std::string printable(std::string_view text);

/// "sqlite:app.db", "sqlite:///var/app.db", "sqlite::memory:", "postgresql://...", "mysql://...".
DRIFTLESS_CLI_INLINE database_url parse_url(std::string_view url);

namespace detail {
/// The file a SQLite database name opens (nothing for an in-memory database).
DRIFTLESS_CLI_INLINE std::optional<std::string> sqlite_file_of(const std::string& name);
}  // namespace detail

/// Run the command line with the given models (nullptr: none). Returns the process exit code.
DRIFTLESS_CLI_INLINE int run(int argc, const char* const* argv, const model_set* models);

/// The whole command line of a migration tool built from `Models`:
///
///     int main(int argc, char** argv) { return driftless::cli::main<User, Post>(argc, argv); }
template <table_type... Models>
int main(int argc, char** argv) {
    if constexpr (sizeof...(Models) == 0) {
        return run(argc, argv, nullptr);
    } else {
        static_assert((driftless::detail::require_valid<Models>() && ...));
        static const model_set models{to_schema<Models...>(),
                                      {model_set::model{std::string(driftless::detail::type_name_v<Models>), std::string(table_v<Models>.name)}...}};
        return run(argc, argv, &models);
    }
}

}  // namespace driftless::cli

#if DRIFTLESS_DEFINE_CLI
#include <driftless/cli/run-inl.hpp>
#endif

#endif  // DRIFTLESS_CLI_HPP
