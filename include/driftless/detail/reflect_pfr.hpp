// driftless — the Boost.PFR engine of the reflection seam: plain aggregates, no macros.
#ifndef DRIFTLESS_DETAIL_REFLECT_PFR_HPP
#define DRIFTLESS_DETAIL_REFLECT_PFR_HPP

#include <array>
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
// members are used, inside constant evaluation, so no T is ever constructed. It is not const, so
// that its tuple of references is the same type as the one field_type reads (one instantiation
// of Boost.PFR's tie per model, not two).
template <class T>
struct wrapper {
    T value;
};
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wundefined-var-template"
#pragma clang diagnostic ignored "-Wundefined-internal"  // models in an anonymous namespace
#endif
template <class T>
extern wrapper<T> fake_object;

// What refers to the fake object lives in functions evaluated at compile time, never in a
// variable: a variable is emitted into the object file when its model has internal linkage (a
// struct in an anonymous namespace) and the build does not optimise, and would then need the
// fake object to exist. g++ evaluates each of these argument-less calls once per model and
// remembers the result, so they cost what a variable would.

/// The fake object's fields as Boost.PFR's tuple of references.
template <class T>
consteval auto field_refs() {
    return tie(fake_object<T>.value);
}

template <class T, std::size_t... I>
consteval std::array<const void*, sizeof...(I)> addresses_of(std::index_sequence<I...>) {
    const auto fields = field_refs<T>();
    return {static_cast<const void*>(std::addressof(boost::pfr::detail::sequence_tuple::get<I>(fields)))...};
}

/// The address of each field inside the fake object.
template <class T>
consteval std::array<const void*, field_count<T>> field_addresses() {
    return addresses_of<T>(std::make_index_sequence<field_count<T>>{});
}

/// Index of the field a member pointer designates: its address inside the fake object, looked
/// up among the model's field addresses.
template <class T, class M>
constexpr std::size_t field_index(M T::*member) noexcept {
    const void* target = std::addressof(fake_object<T>.value.*member);
    const std::array<const void*, field_count<T>> addresses = field_addresses<T>();
    for (std::size_t i = 0; i < addresses.size(); ++i) {
        if (addresses[i] == target) return i;
    }
    return static_cast<std::size_t>(-1);
}

#if DRIFTLESS_USE_PFR_GET_NAME

template <class T, std::size_t I>
inline constexpr std::string_view field_name = boost::pfr::get_name<I, T>();

#else

// The compiler spells a pointer to the field inside its description of this function, e.g.
//   g++:     [with auto P = pointer_box<long int*>{(& fake_object<User>.wrapper<User>::value.User::id)}]
//   clang++: [P = {&fake_object.value.id}]
// The field name is the identifier just before the last '}'. The pointer is boxed because
// clang 14 does not print a bare pointer-to-subobject template argument usefully.
template <class P>
struct pointer_box {
    P pointer;
};
template <class P>
pointer_box(P) -> pointer_box<P>;

// The length is taken from the array, not counted: counting it character by character in
// constant evaluation was a large part of g++'s time and memory for a schema of many fields.
template <auto Box>
consteval std::string_view pretty_name_of() noexcept {
    return {__PRETTY_FUNCTION__, sizeof(__PRETTY_FUNCTION__) - 1};
}

// Plain character reads, no string_view member calls: g++ remembers every constant-evaluated
// call with its arguments, and one call per character read of a few thousand names adds up.
consteval std::string_view extract_field_name(std::string_view pretty) {
    const char* p = pretty.data();
    std::size_t end = pretty.size();
    while (end != 0 && p[end - 1] != '}') --end;
    if (end != 0) --end;
    while (end != 0 && (p[end - 1] == ')' || p[end - 1] == ' ')) --end;
    std::size_t begin = end;
    while (begin != 0) {
        const char c = p[begin - 1];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) break;
        --begin;
    }
    return {p + begin, end - begin};
}

template <class T, std::size_t I>
consteval std::string_view raw_field_name() {
    return extract_field_name(pretty_name_of<pointer_box{
        std::addressof(boost::pfr::detail::sequence_tuple::get<I>(field_refs<T>()))}>());
}

/// Every field name of a model in one buffer: one object per model, not one per field.
template <std::size_t Bytes, std::size_t N>
struct name_table {
    char data[Bytes + 1]{};
    std::size_t begin[N + 1]{};

    [[nodiscard]] constexpr std::string_view operator[](std::size_t i) const {
        return {data + begin[i], begin[i + 1] - begin[i]};
    }
};

template <class T, std::size_t... I>
consteval auto make_name_table(std::index_sequence<I...>) {
    constexpr std::string_view names[] = {raw_field_name<T, I>()..., std::string_view{}};
    name_table<(names[I].size() + ... + 0), sizeof...(I)> out;
    std::size_t at = 0;
    for (std::size_t k = 0; k < sizeof...(I); ++k) {
        out.begin[k] = at;
        const char* from = names[k].data();
        for (std::size_t j = 0, n = names[k].size(); j < n; ++j) out.data[at++] = from[j];
    }
    out.begin[sizeof...(I)] = at;
    return out;
}

template <class T>
inline constexpr auto field_name_table = make_name_table<T>(std::make_index_sequence<field_count<T>>{});

template <class T, std::size_t I>
inline constexpr std::string_view field_name = field_name_table<T>[I];

#endif

#if defined(__clang__)
#pragma clang diagnostic pop
#endif

}  // namespace driftless::detail::pfr_engine

#endif  // DRIFTLESS_DETAIL_REFLECT_PFR_HPP
