// driftless — configuration knobs. Each one can be overridden by defining it before the first
// driftless include (for example on the compiler command line).
#ifndef DRIFTLESS_CONFIG_HPP
#define DRIFTLESS_CONFIG_HPP

#include <boost/version.hpp>

/// Most indexes one table spec may declare.
#ifndef DRIFTLESS_MAX_INDEXES
#define DRIFTLESS_MAX_INDEXES 16
#endif

/// Most unique constraints one table spec may declare.
#ifndef DRIFTLESS_MAX_UNIQUES
#define DRIFTLESS_MAX_UNIQUES 8
#endif

/// Most foreign keys one table spec may declare.
#ifndef DRIFTLESS_MAX_FOREIGN_KEYS
#define DRIFTLESS_MAX_FOREIGN_KEYS 16
#endif

/// Most CHECK constraints one table spec may declare.
#ifndef DRIFTLESS_MAX_CHECKS
#define DRIFTLESS_MAX_CHECKS 8
#endif

/// Most columns in one key, index or foreign key.
#ifndef DRIFTLESS_MAX_KEY_COLUMNS
#define DRIFTLESS_MAX_KEY_COLUMNS 8
#endif

/// Longest name a model may use, in bytes. 63 is PostgreSQL's limit (NAMEDATALEN - 1) and fits
/// MySQL's 64 characters, so a model that passes runs on every dialect.
#ifndef DRIFTLESS_MAX_NAME_BYTES
#define DRIFTLESS_MAX_NAME_BYTES 63
#endif

/// VARCHAR length used on MySQL for a std::string field whose spec gives no length.
#ifndef DRIFTLESS_MYSQL_DEFAULT_VARCHAR
#define DRIFTLESS_MYSQL_DEFAULT_VARCHAR 255
#endif

/// Field names of plain aggregates: Boost.PFR's own get_name where it exists (Boost >= 1.84),
/// driftless' parser of __PRETTY_FUNCTION__ otherwise.
#ifndef DRIFTLESS_USE_PFR_GET_NAME
#if BOOST_VERSION >= 108400
#define DRIFTLESS_USE_PFR_GET_NAME 1
#else
#define DRIFTLESS_USE_PFR_GET_NAME 0
#endif
#endif

/// Header-only (the default), or compiled once: with DRIFTLESS_COMPILED_RUNTIME defined (the CMake
/// target driftless::runtime defines it for its users) the headers only declare the runner and
/// the backends' engines, and the driftless::runtime library defines them, so that a program's
/// translation units do not compile them again. Every translation unit of a program must agree.
#if defined(DRIFTLESS_COMPILED_RUNTIME) && !defined(DRIFTLESS_RUNTIME_SOURCE)
#define DRIFTLESS_DEFINE_RUNTIME 0
#else
#define DRIFTLESS_DEFINE_RUNTIME 1
#endif
#if defined(DRIFTLESS_COMPILED_RUNTIME)
#define DRIFTLESS_RUNTIME_INLINE
#else
#define DRIFTLESS_RUNTIME_INLINE inline
#endif

#endif  // DRIFTLESS_CONFIG_HPP
