// Models of the Galera cluster tests and of the worker program they start (galera_worker.cpp):
// five versions of one table, each a step from the one before (columns, a default, an index, a
// check), beside a table that stays the same.
#ifndef DRIFTLESS_TESTS_GALERA_MODELS_HPP
#define DRIFTLESS_TESTS_GALERA_MODELS_HPP

#include <cstdint>
#include <optional>
#include <string>

#include <driftless/table.hpp>

namespace gal {
struct Tag {
    std::int64_t id;
    std::string label;
};
struct Item1 {
    std::int64_t id;
    std::string name;
};
struct Item2 {
    std::int64_t id;
    std::string name;
    std::optional<std::int64_t> qty;
};
struct Item3 {
    std::int64_t id;
    std::string name;
    std::optional<std::int64_t> qty;
    std::optional<std::string> note;
};
struct Item4 {
    std::int64_t id;
    std::string name;
    std::optional<std::int64_t> qty;
    std::optional<std::string> note;
    std::int64_t price;
};
struct Item5 {
    std::int64_t id;
    std::string name;
    std::optional<std::int64_t> qty;
    std::optional<std::string> note;
    std::int64_t price;
};
}  // namespace gal

template <> inline constexpr auto driftless::customize::table<gal::Tag> = driftless::table<gal::Tag>("tags");
template <> inline constexpr auto driftless::customize::table<gal::Item1> = driftless::table<gal::Item1>("items");
template <> inline constexpr auto driftless::customize::table<gal::Item2> = driftless::table<gal::Item2>("items");
template <> inline constexpr auto driftless::customize::table<gal::Item3> = driftless::table<gal::Item3>("items");
template <>
inline constexpr auto driftless::customize::table<gal::Item4> =
    driftless::table<gal::Item4>("items").default_value(&gal::Item4::price, 0);
template <>
inline constexpr auto driftless::customize::table<gal::Item5> = driftless::table<gal::Item5>("items")
                                                                    .default_value(&gal::Item5::price, 0)
                                                                    .index("items_by_name", &gal::Item5::name)
                                                                    .check("price >= 0");

namespace gal {

/// Migrate `db` to version `v` (1..5) of the models.
template <class Connection>
driftless::migrate_result migrate_to(const Connection& db, int v, const driftless::migrate_options& options = {}) {
    switch (v) {
        case 1: return driftless::migrate<Item1, Tag>(db, options);
        case 2: return driftless::migrate<Item2, Tag>(db, options);
        case 3: return driftless::migrate<Item3, Tag>(db, options);
        case 4: return driftless::migrate<Item4, Tag>(db, options);
        default: return driftless::migrate<Item5, Tag>(db, options);
    }
}

/// The statements a migration from the database's state to version `v` would run.
template <class Connection>
std::size_t steps_to(const Connection& db, int v) {
    switch (v) {
        case 1: return driftless::plan<Item1, Tag>(db).statements.size();
        case 2: return driftless::plan<Item2, Tag>(db).statements.size();
        case 3: return driftless::plan<Item3, Tag>(db).statements.size();
        case 4: return driftless::plan<Item4, Tag>(db).statements.size();
        default: return driftless::plan<Item5, Tag>(db).statements.size();
    }
}

}  // namespace gal

#endif  // DRIFTLESS_TESTS_GALERA_MODELS_HPP
