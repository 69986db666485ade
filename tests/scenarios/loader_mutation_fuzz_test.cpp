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

void check(const std::string& text) {
  LoadResult r;
  ASSERT_NO_THROW(
      r = load_string(text, "fuzz.yaml", {}, IOMTSIM_SOURCE_DIR "/tests/data/scenarios"));
  EXPECT_EQ(r.ok(), r.error_count() == 0);  // warnings do not stop a load
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
    const std::string input = testing_support::mutate(seeds[rng.below(seeds.size())], seeds, rng);
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
