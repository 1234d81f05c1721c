// The command line against a mysql:// URL (the throwaway MariaDB of the ctest fixture "mysql"):
// migrate, status, plan, verify, and the file commands generate --apply, rollback, upgrade, baseline.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <driftless/mysql.hpp>
#include <driftless/sqlite.hpp>

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
    r = run(dir, v1, with({"plan"}));
    CHECK(r.code == 3);
    CHECK(r.out.find("[lossy]   destructive drop column users.karma") != std::string::npos);
    CHECK(r.out.find("note: driftless makes no automatic backup on MySQL; back up users before running the lossy steps\n") !=
          std::string::npos);
    CHECK(run(dir, v1, with({"plan", "--allow-data-loss"})).code == 0);
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

TEST_CASE("cli on MariaDB: repair shows a file stopped part-way with the catalog, and resumes, marks or refuses as told") {
    my_test::scratch_database scratch;
    const fs::path dir = cli_test::scratch("my_repair");
    const std::string url = scratch.url();
    fs::create_directories(dir / "migrations");
    {
        std::ofstream f(dir / "migrations" / "0001_ledger.sql");
        f << "CREATE TABLE ledger (id BIGINT NOT NULL PRIMARY KEY, who VARCHAR(40) NOT NULL);\n"
             "INSERT INTO audit (id, what) VALUES (1, 'ledger created');\n"
             "CREATE INDEX ledger_by_who ON ledger (who);\n";
    }
    // Step 2 fails (no audit table): the row is dirty after step 1, and everything else stops.
    CHECK(run(dir, tool, {"--database", url, "upgrade"}).code == 4);
    CHECK(run(dir, tool, {"--database", url, "upgrade"}).code == 3);
    auto r = run(dir, tool, {"--database", url, "repair"});
    CHECK(r.code == 1);
    CHECK(r.out.find("version 1 (0001_ledger.sql, file): dirty with 1 of 3 steps recorded") != std::string::npos);
    CHECK(r.out.find("next step:  INSERT INTO audit (id, what) VALUES (1, 'ledger created')") != std::string::npos);
    CHECK(r.out.find("catalog:    table audit: not in the database") != std::string::npos);
    CHECK(r.out.find("repair --resume 1 --from-step N") != std::string::npos);
    r = run(dir, tool, {"--database", url, "repair", "--json"});
    REQUIRE(r.json()["stuck"].size() == 1);
    CHECK(r.json()["stuck"][0]["problem"] == "dirty");
    CHECK(r.json()["stuck"][0]["steps_done"] == 1);
    // Out of range, or an action for another state: refused, nothing changed.
    r = run(dir, tool, {"--database", url, "repair", "--resume", "1", "--from-step", "4"});
    CHECK(r.code == 3);
    CHECK(r.err.find("0..3") != std::string::npos);
    CHECK(run(dir, tool, {"--database", url, "repair", "--accept-checksum", "1"}).code == 3);
    CHECK(run(dir, tool, {"--database", url, "repair", "--mark-applied", "2"}).code == 2);  // no such row
    // The person creates the missing table and says step 1 is in effect: the next upgrade runs 2 and 3.
    const auto db = scratch.connect();
    db.execute("CREATE TABLE audit (id BIGINT NOT NULL PRIMARY KEY, what VARCHAR(80))");
    r = run(dir, tool, {"--database", url, "repair", "--resume", "1", "--from-step", "1", "--who", "dba"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("was dirty with 1 of 3 steps recorded; now resume after step 1") != std::string::npos);
    CHECK(run(dir, tool, {"--database", url, "upgrade"}).code == 0);
    CHECK(my_test::one(db, "SELECT count(*) FROM audit") == "1");
    CHECK(my_test::one(db, "SELECT count(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND "
                           "INDEX_NAME = 'ledger_by_who'") == "1");
    r = run(dir, tool, {"--database", url, "status", "--json"});
    REQUIRE(r.code == 0);
    CHECK(r.json()["migrations"][0]["state"] == "applied");
    CHECK(run(dir, tool, {"--database", url, "repair"}).out == "nothing to repair\n");
    CHECK(my_test::one(db, "SELECT concat(version, ' ', action, ' ', who) FROM _driftless_repairs") == "1 resume dba");

    // A second file stops at its first step; the person undoes nothing (nothing ran) and marks it
    // rolled back: the file is pending again, and runs once its cause is fixed.
    {
        std::ofstream f(dir / "migrations" / "0002_more.sql");
        f << "INSERT INTO missing (id) VALUES (1);\n";
    }
    CHECK(run(dir, tool, {"--database", url, "upgrade"}).code == 4);
    r = run(dir, tool, {"--database", url, "repair", "--mark-rolled-back", "2"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("now rolled back") != std::string::npos);
    db.execute("CREATE TABLE missing (id BIGINT NOT NULL PRIMARY KEY)");
    CHECK(run(dir, tool, {"--database", url, "upgrade"}).code == 0);
    CHECK(my_test::one(db, "SELECT count(*) FROM missing") == "1");
    CHECK(my_test::one(db, "SELECT count(*) FROM _driftless_repairs") == "2");
}

TEST_CASE("cli on MySQL: a mysql:// URL without a database is a usage error (exit 2) before anything runs") {
    const fs::path dir = cli_test::scratch("my_no_database");
    const std::string server = my_test::server_url();  // mysql://driftless@localhost/?socket=...
    for (const char* command : {"status", "upgrade", "repair"}) {
        CAPTURE(command);
        const auto r = run(dir, tool, {"--database", server, command});
        CHECK(r.code == 2);
        CHECK(r.err.find("names no database") != std::string::npos);
    }
}

TEST_CASE("cli on MariaDB: copy --from a SQLite file into MariaDB, verified, and back out into a new SQLite file") {
    my_test::scratch_database scratch;
    const fs::path dir = cli_test::scratch("my_copy");
    {
        const auto lite = driftless::sqlite::open((dir / "old.db").string());
        lite.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, karma REAL);"
                     "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), body TEXT);"
                     "INSERT INTO users VALUES (1, 'a@x', 1.5), (2, 'A@x', NULL);"
                     "INSERT INTO posts VALUES (10, 1, 'hello'), (11, 2, 'caf\xC3\xA9\n\\tab'), (12, 2, NULL);");
    }
    auto r = run(dir, tool, {"copy", "--from", "sqlite:old.db", "--to", scratch.url(), "--json"});
    REQUIRE(r.code == 0);
    const auto j = r.json();
    REQUIRE(j["tables"].size() == 2);
    for (const auto& t : j["tables"]) CHECK(t["verified"] == true);
    const auto db = scratch.connect();
    CHECK(my_test::one(db, "SELECT GROUP_CONCAT(CONCAT(id, ':', COALESCE(body, 'NULL')) ORDER BY id) FROM posts") ==
          "10:hello,11:caf\xC3\xA9\n\\tab,12:NULL");
    CHECK(my_test::one(db, "SELECT COUNT(*) FROM users") == "2");  // 'a@x' and 'A@x' both, under UNIQUE
    // The rows are there now: a second copy is refused (exit 3). And back out of MariaDB into a
    // new SQLite file, the target taken from --database.
    CHECK(run(dir, tool, {"copy", "--from", "sqlite:old.db", "--to", scratch.url()}).code == 3);
    r = run(dir, tool, {"--database", "sqlite:back.db", "copy", "--from", scratch.url()});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("copied 2 tables (5 rows)") != std::string::npos);
    const auto back = driftless::sqlite::open((dir / "back.db").string());
    auto st = back.prepare("SELECT (SELECT count(*) FROM posts WHERE id = 11 AND body = 'caf\xC3\xA9\n\\tab' AND user_id = 2), "
                           "(SELECT count(*) FROM users WHERE karma = 1.5 AND email = 'a@x')");
    REQUIRE(st.step());
    CHECK(st.integer(0) == 1);
    CHECK(st.integer(1) == 1);
}
