// Copy tests shared by the engines: a copy reads its source in one snapshot.
#ifndef DRIFTLESS_TESTS_SUPPORT_COPY_HPP
#define DRIFTLESS_TESTS_SUPPORT_COPY_HPP

#include <doctest/doctest.h>

#include <functional>

#include <driftless/copy.hpp>
#include <driftless/sqlite.hpp>

namespace test_support {

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

}  // namespace test_support

#endif  // DRIFTLESS_TESTS_SUPPORT_COPY_HPP
