# Builds a small consumer project that uses driftless_embed_migrations() the way users do, and
# checks that the build follows the migration files (the tests embed.rebuild and embed.install).
#
#   cmake -DMODE=rebuild|install -DWORK_DIR=<scratch dir>
#         -DDRIFTLESS_SOURCE_DIR=<driftless source> -DOUTER_BUILD_DIR=<configured driftless build>
#         -DGENERATOR=<generator> [-DMAKE_PROGRAM=<path>]
#         -DCXX=<compiler> [-DCXX_FLAGS=<flags>] [-DCONFIG=<build type>]
#         -P embed_rebuild_test.cmake
#
# The consumer, written into WORK_DIR/src: a static library that embeds db/migrations in its own
# directory (NAME and HEADER given), and an executable, defined in a subdirectory, that embeds the
# same files from the top directory (the defaults). The program prints, for both arrays, each
# file's name, size and SHA-256, which must match the files on disk.
#
# MODE=rebuild  add_subdirectory(DRIFTLESS_SOURCE_DIR); build and run; a build with nothing changed
#               must not regenerate; then edit a file, add one (over 100 KB), remove one: after
#               each, the next build must regenerate the headers, recompile, and the program must
#               print the new set of files.
# MODE=install  cmake --install OUTER_BUILD_DIR into WORK_DIR/prefix, find_package(driftless) from
#               there only; build and run once.

cmake_minimum_required(VERSION 3.24...3.31)

foreach(required IN ITEMS MODE WORK_DIR DRIFTLESS_SOURCE_DIR OUTER_BUILD_DIR GENERATOR CXX)
  if(NOT DEFINED ${required} OR "${${required}}" STREQUAL "")
    message(FATAL_ERROR "embed_rebuild_test.cmake: -D${required}=... is required")
  endif()
endforeach()
if(NOT MODE MATCHES "^(rebuild|install)$")
  message(FATAL_ERROR "embed_rebuild_test.cmake: MODE must be rebuild or install, not '${MODE}'")
endif()

set(TEST_NAME "embed test")
include("${CMAKE_CURRENT_LIST_DIR}/consumer_test_common.cmake")

file(REMOVE_RECURSE "${WORK_DIR}")
set(src "${WORK_DIR}/src")
set(build "${WORK_DIR}/build")
set(migrations "${src}/db/migrations")

# --- the consumer --------------------------------------------------------------------------------
file(WRITE "${src}/CMakeLists.txt" [=[
cmake_minimum_required(VERSION 3.24...3.31)
project(driftless_embed_consumer LANGUAGES CXX)

set(DRIFTLESS_SOURCE_DIR "" CACHE PATH "driftless to add_subdirectory(); empty: find_package")
if(DRIFTLESS_SOURCE_DIR)
  add_subdirectory("${DRIFTLESS_SOURCE_DIR}" driftless)
else()
  find_package(driftless 0.1 REQUIRED)
endif()
if(NOT COMMAND driftless_embed_migrations)
  message(FATAL_ERROR "driftless did not define driftless_embed_migrations()")
endif()

function(strict target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "^(GNU|Clang|AppleClang)$")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror)
  elseif(MSVC)
    target_compile_options(${target} PRIVATE /W4 /WX)
  endif()
endfunction()

# A library whose migrations are embedded in its own directory.
add_library(embed_migrations STATIC migrations.cpp)
target_link_libraries(embed_migrations PUBLIC driftless::driftless)
strict(embed_migrations)
driftless_embed_migrations(embed_migrations DIRECTORY db/migrations
  NAME app_migrations HEADER app/migrations.hpp)

# A program defined in another directory, whose migrations are embedded from here.
add_subdirectory(app)
driftless_embed_migrations(embed_consumer DIRECTORY db/migrations)
]=])

file(WRITE "${src}/migrations.cpp" [=[
#include <span>

#include <app/migrations.hpp>

std::span<const driftless::embedded_migration> library_migrations();
std::span<const driftless::embedded_migration> library_migrations() { return app_migrations; }
]=])

