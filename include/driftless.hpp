// driftless — umbrella header for the core (backends: <driftless/sqlite.hpp>, ...).
#ifndef DRIFTLESS_HPP
#define DRIFTLESS_HPP

#include <driftless/driftless.hpp>

#endif  // DRIFTLESS_HPP
