# Shared by the -P scripts that build a consumer project against driftless (package_test.cmake,
# embed_rebuild_test.cmake): running a step, and the arguments that give the consumer the same
# compiler, generator, flags and configuration as the outer build. Expects MODE, GENERATOR, CXX,
# and optionally CXX_FLAGS, MAKE_PROGRAM, CONFIG; TEST_NAME names the test in failures.

# run(<what> <command>...): runs the command, fails the test with its output if it fails; the
# output is left in run_output.
function(run what)
  execute_process(COMMAND ${ARGN}
    RESULT_VARIABLE status
    OUTPUT_VARIABLE output
    ERROR_VARIABLE output)
  if(NOT status EQUAL 0)
    string(REPLACE ";" " " shown "${ARGN}")
    message(FATAL_ERROR "${TEST_NAME} (${MODE}): ${what} failed (${status})\n"
      "command: ${shown}\n${output}")
  endif()
  set(run_output "${output}" PARENT_SCOPE)
endfunction()

# configure_args: for cmake -S/-B; config_args: for cmake --build/--install.
set(configure_args
  -G "${GENERATOR}"
  "-DCMAKE_CXX_COMPILER=${CXX}"
  "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
  # Only the prefix a test names may satisfy find_package(driftless).
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
  -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF)
if(MAKE_PROGRAM)
  list(APPEND configure_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
set(config_args "")
if(CONFIG)
  list(APPEND configure_args "-DCMAKE_BUILD_TYPE=${CONFIG}")
  set(config_args --config "${CONFIG}")
endif()
