// Files in tests: a fresh scratch directory, and whole files read and written byte for byte.
#ifndef DRIFTLESS_TESTS_SUPPORT_FILES_HPP
#define DRIFTLESS_TESTS_SUPPORT_FILES_HPP

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace test_support {

/// A fresh, empty directory `name` under the test's working directory.
inline std::filesystem::path fresh_dir(const std::string& name) {
    const std::filesystem::path dir = std::filesystem::current_path() / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

inline std::string read(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write(const std::filesystem::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
}

}  // namespace test_support

#endif  // DRIFTLESS_TESTS_SUPPORT_FILES_HPP
