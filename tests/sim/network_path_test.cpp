#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <vector>

#include "iomtsim/sim/network/network_path.hpp"

using namespace iomtsim::sim::network;
using namespace std::chrono_literals;
using iomtsim::physiology::Distribution;
using iomtsim::scenarios::NetworkProfile;

namespace {

SimTime at(Duration d) { return SimTime{d}; }

NetworkProfile quiet_profile() {
  NetworkProfile p;
  p.name = "test";
  p.latency_s = Distribution::constant(0.010);
  p.reconnect_jitter = 0.0;
  return p;
}

// Sends one message per `every` from 0 to `until`; returns all events.
std::vector<PathEvent> run(NetworkPath& path, Duration every, SimTime until,
                           std::size_t bytes = 200, std::uint64_t first_id = 0) {
  std::vector<PathEvent> ev;
  std::uint64_t id = first_id;
  for (SimTime t{}; t < until; t += every) path.send({id++, t, bytes}, ev);
  return ev;
}

std::map<Outcome, int> count(const std::vector<PathEvent>& ev) {
  std::map<Outcome, int> c;
  for (const auto& e : ev) ++c[e.outcome];
  return c;
}

}  // namespace

TEST(NetworkPath, CleanNetworkDeliversEverythingAfterTheLatency) {
  NetworkPath path(quiet_profile(), 1, device_path_id(0, 0));
  const auto ev = run(path, 1s, at(100s));
  ASSERT_EQ(ev.size(), 100u);
  for (const auto& e : ev) {
    EXPECT_EQ(e.outcome, Outcome::Delivered);
    EXPECT_EQ(e.sent, e.message.intended);
    EXPECT_EQ(e.at, e.message.intended + 10ms);
  }
  EXPECT_EQ(path.stats().delivered, 100u);
}

TEST(NetworkPath, LossRateMatchesProfile) {
  NetworkProfile p = quiet_profile();
  p.loss = 0.05;
  NetworkPath path(p, 2, device_path_id(3, 1));
  const int n = 100000;
  const auto c = count(run(path, 100ms, at(100ms * n)));
  EXPECT_NEAR(c.at(Outcome::Lost) / double(n), 0.05, 5 * std::sqrt(0.05 * 0.95 / n));
  EXPECT_EQ(c.at(Outcome::Lost) + c.at(Outcome::Delivered), n);
}

TEST(NetworkPath, OutageBuffersThenDrainsInOneBurstAfterBackoff) {
  NetworkProfile p = quiet_profile();
  p.outages = {{at(100s), 30s}};  // down 100 s .. 130 s
  NetworkPath path(p, 3, device_path_id(0, 0));
  const auto ev = run(path, 1s, at(200s));
  // Back-off from 100 s without jitter: attempts at 101, 103, 107, 115, 131 s (1+2+4+8+16);
  // 131 s is the first with the link up.
  const SimTime reconnect = at(131s);
  std::vector<std::uint64_t> drained;
  for (const auto& e : ev) {
    const SimTime t = e.message.intended;
    if (t < at(100s) || t >= reconnect) {
      EXPECT_EQ(e.outcome, Outcome::Delivered);
      EXPECT_EQ(e.sent, t);
    } else if (e.outcome == Outcome::Buffered) {
      EXPECT_EQ(e.at, t);
    } else {
      ASSERT_EQ(e.outcome, Outcome::Delivered);
      EXPECT_EQ(e.sent, reconnect);
      EXPECT_EQ(e.at, reconnect + 10ms);
      drained.push_back(e.message.id);
    }
  }
  // 100 s … 130 s: 31 messages buffered, drained oldest first.
  ASSERT_EQ(drained.size(), 31u);
  for (std::size_t i = 0; i < drained.size(); ++i) EXPECT_EQ(drained[i], 100 + i);
  EXPECT_EQ(path.stats().disconnections, 1u);
  EXPECT_EQ(path.stats().reconnect_attempts, 5u);
}

TEST(NetworkPath, FullBufferDropsOldestAndHandsThemBack) {
  NetworkProfile p = quiet_profile();
  p.outages = {{at(10s), 20s}};
  p.buffer_readings = 5;
  NetworkPath path(p, 4, device_path_id(0, 0));
  const auto ev = run(path, 1s, at(60s));
  // Disconnected from 10 s; attempts at 11, 13, 17, 25, 41 s → reconnect at 41 s.
  std::vector<std::uint64_t> dropped, drained;
  for (const auto& e : ev) {
    if (e.outcome == Outcome::Dropped) dropped.push_back(e.message.id);
    if (e.outcome == Outcome::Delivered && e.sent == at(41s) && e.message.intended < at(41s))
      drained.push_back(e.message.id);
  }
  // 31 messages (10 … 40 s) went into a 5-slot buffer: the 26 oldest were dropped.
  ASSERT_EQ(dropped.size(), 26u);
  for (std::size_t i = 0; i < dropped.size(); ++i) EXPECT_EQ(dropped[i], 10 + i);
  EXPECT_EQ(drained, (std::vector<std::uint64_t>{36, 37, 38, 39, 40}));
}

