// driftless — the SQLite engine (see <driftless/engine.hpp>): BEGIN IMMEDIATE as the lock, the
// catalog through PRAGMAs, the 12-step rebuild with foreign keys off, the start-up fast path.
// This header declares it; <driftless/sqlite/engine-inl.hpp> defines it (included here unless the
// runtime is compiled once: DRIFTLESS_COMPILED_RUNTIME).
#ifndef DRIFTLESS_SQLITE_ENGINE_HPP
#define DRIFTLESS_SQLITE_ENGINE_HPP

#include <memory>
#include <string>

#include <driftless/config.hpp>
#include <driftless/engine.hpp>
#include <driftless/run.hpp>
#include <driftless/schema.hpp>
#include <driftless/sqlite/connection.hpp>

namespace driftless::sqlite {

using driftless::rollback_options;

/// The engine of a connection (found by driftless's public templates through ADL).
DRIFTLESS_RUNTIME_INLINE std::unique_ptr<driftless::engine> make_engine(const connection& db);
/// What the fast path compares: SHA-256 of the models' SQLite DDL (and of the format's version).
DRIFTLESS_RUNTIME_INLINE std::string fingerprint(const schema& desired);

}  // namespace driftless::sqlite

#if DRIFTLESS_DEFINE_RUNTIME
#include <driftless/sqlite/engine-inl.hpp>
#endif

#endif  // DRIFTLESS_SQLITE_ENGINE_HPP
