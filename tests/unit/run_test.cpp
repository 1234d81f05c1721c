// The runner (run.hpp) against an in-memory engine with no database and no client header: if
// this compiles and passes, the backend contract (engine.hpp) is a real seam. The fake keeps
// tables as names and the history as rows, reads the history writer's statements back, and can be
// told to fail a statement or to lose lock waits.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <driftless/engine.hpp>
#include <driftless/files.hpp>
#include <driftless/run.hpp>

namespace {

using driftless::error;
using driftless::migration_record;

struct fake_state {
    std::vector<std::string> tables;
    std::vector<migration_record> history;
    bool history_table = false;
};

class fake_engine final : public driftless::engine {
public:
    explicit fake_engine(bool transactional) : engine("fake", driftless::dialect::sqlite, transactional) {}

    [[nodiscard]] std::string history_name() const override { return "_driftless_migrations"; }

    std::int64_t execute_one(std::string_view sql) override {
        REQUIRE(locked);
        const std::size_t n = ran.size();
        ran.emplace_back(sql);
        if (fail_at && *fail_at == n) throw error(driftless::errc::engine, "driftless.fake.execute", "no such thing", std::string(sql));
        constexpr std::string_view create = "CREATE TABLE ", drop = "DROP TABLE ";
        if (sql.substr(0, create.size()) == create) state.tables.emplace_back(sql.substr(create.size()));
        if (sql.substr(0, drop.size()) == drop) std::erase(state.tables, std::string(sql.substr(drop.size())));
        return 0;
    }

    /// Reads back what the history writer builds: INSERT (every column), UPDATE ... WHERE version,
    /// DELETE ... WHERE version.
    void execute_with(std::string_view sql, const std::vector<std::optional<std::string_view>>& views) override {
        std::vector<std::optional<std::string>> p;
        for (const auto& v : views) p.push_back(v ? std::optional<std::string>(std::string(*v)) : std::nullopt);
        REQUIRE(locked);
        REQUIRE(state.history_table);
        if (sql.rfind("INSERT INTO _driftless_migrations (", 0) == 0) {
            REQUIRE(p.size() == 13);
            migration_record r;
            r.version = std::stoll(*p[0]);
            r.description = *p[1];
            r.kind = *p[2];
            r.source = *p[3];
            r.checksum = *p[4];
            r.checksum_algorithm = *p[5];
            r.up_sql = *p[6];
            r.down_sql = *p[7];
            r.applied_at = *p[8];
            r.execution_ms = std::stoll(*p[9]);
            r.rolled_back_at = p[10];
            r.state = *p[11];
            r.statements_done = std::stoll(*p[12]);
            REQUIRE(find(r.version) == nullptr);  // the version is the primary key
            state.history.push_back(r);
            std::sort(state.history.begin(), state.history.end(),
                      [](const migration_record& a, const migration_record& b) { return a.version < b.version; });
        } else if (sql.rfind("UPDATE _driftless_migrations SET ", 0) == 0) {
            migration_record* r = find(std::stoll(*p.back()));
            REQUIRE(r != nullptr);
            std::string_view sets = sql.substr(std::string_view("UPDATE _driftless_migrations SET ").size());
            sets = sets.substr(0, sets.find(" WHERE "));
            std::size_t i = 0;
            while (!sets.empty()) {
                const std::string_view column = sets.substr(0, sets.find(" = "));
                if (column == "state") r->state = *p[i];
                else if (column == "statements_done") r->statements_done = std::stoll(*p[i]);
                else if (column == "rolled_back_at") r->rolled_back_at = p[i];
                else if (column == "execution_ms") r->execution_ms = std::stoll(*p[i]);
                else FAIL("unexpected column " << column);
                ++i;
                const std::size_t comma = sets.find(", ");
                sets = comma == std::string_view::npos ? std::string_view() : sets.substr(comma + 2);
            }
        } else if (sql.rfind("DELETE FROM _driftless_migrations WHERE version = ?1", 0) == 0) {
            const std::int64_t v = std::stoll(*p[0]);
            const bool rolled_back_only = sql.find("rolled_back_at IS NOT NULL") != std::string_view::npos;
            std::erase_if(state.history, [&](const migration_record& r) {
                return r.version == v && (!rolled_back_only || r.rolled_back());
            });
        } else {
            FAIL("unexpected history statement " << sql);
        }
    }
    std::vector<std::int64_t> count_row(const std::string&, std::size_t n) override { return std::vector<std::int64_t>(n, 0); }

