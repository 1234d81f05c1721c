// driftless quickstart: plain structs become tables. The spec beside a struct says what the
// struct cannot (keys, indexes, defaults); driftless renders the DDL for each dialect and
// creates the tables in a SQLite database.
#include <chrono>
#include <cstdint>
#include <exception>
#include <iostream>
#include <optional>
#include <string>

#include <driftless/sqlite.hpp>

struct User {  // a plain aggregate: no macros, no base class
    std::int64_t id;
    std::string email;
    std::optional<std::string> name;  // optional => NULL allowed; everything else NOT NULL
    std::int32_t karma;
    std::chrono::sys_seconds created_at;
};

struct Post {
    std::int64_t id;
    std::int64_t author_id;
    std::string title;
    std::optional<std::chrono::sys_seconds> published_at;
};

// What the struct itself cannot say, declared beside it, never inside it.
template <>
inline constexpr auto driftless::customize::table<User> =
    driftless::table<User>("users")
        .primary_key(&User::id)
        .unique(&User::email)
        .default_value(&User::karma, 0)
        .default_value(&User::created_at, driftless::current_timestamp)
        .index("users_by_name", &User::name);

template <>
inline constexpr auto driftless::customize::table<Post> =
    driftless::table<Post>("posts")
        .auto_increment(&Post::id)
        .foreign_key(&Post::author_id, &User::id, {.on_delete = driftless::fk_action::cascade})
        .index("posts_published", {.where = "published_at IS NOT NULL"}, &Post::published_at);

// The descriptor is a compile-time value: unit tests can static_assert on it.
static_assert(driftless::table_v<User>.columns[1].name == "email");
static_assert(driftless::table_v<Post>.foreign_keys.size() == 1);

int main() {
    try {
        for (auto d : {driftless::dialect::sqlite, driftless::dialect::postgresql, driftless::dialect::mysql}) {
            std::cout << "-- " << driftless::to_string(d) << "\n"
                      << driftless::create_table_sql<User>(d) << driftless::create_table_sql<Post>(d) << "\n";
        }

        auto db = driftless::sqlite::open("quickstart.db");
        db.execute("PRAGMA foreign_keys = ON");
        db.execute("DROP TABLE IF EXISTS posts; DROP TABLE IF EXISTS users;");
        db.execute(driftless::create_table_sql<User>(driftless::dialect::sqlite));
        db.execute(driftless::create_table_sql<Post>(driftless::dialect::sqlite));
        db.execute("INSERT INTO users (id, email) VALUES (1, 'ada@example.org')");
        db.execute("INSERT INTO posts (author_id, title) VALUES (1, 'Hello')");
        std::cout << "created users and posts in quickstart.db\n";
    } catch (const std::exception& e) {
        std::cerr << "quickstart: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
