#include "scenario_input.hpp"

#include <iostream>

#include "iomtsim/scenarios/loader.hpp"

namespace iomtsim::cli {

std::optional<scenarios::Scenario> load_scenario_or_report(
    const std::string& command, const std::string& file,
    const std::vector<std::string>& overrides) {
  auto result = scenarios::load_file(file, overrides);
  for (const auto& d : result.diagnostics) std::cerr << scenarios::format_diagnostic(d);
  if (!result.ok()) {
    std::cerr << "iomtsim " << command << ": " << file << " is not a valid scenario ("
              << result.diagnostics.size() << " error"
              << (result.diagnostics.size() == 1 ? "" : "s") << ")\n";
    return std::nullopt;
  }
  return std::move(result.scenario);
}

}  // namespace iomtsim::cli
