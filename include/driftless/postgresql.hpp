// driftless — the PostgreSQL backend (links libpq): the core plus the PostgreSQL connection,
// introspection, rendering, migrate() and migration files.
#ifndef DRIFTLESS_POSTGRESQL_HPP
#define DRIFTLESS_POSTGRESQL_HPP

#include <driftless/driftless.hpp>
#include <driftless/postgresql/connection.hpp>
#include <driftless/postgresql/copy.hpp>
#include <driftless/postgresql/files.hpp>
#include <driftless/postgresql/introspect.hpp>
#include <driftless/postgresql/migrate.hpp>
#include <driftless/postgresql/render.hpp>

#endif  // DRIFTLESS_POSTGRESQL_HPP
