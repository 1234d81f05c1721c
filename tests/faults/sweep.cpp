// See sweep.hpp.
#include "sweep.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <system_error>
#include <typeinfo>

namespace faults {

namespace {

/// Every row of `sql` as text, one line per row, values typed so that 1, 1.0 and '1' differ.
std::string dump(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
        std::string out = std::string("error: ") + sqlite3_errmsg(db);
        sqlite3_finalize(st);
        return out;
    }
    std::string out;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const int n = sqlite3_column_count(st);
        for (int i = 0; i < n; ++i) {
            if (i != 0) out += '|';
            switch (sqlite3_column_type(st, i)) {
                case SQLITE_NULL: out += "NULL"; break;
                case SQLITE_INTEGER: out += std::to_string(sqlite3_column_int64(st, i)); break;
                case SQLITE_FLOAT: {
                    char buf[40];
                    std::snprintf(buf, sizeof buf, "%.17gr", sqlite3_column_double(st, i));
                    out += buf;
                    break;
                }
                case SQLITE_TEXT: {
                    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
                    out += '\'';
                    out.append(p, static_cast<std::size_t>(sqlite3_column_bytes(st, i)));
                    out += '\'';
                    break;
                }
                default: out += "blob:" + std::to_string(sqlite3_column_bytes(st, i)); break;
            }
        }
        out += '\n';
    }
    if (rc != SQLITE_DONE) out += std::string("error: ") + sqlite3_errmsg(db);
    sqlite3_finalize(st);
    return out;
}

void remove_db_files(const std::string& path) {
    std::error_code ec;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);
}

/// The first line where a and b differ, for messages.
std::string first_difference(const std::string& a, const std::string& b) {
    std::istringstream sa(a), sb(b);
    std::string la, lb;
    for (int line = 1;; ++line) {
        const bool ga = static_cast<bool>(std::getline(sa, la));
        const bool gb = static_cast<bool>(std::getline(sb, lb));
        if (!ga && !gb) return "equal";
        if (!ga || !gb || la != lb)
            return "line " + std::to_string(line) + ": got [" + (ga ? la : "<end>") + "] expected [" + (gb ? lb : "<end>") + "]";
    }
}

std::string compare(const snapshot& got, const snapshot& want) {
    std::string out;
    if (got.schema != want.schema) out += " schema: " + first_difference(got.schema, want.schema) + ";";
    if (got.rows != want.rows) out += " rows: " + first_difference(got.rows, want.rows) + ";";
    if (got.history != want.history) out += " history: " + first_difference(got.history, want.history) + ";";
    if (got.state != want.state) out += " state: " + first_difference(got.state, want.state) + ";";
    return out.empty() ? " equal" : out;
}

std::string code_name(int code) {
    const char* s = sqlite3_errstr(code);
    return std::to_string(code) + " (" + (s != nullptr ? s : "?") + ")";
}

}  // namespace

std::string query_one(sqlite3* db, const std::string& sql) {
    std::string all = dump(db, sql);
    if (!all.empty() && all.back() == '\n') all.pop_back();
    return all;
}

snapshot take_snapshot(sqlite3* db) {
    snapshot s;
    s.schema = dump(db, "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name");
    s.rows = dump(db, "SELECT * FROM items ORDER BY rowid") + dump(db, "SELECT * FROM tags ORDER BY rowid") +
             dump(db, "SELECT * FROM cheap_items ORDER BY id");
    s.history = dump(db,
                     "SELECT version, description, kind, source, checksum, checksum_algorithm, up_sql, down_sql, "
                     "rolled_back_at, state, statements_done FROM _driftless_migrations ORDER BY version");
    s.state = dump(db, "SELECT * FROM _driftless_state");
    const std::string n = query_one(db, "SELECT count(*) FROM _driftless_migrations");
    s.history_rows = n.starts_with("error") ? -1 : std::stoll(n);
    return s;
}

driftless::migrate_result migrate_v2(const driftless::sqlite::connection& db) {
    return driftless::migrate<ItemV2, Tag>(db, {.description = "items v2", .exact_types = true});
}

