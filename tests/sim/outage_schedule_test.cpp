#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "iomtsim/sim/network/network_error.hpp"
#include "iomtsim/sim/network/outage_schedule.hpp"

using namespace iomtsim::sim::network;
using namespace std::chrono_literals;
using iomtsim::physiology::at_seconds;
using iomtsim::physiology::to_seconds;
using iomtsim::scenarios::OutageWindow;

namespace {
SimTime at(Duration d) { return SimTime{d}; }
}  // namespace

TEST(OutageSchedule, ScheduledWindowsAreHalfOpenAndMerged) {
  // Unsorted, one overlapping pair (100..160 and 150..200 → 100..200), one touching pair
  // (300..310 and 310..320 → 300..320), and an empty window that is no outage.
  OutageSchedule s(
      {{at(150s), 50s}, {at(300s), 10s}, {at(100s), 60s}, {at(310s), 10s}, {at(500s), 0s}},
      std::nullopt, std::nullopt, 1);
  EXPECT_FALSE(s.down_at(at(99s)));
  EXPECT_TRUE(s.down_at(at(100s)));
  EXPECT_TRUE(s.down_at(at(170s)));
  EXPECT_FALSE(s.down_at(at(200s)));
  EXPECT_EQ(s.next_up(at(120s)), at(200s));
  EXPECT_EQ(s.next_up(at(250s)), at(250s));
  EXPECT_EQ(s.next_down(at(0s)), at(100s));
  EXPECT_EQ(s.next_down(at(200s)), at(300s));
  EXPECT_EQ(s.next_down(at(305s)), at(305s));
  EXPECT_EQ(s.next_up(at(305s)), at(320s));
  EXPECT_EQ(s.next_down(at(320s)), SimTime::max());
  EXPECT_FALSE(s.down_at(at(500s)));
  const std::vector<OutageInterval> want{{at(100s), at(200s)}, {at(300s), at(320s)}};
  EXPECT_EQ(s.intervals_until(at(1000s)), want);
  EXPECT_EQ(s.down_time_until(at(310s)), 110s);
}

TEST(OutageSchedule, NoOutagesMeansAlwaysUp) {
  OutageSchedule s({}, std::nullopt, std::nullopt, 1);
  EXPECT_FALSE(s.down_at(at(1000h)));
  EXPECT_EQ(s.next_down(SimTime{}), SimTime::max());
  EXPECT_TRUE(s.intervals_until(at(1000h)).empty());
}

TEST(OutageSchedule, RandomFailuresHaveConfiguredMtbfAndMttr) {
  const Duration mtbf = 1h, mttr = 5min;
  OutageSchedule s({}, mtbf, mttr, 42);
  const SimTime horizon = at(20000h);
  const auto ivs = s.intervals_until(horizon);
  ASSERT_GT(ivs.size(), 15000u);
  double up_sum = 0, down_sum = 0;
  SimTime prev_end{};
  for (const auto& iv : ivs) {
    ASSERT_LT(iv.start, iv.end);
    ASSERT_GT(iv.start, prev_end);  // disjoint, not touching, sorted
    up_sum += to_seconds(iv.start - prev_end);
    down_sum += to_seconds(iv.length());
    prev_end = iv.end;
  }
  const double n = static_cast<double>(ivs.size());
  // Exponential: the sd equals the mean, so the mean of n has standard error mean/sqrt(n).
  EXPECT_NEAR(up_sum / n, 3600.0, 5 * 3600.0 / std::sqrt(n));
  EXPECT_NEAR(down_sum / n, 300.0, 5 * 300.0 / std::sqrt(n));
  // Availability = MTBF / (MTBF + MTTR).
  EXPECT_NEAR(to_seconds(s.down_time_until(horizon)) / to_seconds(horizon), 300.0 / 3900.0, 0.004);
}

TEST(OutageSchedule, ResultDoesNotDependOnQueryOrder) {
  OutageSchedule a({{at(2h), 30min}}, 40min, 3min, 9);
  OutageSchedule b({{at(2h), 30min}}, 40min, 3min, 9);
  // Query b at scattered times first, and backwards.
  Rng rng(1);
  for (int i = 0; i < 200; ++i) {
    const SimTime t = at_seconds(rng.uniform(0, 48 * 3600.0));
    (void)b.down_at(t);
    (void)b.next_up(t);
  }
  EXPECT_EQ(a.intervals_until(at(48h)), b.intervals_until(at(48h)));
  OutageSchedule c({{at(2h), 30min}}, 40min, 3min, 10);
  EXPECT_NE(a.intervals_until(at(48h)), c.intervals_until(at(48h)));
}

TEST(OutageSchedule, QueriesAgreeWithTheIntervalList) {
  OutageSchedule s({{at(1h), 2h}, {at(10h), 1min}}, 30min, 10min, 3);
  const auto ivs =
      OutageSchedule({{at(1h), 2h}, {at(10h), 1min}}, 30min, 10min, 3).intervals_until(at(30h));
  auto inside = [&](SimTime t) {
    for (const auto& iv : ivs)
      if (iv.start <= t && t < iv.end) return true;
    return false;
  };
  Rng rng(2);
  for (int i = 0; i < 3000; ++i) {
    const SimTime t = at_seconds(rng.uniform(0, 29 * 3600.0));
    ASSERT_EQ(s.down_at(t), inside(t)) << to_seconds(t);
    const SimTime up = s.next_up(t);
    ASSERT_FALSE(s.down_at(up));
    ASSERT_GE(up, t);
    if (up > t) {
      ASSERT_TRUE(s.down_at(up - 1ns));
    }
    const SimTime down = s.next_down(t);
    ASSERT_TRUE(down == SimTime::max() || s.down_at(down));
    if (down > t && down != SimTime::max()) {
      ASSERT_FALSE(s.down_at(down - 1ns));
    }
  }
  // The scheduled window is inside the union.
  EXPECT_TRUE(s.down_at(at(1h)));
  EXPECT_TRUE(s.down_at(at(3h) - 1ns));
}

TEST(OutageSchedule, ForgetBeforeKeepsLaterAnswers) {
  OutageSchedule a({}, 20min, 2min, 4);
  OutageSchedule b({}, 20min, 2min, 4);
  (void)b.down_at(at(10h));
  b.forget_before(at(10h));
  for (const auto& iv : a.intervals_until(at(30h))) {
    if (iv.end <= at(10h)) continue;
    EXPECT_TRUE(b.down_at(std::max(iv.start, at(10h))));
    EXPECT_EQ(b.next_up(std::max(iv.start, at(10h))), iv.end);
  }
}

TEST(OutageSchedule, RejectsIncompleteOrNegativeConfiguration) {
  EXPECT_THROW(OutageSchedule({}, 1h, std::nullopt, 1), NetworkConfigError);
  EXPECT_THROW(OutageSchedule({}, 0s, 1s, 1), NetworkConfigError);
  EXPECT_THROW(OutageSchedule({{at(1s), -5s}}, std::nullopt, std::nullopt, 1), NetworkConfigError);
}
