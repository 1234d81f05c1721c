// driftless — migrate, plan, rollback and migration_status on this backend: the one
// runner (<driftless/run.hpp>) over this backend's engine. Kept so that existing includes work.
#ifndef DRIFTLESS_POSTGRESQL_MIGRATE_HPP
#define DRIFTLESS_POSTGRESQL_MIGRATE_HPP

#include <driftless/postgresql/engine.hpp>
#include <driftless/run.hpp>

#endif  // DRIFTLESS_POSTGRESQL_MIGRATE_HPP
