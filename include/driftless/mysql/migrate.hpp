// driftless — migrate, plan, rollback and migration_status on this backend: the one
// runner (<driftless/run.hpp>) over this backend's engine. Kept so that existing includes work.
#ifndef DRIFTLESS_MYSQL_MIGRATE_HPP
#define DRIFTLESS_MYSQL_MIGRATE_HPP

#include <driftless/mysql/engine.hpp>
#include <driftless/run.hpp>

#endif  // DRIFTLESS_MYSQL_MIGRATE_HPP