TEST(NetworkPath, ZeroBufferDropsWhileDisconnected) {
  NetworkProfile p = quiet_profile();
  p.outages = {{at(10s), 5s}};
  p.buffer_readings = 0;
  NetworkPath path(p, 5, device_path_id(0, 0));
  const auto c = count(run(path, 1s, at(30s)));
  // Disconnected 10 s … 17 s (attempts at 11, 13, 17): 7 messages dropped.
  EXPECT_EQ(c.at(Outcome::Dropped), 7);
  EXPECT_EQ(c.count(Outcome::Buffered), 0u);
  EXPECT_EQ(c.at(Outcome::Delivered), 23);
}

TEST(NetworkPath, AdvanceDrainsWithoutNewTraffic) {
  NetworkProfile p = quiet_profile();
  p.outages = {{at(10s), 5s}};
  NetworkPath path(p, 6, device_path_id(0, 0));
  std::vector<PathEvent> ev;
  path.send({1, at(12s), 100}, ev);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].outcome, Outcome::Buffered);
  EXPECT_EQ(path.next_drain_time(), at(17s));
  ev.clear();
  path.advance_to(at(16s), ev);
  EXPECT_TRUE(ev.empty());
  path.advance_to(at(17s), ev);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].outcome, Outcome::Delivered);
  EXPECT_EQ(ev[0].at, at(17s) + 10ms);
  EXPECT_EQ(path.next_drain_time(), SimTime::max());
}

