// The memory estimate a fleet is checked against before anything is allocated: what it
// counts (patients and devices of this shard, messages in flight at the run's speed) and
// when it refuses. The per-unit costs themselves are measured (memory_estimate.cpp).
#include <gtest/gtest.h>

#include "iomtsim/sim/memory_estimate.hpp"
#include "support/ward_scenario.hpp"

using namespace iomtsim;
using namespace iomtsim::sim;

namespace {

scenarios::Scenario two_cohorts(std::uint32_t a, std::uint32_t b) {
  auto s = iomtsim::testing::ward_scenario({.healthy = a, .every = std::chrono::seconds(10)});
  auto second = iomtsim::testing::ward_cohort("second", b, {.every = std::chrono::seconds(10)});
  second.devices.push_back(second.devices.front());  // two devices per patient
  second.devices.back().model.name = "monitor2";
  second.physiology.devices.push_back(second.devices.back().model);
  s.cohorts.push_back(second);
  s.target.request_timeout = std::chrono::seconds(10);
  return s;
}

TEST(MemoryEstimate, CountsThePatientsAndDevicesOfItsShard) {
  const auto s = two_cohorts(10, 7);
  const auto whole = estimate_memory(s, {}, EngineKind::Generate);
  EXPECT_EQ(whole.patients, 17u);
  EXPECT_EQ(whole.devices, 10u + 14u);
  EXPECT_EQ(whole.in_flight, 0u);  // generate sends nothing
  // Shard 1/3 holds patients 1, 4, 7 of the first cohort (0..9) and 10, 13, 16 of the second.
  const auto part = estimate_memory(s, ShardSpec{1, 3}, EngineKind::Generate);
  EXPECT_EQ(part.patients, 6u);
  EXPECT_EQ(part.devices, 3u + 6u);
  EXPECT_LT(part.bytes, whole.bytes);
}

TEST(MemoryEstimate, MessagesInFlightFollowTheRateTheSpeedAndTheTimeout) {
  // 17 patients, 24 devices of 3 readings every 10 s: 7.2 messages a scenario second.
  const auto s = two_cohorts(10, 7);
  const auto at1 = estimate_memory(s, {}, EngineKind::RealTime, 1.0);
  EXPECT_NEAR(at1.messages_per_s, 7.2, 1e-9);
  EXPECT_EQ(at1.in_flight, 72u);  // every message waiting its 10 s timeout
  const auto at100 = estimate_memory(s, {}, EngineKind::RealTime, 100.0);
  EXPECT_EQ(at100.in_flight, 7200u);
  EXPECT_GT(at100.bytes, at1.bytes);
  const auto simulated = estimate_memory(s, {}, EngineKind::Simulated, 100.0);  // speed ignored
  EXPECT_EQ(simulated.in_flight, 72u);
}

TEST(MemoryEstimate, AMillionPatientsIsGigabytesAndGrowsLinearly) {
  auto s = two_cohorts(1'000'000, 0);
  const auto million = estimate_memory(s, {}, EngineKind::RealTime);
  s.cohorts[0].physiology.count = 2'000'000;
  const auto two_million = estimate_memory(s, {}, EngineKind::RealTime);
  EXPECT_GT(million.bytes, 4ull << 30);
  const auto base = estimate_memory(two_cohorts(0, 0), {}, EngineKind::RealTime).bytes;
  EXPECT_NEAR(
      static_cast<double>(two_million.bytes - base) / static_cast<double>(million.bytes - base),
      2.0, 0.01);
}

TEST(MemoryEstimate, RefusesOnlyWhatExceedsTheLimit) {
  const auto e = estimate_memory(two_cohorts(1'000'000, 0), {}, EngineKind::RealTime);
  EXPECT_FALSE(memory_refusal(e, e.bytes, "a run of this fleet"));
  EXPECT_FALSE(memory_refusal(e, 0, "a run of this fleet"));  // 0: no limit
  const auto refusal = memory_refusal(e, 1ull << 30, "a run of this fleet");
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->rfind("a run of this fleet needs about ", 0), 0u) << *refusal;
  EXPECT_NE(refusal->find("1,000,000 patients"), std::string::npos) << *refusal;
  EXPECT_NE(refusal->find("more than the 1.0 GiB it may use here"), std::string::npos) << *refusal;
  EXPECT_NE(refusal->find("--max-memory"), std::string::npos) << *refusal;
}

TEST(MemoryEstimate, BytesAreWrittenForPeople) {
  EXPECT_EQ(format_bytes(512), "512 bytes");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(3ull << 30), "3.0 GiB");
}

TEST(MemoryEstimate, AvailableMemoryIsKnownOnLinux) {
  const auto have = available_memory_bytes();
  ASSERT_TRUE(have);
  EXPECT_GT(*have, 0u);
}

}  // namespace
