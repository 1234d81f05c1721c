# Builds and runs the consumer project tests/package against driftless the way users do.
#
#   cmake -DMODE=install|subdirectory -DWORK_DIR=<scratch dir>
#         -DDRIFTLESS_SOURCE_DIR=<driftless source> -DOUTER_BUILD_DIR=<configured driftless build>
#         -DCONSUMER_SOURCE_DIR=<tests/package> -DGENERATOR=<generator> [-DMAKE_PROGRAM=<path>]
#         -DCXX=<compiler> [-DCXX_FLAGS=<flags>] [-DCONFIG=<build type>]
#         -P package_test.cmake
#
# MODE=install       cmake --install OUTER_BUILD_DIR into WORK_DIR/prefix; check that every
#                    public header was installed; check that an unknown component is refused;
#                    then find_package(driftless REQUIRED COMPONENTS sqlite) from that prefix only.
# MODE=subdirectory  add_subdirectory(DRIFTLESS_SOURCE_DIR) from the consumer.
# Either way the consumer is built and run, and must print "driftless package test: ok".

cmake_minimum_required(VERSION 3.24...3.31)

foreach(required IN ITEMS MODE WORK_DIR DRIFTLESS_SOURCE_DIR OUTER_BUILD_DIR
                          CONSUMER_SOURCE_DIR GENERATOR CXX)
  if(NOT DEFINED ${required} OR "${${required}}" STREQUAL "")
    message(FATAL_ERROR "package_test.cmake: -D${required}=... is required")
  endif()
endforeach()

set(TEST_NAME "package test")
include("${CMAKE_CURRENT_LIST_DIR}/consumer_test_common.cmake")

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

set(consumer_build "${WORK_DIR}/build")

if(MODE STREQUAL "install")
  set(prefix "${WORK_DIR}/prefix")
  run("cmake --install" "${CMAKE_COMMAND}" --install "${OUTER_BUILD_DIR}" --prefix "${prefix}"
      ${config_args})

  # Every public header of the source tree must be installed by some component's FILE_SET.
  file(GLOB_RECURSE source_headers RELATIVE "${DRIFTLESS_SOURCE_DIR}/include"
    "${DRIFTLESS_SOURCE_DIR}/include/*.hpp")
  file(GLOB_RECURSE installed_configs "${prefix}/*/driftless-config.cmake")
  if(NOT installed_configs)
    message(FATAL_ERROR "package test (install): no driftless-config.cmake under ${prefix}")
  endif()
  file(GLOB_RECURSE installed_headers RELATIVE "${prefix}" "${prefix}/*.hpp")
  set(missing "")
  foreach(header IN LISTS source_headers)
    if(NOT "include/${header}" IN_LIST installed_headers)
      list(APPEND missing "${header}")
    endif()
  endforeach()
  if(missing)
    list(JOIN missing "\n  " missing)
    message(FATAL_ERROR "package test (install): headers not installed (add them to a "
      "target's FILE_SET, or give their folder a component):\n  ${missing}")
  endif()

  list(APPEND configure_args "-DCMAKE_PREFIX_PATH=${prefix}")

  # Asking for a component that does not exist must make find_package(REQUIRED) fail.
  execute_process(
    COMMAND "${CMAKE_COMMAND}" -S "${CONSUMER_SOURCE_DIR}" -B "${WORK_DIR}/bogus-component"
            ${configure_args} -DDRIFTLESS_CONSUMER_COMPONENTS=no_such_component
    RESULT_VARIABLE status
    OUTPUT_VARIABLE output
    ERROR_VARIABLE output)
  if(status EQUAL 0 OR NOT output MATCHES "no_such_component")
    message(FATAL_ERROR "package test (install): find_package(driftless REQUIRED COMPONENTS "
      "no_such_component) did not fail as it must (exit ${status}):\n${output}")
  endif()
elseif(MODE STREQUAL "subdirectory")
  list(APPEND configure_args "-DDRIFTLESS_SOURCE_DIR=${DRIFTLESS_SOURCE_DIR}")
else()
  message(FATAL_ERROR "package_test.cmake: MODE must be install or subdirectory, not '${MODE}'")
endif()

run("configure" "${CMAKE_COMMAND}" -S "${CONSUMER_SOURCE_DIR}" -B "${consumer_build}"
    ${configure_args})
run("build" "${CMAKE_COMMAND}" --build "${consumer_build}" ${config_args})

if(MODE STREQUAL "install")
  # The package must have come from the scratch prefix, not from anywhere else on the machine.
  file(STRINGS "${consumer_build}/CMakeCache.txt" driftless_dir REGEX "^driftless_DIR:")
  string(REGEX REPLACE "^driftless_DIR:[A-Z]+=" "" driftless_dir "${driftless_dir}")
  file(REAL_PATH "${prefix}" real_prefix)
  file(REAL_PATH "${driftless_dir}" real_driftless_dir)
  string(FIND "${real_driftless_dir}/" "${real_prefix}/" position)
  if(NOT position EQUAL 0)
    message(FATAL_ERROR "package test (install): driftless was found in '${driftless_dir}', "
      "not in the scratch prefix '${prefix}'")
  endif()
endif()

set(path_file "${consumer_build}/consumer-path-${CONFIG}.txt")
if(NOT EXISTS "${path_file}")
  message(FATAL_ERROR "package test (${MODE}): the consumer did not write ${path_file}")
endif()
file(READ "${path_file}" consumer)
run("running the consumer" "${consumer}")
if(NOT run_output MATCHES "driftless package test: ok")
  message(FATAL_ERROR "package test (${MODE}): the consumer did not report success:\n${run_output}")
endif()
message(STATUS "package test (${MODE}) passed; consumer output:\n${run_output}")
