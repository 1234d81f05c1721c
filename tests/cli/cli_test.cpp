// The command line through its executables: exit codes, text, and --json parsed as JSON.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <driftless/cli.hpp>
#include <driftless/sqlite.hpp>

#include "cli_support.hpp"
#include "concurrent_files.hpp"

namespace cli_rb {
struct Member {
    std::int64_t id;
    std::string email;
};
struct Club {
    std::int64_t id;
    std::string name;
};
}  // namespace cli_rb

template <> inline constexpr auto driftless::customize::table<cli_rb::Member> = driftless::table<cli_rb::Member>("members");
template <> inline constexpr auto driftless::customize::table<cli_rb::Club> = driftless::table<cli_rb::Club>("clubs");

namespace {

using cli_test::run;
using cli_test::run_on_terminal;
using cli_test::scratch;
using cli_test::slurp;
namespace fs = std::filesystem;

using cli_test::tool;
using cli_test::v1;
using cli_test::v2;
using cli_test::v3;

}  // namespace

TEST_CASE("cli: init, generate, review, upgrade, verify, status, rollback") {
    const fs::path dir = scratch("workflow");

    auto r = run(dir, tool, {"init", "--url", "sqlite:data/app.db"});
    REQUIRE(r.code == 0);
    CHECK(r.out == "wrote driftless.toml (database sqlite:data/app.db)\ncreated migrations/\n");
    CHECK(fs::is_directory(dir / "migrations"));
    CHECK(slurp(dir / "driftless.toml").find("url = 'sqlite:data/app.db'") != std::string::npos);
    CHECK(run(dir, tool, {"init"}).code == 2);  // refuses to overwrite
    fs::create_directories(dir / "data");

    r = run(dir, tool, {"status", "--json"});
    REQUIRE(r.code == 0);
    CHECK(r.json()["ok"] == true);
    CHECK(r.json()["migrations"].empty());

    r = run(dir, v1, {"plan", "--json"});
    REQUIRE(r.code == 0);
    CHECK(r.json()["steps"].size() == 1);
    CHECK(r.json()["steps"][0]["kind"] == "create table");
    CHECK(r.json()["applied"] == false);

    r = run(dir, v1, {"generate", "--json"});
    REQUIRE(r.code == 0);
    CHECK(r.json()["written"] == true);
    CHECK(fs::path(r.json()["path"].get<std::string>()).filename() == "0001_user.sql");
    CHECK(fs::exists(dir / "migrations" / "0001_user.sql"));

    r = run(dir, tool, {"verify", "--json"});
    CHECK(r.code == 1);
    CHECK(r.json()["drift"] == true);
    CHECK(r.json()["pending"] == nlohmann::json::array({"0001_user.sql"}));
    r = run(dir, tool, {"verify"});
    CHECK(r.code == 1);
    CHECK(r.out == "pending  0001_user.sql\n");

    r = run(dir, tool, {"upgrade", "--json"});
    REQUIRE(r.code == 0);
    CHECK(r.json()["applied"] == nlohmann::json::array({"0001_user.sql"}));
    CHECK(run(dir, tool, {"verify"}).code == 0);
    CHECK(run(dir, v1, {"verify"}).out == "no drift\n");

    // Version 2 of the models: create NAME writes the next file; verify sees the models differ.
    r = run(dir, v2, {"verify", "--json"});
    CHECK(r.code == 1);
    CHECK(r.json()["schema"].size() == 2);
    r = run(dir, v2, {"create", "add_karma"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("wrote ") == 0);
    CHECK(fs::exists(dir / "migrations" / "0002_add_karma.sql"));
    CHECK(run(dir, v2, {"upgrade"}).out == "applied 0002_add_karma.sql\n");
    CHECK(run(dir, v2, {"create", "nothing"}).out == "the database matches the models; no migration file written\n");

    r = run(dir, tool, {"migrate", "--status", "--json"});
    REQUIRE(r.code == 0);
    REQUIRE(r.json()["migrations"].size() == 2);
    CHECK(r.json()["migrations"][1]["kind"] == "file");
    CHECK(r.json()["migrations"][1]["source"] == "0002_add_karma.sql");
    CHECK(r.json()["migrations"][1]["checksum"].get<std::string>().size() == 64);

    // An edited applied file is refused (exit 3), naming the file.
    {
        std::ofstream f(dir / "migrations" / "0001_user.sql", std::ios::app);
        f << "-- edited\n";
    }
    r = run(dir, tool, {"upgrade", "--json"});
    CHECK(r.code == 3);
    CHECK(r.json()["ok"] == false);
    CHECK(r.json()["error"]["id"] == "driftless.files.checksum");
    r = run(dir, tool, {"upgrade"});
    CHECK(r.code == 3);
    CHECK(r.err.find("driftless: driftless.files.checksum: migration file '0001_user.sql' changed") == 0);

    // rollback undoes the newest migration with its down section.
    r = run(dir, tool, {"rollback", "--json"});
    REQUIRE(r.code == 0);
    CHECK(r.json()["version"] == 2);
    CHECK(run(dir, v1, {"plan", "--json"}).json()["steps"].empty());
}

TEST_CASE("cli: database from --database, DRIFTLESS_DATABASE_URL, driftless.toml") {
    const fs::path dir = scratch("precedence");
    REQUIRE(run(dir, tool, {"init", "--url", "sqlite:from_file.db"}).code == 0);
    REQUIRE(run(dir, v1, {"migrate"}).code == 0);
    CHECK(fs::exists(dir / "from_file.db"));
    REQUIRE(run(dir, v1, {"migrate"}, {"DRIFTLESS_DATABASE_URL=sqlite:from_env.db"}).code == 0);
    CHECK(fs::exists(dir / "from_env.db"));
    REQUIRE(run(dir, v1, {"migrate", "--database", "sqlite:from_flag.db"}, {"DRIFTLESS_DATABASE_URL=sqlite:from_env.db"}).code == 0);
    CHECK(fs::exists(dir / "from_flag.db"));
    // A relative path in driftless.toml is relative to the file, not to the working directory.
    fs::create_directories(dir / "sub");
    REQUIRE(run(dir / "sub", tool, {"status", "--config", "../driftless.toml", "--json"}).code == 0);
    CHECK_FALSE(fs::exists(dir / "sub" / "from_file.db"));
}

TEST_CASE("cli: migrate, lossy steps and exit codes") {
    const fs::path dir = scratch("migrate");
    const std::vector<std::string> db = {"--database", "sqlite:app.db"};
    const auto with = [&](std::vector<std::string> args) {
        args.insert(args.end(), db.begin(), db.end());
        return args;
    };
    auto r = run(dir, v1, with({"migrate", "--description", "first", "--json"}));
    REQUIRE(r.code == 0);
    CHECK(r.json()["applied"] == true);
    CHECK(r.json()["version"] == 1);
    CHECK(run(dir, v1, with({"migrate"})).out == "the database matches the models; nothing to do\n");

    REQUIRE(run(dir, v2, with({"migrate"})).code == 0);
    // v3 changes email TEXT -> INTEGER; the emails are text: refused (3) unless allowed.
    {
        const auto insert = run(dir, v2, with({"apply", "insert.sql"}));
        CHECK(insert.code == 2);  // no such file: a usage error with a clear message
        CHECK(insert.err.find("cannot read migration file 'insert.sql'") != std::string::npos);
    }
    std::ofstream(dir / "0100_rows.sql") << "INSERT INTO users (id, email) VALUES (1, 'a@x');\n";
    REQUIRE(run(dir, v2, with({"apply", "0100_rows.sql"})).code == 0);
    r = run(dir, v3, with({"migrate", "--json"}));
    CHECK(r.code == 3);
    CHECK(r.json()["error"]["id"] == "driftless.plan.lossy");
    // The message names the command's option, not the library's.
    r = run(dir, v3, with({"migrate"}));
    CHECK(r.code == 3);
    CHECK(r.err.find("; pass --allow-data-loss to proceed") != std::string::npos);
    CHECK(r.err.find("pass allow_data_loss") == std::string::npos);
    // A dry run judges each step on the data as it is now, and exits 3 when migrate would refuse.
    r = run(dir, v3, with({"migrate", "--dry-run", "--json"}));
    CHECK(r.code == 3);
    CHECK(r.json()["applied"] == false);
    CHECK(r.json()["refused"] == true);
    CHECK(r.json()["steps"][0]["safety"] == "lossy");
    CHECK(r.json()["steps"][0]["verdict"] == "lossy");
    REQUIRE(r.json()["steps"][0]["reasons"].size() == 1);
    CHECK(r.json()["steps"][0]["reasons"][0].get<std::string>().find("would alter 1 of 1 non-null values (e.g. 'a@x')") !=
          std::string::npos);
    r = run(dir, v3, with({"plan"}));
    CHECK(r.code == 3);
    CHECK(r.out.find("[lossy]   lossy change type users.email: TEXT -> INTEGER\n"
                     "          needs --allow-data-loss: changing users.email from TEXT to INTEGER would alter 1 of 1") == 0);
    CHECK(r.out.find("\nmigrate would refuse this plan: 1 step would discard or alter values; run it with --allow-data-loss "
                     "to accept that\n") != std::string::npos);
    CHECK(r.out.find("\033[") == std::string::npos);  // no colour without a terminal
    r = run(dir, v3, with({"plan", "--allow-data-loss", "--json"}));
    CHECK(r.code == 0);
    CHECK(r.json()["refused"] == false);
    CHECK(r.json()["steps"][0]["verdict"] == "lossy");
    // On a terminal the lossy step is yellow; NO_COLOR turns colour off.
    r = run_on_terminal(dir, v3, with({"plan"}));
    CHECK(r.code == 3);
    CHECK(r.out.find("\033[33m[lossy]   lossy change type users.email: TEXT -> INTEGER\033[0m") != std::string::npos);
    r = run_on_terminal(dir, v3, with({"plan"}), {"NO_COLOR=1"});
    CHECK(r.code == 3);
    CHECK(r.out.find("[lossy]   lossy change type users.email") != std::string::npos);
    CHECK(r.out.find("\033[") == std::string::npos);
    // migrate prints the plan before it runs it (and, on SQLite, copies the file first: a rebuild).
    r = run(dir, v3, with({"migrate", "--allow-data-loss"}));
    CHECK(r.code == 0);
    CHECK(r.out.find("lossy change type users.email: TEXT -> INTEGER\napplied version ") == 0);
    CHECK(r.out.find(")\nthe database as it was before: ") != std::string::npos);
    CHECK(r.out.substr(r.out.size() - 8) == ".backup\n");

    CHECK(run(dir, tool, with({"nonsense"})).code == 2);
    CHECK(run(dir, tool, {"status", "--database", "ftp://x"}).code == 2);
    // A MySQL URL is taken too (when the build has driftless::mysql); no server there: exit 4.
    r = run(dir, tool, {"status", "--json", "--database", "mysql://nobody@localhost/app?socket=/nonexistent-driftless.sock"});
#if DRIFTLESS_CLI_MYSQL
    CHECK(r.code == 4);
    CHECK(r.json()["error"]["id"] == "driftless.mysql.connect");
#else
    CHECK(r.json()["error"]["id"] == "driftless.cli.backend");
#endif
    // Passwords in URLs are never printed.
    CHECK(driftless::cli::redacted("postgresql://app:s3cret@db/app?sslmode=require") == "postgresql://app:***@db/app?sslmode=require");
    CHECK(driftless::cli::redacted("postgresql:///app?host=/run&password=s3cret&user=x") == "postgresql:///app?host=/run&password=***&user=x");
    CHECK(driftless::cli::redacted("postgresql://app@db/app") == "postgresql://app@db/app");
    r = run(dir, tool, {"status", "--json", "--database", "ftp://u:s3cret@x/y"});
    CHECK(r.out.find("s3cret") == std::string::npos);
    // A PostgreSQL URL is taken; a server that is not there is a database error (exit 4).
    r = run(dir, tool, {"status", "--json", "--database", "postgresql:///app?host=/nonexistent-driftless-socket-dir"});
    CHECK(r.code == 4);
    CHECK(r.json()["error"]["id"] == "driftless.postgresql.connect");
    r = run(dir, tool, with({"plan", "--json"}));
    CHECK(r.code == 2);
    CHECK(r.json()["error"]["id"] == "driftless.cli.no_models");
    CHECK(run(dir, v1, with({"plan", "--model", "Nope"})).code == 2);
    CHECK(run(dir, v1, with({"migrate", "--dialect", "mysql"})).code == 2);
    CHECK(run(dir, tool, {"status"}).code == 2);  // no database anywhere
    // Reading commands never create a database file; rollback and baseline need one.
    r = run(dir, tool, {"status", "--database", "sqlite:typo.db", "--json"});
    CHECK(r.code == 0);
    CHECK(r.json()["database_exists"] == false);
    CHECK(run(dir, v1, {"verify", "--database", "sqlite:typo.db"}).code == 1);
    r = run(dir, v1, {"plan", "--database", "sqlite:typo.db"});
    CHECK(r.code == 0);
    CHECK(r.out.find("(the database file does not exist yet: planned against an empty database)\n[safe]    safe create table users\n") ==
          0);
    CHECK(r.out.find("\nmigrate would run 1 step\n") != std::string::npos);
    r = run(dir, tool, {"rollback", "--database", "sqlite:typo.db"});
    CHECK(r.code == 2);
    CHECK(r.err == "driftless: driftless.cli.database: database file 'typo.db' does not exist\n");
    CHECK_FALSE(fs::exists(dir / "typo.db"));
    // Nor through a file: URI, even one that asks for mode=rwc.
    for (const char* url : {"sqlite:file:new.db", "sqlite:file:new.db?mode=rwc"}) {
        CAPTURE(url);
        r = run(dir, tool, {"status", "--database", url, "--json"});
        CHECK(r.code == 0);
        CHECK(r.json()["database_exists"] == false);
        CHECK(run(dir, v1, {"verify", "--database", url}).code == 1);
        CHECK(run(dir, v1, {"plan", "--database", url}).code == 0);
        r = run(dir, tool, {"baseline", "1", "--database", url});
        CHECK(r.code == 2);
        CHECK(r.err.find("driftless.cli.database") != std::string::npos);
        CHECK_FALSE(fs::exists(dir / "new.db"));
    }
    // An existing file opened through a file: URI is read, not mistaken for a missing one.
    CHECK(run(dir, tool, {"baseline", "7", "--database", "sqlite:file:there.db?mode=rwc"}).code == 2);
    driftless::sqlite::open((dir / "there.db").string());
    CHECK(run(dir, tool, {"baseline", "7", "--database", "sqlite:file:there.db?mode=rwc"}).code == 0);
    r = run(dir, tool, {"status", "--database", "sqlite:file:there%2Edb?mode=rwc", "--json"});
    CHECK(r.code == 0);
    CHECK(r.json()["database_exists"] == true);
    CHECK(driftless::cli::detail::sqlite_file_of("file:///srv/a%20b.db?cache=shared") == "/srv/a b.db");
    CHECK(driftless::cli::detail::sqlite_file_of("file://localhost/srv/a.db") == "/srv/a.db");
    CHECK_FALSE(driftless::cli::detail::sqlite_file_of("file:x?mode=memory&cache=shared"));
    CHECK_FALSE(driftless::cli::detail::sqlite_file_of(":memory:"));
    CHECK(driftless::cli::detail::sqlite_file_of("app.db") == "app.db");
    // Command-line errors are JSON too when --json is asked for; file problems are usage errors.
    r = run(dir, tool, {"--json", "bogus"});
    CHECK(r.code == 2);
    CHECK(r.json()["error"]["id"] == "driftless.cli.usage");
    CHECK(run(dir, tool, with({"apply", "nope.sql"})).code == 2);
    std::ofstream(dir / "bad_name.sql") << "SELECT 1;";
    CHECK(run(dir, tool, with({"upgrade", "--migrations", "."})).code == 2);
    // A statement with bytes that are not UTF-8 still gives valid JSON.
    std::ofstream(dir / "0200_bytes.sql") << "INSERT INTO nowhere VALUES ('\xff\xfe');\n";
    r = run(dir, tool, with({"apply", "0200_bytes.sql", "--json"}));
    CHECK(r.code == 4);
    CHECK(r.json()["error"]["statement"] == "INSERT INTO nowhere VALUES ('\xef\xbf\xbd\xef\xbf\xbd')");
    CHECK(run(dir, tool, {"--help"}).code == 0);
}

TEST_CASE("cli: an index made by hand is kept and listed under \"kept\"; --prune-unmanaged drops it") {
    const fs::path dir = scratch("prune");
    const std::vector<std::string> db = {"--database", "sqlite:app.db"};
    const auto with = [&](std::vector<std::string> args) {
        args.insert(args.end(), db.begin(), db.end());
        return args;
    };
    REQUIRE(run(dir, v1, with({"migrate"})).code == 0);
    std::ofstream(dir / "0100_by_hand.sql") << "CREATE INDEX users_lower ON users (lower(email));\n";
    REQUIRE(run(dir, v1, with({"apply", "0100_by_hand.sql"})).code == 0);
    auto r = run(dir, v1, with({"plan", "--json"}));
    REQUIRE(r.code == 0);
    CHECK(r.json()["steps"].empty());
    CHECK(r.json()["kept"] == nlohmann::json::array({"index on an expression users_lower of table users"}));
    CHECK(run(dir, v1, with({"plan"})).out.find("users_lower of table users is not in any model; kept") != std::string::npos);
    r = run(dir, v1, with({"migrate", "--prune-unmanaged", "--json"}));
    REQUIRE(r.code == 0);
    CHECK(r.json()["applied"] == true);
    CHECK(r.json()["steps"][0]["kind"] == "drop index");
    r = run(dir, v1, with({"plan", "--json"}));
    CHECK(r.json()["kept"].empty());
    CHECK(r.json()["steps"].empty());
}

TEST_CASE("cli: plan judges each step on the data: a blocked step, a lossy one and a destructive one that loses nothing") {
    const fs::path dir = scratch("verdicts");
    const std::vector<std::string> db = {"--database", "sqlite:app.db"};
    const auto with = [&](std::vector<std::string> args) {
        args.insert(args.end(), db.begin(), db.end());
        return args;
    };
    // users by hand: email may be NULL (v1 wants NOT NULL), and an extra column v1 does not have.
    std::ofstream(dir / "0001_by_hand.sql") << "CREATE TABLE users (id INTEGER PRIMARY KEY NOT NULL, email TEXT, note TEXT);\n"
                                               "INSERT INTO users VALUES (1, NULL, NULL), (2, 'b@x', NULL);\n";
    REQUIRE(run(dir, tool, with({"apply", "0001_by_hand.sql"})).code == 0);
    auto r = run(dir, v1, with({"plan", "--json"}));
    CHECK(r.code == 3);
    CHECK(r.json()["refused"] == true);
    std::map<std::string, nlohmann::json> by_kind;
    const nlohmann::json plan = r.json();
    for (const auto& step : plan["steps"]) by_kind[step["kind"].get<std::string>()] = step;
    REQUIRE(by_kind.count("change nullability") == 1);
    CHECK(by_kind["change nullability"]["verdict"] == "blocked");
    CHECK(by_kind["change nullability"]["reasons"] == nlohmann::json::array({"1 NULLs block NOT NULL on users.email"}));
    REQUIRE(by_kind.count("drop column") == 1);
    CHECK(by_kind["drop column"]["safety"] == "destructive");
    CHECK(by_kind["drop column"]["verdict"] == "safe");  // note holds no value: nothing to lose
    // --allow-data-loss does not unblock it.
    r = run(dir, v1, with({"plan", "--allow-data-loss"}));
    CHECK(r.code == 3);
    CHECK(r.out.find("[blocked] lossy change nullability users.email") != std::string::npos);
    CHECK(r.out.find("          blocked: 1 NULLs block NOT NULL on users.email\n") != std::string::npos);
    CHECK(r.out.find("migrate would refuse this plan: 1 step is blocked by the data; fix the data or the model first\n") !=
          std::string::npos);
    CHECK(run(dir, v1, with({"migrate", "--allow-data-loss"})).code == 3);
    // The note now holds a value: dropping it is lossy; the NULL fixed, the plan is only lossy.
    std::ofstream(dir / "0002_fix.sql") << "UPDATE users SET email = 'a@x', note = 'keep me' WHERE id = 1;\n";
    REQUIRE(run(dir, tool, with({"apply", "0002_fix.sql"})).code == 0);
    r = run(dir, v1, with({"plan"}));
    CHECK(r.code == 3);
    CHECK(r.out.find("[lossy]   destructive drop column users.note: TEXT -> (none)\n"
                     "          needs --allow-data-loss: dropping column users.note would discard 1 non-null values\n") !=
          std::string::npos);
    CHECK(r.out.find("[safe]    lossy change nullability users.email") != std::string::npos);
    CHECK(run(dir, v1, with({"plan", "--allow-data-loss"})).code == 0);
    CHECK(run(dir, v1, with({"migrate"})).code == 3);
    r = run(dir, v1, with({"migrate", "--allow-data-loss"}));
    CHECK(r.code == 0);
    CHECK(r.out.find("destructive drop column users.note: TEXT -> (none)\n") != std::string::npos);
    CHECK(r.out.find("applied version ") != std::string::npos);
    CHECK(run(dir, v1, with({"plan"})).code == 0);
}

TEST_CASE("cli: schema prints the models' schema without a database, or the database's, as sql, json, mermaid or dot") {
    const fs::path dir = scratch("schema");
    // The models, offline: no database configured, no file made.
    auto r = run(dir, v1, {"schema"});
    REQUIRE(r.code == 0);
    CHECK(r.out == "CREATE TABLE \"users\" (\n  \"id\" INTEGER NOT NULL PRIMARY KEY,\n  \"email\" TEXT NOT NULL\n);\n");
    for (const auto& entry : fs::directory_iterator(dir)) CHECK(entry.path().filename().string().rfind(".std", 0) == 0);
    r = run(dir, v1, {"schema", "--dialect", "mysql"});
    CHECK(r.out.find("`id` BIGINT NOT NULL") != std::string::npos);
    r = run(dir, v2, {"schema", "--format", "mermaid", "--dialect", "postgresql"});
    REQUIRE(r.code == 0);
    CHECK(r.out == "erDiagram\n    users {\n        BIGINT id PK\n        TEXT email\n        INTEGER karma\n    }\n");
    r = run(dir, v2, {"schema", "--format", "json", "--dialect", "postgresql"});
    REQUIRE(r.code == 0);
    CHECK(r.json()["dialect"] == "postgresql");
    CHECK(r.json()["tables"][0]["name"] == "users");
    CHECK(r.json()["tables"][0]["columns"][2] == nlohmann::json({{"name", "karma"}, {"type", "INTEGER"}, {"nullable", false}, {"default", "0"}}));
    CHECK(r.json()["tables"][0]["indexes"][0]["name"] == "users_by_email");
    CHECK(run(dir, v1, {"schema", "--format", "png"}).code == 2);
    CHECK(run(dir, v1, {"schema", "--dialect", "oracle"}).code == 2);
    // The dialect of the configured database when none is named.
    r = run(dir, v1, {"schema", "--database", "mysql://app@db/app"});
    CHECK(r.out.find("`users`") != std::string::npos);

    // A database's schema, as its catalog has it: the generic tool, or --live.
    std::ofstream(dir / "0001_shop.sql") << "CREATE TABLE owners (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);\n"
                                            "CREATE TABLE shops (id INTEGER PRIMARY KEY, owner_id INTEGER NOT NULL REFERENCES owners (id),"
                                            " \"opened on\" TEXT);\n";
    REQUIRE(run(dir, tool, {"apply", "0001_shop.sql", "--database", "sqlite:shop.db"}).code == 0);
    r = run(dir, tool, {"schema", "--format", "mermaid", "--database", "sqlite:shop.db"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("    owners {\n        INTEGER id PK\n        TEXT name UK\n    }\n") != std::string::npos);
    CHECK(r.out.find("        TEXT opened_on \"null, opened on\"\n") != std::string::npos);
    CHECK(r.out.find("    owners ||--o{ shops : \"owner_id\"\n") != std::string::npos);
    CHECK(r.out.find("_driftless") == std::string::npos);  // driftless's own tables are not the application's
    r = run(dir, tool, {"schema", "--format", "dot", "--database", "sqlite:shop.db"});
    CHECK(r.out.find("    \"shops\" -> \"owners\" [label=\"owner_id\"];\n") != std::string::npos);
    r = run(dir, v1, {"schema", "--live", "--database", "sqlite:shop.db", "--json"});
    REQUIRE(r.code == 0);
    CHECK(r.json()["source"] == "database");
    CHECK(r.json()["text"].get<std::string>().find("CREATE TABLE \"shops\"") != std::string::npos);
    r = run(dir, tool, {"schema", "--database", "sqlite:typo.db"});
    CHECK(r.code == 2);
    CHECK_FALSE(fs::exists(dir / "typo.db"));
    CHECK(run(dir, tool, {"schema", "--database", "sqlite:shop.db", "--dialect", "mysql"}).code == 2);
}

TEST_CASE("cli: SQLite backups: a copy before a rebuild or a file that may discard data, recorded, restorable; --no-backup") {
    const fs::path dir = scratch("backups");
    const std::vector<std::string> db = {"--database", "sqlite:app.db"};
    const auto with = [&](std::vector<std::string> args) {
        args.insert(args.end(), db.begin(), db.end());
        return args;
    };
    const auto backups = [&] {
        std::vector<fs::path> found;
        for (const auto& entry : fs::directory_iterator(dir)) {
            if (entry.path().extension() == ".backup") found.push_back(entry.path());
        }
        return found;
    };
    // Creating a table and adding a column with a default discard nothing: no copy.
    REQUIRE(run(dir, v1, with({"migrate"})).code == 0);
    std::ofstream(dir / "0100_rows.sql") << "INSERT INTO users (id, email) VALUES (1, '12'), (2, '34');\n";
    auto r = run(dir, tool, with({"apply", "0100_rows.sql", "--json"}));
    REQUIRE(r.code == 0);
    CHECK(r.json()["backups"].empty());
    REQUIRE(run(dir, v2, with({"migrate"})).code == 0);
    CHECK(backups().empty());
    // A rebuild (email to an integer): the file is copied first, named with the version, and
    // recorded with the history row.
    r = run(dir, v3, with({"migrate", "--json"}));
    REQUIRE(r.code == 0);
    REQUIRE(backups().size() == 1);
    const fs::path copy = backups().front();
    CHECK(std::regex_match(copy.filename().string(), std::regex(R"(app\.db\.0102-[0-9]{8}T[0-9]{6}Z\.backup)")));
    CHECK(fs::path(r.json()["backup"].get<std::string>()) == copy);
    r = run(dir, tool, with({"status", "--json"}));
    REQUIRE(r.code == 0);
    CHECK(r.json()["migrations"].back()["version"] == 102);
    CHECK(fs::path(r.json()["migrations"].back()["backup"].get<std::string>()) == copy);
    CHECK(r.json()["migrations"][0]["backup"].is_null());
    CHECK(run(dir, tool, with({"status"})).out.find("      backup before it: " + copy.string() + "\n") != std::string::npos);
    // The copy is the database as it was: email still text, both rows, version 102 not in it.
    {
        auto before = driftless::sqlite::open(copy.string());
        auto st = before.prepare("SELECT type FROM pragma_table_info('users') WHERE name = 'email'");
        REQUIRE(st.step());
        CHECK(st.text(0) == "TEXT");
        auto rows = before.prepare("SELECT count(*) FROM users");
        REQUIRE(rows.step());
        CHECK(rows.integer(0) == 2);
        CHECK(driftless::migration_status(before).size() == 3);
    }
    // Restoring is copying it back.
    fs::copy_file(copy, dir / "restored.db");
    CHECK(run(dir, v2, {"migrate", "--database", "sqlite:restored.db"}).out == "the database matches the models; nothing to do\n");
    // --no-backup: no copy; a file that drops data is copied before it runs.
    REQUIRE(run(dir, tool, with({"rollback", "--allow-data-loss"})).code == 0);
    r = run(dir, v3, with({"migrate", "--no-backup", "--json"}));
    REQUIRE(r.code == 0);
    CHECK(r.json()["backup"].is_null());
    CHECK(backups().size() == 1);
    std::ofstream(dir / "0200_drop.sql") << "DROP INDEX users_by_email;\n";
    r = run(dir, tool, with({"apply", "0200_drop.sql"}));
    REQUIRE(r.code == 0);
    CHECK(r.out.find("the database as it was before: ") == 0);
    CHECK(backups().size() == 2);
    // In memory there is no file to copy.
    r = run(dir, v3, {"migrate", "--database", "sqlite::memory:", "--json"});
    CHECK(r.code == 0);
    CHECK(r.json()["backup"].is_null());
}

TEST_CASE("cli: baseline, out of order, apply one file") {
    const fs::path dir = scratch("baseline");
    const std::vector<std::string> db = {"--database", "sqlite:app.db"};
    fs::create_directories(dir / "migrations");
    std::ofstream(dir / "migrations" / "0001_a.sql") << "CREATE TABLE a (x);\n";
    std::ofstream(dir / "migrations" / "0003_c.sql") << "CREATE TABLE c (x);\n";
    auto r = run(dir, tool, {"baseline", "1", "--database", "sqlite:app.db", "--json"});
    CHECK(r.code == 2);  // baseline marks an existing database
    driftless::sqlite::open((dir / "app.db").string()).execute("CREATE TABLE a (x)");
    r = run(dir, tool, {"baseline", "1", "--database", "sqlite:app.db", "--json"});
    REQUIRE(r.code == 0);
    CHECK(run(dir, tool, {"upgrade", "--database", "sqlite:app.db"}).out == "applied 0003_c.sql\n");
    std::ofstream(dir / "migrations" / "0002_b.sql") << "CREATE TABLE b (x);\n";
    r = run(dir, tool, {"upgrade", "--database", "sqlite:app.db", "--json"});
    CHECK(r.code == 3);
    CHECK(r.json()["error"]["id"] == "driftless.files.out_of_order");
    r = run(dir, tool, {"upgrade", "--database", "sqlite:app.db", "--out-of-order", "--dry-run", "--json"});
    CHECK(r.code == 0);
    CHECK(r.json()["applied"] == nlohmann::json::array({"0002_b.sql"}));
    CHECK(r.json()["statements"] == nlohmann::json::array({"CREATE TABLE b (x)"}));
    r = run(dir, tool, {"apply", "migrations/0002_b.sql", "--database", "sqlite:app.db", "--out-of-order", "--json"});
    CHECK(r.code == 0);
    r = run(dir, tool, {"status", "--database", "sqlite:app.db", "--json"});
    REQUIRE(r.json()["migrations"].size() == 3);
    CHECK(r.json()["migrations"][0]["kind"] == "baseline");
}

TEST_CASE("cli: progress of a rebuild: a log line per statement from a pipe, a live line with rows, % and ETA on a terminal") {
    const fs::path dir = scratch("progress");
    REQUIRE(run(dir, v2, {"migrate", "--database", "sqlite:app.db"}).code == 0);
    {
        auto db = driftless::sqlite::open((dir / "app.db").string());
        db.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600000) "
                   "INSERT INTO users (id, email) SELECT i, CAST(i * 7 AS TEXT) FROM n");
    }
    fs::copy_file(dir / "app.db", dir / "fresh.db");
    // Not a terminal (a CI log): each statement when it starts and when it ends, with its duration;
    // inside a long one a progress line every DRIFTLESS_PROGRESS_INTERVAL seconds (5 by default).
    auto r = run(dir, v3, {"migrate", "--database", "sqlite:app.db"}, {"DRIFTLESS_PROGRESS_INTERVAL=0.01"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("lossy change type users.email: TEXT -> INTEGER\napplied version 2 (5 statements)\nthe database as it was before: ") ==
          0);
    CHECK(r.err.find("migrate [1/5] started: CREATE TABLE \"_driftless_new_users\" ( \"id\" INTEGER NOT NULL PRIMARY KEY,") == 0);
    CHECK(r.err.find("\nmigrate [2/5] started: INSERT INTO \"_driftless_new_users\" SELECT * FROM \"users\" (600,000 rows to read)\n") !=
          std::string::npos);
    CHECK(r.err.find("\nmigrate [2/5] done in ") != std::string::npos);
    CHECK(r.err.find(" (600,000 rows)\nmigrate [3/5] started: DROP TABLE \"users\"\n") != std::string::npos);
    CHECK(r.err.find("\nmigrate [5/5] started: CREATE INDEX \"users_by_email\" ON \"users\" (\"email\")\n") != std::string::npos);
    CHECK(r.err.find("\nmigrate [5/5] done in ") != std::string::npos);
    // At least one progress line inside the copy, with rows read of the total, %, rate and ETA.
    static const std::regex progress_line(R"(\nmigrate \[2/5\] [0-9,]+ / 600,000 rows \([0-9]+%\), [0-9,]+ rows/s, ETA [0-9.]+ m?s, [0-9.]+ m?s so far\n)");
    CHECK(std::regex_search(r.err, progress_line));
    // The index build writes no rows SQLite counts: its progress lines give the time alone.
    CHECK(std::regex_search(r.err, std::regex(R"(\nmigrate \[5/5\] [0-9]+ ms so far\n)")));
    CHECK(r.err.find("[5/5] 0 rows") == std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') > 10);
    // The default interval: a copy shorter than 5 s has no progress line.
    REQUIRE(run(dir, tool, {"rollback", "--database", "sqlite:app.db", "--allow-data-loss"}).code == 0);
    r = run(dir, v3, {"migrate", "--database", "sqlite:app.db"});
    REQUIRE(r.code == 0);
    CHECK(r.err.find(" so far") == std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 10);  // two per statement, not one per batch of rows
    CHECK(run(dir, tool, {"rollback", "--database", "sqlite:app.db", "--allow-data-loss"}, {"DRIFTLESS_PROGRESS=off"}).err.empty());

    // A terminal: nothing for short statements; the long copy gets a live line, redrawn in place,
    // that stays with its duration.
    r = run_on_terminal(dir, v3, {"migrate", "--database", "sqlite:fresh.db"}, {"DRIFTLESS_PROGRESS_INTERVAL=0.01"});
    REQUIRE(r.code == 0);
    static const std::regex live(R"(\r\x1b\[Kmigrate \[2/5\] INSERT INTO "_driftless_new_users" SELECT \* FROM "users": [0-9,]+ / 600,000 rows \([0-9]+%\), [0-9,]+ rows/s, ETA [0-9.]+ m?s, [0-9.]+ m?s)");
    CHECK(std::regex_search(r.out, live));
    CHECK(r.out.find("\r\x1b[Kmigrate [2/5] INSERT INTO \"_driftless_new_users\" SELECT * FROM \"users\": done in ") != std::string::npos);
    CHECK(r.out.find(" started: ") == std::string::npos);
    CHECK(r.out.find("applied version 2 (5 statements)") != std::string::npos);
    // A narrow terminal: the statement is shortened so that the line never wraps.
    REQUIRE(run(dir, tool, {"rollback", "--database", "sqlite:fresh.db", "--allow-data-loss"}, {"DRIFTLESS_PROGRESS=off"}).code == 0);
    r = run_on_terminal(dir, v3, {"migrate", "--database", "sqlite:fresh.db"}, {"DRIFTLESS_PROGRESS_INTERVAL=0.01"}, 60);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("\r\x1b[Kmigrate [2/5] INSERT") != std::string::npos);
    std::size_t widest = 0;
    for (std::size_t at = 0, next = 0; at < r.out.size(); at = next + 1) {
        next = std::min(r.out.find_first_of("\r\n", at), r.out.size());
        std::string piece = r.out.substr(at, next - at);
        if (piece.rfind("\x1b[K", 0) == 0) piece = piece.substr(3);
        if (piece.rfind("migrate [", 0) == 0) widest = std::max(widest, piece.size());
    }
    CHECK(widest <= 59);
}

TEST_CASE("cli: 16 processes running upgrade at the same instant apply each file exactly once") {
    const fs::path dir = scratch("replicas");
    fs::create_directories(dir / "migrations");
    std::ofstream(dir / "migrations" / "0001_a.sql") << "CREATE TABLE a (x INTEGER);\nINSERT INTO a VALUES (1);\n";
    std::ofstream(dir / "migrations" / "0002_b.sql") << "CREATE TABLE b (x INTEGER);\nINSERT INTO a VALUES (2);\n";
    std::ofstream(dir / "migrations" / "0003_c.sql") << "ALTER TABLE b ADD COLUMN y TEXT;\nINSERT INTO a VALUES (3);\n";
    int gate[2];
    REQUIRE(pipe(gate) == 0);
    std::fflush(stdout);
    std::fflush(stderr);
    std::vector<pid_t> children;
    for (int i = 0; i < 16; ++i) {
        const pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            close(gate[1]);
            char c;
            while (read(gate[0], &c, 1) > 0) {
            }  // returns 0 when the parent closes its end: every child starts at once
            if (chdir(dir.c_str()) != 0) _exit(120);
            const std::string out = ".out" + std::to_string(i);
            if (!freopen(out.c_str(), "w", stdout) || !freopen((out + "e").c_str(), "w", stderr)) _exit(121);
            execl(tool.c_str(), tool.c_str(), "upgrade", "--database", "sqlite:app.db", static_cast<char*>(nullptr));
            _exit(122);
        }
        children.push_back(pid);
    }
    close(gate[0]);
    close(gate[1]);
    int ok = 0;
    for (const pid_t pid : children) {
        int status = 0;
        REQUIRE(waitpid(pid, &status, 0) == pid);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) ++ok;
    }
    CHECK(ok == 16);
    auto db = driftless::sqlite::open((dir / "app.db").string());
    auto st = db.prepare("SELECT (SELECT group_concat(x) FROM (SELECT x FROM a ORDER BY x)), (SELECT count(*) FROM _driftless_migrations)");
    REQUIRE(st.step());
    CHECK(st.text(0) == "1,2,3");
    CHECK(st.integer(1) == 3);
}

