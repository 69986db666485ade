#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "iomtsim/physiology/random.hpp"
#include "iomtsim/reports/histogram.hpp"

using namespace iomtsim::reports;
using iomtsim::physiology::Rng;

namespace {
// Log-uniform values from 1 µs to 1 h in ns.
std::vector<std::int64_t> random_latencies(std::uint64_t seed, std::size_t n) {
  Rng rng(seed);
  std::vector<std::int64_t> v(n);
  for (auto& x : v)
    x = static_cast<std::int64_t>(std::exp(rng.uniform(std::log(1e3), std::log(3.6e12))));
  return v;
}
}  // namespace

class HistogramPrecision : public ::testing::TestWithParam<int> {};

TEST_P(HistogramPrecision, RelativeErrorWithinSignificantDigits) {
  const int digits = GetParam();
  Histogram h(HistogramConfig{1, 86'400'000'000'000, digits});
  const double bound = std::pow(10.0, -digits);
  auto values = random_latencies(1000 + static_cast<std::uint64_t>(digits), 20000);
  for (auto v : values) {
    h.record(v);
    // Every value reads back as a member of a bucket narrower than bound * value.
    const auto lo = h.lowest_equivalent(v), hi = h.highest_equivalent(v);
    ASSERT_LE(lo, v);
    ASSERT_GE(hi, v);
    ASSERT_LE(static_cast<double>(hi - lo), bound * static_cast<double>(v)) << v;
  }
  std::sort(values.begin(), values.end());
  for (double p : {1.0, 10.0, 50.0, 90.0, 99.0, 99.9, 99.99}) {
    const auto rank = std::max<std::size_t>(
        1, static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size()) + 0.5));
    const double exact = static_cast<double>(values[rank - 1]);
    const double got = static_cast<double>(h.value_at_percentile(p));
    EXPECT_LE(std::abs(got - exact) / exact, bound) << "p" << p;
  }
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.max(), values.back());
  EXPECT_EQ(h.count(), static_cast<std::int64_t>(values.size()));
  double mean = 0;
  for (auto v : values) mean += static_cast<double>(v);
  mean /= static_cast<double>(values.size());
  EXPECT_LE(std::abs(h.mean() - mean) / mean, bound);
}

INSTANTIATE_TEST_SUITE_P(Digits, HistogramPrecision, ::testing::Values(1, 2, 3, 4));

TEST(Histogram, SmallValuesAreExactAtUnitResolution) {
  Histogram h;  // lowest 1 ns, 3 digits: values below 2048 have their own bucket
  for (std::int64_t v = 0; v < 2048; ++v) {
    EXPECT_EQ(h.lowest_equivalent(v), v);
    EXPECT_EQ(h.highest_equivalent(v), v);
  }
}

TEST(Histogram, MergeIsExactAndOrderIndependent) {
  const auto a = random_latencies(1, 5000), b = random_latencies(2, 7000),
             c = random_latencies(3, 100);
  Histogram ha, hb, hc, all;
  for (auto v : a) ha.record(v), all.record(v);
  for (auto v : b) hb.record(v), all.record(v);
  for (auto v : c) hc.record(v), all.record(v);
  Histogram m1 = ha;
  m1.merge(hb);
  m1.merge(hc);
  Histogram m2 = hc;
  m2.merge(hb);
  m2.merge(ha);
  EXPECT_EQ(m1, all);
  EXPECT_EQ(m2, all);
  for (double p : {50.0, 99.0, 99.9})
    EXPECT_EQ(m1.value_at_percentile(p), all.value_at_percentile(p));
  EXPECT_DOUBLE_EQ(m1.mean(), all.mean());
}

TEST(Histogram, MergeRejectsDifferentConfigurations) {
  Histogram a(HistogramConfig{1, 1'000'000'000, 3});
  Histogram b(HistogramConfig{1, 1'000'000'000, 2});
  b.record(5);
  EXPECT_THROW(a.merge(b), HistogramError);
}

TEST(Histogram, JsonRoundTripIsExactAndSparse) {
  Histogram h;
  for (auto v : random_latencies(9, 3000)) h.record(v);
  h.record(-5);  // clamped to 0 and counted
  const std::string text = h.to_json();
  const Histogram back = Histogram::from_json(text);
  EXPECT_EQ(back, h);
  EXPECT_EQ(back.clamped_count(), 1);
  EXPECT_EQ(back.value_at_percentile(99.9), h.value_at_percentile(99.9));
  // Sparse: far fewer characters than one number per counter of the full range.
  EXPECT_LT(text.size(), 3000u * 20u);
}

TEST(Histogram, MalformedJsonIsATypedError) {
  EXPECT_THROW(Histogram::from_json("{\"lowest\":1}"), HistogramError);
  EXPECT_THROW(Histogram::from_json("not json"), HistogramError);
  EXPECT_THROW(Histogram::from_json(R"({"lowest":1,"highest":1000000,"digits":3,"count":5,)"
                                    R"("min":1,"max":1,"buckets":[[1,4]]})"),
               HistogramError);  // count disagrees with buckets
  EXPECT_THROW(Histogram::from_json(R"({"lowest":1,"highest":1000000,"digits":3,"count":1,)"
                                    R"("min":1,"max":1,"buckets":[[99999999,1]]})"),
               HistogramError);  // index beyond the configured range
}

TEST(Histogram, InvalidConfigurationThrows) {
  EXPECT_THROW(Histogram(HistogramConfig{1, 1000, 0}), HistogramError);
  EXPECT_THROW(Histogram(HistogramConfig{1, 1000, 6}), HistogramError);
  EXPECT_THROW(Histogram(HistogramConfig{0, 1000, 3}), HistogramError);
  EXPECT_THROW(Histogram(HistogramConfig{100, 150, 3}), HistogramError);
}

TEST(Histogram, OutOfRangeValuesAreClampedAndCounted) {
  Histogram h(HistogramConfig{1, 1'000'000, 3});
  h.record(5'000'000);
  h.record(-1);
  h.record(10);
  EXPECT_EQ(h.count(), 3);
  EXPECT_EQ(h.clamped_count(), 2);
  EXPECT_EQ(h.max(), 1'000'000);
  EXPECT_EQ(h.min(), 0);
}

TEST(Histogram, CorrectedRecordingFillsTheHiddenValues) {
  Histogram h;
  h.record_corrected(100, 10);  // 100, 90, 80, …, 10
  EXPECT_EQ(h.count(), 10);
  EXPECT_EQ(h.min(), 10);
  EXPECT_EQ(h.max(), 100);
  EXPECT_EQ(h.value_at_percentile(50), 50);
  Histogram raw;
  raw.record_corrected(5, 10);  // below the interval: nothing hidden
  EXPECT_EQ(raw.count(), 1);
}

TEST(Histogram, EmptyHistogramReportsZeros) {
  Histogram h;
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.value_at_percentile(99), 0);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_EQ(Histogram::from_json(h.to_json()), h);
}

TEST(Histogram, FractionAtOrBelowIsACdf) {
  Histogram h;
  for (std::int64_t v = 1; v <= 1000; ++v) h.record(v);
  EXPECT_DOUBLE_EQ(h.fraction_at_or_below(500), 0.5);
  EXPECT_DOUBLE_EQ(h.fraction_at_or_below(1000), 1.0);
  EXPECT_DOUBLE_EQ(h.fraction_at_or_below(0), 0.0);
}
