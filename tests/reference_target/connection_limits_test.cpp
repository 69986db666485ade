// The target's admission bookkeeping on its own (private headers): the connection
// registry's limits and idle eviction, and the body budget's all-or-nothing leases.
#include <gtest/gtest.h>

#include <cstdint>
#include <thread>

#include "body_budget.hpp"
#include "connection_registry.hpp"

namespace iomtsim::reference_target {
namespace {

ConnectionRegistry::Limits limits(std::size_t total, std::size_t http, std::size_t mllp) {
  ConnectionRegistry::Limits l;
  l.total = total;
  l.per_protocol[static_cast<std::size_t>(Protocol::Http)] = http;
  l.per_protocol[static_cast<std::size_t>(Protocol::Mllp)] = mllp;
  return l;
}

TEST(ConnectionRegistry, AtTheLimitTheLongestIdleMakesRoom) {
  Metrics m;
  ConnectionRegistry reg(limits(0, 3, 0), m);
  std::vector<int> closed;
  std::vector<ConnectionRegistry::SlotPtr> slots;
  for (int i = 0; i < 3; ++i)
    slots.push_back(reg.admit(Protocol::Http, [&closed, i] { closed.push_back(i); }));
  for (const auto& s : slots) ASSERT_TRUE(s);
  // 0 busy; 2 idle first, then 1: 2 is the longest idle.
  slots[2]->set_idle(true);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  slots[1]->set_idle(true);
  auto fourth = reg.admit(Protocol::Http, [&closed] { closed.push_back(3); });
  ASSERT_TRUE(fourth);
  EXPECT_EQ(closed, std::vector<int>{2});
  EXPECT_EQ(m.snapshot().refused(Protocol::Http, Refusal::IdleEvicted), 1u);
  // The evicted one leaves when its session ends; its slot was already given away.
  reg.remove(slots[2]);
  auto fifth = reg.admit(Protocol::Http, [&closed] { closed.push_back(4); });
  ASSERT_TRUE(fifth);
  EXPECT_EQ(closed, (std::vector<int>{2, 1}));
  // Nobody idle any more: refused, and counted.
  EXPECT_FALSE(reg.admit(Protocol::Http, [] {}));
  EXPECT_EQ(m.snapshot().refused(Protocol::Http, Refusal::ConnectionLimit), 1u);
  // Another protocol has its own limit (none here).
  EXPECT_TRUE(reg.admit(Protocol::Mllp, [] {}));
}

TEST(ConnectionRegistry, TheTotalLimitMayEvictAnotherProtocol) {
  Metrics m;
  ConnectionRegistry reg(limits(2, 0, 0), m);
  int closed = 0;
  auto a = reg.admit(Protocol::Mllp, [&] { ++closed; });
  auto b = reg.admit(Protocol::Http, [] {});
  a->set_idle(true);
  auto c = reg.admit(Protocol::Http, [] {});
  ASSERT_TRUE(c);
  EXPECT_EQ(closed, 1);
  EXPECT_EQ(m.snapshot().refused(Protocol::Mllp, Refusal::IdleEvicted), 1u);
  reg.remove(a);
  reg.remove(b);
  EXPECT_TRUE(reg.admit(Protocol::Proto, [] {}));
  EXPECT_EQ(reg.size(), 2u);
}

TEST(BodyBudget, LeasesAreAllOrNothingAndGiveBack) {
  std::atomic<std::uint64_t> gauge{0};
  BodyBudget budget(1000, gauge);
  BodyLease a(budget), b(budget);
  EXPECT_TRUE(a.resize(600));
  EXPECT_FALSE(b.resize(500));  // 1100 > 1000: nothing taken
  EXPECT_EQ(b.held(), 0u);
  EXPECT_TRUE(b.resize(400));
  EXPECT_EQ(gauge.load(), 1000u);
  EXPECT_FALSE(a.grow_by(1));
  EXPECT_TRUE(a.resize(100));  // shrinking always works
  EXPECT_TRUE(b.grow_by(500));
  {
    BodyLease c(budget);
    EXPECT_FALSE(c.resize(1));
  }
  b.resize(0);
  EXPECT_EQ(budget.used(), 100u);
  EXPECT_FALSE(BodyLease(budget).resize(SIZE_MAX));  // no wrap-around
}

}  // namespace
}  // namespace iomtsim::reference_target