TEST_CASE("cli: 10 processes running upgrade or rollback at once, 5 rounds: the history never has a hole") {
    const fs::path dir = scratch("upgrade_rollback_race");
    cli_test::upgrade_and_rollback_race(dir, "sqlite:app.db", 10, 5);
}

TEST_CASE("cli: a migration file with a NUL byte in a statement is refused (exit 2), nothing applied") {
    const fs::path dir = scratch("nul_file");
    fs::create_directories(dir / "migrations");
    std::ofstream(dir / "migrations" / "0001_acct.sql") << "CREATE TABLE acct (id INTEGER PRIMARY KEY, bal INTEGER);\n"
                                                           "INSERT INTO acct VALUES (1, 10), (2, 20);\n";
    REQUIRE(run(dir, tool, {"upgrade", "--database", "sqlite:app.db"}).code == 0);
    std::ofstream(dir / "migrations" / "0002_zero.sql", std::ios::binary)
        << std::string("UPDATE acct SET bal = 0\0 WHERE id = 2;\n", 39);
    const auto r = run(dir, tool, {"upgrade", "--database", "sqlite:app.db"});
    CHECK(r.code == 2);
    CHECK(r.err.find("0002_zero.sql' (line 1)") != std::string::npos);
    CHECK(r.err.find("NUL") != std::string::npos);
    auto db = driftless::sqlite::open((dir / "app.db").string());
    auto st = db.prepare("SELECT (SELECT group_concat(bal) FROM acct), (SELECT count(*) FROM _driftless_migrations)");
    REQUIRE(st.step());
    CHECK(st.text(0) == "10,20");
    CHECK(st.integer(1) == 1);
}

