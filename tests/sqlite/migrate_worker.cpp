// A separate program for the concurrency test: each replica is a fresh process (fork + exec).
//   migrate_worker migrate <file> v1|v2   migrate the file to the models' version; exit 0 on success
//   migrate_worker hold <file>            take SQLite's write lock (BEGIN IMMEDIATE), print "locked"
//                                         and wait to be killed
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <string_view>

#include <driftless/sqlite.hpp>

#include "concurrency_models.hpp"

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fputs("usage: migrate_worker migrate <file> v1|v2 | hold <file>\n", stderr);
        return 2;
    }
    const std::string_view mode = argv[1];
    try {
        auto db = driftless::sqlite::open(argv[2], {.busy_timeout_ms = 60000});
        if (mode == "hold") {
            db.execute("BEGIN IMMEDIATE");
            db.execute("INSERT INTO accounts (id, owner) VALUES (1000, 'holder')");
            std::puts("locked");
            std::fflush(stdout);
            for (;;) pause();
        }
        if (mode == "migrate" && argc == 4) {
            db.execute("PRAGMA foreign_keys = ON");
            const std::string_view version = argv[3];
            if (version == "v1") {
                driftless::migrate<conc::Account, conc::Entry>(db, {.description = "v1"});
            } else {
                driftless::migrate<conc::AccountV2, conc::Entry>(db, {.description = "v2"});
            }
            return 0;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "migrate_worker: %s\n", e.what());
        return 1;
    }
    std::fputs("migrate_worker: bad arguments\n", stderr);
    return 2;
}
