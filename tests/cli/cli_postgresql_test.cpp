// The command line against a PostgreSQL URL (the throwaway server of the ctest fixture
// "postgresql"): migrate, status, plan, generate --apply, verify, rollback, upgrade, and errors.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include <nlohmann/json.hpp>

#include <driftless/cli.hpp>
#include <driftless/postgresql.hpp>

#include "../postgresql/pg_support.hpp"
#include "cli_support.hpp"
#include "concurrent_files.hpp"

namespace {

using cli_test::run;
namespace fs = std::filesystem;

using cli_test::tool;
using cli_test::v1;
using cli_test::v2;
using cli_test::v3;

}  // namespace

TEST_CASE("cli on PostgreSQL: migrate, status, generate --apply, verify, rollback, upgrade") {
    pg_test::scratch_database scratch;
    const fs::path dir = cli_test::scratch("pg_workflow");
    const std::string url = scratch.uri();
    const auto with = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--database", url});
        return args;
    };

    auto r = run(dir, v1, with({"migrate", "--dialect", "postgresql", "--description", "first", "--json"}));
    REQUIRE(r.code == 0);
    CHECK(r.json()["applied"] == true);
    CHECK(r.json()["statements"][0].get<std::string>().rfind("CREATE TABLE \"users\"", 0) == 0);
    CHECK(run(dir, v1, with({"migrate", "--dialect", "sqlite"})).code == 2);

    r = run(dir, tool, with({"status", "--json"}));
    REQUIRE(r.code == 0);
    REQUIRE(r.json()["migrations"].size() == 1);
    CHECK(r.json()["migrations"][0]["description"] == "first");
    CHECK(run(dir, v1, with({"migrate"})).out == "the database matches the models; nothing to do\n");

    r = run(dir, v2, with({"plan"}));
    REQUIRE(r.code == 0);
    CHECK(r.out.find(R"(ALTER TABLE "users" ADD COLUMN "karma" INTEGER NOT NULL DEFAULT 0;)") != std::string::npos);

    // The file workflow through the environment variable rather than --database.
    const std::string env = "DRIFTLESS_DATABASE_URL=" + url;
    r = run(dir, v2, {"generate", "--apply", "--output", "migrations", "--json"}, {env});
    REQUIRE(r.code == 0);
    CHECK(r.json()["applied"] == true);
    CHECK(fs::path(r.json()["path"].get<std::string>()).filename() == "0002_user.sql");
    CHECK(run(dir, v2, {"verify", "--migrations", "migrations"}, {env}).out == "no drift\n");
    CHECK(run(dir, v1, {"verify", "--migrations", "migrations"}, {env}).code == 1);

    // Lossy: email to an integer would fail for every value there (blocked), once rows exist.
    const auto db = scratch.connect();
    db.execute("INSERT INTO users (id, email) VALUES (1, 'a@x')");
    r = run(dir, v3, with({"plan", "--allow-data-loss", "--json"}));
    CHECK(r.code == 3);  // plan says so first, with the same verdict
    CHECK(r.json()["refused"] == true);
    CHECK(r.json()["steps"][0]["verdict"] == "blocked");
    r = run(dir, v3, with({"migrate", "--allow-data-loss", "--json"}));
    CHECK(r.code == 3);
    CHECK(r.json()["error"]["id"] == "driftless.plan.blocked");
    // v1 drops karma, which holds a value: lossy, and no backup is made on PostgreSQL.
    r = run(dir, v1, with({"plan"}));
    CHECK(r.code == 3);
    CHECK(r.out.find("needs --allow-data-loss: dropping column users.karma would discard 1 non-null values\n") != std::string::npos);
    CHECK(r.out.find("note: driftless makes no automatic backup on PostgreSQL; back up users before running the lossy steps\n") !=
          std::string::npos);

    r = run(dir, tool, with({"rollback", "--allow-data-loss", "--json"}));
    REQUIRE(r.code == 0);
    CHECK(r.json()["version"] == 2);
    CHECK(pg_test::one(db, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users'") == "2");
    r = run(dir, tool, with({"upgrade", "--migrations", "migrations", "--json"}));
    REQUIRE(r.code == 0);
    CHECK(r.json()["applied"] == nlohmann::json::array({"0002_user.sql"}));

    // The live schema, as PostgreSQL's catalog has it, without driftless's own tables.
    r = run(dir, v1, with({"schema", "--live", "--format", "mermaid"}));
    REQUIRE(r.code == 0);
    CHECK(r.out == "erDiagram\n    users {\n        bigint id PK\n        text email\n        integer karma\n    }\n");  // the catalog's spelling
    r = run(dir, tool, with({"schema", "--format", "json"}));
    REQUIRE(r.code == 0);
    CHECK(r.json()["dialect"] == "postgresql");
    CHECK(r.json()["tables"].size() == 1);
    CHECK(r.json()["tables"][0]["indexes"][0]["name"] == "users_by_email");

    // A database that does not exist is a database error.
    r = run(dir, tool, {"status", "--json", "--database", "postgresql:///no_such_database_driftless" + url.substr(url.find('?'))});
    CHECK(r.code == 4);
}

TEST_CASE("cli on PostgreSQL: progress of a long statement, as log lines from a pipe and as a live line on a terminal") {
    pg_test::scratch_database scratch;
    const fs::path dir = cli_test::scratch("pg_progress");
    const std::string url = scratch.uri();
    fs::create_directories(dir / "migrations");
    std::ofstream(dir / "migrations" / "0001_slow.sql") << "-- driftless:up\nCREATE TABLE t (id BIGINT PRIMARY KEY);\n"
                                                          "SELECT pg_sleep(0.6);\n-- driftless:down\nDROP TABLE t;\n";
    auto r = run(dir, tool, {"upgrade", "--database", url}, {"DRIFTLESS_PROGRESS_INTERVAL=0.2"});
    REQUIRE(r.code == 0);
    CHECK(r.err.find("upgrade [1/2] started: CREATE TABLE t (id BIGINT PRIMARY KEY)\nupgrade [1/2] done in ") == 0);
    CHECK(r.err.find("\nupgrade [2/2] started: SELECT pg_sleep(0.6)\nupgrade [2/2] ") != std::string::npos);
    const std::regex elapsed(R"(\nupgrade \[2/2\] [0-9]+ ms so far\n)");
    CHECK(std::regex_search(r.err, elapsed));  // PostgreSQL reports no rows: the time so far
    CHECK(std::regex_search(r.err, std::regex(R"(\nupgrade \[2/2\] done in [0-9]+ ms \(1 row\)\n$)")));
    // On a terminal: a live line once the statement has run a second, then its duration.
    r = run(dir, tool, {"rollback", "--database", url}, {"DRIFTLESS_PROGRESS=off"});
    REQUIRE(r.code == 0);
    CHECK(r.err.empty());
    std::ofstream(dir / "migrations" / "0001_slow.sql") << "-- driftless:up\nCREATE TABLE t (id BIGINT PRIMARY KEY);\n"
                                                          "SELECT pg_sleep(1.4);\n-- driftless:down\nDROP TABLE t;\n";
    r = cli_test::run_on_terminal(dir, tool, {"apply", "migrations/0001_slow.sql", "--database", url, "--out-of-order"});
    CHECK(std::regex_search(r.out, std::regex(R"(\r\x1b\[Kapply \[2/2\] SELECT pg_sleep\(1\.4\): 1\.[0-9] s)")));
    CHECK(std::regex_search(r.out, std::regex(R"(\r\x1b\[Kapply \[2/2\] SELECT pg_sleep\(1\.4\): done in 1\.[0-9] s \(1 row\)\r\n)")));
    CHECK(r.out.find("[1/2]") == std::string::npos);  // a short statement shows nothing
}

TEST_CASE("cli on PostgreSQL: 10 processes running upgrade or rollback at once, 5 rounds: the history never has a hole") {
    pg_test::scratch_database scratch;
    cli_test::upgrade_and_rollback_race(cli_test::scratch("pg_upgrade_rollback_race"), scratch.uri(), 10, 5);
}

TEST_CASE("cli on PostgreSQL: a migration file with a NUL byte in a statement is refused (exit 2), nothing applied") {
    pg_test::scratch_database scratch;
    const fs::path dir = cli_test::scratch("pg_nul_file");
    fs::create_directories(dir / "migrations");
    std::ofstream(dir / "migrations" / "0001_acct.sql") << "CREATE TABLE acct (id INTEGER PRIMARY KEY, bal INTEGER);\n"
                                                           "INSERT INTO acct VALUES (1, 10), (2, 20);\n";
    REQUIRE(run(dir, tool, {"upgrade", "--database", scratch.uri()}).code == 0);
    std::ofstream(dir / "migrations" / "0002_zero.sql", std::ios::binary)
        << std::string("SELECT 1;\nUPDATE acct SET bal = 0\0 WHERE id = 2;\n", 49);
    const auto r = run(dir, tool, {"upgrade", "--database", scratch.uri()});
    CHECK(r.code == 2);
    CHECK(r.err.find("0002_zero.sql' (line 2)") != std::string::npos);
    auto db = driftless::postgresql::connect(scratch.url());
    CHECK(db.execute("SELECT string_agg(bal::text, ',' ORDER BY id) FROM acct").text(0, 0) == "10,20");
    CHECK(db.execute("SELECT count(*) FROM _driftless_migrations").integer(0, 0) == 1);
}

TEST_CASE("cli on PostgreSQL: plan, verify, migrate --dry-run and generate work in a read-only session and write nothing") {
    pg_test::scratch_database scratch;
    const fs::path dir = cli_test::scratch("pg_read_only");
    {
        auto db = scratch.connect();
        db.execute("CREATE TABLE kept (id INTEGER PRIMARY KEY)");
        db.execute("ALTER DATABASE " + scratch.name() + " SET default_transaction_read_only = on");
    }
    cli_test::check_reading_commands(dir, scratch.uri());
    auto db = scratch.connect();
    CHECK(pg_test::one(db, "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relkind = 'r' AND "
                           "relnamespace = 'public'::regnamespace") == "kept");
}

TEST_CASE("cli on PostgreSQL: init --url never prints the password and writes the file for its owner only") {
    const fs::path dir = cli_test::scratch("pg_init_secret");
    auto r = run(dir, tool, {"init", "--url", "postgresql://bob:S3CRET@localhost:5/db"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("S3CRET") == std::string::npos);
    CHECK(r.out.find("postgresql://bob:***@localhost:5/db") != std::string::npos);
    CHECK(cli_test::slurp(dir / "driftless.toml").find("S3CRET") != std::string::npos);
    CHECK((fs::status(dir / "driftless.toml").permissions() & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);
    r = run(dir, tool, {"init", "--force", "--json", "--url", "postgresql://bob:S3CRET/pw@localhost:5/db"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("S3CRET") == std::string::npos);
    // Every broken URL fails without echoing it: text and JSON, exit 2 for what cannot be parsed.
    for (const char* url : {"postgresql://bob:S3C%ZZRETpw@localhost:5/db", "postgresql://bob:S3CRET/pw@localhost:5/db",
                            "postgresql://bob:S3CRET@[::1/db", "POSTGRESQL://bob:S3CRET@localhost:5/db"}) {
        CAPTURE(url);
        for (const bool as_json : {false, true}) {
            std::vector<std::string> args{"status", "--database", url};
            if (as_json) args.emplace_back("--json");
            r = run(dir, tool, args);
            CHECK((r.code == 2 || r.code == 4));
            CHECK(r.out.find("S3C") == std::string::npos);
            CHECK(r.err.find("S3C") == std::string::npos);
        }
    }
    CHECK(run(dir, tool, {"status", "--database", "postgresql://bob:S3CRET/pw@localhost:5/db"}).code == 2);
    CHECK(driftless::cli::redacted("postgresql://bob:S3CRET/pw@localhost:5/db") == "postgresql://bob:***@localhost:5/db");
}

TEST_CASE("cli on PostgreSQL: copy --from a SQLite file, verified; a target with rows refused (exit 3), --truncate, --table") {
    pg_test::scratch_database scratch;
    const fs::path dir = cli_test::scratch("pg_copy");
    {
        const auto lite = driftless::sqlite::open((dir / "old.db").string());
        lite.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, karma REAL);"
                     "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), body TEXT);"
                     "INSERT INTO users VALUES (1, 'a@x', 1.5), (2, 'b@x', NULL);"
                     "INSERT INTO posts VALUES (10, 1, 'hello'), (11, 2, 'caf\xC3\xA9\n\\tab'), (12, 2, NULL);");
    }
    const std::string to = scratch.uri();
    auto r = run(dir, tool, {"copy", "--from", "sqlite:old.db", "--to", to, "--json", "--batch-rows", "2"});
    REQUIRE(r.code == 0);
    const auto j = r.json();
    REQUIRE(j["tables"].size() == 2);
    for (const auto& t : j["tables"]) CHECK(t["verified"] == true);
    CHECK(j["tables"][0]["name"] == "posts");
    CHECK(j["tables"][0]["rows"] == 3);
    CHECK(j["from"] == "sqlite:old.db");
    auto pg = scratch.connect();
    CHECK(pg_test::one(pg, "SELECT string_agg(id || ':' || coalesce(body, 'NULL'), ',' ORDER BY id) FROM posts") ==
          "10:hello,11:caf\xC3\xA9\n\\tab,12:NULL");
    CHECK(pg_test::one(pg, "SELECT count(*) FROM pg_constraint WHERE contype = 'f'") == "1");
    // Text for people: what was copied, each table verified; status shows the history row.
    r = run(dir, tool, {"copy", "--from", "sqlite:old.db", "--to", to});
    CHECK(r.code == 3);
    CHECK(r.err.find("the target already has rows in posts (3 rows), users (2 rows); nothing was copied. Pass --truncate (empty them "
                     "first) or --append") != std::string::npos);
    r = run(dir, tool, {"copy", "--from", "sqlite:old.db", "--to", to, "--truncate", "--table", "users"});
    CHECK(r.code == 4);  // posts refers to users: PostgreSQL will not empty users alone
    CHECK(r.err.find("cannot truncate a table referenced in a foreign key constraint") != std::string::npos);
    r = run(dir, tool, {"copy", "--from", "sqlite:old.db", "--to", to, "--truncate"});
    CHECK(r.code == 0);
    CHECK(r.out.find("copied 2 tables (5 rows) from sqlite:old.db to ") != std::string::npos);
    CHECK(r.out.find(" verified\n") != std::string::npos);
    // Progress on stderr, a table at a time (not a terminal: a line when each starts and ends).
    CAPTURE(r.err);
    CHECK(r.err.find("copy [1/2] started: table ") != std::string::npos);
    CHECK(r.err.find("] started: table posts (3 rows to read)\n") != std::string::npos);
    CHECK(r.err.find("] started: table users (2 rows to read)\n") != std::string::npos);
    CHECK(r.err.find("copy [2/2] done in ") != std::string::npos);
    CHECK(r.err.find(" (2 rows)\n") != std::string::npos);
    CHECK(run(dir, tool, {"copy", "--from", "sqlite:old.db", "--to", to, "--truncate"}, {"DRIFTLESS_PROGRESS=off"}).err.empty());
    r = run(dir, tool, {"copy", "--from", "sqlite:old.db", "--to", to, "--table", "nope"});
    CHECK(r.code == 2);
    CHECK(r.err.find("the source has no table 'nope'; it has: posts, users") != std::string::npos);
    r = run(dir, tool, {"copy", "--from", "sqlite:missing.db", "--to", to});
    CHECK(r.code == 2);
    CHECK_FALSE(fs::exists(dir / "missing.db"));
    // The target from --database when --to is not given: PostgreSQL back into a new SQLite file.
    r = run(dir, tool, {"--database", "sqlite:new.db", "copy", "--from", to, "--json"});
    REQUIRE(r.code == 0);
    CHECK(r.json()["tables"].size() == 2);
    {
        const auto back = driftless::sqlite::open((dir / "new.db").string());
        auto st = back.prepare("SELECT (SELECT count(*) FROM posts WHERE body = 'caf\xC3\xA9\n\\tab'), (SELECT count(*) FROM users WHERE karma = 1.5)");
        REQUIRE(st.step());
        CHECK(st.integer(0) == 1);
        CHECK(st.integer(1) == 1);
    }
    // A source that cannot be reached fails before the target is opened: no new file is left.
    r = run(dir, tool, {"--database", "sqlite:new2.db", "copy", "--from", "mysql://u@127.0.0.1:1/app"});
    CHECK(r.code != 0);
    CHECK_FALSE(fs::exists(dir / "new2.db"));
    r = run(dir, tool, {"--database", "sqlite:copy.db", "copy", "--from", "sqlite:old.db"});
    CHECK(r.code == 0);
    CHECK(driftless::sqlite::open((dir / "copy.db").string()).execute_one("SELECT 1 FROM posts") >= 0);
    // A copy stopped by a value PostgreSQL cannot hold goes on, once the conversion is allowed,
    // after the last batch it wrote.
    driftless::sqlite::open((dir / "old.db").string())
        .execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);"
                 "WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 30) INSERT INTO notes SELECT i, 'note ' || i FROM g;"
                 "UPDATE notes SET body = 'bad' || char(0) WHERE id = 25");
    r = run(dir, tool, {"copy", "--from", "sqlite:old.db", "--to", to, "--table", "notes", "--batch-rows", "10"});
    CHECK(r.code != 0);
    CHECK(r.err.find("table notes, id = 25, column body: 'bad?' holds a NUL character, which PostgreSQL text cannot (pass --allow "
                     "nul-removed to write it without)") != std::string::npos);
    CHECK(pg_test::one(pg, "SELECT count(*) FROM notes") == "20");
    CHECK(run(dir, tool, {"copy", "--from", "sqlite:old.db", "--to", to, "--allow", "nul_removed"}).code == 2);  // the command's spelling only
    r = run(dir, tool, {"copy", "--from", "sqlite:old.db", "--to", to, "--table", "notes", "--batch-rows", "10", "--allow", "nul-removed"});
    CHECK(r.code == 0);
    CHECK(r.out.find("30 rows") != std::string::npos);
    CHECK(r.out.find("verified (went on after 20 rows an earlier run copied)\n") != std::string::npos);
    CHECK(r.out.find("note: table notes, column body: 1 texts with NUL characters written without them (allowed: --allow nul-removed)\n") !=
          std::string::npos);
    CHECK(pg_test::one(pg, "SELECT string_agg(body, ',' ORDER BY id) FROM notes WHERE id IN (20, 21, 25, 30)") == "note 20,note 21,bad,note 30");
}
