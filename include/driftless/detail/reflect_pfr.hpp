// driftless — the Boost.PFR engine of the reflection seam: plain aggregates, no macros.
#ifndef DRIFTLESS_DETAIL_REFLECT_PFR_HPP
#define DRIFTLESS_DETAIL_REFLECT_PFR_HPP

#include <cstddef>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>

#include <boost/pfr/core.hpp>
#include <boost/pfr/tuple_size.hpp>

#include <driftless/config.hpp>
#include <driftless/detail/text.hpp>

#if DRIFTLESS_USE_PFR_GET_NAME
#include <boost/pfr/core_name.hpp>
#endif

namespace driftless::detail::pfr_engine {

// The field count. Boost.PFR finds it by a binary search whose first probe is an aggregate
// initialisation with sizeof(T) * CHAR_BIT / 2 arguments (about 860 for a 12-column row):
// dear to compile (with clang++ 14 it was most of the cost of reflecting a schema; g++ 12 shows
// no measurable difference). A type whose
// every field can be initialised from {} (`T{}` is valid: the common case) accepts T{x1..xk} for
// every k up to its field count and for none above, so counting up from 0 finds it in count + 1
// small probes. Other aggregates (a reference field, a field without a default constructor) are
// left to Boost.PFR's own search. Either way the count is checked by the structured binding that
// Boost.PFR writes for exactly that many fields, and a base class is refused as Boost.PFR does.
template <class T, std::size_t N>
concept initialisable_with = requires {
    boost::pfr::detail::enable_if_constructible_helper<T>(std::make_index_sequence<N>{});  // Boost.PFR's own probe
};

template <class T, std::size_t N>
consteval std::size_t count_up() noexcept {
    if constexpr (initialisable_with<T, N + 1>) {
        return count_up<T, N + 1>();
    } else {
        return N;
    }
}

template <class T>
consteval std::size_t count_fields() noexcept {
    if constexpr (std::is_aggregate_v<T> && !std::is_union_v<T> && !std::is_empty_v<T> && requires { T{}; }) {
        constexpr std::size_t n = count_up<T, 0>();
        boost::pfr::detail::assert_first_not_base<T>(std::make_index_sequence<n>{});
        return n;
    } else {
        return boost::pfr::tuple_size_v<T>;
    }
}

template <class T>
inline constexpr std::size_t field_count = count_fields<T>();

/// The fields of `value` as Boost.PFR's tuple of references, without its count search.
template <class T>
constexpr auto tie(T& value) noexcept {
    return boost::pfr::detail::tie_as_tuple(value, boost::pfr::detail::size_t_<field_count<std::remove_cv_t<T>>>{});
}

template <class T, std::size_t I>
struct field_type {
    using type = std::remove_reference_t<decltype(boost::pfr::detail::sequence_tuple::get<I>(tie(std::declval<T&>())))>;
};

// An object that is declared and never defined: only its address and the addresses of its
// members are used, inside constant evaluation, so no T is ever constructed.
template <class T>
struct wrapper {
    const T value;
};
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wundefined-var-template"
#pragma clang diagnostic ignored "-Wundefined-internal"  // models in an anonymous namespace
#endif
template <class T>
extern const wrapper<T> fake_object;

/// Index of the field a member pointer designates: compares addresses inside the fake object,
/// over one tuple of references to its fields.
template <class T, class M>
constexpr std::size_t field_index(M T::*member) noexcept {
    const void* target = std::addressof(fake_object<T>.value.*member);
    const auto fields = tie(fake_object<T>.value);
    std::size_t found = static_cast<std::size_t>(-1);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        static_cast<void>(
            ((std::addressof(boost::pfr::detail::sequence_tuple::get<I>(fields)) == target ? (found = I, true) : false) ||
             ...));
    }(std::make_index_sequence<field_count<T>>{});
    return found;
}

#if DRIFTLESS_USE_PFR_GET_NAME

template <class T, std::size_t I>
inline constexpr std::string_view field_name = boost::pfr::get_name<I, T>();

#else

// The compiler spells a pointer to the field inside its description of this function, e.g.
//   g++:     [with auto P = pointer_box<const long int*>{(& fake_object<User>.wrapper<User>::value.User::id)}]
//   clang++: [P = {&fake_object.value.id}]
// The field name is the identifier just before the last '}'. The pointer is boxed because
// clang 14 does not print a bare pointer-to-subobject template argument usefully.
template <class P>
struct pointer_box {
    P pointer;
};
template <class P>
pointer_box(P) -> pointer_box<P>;

template <auto Box>
consteval std::string_view pretty_name_of() noexcept {
    return __PRETTY_FUNCTION__;
}

consteval std::string_view extract_field_name(std::string_view pretty) {
    std::size_t end = pretty.rfind('}');
    while (end != 0 && (pretty[end - 1] == ')' || pretty[end - 1] == ' ')) --end;
    std::size_t begin = end;
    while (begin != 0 && is_ident_char(pretty[begin - 1])) --begin;
    return pretty.substr(begin, end - begin);
}

template <class T, std::size_t I>
consteval auto stored_field_name() {
    constexpr std::string_view name = extract_field_name(pretty_name_of<pointer_box{
        std::addressof(boost::pfr::detail::sequence_tuple::get<I>(tie(fake_object<T>.value)))}>());
    fixed_string<name.size()> out;
    for (char c : name) out.data[out.size++] = c;
    return out;
}

template <class T, std::size_t I>
inline constexpr auto field_name_storage = stored_field_name<T, I>();

template <class T, std::size_t I>
inline constexpr std::string_view field_name = field_name_storage<T, I>.view();

#endif

#if defined(__clang__)
#pragma clang diagnostic pop
#endif

}  // namespace driftless::detail::pfr_engine

#endif  // DRIFTLESS_DETAIL_REFLECT_PFR_HPP
