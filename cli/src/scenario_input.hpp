#pragma once
// Loading the scenario a command works on, with --set overrides, printing diagnostics
// the same way `validate` does. Shared by generate, run, simulate, preview, explain.
#include <optional>
#include <string>
#include <vector>

#include "iomtsim/scenarios/scenario.hpp"
#include "iomtsim/sim/memory_estimate.hpp"
#include "iomtsim/sim/shard_spec.hpp"
#include "options.hpp"

namespace iomtsim::cli {

// `--include-path DIR` (repeatable): a folder a scenario's `include:` may read besides
// the scenario's own. Every command that loads a scenario takes it.
void add_include_path_option(po::options_description& options);
std::vector<std::string> include_paths(const po::variables_map& vm);

// `--max-memory SIZE`: the memory a fleet may need before it is refused (default: what
// this machine has available; 0: no check). validate, run, simulate and generate take it.
void add_max_memory_option(po::options_description& options);

// The limit in bytes (nullopt: none, or unknown), or nullopt after printing that
// --max-memory is not a size.
std::optional<std::optional<std::uint64_t>> memory_limit(const std::string& command,
                                                         const po::variables_map& vm);

// Estimates the fleet's memory for `engine` before anything is allocated and checks it
// against --max-memory (or the available memory). Returns kExitUsage after printing why
// (the fleet does not fit, or --max-memory is not a size), nullopt when it may go on.
// `estimate`, if given, receives the figures.
std::optional<int> check_memory(const std::string& command, const scenarios::Scenario& scenario,
                                sim::ShardSpec shard, sim::EngineKind engine, double speed,
                                const po::variables_map& vm,
                                sim::MemoryEstimate* estimate = nullptr);

// nullopt after printing the diagnostics to stderr.
std::optional<scenarios::Scenario> load_scenario_or_report(
    const std::string& command, const std::string& file, const std::vector<std::string>& overrides,
    const std::vector<std::string>& include_paths);

}  // namespace iomtsim::cli
