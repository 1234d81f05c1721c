// The reflection seam: field count, names, types and member pointers through Boost.PFR and
// Boost.Describe, and default table names.
#include <doctest/doctest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/describe/class.hpp>
#include <boost/pfr/core.hpp>
#include <boost/pfr/tuple_size.hpp>

#include <driftless/reflect.hpp>
#include <driftless/table.hpp>

#include "../models/models.hpp"

namespace reflect_test {

struct Plain {
    int alpha;
    std::string beta_gamma;
    double _under;
    bool CamelCase;
};

class Hidden {
public:
    Hidden() = default;
    int visible = 0;

private:
    std::string secret_;
    BOOST_DESCRIBE_CLASS(Hidden, (), (visible), (), (secret_))
};

struct Base {
    std::int64_t id;
};
BOOST_DESCRIBE_STRUCT(Base, (), (id))
struct Derived : Base {
    std::string label;
};
BOOST_DESCRIBE_STRUCT(Derived, (Base), (label))

struct OrderLine {};
struct HTTPRequest {};
struct user2Role {};
namespace {
struct InAnonymous {
    std::int64_t id;
    std::string label;
};
}  // namespace
template <class T>
struct Box {};

struct Forced {
    int x;
    int y;
};
BOOST_DESCRIBE_STRUCT(Forced, (), (y, x))  // described in another order than declared

}  // namespace reflect_test

template <>
inline constexpr driftless::reflection driftless::customize::reflection_engine<reflect_test::Forced> =
    driftless::reflection::pfr;

namespace rt = reflect_test;
namespace dd = driftless::detail;

TEST_CASE("reflect: PFR reads field names of a plain aggregate at compile time") {
    static_assert(std::is_same_v<dd::default_engine<rt::Plain>, dd::pfr_tag>);
    static_assert(dd::field_count<rt::Plain> == 4);
    static_assert(dd::field_name<rt::Plain, 0> == "alpha");
    static_assert(dd::field_name<rt::Plain, 1> == "beta_gamma");
    static_assert(dd::field_name<rt::Plain, 2> == "_under");
    static_assert(dd::field_name<rt::Plain, 3> == "CamelCase");
    static_assert(std::is_same_v<dd::field_type_t<rt::Plain, 1>, std::string>);
    static_assert(dd::field_index<dd::pfr_tag>(&rt::Plain::_under) == 2);
    static_assert(dd::field_index<dd::pfr_tag>(&rt::Plain::alpha) == 0);
    CHECK(std::string(dd::field_name<rt::Plain, 3>) == "CamelCase");
}

namespace count_cases {
struct NoDefault {
    explicit NoDefault(int v) : value(v) {}
    int value;
};
struct Inner {
    int a;
    int b;
};
struct Awkward {  // every field default-initialisable: counted upwards
    const int fixed = 3;
    std::optional<std::string> maybe;
    std::unique_ptr<int> owned;
    Inner nested;
    std::array<int, 3> three;
    std::vector<std::byte> bytes;
};
struct WithReference {  // not T{}: Boost.PFR's own search
    int& ref;
    double d;
};
struct WithNoDefault {  // not T{}: Boost.PFR's own search
    std::string s;
    NoDefault n;
};
struct One {
    std::int64_t id;
};
template <class T, std::size_t... I>
constexpr bool same_types_as_pfr(std::index_sequence<I...> /*fields*/) {
    return (std::is_same_v<dd::field_type_t<T, I>, boost::pfr::tuple_element_t<I, T>> && ...);
}
template <class T>
constexpr bool same_as_pfr() {
    return dd::field_count<T> == boost::pfr::tuple_size_v<T> &&
           same_types_as_pfr<T>(std::make_index_sequence<dd::field_count<T>>{});
}
}  // namespace count_cases