    std::unique_ptr<driftless::engine_lock> lock(const driftless::lock_options&, std::string_view, driftless::operation) override {
        ++lock_attempts;
        if (lose_lock_waits > 0) {
            --lose_lock_waits;
            throw error(driftless::errc::engine, "driftless.fake.lock_wait", "timed out", {}, 0, "55P03");
        }
        REQUIRE_FALSE(locked);
        locked = true;
        saved = state;
        const auto end = [this](bool keep) {
            if (!keep && transactional_ddl()) state = saved;  // DDL goes with the transaction
            locked = false;
        };
        auto held = std::make_unique<driftless::transaction_lock>([end] { end(true); }, [end] { end(false); },
                                                                  [end](bool open) {
                                                                      if (open) end(false);
                                                                  });
        held->history_existed = state.history_table;
        if (transactional_ddl()) state.history_table = true;  // created under the lock, rolled back with it
        return held;
    }
    [[nodiscard]] bool retryable(const error& e) const noexcept override { return e.sqlstate() == "55P03"; }
    [[nodiscard]] error busy(const error&, int attempts, const driftless::lock_options&, std::string_view what) const override {
        return error(driftless::errc::busy, "driftless.fake.busy", std::string(what) + " gave up after " + std::to_string(attempts));
    }

    driftless::schema read_catalog() override { return {}; }
    std::vector<migration_record> read_history(bool = true) override { return state.history_table ? state.history : std::vector<migration_record>{}; }
    void create_history() override {
        REQUIRE(locked);
        state.history_table = true;
    }
    std::optional<migration_record> find_unfinished() override {
        for (auto it = state.history.rbegin(); it != state.history.rend(); ++it) {
            if (it->state != "applied" && !it->rolled_back()) return *it;
        }
        return std::nullopt;
    }

    [[nodiscard]] driftless::model_set prepare_models(const driftless::schema& m, std::string source) const override {
        return {m, std::move(source), {}, {}};
    }
    driftless::planned_migration plan_migration(const driftless::model_set&, const driftless::migrate_options&) override {
        return {};
    }
    std::vector<std::string> down_statements(const driftless::migration_plan&, const driftless::schema&, bool) override { return {}; }

    migration_record* find(std::int64_t version) {
        for (auto& r : state.history) {
            if (r.version == version) return &r;
        }
        return nullptr;
    }

    fake_state state;
    fake_state saved;  ///< at the start of the transaction
    bool locked = false;
    int lock_attempts = 0;
    int lose_lock_waits = 0;
    std::optional<std::size_t> fail_at;  ///< index in `ran` of the statement that fails
    std::vector<std::string> ran;
};

driftless::migration_file file(std::string name, std::string text) { return driftless::parse_migration_file(std::move(name), std::move(text)); }

std::vector<driftless::migration_file> three_files() {
    return {file("0001_a.sql", "-- driftless:up\nCREATE TABLE a;\n-- driftless:down\nDROP TABLE a;\n"),
            file("0002_b.sql", "-- driftless:up\nCREATE TABLE b;\nCREATE TABLE c;\n-- driftless:down\nDROP TABLE c;\nDROP TABLE b;\n"),
            file("0003_d.sql", "-- driftless:up\nCREATE TABLE d;\n-- driftless:down\nDROP TABLE d;\n")};
}

std::vector<std::int64_t> versions(const fake_engine& e) {
    std::vector<std::int64_t> out;
    for (const auto& r : e.state.history) {
        if (!r.rolled_back()) out.push_back(r.version);
    }
    return out;
}

}  // namespace

