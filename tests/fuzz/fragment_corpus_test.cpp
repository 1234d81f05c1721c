// The fragment property (fragment_property.hpp) over every seed of fragments/ and variants of
// each: the seed cut at every byte, and each of a set of breakouts appended. On SQLite here; the
// PostgreSQL and MySQL suites run the same seeds against their servers.
#include <doctest/doctest.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fragment_sqlite.hpp"
#include "fragment_seeds.hpp"

TEST_CASE("fragment fuzz corpus: no fragment the check accepts makes SQLite run a second statement") {
    const std::vector<std::string> inputs = fragment_property::seeds_and_variants(DRIFTLESS_FRAGMENT_CORPUS_DIR);
    REQUIRE(inputs.size() > 100);
    std::size_t executions = 0;
    for (const std::string& input : inputs) {
        CAPTURE(input);
        CHECK(fragment_property::check_sqlite(input, executions) == "");
    }
    MESSAGE("fragment corpus: " << inputs.size() << " inputs, " << executions << " migrations run on SQLite");
    CHECK(executions > 40);  // the corpus reaches the engine, not only the check
}