TEST_CASE("reflect: the field count and field types agree with Boost.PFR's own on awkward aggregates") {
    namespace cc = count_cases;
    static_assert(dd::field_count<cc::Awkward> == 6);
    static_assert(dd::field_count<cc::WithReference> == 2);
    static_assert(dd::field_count<cc::WithNoDefault> == 2);
    static_assert(dd::field_count<cc::One> == 1);
    static_assert(cc::same_as_pfr<cc::Awkward>());
    static_assert(cc::same_as_pfr<cc::WithReference>());
    static_assert(cc::same_as_pfr<cc::WithNoDefault>());
    static_assert(cc::same_as_pfr<cc::One>());
    static_assert(cc::same_as_pfr<rt::Plain>());
    static_assert(cc::same_as_pfr<rt::InAnonymous>());
    static_assert(std::is_same_v<dd::field_type_t<cc::Awkward, 0>, const int>);
    static_assert(dd::field_name<cc::Awkward, 1> == "maybe");
    CHECK(dd::field_name<cc::WithNoDefault, 1> == "n");
}

TEST_CASE("reflect: Describe reads private and inherited members") {
    static_assert(std::is_same_v<dd::default_engine<rt::Hidden>, dd::describe_tag>);
    static_assert(dd::field_count<rt::Hidden> == 2);
    static_assert(dd::field_name<rt::Hidden, 0> == "visible");
    static_assert(dd::field_name<rt::Hidden, 1> == "secret_");
    static_assert(std::is_same_v<dd::field_type_t<rt::Hidden, 1>, std::string>);

    static_assert(dd::field_count<rt::Derived> == 2);
    constexpr bool has_id = dd::field_name<rt::Derived, 0> == "id" || dd::field_name<rt::Derived, 1> == "id";
    constexpr bool has_label = dd::field_name<rt::Derived, 0> == "label" || dd::field_name<rt::Derived, 1> == "label";
    static_assert(has_id && has_label);
    static_assert(driftless::table_v<rt::Derived>.primary_key.size() == 1);
    CHECK(driftless::table_v<rt::Derived>.columns[driftless::table_v<rt::Derived>.primary_key[0]].name == "id");
}

TEST_CASE("reflect: customize::reflection_engine forces an engine") {
    static_assert(std::is_same_v<dd::default_engine<rt::Forced>, dd::pfr_tag>);
    static_assert(dd::field_name<rt::Forced, 0> == "x");  // declaration order, not the described order
    static_assert(dd::field_name<rt::Forced, 0, dd::describe_tag> == "y");
}

TEST_CASE("reflect: both engines agree on every shared model") {
    auto same = []<class P, class D>() {
        constexpr auto& p = driftless::table_v<P>;
        constexpr auto& d = driftless::table_v<D>;
        static_assert(std::is_same_v<dd::default_engine<P>, dd::pfr_tag>);
        static_assert(std::is_same_v<dd::default_engine<D>, dd::describe_tag>);
        REQUIRE(p.columns.size() == d.columns.size());
        for (std::size_t i = 0; i < p.columns.size(); ++i) {
            CHECK(p.columns[i].name == d.columns[i].name);
            CHECK(p.columns[i].type == d.columns[i].type);
            CHECK(p.columns[i].flags == d.columns[i].flags);
            CHECK(p.columns[i].default_value == d.columns[i].default_value);
        }
        CHECK(p.name == d.name);
        CHECK(p.primary_key.same_set(d.primary_key));
    };
    same.operator()<pfr_models::User, described_models::User>();
    same.operator()<pfr_models::AllTypes, described_models::AllTypes>();
    same.operator()<pfr_models::Membership, described_models::Membership>();
    same.operator()<pfr_models::Setting, described_models::Setting>();
    same.operator()<pfr_models::Odd, described_models::Odd>();
}

TEST_CASE("reflect: default table name is snake_case of the unqualified type name") {
    static_assert(dd::type_name_v<rt::OrderLine> == "OrderLine");
    static_assert(dd::default_table_name<rt::OrderLine> == "order_line");
    static_assert(dd::default_table_name<rt::HTTPRequest> == "http_request");
    static_assert(dd::default_table_name<rt::user2Role> == "user2_role");
    static_assert(dd::default_table_name<rt::InAnonymous> == "in_anonymous");
    static_assert(driftless::table_v<rt::InAnonymous>.columns[1].name == "label");  // PFR on an internal type
    static_assert(dd::default_table_name<rt::Box<int>> == "box");
    static_assert(dd::default_table_name<rt::Plain> == "plain");
    static_assert(driftless::table_v<rt::Plain>.name == "plain");
    static_assert(driftless::table_v<pfr_models::OrderLine>.name == "order_line");
    CHECK(std::string(dd::default_table_name<rt::HTTPRequest>) == "http_request");
}
