// expect: driftless: this default_value does not fit the field's type
#include <driftless/driftless.hpp>

struct Item {
    std::int64_t id;
    std::string name;
};
template <>
inline constexpr auto driftless::customize::table<Item> = driftless::table<Item>().default_value(&Item::name, 5);

int main() { return static_cast<int>(driftless::create_table_sql<Item>(driftless::dialect::sqlite).size()); }
