#pragma once
// A scenario's `capacity:` section (scenarios::CapacitySpec) applied to the engine's
// CapacityModel. What the section leaves unset keeps the model's value (its default, or
// what was applied before), so the order of precedence is built by the order of calls:
//
//   CapacityModel m;                              // engine defaults
//   apply_scenario_capacity(scenario, m);         // the file
//   apply_to(read_calibration(file), m);          // --calibration
//   apply_capacity_setting(m, "servers", "2");    // command-line options, last
//
// A relative `platform` path is taken relative to the folder of scenario.source_file
// (the scenario file named on the command line), so a scenario and its XML platform
// can travel together.
#include "iomtsim/scenarios/scenario.hpp"
#include "iomtsim/sim/simgrid/capacity_model.hpp"

namespace iomtsim::sim::simgrid {

void apply_scenario_capacity(const scenarios::Scenario& s, CapacityModel& m);

// CapacityModel{} with the scenario's section applied.
CapacityModel capacity_from(const scenarios::Scenario& s);

}  // namespace iomtsim::sim::simgrid
