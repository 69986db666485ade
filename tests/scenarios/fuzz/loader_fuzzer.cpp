// libFuzzer entry point for the scenario loader: any bytes, as a scenario file. Built by
// tests/scenarios/CMakeLists.txt with clang++ -fsanitize=fuzzer,address,undefined; the
// `slow` test runs it for a bounded time on the shipped and malformed files as seeds.
#include <cstddef>
#include <cstdint>
#include <string>

#include "iomtsim/scenarios/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // Includes resolve inside the test data folder, so a mutated `include:` reaches real
  // files (and the cycle and missing-file paths) without touching anything else.
  const auto r = iomtsim::scenarios::load_string(text, "fuzz.yaml", {"metadata.seed=3"},
                                                 IOMTSIM_FUZZ_DATA_DIR);
  if (r.ok() != (r.error_count() == 0)) __builtin_trap();  // warnings do not stop a load
  for (const auto& d : r.diagnostics) (void)iomtsim::scenarios::format_diagnostic(d);
  return 0;
}
