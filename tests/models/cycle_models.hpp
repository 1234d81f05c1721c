// Two models whose foreign keys form a cycle once shop's key to employee is added at run time (a
// spec cannot name a model specialised after it): shop.manager_id -> employee, employee.shop_id ->
// shop. Shared by the server adoption tests.
#ifndef DRIFTLESS_TEST_CYCLE_MODELS_HPP
#define DRIFTLESS_TEST_CYCLE_MODELS_HPP

#include <cstdint>
#include <optional>
#include <string>

#include <driftless/driftless.hpp>

namespace cycle {
struct Shop {
    std::int64_t id;
    std::string name;
    std::optional<std::int64_t> manager_id;
};
struct Employee {
    std::int64_t id;
    std::int64_t shop_id;
};

/// shop and employee with the cycle closed.
inline driftless::schema schema() {
    driftless::schema s = driftless::to_schema<Shop, Employee>();
    s.tables[0].foreign_keys.push_back({"shop_manager_id_fkey", {"manager_id"}, "employee", {"id"}});
    return s;
}
}  // namespace cycle

template <> inline constexpr auto driftless::customize::table<cycle::Shop> = driftless::table<cycle::Shop>("shop");
template <>
inline constexpr auto driftless::customize::table<cycle::Employee> =
    driftless::table<cycle::Employee>("employee").foreign_key(&cycle::Employee::shop_id, &cycle::Shop::id);

#endif  // DRIFTLESS_TEST_CYCLE_MODELS_HPP
