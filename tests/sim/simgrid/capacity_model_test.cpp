#include <gtest/gtest.h>

#include "iomtsim/sim/simgrid/capacity_model.hpp"
#include "iomtsim/sim/simgrid/simulate.hpp"

using namespace iomtsim::sim::simgrid;
using namespace std::chrono_literals;

TEST(CapacityModel, ParsesFailures) {
  const auto f = parse_failure("server:1@3h");
  EXPECT_EQ(f.kind, ScheduledFailure::Kind::Server);
  EXPECT_EQ(f.server, 1u);
  EXPECT_EQ(f.at, SimTime{3h});
  EXPECT_FALSE(f.length);
  EXPECT_TRUE(f.down_at(SimTime{5h}));
  const auto l = parse_failure("link:wan@2h+10min");
  EXPECT_EQ(l.kind, ScheduledFailure::Kind::Link);
  EXPECT_EQ(l.link, "wan");
  ASSERT_TRUE(l.length);
  EXPECT_EQ(*l.length, 10min);
  EXPECT_TRUE(l.down_at(SimTime{2h + 9min}));
  EXPECT_FALSE(l.down_at(SimTime{2h + 10min}));
  for (const char* bad :
       {"server1@3h", "server:x@3h", "disk:1@3h", "server:1@soon", "link:@1h", "server:1@1h+0s"})
    EXPECT_THROW(parse_failure(bad), CapacityError) << bad;
}

TEST(CapacityModel, ParsesUnitsAndFidelity) {
  EXPECT_EQ(parse_duration("250us"), 250us);
  EXPECT_EQ(parse_duration("2 ms"), 2ms);
  EXPECT_EQ(parse_duration("90s"), 90s);
  EXPECT_DOUBLE_EQ(parse_bandwidth_bps("1Gbps"), 1e9);
  EXPECT_DOUBLE_EQ(parse_bandwidth_bps("100 Mbps"), 1e8);
  EXPECT_DOUBLE_EQ(parse_bandwidth_bps("5e6"), 5e6);
  EXPECT_THROW(parse_bandwidth_bps("fast"), CapacityError);
  EXPECT_THROW(parse_duration("-1s"), CapacityError);
  EXPECT_EQ(parse_fidelity("aggregated"), Fidelity::Aggregated);
  EXPECT_THROW(parse_fidelity("fine"), CapacityError);
}

TEST(CapacityModel, ValidatesAndResolvesAuto) {
  CapacityModel m;
  EXPECT_NO_THROW(m.validate());
  m.failures = {parse_failure("server:6@1h")};  // servers are 0..5
  EXPECT_THROW(m.validate(), CapacityError);
  m.failures.clear();
  m.servers = 0;
  EXPECT_THROW(m.validate(), CapacityError);
  m = CapacityModel{};
  EXPECT_EQ(resolve_fidelity(m, 10'000), Fidelity::PerReading);
  EXPECT_EQ(resolve_fidelity(m, 100'000), Fidelity::Aggregated);
  m.fidelity = Fidelity::PerReading;
  EXPECT_EQ(resolve_fidelity(m, 100'000), Fidelity::PerReading);
}
