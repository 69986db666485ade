#include "scenario_input.hpp"

#include <iostream>

#include "command.hpp"
#include "iomtsim/scenarios/loader.hpp"
#include "iomtsim/scenarios/units.hpp"

namespace iomtsim::cli {

void add_include_path_option(po::options_description& options) {
  options.add_options()("include-path", po::value<std::vector<std::string>>()->composing(),
                        "a folder the scenario's include: may also read (repeatable; by default "
                        "includes stay under the scenario's own folder)");
}

std::vector<std::string> include_paths(const po::variables_map& vm) {
  return vm.count("include-path") ? vm["include-path"].as<std::vector<std::string>>()
                                  : std::vector<std::string>{};
}

void add_max_memory_option(po::options_description& options) {
  options.add_options()("max-memory", po::value<std::string>(),
                        "refuse a fleet whose estimated memory exceeds SIZE, e.g. 8GiB (default: "
                        "this machine's available memory; 0: no check)");
}

std::optional<std::optional<std::uint64_t>> memory_limit(const std::string& command,
                                                         const po::variables_map& vm) {
  using Limit = std::optional<std::optional<std::uint64_t>>;
  if (!vm.count("max-memory")) return Limit(std::in_place, sim::available_memory_bytes());
  const auto& text = vm["max-memory"].as<std::string>();
  const auto q = text == "0" ? scenarios::QuantityResult{0.0, {}, 0, {}}
                             : scenarios::parse_quantity(text, scenarios::QuantityKind::Bytes);
  if (!q.value || *q.value < 0.0) {
    std::cerr << "iomtsim " << command
              << ": --max-memory: " << (q.value ? std::string("must not be negative") : q.error)
              << '\n';
    return std::nullopt;
  }
  if (*q.value == 0.0) return Limit(std::in_place, std::nullopt);  // no check
  return Limit(std::in_place, static_cast<std::uint64_t>(*q.value));
}

std::optional<int> check_memory(const std::string& command, const scenarios::Scenario& scenario,
                                sim::ShardSpec shard, sim::EngineKind engine, double speed,
                                const po::variables_map& vm, sim::MemoryEstimate* estimate) {
  const auto limit_or_error = memory_limit(command, vm);
  if (!limit_or_error) return kExitUsage;
  const std::optional<std::uint64_t>& limit = *limit_or_error;
  const auto need = sim::estimate_memory(scenario, shard, engine, speed);
  if (estimate) *estimate = need;
  const std::string what = engine == sim::EngineKind::Generate    ? "generating this fleet"
                           : engine == sim::EngineKind::Simulated ? "a simulation of this fleet"
                                                                  : "a run of this fleet";
  if (limit) {
    if (auto refusal = sim::memory_refusal(need, *limit, what)) {
      std::cerr << "iomtsim " << command << ": " << *refusal << '\n';
      return kExitUsage;
    }
  }
  return std::nullopt;
}

std::optional<scenarios::Scenario> load_scenario_or_report(
    const std::string& command, const std::string& file, const std::vector<std::string>& overrides,
    const std::vector<std::string>& include_paths) {
  auto result = scenarios::load_file(file, overrides, include_paths);
  for (const auto& d : result.diagnostics) std::cerr << scenarios::format_diagnostic(d);
  if (!result.ok()) {
    std::cerr << "iomtsim " << command << ": " << file << " is not a valid scenario ("
              << result.error_count() << " error" << (result.error_count() == 1 ? "" : "s")
              << ")\n";
    return std::nullopt;
  }
  return std::move(result.scenario);
}

}  // namespace iomtsim::cli
