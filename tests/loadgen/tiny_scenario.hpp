#pragma once
// Tiny scenarios built in code for the load-generator tests: a few patients with one
// bedside monitor each, minutes of scenario time, run at high speed against the embedded
// reference target on loopback ports.
#include <chrono>
#include <string>

#include "iomtsim/scenarios/scenario.hpp"
#include "support/ward_scenario.hpp"

namespace iomtsim::loadgen::tiny_scenarios {

using namespace std::chrono_literals;
using testing::monitor;

inline scenarios::Cohort cohort(std::string name, std::uint32_t count, scenarios::PayloadFormat format,
                                std::uint32_t batch, std::chrono::seconds every) {
  return testing::ward_cohort(std::move(name), count,
                              {.every = every, .format = format, .batch = batch});
}

// `healthy` patients, then `sick` ones with a severe opioid respiratory depression from
// 30 s on (respiratory rate and SpO2 fall within minutes): the target should alert.
inline scenarios::Scenario tiny(std::uint32_t healthy, std::uint32_t sick,
                                scenarios::PayloadFormat format = scenarios::PayloadFormat::FhirR4,
                                std::uint32_t batch = 1, double loss = 0.0) {
  auto s = testing::ward_scenario({.healthy = healthy,
                                   .sick = sick,
                                   .format = format,
                                   .batch = batch,
                                   .loss = loss,
                                   .seed = 424242,
                                   .name = "loadgen-tiny"});
  s.time.mode = scenarios::TimeMode::Accelerated;
  s.time.speed = 600;
  s.target.embedded = true;
  s.target.request_timeout = 2s;
  return s;
}

}  // namespace iomtsim::loadgen::tiny_scenarios
