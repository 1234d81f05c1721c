// The application's models, shared by the application and its migration tool.
#ifndef EXAMPLES_CLI_MODELS_HPP
#define EXAMPLES_CLI_MODELS_HPP

#include <cstdint>
#include <optional>
#include <string>

#include <driftless/driftless.hpp>

namespace app {
struct User {
    std::int64_t id;
    std::string email;
    std::optional<std::string> name;
};
struct Post {
    std::int64_t id;
    std::int64_t author_id;
    std::string title;
};
}  // namespace app

template <>
inline constexpr auto driftless::customize::table<app::User> =
    driftless::table<app::User>("users").primary_key(&app::User::id).unique(&app::User::email);

template <>
inline constexpr auto driftless::customize::table<app::Post> =
    driftless::table<app::Post>("posts")
        .primary_key(&app::Post::id)
        .foreign_key(&app::Post::author_id, &app::User::id)
        .index("posts_by_author", &app::Post::author_id);

#endif  // EXAMPLES_CLI_MODELS_HPP
