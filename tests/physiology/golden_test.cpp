// Byte-for-byte stability: a fixed scenario hashes to a fixed value. If this changes, every
// seeded output of iomtsim changes with it: update the constant only with a deliberate
// model change (and say so in the commit). Run on another machine or compiler, it checks
// "same scenario and seed, same bytes on every machine".
#include <gtest/gtest.h>

#include <bit>
#include <cstdio>
#include <variant>

#include "physiology_fixtures.hpp"

using namespace iomtsim::physiology;
using namespace iomtsim::physiology::testing;

namespace {

struct Fnv {
  std::uint64_t h = 0xcbf29ce484222325ull;
  void add(std::uint64_t x) {
    for (int i = 0; i < 8; ++i) {
      h ^= (x >> (8 * i)) & 0xFF;
      h *= 0x100000001b3ull;
    }
  }
};

std::uint64_t scenario_hash() {
  DeviceModelSpec ox;
  ox.name = "ox";
  ox.type = DeviceType::PulseOximeter;
  ox.measures = {{Vital::SpO2, 15s}};
  ox.waveform = WaveformSpec{WaveformKind::Ppg, 50.0, 5s};
  DeviceModelSpec cuff;
  cuff.name = "cuff";
  cuff.type = DeviceType::NibpCuff;
  cuff.measures = {{Vital::SystolicBP, 15min}, {Vital::DiastolicBP, 15min}};
  CohortSpec c = cohort(Archetype::PostOperativeAdult, {monitor(30s, true, std::nullopt), ecg_patch(125.0), ox, cuff});
  ConditionSpec s = condition(ConditionKind::Sepsis, 0.0, 0.0, Course::Progressive);
  s.onset_s = Distribution::uniform(0.0, 3600.0);
  s.severity = Distribution::uniform(0.4, 0.9);
  s.probability = 0.5;
  s.interventions = {intervention(InterventionKind::Fluids, 1800.0, 1.0)};
  c.conditions = {s};
  Fnv f;
  for (PatientIndex p = 0; p < 4; ++p) {
    PatientGenerator g(c, p, 20241124, 3h);
    while (!g.done()) {
      const DeviceOutput o = g.next();
      if (const auto* r = std::get_if<Reading>(&o)) {
        f.add(r->id);
        f.add(static_cast<std::uint64_t>(r->true_time.time_since_epoch().count()));
        f.add(static_cast<std::uint64_t>(r->device_time.time_since_epoch().count()));
        f.add(std::bit_cast<std::uint64_t>(r->value));
        f.add(std::bit_cast<std::uint64_t>(r->true_value));
        f.add(r->flags);
      } else {
        const auto& b = std::get<WaveformBlock>(o);
        f.add(b.id);
        f.add(static_cast<std::uint64_t>(b.device_time.time_since_epoch().count()));
        for (std::int16_t x : b.samples) f.add(static_cast<std::uint16_t>(x));
        f.add(b.flags);
      }
    }
    g.finish();
    for (const Episode& e : g.episodes()) {
      f.add(static_cast<std::uint64_t>(e.onset.time_since_epoch().count()));
      f.add(static_cast<std::uint64_t>(e.end.time_since_epoch().count()));
      f.add(e.criteria_met ? static_cast<std::uint64_t>(e.criteria_met->time_since_epoch().count()) : 1);
    }
  }
  return f.h;
}

}  // namespace

TEST(Golden, FixedScenarioHashesToTheRecordedValue) {
  const std::uint64_t h = scenario_hash();
  std::printf("golden hash: 0x%016llx\n", static_cast<unsigned long long>(h));
  EXPECT_EQ(h, scenario_hash());  // stable within a process
  EXPECT_EQ(h, 0x70da64e7ab6380c7ull);
}
