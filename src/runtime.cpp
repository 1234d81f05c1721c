// driftless::runtime: the runner and the engines of the backends this build has, compiled once.
// Programs that link it get DRIFTLESS_COMPILED_RUNTIME, so their headers only declare these.
#define DRIFTLESS_RUNTIME_SOURCE 1

#include <driftless/run.hpp>

#if DRIFTLESS_RUNTIME_SQLITE
#include <driftless/sqlite/engine.hpp>
#endif
#if DRIFTLESS_RUNTIME_POSTGRESQL
#include <driftless/postgresql/engine.hpp>
#endif
#if DRIFTLESS_RUNTIME_MYSQL
#include <driftless/mysql/engine.hpp>
#endif
