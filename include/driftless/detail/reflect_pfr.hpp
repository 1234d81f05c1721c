// driftless — the Boost.PFR engine of the reflection seam: plain aggregates, no macros.
#ifndef DRIFTLESS_DETAIL_REFLECT_PFR_HPP
#define DRIFTLESS_DETAIL_REFLECT_PFR_HPP

#include <cstddef>
#include <memory>
#include <string_view>
#include <utility>

#include <boost/pfr/core.hpp>
#include <boost/pfr/tuple_size.hpp>

#include <driftless/config.hpp>
#include <driftless/detail/text.hpp>

#if DRIFTLESS_USE_PFR_GET_NAME
#include <boost/pfr/core_name.hpp>
#endif

namespace driftless::detail::pfr_engine {

template <class T>
inline constexpr std::size_t field_count = boost::pfr::tuple_size_v<T>;

template <class T, std::size_t I>
struct field_type {
    using type = boost::pfr::tuple_element_t<I, T>;
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

template <class T, std::size_t I>
constexpr const void* field_address() noexcept {
    return std::addressof(boost::pfr::detail::sequence_tuple::get<I>(
        boost::pfr::detail::tie_as_tuple(fake_object<T>.value)));
}

/// Index of the field a member pointer designates: compares addresses inside the fake object.
template <class T, class M>
constexpr std::size_t field_index(M T::*member) noexcept {
    const void* target = std::addressof(fake_object<T>.value.*member);
    std::size_t found = static_cast<std::size_t>(-1);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        static_cast<void>(((field_address<T, I>() == target ? (found = I, true) : false) || ...));
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
        std::addressof(boost::pfr::detail::sequence_tuple::get<I>(
            boost::pfr::detail::tie_as_tuple(fake_object<T>.value)))}>());
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
