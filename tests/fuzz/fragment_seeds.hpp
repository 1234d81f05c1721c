// The inputs of the fragment corpus tests: every seed of a directory, each cut at every byte, and
// each followed by breakouts that try to end the expression and start a statement.
#ifndef DRIFTLESS_TESTS_FUZZ_FRAGMENT_SEEDS_HPP
#define DRIFTLESS_TESTS_FUZZ_FRAGMENT_SEEDS_HPP

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

namespace fragment_property {

/// `cuts`: also every prefix of each seed (many inputs; for the in-memory SQLite run).
inline std::vector<std::string> seeds_and_variants(const std::filesystem::path& dir, bool cuts = true) {
    static const char* const breakouts[] = {
        ")); DROP TABLE fz_victim; --", "'); DROP TABLE fz_victim; --", "\"); DROP TABLE fz_victim; --",
        "]); DROP TABLE fz_victim; --", "`); DROP TABLE fz_victim; --",  "\\'); DROP TABLE fz_victim; --",
        ") , CHECK (0",                  "$$); DROP TABLE fz_victim; --", " /* ); DROP TABLE fz_victim; */",
    };
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::set<std::string> out;
    for (const auto& path : files) {
        std::ifstream in(path, std::ios::binary);
        const std::string seed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        out.insert(seed);
        for (std::size_t cut = 1; cuts && cut < seed.size(); ++cut) out.insert(seed.substr(0, cut));
        for (const char* b : breakouts) out.insert(seed + b);
    }
    return {out.begin(), out.end()};
}

}  // namespace fragment_property

#endif  // DRIFTLESS_TESTS_FUZZ_FRAGMENT_SEEDS_HPP
