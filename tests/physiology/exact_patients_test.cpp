// Exact patients: `count: N` gives exactly N episodes in the cohort whatever the seed, the
// same patients for the same seed in any generation order, and `beds` gives exactly the
// named patients.
#include <gtest/gtest.h>

#include <set>

#include "physiology_fixtures.hpp"

using namespace iomtsim::physiology;
using namespace iomtsim::physiology::testing;

namespace {

// The cohort-local indices of the patients the condition reaches, from their episodes.
std::set<std::uint32_t> with_episode(const CohortSpec& c, std::uint64_t seed,
                                     bool reverse = false) {
  std::set<std::uint32_t> out;
  for (std::uint32_t k = 0; k < c.count; ++k) {
    const std::uint32_t local = reverse ? c.count - 1 - k : k;
    PatientGenerator g(c, c.first_index + local, seed, 1h);
    g.finish();
    if (!g.episodes().empty()) out.insert(local);
  }
  return out;
}

CohortSpec ward(std::uint32_t count, std::uint32_t first_index) {
  CohortSpec c = cohort(Archetype::PostOperativeAdult, {monitor(std::chrono::minutes(15))});
  c.count = count;
  c.first_index = first_index;
  c.conditions.push_back(condition(ConditionKind::Sepsis, 600.0, 0.7, Course::Progressive));
  return c;
}

}  // namespace

TEST(ExactPatients, CountGivesExactlyThatManyForEverySeed) {
  for (std::uint32_t n : {0u, 1u, 3u, 24u}) {
    CohortSpec c = ward(24, 10);
    c.conditions[0].count = n;
    for (std::uint64_t seed : {1u, 2u, 3u, 42u, 1000u}) {
      EXPECT_EQ(with_episode(c, seed).size(), n) << "count " << n << ", seed " << seed;
    }
  }
}

TEST(ExactPatients, SameSeedSamePatientsInAnyOrderOtherSeedOthers) {
  CohortSpec c = ward(50, 7);
  c.conditions[0].count = 5;
  const auto a = with_episode(c, 11);
  EXPECT_EQ(a, with_episode(c, 11, /*reverse=*/true));
  bool differs = false;
  for (std::uint64_t seed = 12; seed < 20 && !differs; ++seed) differs = with_episode(c, seed) != a;
  EXPECT_TRUE(differs) << "the seed should choose the patients";
}

TEST(ExactPatients, CountAboveTheCohortIsCappedAtIt) {
  CohortSpec c = ward(4, 0);
  c.conditions[0].count = 9;
  EXPECT_EQ(with_episode(c, 5).size(), 4u);
}

TEST(ExactPatients, BedsNameExactlyThosePatients) {
  CohortSpec c = ward(24, 3);
  for (int b = 1; b <= 24; ++b) c.beds.push_back(std::to_string(b));
  c.conditions[0].patients = {6};  // bed "7"
  c.conditions[0].probability = 0.0;
  EXPECT_EQ(with_episode(c, 1), (std::set<std::uint32_t>{6}));
  EXPECT_EQ(bed_label(c, 3 + 6), "7");
  EXPECT_EQ(cohort_local_index(c, 3 + 6), 6u);
}

TEST(ExactPatients, ConditionsChooseIndependently) {
  // Two count conditions in one cohort are two permutations: not always the same patients.
  CohortSpec c = ward(40, 0);
  c.conditions[0].count = 4;
  c.conditions.push_back(c.conditions[0]);
  int same = 0;
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    std::set<std::uint32_t> first, second;
    for (std::uint32_t p = 0; p < 40; ++p) {
      if (condition_selects(c, 0, p, seed)) first.insert(p);
      if (condition_selects(c, 1, p, seed)) second.insert(p);
    }
    EXPECT_EQ(first.size(), 4u);
    EXPECT_EQ(second.size(), 4u);
    same += first == second;
  }
  EXPECT_LT(same, 5);
}
