#include <gtest/gtest.h>

#include <chrono>

#include "iomtsim/sim/network/network_error.hpp"
#include "iomtsim/sim/network/shared_link.hpp"

using namespace iomtsim::sim::network;
using namespace std::chrono_literals;
using iomtsim::physiology::to_seconds;
using iomtsim::scenarios::NetworkProfile;

TEST(SharedLink, OneMessageTakesItsSerialisationTime) {
  SharedLink link(8000.0);  // 1000 bytes per second
  EXPECT_EQ(link.transmit_done(SimTime{5s}, 1000), SimTime{6s});
  // Idle again: the next message starts when it is ready, not when the link freed up.
  EXPECT_EQ(link.transmit_done(SimTime{10s}, 500), SimTime{10s + 500ms});
  // Ready while busy: it waits behind the previous one (FIFO).
  EXPECT_EQ(link.transmit_done(SimTime{10s + 100ms}, 250), SimTime{10s + 750ms});
}

TEST(SharedLink, SaturatedThroughputEqualsTheConfiguredRate) {
  // Ten devices each offering 1500 bytes every millisecond (120 Mbit/s) to 10 Mbit/s.
  const double bps = 10e6;
  SharedLink link(bps);
  SimTime last{};
  std::uint64_t bytes = 0;
  for (int ms = 0; ms < 2000; ++ms) {
    for (int d = 0; d < 10; ++d) {
      const std::size_t size = 1500 - static_cast<std::size_t>(d) * 7;  // not round numbers
      last = link.transmit_done(SimTime{std::chrono::milliseconds(ms)}, size);
      bytes += size;
    }
  }
  // Busy from t = 0 without a gap: the last bit leaves at bits / rate, to the nanosecond.
  const double expected_s = static_cast<double>(bytes) * 8 / bps;
  EXPECT_NEAR(to_seconds(last), expected_s, 1.5e-9);
  EXPECT_NEAR(static_cast<double>(bytes) * 8 / to_seconds(last), bps, 1e-3);
  EXPECT_EQ(link.bytes_sent(), bytes);
  EXPECT_EQ(link.messages_sent(), 20000u);
}

TEST(SharedLink, BelowSaturationNothingQueues) {
  SharedLink link(1e6);
  for (int i = 0; i < 100; ++i) {
    const SimTime ready{std::chrono::milliseconds(10 * i)};
    // 1000 bytes = 8 ms at 1 Mbit/s, offered every 10 ms: never waits.
    EXPECT_EQ(link.transmit_done(ready, 1000), ready + 8ms);
  }
}

TEST(LinkRegistry, DevicesNamingOneLinkShareOneQueue) {
  LinkRegistry links;
  NetworkProfile a, b, unlimited, private_link;
  a.name = "ward_wifi";
  a.bandwidth_bps = 1e6;
  a.shared_link = "ward3_ap";
  b = a;
  b.name = "ward_wifi_lossy";
  b.loss = 0.1;
  private_link.bandwidth_bps = 1e6;
  EXPECT_EQ(links.link_for(unlimited), nullptr);
  SharedLink* la = links.link_for(a);
  ASSERT_NE(la, nullptr);
  EXPECT_EQ(links.link_for(b), la);
  EXPECT_EQ(links.find("ward3_ap"), la);
  SharedLink* p1 = links.link_for(private_link);
  SharedLink* p2 = links.link_for(private_link);
  EXPECT_NE(p1, p2);
  EXPECT_NE(p1, la);
  // Device b's message queues behind device a's on the shared link.
  la->transmit_done(SimTime{}, 125000);  // 1 s
  EXPECT_EQ(links.link_for(b)->transmit_done(SimTime{}, 125000), SimTime{2s});
  NetworkProfile conflicting = a;
  conflicting.bandwidth_bps = 2e6;
  EXPECT_THROW(links.link_for(conflicting), NetworkConfigError);
  EXPECT_THROW(SharedLink(0.0), NetworkConfigError);
  EXPECT_THROW(SharedLink(-1.0), NetworkConfigError);
}
