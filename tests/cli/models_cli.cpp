// A migration tool built from test models, in three versions (DRIFTLESS_TEST_MODELS = 1, 2, 3):
// 1 creates users; 2 adds karma and an index; 3 changes email's type (lossy on text emails).
#include <cstdint>
#include <string>

#include <driftless/cli.hpp>

namespace cli_test {
struct User {
    std::int64_t id;
#if DRIFTLESS_TEST_MODELS == 3
    std::int64_t email;
#else
    std::string email;
#endif
#if DRIFTLESS_TEST_MODELS >= 2
    std::int32_t karma;
#endif
};
}  // namespace cli_test

#if DRIFTLESS_TEST_MODELS >= 2
template <>
inline constexpr auto driftless::customize::table<cli_test::User> =
    driftless::table<cli_test::User>("users").default_value(&cli_test::User::karma, 0).index("users_by_email", &cli_test::User::email);
#else
template <>
inline constexpr auto driftless::customize::table<cli_test::User> = driftless::table<cli_test::User>("users");
#endif

int main(int argc, char** argv) { return driftless::cli::main<cli_test::User>(argc, argv); }
