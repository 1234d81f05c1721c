// libFuzzer target for driftless::detail::split_sql: every input must have the properties of
// split_property.hpp in every dialect. Built only with clang (see CMakeLists.txt); e.g.
//
//     driftless_split_fuzz -max_total_time=600 new_inputs/ tests/fuzz/corpus/
//
// writes what it finds to new_inputs/ and reads the seeds from tests/fuzz/corpus/.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "split_property.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view script(reinterpret_cast<const char*>(data), size);
    if (const std::string failure = split_property::check_split_all(script); !failure.empty()) {
        std::fprintf(stderr, "split_sql property failed: %s\n", failure.c_str());
        std::abort();
    }
    return 0;
}
