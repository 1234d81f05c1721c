# driftless_set_warnings(<target>...)
#
# Warnings as errors, and strict ISO C++ (no GNU extensions), for driftless's own tests, examples
# and benchmarks. Applied per target and
# PRIVATE, so nothing leaks into the library's usage requirements or into a parent project.
# Third-party headers reached through imported targets are system headers and stay quiet.
function(driftless_set_warnings)
  foreach(target IN LISTS ARGN)
    set_target_properties(${target} PROPERTIES CXX_EXTENSIONS OFF)
    if(CMAKE_CXX_COMPILER_ID MATCHES "^(GNU|Clang|AppleClang)$")
      target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror)
      # GCC 12 and 13 report -Wrestrict false positives inside libstdc++'s own std::string
      # concatenation once inlined at -O2/-O3 (GCC bugs 105329, 105651), in code that has no
      # aliasing at all.
      if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND
         CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12 AND
         CMAKE_CXX_COMPILER_VERSION VERSION_LESS 14)
        target_compile_options(${target} PRIVATE -Wno-restrict)
      endif()
    elseif(MSVC)
      target_compile_options(${target} PRIVATE /W4 /WX /permissive- /Zc:preprocessor)
    endif()
  endforeach()
endfunction()
