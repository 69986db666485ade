#pragma once
// One small ward built in code, for the tests of both engines: healthy adults with one
// bedside monitor each (heart rate, SpO2, respiratory rate every `every`, no artifacts,
// no missing data), then `sick` ones with a severe opioid respiratory depression from 30 s
// (respiratory rate and SpO2 fall within minutes: a target should alert), on network
// profile "lan" (constant latency, independent loss), ten minutes long. Each engine's
// tests set the time mode and the target they need on top.
#include <chrono>
#include <string>

#include "iomtsim/scenarios/scenario.hpp"

namespace iomtsim::testing {

inline physiology::DeviceModelSpec monitor(std::chrono::seconds every) {
  physiology::DeviceModelSpec m;
  m.name = "monitor";
  m.type = physiology::DeviceType::BedsideMonitor;
  m.measures = {{physiology::Vital::HeartRate, every},
                {physiology::Vital::SpO2, every},
                {physiology::Vital::RespRate, every}};
  m.artifacts = false;
  m.missing_fraction = 0.0;
  return m;
}

struct WardOptions {
  std::uint32_t healthy = 4;
  std::uint32_t sick = 0;
  std::chrono::seconds every{15};
  scenarios::PayloadFormat format = scenarios::PayloadFormat::FhirR4;
  std::uint32_t batch = 1;
  double latency_s = 0.002;
  double loss = 0.0;
  std::uint64_t seed = 424242;
  std::string name = "test-ward";
};

inline scenarios::Cohort ward_cohort(std::string name, std::uint32_t count,
                                     const WardOptions& o) {
  scenarios::Cohort c;
  c.physiology.name = std::move(name);
  c.physiology.count = count;
  c.physiology.archetype = physiology::Archetype::HealthyAdult;
  c.physiology.devices = {monitor(o.every)};
  c.ward = "ward1";
  scenarios::DeviceSpec d;
  d.model = c.physiology.devices.front();
  d.format = o.format;
  d.network_profile = "lan";
  d.batch = o.batch;
  c.devices = {d};
  return c;
}

inline scenarios::Scenario ward_scenario(const WardOptions& o) {
  using namespace std::chrono_literals;
  scenarios::Scenario s;
  s.metadata.name = o.name;
  s.metadata.seed = o.seed;
  s.metadata.duration = 10min;
  scenarios::NetworkProfile lan;
  lan.name = "lan";
  lan.latency_s = physiology::Distribution::constant(o.latency_s);
  lan.loss = o.loss;
  s.network_profiles = {{"lan", lan}};
  if (o.healthy) s.cohorts.push_back(ward_cohort("healthy", o.healthy, o));
  if (o.sick) {
    auto c = ward_cohort("sick", o.sick, o);
    physiology::ConditionSpec opioid;
    opioid.kind = physiology::ConditionKind::OpioidRespiratoryDepression;
    opioid.probability = 1.0;
    opioid.onset_s = physiology::Distribution::constant(30.0);
    opioid.severity = physiology::Distribution::constant(1.0);
    opioid.course = physiology::Course::Sudden;
    c.physiology.conditions = {opioid};
    s.cohorts.push_back(c);
  }
  return s;
}

}  // namespace iomtsim::testing
