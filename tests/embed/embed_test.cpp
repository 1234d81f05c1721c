// driftless_embed_migrations(): tests/embed/migrations/*.sql compiled into this program (see
// CMakeLists.txt), compared byte for byte with the files, and read with read_embedded_migrations.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <driftless/files.hpp>
#include <driftless/sqlite.hpp>

#include <driftless_migrations.hpp>
#include <embed_test/app_migrations.hpp>
#include <embed_test/no_migrations.hpp>

// The array is a constant: its size and names are known at compile time.
static_assert(driftless_migrations.size() == 4);
static_assert(driftless_migrations[0].file_name == "0001_create_users.sql");
static_assert(driftless_migrations[3].file_name == "0004.sql");
static_assert(driftless_migrations[3].text.empty());
static_assert(no_migrations.empty());

namespace {

namespace fs = std::filesystem;

// Where the source files are; only this test knows, to compare.
const fs::path source_dir = DRIFTLESS_EMBED_TEST_MIGRATIONS;

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    REQUIRE(in);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string crlf_to_lf(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
        out += text[i];
    }
    return out;
}

}  // namespace

TEST_CASE("driftless_embed_migrations: every file, in order, byte for byte") {
    SUBCASE("the files of the directory, sorted by name") {
        std::vector<std::string> on_disk;
        for (const auto& entry : fs::directory_iterator(source_dir))
            if (entry.path().extension() == ".sql") on_disk.push_back(entry.path().filename().string());
        std::sort(on_disk.begin(), on_disk.end());
        std::vector<std::string> embedded;
        for (const auto& m : driftless_migrations) embedded.emplace_back(m.file_name);
        CHECK(embedded == on_disk);
        CHECK(embedded == std::vector<std::string>{"0001_create_users.sql", "0002_add_karma.sql", "0003_tricky_bytes.sql",
                                                   "0004.sql"});
    }

    SUBCASE("each text is the file's bytes") {
        for (const auto& m : driftless_migrations) {
            CAPTURE(m.file_name);
            const std::string bytes = read(source_dir / std::string(m.file_name));
            CHECK(m.text.size() == bytes.size());
            CHECK(m.text == bytes);
        }
    }

    SUBCASE("the tricky bytes survived (and the files were not normalised by git)") {
        const std::string_view lf = driftless_migrations[0].text;
        const std::string_view crlf = driftless_migrations[1].text;
        const std::string_view tricky = driftless_migrations[2].text;
        CHECK(lf.find('\r') == std::string_view::npos);
        CHECK(crlf.find("\r\n") != std::string_view::npos);
        CHECK(crlf.find("0;\r\n\r\n-- driftless:down\r\n") != std::string_view::npos);
        CHECK(tricky.substr(0, 3) == "\xEF\xBB\xBF");
        CHECK(tricky.find(std::string_view("\0" "123 and \0\0" "7\n", 13)) != std::string_view::npos);
        CHECK(tricky.find(")\" and )delim\"") != std::string_view::npos);
        CHECK(tricky.find("quote \" backslash \\ \\n not a newline \\\\ two") != std::string_view::npos);
        CHECK(tricky.find("?\?= ?\?/ ?\?' ?\?( ?\?) ?\?! ?\?< ?\?> ?\?-") != std::string_view::npos);
        CHECK(tricky.find(":\tthere\n") != std::string_view::npos);
        CHECK(tricky.find("\xFF" "0 \x80" "9 \xC3\x28 \xA0\xA1") != std::string_view::npos);
        CHECK(tricky.find("a lone CR:\rthen LF\n") != std::string_view::npos);
        CHECK(tricky.find("\x01\x02\x1B[0m\x7F and a trailing backslash \\\n") != std::string_view::npos);
        CHECK(tricky.find("${NOT_CMAKE} @ONLY@ ;semi;colons;") != std::string_view::npos);
        CHECK(tricky.find("0000,0001,") != std::string_view::npos);
        CHECK(tricky.find("0198,0199,\n") != std::string_view::npos);
        CHECK(tricky.back() == ';');  // no newline at the end
    }

    SUBCASE("a directory without .sql files gives an empty array") {
        CHECK(no_migrations.size() == 0);
        CHECK(driftless::read_embedded_migrations(no_migrations).empty());
    }

    SUBCASE("the program needs no files") {
        CHECK_FALSE(fs::exists("migrations"));
        CHECK(driftless::read_migration_dir("migrations").empty());
    }
}

