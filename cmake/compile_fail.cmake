# Runs one compile-fail test (see tests/compile_fail/CMakeLists.txt).
#
#   cmake -DCXX=<compiler> -DSTD_FLAG=-std=c++20 [-DCXX_FLAGS=a|b] [-DINCLUDE_DIRS=a|b]
#         -DSOURCE=<file.cpp> -P compile_fail.cmake
#
# Passes when compiling SOURCE fails and the diagnostics match the regular expression on the
# file's first line, "// expect: <regex>".

cmake_minimum_required(VERSION 3.24...3.31)

foreach(required IN ITEMS CXX SOURCE)
  if(NOT DEFINED ${required} OR "${${required}}" STREQUAL "")
    message(FATAL_ERROR "compile_fail.cmake: -D${required}=... is required")
  endif()
endforeach()

file(READ "${SOURCE}" head LIMIT 4096)
if(NOT head MATCHES "^// expect: ([^\r\n]+)")
  message(FATAL_ERROR
    "${SOURCE}: the first line must be \"// expect: <regex>\" naming the expected diagnostic")
endif()
string(STRIP "${CMAKE_MATCH_1}" expected)

set(args ${STD_FLAG})
if(CXX_FLAGS)
  string(REPLACE "|" ";" flags "${CXX_FLAGS}")
  list(APPEND args ${flags})
endif()
if(INCLUDE_DIRS)
  string(REPLACE "|" ";" dirs "${INCLUDE_DIRS}")
  foreach(dir IN LISTS dirs)
    if(NOT dir STREQUAL "")
      list(APPEND args "-I${dir}")
    endif()
  endforeach()
endif()
list(APPEND args -fsyntax-only -fno-diagnostics-color "${SOURCE}")

execute_process(
  COMMAND "${CXX}" ${args}
  RESULT_VARIABLE status
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output)

string(REPLACE ";" " " shown_command "${CXX} ${args}")
if(status EQUAL 0)
  message(FATAL_ERROR
    "${SOURCE} compiled, but it must fail with a diagnostic matching: ${expected}\n"
    "command: ${shown_command}\n${output}")
endif()
if(NOT status MATCHES "^[0-9]+$")
  message(FATAL_ERROR "could not run the compiler (${status})\ncommand: ${shown_command}")
endif()

# A missing header also makes compilation fail; it must never pass for the expected error.
if(output MATCHES "(No such file or directory|file not found)" AND
   NOT expected MATCHES "(No such file|not found)")
  message(FATAL_ERROR
    "${SOURCE} failed to compile because a file is missing, not for the expected reason.\n"
    "command: ${shown_command}\n${output}")
endif()

if(NOT output MATCHES "${expected}")
  message(FATAL_ERROR
    "${SOURCE} failed to compile, but no diagnostic matches: ${expected}\n"
    "command: ${shown_command}\n${output}")
endif()

string(REGEX MATCH "${expected}" matched "${output}")
message(STATUS "failed to compile as expected; matched: ${matched}")