TEST_CASE("runner::apply_files: pending files in order, decided under the lock") {
    for (const bool transactional : {true, false}) {
        CAPTURE(transactional);
        fake_engine e(transactional);
        const auto files = three_files();
        SUBCASE("every pending file, then nothing") {
            const auto r = driftless::runner::apply_files(e, files, {}, "upgrade", true);
            CHECK(r.applied == std::vector<std::string>{"0001_a.sql", "0002_b.sql", "0003_d.sql"});
            CHECK(e.state.tables == std::vector<std::string>{"a", "b", "c", "d"});
            CHECK(versions(e) == std::vector<std::int64_t>{1, 2, 3});
            CHECK(e.state.history[1].kind == "file");
            CHECK(e.state.history[1].state == "applied");
            CHECK(e.state.history[1].statements_done == 2);
            CHECK(e.state.history[1].checksum == files[1].checksum);
            CHECK_FALSE(e.locked);
            const auto again = driftless::runner::apply_files(e, files, {}, "upgrade", true);
            CHECK(again.applied.empty());
            CHECK(again.skipped.size() == 3);
        }
        SUBCASE("a file older than the newest applied one is refused unless out_of_order") {
            driftless::runner::apply_files(e, {files[0], files[2]}, {}, "upgrade", true);
            CHECK_THROWS_WITH_AS(driftless::runner::apply_files(e, files, {}, "upgrade", true),
                                 doctest::Contains("driftless.files.out_of_order"), error);
            CHECK(versions(e) == std::vector<std::int64_t>{1, 3});
            driftless::apply_options o;
            o.out_of_order = true;
            CHECK(driftless::runner::apply_files(e, files, o, "upgrade", true).applied == std::vector<std::string>{"0002_b.sql"});
            CHECK(versions(e) == std::vector<std::int64_t>{1, 2, 3});
        }
        SUBCASE("an applied file that changed is refused before anything runs") {
            driftless::runner::apply_files(e, {files[0]}, {}, "upgrade", true);
            auto changed = three_files();
            changed[0] = file("0001_a.sql", "CREATE TABLE a2;\n");
            CHECK_THROWS_WITH_AS(driftless::runner::apply_files(e, changed, {}, "upgrade", true), doctest::Contains("driftless.files.checksum"),
                                 error);
            CHECK(versions(e) == std::vector<std::int64_t>{1});
        }
        SUBCASE("an applied file gone from the directory, or renumbered, stops the run unless ignore_missing") {
            driftless::runner::apply_files(e, files, {}, "upgrade", true);
            auto renumbered = files;
            renumbered[1] = file("0004_b.sql", files[1].text);
            CHECK_THROWS_WITH_AS(driftless::runner::apply_files(e, renumbered, {}, "upgrade", true),
                                 doctest::Contains("driftless.files.renamed: migration file '0004_b.sql' has the same content as version 2"),
                                 error);
            CHECK_THROWS_WITH_AS(driftless::runner::apply_files(e, {files[0], files[2]}, {}, "upgrade", true),
                                 doctest::Contains("driftless.files.missing: version 2 ('0002_b.sql') is applied"), error);
            CHECK_THROWS_WITH_AS(driftless::runner::apply_files(e, {}, {}, "upgrade", true),
                                 doctest::Contains("driftless.files.missing: version 1"), error);
            CHECK(versions(e) == std::vector<std::int64_t>{1, 2, 3});
            // One file on its own is not a directory: the others are not missing.
            CHECK(driftless::runner::apply_files(e, {files[0]}, {}, "apply", false).skipped.size() == 1);
            driftless::apply_options o;
            o.ignore_missing = true;
            CHECK(driftless::runner::apply_files(e, {files[0], files[2]}, o, "upgrade", true).applied.empty());
            CHECK(driftless::runner::apply_files(e, renumbered, o, "upgrade", true).applied == std::vector<std::string>{"0004_b.sql"});
            CHECK(versions(e) == std::vector<std::int64_t>{1, 2, 3, 4});
        }
        SUBCASE("a dry run lists and runs nothing") {
            driftless::apply_options o;
            o.dry_run = true;
            const auto r = driftless::runner::apply_files(e, files, o, "upgrade", true);
            CHECK(r.statements.size() == 4);
            CHECK(e.ran.empty());
            CHECK(e.state.history.empty());
        }
        SUBCASE("a NUL byte in a statement is refused with the file and line, nothing run") {
            const auto bad = file("0001_nul.sql", std::string("-- driftless:up\nCREATE TABLE x;\nUPDATE t SET v = 0\0 WHERE id = 2;\n", 58));
            CHECK_THROWS_WITH_AS(driftless::runner::apply_files(e, {bad}, {}, "upgrade", true),
                                 doctest::Contains("driftless.files.nul: in '0001_nul.sql' (line 3)"), error);
            CHECK(e.ran.empty());
            CHECK(e.state.history.empty());
        }
    }
}

