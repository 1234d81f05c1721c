// Consumer of the driftless package: renders the DDL of a small struct and runs it on an
// in-memory SQLite database through the plain sqlite3 API. Prints "driftless package test: ok"
// and exits 0 only when every step worked.
#include <driftless/driftless.hpp>
#include <driftless/sqlite.hpp>

#include <sqlite3.h>

#include <cstdint>
#include <iostream>
#include <string>

struct Item {
    std::int64_t id;
    std::string name;
};

int main() {
    const std::string ddl = driftless::create_table_sql<Item>(driftless::dialect::sqlite);
    std::cout << ddl << '\n';
    if (ddl.find("CREATE TABLE") == std::string::npos) {
        std::cerr << "create_table_sql did not produce a CREATE TABLE statement\n";
        return 1;
    }

    sqlite3* db = nullptr;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
        std::cerr << "sqlite3_open failed: " << sqlite3_errmsg(db) << '\n';
        sqlite3_close(db);
        return 1;
    }

    char* message = nullptr;
    if (sqlite3_exec(db, ddl.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::cerr << "SQLite rejected the DDL: " << (message ? message : "?") << '\n';
        sqlite3_free(message);
        sqlite3_close(db);
        return 1;
    }

    sqlite3_stmt* statement = nullptr;
    int tables = -1;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'", -1,
                           &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
        tables = sqlite3_column_int(statement, 0);
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    if (tables != 1) {
        std::cerr << "expected 1 table after running the DDL, found " << tables << '\n';
        return 1;
    }

    std::cout << "driftless package test: ok\n";
    return 0;
}