file(WRITE "${src}/app/CMakeLists.txt" [=[
add_executable(embed_consumer main.cpp)
target_link_libraries(embed_consumer PRIVATE embed_migrations)
strict(embed_consumer)
# Tells the test driver where the executable is, whatever the generator.
file(GENERATE OUTPUT "${CMAKE_BINARY_DIR}/consumer-path-$<CONFIG>.txt"
  CONTENT "$<TARGET_FILE:embed_consumer>")
]=])

file(WRITE "${src}/app/main.cpp" [=[
#include <iostream>
#include <span>

#include <driftless/checksum.hpp>
#include <driftless/files.hpp>
#include <driftless_migrations.hpp>

std::span<const driftless::embedded_migration> library_migrations();

namespace {
void print(const char* where, std::span<const driftless::embedded_migration> migrations) {
    for (const auto& m : migrations)
        std::cout << where << " [" << m.file_name << "] " << m.text.size() << ' ' << driftless::sha256_hex(m.text) << '\n';
}
}  // namespace

int main() {
    print("exe", driftless_migrations);
    print("lib", library_migrations());
    std::cout << "parsed " << driftless::read_embedded_migrations(driftless_migrations).size() << '\n';
}
]=])

file(WRITE "${migrations}/0001_create_users.sql"
  "-- driftless:up\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n"
  "-- driftless:down\nDROP TABLE users;\n")
# CRLF, and a name that build files and shells must quote.
file(WRITE "${migrations}/0002_add karma (it's $5 & more).sql"
  "-- driftless:up\r\nALTER TABLE users ADD COLUMN karma INTEGER;\r\n")

# --- configure ----------------------------------------------------------------------------------

if(MODE STREQUAL "install")
  set(prefix "${WORK_DIR}/prefix")
  run("cmake --install" "${CMAKE_COMMAND}" --install "${OUTER_BUILD_DIR}" --prefix "${prefix}"
      ${config_args})
  file(GLOB_RECURSE installed_config "${prefix}/*/driftless-config.cmake")
  if(NOT installed_config)
    message(FATAL_ERROR "embed test (install): no driftless-config.cmake under ${prefix}")
  endif()
  get_filename_component(config_dir "${installed_config}" DIRECTORY)
  foreach(file IN ITEMS driftless_embed.cmake driftless_embed_generate.cmake)
    if(NOT EXISTS "${config_dir}/${file}")
      message(FATAL_ERROR "embed test (install): ${file} was not installed next to "
        "driftless-config.cmake")
    endif()
  endforeach()
  list(APPEND configure_args "-DCMAKE_PREFIX_PATH=${prefix}")
else()
  list(APPEND configure_args "-DDRIFTLESS_SOURCE_DIR=${DRIFTLESS_SOURCE_DIR}"
    # Only what the consumer needs: none of driftless's own tests, examples or benchmarks.
    -DDRIFTLESS_BUILD_TESTS=OFF -DDRIFTLESS_BUILD_EXAMPLES=OFF -DDRIFTLESS_BUILD_BENCHMARKS=OFF
    -DDRIFTLESS_INSTALL=OFF -DDRIFTLESS_CLI=OFF)
endif()
run("configure" "${CMAKE_COMMAND}" -S "${src}" -B "${build}" ${configure_args})

# --- checks -------------------------------------------------------------------------------------
# build(<what>): builds the program (and so the library); sets build_output.
function(build what)
  run("build (${what})" "${CMAKE_COMMAND}" --build "${build}" --target embed_consumer
      ${config_args})
  set(build_output "${run_output}" PARENT_SCOPE)
endfunction()

# expect_generated(<what> <yes|no>): whether the last build ran the generator for both targets.
function(expect_generated what expected)
  foreach(header IN ITEMS "app/migrations.hpp for embed_migrations"
                          "driftless_migrations.hpp for embed_consumer")
    string(REGEX MATCH "Embedding [0-9]+ migration files? of db/migrations in ${header}" found
      "${build_output}")
    if(expected AND NOT found)
      message(FATAL_ERROR "embed test (${MODE}): after ${what}, the build did not regenerate "
        "${header}:\n${build_output}")
    elseif(NOT expected AND found)
      message(FATAL_ERROR "embed test (${MODE}): after ${what}, the build regenerated "
        "${header} although nothing changed:\n${build_output}")
    endif()
  endforeach()
endfunction()

