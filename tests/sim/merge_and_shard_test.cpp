#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <tuple>
#include <vector>

#include "iomtsim/physiology/random.hpp"
#include "iomtsim/sim/merge_queue.hpp"
#include "iomtsim/sim/shard_spec.hpp"

using namespace iomtsim::sim;
using iomtsim::physiology::Rng;
using iomtsim::physiology::SimTime;

TEST(ShardSpec, RoundRobinOwnershipAndLocalIndices) {
  const ShardSpec s{2, 5};
  EXPECT_TRUE(s.owns(2));
  EXPECT_TRUE(s.owns(7));
  EXPECT_FALSE(s.owns(8));
  EXPECT_EQ(s.local_of(7), 1u);
  EXPECT_EQ(s.global_of(3), 17u);
  // Over 0..12 the shards hold 3, 3, 3, 2, 2 patients; together 13.
  std::uint64_t sum = 0;
  const std::uint64_t want[] = {3, 3, 3, 2, 2};
  for (std::uint32_t k = 0; k < 5; ++k) {
    EXPECT_EQ((ShardSpec{k, 5}.patients_in(13)), want[k]);
    sum += ShardSpec{k, 5}.patients_in(13);
  }
  EXPECT_EQ(sum, 13u);
  EXPECT_EQ((ShardSpec{4, 5}.patients_in(3)), 0u);
}

TEST(ShardSpec, ParsesKOverNAndRejectsTheRest) {
  EXPECT_EQ(ShardSpec::parse("2/8"), (ShardSpec{2, 8}));
  EXPECT_EQ(ShardSpec::parse("0/1"), (ShardSpec{0, 1}));
  for (const char* bad : {"8/8", "1/0", "", "/", "2/", "/8", "-1/4", "2/8x", " 2/8", "2", "a/b"}) {
    EXPECT_FALSE(ShardSpec::parse(bad).has_value()) << bad;
  }
}

TEST(MergeQueue, PopsInTimeThenPatientOrderWithReplaceTop) {
  // 200 fake sources, each with its own increasing times (with many ties across sources);
  // the merge must come out sorted by (time, patient) and contain everything once.
  Rng rng(4);
  const int sources = 200;
  std::vector<std::vector<SimTime>> times(sources);
  std::vector<std::tuple<SimTime, std::uint32_t>> want;
  for (int s = 0; s < sources; ++s) {
    SimTime t{};
    const int n = 1 + static_cast<int>(rng.below(50));
    for (int i = 0; i < n; ++i) {
      t += std::chrono::seconds(1 + rng.below(5));  // coarse: ties between sources
      times[s].push_back(t);
      want.emplace_back(t, static_cast<std::uint32_t>(s));
    }
  }
  std::sort(want.begin(), want.end());
  // Patients are numbered in reverse of the slots so the tie-break uses the patient.
  MergeQueue q;
  std::vector<std::size_t> pos(sources, 0);
  for (int s = 0; s < sources; ++s)
    q.push(
        {times[s][0], static_cast<std::uint32_t>(sources - 1 - s), static_cast<std::uint32_t>(s)});
  std::vector<std::tuple<SimTime, std::uint32_t>> got;
  while (!q.empty()) {
    const auto e = q.top();
    got.emplace_back(e.time, static_cast<std::uint32_t>(e.slot));
    if (++pos[e.slot] < times[e.slot].size()) {
      q.replace_top({times[e.slot][pos[e.slot]], e.patient, e.slot});
    } else {
      q.pop();
    }
  }
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 1; i < got.size(); ++i) {
    const auto [ta, sa] = got[i - 1];
    const auto [tb, sb] = got[i];
    ASSERT_LE(ta, tb);
    if (ta == tb) {
      ASSERT_GT(sa, sb) << "ties go to the lower patient (higher slot here)";
    }
  }
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, want);
}
