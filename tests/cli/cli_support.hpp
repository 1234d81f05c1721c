// Running the command-line executables in tests: fork + exec with stdout and stderr captured.
#ifndef DRIFTLESS_TESTS_CLI_SUPPORT_HPP
#define DRIFTLESS_TESTS_CLI_SUPPORT_HPP

#include <doctest/doctest.h>

#include <pty.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cli_test {

namespace fs = std::filesystem;

struct run_result {
    int code = -1;
    long max_rss_kb = 0;  ///< the child's peak resident set (getrusage's ru_maxrss)
    std::string out;
    std::string err;
    [[nodiscard]] nlohmann::json json() const { return nlohmann::json::parse(out); }
};

inline std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// In a forked child: DRIFTLESS_DATABASE_URL and DATABASE_URL removed, `env` entries ("K=V")
/// set, then `program args...` in place of the child (exit 122 when it cannot run).
[[noreturn]] inline void exec_child(const std::string& program, const std::vector<std::string>& args,
                                    const std::vector<std::string>& env) {
    unsetenv("DRIFTLESS_DATABASE_URL");
    unsetenv("DATABASE_URL");
    for (const auto& e : env) {
        const auto eq = e.find('=');
        setenv(e.substr(0, eq).c_str(), e.substr(eq + 1).c_str(), 1);
    }
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(program.c_str(), argv.data());
    _exit(122);
}

/// Run `program args...` in `dir` with stdout and stderr captured; `env` entries ("K=V") are
/// added, DRIFTLESS_DATABASE_URL and DATABASE_URL are removed unless given.
inline run_result run(const fs::path& dir, const std::string& program, const std::vector<std::string>& args,
                      const std::vector<std::string>& env = {}) {
    const fs::path out = dir / ".stdout", err = dir / ".stderr";
    std::fflush(stdout);  // or the child's freopen writes the parent's buffered output again
    std::fflush(stderr);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        if (chdir(dir.c_str()) != 0) _exit(120);
        if (!freopen(out.c_str(), "w", stdout) || !freopen(err.c_str(), "w", stderr)) _exit(121);
        exec_child(program, args, env);
    }
    int status = 0;
    struct rusage usage {};
    REQUIRE(wait4(pid, &status, 0, &usage) == pid);
    run_result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.max_rss_kb = usage.ru_maxrss;
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
}

/// Run `program args...` in `dir` as run() does, but on a pseudo-terminal: stdout and stderr are
/// both the terminal (`columns` wide), and `out` is all it showed (with "\r\n" line ends).
inline run_result run_on_terminal(const fs::path& dir, const std::string& program, const std::vector<std::string>& args,
                                  const std::vector<std::string>& env = {}, unsigned short columns = 200) {
    std::fflush(stdout);
    std::fflush(stderr);
    int terminal = -1;
    struct winsize size {};
    size.ws_row = 24;
    size.ws_col = columns;
    const pid_t pid = forkpty(&terminal, nullptr, nullptr, &size);
    REQUIRE(pid >= 0);
    if (pid == 0) {
        if (chdir(dir.c_str()) != 0) _exit(120);
        unsetenv("NO_COLOR");
        setenv("TERM", "xterm", 1);
        exec_child(program, args, env);
    }
    run_result r;
    char buffer[4096];
    for (;;) {
        const ssize_t n = read(terminal, buffer, sizeof buffer);
        if (n > 0) {
            r.out.append(buffer, static_cast<std::size_t>(n));
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            break;  // EIO once the child has closed the terminal
        }
    }
    close(terminal);
    int status = 0;
    struct rusage usage {};
    REQUIRE(wait4(pid, &status, 0, &usage) == pid);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.max_rss_kb = usage.ru_maxrss;
    return r;
}

inline fs::path scratch(const std::string& name) {
    const fs::path dir = fs::current_path() / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

/// The executables under test (tests/cli/CMakeLists.txt defines where they are).
inline const std::string tool = DRIFTLESS_TOOL;
inline const std::string v1 = DRIFTLESS_TEST_CLI_V1;
inline const std::string v2 = DRIFTLESS_TEST_CLI_V2;
inline const std::string v3 = DRIFTLESS_TEST_CLI_V3;

/// The reading commands with models v1 against `url` (a database without the users table that
/// they must not change): plan and migrate --dry-run show the CREATE TABLE, verify reports it
/// (exit 1), generate writes migrations/0001_user.sql; then migrate itself must fail with a
/// database error (exit 4), for a read-only `url`.
inline void check_reading_commands(const fs::path& dir, const std::string& url) {
    auto r = run(dir, v1, {"plan", "--database", url});
    CHECK(r.code == 0);
    CHECK(r.out.find("CREATE TABLE \"users\"") != std::string::npos);
    CHECK(run(dir, v1, {"migrate", "--dry-run", "--database", url}).code == 0);
    r = run(dir, v1, {"verify", "--database", url, "--migrations", "migrations"});
    CHECK(r.code == 1);
    CHECK(r.out.find("create table users") != std::string::npos);
    CHECK(run(dir, v1, {"generate", "--database", url, "--output", "migrations"}).code == 0);
    CHECK(fs::exists(dir / "migrations" / "0001_user.sql"));
    CHECK(run(dir, v1, {"migrate", "--database", url}).code == 4);
}

}  // namespace cli_test

#endif  // DRIFTLESS_TESTS_CLI_SUPPORT_HPP
