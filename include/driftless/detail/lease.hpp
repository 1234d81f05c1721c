// driftless — a lease on the migration, for engines whose locks do not exclude every other
// migrator (a PG-wire engine whose advisory locks are stubs; a multi-primary cluster whose locks
// are node-local). The lease is one row naming its owner until an expiry, kept by the engine on a
// session of its own (so that renewals commit while a migration's transaction is open). This file
// holds what does not depend on the engine: the owner's name, waiting to take the lease, a thread
// renewing it every third of its duration, the check before a commit, and the release.
#ifndef DRIFTLESS_DETAIL_LEASE_HPP
#define DRIFTLESS_DETAIL_LEASE_HPP

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include <unistd.h>

#include <driftless/detail/host.hpp>
#include <driftless/error.hpp>

namespace driftless::detail {

/// How one engine keeps the lease row: each call is one statement on the lease's own session.
class lease_store {
public:
    lease_store() = default;
    lease_store(const lease_store&) = delete;
    lease_store& operator=(const lease_store&) = delete;
    virtual ~lease_store() = default;

    /// Take the lease for `owner` until now + `duration`: insert the row, or take it over when its
    /// holder let it expire. True when `owner` holds it now.
    virtual bool take(const std::string& owner, std::chrono::seconds duration) = 0;
    /// Move the expiry of `owner`'s lease to now + `duration`; false when `owner` no longer holds it.
    virtual bool renew(const std::string& owner, std::chrono::seconds duration) = 0;
    /// Delete the row when `owner` holds it.
    virtual void release(const std::string& owner) = 0;
    /// Who holds it and until when, and where the row is, for the error when it cannot be taken.
    virtual std::string holder() = 0;
};

/// A lease held from construction to destruction; renewed by a thread of its own meanwhile.
class lease {
public:
    /// Take the lease through `store`, waiting at most `wait`; `engine_name` makes the error ids
    /// ("driftless.postgresql.lease"). Throws a driftless::error with SQLSTATE 55P03 (a lock wait,
    /// which the runner retries) when another holder keeps it.
    lease(std::unique_ptr<lease_store> store, std::chrono::milliseconds wait, std::chrono::seconds duration,
          std::string_view engine_name)
        : store_(std::move(store)), duration_(duration), engine_(engine_name) {
        std::random_device random;
        owner_ = host_name() + " pid " + std::to_string(::getpid()) + " token " + std::to_string(random()) +
                 std::to_string(random());
        const auto deadline = std::chrono::steady_clock::now() + wait;
        for (;;) {
            renewed_ = std::chrono::steady_clock::now();
            if (store_->take(owner_, duration_)) break;
            if (std::chrono::steady_clock::now() >= deadline)
                throw error(errc::engine, "driftless." + engine_ + ".lease",
                            "the migration lease is held by " + store_->holder(), {}, 0, "55P03");
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        renewer_ = std::thread([this] { renew_periodically(); });
    }
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    ~lease() {
        {
            const std::lock_guard<std::mutex> hold(mutex_);
            stop_ = true;
        }
        wake_.notify_all();
        if (renewer_.joinable()) renewer_.join();
        try {
            store_->release(owner_);
        } catch (...) {  // the lease expires on its own
        }
    }

    /// Renews the lease now and throws errc::busy when it was lost (it expired and another process
    /// may have taken it over): the migration must not commit, nor run its next statement, nor
    /// record anything. Call right before either.
    void check() {
        const std::lock_guard<std::mutex> hold(mutex_);
        renew_or_throw();
    }

    /// check(), without a round trip while the last renewal is recent: one that started less than
    /// a sixth of the lease's duration ago leaves at least five sixths of it before anyone may
    /// take it over. For checks before every statement of a run.
    void check_recent() {
        const std::lock_guard<std::mutex> hold(mutex_);
        if (!lost_ && std::chrono::steady_clock::now() - renewed_ < std::chrono::duration_cast<std::chrono::milliseconds>(duration_) / 6)
            return;
        renew_or_throw();
    }

private:
    /// With mutex_ held.
    void renew_or_throw() {
        std::string why = "it is no longer this process's: it expired, and another process may have taken it over";
        try {
            if (!lost_ && renew()) return;
        } catch (const error& e) {
            why = e.what();
        }
        lost_ = true;
        throw error(errc::busy, "driftless." + engine_ + ".lease_lost",
                    "the migration lease could not be renewed (" + why +
                        "), so this process stopped before its next statement, record or commit. Raise the "
                        "connection's lease_duration if renewals cannot keep up");
    }

    /// One renewal, with mutex_ held; remembers when the last one that held started.
    bool renew() {
        const auto started = std::chrono::steady_clock::now();
        const bool held = store_->renew(owner_, duration_);
        if (held) renewed_ = started;
        return held;
    }

    void renew_periodically() {
        const auto period = std::max(std::chrono::milliseconds(100),
                                     std::chrono::duration_cast<std::chrono::milliseconds>(duration_) / 3);
        std::unique_lock<std::mutex> hold(mutex_);
        while (!wake_.wait_for(hold, period, [this] { return stop_; })) {
            try {
                if (!lost_ && !renew()) lost_ = true;
            } catch (...) {  // try again at the next tick; check() renews once more before COMMIT
            }
        }
    }

    std::unique_ptr<lease_store> store_;
    std::chrono::seconds duration_;
    std::string engine_;
    std::string owner_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    bool lost_ = false;
    std::chrono::steady_clock::time_point renewed_{};  ///< when the last renewal that held started
    std::thread renewer_;
};

}  // namespace driftless::detail

#endif  // DRIFTLESS_DETAIL_LEASE_HPP
