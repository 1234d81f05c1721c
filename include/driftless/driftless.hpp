// driftless — the core: reflection, descriptors, schema, rendering, diff and plan. Includes no database client.
#ifndef DRIFTLESS_DRIFTLESS_HPP
#define DRIFTLESS_DRIFTLESS_HPP

#include <driftless/checksum.hpp>
#include <driftless/config.hpp>
#include <driftless/diagram.hpp>
#include <driftless/diff.hpp>
#include <driftless/error.hpp>
#include <driftless/files.hpp>
#include <driftless/history.hpp>
#include <driftless/migrate.hpp>
#include <driftless/plan.hpp>
#include <driftless/reflect.hpp>
#include <driftless/render.hpp>
#include <driftless/schema.hpp>
#include <driftless/table.hpp>
#include <driftless/types.hpp>
#include <driftless/version.hpp>

#endif  // DRIFTLESS_DRIFTLESS_HPP
