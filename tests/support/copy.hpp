// Copy tests shared by the engines: a copy reads its source in one snapshot; a copy killed part-way
// goes on where it stopped.
#ifndef DRIFTLESS_TESTS_SUPPORT_COPY_HPP
#define DRIFTLESS_TESTS_SUPPORT_COPY_HPP

#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <driftless/copy.hpp>
#include <driftless/sqlite.hpp>

namespace test_support {

/// Checks that `r` copied `tables` tables and verified each; returns the rows it went on after
/// (the tables' resumed_rows, summed).
inline std::int64_t check_all_verified(const driftless::copy_result& r, std::size_t tables) {
    REQUIRE(r.tables.size() == tables);
    std::int64_t resumed = 0;
    for (const auto& t : r.tables) {
        CAPTURE(t.name);
        CHECK(t.verified);
        CHECK(t.resumed_rows <= t.rows);
        resumed += t.resumed_rows;
    }
    return resumed;
}

/// Copies `source`, which holds p (ids 1 and 2) and c (one row, a child of p 1, with a foreign key
/// to p), into a new SQLite database. When p's load starts, before any of its rows is read,
/// `add_rows` adds p 3 and a child of it through another connection; checks that the copy took
/// neither, as one snapshot of the source taken before.
template <class Source>
void check_copy_reads_one_snapshot(const Source& source, const std::function<void()>& add_rows) {
    const auto target = driftless::sqlite::open(":memory:");
    driftless::copy_options o;
    int writes = 0;
    o.observer = [&](const driftless::copy_event& e) {
        if (e.table == "p" && e.rows == 0 && !e.done && writes++ == 0) add_rows();
    };
    const driftless::copy_result r = driftless::copy_database(source, target, o);
    CHECK(writes == 1);
    REQUIRE(r.tables.size() == 2);
    CHECK(r.tables[0].rows == 2);
    CHECK(r.tables[1].rows == 1);
    auto st = target.prepare("SELECT (SELECT group_concat(id) FROM p), (SELECT count(*) FROM c)");
    REQUIRE(st.step());
    CHECK(st.text(0) == "1,2");
    CHECK(st.integer(1) == 1);
}

/// Fills the SQLite file `db` for the resume tests: p (250 rows: an integer key, texts with 4-byte
/// characters, reals, blobs with NUL bytes, NULLs), c (200 rows, a foreign key to p) and loose
/// (15 rows, no key: a copy that stops in it starts it again).
inline void fill_resume_source(const driftless::sqlite::connection& db) {
    db.execute(
        "CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB);"
        "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p(id), note TEXT NOT NULL);"
        "CREATE TABLE loose (label TEXT, n INTEGER);"
        "WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 250) "
        "INSERT INTO p SELECT i * 3, CASE WHEN i % 10 = 9 THEN NULL ELSE 'p' || i || ' \xF0\x9F\x98\x80' END, "
        "  CASE WHEN i % 7 = 6 THEN NULL ELSE i + 0.25 END, CAST(zeroblob(i % 5) || x'41' AS BLOB) FROM g;"
        "WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 200) "
        "INSERT INTO c SELECT i, CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 250 + 1) * 3 END, 'c' || i FROM g;"
        "WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 15) INSERT INTO loose SELECT 'l' || (i % 7), i FROM g;");
}

/// The rows of the resume source's table `table`, sorted, each as its columns joined by '|': NULL
/// as "NULL", reals as their shortest text, blobs as lower-case hex. Columns: p (id, name, score,
/// data), c (id, p_id, note), loose (label, n).
inline std::vector<std::string> resume_source_rows(const std::string& table) {
    std::vector<std::string> out;
    const std::string smile = " \xF0\x9F\x98\x80";
    if (table == "p") {
        for (int i = 1; i <= 250; ++i) {
            std::string data;
            for (int k = 0; k < i % 5; ++k) data += "00";
            out.push_back(std::to_string(i * 3) + "|" + (i % 10 == 9 ? "NULL" : "p" + std::to_string(i) + smile) + "|" +
                          (i % 7 == 6 ? "NULL" : std::to_string(i) + ".25") + "|" + data + "41");
        }
    } else if (table == "c") {
        for (int i = 1; i <= 200; ++i)
            out.push_back(std::to_string(i) + "|" + (i % 11 == 0 ? "NULL" : std::to_string((i % 250 + 1) * 3)) + "|c" + std::to_string(i));
    } else if (table == "loose") {
        for (int i = 1; i <= 15; ++i) out.push_back("l" + std::to_string(i % 7) + "|" + std::to_string(i));
    }
    std::sort(out.begin(), out.end());
    return out;
}

/// The query that reads table `table` of the resume source back in the columns of
/// resume_source_rows(), `hex` the target's expression of p.data in lower-case hex.
inline std::string resume_query(const std::string& table, const std::string& hex) {
    if (table == "p") return "SELECT id, name, score, " + hex + " FROM p";
    if (table == "c") return "SELECT id, p_id, note FROM c";
    return "SELECT label, n FROM loose";
}

/// The rows `db.execute(sql)` returns (a PostgreSQL or MySQL connection), each as its `columns`
/// columns joined by '|' (NULL as "NULL"), sorted.
template <class Connection>
std::vector<std::string> joined_rows(const Connection& db, const std::string& sql, int columns) {
    const auto r = db.execute(sql);
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) {
        std::string row;
        for (int c = 0; c < columns; ++c) row += (c == 0 ? "" : "|") + (r.is_null(i, c) ? std::string("NULL") : r.text(i, c));
        out.push_back(std::move(row));
    }
    std::sort(out.begin(), out.end());
    return out;
}

