// The B1 baseline, shared by the benchmark programs: the fastest hand-written read of the catalog
// a diff needs (sqlite3 C API, statements prepared once, per-table PRAGMAs inside one read
// transaction) plus an in-memory compare with what the models expect (column count, names and
// types; index and foreign-key counts).
#ifndef DRIFTLESS_BENCH_CATALOG_BASELINE_HPP
#define DRIFTLESS_BENCH_CATALOG_BASELINE_HPP

#include <cstddef>
#include <string>

#include <sqlite3.h>

#include <driftless/render.hpp>
#include <driftless/schema.hpp>

namespace bench {

class catalog_baseline {
public:
    explicit catalog_baseline(sqlite3* h) : h_(h) {
        tables_ = prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_driftless\\_%' ESCAPE '\\'");
        cols_ = prepare("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_xinfo(?1)");
        idx_ = prepare("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1)");
        idx_cols_ = prepare("SELECT name FROM pragma_index_xinfo(?1) WHERE key = 1");
        fks_ = prepare("SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1)");
    }
    catalog_baseline(const catalog_baseline&) = delete;
    catalog_baseline& operator=(const catalog_baseline&) = delete;
    ~catalog_baseline() {
        for (sqlite3_stmt* st : {tables_, cols_, idx_, idx_cols_, fks_}) sqlite3_finalize(st);
    }

    /// Read the catalog and compare it with `schema`; returns the number of differences (0 when
    /// the database is at `schema`).
    std::size_t run(const driftless::schema& schema) {
        sqlite3_exec(h_, "BEGIN", nullptr, nullptr, nullptr);
        std::size_t mismatches = 0;
        std::size_t seen = 0;
        while (sqlite3_step(tables_) == SQLITE_ROW) {
            const std::string name = reinterpret_cast<const char*>(sqlite3_column_text(tables_, 0));
            const driftless::table_info* want = schema.find_table(name);
            ++seen;
            sqlite3_bind_text(cols_, 1, name.c_str(), -1, SQLITE_TRANSIENT);
            std::size_t i = 0;
            while (sqlite3_step(cols_) == SQLITE_ROW) {
                if (want == nullptr || i >= want->columns.size() ||
                    want->columns[i].name != reinterpret_cast<const char*>(sqlite3_column_text(cols_, 0)) ||
                    driftless::render_type(want->columns[i].type, driftless::dialect::sqlite) !=
                        reinterpret_cast<const char*>(sqlite3_column_text(cols_, 1)))
                    ++mismatches;
                ++i;
            }
            sqlite3_reset(cols_);
            sqlite3_bind_text(idx_, 1, name.c_str(), -1, SQLITE_TRANSIENT);
            std::size_t indexes = 0;
            while (sqlite3_step(idx_) == SQLITE_ROW) {
                sqlite3_bind_text(idx_cols_, 1, reinterpret_cast<const char*>(sqlite3_column_text(idx_, 0)), -1,
                                  SQLITE_TRANSIENT);
                while (sqlite3_step(idx_cols_) == SQLITE_ROW) {
                }
                sqlite3_reset(idx_cols_);
                ++indexes;
            }
            sqlite3_reset(idx_);
            sqlite3_bind_text(fks_, 1, name.c_str(), -1, SQLITE_TRANSIENT);
            std::size_t keys = 0;
            while (sqlite3_step(fks_) == SQLITE_ROW) ++keys;
            sqlite3_reset(fks_);
            if (want == nullptr || indexes != want->indexes.size() + want->uniques.size() ||
                keys != want->foreign_keys.size())
                ++mismatches;
        }
        sqlite3_reset(tables_);
        sqlite3_exec(h_, "COMMIT", nullptr, nullptr, nullptr);
        return mismatches + (seen != schema.tables.size() ? 1 : 0);
    }

private:
    sqlite3_stmt* prepare(const char* sql) const {
        sqlite3_stmt* st = nullptr;
        sqlite3_prepare_v2(h_, sql, -1, &st, nullptr);
        return st;
    }

    sqlite3* h_;
    sqlite3_stmt* tables_ = nullptr;
    sqlite3_stmt* cols_ = nullptr;
    sqlite3_stmt* idx_ = nullptr;
    sqlite3_stmt* idx_cols_ = nullptr;
    sqlite3_stmt* fks_ = nullptr;
};

}  // namespace bench

#endif  // DRIFTLESS_BENCH_CATALOG_BASELINE_HPP
