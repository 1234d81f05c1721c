// driftless — the PostgreSQL engine (see <driftless/engine.hpp>): pg_advisory_xact_lock or a
// lease, transactional DDL, one statement per call over the extended protocol.
// This header declares it; <driftless/postgresql/engine-inl.hpp> defines it (included here unless the
// runtime is compiled once: DRIFTLESS_COMPILED_RUNTIME).
#ifndef DRIFTLESS_POSTGRESQL_ENGINE_HPP
#define DRIFTLESS_POSTGRESQL_ENGINE_HPP

#include <memory>
#include <string>

#include <driftless/config.hpp>
#include <driftless/engine.hpp>
#include <driftless/run.hpp>
#include <driftless/schema.hpp>
#include <driftless/postgresql/connection.hpp>

namespace driftless::postgresql {

using driftless::rollback_options;

/// The engine of a connection (found by driftless's public templates through ADL).
DRIFTLESS_RUNTIME_INLINE std::unique_ptr<driftless::engine> make_engine(const connection& db);

}  // namespace driftless::postgresql

#if DRIFTLESS_DEFINE_RUNTIME
#include <driftless/postgresql/engine-inl.hpp>
#endif

#endif  // DRIFTLESS_POSTGRESQL_ENGINE_HPP
