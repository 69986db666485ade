#pragma once
// Seeds for the loader fuzzers: the shipped scenarios, the malformed files and a few
// shapes of junk. Shared by the deterministic mutation test and the libFuzzer target.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace iomtsim::scenarios::testing_support {

inline std::vector<std::string> fuzz_seeds(const std::filesystem::path& source_dir) {
  std::vector<std::string> out;
  for (const char* dir : {"scenarios/library", "scenarios/library/cohorts", "tests/data/scenarios",
                          "tests/data/scenarios/good"}) {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(source_dir / dir, ec)) {
      if (e.path().extension() != ".yaml") continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      out.push_back(ss.str());
    }
  }
  return out;
}

}  // namespace iomtsim::scenarios::testing_support