TEST_CASE("cli: plan, verify, migrate --dry-run and generate work on a read-only SQLite database and write nothing") {
    const fs::path dir = scratch("read_only");
    {
        auto db = driftless::sqlite::open((dir / "ro.db").string());
        db.execute("CREATE TABLE kept (id INTEGER PRIMARY KEY)");
    }
    cli_test::check_reading_commands(dir, "sqlite:file:ro.db?mode=ro");
    // The same reading commands on a writable file leave it as it was: no tracking table either.
    for (const char* command : {"plan", "verify"}) CHECK(run(dir, v2, {command, "--database", "sqlite:ro.db"}).code <= 1);
    CHECK(run(dir, v2, {"migrate", "--dry-run", "--database", "sqlite:ro.db"}).code == 0);
    auto db = driftless::sqlite::open((dir / "ro.db").string());
    auto st = db.prepare("SELECT group_concat(name) FROM sqlite_schema WHERE type = 'table'");
    REQUIRE(st.step());
    CHECK(st.text(0) == "kept");
}

TEST_CASE("cli: two files with one version, and a generate that cannot write, are usage errors (exit 2)") {
    const fs::path dir = scratch("usage_exits");
    fs::create_directories(dir / "migrations");
    std::ofstream(dir / "migrations" / "0001_a.sql") << "CREATE TABLE a (id INTEGER PRIMARY KEY);\n";
    std::ofstream(dir / "migrations" / "001_b.sql") << "CREATE TABLE b (id INTEGER PRIMARY KEY);\n";
    auto r = run(dir, tool, {"upgrade", "--database", "sqlite:app.db"});
    CHECK(r.code == 2);
    CHECK(r.err.find("same version 1") != std::string::npos);
    fs::remove(dir / "migrations" / "001_b.sql");
    std::ofstream(dir / "not_a_directory") << "x";
    r = run(dir, v1, {"generate", "--database", "sqlite:app.db", "--output", "not_a_directory/sub"});
    CHECK(r.code == 2);
    CHECK(r.err.find("driftless.generate.write") != std::string::npos);
    CHECK(r.err.find("not_a_directory") != std::string::npos);
}

