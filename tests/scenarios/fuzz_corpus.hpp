#pragma once
// Seeds for the loader fuzzers: the shipped scenarios, the malformed files and a few
// shapes of junk. Shared by the deterministic mutation test and the libFuzzer target.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "iomtsim/physiology/random.hpp"

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

// One random edit sequence of `seed`: byte flips, YAML-significant tokens, deletions,
// splices from other seeds, duplications and deep nesting.
inline std::string mutate(const std::string& seed, const std::vector<std::string>& seeds,
                   iomtsim::physiology::Rng& rng) {
  static const char* tokens[] = {"[", "]", "{", "}", ":", "- ", "&a ", "*a", "\n  ", "\t",
                                 "'", "\"", "#", "1e400", "-", "%", " s", "include: ",
                                 "!!binary ", "? ", "<<: ", "\xff", "\0", "9999999999999999999"};
  std::string s = seed;
  const int edits = 1 + static_cast<int>(rng.below(8));
  for (int i = 0; i < edits; ++i) {
    const std::size_t pos = s.empty() ? 0 : rng.below(s.size() + 1);
    switch (rng.below(6)) {
      case 0:  // flip a byte
        if (!s.empty()) s[rng.below(s.size())] = static_cast<char>(rng.below(256));
        break;
      case 1: {  // insert a YAML-significant token
        const char* t = tokens[rng.below(std::size(tokens))];
        s.insert(pos, t, std::char_traits<char>::length(t) + (t[0] == '\0' ? 1 : 0));
        break;
      }
      case 2:  // delete a span
        if (!s.empty()) s.erase(rng.below(s.size()), 1 + rng.below(32));
        break;
      case 3: {  // splice in part of another seed
        const std::string& other = seeds[rng.below(seeds.size())];
        if (!other.empty()) {
          const std::size_t from = rng.below(other.size());
          s.insert(pos, other.substr(from, 1 + rng.below(200)));
        }
        break;
      }
      case 4:  // duplicate a span (repeats keys, deepens nesting)
        if (!s.empty()) {
          const std::size_t from = rng.below(s.size());
          s.insert(pos, s.substr(from, 1 + rng.below(64)));
        }
        break;
      default:  // nest
        s.insert(pos, std::string(1 + rng.below(80), rng.uniform() < 0.5 ? '[' : '{'));
        break;
    }
  }
  return s;
}

}  // namespace iomtsim::scenarios::testing_support