TEST_CASE("runner::rollback: the newest migration of a table, refusals") {
    fake_engine e(true);
    driftless::runner::apply_files(e, three_files(), {}, "upgrade", true);
    CHECK(driftless::runner::rollback(e, "", {}) == 3);
    CHECK(e.state.tables == std::vector<std::string>{"a", "b", "c"});
    CHECK(e.state.history[2].rolled_back());
    CHECK(driftless::runner::rollback(e, "", {}) == 2);
    CHECK(e.state.tables == std::vector<std::string>{"a"});
    // A model migration's source names its tables; a newer file may build on them: refused.
    e.state.history.push_back({.version = 4, .kind = "auto", .source = "users, posts", .down_sql = "DROP TABLE users",
                               .state = "applied"});
    e.state.history.push_back({.version = 5, .kind = "file", .source = "0005_x.sql", .down_sql = "DROP TABLE x", .state = "applied"});
    CHECK_THROWS_WITH_AS(driftless::runner::rollback(e, "posts", {}), doctest::Contains("driftless.rollback.newer_file"), error);
    e.state.history.pop_back();
    e.state.history.push_back({.version = 5, .kind = "auto", .source = "tags", .down_sql = "DROP TABLE tags", .state = "applied"});
    CHECK(driftless::runner::rollback(e, "posts", {}) == 4);  // not 5: tags only
    // Nothing else touched posts, and the file below may build on it: refused, not skipped over.
    CHECK_THROWS_WITH_AS(driftless::runner::rollback(e, "posts", {}), doctest::Contains("driftless.rollback.newer_file"), error);
    e.state.history.push_back({.version = 6, .kind = "baseline", .source = "baseline", .state = "applied"});
    CHECK_THROWS_WITH_AS(driftless::runner::rollback(e, "", {}), doctest::Contains("driftless.rollback.baseline"), error);
    e.state.history.back().kind = "file";
    CHECK_THROWS_WITH_AS(driftless::runner::rollback(e, "", {}), doctest::Contains("driftless.rollback.no_down"), error);
}

TEST_CASE("runner::baseline: above the history only, files below count as applied") {
    for (const bool transactional : {true, false}) {
        fake_engine e(transactional);
        driftless::runner::baseline(e, 2, "adopted", {});
        REQUIRE(e.state.history.size() == 1);
        CHECK(e.state.history[0].kind == "baseline");
        CHECK(e.state.history[0].description == "adopted");
        CHECK_THROWS_WITH_AS(driftless::runner::baseline(e, 2, "again", {}), doctest::Contains("driftless.baseline.behind"), error);
        CHECK_THROWS_WITH_AS(driftless::runner::baseline(e, 0, "zero", {}), doctest::Contains("driftless.baseline.version"), error);
        const auto r = driftless::runner::apply_files(e, three_files(), {}, "upgrade", true);
        CHECK(r.applied == std::vector<std::string>{"0003_d.sql"});
        CHECK(r.skipped == std::vector<std::string>{"0001_a.sql", "0002_b.sql"});
    }
}

TEST_CASE("runner: recorded runs go dirty at the failing step and resume after repair") {
    fake_engine e(false);
    const auto files = three_files();
    e.fail_at = 2;  // the second statement of 0002_b.sql
    CHECK_THROWS_WITH_AS(driftless::runner::apply_files(e, files, {}, "upgrade", true),
                         doctest::Contains("in '0002_b.sql' (line 3): migration version 2 stopped at step 2 of 2"), error);
    REQUIRE(e.state.history.size() == 2);
    CHECK(e.state.history[1].state == "dirty");
    CHECK(e.state.history[1].statements_done == 1);
    // Nothing else runs while it is unfinished, and the message says how to mark it.
    e.fail_at.reset();
    CHECK_THROWS_WITH_AS(driftless::runner::apply_files(e, files, {}, "upgrade", true),
                         doctest::Contains("driftless.fake.dirty: upgrade refused"), error);
    CHECK_THROWS_WITH_AS(driftless::runner::rollback(e, "", {}), doctest::Contains("driftless.fake.dirty"), error);
    CHECK_THROWS_WITH_AS(driftless::runner::baseline(e, 9, "b", {}), doctest::Contains("driftless.fake.dirty"), error);
    // A person repairs it and marks it to resume after step 1: the next apply runs step 2, then 0003.
    e.state.history[1].state = "resume";
    e.ran.clear();
    const auto r = driftless::runner::apply_files(e, files, {}, "upgrade", true);
    CHECK(e.ran == std::vector<std::string>{"CREATE TABLE c", "CREATE TABLE d"});
    CHECK(r.applied == std::vector<std::string>{"0002_b.sql", "0003_d.sql"});
    CHECK(versions(e) == std::vector<std::int64_t>{1, 2, 3});
    CHECK(e.state.history[1].state == "applied");
    CHECK(e.state.history[1].statements_done == 2);
}