TEST_CASE("cli: files skipped in the migrations directory are warned about; control characters in names are escaped") {
    const fs::path dir = scratch("skipped_files");
    fs::create_directories(dir / "migrations");
    std::ofstream(dir / "migrations" / "0001_a.sql") << "CREATE TABLE a (id INTEGER PRIMARY KEY);\n";
    std::ofstream(dir / "migrations" / "0002_b.SQL") << "CREATE TABLE b (id INTEGER PRIMARY KEY);\n";
    fs::create_symlink(dir / "migrations" / "gone.sql", dir / "migrations" / "0003_c.sql");
    std::ofstream(dir / "migrations" / "0004_\x1b]0;pwned\x07.sql") << "CREATE TABLE d (id INTEGER PRIMARY KEY);\n";
    auto r = run(dir, tool, {"status", "--database", "sqlite:app.db"});
    CAPTURE(r.err);
    CAPTURE(r.out);
    CHECK(r.err.find("warning: '0002_b.SQL'") != std::string::npos);
    CHECK(r.err.find("warning: '0003_c.sql'") != std::string::npos);
    CHECK(r.err.find("does not exist") != std::string::npos);
    const std::string all = r.out + r.err;
    CHECK(all.find('\x1b') == std::string::npos);
    CHECK(all.find('\x07') == std::string::npos);
    CHECK(all.find("\\x1b]0;pwned\\x07") != std::string::npos);
    CHECK(driftless::cli::printable("a\x1b[2Jb\tc\n\xc2\x9b") == "a\\x1b[2Jb\tc\n\\u009b");
}

