// Many processes running `upgrade` and `rollback` of migration files at the same instant, on any
// engine the generic tool takes: each decides under the migration lock, so the applied versions
// always form a prefix 1..k (no hole), no process reports a migration left unfinished that is
// not, and a plain `upgrade` afterwards applies the rest.
#ifndef DRIFTLESS_TESTS_CLI_CONCURRENT_FILES_HPP
#define DRIFTLESS_TESTS_CLI_CONCURRENT_FILES_HPP

#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_support.hpp"

namespace cli_test {

/// Five files, each creating a table and inserting into the first one, with down sections.
inline void write_counting_files(const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir / "migrations");
    std::ofstream(dir / "migrations" / "0001_a.sql") << "-- driftless:up\nCREATE TABLE conc_a (x INTEGER);\n"
                                                        "-- driftless:down\nDROP TABLE conc_a;\n";
    for (int v = 2; v <= 5; ++v) {
        const std::string t = "conc_t" + std::to_string(v);
        std::ofstream(dir / "migrations" / ("000" + std::to_string(v) + "_t.sql"))
            << "-- driftless:up\nCREATE TABLE " << t << " (x INTEGER);\nINSERT INTO conc_a VALUES (" << v
            << ");\n-- driftless:down\nDELETE FROM conc_a WHERE x = " << v << ";\nDROP TABLE " << t << ";\n";
    }
}

/// The versions the history records as applied and not rolled back, in order; "" when a row is
/// not in state 'applied' (a run left unfinished).
inline std::vector<std::int64_t> applied_versions(const std::filesystem::path& dir, const std::string& url, std::string& unfinished) {
    const auto r = run(dir, tool, {"status", "--json", "--database", url});
    REQUIRE(r.code == 0);
    std::vector<std::int64_t> out;
    const nlohmann::json status = r.json();  // kept: the loop walks a part of it
    for (const auto& m : status["migrations"]) {
        if (m.contains("state") && m["state"] != "applied") unfinished += m.dump() + " ";
        if (!m["rolled_back"].get<bool>()) out.push_back(m["version"].get<std::int64_t>());
    }
    return out;
}

/// `processes` processes at once, each `upgrade` or `rollback` at random, `rounds` times. Every
/// process exits 0 (or, at worst, gives up busy: exit code 5 — never a false refusal), and after
/// every round the applied versions are 1..k for some k.
inline void upgrade_and_rollback_race(const std::filesystem::path& dir, const std::string& url, int processes, int rounds,
                                      bool only_upgrades = false) {
    write_counting_files(dir);
    // The database exists (reading commands never create one), every file applied and rolled back.
    REQUIRE(run(dir, tool, {"upgrade", "--database", url}).code == 0);
    for (int i = 0; i < 5; ++i) REQUIRE(run(dir, tool, {"rollback", "--database", url, "--allow-data-loss"}).code == 0);
    std::mt19937 random(20261204);
    for (int round = 0; round < rounds; ++round) {
        CAPTURE(round);
        int gate[2];
        REQUIRE(pipe(gate) == 0);
        std::fflush(stdout);
        std::fflush(stderr);
        std::vector<pid_t> children;
        std::vector<std::string> commands;
        for (int i = 0; i < processes; ++i) {
            const std::string command = only_upgrades || random() % 3 != 0 ? "upgrade" : "rollback";
            commands.push_back(command);
            const pid_t pid = fork();
            REQUIRE(pid >= 0);
            if (pid == 0) {
                close(gate[1]);
                char c;
                while (read(gate[0], &c, 1) > 0) {
                }  // 0 when the parent closes its end: every child starts at once
                if (chdir(dir.c_str()) != 0) _exit(120);
                const std::string out = ".race" + std::to_string(i);
                if (!freopen(out.c_str(), "w", stdout) || !freopen((out + "e").c_str(), "w", stderr)) _exit(121);
                execl(tool.c_str(), tool.c_str(), command.c_str(), "--database", url.c_str(), "--allow-data-loss",
                      static_cast<char*>(nullptr));
                _exit(122);
            }
            children.push_back(pid);
        }
        close(gate[0]);
        close(gate[1]);
        for (std::size_t i = 0; i < children.size(); ++i) {
            int status = 0;
            REQUIRE(waitpid(children[i], &status, 0) == children[i]);
            const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            INFO(commands[i], ": ", slurp(dir / (".race" + std::to_string(i) + "e")));
            CHECK((code == 0 || code == 5));
        }
        std::string unfinished;
        const auto versions = applied_versions(dir, url, unfinished);
        CHECK(unfinished.empty());
        for (std::size_t i = 0; i < versions.size(); ++i) CHECK(versions[i] == static_cast<std::int64_t>(i + 1));
    }
    const auto r = run(dir, tool, {"upgrade", "--database", url});
    INFO(r.out, r.err);
    CHECK(r.code == 0);
    std::string unfinished;
    const auto versions = applied_versions(dir, url, unfinished);
    CHECK(versions == std::vector<std::int64_t>{1, 2, 3, 4, 5});
    CHECK(unfinished.empty());
}

}  // namespace cli_test

#endif  // DRIFTLESS_TESTS_CLI_CONCURRENT_FILES_HPP