TEST_CASE("runner: a transactional run that fails records nothing") {
    fake_engine e(true);
    e.fail_at = 2;  // CREATE TABLE c, the second statement of 0002_b.sql
    CHECK_THROWS_WITH_AS(driftless::runner::apply_files(e, three_files(), {}, "upgrade", true),
                         doctest::Contains("in '0002_b.sql' (line 3)"), error);
    CHECK(versions(e) == std::vector<std::int64_t>{1});
    CHECK(e.state.tables == std::vector<std::string>{"a"});
}

TEST_CASE("runner: lost lock waits are retried, then busy") {
    fake_engine e(true);
    e.lose_lock_waits = 2;
    driftless::apply_options o;
    o.lock_retries = 1;
    CHECK_THROWS_WITH_AS(driftless::runner::apply_files(e, three_files(), o, "upgrade", true),
                         doctest::Contains("driftless.fake.busy: upgrade gave up after 2"), error);
    CHECK(e.lock_attempts == 2);
    CHECK(e.state.history.empty());
    e.lose_lock_waits = 2;
    o.lock_retries = 2;
    CHECK(driftless::runner::apply_files(e, three_files(), o, "upgrade", true).applied.size() == 3);
}

TEST_CASE("runner: the observer sees every statement of a run, and can stop it") {
    fake_engine e(false);
    std::vector<std::string> seen;
    driftless::apply_options o;
    o.observer = [&](const driftless::statement_event& ev) {
        const char* phase = ev.at == driftless::statement_event::phase::started ? "start" : "done";
        seen.push_back(std::string(phase) + " " + std::to_string(ev.index + 1) + "/" + std::to_string(ev.count) + " " +
                       std::string(ev.sql));
        if (ev.sql == "CREATE TABLE d" && ev.at == driftless::statement_event::phase::started)
            throw error(driftless::errc::engine, "driftless.test.stop", "stopped");
    };
    CHECK_THROWS_WITH_AS(driftless::runner::apply_files(e, three_files(), o, "upgrade", true), doctest::Contains("driftless.test.stop"),
                         error);
    CHECK(seen == std::vector<std::string>{"start 1/1 CREATE TABLE a", "done 1/1 CREATE TABLE a", "start 1/2 CREATE TABLE b",
                                           "done 1/2 CREATE TABLE b", "start 2/2 CREATE TABLE c", "done 2/2 CREATE TABLE c",
                                           "start 1/1 CREATE TABLE d"});
    // Stopped before the statement ran, as if the process had stopped: 'started', nothing done.
    REQUIRE(e.state.history.size() == 3);
    CHECK(e.state.history[2].state == "started");
    CHECK(e.state.history[2].statements_done == 0);
}

TEST_CASE("runner::execute_statements: a NUL byte is refused before it is sent") {
    fake_engine e(true);
    auto held = e.lock({}, "test", driftless::operation::migrate);
    const std::vector<std::string> statements{"CREATE TABLE a", std::string("DROP TABLE b\0; DROP TABLE a", 27)};
    CHECK_THROWS_WITH_AS(driftless::runner::execute_statements(e, statements, {}), doctest::Contains("driftless.sql.nul"), error);
    CHECK(e.ran == std::vector<std::string>{"CREATE TABLE a"});
}

