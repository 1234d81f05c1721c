// Many processes call migrate() on one database file at the same instant: all succeed, and each
// migration is applied (and recorded) exactly once. Processes, not threads: SQLite's lock is
// between connections of different processes here, as between replicas of an application.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <driftless/sqlite.hpp>

namespace conc {
struct Account {
    std::int64_t id;
    std::string owner;
};
struct AccountV2 {
    std::int64_t id;
    std::string owner;
    std::optional<std::string> note;
    std::int64_t balance;
};
struct Entry {
    std::int64_t id;
    std::int64_t account_id;
    double amount;
};
}  // namespace conc

template <> inline constexpr auto driftless::customize::table<conc::Account> = driftless::table<conc::Account>("accounts");
template <>
inline constexpr auto driftless::customize::table<conc::AccountV2> =
    driftless::table<conc::AccountV2>("accounts")
        .default_value(&conc::AccountV2::balance, 0)
        .length(&conc::AccountV2::owner, 100)  // a rebuild, with foreign_keys on
        .index("accounts_by_owner", &conc::AccountV2::owner);
template <>
inline constexpr auto driftless::customize::table<conc::Entry> =
    driftless::table<conc::Entry>("entries").foreign_key(&conc::Entry::account_id, &conc::Account::id);

namespace {

/// Forks `n` children that wait on a pipe, then all run `work` at once; returns how many failed.
template <class Work>
int race(int n, Work work) {
    int go[2];
    REQUIRE(pipe(go) == 0);
    std::vector<pid_t> children;
    for (int i = 0; i < n; ++i) {
        const pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            close(go[1]);
            char c;
            const bool started = read(go[0], &c, 1) == 0;  // EOF: every child starts together
            int code = 1;
            try {
                code = started && work() ? 0 : 1;
            } catch (...) {
                code = 2;
            }
            _exit(code);
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

}  // namespace

TEST_CASE("migrate: 16 processes at once, on an empty database and on one a version behind") {
    const std::string path = "concurrency_test.db";
    std::filesystem::remove(path);
    const int failed_v1 = race(16, [&] {
        auto db = driftless::sqlite::open(path, {.busy_timeout_ms = 30000});
        driftless::migrate<conc::Account, conc::Entry>(db, {.description = "v1"});
        return true;
    });
    CHECK(failed_v1 == 0);
    {
        auto db = driftless::sqlite::open(path);
        const auto status = driftless::migration_status(db);
        REQUIRE(status.size() == 1);
        CHECK(status[0].description == "v1");
        db.execute("INSERT INTO accounts (id, owner) VALUES (1, 'x')");
    }
    const int failed_v2 = race(16, [&] {
        auto db = driftless::sqlite::open(path, {.busy_timeout_ms = 30000});
        db.execute("PRAGMA foreign_keys = ON");
        driftless::migrate<conc::AccountV2, conc::Entry>(db, {.description = "v2"});
        return true;
    });
    CHECK(failed_v2 == 0);
    auto db = driftless::sqlite::open(path);
    const auto status = driftless::migration_status(db);
    REQUIRE(status.size() == 2);
    CHECK(status[1].description == "v2");
    CHECK(status[1].up_sql.find("_driftless_new_accounts") != std::string::npos);
    CHECK_FALSE(driftless::migrate<conc::AccountV2, conc::Entry>(db).applied);
    std::filesystem::remove(path);
}