/// The same on SQLite.
inline std::vector<std::string> joined_rows(const driftless::sqlite::connection& db, const std::string& sql, int columns) {
    auto st = db.prepare(sql);
    std::vector<std::string> out;
    while (st.step()) {
        std::string row;
        for (int c = 0; c < columns; ++c) row += (c == 0 ? "" : "|") + (st.is_null(c) ? std::string("NULL") : st.text(c));
        out.push_back(std::move(row));
    }
    std::sort(out.begin(), out.end());
    return out;
}

/// Checks that every table of the resume source is in `target` as it is in the source (read
/// here, apart from the copy's own digest), `hex` as for resume_query().
template <class Connection>
void check_resume_target(const Connection& target, const std::string& hex) {
    for (const std::string table : {"p", "c", "loose"}) {
        CAPTURE(table);
        const std::vector<std::string> expected = resume_source_rows(table);
        CHECK(joined_rows(target, resume_query(table, hex), static_cast<int>(std::count(expected[0].begin(), expected[0].end(), '|') + 1)) ==
              expected);
    }
}

/// Runs `copy` (which opens both sides itself and copies with the options it is given) in child
/// processes in turn, each killed with SIGKILL part-way until one finishes the copy: run k dies at
/// its n-th progress event (a table starting, a batch sent) at the latest, n = k % 4 + 1 for the
/// first 20 runs and one more each run after them, and every third run after a random delay of up
/// to 40 ms before that (in the catalog reads, the migration, a batch's transaction, the foreign
/// keys' migration, the verification), unless the copy has got to its last events by then (every
/// table verified: a kill after those would leave a finished copy, which a next run refuses as a
/// target with rows). Each run goes on from where the one before stopped, until one gets to the
/// end. Returns the runs killed (at least 20 unless the copy is shorter); a run
/// that ends with an error fails the test, and so does a copy still not finished after `most` runs.
inline int copy_killed_part_way(const std::function<void(const driftless::copy_options&)>& copy, const driftless::copy_options& options,
                                 int most) {
    std::mt19937 random(20261207);
    int killed = 0;
    for (int run = 0; run < most; ++run) {
        const int at = run < 20 ? run % 4 + 1 : run - 16;
        const int delay_us = run % 3 == 2 ? static_cast<int>(random() % 40000) : -1;
        std::fflush(nullptr);
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            try {
                driftless::copy_options o = options;
                int events = 0;
                static std::atomic<bool> verified{false};  // this process's copy got to its last events
                o.observer = [&](const driftless::copy_event& e) {
                    if (e.done) verified = true;
                    else if (++events == at) std::raise(SIGKILL);
                };
                if (delay_us >= 0) {
                    std::thread([delay_us] {
                        std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
                        if (!verified) std::raise(SIGKILL);
                    }).detach();
                }
                copy(o);
                ::_exit(0);
            } catch (const std::exception& e) {
                std::fprintf(stderr, "run %d: %s\n", run, e.what());
                ::_exit(3);
            }
        }
        int status = 0;
        REQUIRE(::waitpid(pid, &status, 0) == pid);
        CAPTURE(run);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return killed;  // this run finished the copy
        REQUIRE(WIFSIGNALED(status));
        REQUIRE(WTERMSIG(status) == SIGKILL);
        ++killed;
    }
    FAIL("the copy did not finish in " << most << " runs");
    return killed;
}

/// Makes the resume source in a directory of its own and copies it (batches of 10 rows) into the
/// target `open_target()` connects to, in runs killed part-way (copy_killed_part_way), checking
/// that 20 or more were; the directory is removed after.
template <class OpenTarget>
void copy_resume_source_killed(const std::string& name, const OpenTarget& open_target) {
    const auto dir = std::filesystem::temp_directory_path() / ("driftless_resume_" + name + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const std::string source = (dir / "source.db").string();
    fill_resume_source(driftless::sqlite::open(source));
    driftless::copy_options o;
    o.batch_rows = 10;
    const int killed = copy_killed_part_way(
        [&](const driftless::copy_options& c) { driftless::copy_database(driftless::sqlite::open(source), open_target(), c); }, o, 80);
    CHECK(killed >= 20);
    std::filesystem::remove_all(dir);
}

}  // namespace test_support

#endif  // DRIFTLESS_TESTS_SUPPORT_COPY_HPP