TEST_CASE("read_embedded_migrations: embedded files parse like files on disk") {
    const std::vector<driftless::migration_file> files = driftless::read_embedded_migrations(driftless_migrations);
    REQUIRE(files.size() == 4);

    SUBCASE("versions and names") {
        CHECK(files[0].version == 1);
        CHECK(files[0].name == "create_users");
        CHECK(files[1].version == 2);
        CHECK(files[1].name == "add_karma");
        CHECK(files[2].version == 3);
        CHECK(files[2].name == "tricky_bytes");
        CHECK(files[3].version == 4);
        CHECK(files[3].name == "");
        CHECK(files[3].file_name == "0004.sql");
    }

    SUBCASE("the same as reading the directory") {
        const std::vector<driftless::migration_file> from_disk = driftless::read_migration_dir(source_dir);
        REQUIRE(from_disk.size() == files.size());
        for (std::size_t i = 0; i < files.size(); ++i) {
            CAPTURE(files[i].file_name);
            CHECK(files[i].file_name == from_disk[i].file_name);
            CHECK(files[i].text == from_disk[i].text);
            CHECK(files[i].checksum == from_disk[i].checksum);
            CHECK(files[i].up == from_disk[i].up);
            CHECK(files[i].down == from_disk[i].down);
        }
    }

    SUBCASE("sections") {
        CHECK(files[0].up.find("CREATE TABLE \"users\"") != std::string::npos);
        CHECK(files[0].down == "DROP TABLE \"users\";\n");
        // 0002 has CRLF line endings: its sections keep them (the file's own bytes run).
        CHECK(files[1].up == "ALTER TABLE \"users\" ADD COLUMN \"karma\" INTEGER NOT NULL DEFAULT 0;\r\n\r\n");
        CHECK(files[1].down == "ALTER TABLE \"users\" DROP COLUMN \"karma\";\r\n");
        CHECK(files[2].down == "DROP TABLE \"notes\";");
        CHECK(files[3].up.empty());
        CHECK(files[3].down.empty());
    }

    SUBCASE("checksums: CRLF and LF versions of one text are equal, a BOM does not count") {
        const std::string lf = crlf_to_lf(driftless_migrations[1].text);
        REQUIRE(lf.size() < driftless_migrations[1].text.size());
        const driftless::migration_file lf_file = driftless::parse_migration_file("0002_add_karma.sql", lf);
        CHECK(lf_file.checksum == files[1].checksum);
        CHECK(lf_file.up == crlf_to_lf(files[1].up));
        CHECK(lf_file.down == crlf_to_lf(files[1].down));
        CHECK(files[0].checksum != files[1].checksum);

        const std::string without_bom(driftless_migrations[2].text.substr(3));
        CHECK(driftless::parse_migration_file("0003_tricky_bytes.sql", without_bom).checksum == files[2].checksum);
        CHECK(files[3].checksum == driftless::migration_checksum(""));
    }
}

TEST_CASE("apply_migrations: embedded migrations, with no files present") {
    REQUIRE_FALSE(fs::exists(fs::current_path() / "apply"));
    auto db = driftless::sqlite::open(":memory:");
    const auto r = driftless::apply_migrations(db, app_migrations);
    CHECK(r.applied == std::vector<std::string>{"0001_create_users.sql", "0002_add_karma.sql"});
    auto st = db.prepare("SELECT email || ':' || karma FROM users");
    REQUIRE(st.step());
    CHECK(st.text(0) == "ada@example.org:0");  // the trigger, with its ';' inside BEGIN ... END, ran
    const auto status = driftless::migration_status(db);
    REQUIRE(status.size() == 2);
    CHECK(status[0].kind == "file");
    CHECK(status[0].checksum == driftless::migration_checksum(app_migrations[0].text));
    CHECK(status[1].down_sql == "ALTER TABLE users DROP COLUMN karma;\n");
    CHECK(driftless::apply_migrations(db, app_migrations).applied.empty());
    CHECK_THROWS_WITH_AS(driftless::rollback_table(db, "", {}),
                         doctest::Contains("dropping column users.karma would discard 1 non-null values"), driftless::error);
    CHECK(driftless::rollback_table(db, "", {.allow_data_loss = true}) == 2);
    db.execute("DELETE FROM users");  // 0002 inserts this row again
    CHECK(driftless::apply_migrations(db, app_migrations).applied == std::vector<std::string>{"0002_add_karma.sql"});
}
