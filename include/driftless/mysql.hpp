// driftless — the MySQL / MariaDB backend (links the MariaDB client library): the core plus the
// connection, introspection, rendering, migrate(), rollback() and migration files.
#ifndef DRIFTLESS_MYSQL_HPP
#define DRIFTLESS_MYSQL_HPP

#include <driftless/driftless.hpp>
#include <driftless/mysql/connection.hpp>
#include <driftless/mysql/copy.hpp>
#include <driftless/mysql/files.hpp>
#include <driftless/mysql/introspect.hpp>
#include <driftless/mysql/losses.hpp>
#include <driftless/mysql/migrate.hpp>
#include <driftless/mysql/render.hpp>

#endif  // DRIFTLESS_MYSQL_HPP
