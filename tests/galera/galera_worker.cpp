// A separate program for the Galera cluster tests: each migrator is a fresh process, connected to
// the node its URL names.
//   galera_worker <url> migrate V [how]     migrate to version V (1..5) of galera_models.hpp
//   galera_worker <url> upgrade DIR [how]   apply the migration files of DIR (the CLI's upgrade)
// where [how] is one of
//   kill-during=K:MS      SIGKILL itself MS milliseconds after statement K (0-based) started
//   pause-before=K:FILE   before statement K, create FILE and wait until it is gone (at most
//                         120 s; the test stops the node meanwhile), then go on
// Exit 0 on success; 1 on an error (printed); 3 when it gave up busy five times in a row (each
// attempt waits up to 120 s for the lease).
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <thread>

#include <driftless/mysql.hpp>

#include "galera_models.hpp"

namespace {

driftless::statement_observer observer_for(std::string_view how) {
    const bool kill = how.rfind("kill-during=", 0) == 0;
    if (!kill && how.rfind("pause-before=", 0) != 0) {
        std::fprintf(stderr, "galera_worker: unknown option %.*s\n", static_cast<int>(how.size()), how.data());
        std::exit(2);
    }
    const std::string spec(how.substr(how.find('=') + 1));
    const std::size_t at = std::stoul(spec);
    const std::string rest = spec.substr(spec.find(':') + 1);
    return [at, rest, kill](const driftless::statement_event& e) {
        if (e.at != driftless::statement_event::phase::started || e.index != at) return;
        if (kill) {
            const long delay = std::stol(rest);
            std::thread([delay] {
                std::this_thread::sleep_for(std::chrono::milliseconds(delay));
                std::raise(SIGKILL);
            }).detach();
            return;
        }
        std::ofstream(rest) << "paused\n";
        for (int i = 0; i < 2400 && std::filesystem::exists(rest); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    };
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4 && argc != 5) {
        std::fputs("usage: galera_worker <url> migrate V|upgrade DIR [kill-during=K:MS | pause-before=K:FILE]\n", stderr);
        return 2;
    }
    const std::string_view what = argv[2];
    const driftless::statement_observer observer = argc == 5 ? observer_for(argv[4]) : driftless::statement_observer{};
    for (int attempt = 1;; ++attempt) {
        try {
            auto db = driftless::mysql::connect(argv[1]);
            if (what == "migrate") {
                driftless::migrate_options options;
                options.lock_timeout = std::chrono::seconds(120);
                options.observer = observer;
                options.description = std::string("v") + argv[3];
                gal::migrate_to(db, std::atoi(argv[3]), options);
            } else if (what == "upgrade") {
                driftless::apply_options options;
                options.lock_timeout = std::chrono::seconds(120);
                options.observer = observer;
                driftless::apply_migrations(db, argv[3], options);
            } else {
                std::fprintf(stderr, "galera_worker: unknown command %s\n", argv[2]);
                return 2;
            }
            return 0;
        } catch (const driftless::error& e) {
            std::fprintf(stderr, "galera_worker (attempt %d): %s\n", attempt, e.what());
            if (e.code() != driftless::errc::busy) return 1;
            if (attempt == 5) return 3;
        } catch (const std::exception& e) {
            std::fprintf(stderr, "galera_worker: %s\n", e.what());
            return 1;
        }
    }
}
