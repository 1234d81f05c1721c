// driftless — from C++ field types to column types.
#ifndef DRIFTLESS_TYPES_HPP
#define DRIFTLESS_TYPES_HPP

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ratio>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/describe/enum.hpp>
#include <boost/describe/enumerators.hpp>

namespace driftless {

/// The logical kind of a column, independent of dialect.
enum class type_kind : std::uint8_t {
    none,         ///< not a column type (unsupported C++ type)
    boolean,
    integer,      ///< bits 8/16/32/64, signed or unsigned
    real,         ///< bits 32 or 64
    decimal,      ///< precision, scale
    text,         ///< length 0 = unbounded
    blob,
    timestamp,    ///< a UTC instant (local: a wall-clock time); precision = fractional digits (0, 3 or 6)
    date,
    enumeration,  ///< stored as text, restricted by a CHECK to enum_values
    custom,       ///< spelled by the user per dialect
};

/// A column type as a literal value: what descriptors carry and tests static_assert on.
struct type_def {
    type_kind kind = type_kind::none;
    std::uint8_t bits = 0;
    bool is_unsigned = false;
    std::uint32_t length = 0;
    std::uint8_t precision = 0;
    std::uint8_t scale = 0;
    /// timestamp: a wall-clock date and time without a zone (PostgreSQL `timestamp without time
    /// zone`) rather than an instant (`timestamp with time zone`); one type on SQLite and MySQL.
    bool local = false;
    std::span<const std::string_view> enum_values{};
    std::string_view sqlite{};      ///< custom: the type as written on SQLite
    std::string_view postgresql{};  ///< custom: the type as written on PostgreSQL
    std::string_view mysql{};       ///< custom: the type as written on MySQL / MariaDB

