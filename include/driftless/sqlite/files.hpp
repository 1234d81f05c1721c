// driftless — the migration files (apply, upgrade, baseline, generate, verify) on this backend: the one
// runner (<driftless/run.hpp>) over this backend's engine. Kept so that existing includes work.
#ifndef DRIFTLESS_SQLITE_FILES_HPP
#define DRIFTLESS_SQLITE_FILES_HPP

#include <driftless/sqlite/engine.hpp>
#include <driftless/run.hpp>

#endif  // DRIFTLESS_SQLITE_FILES_HPP
