// expect: table_type
// A class that is neither an aggregate nor described does not satisfy driftless::table_type.
#include <driftless/driftless.hpp>

class Opaque {
public:
    explicit Opaque(int v) : v_(v) {}

private:
    int v_;
};

int main() { return static_cast<int>(driftless::create_table_sql<Opaque>(driftless::dialect::sqlite).size()); }
