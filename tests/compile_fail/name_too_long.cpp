// expect: driftless: a name is empty, not UTF-8, or longer than 63 bytes
#include <driftless/driftless.hpp>

struct Item {
    std::int64_t id;
};
template <>
inline constexpr auto driftless::customize::table<Item> =
    driftless::table<Item>("this_table_name_is_far_too_long_for_postgresql_which_stops_at_63");

int main() { return static_cast<int>(driftless::create_table_sql<Item>(driftless::dialect::sqlite).size()); }
