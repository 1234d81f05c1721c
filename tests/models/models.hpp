// The shared test models, once per reflection engine: pfr_models::X (plain aggregates) and
// described_models::X (BOOST_DESCRIBE_STRUCT). See model_defs.inc.
#ifndef DRIFTLESS_TEST_MODELS_HPP
#define DRIFTLESS_TEST_MODELS_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>

#include <driftless/driftless.hpp>

namespace test_support {
/// A user type mapped through customize::column_type.
struct uuid {
    unsigned char bytes[16];
};
}  // namespace test_support

template <>
inline constexpr driftless::type_def driftless::customize::column_type<test_support::uuid> =
    driftless::types::custom("BLOB", "UUID", "BINARY(16)");

#define MODEL_NS pfr_models
#define MODEL_DESCRIBE(Type, Members)
#include "model_defs.inc"
#undef MODEL_DESCRIBE
#undef MODEL_NS

#define MODEL_NS described_models
#define MODEL_DESCRIBE(Type, Members) BOOST_DESCRIBE_STRUCT(Type, (), Members)
#include "model_defs.inc"
#undef MODEL_DESCRIBE
#undef MODEL_NS

#endif  // DRIFTLESS_TEST_MODELS_HPP
