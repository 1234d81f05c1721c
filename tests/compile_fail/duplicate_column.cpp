// expect: driftless: two fields map to the same column name
#include <driftless/driftless.hpp>

struct Item {
    std::int64_t id;
    std::string name;
    std::string title;
};
template <>
inline constexpr auto driftless::customize::table<Item> =
    driftless::table<Item>("items").column_name(&Item::title, "name");

int main() { return static_cast<int>(driftless::create_table_sql<Item>(driftless::dialect::sqlite).size()); }
