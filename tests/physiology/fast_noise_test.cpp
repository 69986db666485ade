// White-box tests of the numerics hot-path helpers (physiology/src/fast_noise.hpp). The
// speed-ups there promise the same bits as the plain formulas they replaced; these tests
// hold them to it, including the query orders and ranges the generator never uses today.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "fast_noise.hpp"

using namespace iomtsim::physiology;
using namespace iomtsim::physiology::detail;

namespace {

// The formulas as they were before the branch-free rewrite (reference for bit identity).
double round_nearest_branchy(double x) {
  return static_cast<double>(static_cast<std::int64_t>(x + (x >= 0.0 ? 0.5 : -0.5)));
}

double fast_sin_branchy(double x) {
  constexpr double kTwoPi = 6.283185307179586;
  constexpr double kPi = 3.141592653589793;
  x -= kTwoPi * round_nearest_branchy(x * (1.0 / kTwoPi));
  if (x > 0.5 * kPi) x = kPi - x;
  if (x < -0.5 * kPi) x = -kPi - x;
  const double x2 = x * x;
  return x *
         (1.0 + x2 * (-1.6666666666666666e-01 +
                      x2 * (8.3333333333333332e-03 +
                            x2 * (-1.9841269841269841e-04 +
                                  x2 * (2.7557319223985893e-06 + x2 * -2.505210838544172e-08)))));
}

std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }

}  // namespace

TEST(FastNoise, RoundNearestMatchesTheBranchyFormulaBitForBit) {
  const double fixed[] = {0.0,
                          -0.0,
                          0.5,
                          -0.5,
                          1.5,
                          -1.5,
                          2.4999999999999996,
                          -2.5,
                          0.49999999999999994,
                          -0.49999999999999994,
                          1e15 + 0.5,
                          -1e15 - 0.5,
                          72.5,
                          98.4999,
                          4503599627370495.5};
  for (double x : fixed) EXPECT_EQ(bits(round_nearest(x)), bits(round_nearest_branchy(x))) << x;
  Rng rng(7);
  for (int i = 0; i < 100000; ++i) {
    const double x = rng.uniform(-1e6, 1e6);
    ASSERT_EQ(bits(round_nearest(x)), bits(round_nearest_branchy(x))) << x;
  }
  EXPECT_EQ(round_nearest(2.5), 3.0);
  EXPECT_EQ(round_nearest(-2.5), -3.0);
}

TEST(FastNoise, FastSinMatchesTheBranchyFoldBitForBitAndSinToOneMillionth) {
  Rng rng(11);
  double worst = 0.0;
  for (int i = 0; i < 200000; ++i) {
    // Phases as the HF term produces them: up to 10 years at ~0.3 Hz.
    const double x = rng.uniform(-1e8, 1e8) * (i % 2 ? 1.0 : 1e-7);
    ASSERT_EQ(bits(fast_sin(x)), bits(fast_sin_branchy(x))) << x;
    if (std::fabs(x) < 1e3) worst = std::max(worst, std::fabs(fast_sin(x) - std::sin(x)));
  }
  // The fold points themselves.
  constexpr double kPi = 3.141592653589793;
  for (double x : {0.5 * kPi, -0.5 * kPi, kPi, -kPi, std::nextafter(0.5 * kPi, 4.0)})
    EXPECT_EQ(bits(fast_sin(x)), bits(fast_sin_branchy(x))) << x;
  EXPECT_LT(worst, 1e-6);
}

TEST(FastNoise, CachedCellsEqualValueNoiseInAnyQueryOrder) {
  const std::uint64_t key = 0x1234567887654321ull;
  const double spacing[] = {4.0, 15.0, 20.0, 8.0};
  std::vector<double> times;
  for (int i = 0; i < 400; ++i) times.push_back(0.25 * i);  // forward, several per cell
  for (int i = 400; i > 0; --i) times.push_back(0.37 * i);  // backward
  Rng rng(3);
  for (int i = 0; i < 2000; ++i) times.push_back(rng.uniform(0.0, 5e5));  // random jumps
  // Cell edges, lattice indices past int32 (uncached), negative times (uncached).
  for (double t : {0.0, 4.0, 8.0, 60.0, 59.999999999999993, 1e10, 9e9, -3.0, -0.5})
    times.push_back(t);

  ValueNoiseCells<4> cells;
  for (double t : times) {
    for (std::size_t c = 0; c < 4; ++c) {
      const double want = value_noise(key + c, t, spacing[c]);
      ASSERT_EQ(bits(cells.eval(c, key + c, t, spacing[c])), bits(want))
          << "t=" << t << " channel " << c;
    }
  }
}

TEST(FastNoise, ChannelsAreIndependentMemos) {
  // Two channels on the same lattice but different keys: a cell cached for one must not
  // leak into the other.
  ValueNoiseCells<2> cells;
  for (double t = 0.0; t < 100.0; t += 1.0) {
    EXPECT_EQ(bits(cells.eval(0, 1, t, 4.0)), bits(value_noise(1, t, 4.0)));
    EXPECT_EQ(bits(cells.eval(1, 2, t, 4.0)), bits(value_noise(2, t, 4.0)));
  }
  EXPECT_NE(value_noise(1, 1.0, 4.0), value_noise(2, 1.0, 4.0));
}

TEST(FastNoise, CachedFourChannelCellsEqualValueNoise4InAnyQueryOrder) {
  std::vector<double> times;
  for (int i = 0; i < 300; ++i) times.push_back(30.0 * i);  // the slow grid's steps
  Rng rng(5);
  for (int i = 0; i < 1000; ++i) times.push_back(rng.uniform(0.0, 3e6));
  for (double t : {0.0, 180.0, 1200.0, 1199.9999999999998, 1e13, -60.0}) times.push_back(t);
  ValueNoise4Cells<2> cells;
  for (double t : times) {
    for (std::size_t c = 0; c < 2; ++c) {
      const double spacing = c == 0 ? 1200.0 : 180.0;
      double want[4], got[4];
      value_noise4(77 + c, t, spacing, want);
      cells.eval(c, 77 + c, t, spacing, got);
      for (int j = 0; j < 4; ++j)
        ASSERT_EQ(bits(got[j]), bits(want[j])) << "t=" << t << " c=" << c << " j=" << j;
    }
  }
}

TEST(FastNoise, TableSinIsWithinSixMillionthsOfSinForHeartRatePhases) {
  Rng rng(13);
  double worst = 0.0;
  for (int i = 0; i < 200000; ++i) {
    // Breathing-rate phases up to ten years (2*pi*0.5 Hz * 3.2e8 s), and negative ones.
    const double x = rng.uniform(-1e3, 1e9) * (i % 3 ? 1.0 : 1e-6);
    worst = std::max(worst, std::fabs(table_sin(x) - std::sin(x)));
  }
  EXPECT_LT(worst, 6e-6);
  EXPECT_GT(worst, 1e-7);  // it is an approximation: this test would notice a swap to libm
  // The nodes carry fast_sin's values (its own error is < 1e-6).
  EXPECT_EQ(table_sin(0.0), 0.0);
  EXPECT_NEAR(table_sin(0.5 * 3.141592653589793), 1.0, 1e-6);
  EXPECT_NEAR(table_sin(-0.5 * 3.141592653589793), -1.0, 1e-6);
}
