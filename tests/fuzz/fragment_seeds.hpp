// The inputs of the fragment corpus tests: every seed of a directory, each cut at every byte, and
// each followed by breakouts that try to end the expression and start a statement; and the corpus
// run on a server's database (doctest checks).
#ifndef DRIFTLESS_TESTS_FUZZ_FRAGMENT_SEEDS_HPP
#define DRIFTLESS_TESTS_FUZZ_FRAGMENT_SEEDS_HPP

#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <driftless/error.hpp>

#include "fragment_property.hpp"

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

/// The seeds and their breakouts (no prefixes) through check_fragment on a server's database `db`
/// that holds fz_victim with the row 42. `probe()` returns fz_victim's rows as text and how many
/// tables other than fz_victim, fz_t and driftless's own exist; `reset()` drops fz_t (and whatever
/// a failed migration left that would block the next). Every input is a doctest CHECK.
template <class Connection, class Probe, class Reset>
void check_corpus_on(const Connection& db, std::string_view engine, Probe&& probe, Reset&& reset) {
    const auto intact = [&]() -> std::string {
        try {
            const auto [rows, strays] = probe();
            if (rows != "42") return "fz_victim lost its row";
            if (strays != 0) return "a table appeared that no model names";
            return {};
        } catch (const driftless::error& e) {
            return std::string("fz_victim is gone: ") + e.what();
        }
    };
    std::size_t executions = 0;
    const auto inputs = seeds_and_variants(DRIFTLESS_FRAGMENT_CORPUS_DIR, false);
    for (const std::string& input : inputs) {
        CAPTURE(input);
        CHECK(check_fragment(db, input, intact, reset, executions) == "");
    }
    MESSAGE("fragment corpus on " << engine << ": " << inputs.size() << " inputs, " << executions << " migrations run");
    CHECK(executions > 20);
}

}  // namespace fragment_property

#endif  // DRIFTLESS_TESTS_FUZZ_FRAGMENT_SEEDS_HPP
