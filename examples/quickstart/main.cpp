// driftless quickstart: plain structs become tables, and the database follows the structs as
// they change. Version 1 of the model is migrated into a fresh SQLite file; version 2 renames a
// column (by hint), adds one, adds an index and widens a type on a table that holds rows.
#include <chrono>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include <driftless/sqlite.hpp>

namespace v1 {
struct User {  // a plain aggregate: no macros, no base class
    std::int64_t id;
    std::string email;
    std::optional<std::string> full_name;  // optional => NULL allowed; everything else NOT NULL
    std::chrono::sys_seconds created_at;
};
}  // namespace v1

namespace v2 {
struct User {
    std::int64_t id;
    std::string email;
    std::optional<std::string> name;  // was full_name
    std::int32_t karma;               // new
    std::chrono::sys_seconds created_at;
};
}  // namespace v2

struct Post {
    std::int64_t id;
    std::int64_t author_id;
    std::string title;
};

// What a struct itself cannot say, declared beside it, never inside it.
template <>
inline constexpr auto driftless::customize::table<v1::User> =
    driftless::table<v1::User>("users")
        .primary_key(&v1::User::id)
        .unique(&v1::User::email)
        .default_value(&v1::User::created_at, driftless::current_timestamp);

template <>
inline constexpr auto driftless::customize::table<v2::User> =
    driftless::table<v2::User>("users")
        .primary_key(&v2::User::id)
        .unique(&v2::User::email)
        .length(&v2::User::email, 320)
        .default_value(&v2::User::karma, 0)
        .default_value(&v2::User::created_at, driftless::current_timestamp)
        .index("users_by_name", &v2::User::name)
        .renamed(&v2::User::name, "full_name");  // was called full_name before

template <>
inline constexpr auto driftless::customize::table<Post> =
    driftless::table<Post>("posts")
        .auto_increment(&Post::id)
        .foreign_key(&Post::author_id, &v1::User::id, {.on_delete = driftless::fk_action::cascade});

// The descriptor is a compile-time value: unit tests can static_assert on it.
static_assert(driftless::table_v<v2::User>.columns[1].name == "email");

int main() {
    try {
        std::cout << "-- PostgreSQL DDL of version 2, for comparison:\n"
                  << driftless::create_table_sql<v2::User>(driftless::dialect::postgresql) << "\n";

        std::filesystem::remove("quickstart.db");
        auto db = driftless::sqlite::open("quickstart.db");
        db.execute("PRAGMA foreign_keys = ON");

        driftless::migrate<v1::User, Post>(db, {.description = "create users and posts"});
        db.execute("INSERT INTO users (id, email, full_name) VALUES (1, 'ada@example.org', 'Ada')");
        db.execute("INSERT INTO posts (author_id, title) VALUES (1, 'Hello')");

        const auto preview = driftless::plan<v2::User, Post>(db);
        std::cout << "-- plan for version 2:\n" << driftless::describe(preview.plan) << "-- SQL:\n"
                  << driftless::join_statements(preview.statements) << "\n";

        const auto result = driftless::migrate<v2::User, Post>(db, {.description = "users v2"});
        std::cout << "-- applied version " << result.version << "; again: "
                  << (driftless::migrate<v2::User, Post>(db).applied ? "applied" : "nothing to do") << "\n\n";

        std::cout << "-- migration_status:\n";
        for (const auto& m : driftless::migration_status(db)) {
            std::cout << m.version << "  " << m.applied_at << "  " << m.kind << "  " << m.checksum.substr(0, 12) << "  "
                      << m.description << (m.rolled_back() ? "  (rolled back)" : "") << "\n";
        }
    } catch (const std::exception& e) {
        std::cerr << "quickstart: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
