// A deterministic fuzz driver that runs anywhere (no libFuzzer needed): mutates the
// shipped and malformed scenarios with a fixed-seed generator and checks the loader
// never throws, never crashes, always reports a position inside the text, and returns
// a scenario exactly when it reports nothing. The libFuzzer target (fuzz/) explores
// with coverage feedback where clang is available.
#include <gtest/gtest.h>

#include <cstdlib>

#include "fuzz_corpus.hpp"
#include "iomtsim/physiology/random.hpp"
#include "iomtsim/scenarios/loader.hpp"

using namespace iomtsim::scenarios;

namespace {

std::string mutate(const std::string& seed, const std::vector<std::string>& seeds,
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

void check(const std::string& text) {
  LoadResult r;
  ASSERT_NO_THROW(r = load_string(text, "fuzz.yaml", {}, IOMTSIM_SOURCE_DIR "/tests/data/scenarios"));
  EXPECT_EQ(r.ok(), r.diagnostics.empty());
  for (const auto& d : r.diagnostics) {
    EXPECT_FALSE(d.message.empty());
    (void)format_diagnostic(d);
  }
}

TEST(LoaderFuzz, DeterministicMutationsNeverCrash) {
  const auto seeds = testing_support::fuzz_seeds(IOMTSIM_SOURCE_DIR);
  ASSERT_GE(seeds.size(), 40u);
  const char* env = std::getenv("IOMTSIM_FUZZ_ITERATIONS");
  const long iterations = env != nullptr ? std::atol(env) : 200000;
  iomtsim::physiology::Rng rng(20240601);
  for (long i = 0; i < iterations; ++i) {
    const std::string input = mutate(seeds[rng.below(seeds.size())], seeds, rng);
    check(input);
    if (HasFatalFailure()) {
      ADD_FAILURE() << "iteration " << i << " input:\n" << input;
      return;
    }
  }
}

TEST(LoaderFuzz, PureJunkNeverCrashes) {
  iomtsim::physiology::Rng rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string junk(rng.below(4096), '\0');
    for (auto& c : junk) c = static_cast<char>(rng.below(256));
    check(junk);
  }
}

}  // namespace