fixture make_fixture(journal mode) {
    fixture fx;
    fx.mode = mode;
    fx.name = mode == journal::wal ? "wal" : "delete";
    fx.pristine = "faults_" + fx.name + "_pristine.db";
    fx.work = "faults_" + fx.name + "_work.db";
    remove_db_files(fx.pristine);
    {
        auto db = driftless::sqlite::open(fx.pristine);
        if (mode == journal::wal) REQUIRE(query_one(db.handle(), "PRAGMA journal_mode = WAL") == "'wal'");
        db.execute("PRAGMA foreign_keys = ON");
        REQUIRE(driftless::migrate<ItemV1, Tag>(db, {.description = "items v1"}).applied);
        db.execute(
            "BEGIN;"
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) "
            "INSERT INTO items (id, name, code, qty, price) SELECT i, "
            "  'item ' || i || ' ' || substr('the quick brown fox jumps over the lazy dog, isn''t it? ', 1 + i % 23, 8 + i % 31), "
            "  printf('C-%05d', i * 7), CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 37) % 101 - 20 END, i * 1.25 - 3.5 FROM n;"
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600) "
            "INSERT INTO tags (id, item_id, label) SELECT i, 1 + (i * 13) % 300, 'tag ' || (i % 17) || ' éü' FROM n;"
            "CREATE VIEW cheap_items AS SELECT id, name, price FROM items WHERE price < 20;"
            "CREATE TRIGGER items_no_negative_price BEFORE UPDATE OF price ON items WHEN NEW.price < -100 "
            "BEGIN SELECT RAISE(ABORT, 'price too low'); END;"
            "CREATE TRIGGER tags_count AFTER INSERT ON tags BEGIN "
            "UPDATE items SET qty = coalesce(qty, 0) + 1 WHERE id = NEW.item_id; END;"
            "COMMIT;");
        REQUIRE(query_one(db.handle(), "SELECT count(*) FROM items") == "300");
        REQUIRE(query_one(db.handle(), "SELECT count(*) FROM tags") == "600");
    }
    REQUIRE_FALSE(std::filesystem::exists(fx.pristine + "-wal"));
    {
        auto db = driftless::sqlite::open(fx.pristine, {.create = false});
        fx.v1 = take_snapshot(db.handle());
    }
    REQUIRE(fx.v1.history_rows == 1);

    // The reference run, without faults: what V2 looks like.
    reset_work_file(fx);
    {
        auto db = driftless::sqlite::open(fx.work, {.create = false});
        db.execute("PRAGMA foreign_keys = ON");
        const auto planned = driftless::plan<ItemV2, Tag>(db, {.exact_types = true});
        std::string all;
        for (const auto& s : planned.statements) all += s + ";\n";
        INFO("planned:\n" << all);
        REQUIRE(all.find("_driftless_new_items") != std::string::npos);  // the 12-step rebuild
        REQUIRE(all.find("items_by_qty") != std::string::npos);
        REQUIRE(all.find("\"note\"") != std::string::npos);
        REQUIRE(migrate_v2(db).applied);
        fx.v2 = take_snapshot(db.handle());
        REQUIRE(query_one(db.handle(), "PRAGMA integrity_check") == "'ok'");
        REQUIRE(query_one(db.handle(), "PRAGMA foreign_keys") == "1");
    }
    REQUIRE(fx.v2.history_rows == 2);
    REQUIRE(fx.v2.rows.find("NULL\n") != std::string::npos);
    REQUIRE(fx.v1.schema != fx.v2.schema);
    for (const auto* s : {&fx.v1, &fx.v2}) {
        REQUIRE(s->schema.find("error") == std::string::npos);
        REQUIRE(s->rows.find("error") == std::string::npos);
        REQUIRE(s->schema.find("cheap_items") != std::string::npos);
        REQUIRE(s->schema.find("tags_count") != std::string::npos);
        REQUIRE(s->schema.find("items_no_negative_price") != std::string::npos);
    }
    return fx;
}

void reset_work_file(const fixture& fx) {
    remove_db_files(fx.work);
    std::filesystem::copy_file(fx.pristine, fx.work, std::filesystem::copy_options::overwrite_existing);
}

attempt run_migrate(const driftless::sqlite::connection& db, sweep_summary& summary) {
    attempt a;
    try {
        const auto r = migrate_v2(db);
        a.returned = true;
        a.applied = r.applied;
    } catch (const driftless::error& e) {
        a.threw = true;
        a.native_code = e.native_code();
        a.what = e.what();
        a.statement = e.statement();
        ++summary.codes[code_name(e.native_code())];
    } catch (const std::exception& e) {
        FAIL_CHECK("migrate threw " << typeid(e).name() << ", not driftless::error: " << e.what());
    } catch (...) {
        FAIL_CHECK("migrate threw something that is not a std::exception");
    }
    return a;
}

void check_connection(sqlite3* db, bool strict, sweep_summary& summary) {
    const std::string fk = query_one(db, "PRAGMA foreign_keys");
    const bool autocommit = sqlite3_get_autocommit(db) != 0;
    sqlite3_stmt* left = sqlite3_next_stmt(db, nullptr);
    const std::string left_sql = left != nullptr && sqlite3_sql(left) != nullptr ? sqlite3_sql(left) : "";
    if (strict) {
        CHECK_MESSAGE(fk == "1", "foreign_keys on the connection after migrate: " << fk);
        CHECK_MESSAGE(autocommit, "migrate left a transaction open on the connection");
        CHECK_MESSAGE(left == nullptr, "migrate left a statement unfinalised: " << left_sql);
    } else {
        if (fk != "1") ++summary.anomalies["foreign_keys left " + fk];
        if (!autocommit) ++summary.anomalies["transaction left open"];
        if (left != nullptr) ++summary.anomalies["statement left unfinalised"];
    }
}