TEST_CASE("cli: a large migration file is held at most three times its size while it runs") {
    const fs::path dir = scratch("large_file");
    fs::create_directories(dir / "migrations");
    const auto baseline = run(dir, tool, {"status", "--database", "sqlite:app.db"});
    REQUIRE(baseline.code == 0);
    std::size_t size = 0;
    {
        std::ofstream f(dir / "migrations" / "0001_big.sql", std::ios::binary);
        const std::string line = "INSERT INTO big (v) VALUES ('" + std::string(200, 'x') + "');\n";
        f << "CREATE TABLE big (id INTEGER PRIMARY KEY, v TEXT);\n";
        for (size = 0; size < (std::size_t{32} << 20); size += line.size()) f << line;
    }
    const auto r = run(dir, tool, {"upgrade", "--database", "sqlite:app.db"});
    REQUIRE(r.code == 0);
    CHECK(r.out == "applied 0001_big.sql\n");
    const long file_kb = static_cast<long>(size / 1024);
    INFO("baseline " << baseline.max_rss_kb << " kB, upgrade " << r.max_rss_kb << " kB, file " << file_kb << " kB");
#if defined(__SANITIZE_ADDRESS__)
    // AddressSanitizer's shadow memory, redzones and quarantine are not the program's: the bound
    // is checked by the builds without it.
    CHECK(r.max_rss_kb > 0);
#else
    CHECK(r.max_rss_kb - baseline.max_rss_kb <= 3 * file_kb);
#endif
    MESSAGE("a " << file_kb / 1024 << " MB file: peak " << (r.max_rss_kb - baseline.max_rss_kb) / 1024 << " MB above the baseline");
}

