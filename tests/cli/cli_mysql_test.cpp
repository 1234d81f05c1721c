// The command line against a mysql:// URL (the throwaway MariaDB of the ctest fixture "mysql"):
// migrate, status, plan, verify; the file commands say plainly that they are not there yet.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <driftless/mysql.hpp>

#include "../mysql/my_support.hpp"
#include "cli_support.hpp"

using cli_test::run;
using cli_test::tool;
using cli_test::v1;
using cli_test::v2;

TEST_CASE("cli on MariaDB: migrate, status, plan, verify; file commands refused clearly") {
    my_test::scratch_database scratch;
    const std::filesystem::path dir = cli_test::scratch("my_workflow");
    const std::string url = scratch.url();
    const auto with = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--database", url});
        return args;
    };
    auto r = run(dir, v1, with({"migrate", "--dialect", "mysql", "--description", "first", "--json"}));
    REQUIRE(r.code == 0);
    CHECK(r.json()["applied"] == true);
    CHECK(r.json()["statements"][0].get<std::string>().rfind("CREATE TABLE `users`", 0) == 0);
    r = run(dir, tool, with({"status", "--json"}));
    REQUIRE(r.code == 0);
    REQUIRE(r.json()["migrations"].size() == 1);
    CHECK(r.json()["migrations"][0]["description"] == "first");
    CHECK(run(dir, v1, with({"verify"})).out == "no drift\n");
    r = run(dir, v2, with({"plan"}));
    REQUIRE(r.code == 0);
    CHECK(r.out.find("ALTER TABLE `users` ADD COLUMN `karma` INT NOT NULL DEFAULT 0, ALGORITHM=INSTANT;") != std::string::npos);
    CHECK(run(dir, v2, with({"verify"})).code == 1);
    CHECK(run(dir, v2, with({"migrate"})).code == 0);
    CHECK(run(dir, v2, with({"verify"})).code == 0);
    r = run(dir, tool, with({"upgrade", "--json"}));
    CHECK(r.code == 2);
    CHECK(r.json()["error"]["id"] == "driftless.cli.unsupported");
    CHECK(run(dir, tool, {"status", "--database", "mysql://nobody@localhost/none?socket=/nonexistent.sock"}).code == 4);
}
