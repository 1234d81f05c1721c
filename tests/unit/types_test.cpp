// C++ field types to column types, and the customize::column_type extension point.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/describe/enum.hpp>

#include <driftless/types.hpp>

namespace types_test {
enum class color { red, green };
BOOST_DESCRIBE_ENUM(color, red, green)
enum class plain_enum : std::int16_t { a, b };
struct money {
    std::int64_t cents;
};
struct not_a_column {};
}  // namespace types_test

template <>
inline constexpr driftless::type_def driftless::customize::column_type<types_test::money> =
    driftless::types::decimal(18, 2);

using driftless::type_kind;
using driftless::detail::type_of;

TEST_CASE("type_of: integers keep their width and signedness") {
    static_assert(type_of<std::int8_t>() == driftless::types::integer(8));
    static_assert(type_of<std::int16_t>() == driftless::types::integer(16));
    static_assert(type_of<std::int32_t>() == driftless::types::integer(32));
    static_assert(type_of<std::int64_t>() == driftless::types::integer(64));
    static_assert(type_of<std::uint8_t>() == driftless::types::integer(8, true));
    static_assert(type_of<std::uint16_t>() == driftless::types::integer(16, true));
    static_assert(type_of<std::uint32_t>() == driftless::types::integer(32, true));
    static_assert(type_of<std::uint64_t>() == driftless::types::integer(64, true));
    static_assert(type_of<long long>() == driftless::types::integer(64));
    CHECK(type_of<bool>().kind == type_kind::boolean);
}

TEST_CASE("type_of: reals, text, blobs") {
    static_assert(type_of<float>() == driftless::types::real(32));
    static_assert(type_of<double>() == driftless::types::real(64));
    static_assert(type_of<std::string>() == driftless::types::text());
    static_assert(type_of<std::vector<std::byte>>().kind == type_kind::blob);
    static_assert(type_of<std::vector<unsigned char>>().kind == type_kind::blob);
    CHECK(type_of<long double>().kind == type_kind::none);
}

TEST_CASE("type_of: time points by precision") {
    static_assert(type_of<std::chrono::sys_seconds>() == driftless::types::timestamp(0));
    static_assert(type_of<std::chrono::sys_days>() == driftless::types::date());
    static_assert(type_of<std::chrono::system_clock::time_point>() == driftless::types::timestamp(6));
    static_assert(type_of<std::chrono::sys_time<std::chrono::milliseconds>>() == driftless::types::timestamp(3));
    static_assert(type_of<std::chrono::sys_time<std::chrono::minutes>>() == driftless::types::timestamp(0));
    CHECK(type_of<std::chrono::steady_clock::time_point>().kind == type_kind::none);
}

TEST_CASE("type_of: enums") {
    constexpr auto c = type_of<types_test::color>();
    static_assert(c.kind == type_kind::enumeration);
    static_assert(c.enum_values.size() == 2 && c.enum_values[0] == "red" && c.enum_values[1] == "green");
    static_assert(c.length == 5);
    static_assert(type_of<types_test::plain_enum>() == driftless::types::integer(16));
    CHECK(c.enum_values[1] == "green");
}

TEST_CASE("type_of: unsupported types and customize::column_type") {
    static_assert(type_of<types_test::money>() == driftless::types::decimal(18, 2));
    static_assert(type_of<types_test::not_a_column>().kind == type_kind::none);
    static_assert(type_of<char>().kind == type_kind::none);
    static_assert(type_of<const char*>().kind == type_kind::none);
    static_assert(type_of<std::optional<std::optional<int>>>().kind == type_kind::none);
    CHECK(driftless::detail::optional_traits<std::optional<int>>::nullable);
    CHECK_FALSE(driftless::detail::optional_traits<int>::nullable);
}
