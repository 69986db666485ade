#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "iomtsim/sim/network/loss_model.hpp"
#include "iomtsim/sim/network/network_error.hpp"

using namespace iomtsim::sim::network;

TEST(LossModel, BernoulliRateMatchesConfiguration) {
  for (double p : {0.0, 0.01, 0.05, 0.3}) {
    LossModel m(p, std::nullopt);
    Rng rng(11);
    const int n = 200000;
    int lost = 0;
    for (int i = 0; i < n; ++i) lost += m.lose_next(rng);
    // Binomial standard error; 5 of them: a false failure about once in 1.7 million runs.
    const double se = std::sqrt(p * (1 - p) / n);
    EXPECT_NEAR(static_cast<double>(lost) / n, p, 5 * se + 1e-12) << "p=" << p;
    EXPECT_NEAR(m.expected_rate(), p, 1e-12);
  }
}

TEST(LossModel, GilbertElliottMeanRateIsTheStationaryRate) {
  const GilbertElliott ge{0.02, 0.25, 0.01, 0.6};
  LossModel m(0.0, ge);
  const double pi_bad = 0.02 / (0.02 + 0.25);
  const double expected = (1 - pi_bad) * 0.01 + pi_bad * 0.6;
  EXPECT_NEAR(m.expected_rate(), expected, 1e-12);
  Rng rng(5);
  const int n = 1000000;
  int lost = 0;
  for (int i = 0; i < n; ++i) lost += m.lose_next(rng);
  // Losses are correlated through the state: the variance of the mean is inflated by
  // about (1 + r) / (1 - r), r = 1 - p_gb - p_bg the chain's lag-1 correlation. Use that
  // inflated standard error, 5 of them.
  const double r = 1 - 0.02 - 0.25;
  const double se = std::sqrt(expected * (1 - expected) * (1 + r) / (1 - r) / n);
  EXPECT_NEAR(static_cast<double>(lost) / n, expected, 5 * se);
}

TEST(LossModel, GilbertElliottBurstsAreGeometric) {
  // loss only (and always) in the bad state: a burst of losses is one bad sojourn,
  // geometric with mean 1 / p_bad_to_good.
  const double p_bg = 0.2;
  LossModel m(0.0, GilbertElliott{0.01, p_bg, 0.0, 1.0});
  Rng rng(8);
  std::map<int, int> bursts;  // length -> count
  int run = 0, total = 0;
  for (int i = 0; i < 2000000; ++i) {
    if (m.lose_next(rng)) {
      ++run;
    } else if (run > 0) {
      ++bursts[run];
      ++total;
      run = 0;
    }
  }
  ASSERT_GT(total, 10000);
  double sum = 0;
  for (const auto& [len, c] : bursts) sum += static_cast<double>(len) * c;
  const double mean_len = sum / total;
  // Geometric: mean 1/p = 5, sd sqrt(1-p)/p = 4.47.
  EXPECT_NEAR(mean_len, 1 / p_bg, 5 * std::sqrt(1 - p_bg) / p_bg / std::sqrt(total));
  // P(length = 1) = p, P(length = 2) = (1-p) p.
  const double f1 = static_cast<double>(bursts[1]) / total;
  const double f2 = static_cast<double>(bursts[2]) / total;
  EXPECT_NEAR(f1, p_bg, 5 * std::sqrt(p_bg * (1 - p_bg) / total));
  EXPECT_NEAR(f2, (1 - p_bg) * p_bg, 5 * std::sqrt(0.16 * 0.84 / total));
}

TEST(LossModel, IndependentAndBurstyCombine) {
  LossModel m(0.05, GilbertElliott{0.01, 0.1, 0.0, 0.5});
  const double pi_bad = 0.01 / 0.11;
  const double ge = pi_bad * 0.5;
  EXPECT_NEAR(m.expected_rate(), 1 - 0.95 * (1 - ge), 1e-12);
  Rng rng(3);
  const int n = 1000000;
  int lost = 0;
  for (int i = 0; i < n; ++i) lost += m.lose_next(rng);
  // Bursty part inflates the variance (see above): r = 0.89, factor 17; 5 standard errors.
  EXPECT_NEAR(static_cast<double>(lost) / n, m.expected_rate(),
              5 * std::sqrt(0.0932 * 0.9068 * 17.2 / n));
}

TEST(LossModel, DrawCountIsFixedWhateverTheConfiguration) {
  LossModel plain(0.1, std::nullopt);
  LossModel bursty(0.1, GilbertElliott{});
  Rng a(77), b(77);
  for (int i = 0; i < 1000; ++i) {
    plain.lose_next(a);
    bursty.lose_next(b);
  }
  EXPECT_EQ(a.next_u64(), b.next_u64());
}

TEST(LossModel, RejectsProbabilitiesOutsideZeroOne) {
  EXPECT_THROW(LossModel(-0.1, std::nullopt), NetworkConfigError);
  EXPECT_THROW(LossModel(1.5, std::nullopt), NetworkConfigError);
  EXPECT_THROW(LossModel(NAN, std::nullopt), NetworkConfigError);
  EXPECT_THROW(LossModel(0.0, GilbertElliott{0.1, 2.0, 0.0, 0.5}), NetworkConfigError);
  EXPECT_NO_THROW(LossModel(1.0, GilbertElliott{0.0, 0.0, 0.0, 1.0}));
}
