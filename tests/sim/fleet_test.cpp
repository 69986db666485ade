// Needs physiology::PatientGenerator's implementation (tests/sim/CMakeLists.txt builds
// this only when the physiology library has it).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <tuple>
#include <variant>
#include <vector>

#include "iomtsim/sim/fleet.hpp"
#include "iomtsim/sim/fleet_network.hpp"
#include "iomtsim/sim/fleet_prefetch.hpp"

using namespace iomtsim;
using namespace iomtsim::sim;
using namespace std::chrono_literals;

namespace {

physiology::DeviceModelSpec device_model(std::string name, physiology::DeviceType type,
                                         std::vector<physiology::MeasureSpec> measures) {
  physiology::DeviceModelSpec m;
  m.name = std::move(name);
  m.type = type;
  m.measures = std::move(measures);
  return m;
}

scenarios::Cohort cohort(std::string name, std::uint32_t count, physiology::Archetype a,
                         std::string ward, std::string profile) {
  scenarios::Cohort c;
  c.physiology.name = std::move(name);
  c.physiology.count = count;
  c.physiology.archetype = a;
  c.ward = std::move(ward);
  c.physiology.devices = {device_model("monitor", physiology::DeviceType::BedsideMonitor,
                                       {{physiology::Vital::HeartRate, 60s},
                                        {physiology::Vital::SpO2, 60s},
                                        {physiology::Vital::RespRate, 120s}}),
                          device_model("cuff", physiology::DeviceType::NibpCuff,
                                       {{physiology::Vital::SystolicBP, 900s}})};
  for (const auto& m : c.physiology.devices) {
    scenarios::DeviceSpec d;
    d.model = m;
    d.network_profile = profile;
    d.format = m.type == physiology::DeviceType::NibpCuff ? scenarios::PayloadFormat::Hl7v2
                                                          : scenarios::PayloadFormat::FhirR4;
    c.devices.push_back(d);
  }
  return c;
}

scenarios::Scenario small_scenario() {
  scenarios::Scenario s;
  s.metadata.name = "fleet-test";
  s.metadata.seed = 20261124;
  s.metadata.duration = 2h;
  scenarios::NetworkProfile wifi, lte;
  wifi.name = "hospital_wifi";
  lte.name = "home_lte";
  lte.loss = 0.01;
  s.network_profiles = {{"hospital_wifi", wifi}, {"home_lte", lte}};
  s.cohorts = {cohort("icu", 5, physiology::Archetype::Icu, "icu", "hospital_wifi"),
               cohort("ward", 3, physiology::Archetype::ElderlyWard, "ward3", "hospital_wifi"),
               cohort("home", 4, physiology::Archetype::HomeHeartFailure, "", "home_lte")};
  return s;
}

using Key = std::tuple<SimTime, PatientIndex, DeviceIndex, std::uint32_t>;

Key key_of(const DeviceOutput& out) {
  return std::visit(
      [](const auto& o) {
        return Key{o.true_time, o.patient, o.device, static_cast<std::uint32_t>(o.id)};
      },
      out);
}

std::vector<DeviceOutput> drain(Fleet& f) {
  std::vector<DeviceOutput> out;
  while (!f.done()) out.push_back(f.next());
  return out;
}

}  // namespace

TEST(Fleet, StreamIsInGlobalKeyOrder) {
  Fleet f(small_scenario());
  EXPECT_EQ(f.patient_count(), 12u);
  const auto stream = drain(f);
  ASSERT_GT(stream.size(), 1000u);
  for (std::size_t i = 1; i < stream.size(); ++i) {
    ASSERT_LT(key_of(stream[i - 1]), key_of(stream[i])) << "at " << i;
  }
  std::set<PatientIndex> patients;
  for (const auto& o : stream) patients.insert(std::get<1>(key_of(o)));
  EXPECT_EQ(patients.size(), 12u);
  EXPECT_THROW(f.next(), std::logic_error);
}

