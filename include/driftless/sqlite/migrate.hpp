// driftless — migrate, plan, rollback and migration_status on this backend: the one
// runner (<driftless/run.hpp>) over this backend's engine. Kept so that existing includes work.
#ifndef DRIFTLESS_SQLITE_MIGRATE_HPP
#define DRIFTLESS_SQLITE_MIGRATE_HPP

#include <driftless/sqlite/engine.hpp>
#include <driftless/run.hpp>

#endif  // DRIFTLESS_SQLITE_MIGRATE_HPP