TEST_CASE("cli: repair lists an applied file that changed, accepts its checksum when told, and records who and when") {
    const fs::path dir = cli_test::scratch("repair_checksum");
    const std::string url = "sqlite:" + (dir / "app.db").string();
    fs::create_directories(dir / "migrations");
    {
        std::ofstream f(dir / "migrations" / "0001_notes.sql");
        f << "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\n";
    }
    REQUIRE(run(dir, tool, {"--database", url, "upgrade"}).code == 0);
    auto r = run(dir, tool, {"--database", url, "repair"});
    CHECK(r.code == 0);
    CHECK(r.out == "nothing to repair\n");
    // Someone edits the applied file (a comment, a reformat): upgrade refuses, repair says why.
    {
        std::ofstream f(dir / "migrations" / "0001_notes.sql");
        f << "-- notes, one per row\nCREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\n";
    }
    CHECK(run(dir, tool, {"--database", url, "upgrade"}).code == 3);
    r = run(dir, tool, {"--database", url, "repair", "--json"});
    CHECK(r.code == 1);
    REQUIRE(r.json()["stuck"].size() == 1);
    const auto stuck = r.json()["stuck"][0];
    CHECK(stuck["version"] == 1);
    CHECK(stuck["problem"] == "checksum mismatch");
    CHECK(stuck["file"] == "0001_notes.sql");
    CHECK(stuck["recorded_checksum"] != stuck["file_checksum"]);
    CHECK(stuck["advice"].get<std::string>().find("repair --accept-checksum 1") != std::string::npos);
    // Resolutions that do not fit the row are refused (exit 3), naming its state.
    r = run(dir, tool, {"--database", url, "repair", "--mark-applied", "1"});
    CHECK(r.code == 3);
    CHECK(r.err.find("was applied") != std::string::npos);
    CHECK(run(dir, tool, {"--database", url, "repair", "--accept-checksum", "7"}).code == 2);  // no such file
    CHECK(run(dir, tool, {"--database", url, "repair", "--resume", "1"}).code == 2);           // needs --from-step
    CHECK(run(dir, tool, {"--database", url, "repair", "--mark-applied", "1", "--accept-checksum", "1"}).code == 2);
    // Told so, it records the file as it is now.
    r = run(dir, tool, {"--database", url, "repair", "--accept-checksum", "1", "--who", "ops@example", "--json"});
    REQUIRE(r.code == 0);
    CHECK(r.json()["action"] == "accept-checksum");
    CHECK(r.json()["who"] == "ops@example");
    CHECK(run(dir, tool, {"--database", url, "upgrade"}).code == 0);
    CHECK(run(dir, tool, {"--database", url, "verify"}).out == "no drift\n");
    CHECK(run(dir, tool, {"--database", url, "repair"}).out == "nothing to repair\n");
    // Recorded: who, when, and both checksums.
    const std::string rows = run(dir, tool, {"--database", url, "repair", "--accept-checksum", "1"}).err;
    CHECK(rows.find("already") != std::string::npos);
    driftless::sqlite::connection db = driftless::sqlite::open((dir / "app.db").string());
    auto q = db.prepare("SELECT version, action, who, detail FROM _driftless_repairs");
    REQUIRE(q.step());
    CHECK(q.integer(0) == 1);
    CHECK(q.text(1) == "accept-checksum");
    CHECK(q.text(2) == "ops@example");
    CHECK(q.text(3).find(stuck["recorded_checksum"].get<std::string>()) != std::string::npos);
    CHECK_FALSE(q.step());
}