TEST(Fleet, UnionOfShardsEqualsTheSingleRun) {
  const auto scenario = small_scenario();
  Fleet whole(scenario);
  const auto single = drain(whole);
  const auto single_episodes = whole.finish();
  for (std::uint32_t n : {2u, 3u, 5u}) {  // 5 does not divide any cohort size
    std::vector<DeviceOutput> merged;
    std::vector<physiology::Episode> episodes;
    std::uint64_t patients = 0;
    for (std::uint32_t k = 0; k < n; ++k) {
      Fleet shard(scenario, ShardSpec{k, n});
      patients += shard.patient_count();
      for (std::size_t i = 0; i < shard.patient_count(); ++i) {
        EXPECT_TRUE((ShardSpec{k, n}.owns(shard.patient_info(i).index)));
        EXPECT_EQ(shard.patient_info(i).index, (ShardSpec{k, n}.global_of(i)));
      }
      auto part = drain(shard);
      for (std::size_t i = 1; i < part.size(); ++i) ASSERT_LT(key_of(part[i - 1]), key_of(part[i]));
      merged.insert(merged.end(), part.begin(), part.end());
      auto e = shard.finish();
      episodes.insert(episodes.end(), e.begin(), e.end());
    }
    EXPECT_EQ(patients, 12u);
    std::sort(merged.begin(), merged.end(),
              [](const auto& a, const auto& b) { return key_of(a) < key_of(b); });
    ASSERT_EQ(merged.size(), single.size()) << n << " shards";
    EXPECT_TRUE(merged == single) << n << " shards";
    std::sort(episodes.begin(), episodes.end(), [](const auto& a, const auto& b) {
      return std::tie(a.patient, a.id) < std::tie(b.patient, b.id);
    });
    EXPECT_EQ(episodes, single_episodes) << n << " shards";
  }
}

TEST(Fleet, GlobalIndicesRunAcrossCohortsInFileOrder) {
  Fleet f(small_scenario(), ShardSpec{1, 3});
  // Shard 1 of 3 holds 1, 4, 7, 10: cohorts icu (0-4), icu, ward (5-7), home (8-11).
  ASSERT_EQ(f.patient_count(), 4u);
  const std::uint32_t want_cohort[] = {0, 0, 1, 2};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(f.patient_info(i).index, 1 + 3 * i);
    EXPECT_EQ(f.cohort_of_local(i), want_cohort[i]);
  }
  EXPECT_EQ(f.patient_info(3).archetype, physiology::Archetype::HomeHeartFailure);
  EXPECT_EQ(f.total_patients(), 12u);
}

TEST(Fleet, DeviceMetadataComesFromTheScenario) {
  Fleet f(small_scenario(), ShardSpec{0, 2});
  EXPECT_EQ(f.device_count(), 6u * 2);
  const FleetDevice& cuff = f.device(6, 1);  // ward cohort
  EXPECT_EQ(cuff.cohort, 1u);
  EXPECT_EQ(cuff.ward(), "ward3");
  EXPECT_EQ(cuff.format(), scenarios::PayloadFormat::Hl7v2);
  EXPECT_EQ(cuff.network->name, "hospital_wifi");
  EXPECT_EQ(cuff.spec->model.name, "cuff");
  const FleetDevice& home = f.device(10, 0);
  EXPECT_EQ(home.network->name, "home_lte");
  EXPECT_DOUBLE_EQ(home.network->loss, 0.01);
  EXPECT_THROW(f.device(7, 0), std::out_of_range);  // shard 1's patient
  EXPECT_THROW(f.device(6, 2), std::out_of_range);  // no third device
  const auto out = f.next();
  const FleetDevice& d = f.device_of(out);
  EXPECT_EQ(d.patient, std::get<1>(key_of(out)));
  // Pointers stay valid when the fleet moves.
  Fleet moved = std::move(f);
  EXPECT_EQ(moved.device(6, 1).network->name, "hospital_wifi");
}

TEST(Fleet, MemoryDoesNotGrowWithRunLength) {
  auto s = small_scenario();
  s.metadata.duration = 48h;
  Fleet f(s);
  std::size_t events = 0;
  while (!f.done() && f.next_time() < SimTime{2h}) {
    f.next();
    ++events;
  }
  const std::size_t early = f.memory_bytes();
  while (!f.done() && f.next_time() < SimTime{40h}) {
    f.next();
    ++events;
  }
  ASSERT_GT(events, 20000u);
  // Twenty times more run, same footprint (allow small per-patient fluctuation).
  EXPECT_LE(f.memory_bytes(), early + early / 10);
}

TEST(Fleet, RejectsScenariosItCannotBuild) {
  auto s = small_scenario();
  EXPECT_THROW(Fleet(s, ShardSpec{3, 3}), FleetError);
  s.cohorts[1].devices[0].network_profile = "no_such_profile";
  EXPECT_THROW(Fleet{s}, FleetError);
  s = small_scenario();
  s.cohorts[2].devices.pop_back();
  EXPECT_THROW(Fleet{s}, FleetError);
}

