// A separate program for the MySQL concurrency and kill tests: each replica is a fresh process.
//   my_migrate_worker <url> v1|v2                 migrate to the models' version; exit 0 on success
//   my_migrate_worker <url> v2 kill-before=K      SIGKILL itself just before statement K (0-based)
//   my_migrate_worker <url> v2 kill-during=K:MS   SIGKILL itself MS milliseconds after statement K
//                                                 started (while it runs, a later one, or not at
//                                                 all when the migration finished first)
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <thread>

#include <driftless/mysql.hpp>

#include "../sqlite/concurrency_models.hpp"

namespace {

void arm_kill(std::string_view how, driftless::migrate_options& options) {
    const bool during = how.rfind("kill-during=", 0) == 0;
    if (!during && how.rfind("kill-before=", 0) != 0) {
        std::fprintf(stderr, "my_migrate_worker: unknown option %.*s\n", static_cast<int>(how.size()), how.data());
        std::exit(2);
    }
    const std::string spec(how.substr(how.find('=') + 1));
    const std::size_t at = std::stoul(spec);
    const long delay = during ? std::stol(spec.substr(spec.find(':') + 1)) : 0;
    options.observer = [at, delay, during](const driftless::statement_event& e) {
        if (e.at != driftless::statement_event::phase::started || e.index != at) return;
        if (!during) std::raise(SIGKILL);
        std::thread([delay] {
            std::this_thread::sleep_for(std::chrono::milliseconds(delay));
            std::raise(SIGKILL);
        }).detach();
    };
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3 && argc != 4) {
        std::fputs("usage: my_migrate_worker <url> v1|v2 [kill-before=K | kill-during=K:MS]\n", stderr);
        return 2;
    }
    try {
        driftless::migrate_options options;
        if (argc == 4) arm_kill(argv[3], options);
        auto db = driftless::mysql::connect(argv[1]);
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
