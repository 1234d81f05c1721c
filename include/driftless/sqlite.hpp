// driftless — the SQLite backend (links SQLite3): the core plus the SQLite connection and introspection.
#ifndef DRIFTLESS_SQLITE_HPP
#define DRIFTLESS_SQLITE_HPP

#include <driftless/driftless.hpp>
#include <driftless/sqlite/connection.hpp>
#include <driftless/sqlite/copy.hpp>
#include <driftless/sqlite/files.hpp>
#include <driftless/sqlite/introspect.hpp>
#include <driftless/sqlite/migrate.hpp>
#include <driftless/sqlite/render.hpp>

#endif  // DRIFTLESS_SQLITE_HPP
