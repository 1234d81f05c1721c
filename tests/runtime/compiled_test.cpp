// The runtime compiled once (driftless::runtime, DRIFTLESS_COMPILED_RUNTIME): this translation
// unit sees only the declarations of the runner and the engine, and migrate, plan, rollback,
// status and the files work through the library.
#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include <driftless/sqlite.hpp>

#ifndef DRIFTLESS_COMPILED_RUNTIME
#error "this test is built against driftless::runtime"
#endif
static_assert(DRIFTLESS_DEFINE_RUNTIME == 0, "the headers must only declare the runtime here");
#ifdef DRIFTLESS_RUN_INL_HPP
#error "the runner's definitions were compiled into this translation unit"
#endif
#ifdef DRIFTLESS_SQLITE_ENGINE_INL_HPP
#error "the SQLite engine's definitions were compiled into this translation unit"
#endif

namespace rt {
struct Note {
    std::int64_t id;
    std::string text;
};
struct NoteV2 {
    std::int64_t id;
    std::string text;
    std::optional<std::string> tag;
};
}  // namespace rt

template <>
inline constexpr auto driftless::customize::table<rt::NoteV2> = driftless::table<rt::NoteV2>("note");

TEST_CASE("driftless::runtime: migrate, plan, status, rollback and files through the compiled runner") {
    auto db = driftless::sqlite::open(":memory:");
    CHECK(driftless::migrate<rt::Note>(db).applied);
    CHECK(driftless::migrate<rt::Note>(db).fast_path);
    const auto preview = driftless::plan<rt::NoteV2>(db);
    REQUIRE(preview.statements.size() == 1);
    CHECK(preview.statements[0] == "ALTER TABLE \"note\" ADD COLUMN \"tag\" TEXT");
    CHECK(driftless::migrate<rt::NoteV2>(db, {.description = "tag"}).version == 2);
    CHECK(driftless::migration_status(db).size() == 2);
    CHECK(driftless::rollback<rt::NoteV2>(db) == 2);
    const std::filesystem::path dir = std::filesystem::current_path() / "runtime_files";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "0003_seed.sql") << "INSERT INTO note VALUES (1, 'hello');\n";
    CHECK(driftless::apply_migrations(db, dir).applied.size() == 1);
    CHECK(driftless::verify<rt::Note>(db, dir).drift() == false);
}
