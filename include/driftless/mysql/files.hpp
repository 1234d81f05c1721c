// driftless — the migration files (apply, upgrade, baseline, generate, verify) on this backend: the one
// runner (<driftless/run.hpp>) over this backend's engine. Kept so that existing includes work.
#ifndef DRIFTLESS_MYSQL_FILES_HPP
#define DRIFTLESS_MYSQL_FILES_HPP

#include <driftless/mysql/engine.hpp>
#include <driftless/run.hpp>

#endif  // DRIFTLESS_MYSQL_FILES_HPP