TEST_CASE("cli: --version, misspelt commands, the generic tool's commands, and global options in every --help") {
    const fs::path dir = cli_test::scratch("cli_conventions");
    auto r = run(dir, tool, {"--version"});
    CHECK(r.code == 0);
    CHECK(r.out == "driftless " + std::string(driftless::version) + "\n");
    CHECK(run(dir, v1, {"--version"}).out == r.out);
    r = run(dir, tool, {"--database", "sqlite:x.db", "statsu"});
    CHECK(r.code == 2);
    CHECK(r.err.find("unknown command 'statsu'; did you mean 'status'? Commands: init, status,") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "x.db"));
    r = run(dir, tool, {"migrat"});
    CHECK(r.code == 2);
    CHECK(r.err.find("'migrate' compares C++ models with the database") != std::string::npos);
    CHECK(run(dir, v1, {"migrat"}).err.find("did you mean 'migrate'?") != std::string::npos);
    CHECK(run(dir, tool, {"xyzzy"}).err.find("Commands: init, status, upgrade") != std::string::npos);
    // A misspelt option is reported as one, not its value as a command.
    r = run(dir, tool, {"--databse", "sqlite:x.db", "status"});
    CHECK(r.code == 2);
    CHECK(r.err.find("unknown command") == std::string::npos);
    CHECK(run(dir, tool, {"--database=sqlite:x.db", "--json", "statsu"}).out.find("did you mean 'status'?") != std::string::npos);
    // The generic tool lists only what it can run, and says how to build one that can do the rest.
    r = run(dir, tool, {"--help"});
    CHECK(r.code == 0);
    CHECK(r.out.find("  migrate ") == std::string::npos);
    CHECK(r.out.find("  repair ") != std::string::npos);
    CHECK(r.out.find("driftless::cli::main<") != std::string::npos);
    CHECK(run(dir, v1, {"--help"}).out.find("  migrate ") != std::string::npos);
    r = run(dir, tool, {"migrate", "--database", "sqlite:x.db"});
    CHECK(r.code == 2);
    CHECK(r.err.find("built without models") != std::string::npos);
    for (const char* command : {"status", "upgrade", "repair", "rollback"}) {
        CAPTURE(command);
        r = run(dir, tool, {command, "--help"});
        CHECK(r.code == 0);
        CHECK(r.out.find("Global options") != std::string::npos);
        CHECK(r.out.find("--database URL") != std::string::npos);
    }
}

TEST_CASE("cli: DATABASE_URL and .env, sqlite: URL parameters, driftless.toml found upward and its keys checked") {
    const fs::path dir = cli_test::scratch("cli_connections");
    fs::create_directories(dir / "migrations");
    {
        std::ofstream f(dir / "migrations" / "0001_t.sql");
        f << "CREATE TABLE t (id INTEGER PRIMARY KEY);\n";
    }
    // DATABASE_URL (as sqlx, dbmate and Prisma read it), after DRIFTLESS_DATABASE_URL.
    CHECK(run(dir, tool, {"upgrade"}, {"DATABASE_URL=sqlite:common.db"}).code == 0);
    CHECK(fs::exists(dir / "common.db"));
    CHECK(run(dir, tool, {"upgrade"}, {"DATABASE_URL=sqlite:common2.db", "DRIFTLESS_DATABASE_URL=sqlite:own.db"}).code == 0);
    CHECK(fs::exists(dir / "own.db"));
    CHECK_FALSE(fs::exists(dir / "common2.db"));
    // .env in the working directory; the process environment comes first.
    {
        std::ofstream f(dir / ".env");
        f << "\xEF\xBB\xBF# local settings\r\nexport DATABASE_URL=\"sqlite:dotenv.db\"  # the dev one\r\nOTHER=1\n";
    }
    CHECK(run(dir, tool, {"upgrade"}).code == 0);
    CHECK(fs::exists(dir / "dotenv.db"));
    CHECK(run(dir, tool, {"upgrade"}, {"DATABASE_URL=sqlite:env_first.db"}).code == 0);
    CHECK(fs::exists(dir / "env_first.db"));
    fs::remove(dir / ".env");
    // sqlx's query parameters on sqlite: URLs, not a file named "q.db?mode=rwc".
    CHECK(run(dir, tool, {"--database", "sqlite:q.db?mode=rwc", "upgrade"}).code == 0);
    CHECK(fs::exists(dir / "q.db"));
    CHECK_FALSE(fs::exists(dir / "q.db?mode=rwc"));
    CHECK(run(dir, tool, {"--database", "sqlite:q.db?mode=ro", "status"}).code == 0);
    CHECK(run(dir, tool, {"--database", "sqlite:missing.db?mode=rw", "upgrade"}).code == 4);
    CHECK_FALSE(fs::exists(dir / "missing.db"));
    auto r = run(dir, tool, {"--database", "sqlite:q.db?cache=shared", "status"});
    CHECK(r.code == 2);
    CHECK(r.err.find("unknown parameter 'cache'") != std::string::npos);
    CHECK(run(dir, tool, {"--database", "sqlite:q.db?mode=rwx", "status"}).code == 2);
    // driftless.toml is found from a subdirectory; its paths are relative to it.
    {
        std::ofstream f(dir / "driftless.toml");
        f << "[database]\nurl = 'sqlite:app.db'\n[migrations]\ndir = 'migrations'\n";
    }
    fs::create_directories(dir / "src" / "deep");
    r = run(dir / "src" / "deep", tool, {"upgrade"});
    CHECK(r.code == 0);
    CHECK(fs::exists(dir / "app.db"));
    CHECK(run(dir / "src" / "deep", tool, {"status", "--json"}).json()["migrations"].size() == 1);
    // Not above a repository's root: a nested repository without its own file finds none.
    fs::create_directories(dir / "vendor" / "lib" / ".git");
    r = run(dir / "vendor" / "lib", tool, {"status"});
    CHECK(r.code == 2);
    CHECK(r.err.find("no database") != std::string::npos);
    // driftless's own file comes before DATABASE_URL (an application's, perhaps another environment's).
    CHECK(run(dir, tool, {"upgrade"}, {"DATABASE_URL=sqlite:elsewhere.db"}).code == 0);
    CHECK_FALSE(fs::exists(dir / "elsewhere.db"));
    // A relative path with ?mode= stays relative to the file.
    {
        std::ofstream f(dir / "driftless.toml");
        f << "[database]\nurl = 'sqlite:moded.db?mode=rwc'\n[migrations]\ndir = 'migrations'\n";
    }
    CHECK(run(dir / "src" / "deep", tool, {"upgrade"}).code == 0);
    CHECK(fs::exists(dir / "moded.db"));
    CHECK_FALSE(fs::exists(dir / "src" / "deep" / "moded.db"));
    // Unknown keys are refused with the key it most likely meant.
    {
        std::ofstream f(dir / "driftless.toml");
        f << "[database]\nurl = 'sqlite:app.db'\n[migrations]\ndirectory = 'db/migrations'\n";
    }
    r = run(dir, tool, {"status"});
    CHECK(r.code == 2);
    CHECK(r.err.find("unknown key 'migrations.directory'") != std::string::npos);
    CHECK(r.err.find("did you mean 'migrations.dir'?") != std::string::npos);
    {
        std::ofstream f(dir / "driftless.toml");
        f << "db_path = 'app.db'\n";
    }
    r = run(dir, tool, {"status"});
    CHECK(r.code == 2);
    CHECK(r.err.find("did you mean 'database.url'?") != std::string::npos);
    {
        std::ofstream f(dir / "driftless.toml");
        f << "[database]\nulr = 'sqlite:app.db'\n";
    }
    CHECK(run(dir, tool, {"status"}).err.find("did you mean 'database.url'?") != std::string::npos);
}

