// driftless — the version: DRIFTLESS_VERSION_* for the preprocessor, driftless::version for code.
// CMake's project version is read from this file, so the two cannot disagree.
#ifndef DRIFTLESS_VERSION_HPP
#define DRIFTLESS_VERSION_HPP

#include <string_view>

#define DRIFTLESS_VERSION_MAJOR 0
#define DRIFTLESS_VERSION_MINOR 2
#define DRIFTLESS_VERSION_PATCH 0
#define DRIFTLESS_VERSION_STRING "0.2.0"
/// One number that orders releases: major * 10000 + minor * 100 + patch.
#define DRIFTLESS_VERSION (DRIFTLESS_VERSION_MAJOR * 10000 + DRIFTLESS_VERSION_MINOR * 100 + DRIFTLESS_VERSION_PATCH)

namespace driftless {

/// "major.minor.patch" of these headers.
inline constexpr std::string_view version = DRIFTLESS_VERSION_STRING;

}  // namespace driftless

#endif  // DRIFTLESS_VERSION_HPP
