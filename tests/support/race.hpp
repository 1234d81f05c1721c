// Many replicas at once: fork `n` processes of a worker program that all exec at the same instant.
#ifndef DRIFTLESS_TESTS_SUPPORT_RACE_HPP
#define DRIFTLESS_TESTS_SUPPORT_RACE_HPP

#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace test_support {

/// Starts one process of `program` per entry of `each`, with that entry's args (after the program
/// name); each waits on a pipe before exec, so they all start together once the pipe closes.
/// Returns how many failed.
inline int race_each(const char* program, const std::vector<std::vector<std::string>>& each) {
    int go[2];
    REQUIRE(pipe(go) == 0);
    std::vector<pid_t> children;
    for (const auto& args : each) {
        std::vector<char*> argv;
        argv.push_back(const_cast<char*>(program));
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        const pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            close(go[1]);
            char c;
            if (read(go[0], &c, 1) != 0) _exit(3);  // EOF: every child starts together
            close(go[0]);
            execv(argv[0], argv.data());
            _exit(4);
        }
        children.push_back(pid);
    }
    close(go[0]);
    close(go[1]);
    int failed = 0;
    for (pid_t pid : children) {
        int status = 0;
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
    }
    return failed;
}

/// `n` processes of `program`, all with `args` (see race_each).
inline int race(const char* program, int n, const std::vector<std::string>& args) {
    return race_each(program, std::vector<std::vector<std::string>>(static_cast<std::size_t>(n), args));
}

}  // namespace test_support

#endif  // DRIFTLESS_TESTS_SUPPORT_RACE_HPP
