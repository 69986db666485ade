# One helper per kind of target, so each module's CMakeLists.txt reads as a declaration
# and the dependency direction of DESIGN.md is visible in the DEPS lists.

set(IOMTSIM_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)

# Same bytes on every machine: no fused multiply-add contraction anywhere in the project
# (clang contracts by default, and on aarch64 FMA is baseline). Every module, test, bench
# and the binary compiles inline random, time and scoring helpers from the headers, so a
# setting on physiology alone would still let a report differ between machines. Set here,
# at the top directory, before any module folder is added.
add_compile_options(-ffp-contract=off)

# iomtsim_add_library(NAME physiology SOURCES a.cpp b.cpp DEPS iomtsim_x PRIVATE_DEPS y)
# Makes target iomtsim_<NAME> with public headers under <folder>/include.
function(iomtsim_add_library)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  set(target iomtsim_${ARG_NAME})
  if(NOT ARG_SOURCES)
    # Header-only so far: an INTERFACE library keeps the same name and dependencies.
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${CMAKE_CURRENT_SOURCE_DIR}/include)
    target_link_libraries(${target} INTERFACE ${ARG_DEPS})
    add_library(iomtsim::${ARG_NAME} ALIAS ${target})
    return()
  endif()
  add_library(${target} STATIC ${ARG_SOURCES})
  target_include_directories(${target} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
                                       PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(${target} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  target_compile_options(${target} PRIVATE ${IOMTSIM_WARNINGS})
  add_library(iomtsim::${ARG_NAME} ALIAS ${target})
endfunction()

# iomtsim_add_test(NAME physiology_tests SOURCES … DEPS … LABELS unit)
# Each test case runs as its own ctest process (gtest_discover_tests): SimGrid's engine
# is a singleton, and a crash in one case must not hide the others.
function(iomtsim_add_test)
  cmake_parse_arguments(ARG "" "NAME;TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  # One label per test binary: gtest_discover_tests passes PROPERTIES through two layers
  # of CMake lists, and a second label arrived as a stray property name, so a test
  # labelled "integration slow" kept only `integration` and `-LE slow` still ran it.
  list(LENGTH ARG_LABELS label_count)
  if(NOT label_count EQUAL 1)
    message(FATAL_ERROR "iomtsim_add_test(${ARG_NAME}): give exactly one of LABELS unit, integration or slow")
  endif()
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  target_include_directories(${ARG_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(${ARG_NAME} PRIVATE
    IOMTSIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    IOMTSIM_BINARY_DIR="${PROJECT_BINARY_DIR}"
    IOMTSIM_DATA_DIR="${PROJECT_SOURCE_DIR}/data")
  target_compile_options(${ARG_NAME} PRIVATE ${IOMTSIM_WARNINGS})
  gtest_discover_tests(${ARG_NAME}
    PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
    DISCOVERY_TIMEOUT 60)
endfunction()

# iomtsim_add_bench(NAME physiology_bench SOURCES … DEPS …): Google Benchmark binaries,
# never run by ctest (these machines are shared and noisy).
function(iomtsim_add_bench)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} benchmark::benchmark)
  target_compile_options(${ARG_NAME} PRIVATE ${IOMTSIM_WARNINGS})
endfunction()
