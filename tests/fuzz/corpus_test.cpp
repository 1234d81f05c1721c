// The fuzz target's seed corpus, run through the same properties as a plain test, so that every
// compiler (not only clang with libFuzzer) checks them and each input the fuzzer once found stays
// fixed.
#include <doctest/doctest.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "split_property.hpp"

#ifndef DRIFTLESS_SPLIT_CORPUS_DIR
#error "DRIFTLESS_SPLIT_CORPUS_DIR must name the seed corpus directory"
#endif

TEST_CASE("split_sql: fuzz corpus") {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(DRIFTLESS_SPLIT_CORPUS_DIR)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
    }
    CHECK(files.size() >= 30);
    for (const std::filesystem::path& file : files) {
        std::ifstream in(file, std::ios::binary);
        REQUIRE(in);
        const std::string script((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        INFO("corpus file ", file.filename().string());
        CHECK(split_property::check_split_all(script) == "");
    }
}
