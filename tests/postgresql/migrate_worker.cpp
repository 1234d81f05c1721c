// A separate program for the PostgreSQL concurrency test: each replica is a fresh process.
//   pg_migrate_worker <conninfo> v1|v2 [lease]   migrate to the models' version (under the lease
//                                                instead of the advisory lock); exit 0 on success
#include <cstdio>
#include <exception>
#include <string_view>

#include <driftless/postgresql.hpp>

#include "../sqlite/concurrency_models.hpp"

int main(int argc, char** argv) {
    if (argc != 3 && !(argc == 4 && std::string_view(argv[3]) == "lease")) {
        std::fputs("usage: pg_migrate_worker <conninfo> v1|v2 [lease]\n", stderr);
        return 2;
    }
    try {
        driftless::postgresql::connect_options connect_options;
        if (argc == 4) connect_options.lock = driftless::postgresql::lock_method::lease;
        auto db = driftless::postgresql::connect(argv[1], connect_options);
        // Every replica queues on the migration lock: wait long enough for all of them.
        const driftless::migrate_options options{.lock_timeout = std::chrono::seconds(60)};
        if (std::string_view(argv[2]) == "v1") {
            auto o = options;
            o.description = "v1";
            driftless::migrate<conc::Account, conc::Entry>(db, o);
        } else {
            auto o = options;
            o.description = "v2";
            driftless::migrate<conc::AccountV2, conc::Entry>(db, o);
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "pg_migrate_worker: %s\n", e.what());
        return 1;
    }
}
