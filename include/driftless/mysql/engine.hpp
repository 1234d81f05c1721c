// driftless — the MySQL / MariaDB engine (see <driftless/engine.hpp>): GET_LOCK, progress recorded
// statement by statement, multi-statement mode off while a migration's statements run.
// This header declares it; <driftless/mysql/engine-inl.hpp> defines it (included here unless the
// runtime is compiled once: DRIFTLESS_COMPILED_RUNTIME).
#ifndef DRIFTLESS_MYSQL_ENGINE_HPP
#define DRIFTLESS_MYSQL_ENGINE_HPP

#include <memory>
#include <string>

#include <driftless/config.hpp>
#include <driftless/engine.hpp>
#include <driftless/run.hpp>
#include <driftless/schema.hpp>
#include <driftless/mysql/connection.hpp>

namespace driftless::mysql {

/// The engine of a connection (found by driftless's public templates through ADL).
DRIFTLESS_RUNTIME_INLINE std::unique_ptr<driftless::engine> make_engine(const connection& db);

using driftless::rollback_options;  ///< one for every backend

}  // namespace driftless::mysql

#if DRIFTLESS_DEFINE_RUNTIME
#include <driftless/mysql/engine-inl.hpp>
#endif

#endif  // DRIFTLESS_MYSQL_ENGINE_HPP
