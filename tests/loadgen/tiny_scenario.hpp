#pragma once
// Tiny scenarios built in code for the load-generator tests: a few patients with one
// bedside monitor each, minutes of scenario time, run at high speed against the embedded
// reference target on loopback ports.
#include <chrono>
#include <string>

#include "iomtsim/scenarios/scenario.hpp"

namespace iomtsim::loadgen::tiny_scenarios {

using namespace std::chrono_literals;

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

inline scenarios::Cohort cohort(std::string name, std::uint32_t count, scenarios::PayloadFormat format,
                                std::uint32_t batch, std::chrono::seconds every) {
  scenarios::Cohort c;
  c.physiology.name = std::move(name);
  c.physiology.count = count;
  c.physiology.archetype = physiology::Archetype::HealthyAdult;
  c.physiology.devices = {monitor(every)};
  c.ward = "ward1";
  scenarios::DeviceSpec d;
  d.model = c.physiology.devices.front();
  d.format = format;
  d.network_profile = "lan";
  d.batch = batch;
  c.devices = {d};
  return c;
}

// `healthy` patients, then `sick` ones with a severe opioid respiratory depression from
// 30 s on (respiratory rate and SpO2 fall within minutes): the target should alert.
inline scenarios::Scenario tiny(std::uint32_t healthy, std::uint32_t sick,
                                scenarios::PayloadFormat format = scenarios::PayloadFormat::FhirR4,
                                std::uint32_t batch = 1, double loss = 0.0) {
  scenarios::Scenario s;
  s.metadata.name = "loadgen-tiny";
  s.metadata.seed = 424242;
  s.metadata.duration = 10min;
  scenarios::NetworkProfile lan;
  lan.name = "lan";
  lan.latency_s = physiology::Distribution::constant(0.002);
  lan.loss = loss;
  s.network_profiles = {{"lan", lan}};
  if (healthy) s.cohorts.push_back(cohort("healthy", healthy, format, batch, 15s));
  if (sick) {
    auto c = cohort("sick", sick, format, batch, 15s);
    physiology::ConditionSpec opioid;
    opioid.kind = physiology::ConditionKind::OpioidRespiratoryDepression;
    opioid.probability = 1.0;
    opioid.onset_s = physiology::Distribution::constant(30.0);
    opioid.severity = physiology::Distribution::constant(1.0);
    opioid.course = physiology::Course::Sudden;
    c.physiology.conditions = {opioid};
    s.cohorts.push_back(c);
  }
  s.time.mode = scenarios::TimeMode::Accelerated;
  s.time.speed = 600;
  s.target.embedded = true;
  s.target.request_timeout = 2s;
  return s;
}

}  // namespace iomtsim::loadgen::tiny_scenarios
