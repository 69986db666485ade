#pragma once
// CapacityModel fields by name, so that `simulate` and `sweep` (which varies any of
// them) share one list and one parser. A scenario's `capacity:` section is applied
// before these (scenario_capacity.hpp): a command-line setting overrides the file.
//
//   apply_capacity_setting(m, "servers", "6");
//   apply_capacity_setting(m, "wan-bandwidth", "1Gbps");
//   apply_capacity_setting(m, "fail", "server:1@3h");   // appends
#include <span>
#include <string_view>

#include "iomtsim/sim/simgrid/capacity_model.hpp"

namespace iomtsim::sim::simgrid {

struct CapacitySetting {
  std::string_view key;   // also the command-line option name
  std::string_view help;  // with units and the default
  bool repeatable = false;
};

std::span<const CapacitySetting> capacity_settings();

// Throws CapacityError for an unknown key or a value it cannot parse.
void apply_capacity_setting(CapacityModel& m, std::string_view key, std::string_view value);

}  // namespace iomtsim::sim::simgrid
