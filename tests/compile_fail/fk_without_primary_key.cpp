// expect: driftless: a foreign key references a model without a primary key
#include <driftless/driftless.hpp>

struct Tag {
    std::string label;
};
struct Note {
    std::int64_t id;
    std::string tag;
};
template <>
inline constexpr auto driftless::customize::table<Note> =
    driftless::table<Note>("notes").foreign_key(&Note::tag, &Tag::label);

int main() { return static_cast<int>(driftless::create_table_sql<Note>(driftless::dialect::postgresql).size()); }
