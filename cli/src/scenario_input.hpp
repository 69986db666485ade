#pragma once
// Loading the scenario a command works on, with --set overrides, printing diagnostics
// the same way `validate` does. Shared by generate, run, simulate, preview, explain.
#include <optional>
#include <string>
#include <vector>

#include "iomtsim/scenarios/scenario.hpp"

namespace iomtsim::cli {

// nullopt after printing the diagnostics to stderr.
std::optional<scenarios::Scenario> load_scenario_or_report(
    const std::string& command, const std::string& file,
    const std::vector<std::string>& overrides);

}  // namespace iomtsim::cli
