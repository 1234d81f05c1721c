// driftless on a real 3-node MariaDB Galera cluster (the ctest fixture "galera", galera/cluster.sh):
// the cluster is detected and the lease taken instead of the node-local GET_LOCK; 16 processes
// spread over the nodes migrate (5 rounds) and upgrade (5 files) exactly once; a lease holder killed
// mid-migration is taken over and its migration finished without a statement run twice; a node
// stopped mid-migration fails that run cleanly and the next run through another node finishes;
// a status read on one node right after a migrate on another shows the finished state.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <driftless/mysql.hpp>

#include "../support/race.hpp"
#include "galera_models.hpp"

#ifndef DRIFTLESS_GALERA_WORKER
#error "DRIFTLESS_GALERA_WORKER must name the galera_worker program (tests/CMakeLists.txt sets it)"
#endif
#ifndef DRIFTLESS_GALERA_CLUSTER_SCRIPT
#error "DRIFTLESS_GALERA_CLUSTER_SCRIPT must name galera/cluster.sh (tests/CMakeLists.txt sets it)"
#endif

namespace {

/// The fixture's state directory (DRIFTLESS_TEST_GALERA).
std::string state_dir() {
    const char* dir = std::getenv("DRIFTLESS_TEST_GALERA");
    if (dir == nullptr || *dir == '\0')
        FAIL("DRIFTLESS_TEST_GALERA is not set; run the Galera tests through ctest, which starts the cluster");
    return dir;
}

/// Node n's URL (1..3), without a database.
std::string node_url(int n) {
    std::ifstream in(state_dir() + "/conninfo" + std::to_string(n));
    std::string url;
    if (!in || !std::getline(in, url) || url.empty()) FAIL("cannot read node " << n << "'s URL from " << state_dir());
    return url.back() == '/' ? url : url + "/";
}

/// Run cluster.sh with `args` (stop-node N, start-node N).
void cluster(const std::string& args) {
    const std::string command = std::string("bash '") + DRIFTLESS_GALERA_CLUSTER_SCRIPT + "' " + args + " '" + state_dir() + "'";
    REQUIRE_MESSAGE(std::system(command.c_str()) == 0, command);
}

/// A database of its own for one test, created through node 1 (DDL reaches every node), dropped at the end.
class cluster_database {
public:
    cluster_database() {
        static std::atomic<int> counter{0};
        name_ = "driftless_gal_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
        auto admin = driftless::mysql::connect(node_url(1));
        admin.execute("DROP DATABASE IF EXISTS " + name_);
        admin.execute("CREATE DATABASE " + name_ + " CHARACTER SET utf8mb4");
        // The other nodes apply the DDL a moment later: a connection to the new database through
        // them could find none. A read with wsrep_sync_wait waits until each has applied it.
        for (int n = 2; n <= 3; ++n) {
            auto node = driftless::mysql::connect(node_url(n));
            node.execute("SET SESSION wsrep_sync_wait = 15");
            const auto found = node.execute("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + name_ + "'");
            REQUIRE_MESSAGE(found.rows() == 1, "database ", name_, " not on node ", n);
        }
    }
    cluster_database(const cluster_database&) = delete;
    cluster_database& operator=(const cluster_database&) = delete;
    ~cluster_database() {
        for (int n = 1; n <= 3; ++n) {
            try {
                driftless::mysql::connect(node_url(n)).execute("DROP DATABASE IF EXISTS " + name_);
                return;
            } catch (...) {  // that node is down: another one
            }
        }
    }

    /// This database on node n, with `query` (URL parameters) when given.
    [[nodiscard]] std::string url(int n, const std::string& query = {}) const {
        return node_url(n) + name_ + (query.empty() ? "" : "?" + query);
    }
    /// A connection for driftless (it syncs its own reads).
    [[nodiscard]] driftless::mysql::connection connect(int n) const { return driftless::mysql::connect(url(n)); }
    /// A connection for the test's own reads: each waits until node n has applied what the
    /// cluster committed before it.
    [[nodiscard]] driftless::mysql::connection reader(int n) const {
        auto db = driftless::mysql::connect(url(n), {.lock = driftless::mysql::lock_method::get_lock});
        db.execute("SET SESSION wsrep_sync_wait = 15");
        return db;
    }

private:
    std::string name_;
};

std::string one(const driftless::mysql::connection& db, const std::string& sql) {
    const auto r = db.execute(sql);
    REQUIRE(r.rows() == 1);
    return r.is_null(0, 0) ? "NULL" : r.text(0, 0);
}

/// Every table's SHOW CREATE TABLE (driftless's own tables excepted).
std::string schema_text(const driftless::mysql::connection& db) {
    std::string out;
    const auto tables = db.execute("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND "
                                   "TABLE_NAME NOT LIKE '\\_driftless%' ORDER BY TABLE_NAME");
    for (int i = 0; i < tables.rows(); ++i)
        out += db.execute("SHOW CREATE TABLE `" + tables.text(i, 0) + "`").text(0, 1) + ";\n";
    return out;
}

/// The history as rows of "version state steps checksum rolled_back".
std::string history_text(const driftless::mysql::connection& db) {
    std::string out;
    const auto r = db.execute("SELECT version, state, statements_done, checksum, rolled_back_at IS NULL FROM _driftless_migrations "
                              "ORDER BY version");
    for (int i = 0; i < r.rows(); ++i)
        out += r.text(i, 0) + " " + r.text(i, 1) + " " + r.text(i, 2) + " " + r.text(i, 3) + " " + r.text(i, 4) + "\n";
    return out;
}

/// Every node shows the same schema and history; returns node 1's history.
std::string same_on_every_node(const cluster_database& d) {
    const auto first = d.reader(1);
    const std::string schema = schema_text(first);
    const std::string history = history_text(first);
    for (int n = 2; n <= 3; ++n) {
        CAPTURE(n);
        const auto other = d.reader(n);
        CHECK(schema_text(other) == schema);
        CHECK(history_text(other) == history);
    }
    return history;
}

/// `versions` history rows, each applied once, none dirty, none started.
void check_history(const driftless::mysql::connection& db, int versions) {
    const auto status = driftless::migration_status(db);
    REQUIRE(status.size() == static_cast<std::size_t>(versions));
    for (int v = 0; v < versions; ++v) {
        CAPTURE(v);
        CHECK(status[static_cast<std::size_t>(v)].version == v + 1);
        CHECK(status[static_cast<std::size_t>(v)].state == "applied");
    }
}

/// The worker's command line for each of `n` processes, spread over the nodes in turn.
std::vector<std::vector<std::string>> spread(const cluster_database& d, int n, const std::vector<std::string>& args,
                                             const std::string& query = {}) {
    std::vector<std::vector<std::string>> out;
    for (int i = 0; i < n; ++i) {
        std::vector<std::string> one_process{d.url(i % 3 + 1, query)};
        one_process.insert(one_process.end(), args.begin(), args.end());
        out.push_back(std::move(one_process));
    }
    return out;
}

/// A migration file.
void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    REQUIRE(out.good());
}

/// Five migration files: tables, a column, rows (which a file run twice would insert twice), an
/// index, an update.
void five_files(const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    write_file(dir / "0001_create.sql", "CREATE TABLE ledger (id BIGINT NOT NULL PRIMARY KEY, who VARCHAR(40) NOT NULL);\n"
                                        "CREATE TABLE notes (id BIGINT NOT NULL PRIMARY KEY, body TEXT);\n");
    write_file(dir / "0002_amount.sql", "ALTER TABLE ledger ADD COLUMN amount BIGINT NOT NULL DEFAULT 0;\n");
    write_file(dir / "0003_rows.sql", "INSERT INTO ledger (id, who, amount) VALUES (1, 'a', 10), (2, 'b', 20);\n"
                                      "INSERT INTO notes (id, body) VALUES (1, 'x');\n");
    write_file(dir / "0004_index.sql", "CREATE INDEX ledger_by_who ON ledger (who);\n");
    write_file(dir / "0005_double.sql", "UPDATE ledger SET amount = amount * 2;\n"
                                        "INSERT INTO notes (id, body) VALUES (2, 'y');\n");
}

/// A fresh directory for one test.
std::filesystem::path scratch_dir(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() / ("driftless_gal_" + std::to_string(::getpid()) + "_" + name);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

/// Forks the worker migrating `url` to version 5, which pauses before step 2 (after step 1
/// committed) until `paused` is removed; returns its pid once it is paused there.
pid_t start_paused(const std::string& url, const std::string& paused) {
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        execl(DRIFTLESS_GALERA_WORKER, DRIFTLESS_GALERA_WORKER, url.c_str(), "migrate", "5", ("pause-before=1:" + paused).c_str(),
              static_cast<char*>(nullptr));
        _exit(4);
    }
    for (int i = 0; i < 600 && !std::filesystem::exists(paused); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    REQUIRE(std::filesystem::exists(paused));
    return child;
}

/// Fill items with `rows` rows (version 1's columns), through node 1.
void fill_items(const cluster_database& d, int rows) {
    auto db = d.reader(1);
    db.execute("SET SESSION max_recursive_iterations = 1000000");
    db.execute("INSERT INTO items (id, name) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
               std::to_string(rows) + ") SELECT i, concat('item ', i) FROM n");
}

}  // namespace

TEST_CASE("galera: the cluster is detected, the lease stands in for the node-local GET_LOCK") {
    cluster_database d;
    auto one_node = d.connect(1);
    gal::migrate_to(one_node, 1);
    const auto reader = d.reader(2);
    CHECK(one(reader, "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND "
                      "TABLE_NAME = '_driftless_lease'") == "1");
    CHECK(one(reader, "SELECT count(*) FROM _driftless_lease") == "0");  // released

    // GET_LOCK held on node 1 does not stop node 2 (it is node-local): the lease decides.
    auto holder = d.reader(1);
    CHECK(one(holder, "SELECT GET_LOCK('driftless_migrate', 0)") == "1");
    auto other = d.connect(2);
    CHECK(gal::migrate_to(other, 2).applied);
    holder.execute("DO RELEASE_LOCK('driftless_migrate')");

    // A live holder's lease (another process's row, far from expiry) makes migrate give up in
    // time on any node, naming the holder; once it is gone, migrate goes on.
    holder.execute("INSERT INTO _driftless_lease (id, owner, expires_at) VALUES (1, 'someone else', UTC_TIMESTAMP(6) + "
                   "INTERVAL 1 HOUR)");
    auto third = d.connect(3);
    driftless::migrate_options quick;
    quick.lock_timeout = std::chrono::milliseconds(300);
    quick.lock_retries = 1;
    try {
        gal::migrate_to(third, 3, quick);
        FAIL("migrate went on while another process held the lease");
    } catch (const driftless::error& e) {
        CHECK(e.code() == driftless::errc::busy);
        CHECK(std::string(e.what()).find("someone else") != std::string::npos);
    }
    check_history(third, 2);
    // GET_LOCK forced on a cluster node is the user's word: the lease is not looked at.
    auto forced = driftless::mysql::connect(d.url(1, "lock=get_lock"));
    CHECK(gal::migrate_to(forced, 3, quick).applied);
    check_history(third, 3);
    // An expired lease is taken over without waiting for anyone.
    holder.execute("UPDATE _driftless_lease SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND");
    CHECK(gal::migrate_to(third, 4, quick).applied);
    check_history(third, 4);
    CHECK(one(d.reader(1), "SELECT count(*) FROM _driftless_lease") == "0");

    // A node that is not Synced (desynced by hand: a donor's state) is refused, nothing changed.
    auto admin = d.reader(2);
    admin.execute("SET GLOBAL wsrep_desync = ON");
    try {
        gal::migrate_to(other, 5, quick);
        FAIL("migrate went on through a node that is not Synced");
    } catch (const driftless::error& e) {
        CHECK(e.id() == "driftless.mysql.cluster_node");
        CHECK(std::string(e.what()).find("Synced") != std::string::npos);
    }
    admin.execute("SET GLOBAL wsrep_desync = OFF");
    check_history(third, 4);
    for (int i = 0; i < 100 && one(admin, "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = "
                                           "'WSREP_LOCAL_STATE_COMMENT'") != "Synced";
         ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(gal::migrate_to(other, 5, quick).applied);
}

TEST_CASE("galera: a run outlasting its lease keeps renewing it; a migrator on another node waits") {
    cluster_database d;
    {
        auto db = d.connect(1);
        gal::migrate_to(db, 1);
    }
    const auto dir = scratch_dir("renewed");
    const std::string paused = (dir / "paused").string();
    const pid_t child = start_paused(d.url(1, "lease_duration=2"), paused);
    std::this_thread::sleep_for(std::chrono::seconds(5));  // more than twice the lease
    auto other = d.connect(2);
    driftless::migrate_options quick;
    quick.lock_timeout = std::chrono::milliseconds(1500);
    quick.lock_retries = 0;
    CHECK_THROWS_AS(gal::migrate_to(other, 5, quick), driftless::error);
    std::filesystem::remove(paused);
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    check_history(other, 2);
    CHECK(gal::steps_to(other, 5) == 0);
    std::filesystem::remove_all(dir);
}

TEST_CASE("galera: 16 processes over 3 nodes migrate at once, 5 rounds, each migration applied and recorded once") {
    cluster_database d;
    for (int round = 1; round <= 5; ++round) {
        CAPTURE(round);
        if (round == 2) fill_items(d, 2000);  // the ALTERs of later rounds change a table with rows
        CHECK(test_support::race_each(DRIFTLESS_GALERA_WORKER, spread(d, 16, {"migrate", std::to_string(round)})) == 0);
        for (int n = 1; n <= 3; ++n) {
            CAPTURE(n);
            check_history(d.connect(n), round);
        }
        same_on_every_node(d);
    }
    auto db = d.connect(2);
    CHECK_FALSE(gal::migrate_to(db, 5).applied);
    CHECK(one(d.reader(3), "SELECT count(*) FROM items") == "2000");
}

TEST_CASE("galera: 16 processes over 3 nodes upgrade 5 migration files at once, each file applied once") {
    cluster_database d;
    const auto dir = scratch_dir("upgrade");
    five_files(dir);
    CHECK(test_support::race_each(DRIFTLESS_GALERA_WORKER, spread(d, 16, {"upgrade", dir.string()})) == 0);
    for (int n = 1; n <= 3; ++n) {
        CAPTURE(n);
        check_history(d.connect(n), 5);
        const auto reader = d.reader(n);
        CHECK(one(reader, "SELECT count(*) FROM ledger") == "2");
        CHECK(one(reader, "SELECT sum(amount) FROM ledger") == "60");  // doubled once
        CHECK(one(reader, "SELECT count(*) FROM notes") == "2");
    }
    same_on_every_node(d);
    std::filesystem::remove_all(dir);
}

TEST_CASE("galera: a lease holder killed mid-migration is taken over on another node, no statement run twice") {
    for (int k = 0; k < 3; ++k) {
        CAPTURE(k);
        cluster_database d;
        {
            auto db = d.connect(1);
            gal::migrate_to(db, 1);
        }
        fill_items(d, 20000);
        const std::size_t steps = gal::steps_to(d.connect(1), 5);
        REQUIRE(steps >= 3);
        // Killed 20 ms after step k started (while it runs, or after it, before it is recorded).
        const int killed = test_support::race_each(
            DRIFTLESS_GALERA_WORKER, {{d.url(1, "lease_duration=2"), "migrate", "5", "kill-during=" + std::to_string(k) + ":20"}});
        auto first = driftless::migration_status(d.connect(2));
        REQUIRE(first.size() == 2);
        if (first[1].state != "applied") {  // killed before the last step was recorded
            CHECK(killed == 1);
            CHECK(first[1].state == "started");
            CHECK(first[1].statements_done >= static_cast<std::int64_t>(k));
        }  // else it finished within 20 ms of step k starting (killed or not after that)
        // Another process on another node waits for the lease to expire, then finishes the run
        // (a statement run twice would fail: its column or index would exist already).
        const auto started = std::chrono::steady_clock::now();
        CHECK(test_support::race_each(DRIFTLESS_GALERA_WORKER, {{d.url(2, "lease_duration=2"), "migrate", "5"}}) == 0);
        CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(60));
        for (int n = 1; n <= 3; ++n) {
            CAPTURE(n);
            const auto status = driftless::migration_status(d.connect(n));
            REQUIRE(status.size() == 2);
            CHECK(status[1].state == "applied");
            CHECK(status[1].statements_done == static_cast<std::int64_t>(steps));
        }
        same_on_every_node(d);
        CHECK(gal::steps_to(d.connect(3), 5) == 0);
        CHECK(one(d.reader(3), "SELECT count(*) FROM items") == "20000");
    }
}

TEST_CASE("galera: a lease holder killed while applying a file: the file's rest runs once on another node") {
    cluster_database d;
    const auto dir = scratch_dir("killed_file");
    write_file(dir / "0001_create.sql", "CREATE TABLE ledger (id BIGINT NOT NULL PRIMARY KEY, amount BIGINT NOT NULL);\n");
    write_file(dir / "0002_fill.sql", "-- driftless:allow-data-loss\n"
                                      "INSERT INTO ledger (id, amount) VALUES (1, 1), (2, 2);\n"
                                      "UPDATE ledger SET amount = amount + 100;\n"
                                      "INSERT INTO ledger (id, amount) VALUES (3, 3);\n");
    // Killed as the UPDATE (step 2 of the second file) starts: it ran or it did not, unrecorded
    // (or, on a slow machine, a later step or none was running when the kill landed).
    CHECK(test_support::race_each(DRIFTLESS_GALERA_WORKER,
                                  {{d.url(1, "lease_duration=2"), "upgrade", dir.string(), "kill-during=1:0"}}) == 1);
    const auto status = driftless::migration_status(d.connect(3));
    REQUIRE(status.size() == 2);
    const auto reader = d.reader(2);
    if (status[1].state != "applied") {
        CHECK(status[1].state == "started");
        CHECK(status[1].statements_done >= 1);
        // Another node, once the lease expired: a file's step that may or may not have run is not
        // guessed at (the error says how to mark the row), so nothing runs twice.
        const auto started = std::chrono::steady_clock::now();
        CHECK(test_support::race_each(DRIFTLESS_GALERA_WORKER, {{d.url(3, "lease_duration=2"), "upgrade", dir.string()}}) == 1);
        CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(60));
        CHECK(driftless::migration_status(d.connect(1))[1].state == "started");
    }
    // Each statement ran at most once: 1+2 inserted, +100 each at most once, 3 at most once.
    const std::string count = one(reader, "SELECT count(*) FROM ledger");
    const std::string sum = one(reader, "SELECT sum(amount) FROM ledger");
    CHECK((count == "2" || count == "3"));
    CHECK((sum == "3" || sum == "203" || sum == "206"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("galera: migration_status on any node right after a migrate on another shows the finished state") {
    cluster_database d;
    for (int v = 1; v <= 5; ++v) {
        CAPTURE(v);
        auto writer = d.connect(v % 3 + 1);
        REQUIRE(gal::migrate_to(writer, v).applied);
        auto status = driftless::migration_status(d.connect((v + 1) % 3 + 1));
        REQUIRE(status.size() == static_cast<std::size_t>(v));
        CHECK(status.back().state == "applied");
        status = driftless::migration_status(d.connect((v + 2) % 3 + 1));
        REQUIRE(status.size() == static_cast<std::size_t>(v));
        CHECK(status.back().state == "applied");
    }
}

// Last: it stops a node (and starts it again).
TEST_CASE("galera: the node a migration runs through stops mid-migration: that run fails, the next one through another node finishes") {
    cluster_database d;
    {
        auto db = d.connect(1);
        gal::migrate_to(db, 1);
    }
    fill_items(d, 2000);
    const std::size_t steps = gal::steps_to(d.connect(1), 5);
    const auto dir = scratch_dir("node_stop");
    const std::string paused = (dir / "paused").string();
    // The migrator on node 3 pauses before step 2 (after step 1 committed and was recorded); node 3
    // stops meanwhile.
    const pid_t child = start_paused(d.url(3, "lease_duration=3"), paused);
    cluster("stop-node 3");
    std::filesystem::remove(paused);  // go on: the next statement meets a stopped server
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 1);  // failed with an error, not a crash or a hang
    // Through node 1: the lease expires (3 s), the run resumes after step 1 and finishes.
    CHECK(test_support::race_each(DRIFTLESS_GALERA_WORKER, {{d.url(1), "migrate", "5"}}) == 0);
    for (int n = 1; n <= 2; ++n) {
        CAPTURE(n);
        const auto history = driftless::migration_status(d.connect(n));
        REQUIRE(history.size() == 2);
        CHECK(history[1].state == "applied");
        CHECK(history[1].statements_done == static_cast<std::int64_t>(steps));
    }
    cluster("start-node 3");
    same_on_every_node(d);
    CHECK(gal::steps_to(d.connect(3), 5) == 0);
    std::filesystem::remove_all(dir);
}
