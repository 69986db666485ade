// `iomtsim simulate SCENARIO [capacity options] [--out DIR]`: the scenario in simulated
// time on SimGrid; writes report.json, report.html and junit.xml like a real run. The
// capacity model comes from the scenario's `capacity:` section; --calibration and the
// capacity options override it (a --fail adds to the file's failures; `--set
// capacity.failures=[]` removes those).
#include <iostream>

#include "command.hpp"
#include "iomtsim/reports/summary_text.hpp"
#include "iomtsim/scenarios/expectation.hpp"
#include "iomtsim/sim/simgrid/calibration.hpp"
#include "iomtsim/sim/simgrid/capacity_settings.hpp"
#include "iomtsim/sim/simgrid/scenario_capacity.hpp"
#include "iomtsim/sim/simgrid/simulate.hpp"
#include "iomtsim/sim/simgrid/sweep.hpp"
#include "options.hpp"
#include "scenario_input.hpp"
#include "signal_stop.hpp"

namespace iomtsim::cli {

namespace sg = sim::simgrid;

int cmd_simulate(const std::vector<std::string>& args) {
  SignalStop signals;  // before any thread: SIGINT/SIGTERM stop the simulation, which reports it
  const std::string usage =
      "SCENARIO [--out DIR] [--duration T] [--calibration FILE] [--servers N] "
      "[--wan-bandwidth BW] [--fidelity per-reading|aggregated|auto] [--fail server:1@3h] "
      "[--expect 'metric op value']…";
  po::options_description visible("options");
  visible.add_options()("out,o", po::value<std::string>(),
                        "report folder (default iomtsim-runs/sim-<scenario>)")(
      "duration", po::value<std::string>(), "scenario time to simulate (default: the scenario's)")(
      "calibration", po::value<std::string>(),
      "calibration file from `iomtsim calibrate` (service time, workers): over the scenario's "
      "capacity: section, under the options below")(
      "set", po::value<std::vector<std::string>>()->composing(),
      "override a scenario value: key.path=value (repeatable)")(
      "devices", po::value<std::uint64_t>(),
      "scale every cohort so the fleet has about this many devices (sweep axis)")(
      "loss", po::value<double>(),
      "set every network profile's loss probability, 0..1 (sweep axis)")(
      "expect", po::value<std::vector<std::string>>()->composing(),
      "an extra expectation, e.g. \"ingest_latency.p99 < 2s\" (repeatable)")(
      "quiet,q", "no summary on standard error")(
      "fleet-thread", po::value<std::string>()->default_value("on"),
      "on: the fleet's physiology runs on a second thread ahead of SimGrid's; off: on "
      "SimGrid's own (the same report either way)");
  po::options_description capacity(
      "capacity model (override the scenario's capacity: section; defaults in brackets)");
  for (const auto& s : sg::capacity_settings()) {
    const std::string key(s.key), help(s.help);
    if (s.repeatable)
      capacity.add_options()(key.c_str(), po::value<std::vector<std::string>>()->composing(),
                             help.c_str());
    else
      capacity.add_options()(key.c_str(), po::value<std::string>(), help.c_str());
  }
  visible.add(capacity);
  add_include_path_option(visible);
  add_max_memory_option(visible);
  po::options_description hidden;
  hidden.add_options()("scenario", po::value<std::string>(), "scenario file");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  if (auto rc = parse_options("simulate", usage, visible, pos, args, vm, &hidden)) return *rc;
  if (!vm.count("scenario")) {
    std::cerr << "iomtsim simulate: no scenario file given\nusage: iomtsim simulate " << usage
              << '\n';
    return kExitUsage;
  }

  const auto overrides =
      vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
  auto scenario = load_scenario_or_report("simulate", vm["scenario"].as<std::string>(), overrides,
                                          include_paths(vm));
  if (!scenario) return kExitUsage;  // invalid input, as for every command but validate

  // Precedence: engine defaults < the scenario's `capacity:` < --calibration < options.
  sg::SimulateOptions options;
  try {
    sg::apply_scenario_capacity(*scenario, options.capacity);
    if (vm.count("calibration")) {
      const std::string file = vm["calibration"].as<std::string>();
      const auto cal = sg::read_calibration(file);
      const auto before = options.capacity;
      sg::apply_to(cal, options.capacity, sg::source_text(cal, file));
      // A calibration that replaces what the scenario says is said, not silent.
      const std::string& f = before.front_stage;
      auto from_scenario = [&](const std::string& figure) {
        const auto it = before.sources.find(figure);
        return it != before.sources.end() && it->second == "scenario";
      };
      if (from_scenario(f + ".service_time") && before.service_time != cal.service_time)
        std::cerr << "simulate: " << sg::source_text(cal, file) << " replaces the scenario's "
                  << f << ".service_time (" << before.service_time.count() / 1000 << " us) with "
                  << cal.service_time.count() / 1000 << " us\n";
      if (from_scenario(f + ".workers") && before.workers_per_server != cal.workers)
        std::cerr << "simulate: " << sg::source_text(cal, file) << " replaces the scenario's "
                  << f << ".workers (" << before.workers_per_server << ") with " << cal.workers
                  << "\n";
    }
    for (const auto& s : sg::capacity_settings()) {
      const std::string key(s.key);
      if (!vm.count(key)) continue;
      if (s.repeatable)
        for (const auto& v : vm[key].as<std::vector<std::string>>())
          sg::apply_capacity_setting(options.capacity, key, v);
      else
        sg::apply_capacity_setting(options.capacity, key, vm[key].as<std::string>());
    }
    options.capacity.validate();
    if (vm.count("duration"))
      options.duration = sg::parse_duration(vm["duration"].as<std::string>());
    if (vm.count("devices")) sg::scale_to_devices(*scenario, vm["devices"].as<std::uint64_t>());
    if (vm.count("loss")) sg::set_loss(*scenario, vm["loss"].as<double>());
  } catch (const std::exception& e) {
    std::cerr << "iomtsim simulate: " << e.what() << '\n';
    return kExitUsage;
  }
  if (auto rc = check_memory("simulate", *scenario, {}, sim::EngineKind::Simulated, 1.0, vm))
    return *rc;
  if (vm.count("expect")) {
    try {
      options.extra_expectations =
          scenarios::parse_expect_options(vm["expect"].as<std::vector<std::string>>());
    } catch (const std::invalid_argument& e) {
      std::cerr << "iomtsim simulate: " << e.what() << "\nusage: iomtsim simulate " << usage
                << '\n';
      return kExitUsage;
    }
  }
  if (const auto& t = vm["fleet-thread"].as<std::string>(); t == "on" || t == "off") {
    options.prefetch_fleet = t == "on";
  } else {
    std::cerr << "iomtsim simulate: --fleet-thread takes on or off, not '" << t << "'\n";
    return kExitUsage;
  }
  if (vm.count("out")) options.out_dir = vm["out"].as<std::string>();
  if (!vm.count("quiet")) options.log = &std::cerr;
  options.stop = signals.control();
  try {
    const auto result = sg::simulate(*scenario, options);
    if (options.log) *options.log << reports::alert_summary(result.report);
    return result.exit_code;  // the one verdict's (reports/verdict.hpp)
  } catch (const std::exception& e) {
    std::cerr << "iomtsim simulate: " << e.what() << '\n';
    return kExitUsage;
  }
}

}  // namespace iomtsim::cli
