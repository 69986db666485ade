#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "iomtsim/sim/network/latency_model.hpp"
#include "iomtsim/sim/network/network_error.hpp"

using namespace iomtsim::sim::network;
using iomtsim::physiology::Distribution;
using iomtsim::physiology::to_seconds;

namespace {

std::vector<double> draw(const LatencyModel& m, int n, std::uint64_t seed = 7) {
  Rng rng(seed);
  std::vector<double> xs;
  xs.reserve(n);
  for (int i = 0; i < n; ++i) xs.push_back(to_seconds(m.sample(rng)));
  return xs;
}

double mean(const std::vector<double>& xs) {
  double s = 0;
  for (double x : xs) s += x;
  return s / static_cast<double>(xs.size());
}

double sd(const std::vector<double>& xs) {
  const double m = mean(xs);
  double s = 0;
  for (double x : xs) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(xs.size() - 1));
}

double quantile(std::vector<double> xs, double q) {
  std::sort(xs.begin(), xs.end());
  return xs[static_cast<std::size_t>(q * static_cast<double>(xs.size() - 1))];
}

}  // namespace

TEST(LatencyModel, ConstantPlusJitterIsUniformAboveTheConstant) {
  const LatencyModel m(Distribution::constant(0.020), 0.010);
  const auto xs = draw(m, 100000);
  for (double x : xs) {
    ASSERT_GE(x, 0.020 - 1e-9);
    ASSERT_LT(x, 0.030 + 1e-9);
  }
  // Uniform(0, 10 ms) jitter: mean 5 ms, sd 10/sqrt(12) ms; 5 standard errors.
  const double se = 0.010 / std::sqrt(12.0) / std::sqrt(100000.0);
  EXPECT_NEAR(mean(xs), 0.025, 5 * se);
  EXPECT_NEAR(sd(xs), 0.010 / std::sqrt(12.0), 0.0001);
}

TEST(LatencyModel, NormalHasConfiguredMoments) {
  const LatencyModel m(Distribution::normal(0.100, 0.015), 0.0);
  const auto xs = draw(m, 100000);
  EXPECT_NEAR(mean(xs), 0.100, 5 * 0.015 / std::sqrt(100000.0));
  EXPECT_NEAR(sd(xs), 0.015, 0.0003);
}

TEST(LatencyModel, NeverNegativeEvenWhenTheDistributionIs) {
  const LatencyModel m(Distribution::normal(0.001, 0.010), 0.0);
  const auto xs = draw(m, 20000);
  EXPECT_GE(*std::min_element(xs.begin(), xs.end()), 0.0);
  // About 46 % of the normal is negative and clamped to exactly zero.
  const auto zeros = std::count(xs.begin(), xs.end(), 0.0);
  EXPECT_NEAR(static_cast<double>(zeros) / 20000.0, 0.4602, 0.02);
}

TEST(LatencyModel, LogNormalMedianAndLogSpread) {
  const LatencyModel m(Distribution::make(Distribution::Kind::LogNormal, 0.050, 0.5), 0.0);
  const auto xs = draw(m, 100000);
  // Median 50 ms; log-sd 0.5, so the 84th percentile is median * e^0.5.
  EXPECT_NEAR(quantile(xs, 0.5), 0.050, 0.001);
  EXPECT_NEAR(quantile(xs, 0.8413) / quantile(xs, 0.5), std::exp(0.5), 0.03);
  EXPECT_NEAR(mean(xs), 0.050 * std::exp(0.125), 0.0005);
}

TEST(LatencyModel, ParetoTailFollowsItsShape) {
  const double xm = 0.010, alpha = 2.5;
  const LatencyModel m(Distribution::make(Distribution::Kind::Pareto, xm, alpha), 0.0);
  const auto xs = draw(m, 200000);
  EXPECT_GE(*std::min_element(xs.begin(), xs.end()), xm - 1e-9);
  // P(X > x) = (xm / x)^alpha: check at 2 xm (0.177) and 5 xm (0.0179).
  for (double k : {2.0, 5.0}) {
    const double p = std::pow(1.0 / k, alpha);
    const auto above = std::count_if(xs.begin(), xs.end(), [&](double x) { return x > k * xm; });
    const double se = std::sqrt(p * (1 - p) / 200000.0);
    EXPECT_NEAR(static_cast<double>(above) / 200000.0, p, 5 * se) << "k=" << k;
  }
}

TEST(LatencyModel, EmpiricalDrawsOnlyObservedValuesEvenly) {
  Distribution d;
  d.kind = Distribution::Kind::Empirical;
  d.values = {0.010, 0.020, 0.200};
  const LatencyModel m(d, 0.0);
  std::map<double, int> counts;
  for (double x : draw(m, 30000)) ++counts[x];
  ASSERT_EQ(counts.size(), 3u);
  for (const auto& [v, c] : counts) {
    EXPECT_TRUE(v == 0.010 || v == 0.020 || v == 0.200) << v;
    EXPECT_NEAR(c / 30000.0, 1.0 / 3.0, 5 * std::sqrt(2.0 / 9.0 / 30000.0));
  }
}

TEST(LatencyModel, SameSeedSameDelays) {
  const LatencyModel m(Distribution::make(Distribution::Kind::LogNormal, 0.05, 0.8), 0.01);
  EXPECT_EQ(draw(m, 1000, 99), draw(m, 1000, 99));
  EXPECT_NE(draw(m, 1000, 99), draw(m, 1000, 100));
}

TEST(LatencyModel, HugeTailIsCappedAndBadJitterRejected) {
  const LatencyModel m(Distribution::make(Distribution::Kind::Pareto, 1000.0, 0.05), 0.0);
  for (double x : draw(m, 2000)) ASSERT_LE(x, LatencyModel::kMaxLatencySeconds);
  EXPECT_THROW(LatencyModel(Distribution::constant(0.01), -0.001), NetworkConfigError);
  EXPECT_THROW(LatencyModel(Distribution::constant(0.01), NAN), NetworkConfigError);
}
