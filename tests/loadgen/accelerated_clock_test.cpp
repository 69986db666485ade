#include <gtest/gtest.h>

#include "iomtsim/loadgen/accelerated_clock.hpp"

using namespace iomtsim;
using namespace std::chrono;

TEST(AcceleratedClock, MapsWallToScenarioAndBack) {
  const auto start = steady_clock::time_point{} + hours(5);
  loadgen::AcceleratedClock clock(start, 60.0);
  EXPECT_EQ(clock.to_scenario(start + seconds(1)), physiology::SimTime{} + minutes(1));
  EXPECT_EQ(clock.to_wall(physiology::SimTime{} + hours(24)), start + minutes(24));
  const auto t = physiology::SimTime{} + nanoseconds(123456789012);
  EXPECT_LE(std::abs((clock.to_scenario(clock.to_wall(t)) - t).count()), 60);
}

TEST(AcceleratedClock, RealTimeIsExact) {
  const auto start = steady_clock::time_point{} + seconds(3);
  loadgen::AcceleratedClock clock(start, 1.0);
  EXPECT_EQ(clock.to_scenario(start + nanoseconds(7)).time_since_epoch().count(), 7);
}

TEST(AcceleratedClock, RejectsNonPositiveSpeed) {
  EXPECT_THROW(loadgen::AcceleratedClock(steady_clock::now(), 0.0), std::invalid_argument);
  EXPECT_THROW(loadgen::AcceleratedClock(steady_clock::now(), -2.0), std::invalid_argument);
}
