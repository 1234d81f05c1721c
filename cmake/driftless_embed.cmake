# driftless_embed_migrations(<target> DIRECTORY <dir> [NAME <identifier>] [HEADER <file>])
#
# Compiles the migration files <dir>/*.sql into <target>, so a program can apply them without
# shipping the files (like sqlx's migrate!()):
#
#   driftless_embed_migrations(app DIRECTORY migrations)
#
#   #include <driftless_migrations.hpp>
#   driftless::apply_migrations(db, driftless_migrations);
#
# DIRECTORY  the folder holding the NNNN_name.sql files; relative to CMAKE_CURRENT_SOURCE_DIR.
# NAME       the C++ variable, default driftless_migrations: an inline constexpr
#            std::array<driftless::embedded_migration, N>, sorted by file name, each text the
#            file's bytes unchanged.
# HEADER     the header's name (may contain folders), default driftless_migrations.hpp.
#
# The header is written at build time to
# ${CMAKE_CURRENT_BINARY_DIR}/driftless_embedded/<target>/<HEADER>, a folder added to <target>'s
# PRIVATE include directories; it includes <driftless/files.hpp>, so <target> links
# driftless::driftless or a component. Editing a file regenerates it at the next build and
# recompiles what includes it; adding or removing a file re-runs CMake (CONFIGURE_DEPENDS), which
# does the same.
# A .sql file not named NNNN_name.sql (or NNNN.sql) is refused here, as read_migration_dir and
# read_embedded_migrations would refuse it at run time.
#
# Shipped with the package: available after find_package(driftless) and after
# add_subdirectory(<driftless>).

include_guard(GLOBAL)

# Functions keep the policy settings in force where they are defined, so the function behaves the
# same whatever the calling project's cmake_minimum_required says.
cmake_policy(PUSH)
cmake_policy(VERSION 3.24...3.31)

# _driftless_embed_bracket(<out-var> <value>): <value> as a CMake bracket argument, [=[...]=] with
# as many '=' as needed so the value cannot end it early.
function(_driftless_embed_bracket out_var value)
  set(equals "=")
  string(LENGTH "${value}" length)
  while(TRUE)
    string(FIND "${value}]${equals}]" "]${equals}]" position)
    if(position EQUAL length)
      break()
    endif()
    string(APPEND equals "=")
  endwhile()
  set(${out_var} "[${equals}[${value}]${equals}]" PARENT_SCOPE)
endfunction()