void close_connection(sqlite3* db, sweep_summary& summary) {
    const int rc = sqlite3_close(db);
    if (rc != SQLITE_OK) {
        ++summary.close_failed;
        FAIL_CHECK("sqlite3_close: " << code_name(rc) << " (statements left open?)");
        sqlite3_close_v2(db);
    }
}

int verify_and_retry(const fixture& fx, const attempt& a, bool fast) {
    auto db = driftless::sqlite::open(fx.work, {.create = false});
    sqlite3* h = db.handle();
    if (fast) db.execute("PRAGMA synchronous = OFF");
    CHECK(query_one(h, "PRAGMA integrity_check") == "'ok'");
    const snapshot now = take_snapshot(h);
    const int which = now == fx.v1 ? 1 : now == fx.v2 ? 2 : 0;
    CHECK_MESSAGE(which != 0, "the database is neither V1 nor V2 (history rows: " << now.history_rows << ")\n  vs V1:"
                                  << compare(now, fx.v1) << "\n  vs V2:" << compare(now, fx.v2));
    if (which == 0) {
        // Name the two properties separately, so the report says which one broke.
        const bool schema_new = now.schema == fx.v2.schema;
        CHECK_MESSAGE((now.schema == fx.v1.schema || schema_new), "schema is neither V1 nor V2");
        CHECK_MESSAGE(now.history_rows == (schema_new ? 2 : 1), "history row without its schema, or schema without it");
    }
    if (a.returned) CHECK_MESSAGE(which == 2, "migrate returned, but the reopened database is not V2");

    // The retry, on a normal connection with foreign keys on.
    db.execute("PRAGMA foreign_keys = ON");
    try {
        const auto r = migrate_v2(db);
        if (which == 1) CHECK_MESSAGE(r.applied, "the retry on V1 applied nothing");
        if (which == 2) CHECK_MESSAGE(!r.applied, "the retry on V2 applied something");
    } catch (const std::exception& e) {
        FAIL_CHECK("the retry failed: " << e.what());
    }
    const snapshot after = take_snapshot(h);
    CHECK_MESSAGE(after == fx.v2, "after the retry:" << compare(after, fx.v2));
    CHECK(query_one(h, "PRAGMA integrity_check") == "'ok'");
    CHECK(query_one(h, "PRAGMA foreign_keys") == "1");
    return which;
}

std::int64_t only_point() {
    static const std::int64_t n = [] {
        const char* v = std::getenv("DRIFTLESS_FAULTS_ONLY");
        return v != nullptr ? std::atoll(v) : 0;
    }();
    return n;
}

void trace_point(const sweep_summary& summary, std::int64_t n, std::int64_t calls, const attempt& a, int which) {
    static const bool on = std::getenv("DRIFTLESS_FAULTS_TRACE") != nullptr || only_point() != 0;
    if (!on) return;
    std::fprintf(stderr, "%s N=%lld calls=%lld -> %s%s%s%s, state %d\n", summary.label.c_str(), static_cast<long long>(n),
                 static_cast<long long>(calls), a.returned ? "returned" : a.threw ? a.what.c_str() : "?",
                 a.statement.empty() ? "" : " [in: ", a.statement.c_str(), a.statement.empty() ? "" : "]", which);
}

std::string sweep_summary::report() const {
    std::ostringstream out;
    out << label << ": " << points << " fault points";
    if (step_points != 0) out << " (" << step_points << " of them stepped)";
    out << ", clean run " << clean_calls << " calls; migrate threw driftless::error " << errors << "x, returned "
        << returned << "x; reopened as V1 " << ended_old << "x, as V2 " << ended_new << "x";
    if (close_failed != 0) out << "; sqlite3_close failed " << close_failed << "x";
    if (!failed_calls.empty()) {
        out << "; first failed call:";
        for (const auto& [call, n] : failed_calls) out << ' ' << call << " x" << n;
    }
    if (!codes.empty()) {
        out << "; codes:";
        for (const auto& [code, n] : codes) out << ' ' << code << " x" << n;
    }
    if (!anomalies.empty()) {
        out << "; tolerated:";
        for (const auto& [what, n] : anomalies) out << " [" << what << "] x" << n;
    }
    return out.str();
}

}  // namespace faults
