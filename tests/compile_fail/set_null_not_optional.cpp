// expect: driftless: SET NULL on a foreign key whose column is not std::optional
#include <driftless/driftless.hpp>

struct Team {
    std::int64_t id;
};
struct Player {
    std::int64_t id;
    std::int64_t team_id;  // not optional, yet ON DELETE SET NULL
};
template <>
inline constexpr auto driftless::customize::table<Player> =
    driftless::table<Player>("players").foreign_key(&Player::team_id, &Team::id, {.on_delete = driftless::fk_action::set_null});

int main() { return static_cast<int>(driftless::create_table_sql<Player>(driftless::dialect::postgresql).size()); }
