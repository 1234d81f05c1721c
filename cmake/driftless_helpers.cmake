# Helpers for driftless's own CMakeLists; not installed, not part of the package.

# Header folders (and umbrella headers of the same name) that belong to a component, not to the
# core target. A regex alternation, matched against paths relative to include/.
set(DRIFTLESS_COMPONENT_DIRS "sqlite|postgresql|mysql|cli")

# driftless_add_component(<name>
#                         [LINK <targets>...]
#                         [FIND_DEPENDENCIES <"Package [args...]">...])
#
# Creates the INTERFACE target driftless_<name> (alias driftless::<name>) from
# include/driftless/<name>.hpp and include/driftless/<name>/**.hpp, linking driftless::driftless
# and LINK. FIND_DEPENDENCIES are the find_package() arguments, one quoted string per package,
# that the installed driftless-config.cmake runs when the component is requested.
function(driftless_add_component name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "LINK;FIND_DEPENDENCIES")
  set(target "driftless_${name}")
  set(include_dir "${PROJECT_SOURCE_DIR}/include")

  add_library(${target} INTERFACE)
  add_library(driftless::${name} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name})
  target_link_libraries(${target} INTERFACE driftless::driftless ${arg_LINK})

  file(GLOB_RECURSE headers CONFIGURE_DEPENDS "${include_dir}/driftless/${name}/*.hpp")
  if(EXISTS "${include_dir}/driftless/${name}.hpp")
    list(PREPEND headers "${include_dir}/driftless/${name}.hpp")
  endif()
  target_sources(${target} INTERFACE
    FILE_SET HEADERS
    BASE_DIRS "${include_dir}"
    FILES ${headers})

  if(DRIFTLESS_BUILD_TESTS)
    set_target_properties(${target} PROPERTIES VERIFY_INTERFACE_HEADER_SETS ON)
  endif()

  if(DRIFTLESS_INSTALL)
    install(TARGETS ${target}
      EXPORT driftless-${name}-targets
      FILE_SET HEADERS DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
    install(EXPORT driftless-${name}-targets
      NAMESPACE driftless::
      DESTINATION "${DRIFTLESS_INSTALL_CMAKEDIR}")
  endif()

  set_property(GLOBAL APPEND PROPERTY DRIFTLESS_COMPONENTS ${name})
  set_property(GLOBAL PROPERTY DRIFTLESS_COMPONENT_${name}_DEPENDENCIES ${arg_FIND_DEPENDENCIES})
endfunction()

# driftless_component_config_snippet(<out-var>)
#
# Sets <out-var> to CMake code, pasted into driftless-config.cmake, that lists the components
# this build provides and the find_package() arguments of each one's dependencies.
function(driftless_component_config_snippet out_var)
  get_property(components GLOBAL PROPERTY DRIFTLESS_COMPONENTS)
  set(code "set(_driftless_available_components")
  foreach(component IN LISTS components)
    string(APPEND code " ${component}")
  endforeach()
  string(APPEND code ")\n")
  foreach(component IN LISTS components)
    get_property(dependencies GLOBAL PROPERTY DRIFTLESS_COMPONENT_${component}_DEPENDENCIES)
    string(APPEND code "set(_driftless_${component}_dependencies")
    foreach(dependency IN LISTS dependencies)
      string(APPEND code " \"${dependency}\"")
    endforeach()
    string(APPEND code ")\n")
  endforeach()
  set(${out_var} "${code}" PARENT_SCOPE)
endfunction()