namespace {

// Runs a fleet's stream through its FleetNetwork; returns every path event by message id.
std::map<std::uint64_t, std::vector<network::PathEvent>> carry(Fleet& f, FleetNetwork& net,
                                                               std::uint64_t& outputs) {
  std::map<std::uint64_t, std::vector<network::PathEvent>> by_id;
  std::vector<network::PathEvent> ev;
  while (!f.done()) {
    const auto out = f.next();
    const auto [t, p, d, seq] = key_of(out);
    const auto id = std::visit([](const auto& o) { return o.id; }, out);
    net.path(f.device_slot(p, d)).send({id, t, 250}, ev);
    ++outputs;
  }
  for (const auto& e : ev) by_id[e.message.id].push_back(e);
  return by_id;
}

scenarios::Scenario rough_network_scenario() {
  auto s = small_scenario();
  for (auto* name : {"hospital_wifi", "home_lte"}) {
    auto& p = s.network_profiles.at(name);
    p.loss = 0.03;
    p.mtbf = 20min;
    p.mttr = 3min;
    p.buffer_readings = 20;
  }
  return s;
}

}  // namespace

TEST(FleetNetwork, EveryReadingEndsInExactlyOneBucket) {
  const auto s = rough_network_scenario();
  Fleet f(s);
  FleetNetwork net(f.devices(), s.metadata.seed);
  ASSERT_EQ(net.size(), f.device_count());
  std::uint64_t outputs = 0;
  const auto by_id = carry(f, net, outputs);
  const auto tot = net.totals();
  EXPECT_EQ(tot.submitted, outputs);
  EXPECT_EQ(tot.delivered + tot.lost + tot.dropped + net.buffered_now(), outputs);
  EXPECT_GT(tot.lost, 0u);
  EXPECT_GT(tot.dropped, 0u);
  EXPECT_GT(tot.disconnections, 0u);
  std::uint64_t finals = 0;
  for (const auto& [id, events] : by_id) {
    int n_final = 0;
    for (const auto& e : events) n_final += e.outcome != network::Outcome::Buffered;
    ASSERT_LE(n_final, 1) << id;
    finals += static_cast<std::uint64_t>(n_final);
  }
  EXPECT_EQ(finals + net.buffered_now(), outputs);
}

TEST(FleetNetwork, A_DevicesNetworkIsTheSameInEveryShard) {
  const auto s = rough_network_scenario();
  Fleet whole(s);
  FleetNetwork whole_net(whole.devices(), s.metadata.seed);
  std::uint64_t n_whole = 0;
  const auto single = carry(whole, whole_net, n_whole);
  std::uint64_t n_parts = 0;
  for (std::uint32_t k = 0; k < 3; ++k) {
    Fleet shard(s, ShardSpec{k, 3});
    FleetNetwork net(shard.devices(), s.metadata.seed);
    for (const auto& [id, events] : carry(shard, net, n_parts)) {
      ASSERT_TRUE(single.contains(id));
      ASSERT_EQ(events, single.at(id)) << "message " << id;
    }
  }
  EXPECT_EQ(n_parts, n_whole);
}

TEST(FleetPrefetch, SameOutputsAndEpisodesThreadedOrNotAndStopsAtTheEnd) {
  const auto scenario = small_scenario();
  const SimTime end = SimTime{scenario.metadata.duration / 2};
  Fleet plain(scenario);
  std::vector<physiology::DeviceOutput> want;
  while (!plain.done() && plain.next_time() <= end) want.push_back(plain.next());
  const auto want_episodes = plain.finish();
  ASSERT_GT(want.size(), 1000u);
  for (bool threaded : {false, true}) {
    for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{4096}}) {
      Fleet f(scenario);
      FleetPrefetch feed(f, end, threaded, chunk, 2);
      std::vector<physiology::DeviceOutput> got;
      while (!feed.done()) {
        const auto t = feed.next_time();
        got.push_back(feed.next());
        EXPECT_EQ(std::visit([](const auto& o) { return o.true_time; }, got.back()), t);
      }
      EXPECT_EQ(feed.next_time(), SimTime::max());
      EXPECT_THROW(feed.next(), std::logic_error);
      EXPECT_EQ(got, want) << "threaded " << threaded << " chunk " << chunk;
      EXPECT_EQ(feed.finish(), want_episodes);
    }
  }
}

TEST(FleetPrefetch, StoppingEarlyJoinsTheProducer) {
  Fleet f(small_scenario());
  {
    FleetPrefetch feed(f, SimTime::max(), true, 16, 2);
    for (int i = 0; i < 100; ++i) feed.next();
  }  // the producer waits for room: the destructor must stop it, not hang
  SUCCEED();
}