TEST(NetworkPath, DrainBurstIsSerialisedBySharedLink) {
  NetworkProfile p = quiet_profile();
  p.outages = {{at(10s), 5s}};
  p.bandwidth_bps = 8000;  // 1000 bytes per second
  p.shared_link = "uplink";
  LinkRegistry links;
  NetworkPath path(p, 7, device_path_id(0, 0), links.link_for(p));
  std::vector<PathEvent> ev;
  for (int i = 0; i < 4; ++i) path.send({std::uint64_t(i), at(11s), 100}, ev);
  path.advance_to(at(60s), ev);
  std::vector<SimTime> arrivals;
  for (const auto& e : ev)
    if (e.outcome == Outcome::Delivered) arrivals.push_back(e.at);
  // Reconnect at 17 s; 100 bytes take 100 ms each, back to back, then 10 ms propagation.
  ASSERT_EQ(arrivals.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(arrivals[i], at(17s) + 100ms * (i + 1) + 10ms);
}

// The central promise: every message submitted ends in exactly one final outcome
// (Delivered, Lost, Dropped) or is still in the buffer, under everything at once.
TEST(NetworkPath, ConservesEveryMessageUnderRandomConditions) {
  NetworkProfile p;
  p.latency_s = Distribution::make(Distribution::Kind::LogNormal, 0.05, 0.7);
  p.jitter_s = 0.02;
  p.loss = 0.02;
  p.bursty_loss = iomtsim::scenarios::GilbertElliott{0.01, 0.2, 0.0, 0.7};
  p.bandwidth_bps = 2e5;
  p.shared_link = "ap";
  p.outages = {{at(1h), 20min}};
  p.mtbf = 15min;
  p.mttr = 2min;
  p.buffer_readings = 50;
  LinkRegistry links;
  std::vector<NetworkPath> paths;
  const int devices = 20;
  for (int d = 0; d < devices; ++d)
    paths.emplace_back(p, 11, device_path_id(static_cast<std::uint32_t>(d), 0), links.link_for(p));
  Rng rng(12);
  std::vector<PathEvent> ev;
  std::uint64_t submitted = 0;
  // Each device sends at random times (mean every 5 s) for 6 hours, in global time order.
  std::vector<SimTime> next(devices, SimTime{});
  const SimTime end = at(6h);
  for (;;) {
    int d = 0;
    for (int i = 1; i < devices; ++i)
      if (next[i] < next[d]) d = i;
    if (next[d] >= end) break;
    paths[d].send({submitted++, next[d], 100 + rng.below(900)}, ev);
    next[d] += iomtsim::physiology::from_seconds(rng.exponential(5.0));
  }
  std::map<std::uint64_t, int> finals;
  std::set<std::uint64_t> ever_buffered;
  std::uint64_t delivered = 0, lost = 0, dropped = 0, buffered_events = 0;
  for (const auto& e : ev) {
    switch (e.outcome) {
      case Outcome::Delivered:
        ++delivered;
        ASSERT_GE(e.sent, e.message.intended);
        ASSERT_GE(e.at, e.sent);
        ++finals[e.message.id];
        break;
      case Outcome::Lost:
        ++lost;
        ++finals[e.message.id];
        break;
      case Outcome::Dropped:
        ++dropped;
        ++finals[e.message.id];
        break;
      case Outcome::Buffered:
        ++buffered_events;
        ever_buffered.insert(e.message.id);
        break;
    }
  }
  std::uint64_t still_buffered = 0;
  PathStats total;
  for (auto& path : paths) {
    still_buffered += path.buffered_now();
    for (const auto& m : path.buffered_messages()) ++finals[m.id];
    total.delivered += path.stats().delivered;
    total.lost += path.stats().lost;
    total.dropped += path.stats().dropped;
    total.submitted += path.stats().submitted;
    total.disconnections += path.stats().disconnections;
  }
  EXPECT_EQ(total.submitted, submitted);
  EXPECT_EQ(delivered + lost + dropped + still_buffered, submitted);
  EXPECT_EQ(total.delivered, delivered);
  EXPECT_EQ(total.lost, lost);
  EXPECT_EQ(total.dropped, dropped);
  ASSERT_EQ(finals.size(), submitted);
  for (const auto& [id, n] : finals) ASSERT_EQ(n, 1) << "message " << id;
  // The conditions really happened (otherwise the test would prove nothing).
  EXPECT_GT(lost, 100u);
  EXPECT_GT(dropped, 100u);
  EXPECT_GT(buffered_events, 1000u);
  EXPECT_GT(total.disconnections, 200u);
}

TEST(NetworkPath, SameSeedSameEventsAndOutagesIndependentOfTraffic) {
  NetworkProfile p = quiet_profile();
  p.latency_s = Distribution::normal(0.05, 0.01);
  p.loss = 0.1;
  p.mtbf = 10min;
  p.mttr = 1min;
  p.reconnect_jitter = 0.3;
  NetworkPath a(p, 21, device_path_id(5, 2)), b(p, 21, device_path_id(5, 2));
  EXPECT_EQ(run(a, 2s, at(4h)), run(b, 2s, at(4h)));
  NetworkPath other(p, 21, device_path_id(5, 3));
  EXPECT_NE(run(other, 2s, at(4h)), run(a, 2s, at(4h), 200, 0));
  // A device that sends ten times less often sees the same link and the same reconnects.
  NetworkPath dense(p, 21, device_path_id(7, 0)), sparse(p, 21, device_path_id(7, 0));
  run(dense, 1s, at(4h));
  run(sparse, 10s, at(4h));
  EXPECT_EQ(dense.outages().intervals_until(at(4h)), sparse.outages().intervals_until(at(4h)));
  EXPECT_EQ(dense.stats().disconnections, sparse.stats().disconnections);
  EXPECT_EQ(dense.stats().reconnect_attempts, sparse.stats().reconnect_attempts);
}

TEST(NetworkPath, LateCallsAreTakenAtTheLatestTimeSeen) {
  NetworkPath path(quiet_profile(), 8, device_path_id(0, 0));
  std::vector<PathEvent> ev;
  path.advance_to(at(50s), ev);
  path.send({1, at(10s), 100}, ev);  // intended earlier than the path's clock
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].sent, at(50s));
  EXPECT_EQ(ev[0].at, at(50s) + 10ms);
  EXPECT_EQ(ev[0].message.intended, at(10s));  // kept, so latency is measured from it
}

TEST(NetworkPath, LinkThatNeverComesBackKeepsTheNewestInTheBuffer) {
  NetworkProfile p = quiet_profile();
  p.outages = {{at(10s), Duration::max()}};
  p.buffer_readings = 3;
  NetworkPath path(p, 9, device_path_id(0, 0));
  const auto c = count(run(path, 1s, at(100s)));
  EXPECT_EQ(c.at(Outcome::Delivered), 10);
  EXPECT_EQ(c.at(Outcome::Dropped), 87);
  EXPECT_EQ(path.buffered_now(), 3u);
  EXPECT_EQ(path.next_drain_time(), SimTime::max());
  const auto left = path.buffered_messages();
  ASSERT_EQ(left.size(), 3u);
  EXPECT_EQ(left.front().id, 97u);
}
