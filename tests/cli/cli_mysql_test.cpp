// The command line against a mysql:// URL (the throwaway MariaDB of the ctest fixture "mysql"):
// migrate, status, plan, verify, and the file commands generate --apply, rollback, upgrade, baseline.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <driftless/mysql.hpp>

#include "../mysql/my_support.hpp"
#include "cli_support.hpp"
#include "concurrent_files.hpp"

using cli_test::run;
using cli_test::tool;
using cli_test::v1;
using cli_test::v2;

namespace fs = std::filesystem;

TEST_CASE("cli on MariaDB: migrate, status, plan, generate --apply, verify, rollback, upgrade, baseline") {
    my_test::scratch_database scratch;
    const fs::path dir = cli_test::scratch("my_workflow");
    const std::string url = scratch.url();
    const auto with = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--database", url});
        return args;
    };
    auto r = run(dir, v1, with({"migrate", "--dialect", "mysql", "--description", "first", "--json"}));
    REQUIRE(r.code == 0);
    CHECK(r.json()["applied"] == true);
    CHECK(r.json()["statements"][0].get<std::string>().rfind("CREATE TABLE `users`", 0) == 0);
    CHECK(run(dir, v1, with({"migrate", "--dialect", "postgresql"})).code == 2);
    r = run(dir, tool, with({"status", "--json"}));
    REQUIRE(r.code == 0);
    REQUIRE(r.json()["migrations"].size() == 1);
    CHECK(r.json()["migrations"][0]["description"] == "first");
    CHECK(run(dir, v1, with({"verify"})).out == "no drift\n");
    r = run(dir, v2, with({"plan"}));
    REQUIRE(r.code == 0);
    CHECK(r.out.find("ALTER TABLE `users` ADD COLUMN `karma` INT NOT NULL DEFAULT 0, ALGORITHM=INSTANT;") != std::string::npos);
    CHECK(run(dir, v2, with({"verify"})).code == 1);

    // The file workflow through the environment variable rather than --database.
    const std::string env = "DRIFTLESS_DATABASE_URL=" + url;
    r = run(dir, v2, {"generate", "--apply", "--output", "migrations", "--json"}, {env});
    REQUIRE(r.code == 0);
    CHECK(r.json()["applied"] == true);
    CHECK(fs::path(r.json()["path"].get<std::string>()).filename() == "0002_user.sql");
    CHECK(run(dir, v2, {"verify", "--migrations", "migrations"}, {env}).out == "no drift\n");
    CHECK(run(dir, v1, {"verify", "--migrations", "migrations"}, {env}).code == 1);

    // Rolling back drops karma, which holds a value per row: refused (exit 3) until allowed.
    const auto db = scratch.connect();
    db.execute("INSERT INTO users (id, email) VALUES (1, 'a@x')");
    r = run(dir, tool, with({"rollback", "--json"}));
    CHECK(r.code == 3);
    CHECK(r.json()["error"]["id"] == "driftless.rollback.lossy");
    r = run(dir, tool, with({"rollback", "--allow-data-loss", "--json"}));
    REQUIRE(r.code == 0);
    CHECK(r.json()["version"] == 2);
    CHECK(my_test::one(db, "SELECT count(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users'") ==
          "2");
    r = run(dir, tool, with({"upgrade", "--migrations", "migrations", "--json"}));
    REQUIRE(r.code == 0);
    CHECK(r.json()["applied"] == nlohmann::json::array({"0002_user.sql"}));

    // A new database baselined at 2 skips both files.
    my_test::scratch_database other;
    CHECK(run(dir, tool, {"--database", other.url(), "baseline", "2"}).code == 0);
    r = run(dir, tool, {"--database", other.url(), "upgrade", "--migrations", "migrations", "--json"});
    REQUIRE(r.code == 0);
    CHECK(r.json()["applied"].empty());

    CHECK(run(dir, tool, {"status", "--database", "mysql://nobody@localhost/none?socket=/nonexistent.sock"}).code == 4);
}

TEST_CASE("cli on MariaDB: 16 processes running upgrade at once: no false report of an unfinished migration") {
    my_test::scratch_database scratch;
    cli_test::upgrade_and_rollback_race(cli_test::scratch("my_upgrade_race"), scratch.url(), 16, 2, true);
}

TEST_CASE("cli on MariaDB: 10 processes running upgrade or rollback at once, 5 rounds: the history never has a hole") {
    my_test::scratch_database scratch;
    cli_test::upgrade_and_rollback_race(cli_test::scratch("my_upgrade_rollback_race"), scratch.url(), 10, 5);
}

TEST_CASE("cli on MySQL: a bad mysql:// URL is a usage error (exit 2) that never shows the password") {
    const fs::path dir = cli_test::scratch("my_bad_url");
    for (const char* url : {"mysql://bob:S3CRET@localhost:notaport/db", "mysql://bob:S3CRET@localhost/db?read_timeout=soon",
                            "mysql://bob:S3CRET@localhost/db?nosuch=1"}) {
        CAPTURE(url);
        const auto r = run(dir, tool, {"status", "--database", url});
        CHECK(r.code == 2);
        CHECK(r.err.find("S3CRET") == std::string::npos);
    }
}
