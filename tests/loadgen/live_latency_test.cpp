// The progress display's coarse live histogram (loadgen/src/live_latency.hpp).
#include <gtest/gtest.h>

#include "live_latency.hpp"

using iomtsim::loadgen::detail::live_percentile;
using iomtsim::loadgen::detail::LiveLatency;

TEST(LiveLatency, BucketEdgesAreMonotonicAndRoundTrip) {
  for (std::uint64_t v = 0; v < 4; ++v) EXPECT_EQ(LiveLatency::index_of(v), v);
  EXPECT_EQ(LiveLatency::index_of(4), 8u);
  for (std::size_t i = 9; i < 4 * 62; ++i) {
    EXPECT_LT(LiveLatency::lower_edge(i - 1), LiveLatency::lower_edge(i)) << i;
    EXPECT_EQ(LiveLatency::index_of(LiveLatency::lower_edge(i)), i) << i;
    EXPECT_EQ(LiveLatency::index_of(LiveLatency::lower_edge(i + 1) - 1), i) << i;
  }
}

TEST(LiveLatency, PercentilesWithinABucketWidth) {
  LiveLatency h;
  for (int i = 0; i < 98; ++i) h.record(1'000'000);  // 1 ms
  for (int i = 0; i < 2; ++i) h.record(500'000'000);  // 500 ms
  std::array<std::uint64_t, LiveLatency::kBuckets> sum{};
  h.add_to(sum);
  const double p50 = static_cast<double>(live_percentile(sum, 50));
  const double p99 = static_cast<double>(live_percentile(sum, 99));
  EXPECT_NEAR(p50, 1e6, 0.2e6);
  EXPECT_NEAR(p99, 5e8, 0.1e9);
  std::array<std::uint64_t, LiveLatency::kBuckets> empty{};
  EXPECT_EQ(live_percentile(empty, 99), 0u);
}
