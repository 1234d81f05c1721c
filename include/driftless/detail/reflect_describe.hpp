// driftless — the Boost.Describe engine of the reflection seam: types described with
// BOOST_DESCRIBE_STRUCT or BOOST_DESCRIBE_CLASS (private and inherited members included).
#ifndef DRIFTLESS_DETAIL_REFLECT_DESCRIBE_HPP
#define DRIFTLESS_DETAIL_REFLECT_DESCRIBE_HPP

#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

#include <boost/describe/members.hpp>
#include <boost/describe/modifiers.hpp>
#include <boost/mp11/algorithm.hpp>

namespace driftless::detail::describe_engine {

template <class T>
inline constexpr bool is_described = boost::describe::has_describe_members<T>::value;

template <class T>
using members = boost::describe::describe_members<
    T, boost::describe::mod_public | boost::describe::mod_protected | boost::describe::mod_private |
           boost::describe::mod_inherited>;

template <class T>
inline constexpr std::size_t field_count = boost::mp11::mp_size<members<T>>::value;

template <class P>
struct member_pointer_traits;
template <class M, class C>
struct member_pointer_traits<M C::*> {
    using member = M;
    using owner = C;
};

template <class T, std::size_t I>
using descriptor = boost::mp11::mp_at_c<members<T>, I>;

template <class T, std::size_t I>
struct field_type {
    using type = typename member_pointer_traits<std::remove_cv_t<decltype(descriptor<T, I>::pointer)>>::member;
};

template <class T, std::size_t I>
inline constexpr std::string_view field_name = descriptor<T, I>::name;

/// Index of the field a member pointer designates (inherited members compare as T's).
template <class T, class M>
constexpr std::size_t field_index(M T::*member) noexcept {
    std::size_t found = static_cast<std::size_t>(-1);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (([&] {
             using P = std::remove_cv_t<decltype(descriptor<T, I>::pointer)>;
             if constexpr (std::is_same_v<typename member_pointer_traits<P>::member, M>) {
                 if (found == static_cast<std::size_t>(-1) && static_cast<M T::*>(descriptor<T, I>::pointer) == member)
                     found = I;
             }
         }()),
         ...);
    }(std::make_index_sequence<field_count<T>>{});
    return found;
}

}  // namespace driftless::detail::describe_engine

#endif  // DRIFTLESS_DETAIL_REFLECT_DESCRIBE_HPP
