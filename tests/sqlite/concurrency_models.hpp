// Models shared by the concurrency test and the worker program it starts (migrate_worker.cpp).
#ifndef DRIFTLESS_TESTS_CONCURRENCY_MODELS_HPP
#define DRIFTLESS_TESTS_CONCURRENCY_MODELS_HPP

#include <cstdint>
#include <optional>
#include <string>

#include <driftless/table.hpp>

namespace conc {
struct Account {
    std::int64_t id;
    std::string owner;
};
struct AccountV2 {
    std::int64_t id;
    std::string owner;
    std::optional<std::string> note;
    std::int64_t balance;
};
struct Entry {
    std::int64_t id;
    std::int64_t account_id;
    double amount;
};
}  // namespace conc

template <> inline constexpr auto driftless::customize::table<conc::Account> = driftless::table<conc::Account>("accounts");
template <>
inline constexpr auto driftless::customize::table<conc::AccountV2> =
    driftless::table<conc::AccountV2>("accounts")
        .default_value(&conc::AccountV2::balance, 0)
        .check("balance >= 0")  // a rebuild, with foreign_keys on
        .index("accounts_by_owner", &conc::AccountV2::owner);
template <>
inline constexpr auto driftless::customize::table<conc::Entry> =
    driftless::table<conc::Entry>("entries").foreign_key(&conc::Entry::account_id, &conc::Account::id);

#endif  // DRIFTLESS_TESTS_CONCURRENCY_MODELS_HPP