function(driftless_embed_migrations target)
  string(CONCAT usage "usage: driftless_embed_migrations(<target> DIRECTORY <dir> "
    "[NAME <identifier>] [HEADER <file>])")
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "DIRECTORY;NAME;HEADER" "")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "driftless_embed_migrations: unexpected arguments "
      "'${arg_UNPARSED_ARGUMENTS}'; ${usage}")
  endif()
  if(NOT arg_DIRECTORY)
    message(FATAL_ERROR "driftless_embed_migrations: DIRECTORY is required; ${usage}")
  endif()
  if(NOT DEFINED arg_NAME)
    set(arg_NAME "driftless_migrations")
  endif()
  if(NOT DEFINED arg_HEADER)
    set(arg_HEADER "driftless_migrations.hpp")
  endif()

  # --- the target -----------------------------------------------------------------------------
  if(NOT TARGET "${target}")
    message(FATAL_ERROR "driftless_embed_migrations: '${target}' is not a target; call it after "
      "add_executable/add_library")
  endif()
  get_target_property(aliased "${target}" ALIASED_TARGET)
  if(aliased)
    set(target "${aliased}")
  endif()
  get_target_property(imported "${target}" IMPORTED)
  get_target_property(type "${target}" TYPE)
  if(imported)
    set(type "imported ${type}")
  endif()
  if(NOT type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY)$")
    message(FATAL_ERROR "driftless_embed_migrations: '${target}' is an ${type}; the migrations "
      "must be compiled into an executable or a static, shared, module or object library")
  endif()

  # --- the arguments --------------------------------------------------------------------------
  if(NOT arg_NAME MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
    message(FATAL_ERROR "driftless_embed_migrations: NAME '${arg_NAME}' is not a C++ identifier")
  endif()
  if(IS_ABSOLUTE "${arg_HEADER}" OR arg_HEADER MATCHES "(^|/)\\.\\.?(/|$)|\\\\|^$|/$"
     OR NOT arg_HEADER MATCHES "^[A-Za-z0-9_./+-]+$")
    message(FATAL_ERROR "driftless_embed_migrations: HEADER '${arg_HEADER}' must be a relative "
      "file name made of letters, digits and _ . + - / (no '..'), e.g. app/migrations.hpp")
  endif()

  cmake_path(ABSOLUTE_PATH arg_DIRECTORY BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE
    OUTPUT_VARIABLE directory)
  string(REGEX REPLACE "(.)/$" "\\1" directory "${directory}")
  if(NOT IS_DIRECTORY "${directory}")
    message(FATAL_ERROR "driftless_embed_migrations: DIRECTORY '${arg_DIRECTORY}' "
      "(${directory}) is not a directory")
  endif()

  # What the generated header says it was made from: a path relative to the top-level source
  # directory, so the header carries no absolute path of the machine that built it.
  cmake_path(IS_PREFIX CMAKE_SOURCE_DIR "${directory}" NORMALIZE inside_source)
  if(inside_source)
    file(RELATIVE_PATH label "${CMAKE_SOURCE_DIR}" "${directory}")
    if(label STREQUAL "")
      set(label ".")
    endif()
  else()
    cmake_path(GET directory FILENAME label)
  endif()

  # --- the files ------------------------------------------------------------------------------
  # CONFIGURE_DEPENDS: adding or removing a file re-runs CMake before the next build.
  file(GLOB files CONFIGURE_DEPENDS LIST_DIRECTORIES false RELATIVE "${directory}"
    "${directory}/*.sql")
  list(SORT files)
  string(ASCII 1 first_control)
  string(ASCII 31 last_control)
  string(ASCII 127 delete)
  set(paths "")
  foreach(file IN LISTS files)
    # Control characters, '"', '\', '[', ']' and '${' cannot travel safely through CMake lists
    # and the script CMake writes to check CONFIGURE_DEPENDS globs (a ';' never gets here: it
    # splits the glob's result). Every other byte of a name is escaped in the header.
    if(file MATCHES "[${first_control}-${last_control}${delete}]" OR file MATCHES "[][\"\\]"
       OR file MATCHES "\\$[A-Za-z]*{")
      message(FATAL_ERROR "driftless_embed_migrations: cannot embed '${file}' from "
        "${arg_DIRECTORY}: rename it without control characters, '\"', '\\', '[', ']' or '\${'")
    endif()
    if(NOT file MATCHES "^[0-9]+(_.*)?\\.sql$")
      message(FATAL_ERROR "driftless_embed_migrations: '${file}' in ${arg_DIRECTORY} is not "
        "named NNNN_name.sql (a version number, '_', a name); rename it or move it out of the "
        "migrations directory")
    endif()
    list(APPEND paths "${directory}/${file}")
  endforeach()
  list(LENGTH files count)

  # --- the generation -------------------------------------------------------------------------
  set(include_dir "${CMAKE_CURRENT_BINARY_DIR}/driftless_embedded/${target}")
  set(header "${include_dir}/${arg_HEADER}")
  get_property(headers TARGET "${target}" PROPERTY DRIFTLESS_EMBEDDED_HEADERS)
  if(header IN_LIST headers)
    message(FATAL_ERROR "driftless_embed_migrations: '${target}' already embeds migrations as "
      "${arg_HEADER}; give the second call another HEADER")
  endif()
  set_property(TARGET "${target}" APPEND PROPERTY DRIFTLESS_EMBEDDED_HEADERS "${header}")

  # Everything the generator needs goes into a small script it includes, rewritten only when it
  # changes: a file removed, NAME changed, ... regenerates the header on every generator, and
  # file names never pass through a shell.
  set(manifest "${CMAKE_CURRENT_BINARY_DIR}/driftless_embedded/${target}.manifests/${arg_HEADER}.cmake")
  string(CONCAT content "# Written by driftless_embed_migrations() for ${target}; read by "
    "driftless_embed_generate.cmake.\n")
  _driftless_embed_bracket(quoted "${arg_NAME}")
  string(APPEND content "set(DRIFTLESS_EMBED_NAME ${quoted})\n")
  _driftless_embed_bracket(quoted "${header}")
  string(APPEND content "set(DRIFTLESS_EMBED_OUTPUT ${quoted})\n")
  _driftless_embed_bracket(quoted "${directory}")
  string(APPEND content "set(DRIFTLESS_EMBED_DIRECTORY ${quoted})\n")
  _driftless_embed_bracket(quoted "${label}")
  string(APPEND content "set(DRIFTLESS_EMBED_LABEL ${quoted})\n")
  string(APPEND content "set(DRIFTLESS_EMBED_FILES")
  foreach(file IN LISTS files)
    _driftless_embed_bracket(quoted "${file}")
    string(APPEND content "\n  ${quoted}")
  endforeach()
  string(APPEND content ")\n")
  set(old_content "")
  if(EXISTS "${manifest}")
    file(READ "${manifest}" old_content)
  endif()
  if(NOT old_content STREQUAL content)
    file(WRITE "${manifest}" "${content}")
  endif()

  set(generator "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/driftless_embed_generate.cmake")
  if(count EQUAL 1)
    set(files_text "1 migration file")
  else()
    set(files_text "${count} migration files")
  endif()
  add_custom_command(
    OUTPUT "${header}"
    COMMAND "${CMAKE_COMMAND}" "-DDRIFTLESS_EMBED_MANIFEST=${manifest}" -P "${generator}"
    DEPENDS ${paths} "${manifest}" "${generator}"
    COMMENT "Embedding ${files_text} of ${label} in ${arg_HEADER} for ${target}"
    VERBATIM)

  target_include_directories("${target}" PRIVATE "${include_dir}")
  get_target_property(target_dir "${target}" BINARY_DIR)
  if(target_dir STREQUAL CMAKE_CURRENT_BINARY_DIR)
    # The target owns the rule: the header is built before the target's sources are compiled,
    # and rebuilt (with its includers) when a file changes.
    target_sources("${target}" PRIVATE "${header}")
  else()
    # A custom command's rule only reaches targets of its own directory; from elsewhere go
    # through a utility target. The compilers' dependency scanning then recompiles the includers.
    string(MAKE_C_IDENTIFIER "${target}_${arg_HEADER}" utility)
    add_custom_target("driftless_embed_${utility}" DEPENDS "${header}")
    add_dependencies("${target}" "driftless_embed_${utility}")
  endif()
endfunction()

cmake_policy(POP)
