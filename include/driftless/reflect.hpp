// driftless — the reflection seam: field count, field name, field type, member pointer -> index.
// Boost.Describe when the type is described, Boost.PFR otherwise; customize::reflection<T>
// forces one engine.
#ifndef DRIFTLESS_REFLECT_HPP
#define DRIFTLESS_REFLECT_HPP

#include <cstddef>
#include <string_view>
#include <type_traits>

#include <driftless/detail/reflect_describe.hpp>
#include <driftless/detail/reflect_pfr.hpp>
#include <driftless/detail/text.hpp>

namespace driftless {

/// Which reflection engine reads a type.
enum class reflection { automatic, pfr, describe };

namespace customize {
/// Specialise to force an engine for one type (e.g. a described type that should be read as a
/// plain aggregate).
template <class T>
inline constexpr reflection reflection_engine = reflection::automatic;
}  // namespace customize

namespace detail {

struct pfr_tag {};
struct describe_tag {};

template <class T>
using default_engine = std::conditional_t<
    customize::reflection_engine<T> == reflection::describe ||
        (customize::reflection_engine<T> == reflection::automatic && describe_engine::is_described<T>),
    describe_tag, pfr_tag>;

template <class T, class Engine>
inline constexpr bool reflectable = std::is_class_v<T> && !std::is_union_v<T> &&
                                    (std::is_same_v<Engine, describe_tag> ? describe_engine::is_described<T>
                                                                          : std::is_aggregate_v<T>);

// Each seam below is a variable template with one partial specialisation per engine (no
// lambda per model and field: with hundreds of fields, each closure type is compile time).
template <class T, class Engine = default_engine<T>>
inline constexpr std::size_t field_count = pfr_engine::field_count<T>;
template <class T>
inline constexpr std::size_t field_count<T, describe_tag> = describe_engine::field_count<T>;

template <class T, std::size_t I, class Engine = default_engine<T>>
using field_type_t = typename std::conditional_t<std::is_same_v<Engine, describe_tag>,
                                                 describe_engine::field_type<T, I>,
                                                 pfr_engine::field_type<T, I>>::type;

template <class T, std::size_t I, class Engine = default_engine<T>>
inline constexpr std::string_view field_name = pfr_engine::field_name<T, I>;
template <class T, std::size_t I>
inline constexpr std::string_view field_name<T, I, describe_tag> = describe_engine::field_name<T, I>;

/// Index of the field `member` designates, or size_t(-1) when the engine does not see it.
template <class Engine, class T, class M>
constexpr std::size_t field_index(M T::*member) {
    if constexpr (std::is_same_v<Engine, describe_tag>) {
        return describe_engine::field_index<T>(member);
    } else {
        return pfr_engine::field_index<T>(member);
    }
}

// The unqualified name of T, read from the compiler's description of this function:
//   g++: "... [with T = app::OrderLine]", clang++: "... [T = app::OrderLine]".
template <class T>
consteval std::string_view pretty_type_name() noexcept {
    return {__PRETTY_FUNCTION__, sizeof(__PRETTY_FUNCTION__) - 1};  // not counted: see reflect_pfr.hpp
}

// Plain character reads, as in reflect_pfr.hpp's extract_field_name.
consteval std::string_view extract_type_name(std::string_view pretty) {
    const char* p = pretty.data();
    const std::size_t size = pretty.size();
    std::size_t begin = 0;
    while (begin + 4 <= size && !(p[begin] == 'T' && p[begin + 1] == ' ' && p[begin + 2] == '=' && p[begin + 3] == ' '))
        ++begin;
    begin += 4;
    std::size_t end = begin;
    int depth = 0;
    std::size_t last_scope = begin;
    std::size_t angle = size;  // the first '<' at depth 0 after the last "::"
    for (; end < size; ++end) {
        const char c = p[end];
        if (c == '<' || c == '(') {
            if (depth == 0 && c == '<' && angle == size) angle = end;
            ++depth;
        } else if (c == '>' || c == ')') {
            --depth;
        } else if (depth == 0 && (c == ';' || c == ']')) {
            break;
        } else if (depth == 0 && c == ':' && end + 1 < size && p[end + 1] == ':') {
            last_scope = end + 2;
            angle = size;
        }
    }
    if (angle < end) end = angle;
    return {p + last_scope, end - last_scope};
}

template <class T>
consteval auto stored_type_name() {
    constexpr std::string_view name = extract_type_name(pretty_type_name<T>());
    fixed_string<name.size()> out;
    for (char c : name) out.data[out.size++] = c;
    return out;
}

template <class T>
inline constexpr auto type_name_storage = stored_type_name<T>();

/// The unqualified name of T ("OrderLine" for app::OrderLine).
template <class T>
inline constexpr std::string_view type_name_v = type_name_storage<T>.view();

template <class T>
inline constexpr auto snake_name_storage = to_snake_case<snake_case_length(type_name_v<T>)>(type_name_v<T>);

/// snake_case of the unqualified type name: the default table name.
template <class T>
inline constexpr std::string_view default_table_name = snake_name_storage<T>.view();

}  // namespace detail
}  // namespace driftless

#endif  // DRIFTLESS_REFLECT_HPP
