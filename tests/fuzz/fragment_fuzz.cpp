// libFuzzer target: model fragments through the compile-time check's run-time twin and, when it
// accepts them, through a real SQLite migration (fragment_sqlite.hpp). Built only with clang; e.g.
//
//     driftless_fragment_fuzz -max_total_time=600 new_inputs/ tests/fuzz/fragments/
//
// At exit it prints how many inputs reached the engine.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fragment_sqlite.hpp"

namespace {
std::size_t executions = 0;
std::size_t inputs = 0;
struct report {
    ~report() { std::fprintf(stderr, "fragment fuzz: %zu inputs, %zu migrations run\n", inputs, executions); }
} at_exit;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ++inputs;
    const std::string fragment(reinterpret_cast<const char*>(data), size);
    if (const std::string failure = fragment_property::check_sqlite(fragment, executions); !failure.empty()) {
        std::fprintf(stderr, "fragment property failed: %s\n", failure.c_str());
        std::abort();
    }
    return 0;
}