TEST_CASE("cli: a password holding '/', '%', '@' or ':' is never shown, raw or percent-encoded, in text or JSON") {
    using driftless::cli::redacted;
    // Percent-encoded, as a URL must spell them: the whole password is replaced, the rest kept.
    CHECK(redacted("postgresql://bob:S3C%2FR3T@db:5432/app") == "postgresql://bob:***@db:5432/app");
    CHECK(redacted("postgresql://bob:S3C%25R3T@db/app") == "postgresql://bob:***@db/app");
    CHECK(redacted("postgresql://bob:S3C%40R3T@db/app?sslmode=require") == "postgresql://bob:***@db/app?sslmode=require");
    CHECK(redacted("mysql://bob:S3C%3AR3T@[::1]:3306/app?socket=%2Frun%2Fmy.sock") == "mysql://bob:***@[::1]:3306/app?socket=%2Frun%2Fmy.sock");
    CHECK(redacted("mariadb://bob:S3C:R3T@db/app") == "mariadb://bob:***@db/app");  // a raw ':' is the password's own
    // Raw, as people paste them: a '/' or '?' ends the authority early, an '@' or a lone '%' makes
    // the URL invalid; the text from the first ':' to the last '@' is hidden all the same.
    CHECK(redacted("postgresql://bob:S3C/R3T@db/app") == "postgresql://bob:***@db/app");
    CHECK(redacted("postgresql://bob:123/R3T@db/app") == "postgresql://bob:***@db/app");  // parses, with host "bob"
    CHECK(redacted("postgresql://bob:S3C@R3T@db/app") == "postgresql://bob:***@db/app");
    CHECK(redacted("postgresql://bob:S3C%R3T@db/app") == "postgresql://bob:***@db/app");
    CHECK(redacted("mysql://bob:S3C?R3T@db/app") == "mysql://bob:***@db/app");
    CHECK(redacted("mysql://bob:S3C#R3T@db/app") == "mysql://bob:***@db/app");
    // Every password= in the query, and in a libpq keyword string that is not a URL.
    CHECK(redacted("postgresql:///app?password=S3C%2FR3T&host=/run&password=x") == "postgresql:///app?password=***&host=/run&password=***");
    CHECK(redacted("host=/run password=S3C@R3T dbname=app") == "host=/run password=*** dbname=app");
    // Nothing to hide: unchanged, byte for byte.
    CHECK(redacted("postgresql://bob@db/app%2Fx?sslmode=require") == "postgresql://bob@db/app%2Fx?sslmode=require");
    CHECK(redacted("sqlite:data/app.db?mode=rwc") == "sqlite:data/app.db?mode=rwc");

    // Through the tool: nothing listens there, or the URL is refused; no part of the password is
    // printed, on stdout or stderr, as text or JSON.
    const fs::path dir = cli_test::scratch("cli_secret_urls");
    for (const char* password : {"S3C%2FR3T", "S3C%25R3T", "S3C%40R3T", "S3C%3AR3T", "S3C:R3T", "S3C/R3T", "S3C@R3T", "S3C%R3T", "S3C?R3T"}) {
        for (const std::string scheme : {"postgresql", "mysql"}) {
            const std::string url = scheme + "://bob:" + password + "@localhost:1/app?" +
                                    (scheme == "mysql" ? "connect_timeout=1" : "connect_timeout=1&host=/nonexistent-driftless-socket-dir");
            for (const bool as_json : {false, true}) {
                CAPTURE(url);
                CAPTURE(as_json);
                std::vector<std::string> args{"status", "--database", url};
                if (as_json) args.emplace_back("--json");
                const auto r = run(dir, tool, args);
                CHECK((r.code == 2 || r.code == 4));
                for (const char* part : {"S3C", "R3T"}) {
                    CHECK(r.out.find(part) == std::string::npos);
                    CHECK(r.err.find(part) == std::string::npos);
                }
                if (as_json) CHECK(r.json()["ok"] == false);
            }
        }
    }
    // A misspelt scheme: the likely one named, the password still hidden.
    auto typo = run(dir, tool, {"status", "--database", "postgress://bob:S3CRET@db/app"});
    CHECK(typo.code == 2);
    CHECK(typo.err.find("unknown database URL scheme 'postgress' in 'postgress://bob:***@db/app'; did you mean postgres:?") !=
          std::string::npos);
    typo = run(dir, tool, {"status", "--database", "oracle://bob:S3CRET@db/app"});
    CHECK(typo.code == 2);
    CHECK(typo.err.find("use sqlite:PATH, postgresql://... or mysql://...") != std::string::npos);
    CHECK(typo.err.find("S3CRET") == std::string::npos);
    // init --url writes the URL as given and prints it hidden.
    const auto r = run(dir, tool, {"init", "--json", "--url", "postgresql://bob:S3C%2FR3T@db/app"});
    REQUIRE(r.code == 0);
    CHECK(r.json()["database"] == "postgresql://bob:***@db/app");
    CHECK(cli_test::slurp(dir / "driftless.toml").find("postgresql://bob:S3C%2FR3T@db/app") != std::string::npos);
}

TEST_CASE("cli: a sqlite: path with characters a URI must escape opens that very file, with ?mode= or without") {
    const fs::path dir = cli_test::scratch("cli_sqlite_names");
    fs::create_directories(dir / "migrations");
    std::ofstream(dir / "migrations" / "0001_t.sql") << "CREATE TABLE t (id INTEGER PRIMARY KEY);\n";
    for (const std::string name : {"50% off.db", "a#b.db", "semi;colon.db", "caf\xC3\xA9.db"}) {
        CAPTURE(name);
        REQUIRE(run(dir, tool, {"--database", "sqlite:" + name + "?mode=rwc", "upgrade"}).code == 0);
        CHECK(fs::exists(dir / name));
        const auto r = run(dir, tool, {"--database", "sqlite:" + name + "?mode=ro", "status", "--json"});
        CHECK(r.code == 0);
        CHECK(r.json()["migrations"].size() == 1);
        CHECK(run(dir, tool, {"--database", "sqlite:" + name, "status"}).code == 0);
    }
    // A SQLite URI is read as one: escapes decoded, a host other than localhost refused.
    CHECK(run(dir, tool, {"--database", "sqlite:file:50%25%20off.db?mode=ro", "status"}).code == 0);
    auto r = run(dir, tool, {"--database", "sqlite:file://elsewhere/app.db", "status"});
    CHECK(r.code == 2);
    CHECK(r.err.find("names a host") != std::string::npos);
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().filename().string().front() != '.') names.push_back(e.path().filename().string());  // not the harness's .stdout
    }
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{"50% off.db", "a#b.db", "caf\xC3\xA9.db", "migrations", "semi;colon.db"});
}

TEST_CASE("cli: rollback --model refuses a migration that also created another model's table, unless --whole-migration") {
    const fs::path dir = cli_test::scratch("rollback_other_tables");
    const std::string url = "sqlite:" + (dir / "app.db").string();
    {
        auto db = driftless::sqlite::open((dir / "app.db").string());
        driftless::migrate<cli_rb::Member, cli_rb::Club>(db);  // version 1 creates both
    }
    auto r = run(dir, tool, {"--database", url, "rollback", "--model", "clubs"});
    CHECK(r.code == 3);
    CHECK(r.err.find("which also changed members") != std::string::npos);
    CHECK(r.err.find("--whole-migration") != std::string::npos);
    r = run(dir, tool, {"--database", url, "rollback", "--model", "clubs", "--whole-migration", "--json"});
    REQUIRE(r.code == 0);
    CHECK(r.json()["version"] == 1);
    auto db = driftless::sqlite::open((dir / "app.db").string());
    auto q = db.prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('members', 'clubs')");
    REQUIRE(q.step());
    CHECK(q.integer(0) == 0);
}
