// expect: driftless: this field's type has no column type
// A field whose type driftless cannot store stops compilation with one line naming the fix.
#include <map>
#include <string>

#include <driftless/driftless.hpp>

struct Profile {
    std::int64_t id;
    std::map<std::string, int> scores;
};

int main() { return static_cast<int>(driftless::create_table_sql<Profile>(driftless::dialect::sqlite).size()); }
