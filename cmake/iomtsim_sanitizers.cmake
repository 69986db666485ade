# The sanitizer build (scripts/sanitize.sh configures it in build-asan with clang):
#   IOMTSIM_SANITIZE  AddressSanitizer + UndefinedBehaviorSanitizer on everything built.
#   IOMTSIM_FUZZ      the libFuzzer targets of tests/fuzz; every library is compiled with
#                     coverage instrumentation (-fsanitize=fuzzer-no-link) so the fuzzers
#                     see inside them. clang only.
# Included before any target is declared, so the flags reach every library and test.
option(IOMTSIM_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(IOMTSIM_FUZZ "Build the libFuzzer targets under tests/fuzz (clang)" OFF)

if(IOMTSIM_SANITIZE)
  # Stop at the first report of either: a sanitizer finding is a failed test, not a log line.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

if(IOMTSIM_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "IOMTSIM_FUZZ needs clang++ (libFuzzer); configure with "
                        "-DCMAKE_CXX_COMPILER=clang++ (scripts/sanitize.sh does)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