TEST_CASE("history writer: one INSERT for every engine, values as parameters") {
    migration_record r;
    r.version = 7;
    r.description = "it's";
    r.kind = "file";
    const auto sqlite = driftless::detail::history_insert(r, driftless::dialect::sqlite, "_driftless_migrations");
    CHECK(sqlite.sql ==
          "INSERT INTO _driftless_migrations (version, description, kind, source, checksum, checksum_algorithm, up_sql, down_sql, "
          "applied_at, execution_ms, rolled_back_at, state, statements_done) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
          "?11, ?12, ?13)");
    CHECK(sqlite.params[1] == std::optional<std::string>("it's"));
    CHECK(sqlite.params[5] == std::optional<std::string>("sha256"));
    CHECK_FALSE(sqlite.params[10].has_value());
    const auto pg = driftless::detail::history_insert(r, driftless::dialect::postgresql, "\"s\".\"_driftless_migrations\"");
    CHECK(pg.sql.find("VALUES ($1, $2,") != std::string::npos);
    const auto my = driftless::detail::history_insert(r, driftless::dialect::mysql, "_driftless_migrations");
    CHECK(my.sql.find("statements_done, models_checksum) VALUES (?, ?,") != std::string::npos);
    CHECK(my.params.size() == 14);
}

TEST_CASE("may_discard: what a backup is made before") {
    using driftless::runner::may_discard;
    const auto one = [](std::string s) { return std::vector<std::string>{std::move(s)}; };
    CHECK_FALSE(may_discard(one("CREATE TABLE t (id INTEGER)")));
    CHECK_FALSE(may_discard(one("ALTER TABLE t ADD COLUMN c TEXT")));
    CHECK_FALSE(may_discard(one("ALTER TABLE t RENAME TO u")));
    CHECK_FALSE(may_discard(one("INSERT INTO t VALUES (1)")));
    CHECK_FALSE(may_discard(one("CREATE INDEX i ON t (c)")));
    CHECK(may_discard(one("drop index i")));
    CHECK(may_discard(one("DELETE FROM t")));
    CHECK(may_discard(one("update t set c = 1")));
    CHECK(may_discard(one("ALTER TABLE t DROP COLUMN c")));
    CHECK(may_discard(one("ALTER TABLE t ALTER COLUMN c TYPE INTEGER")));
    CHECK(may_discard(one("ALTER TABLE t MODIFY COLUMN c INT")));
    CHECK(may_discard(one("INSERT OR REPLACE INTO t VALUES (1)")));
    CHECK(may_discard(one("REPLACE INTO t VALUES (1)")));
    CHECK(may_discard(std::vector<std::string>{"CREATE TABLE t (id INTEGER)", "TRUNCATE t"}));
}

TEST_CASE("table_read: the table a statement reads whole, for progress totals") {
    using driftless::detail::table_read;
    CHECK(table_read("INSERT INTO \"_driftless_new_users\" (\"id\") SELECT \"id\" FROM \"users\"") == "users");
    CHECK(table_read("INSERT INTO n SELECT * FROM main.\"t\";") == "t");
    CHECK(table_read("UPDATE t SET a = 1") == "t");
    CHECK(table_read("DELETE FROM t") == "t");
    CHECK_FALSE(table_read("UPDATE t SET a = 1 WHERE id = 3").has_value());
    CHECK_FALSE(table_read("DELETE FROM t WHERE id = 3").has_value());
    CHECK_FALSE(table_read("INSERT INTO n SELECT * FROM t WHERE a > 1").has_value());
    CHECK_FALSE(table_read("INSERT INTO n SELECT * FROM t JOIN u ON t.id = u.id").has_value());
    CHECK_FALSE(table_read("INSERT INTO n SELECT * FROM (SELECT 1)").has_value());
    CHECK_FALSE(table_read("INSERT INTO n VALUES (1)").has_value());
    CHECK_FALSE(table_read("CREATE TABLE t (id INTEGER)").has_value());
}

TEST_CASE("may_discard: upserts and WITH before a write") {
    using driftless::runner::may_discard;
    const auto one = [](std::string s) { return std::vector<std::string>{std::move(s)}; };
    CHECK(may_discard(one("INSERT INTO t VALUES (1) ON CONFLICT (id) DO UPDATE SET a = 2")));
    CHECK(may_discard(one("INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = 2")));
    CHECK(may_discard(one("WITH old AS (SELECT id FROM t) DELETE FROM t WHERE id IN (SELECT id FROM old)")));
    CHECK_FALSE(may_discard(one("WITH n AS (SELECT 1) INSERT INTO t SELECT * FROM n")));
    CHECK_FALSE(may_discard(one("INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING")));
}
