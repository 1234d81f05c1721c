// Building runtime schema values by hand in tests.
#ifndef DRIFTLESS_TEST_COLUMNS_HPP
#define DRIFTLESS_TEST_COLUMNS_HPP

#include <string>
#include <utility>

#include <driftless/schema.hpp>

namespace test_support {

inline driftless::column_info column(std::string name, driftless::type_def type, bool nullable = false) {
    driftless::column_info c;
    c.name = std::move(name);
    c.type = driftless::to_column_type(type);
    c.nullable = nullable;
    return c;
}

}  // namespace test_support

#endif  // DRIFTLESS_TEST_COLUMNS_HPP
