#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <string>

#include "iomtsim/sim/network/network_error.hpp"
#include "iomtsim/sim/network/reconnect_backoff.hpp"
#include "iomtsim/sim/network/store_forward_buffer.hpp"

using namespace iomtsim::sim::network;
using namespace std::chrono_literals;

TEST(ReconnectBackoff, DoublesToTheCeilingAndResets) {
  ReconnectBackoff b(1s, 60s, 0.0);
  Rng rng(1);
  const Duration want[] = {1s, 2s, 4s, 8s, 16s, 32s, 60s, 60s, 60s};
  for (Duration w : want) EXPECT_EQ(b.next_delay(rng), w);
  EXPECT_EQ(b.attempts(), 9u);
  b.reset();
  EXPECT_EQ(b.next_delay(rng), 1s);
  EXPECT_EQ(b.base_delay(1000), 60s);  // no overflow for absurd attempt counts
}

TEST(ReconnectBackoff, JitterStaysWithinItsFractionAndIsCentred) {
  ReconnectBackoff b(2s, 2s, 0.2);
  Rng rng(3);
  double sum = 0;
  const int n = 50000;
  for (int i = 0; i < n; ++i) {
    const Duration d = b.next_delay(rng);
    ASSERT_GE(d, 1600ms);
    ASSERT_LT(d, 2400ms);
    sum += static_cast<double>(d.count());
  }
  // Uniform ±0.4 s: sd 0.4/sqrt(3) s.
  EXPECT_NEAR(sum / n * 1e-9, 2.0, 5 * 0.4 / std::sqrt(3.0) / std::sqrt(n));
}

TEST(ReconnectBackoff, RejectsBadConfiguration) {
  EXPECT_THROW(ReconnectBackoff(0s, 1s, 0.1), NetworkConfigError);
  EXPECT_THROW(ReconnectBackoff(2s, 1s, 0.1), NetworkConfigError);
  EXPECT_THROW(ReconnectBackoff(1s, 2s, 1.0), NetworkConfigError);
  EXPECT_THROW(ReconnectBackoff(1s, 2s, -0.1), NetworkConfigError);
}

TEST(StoreForwardBuffer, DropsOldestWhenFullAndDrainsInOrder) {
  StoreForwardBuffer<int> buf(3);
  std::vector<int> dropped;
  for (int i = 1; i <= 5; ++i) {
    if (auto d = buf.push(i)) dropped.push_back(*d);
  }
  EXPECT_EQ(dropped, (std::vector<int>{1, 2}));
  EXPECT_EQ(buf.dropped(), 2u);
  EXPECT_EQ(buf.size(), 3u);
  EXPECT_EQ(buf.drain(), (std::vector<int>{3, 4, 5}));
  EXPECT_TRUE(buf.empty());
  EXPECT_FALSE(buf.push(6).has_value());
  EXPECT_EQ(buf.drain(), (std::vector<int>{6}));
}

TEST(StoreForwardBuffer, ZeroCapacityHandsEveryItemBack) {
  StoreForwardBuffer<std::string> buf(0);
  auto d = buf.push("a");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(*d, "a");
  EXPECT_TRUE(buf.empty());
  EXPECT_EQ(buf.dropped(), 1u);
}

TEST(StoreForwardBuffer, RingKeepsFifoOrderAcrossWrapAndGrowth) {
  // Interleave pushes and overflow so the ring wraps while still growing, against a
  // plain reference model.
  StoreForwardBuffer<int> buf(7);
  std::vector<int> model, dropped_model, dropped;
  iomtsim::physiology::Rng rng(5);
  int next = 0;
  for (int round = 0; round < 50; ++round) {
    const int pushes = static_cast<int>(rng.below(12));
    for (int i = 0; i < pushes; ++i) {
      if (auto d = buf.push(next)) dropped.push_back(*d);
      model.push_back(next++);
      if (model.size() > 7) {
        dropped_model.push_back(model.front());
        model.erase(model.begin());
      }
      ASSERT_EQ(buf.snapshot(), model);
    }
    if (rng.bernoulli(0.3)) {
      ASSERT_EQ(buf.drain(), model);
      model.clear();
    }
  }
  EXPECT_EQ(dropped, dropped_model);
  EXPECT_EQ(buf.dropped(), dropped_model.size());
}
