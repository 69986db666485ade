// A few thousand deterministic mutations in the default (unit) run, so every CI run
// exercises the loader's defences; the `slow` suite runs many more and libFuzzer.
#include <gtest/gtest.h>

#include "fuzz_corpus.hpp"
#include "iomtsim/scenarios/loader.hpp"

using namespace iomtsim::scenarios;

TEST(LoaderQuickFuzz, MutatedScenariosGiveDiagnosticsNotCrashes) {
  const auto seeds = testing_support::fuzz_seeds(IOMTSIM_SOURCE_DIR);
  ASSERT_GE(seeds.size(), 40u);
  iomtsim::physiology::Rng rng(99);
  int rejected = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::string input = testing_support::mutate(seeds[rng.below(seeds.size())], seeds, rng);
    LoadResult r;
    ASSERT_NO_THROW(
        r = load_string(input, "fuzz.yaml", {}, IOMTSIM_SOURCE_DIR "/tests/data/scenarios"));
    ASSERT_EQ(r.ok(), r.error_count() == 0) << input;  // warnings do not stop a load
    if (!r.ok()) ++rejected;
  }
  // Mutations almost always break something; a loader that accepted them all would be
  // ignoring its input.
  EXPECT_GT(rejected, 2500);
}
