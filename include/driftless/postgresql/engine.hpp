// driftless — the PostgreSQL engine (see <driftless/engine.hpp>): pg_advisory_xact_lock or a
// lease, transactional DDL, one statement per call over the extended protocol.
// This header declares it; <driftless/postgresql/engine-inl.hpp> defines it (included here unless the
// runtime is compiled once: DRIFTLESS_COMPILED_RUNTIME).
#ifndef DRIFTLESS_POSTGRESQL_ENGINE_HPP
#define DRIFTLESS_POSTGRESQL_ENGINE_HPP

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <driftless/config.hpp>
#include <driftless/engine.hpp>
#include <driftless/run.hpp>
#include <driftless/schema.hpp>
#include <driftless/postgresql/connection.hpp>

namespace driftless::postgresql {

using driftless::rollback_options;

/// The key of the migration lock (pg_advisory_xact_lock): the bytes of "driftles" as a bigint.
/// Every driftless process, whatever its models, takes the same key for one database.
inline constexpr std::int64_t migration_lock_key = 0x6472696674'6c6573;

/// The lease table (lock_method::lease): one row, owner and expiry.
inline constexpr std::string_view lease_table = "_driftless_lease";

namespace detail {
/// True when a second session cannot take the transaction-level advisory lock that this one
/// holds: the lock really excludes (PG-wire engines may implement it as a stub). Never throws.
DRIFTLESS_RUNTIME_INLINE bool probe_advisory_lock(const connection& db) noexcept;
/// Whether migrations on `db` exclude each other with a lease rather than the advisory lock.
DRIFTLESS_RUNTIME_INLINE bool uses_lease(const connection& db);
}  // namespace detail

/// The engine of a connection (found by driftless's public templates through ADL).
DRIFTLESS_RUNTIME_INLINE std::unique_ptr<driftless::engine> make_engine(const connection& db);

}  // namespace driftless::postgresql

#if DRIFTLESS_DEFINE_RUNTIME
#include <driftless/postgresql/engine-inl.hpp>
#endif

#endif  // DRIFTLESS_POSTGRESQL_ENGINE_HPP
