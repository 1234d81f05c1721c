// A separate program for the MySQL concurrency test: each replica is a fresh process.
//   my_migrate_worker <url> v1|v2   migrate to the models' version; exit 0 on success
#include <chrono>
#include <cstdio>
#include <exception>
#include <string_view>

#include <driftless/mysql.hpp>

#include "../sqlite/concurrency_models.hpp"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fputs("usage: my_migrate_worker <url> v1|v2\n", stderr);
        return 2;
    }
    try {
        auto db = driftless::mysql::connect(argv[1]);
        driftless::migrate_options options;
        options.lock_timeout = std::chrono::seconds(60);  // every replica queues on the migration lock
        options.description = argv[2];
        if (std::string_view(argv[2]) == "v1") {
            driftless::migrate<conc::Account, conc::Entry>(db, options);
        } else {
            driftless::migrate<conc::AccountV2, conc::Entry>(db, options);
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "my_migrate_worker: %s\n", e.what());
        return 1;
    }
}