# check_program(<what>): the program prints exactly the files in db/migrations now.
function(check_program what)
  file(GLOB files LIST_DIRECTORIES false RELATIVE "${migrations}" "${migrations}/*.sql")
  list(SORT files)
  list(LENGTH files count)
  set(expected "")
  foreach(where IN ITEMS exe lib)
    foreach(file IN LISTS files)
      file(SIZE "${migrations}/${file}" size)
      file(SHA256 "${migrations}/${file}" sha)
      string(APPEND expected "${where} [${file}] ${size} ${sha}\n")
    endforeach()
  endforeach()
  string(APPEND expected "parsed ${count}\n")

  file(READ "${build}/consumer-path-${CONFIG}.txt" program)
  run("running the program (${what})" "${program}")
  string(REPLACE "\r\n" "\n" output "${run_output}")
  if(NOT output STREQUAL expected)
    message(FATAL_ERROR "embed test (${MODE}): after ${what}, the program printed\n${output}"
      "instead of\n${expected}")
  endif()

  # The headers name the directory relative to the project, nothing of this machine.
  # (Both headers belong to the top directory, which embedded them.)
  foreach(header IN ITEMS "embed_migrations/app/migrations.hpp"
                          "embed_consumer/driftless_migrations.hpp")
    set(path "${build}/driftless_embedded/${header}")
    file(READ "${path}" text)
    string(FIND "${text}" "${WORK_DIR}" position)
    if(NOT position EQUAL -1)
      message(FATAL_ERROR "embed test (${MODE}): ${path} contains the path ${WORK_DIR}")
    endif()
  endforeach()
  set(program_output "${output}" PARENT_SCOPE)
endfunction()

build("the first build")
expect_generated("the first build" yes)
check_program("the first build")

if(MODE STREQUAL "install")
  # The package, and so the function, must have come from the scratch prefix.
  file(STRINGS "${build}/CMakeCache.txt" driftless_dir REGEX "^driftless_DIR:")
  string(REGEX REPLACE "^driftless_DIR:[A-Z]+=" "" driftless_dir "${driftless_dir}")
  file(REAL_PATH "${prefix}" real_prefix)
  file(REAL_PATH "${driftless_dir}" real_driftless_dir)
  string(FIND "${real_driftless_dir}/" "${real_prefix}/" position)
  if(NOT position EQUAL 0)
    message(FATAL_ERROR "embed test (install): driftless was found in '${driftless_dir}', not in "
      "the scratch prefix '${prefix}'")
  endif()
  message(STATUS "embed test (install) passed; program output:\n${program_output}")
  return()
endif()

build("nothing changed")
expect_generated("a build with nothing changed" no)

# Edit a file: regenerated at build time, without CMake.
set(before "${program_output}")
file(APPEND "${migrations}/0002_add karma (it's $5 & more).sql"
  "-- driftless:down\r\nALTER TABLE users DROP COLUMN karma;\r\n")
build("an edit")
expect_generated("editing a file" yes)
check_program("editing a file")
if(program_output STREQUAL before)
  message(FATAL_ERROR "embed test (rebuild): editing a file did not change the program's output")
endif()

# Add a file over 100 KB, with a line over 64 KB: CMake re-runs (CONFIGURE_DEPENDS), then the same.
string(REPEAT "INSERT INTO users (id) VALUES (1); -- a row of a big file\n" 1500 rows)
string(REPEAT "0123456789" 7000 long_line)
file(WRITE "${migrations}/0003_big.sql" "-- driftless:up\n${rows}-- ${long_line}\n")
build("a new file")
expect_generated("adding a file" yes)
check_program("adding a file")
if(NOT program_output MATCHES "exe \\[0003_big.sql\\] 1[0-9][0-9][0-9][0-9][0-9] ")
  message(FATAL_ERROR "embed test (rebuild): the new file is missing:\n${program_output}")
endif()

# Remove a file.
file(REMOVE "${migrations}/0001_create_users.sql")
build("a removed file")
expect_generated("removing a file" yes)
check_program("removing a file")
if(program_output MATCHES "0001_create_users")
  message(FATAL_ERROR "embed test (rebuild): the removed file is still embedded:\n"
    "${program_output}")
endif()

message(STATUS "embed test (rebuild) passed; program output at the end:\n${program_output}")