    friend constexpr bool operator==(const type_def& a, const type_def& b) {
        if (a.kind != b.kind || a.bits != b.bits || a.is_unsigned != b.is_unsigned || a.length != b.length ||
            a.precision != b.precision || a.scale != b.scale || a.local != b.local || a.sqlite != b.sqlite ||
            a.postgresql != b.postgresql || a.mysql != b.mysql || a.enum_values.size() != b.enum_values.size())
            return false;
        for (std::size_t i = 0; i < a.enum_values.size(); ++i) {
            if (a.enum_values[i] != b.enum_values[i]) return false;
        }
        return true;
    }
};

/// Constructors for column types, for customize::column_type and table<T>().sql_type().
namespace types {
constexpr type_def boolean() { return {.kind = type_kind::boolean}; }
constexpr type_def integer(std::uint8_t bits = 64, bool is_unsigned = false) {
    return {.kind = type_kind::integer, .bits = bits, .is_unsigned = is_unsigned};
}
constexpr type_def real(std::uint8_t bits = 64) { return {.kind = type_kind::real, .bits = bits}; }
constexpr type_def decimal(std::uint8_t precision, std::uint8_t scale = 0) {
    return {.kind = type_kind::decimal, .precision = precision, .scale = scale};
}
constexpr type_def text(std::uint32_t length = 0) { return {.kind = type_kind::text, .length = length}; }
constexpr type_def blob() { return {.kind = type_kind::blob}; }
constexpr type_def timestamp(std::uint8_t fractional_digits = 0) {
    return {.kind = type_kind::timestamp, .precision = fractional_digits};
}
/// A date and time of day without a zone: PostgreSQL `TIMESTAMP(n) WITHOUT TIME ZONE`, MySQL
/// `DATETIME(n)`, SQLite `TIMESTAMP`. The type of std::chrono::local_time fields.
constexpr type_def local_timestamp(std::uint8_t fractional_digits = 0) {
    return {.kind = type_kind::timestamp, .precision = fractional_digits, .local = true};
}
constexpr type_def date() { return {.kind = type_kind::date}; }
/// A type spelled by hand; one spelling for every dialect.
constexpr type_def custom(std::string_view all) {
    return {.kind = type_kind::custom, .sqlite = all, .postgresql = all, .mysql = all};
}
/// A type spelled by hand per dialect.
constexpr type_def custom(std::string_view sqlite, std::string_view postgresql, std::string_view mysql) {
    return {.kind = type_kind::custom, .sqlite = sqlite, .postgresql = postgresql, .mysql = mysql};
}
}  // namespace types

namespace customize {
/// Specialise for a user type to make it usable as a field:
///   template <> inline constexpr driftless::type_def driftless::customize::column_type<Money> =
///       driftless::types::decimal(18, 4);
template <class T>
inline constexpr type_def column_type{};
}  // namespace customize

namespace detail {

template <class T>
struct optional_traits {
    using value_type = T;
    static constexpr bool nullable = false;
};
template <class T>
struct optional_traits<std::optional<T>> {
    using value_type = T;
    static constexpr bool nullable = true;
};

template <class T>
struct is_time_point : std::false_type {};
template <class D>
struct is_time_point<std::chrono::time_point<std::chrono::system_clock, D>> : std::true_type {};

template <class T>
struct is_local_time : std::false_type {};
template <class D>
struct is_local_time<std::chrono::time_point<std::chrono::local_t, D>> : std::true_type {};

template <class T>
inline constexpr bool is_char_like = std::is_same_v<T, char> || std::is_same_v<T, wchar_t> ||
                                     std::is_same_v<T, char8_t> || std::is_same_v<T, char16_t> ||
                                     std::is_same_v<T, char32_t>;

template <class E>
inline constexpr bool is_described_enum = std::is_enum_v<E> && boost::describe::has_describe_enumerators<E>::value;

template <template <class...> class L, class... D>
constexpr auto enum_name_array(L<D...>) {
    return std::array<std::string_view, sizeof...(D)>{std::string_view(D::name)...};
}
/// The names of a described enum, in declaration order, stored for descriptors to point at.
template <class E>
inline constexpr auto enum_names_v = enum_name_array(boost::describe::describe_enumerators<E>{});

template <class I>
constexpr type_def integer_type() {
    return types::integer(static_cast<std::uint8_t>(sizeof(I) * 8), std::is_unsigned_v<I>);
}

/// The column type of a (non-optional) field type; kind none when unsupported.
template <class F>
constexpr type_def type_of() {
    if constexpr (customize::column_type<F>.kind != type_kind::none) {
        return customize::column_type<F>;
    } else if constexpr (std::is_same_v<F, bool>) {
        return types::boolean();
    } else if constexpr (std::is_integral_v<F> && !is_char_like<F>) {
        return integer_type<F>();
    } else if constexpr (std::is_same_v<F, float>) {
        return types::real(32);
    } else if constexpr (std::is_same_v<F, double>) {
        return types::real(64);
    } else if constexpr (std::is_same_v<F, std::string>) {
        return types::text();
    } else if constexpr (std::is_same_v<F, std::vector<std::byte>> || std::is_same_v<F, std::vector<unsigned char>>) {
        return types::blob();
    } else if constexpr (is_time_point<F>::value || is_local_time<F>::value) {
        using period = typename F::duration::period;
        type_def t{};
        if constexpr (std::ratio_equal_v<period, std::chrono::days::period>) {
            return types::date();
        } else if constexpr (std::ratio_greater_equal_v<period, std::ratio<1>>) {
            t = types::timestamp(0);
        } else if constexpr (std::ratio_greater_equal_v<period, std::milli>) {
            t = types::timestamp(3);
        } else {
            t = types::timestamp(6);
        }
        t.local = is_local_time<F>::value;
        return t;
    } else if constexpr (is_described_enum<F>) {
        std::size_t longest = 1;
        for (std::string_view n : enum_names_v<F>) longest = n.size() > longest ? n.size() : longest;
        return type_def{.kind = type_kind::enumeration,
                        .length = static_cast<std::uint32_t>(longest),
                        .enum_values = std::span<const std::string_view>(enum_names_v<F>)};
    } else if constexpr (std::is_enum_v<F>) {
        return integer_type<std::underlying_type_t<F>>();
    } else {
        return type_def{};
    }
}

}  // namespace detail
}  // namespace driftless

#endif  // DRIFTLESS_TYPES_HPP
