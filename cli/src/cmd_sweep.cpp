// `iomtsim sweep SCENARIO --devices 1000..100000 [--steps N] [capacity options]`: one
// simulation per point, each a child `iomtsim simulate` process; writes sweep.json and
// sweep.html (latency versus load, knee marked) and prints the knee.
#include <iostream>

#include "command.hpp"
#include "iomtsim/scenarios/units.hpp"
#include "iomtsim/sim/simgrid/capacity_settings.hpp"
#include "iomtsim/sim/simgrid/sweep.hpp"
#include "options.hpp"
#include "scenario_input.hpp"

namespace iomtsim::cli {

namespace sg = sim::simgrid;

int cmd_sweep(const std::vector<std::string>& args) {
  const std::string usage =
      "SCENARIO (--devices A..B | --servers A..B | --wan-bandwidth A..B | --loss A..B | "
      "--PARAM a,b,c) [--steps N] [--refine 5%] [--jobs N] [--out DIR] [simulate options]";
  po::options_description visible("options");
  visible.add_options()("out,o", po::value<std::string>()->default_value("iomtsim-sweep"),
                        "output folder")("steps", po::value<unsigned>()->default_value(5),
                                         "points in an A..B range")(
      "jobs,j", po::value<unsigned>()->default_value(1), "simulations at once")(
      "refine", po::value<std::string>()->default_value("5%"),
      "bisect until the knee is known within this (e.g. 5%, 0.02); 0: the grid only")(
      "max-refine-points", po::value<unsigned>()->default_value(12),
      "simulations the refinement may add")("devices", po::value<std::string>(),
                                            "sweep the device count, e.g. 1000..100000")(
      "loss", po::value<std::string>(), "sweep network loss, e.g. 0..0.1")(
      "duration", po::value<std::string>(), "passed to simulate")(
      "calibration", po::value<std::string>(), "passed to simulate")(
      "set", po::value<std::vector<std::string>>()->composing(), "passed to simulate")(
      "include-path", po::value<std::vector<std::string>>()->composing(), "passed to simulate");
  po::options_description capacity("capacity settings: a range sweeps it, a single value fixes it");
  for (const auto& s : sg::capacity_settings()) {
    const std::string key(s.key), help(s.help);
    capacity.add_options()(key.c_str(), po::value<std::vector<std::string>>()->composing(),
                           help.c_str());
  }
  visible.add(capacity);
  po::options_description hidden;
  hidden.add_options()("scenario", po::value<std::string>(), "scenario file");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  if (auto rc = parse_options("sweep", usage, visible, pos, args, vm, &hidden)) return *rc;
  if (!vm.count("scenario")) {
    std::cerr << "iomtsim sweep: no scenario file given\nusage: iomtsim sweep " << usage << '\n';
    return kExitUsage;
  }

  // Every point would fail the same way: say why once, as simulate would.
  const auto overrides =
      vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (!load_scenario_or_report("sweep", vm["scenario"].as<std::string>(), overrides,
                               include_paths(vm)))
    return kExitUsage;

  // The swept parameter is the one given as a range (A..B) or a list (a,b); the others
  // pass through to every simulation unchanged.
  sg::SweepOptions o;
  o.scenario_file = vm["scenario"].as<std::string>();
  o.out_dir = vm["out"].as<std::string>();
  o.jobs = vm["jobs"].as<unsigned>();
  o.max_refine_points = vm["max-refine-points"].as<unsigned>();
  {
    const auto q = scenarios::parse_quantity(vm["refine"].as<std::string>(),
                                             scenarios::QuantityKind::Fraction);
    if (!q.value || *q.value < 0.0 || *q.value >= 1.0) {
      std::cerr << "iomtsim sweep: --refine " << vm["refine"].as<std::string>() << ": "
                << (q.error.empty() ? "expected a fraction below 1, e.g. 5%" : q.error) << '\n';
      return 2;
    }
    o.refine = *q.value;
  }
  o.log = &std::cerr;
  std::vector<std::pair<std::string, std::string>> sweeps;
  auto is_range = [](const std::string& v) {
    return v.find("..") != std::string::npos || v.find(',') != std::string::npos;
  };
  for (const char* key : {"devices", "loss"}) {
    if (!vm.count(key)) continue;
    const auto& v = vm[key].as<std::string>();
    if (is_range(v))
      sweeps.emplace_back(key, v);
    else
      o.forward.insert(o.forward.end(), {std::string("--") + key, v});
  }
  for (const auto& s : sg::capacity_settings()) {
    const std::string key(s.key);
    if (!vm.count(key)) continue;
    for (const auto& v : vm[key].as<std::vector<std::string>>()) {
      if (!s.repeatable && is_range(v))
        sweeps.emplace_back(key, v);
      else
        o.forward.insert(o.forward.end(), {"--" + key, v});
    }
  }
  for (const char* key : {"duration", "calibration"})
    if (vm.count(key))
      o.forward.insert(o.forward.end(), {std::string("--") + key, vm[key].as<std::string>()});
  for (const char* key : {"set", "include-path"})
    if (vm.count(key))
      for (const auto& v : vm[key].as<std::vector<std::string>>())
        o.forward.insert(o.forward.end(), {std::string("--") + key, v});
  if (sweeps.size() != 1) {
    std::cerr << "iomtsim sweep: give exactly one parameter as a range A..B or a list a,b,c ("
              << sweeps.size() << " given)\n";
    return kExitUsage;
  }
  try {
    o.axis = sg::parse_sweep_axis(sweeps[0].first, sweeps[0].second, vm["steps"].as<unsigned>());
    const auto result = sg::run_sweep(o);
    sg::write_sweep_report(result, o.out_dir);
    sg::print_sweep(result, std::cout);
    std::cerr << "sweep report: " << (o.out_dir / "sweep.html").string() << '\n';
    for (const auto& p : result.points)
      if (!p.ok) return kExitFailed;
    return kExitOk;
  } catch (const std::exception& e) {
    std::cerr << "iomtsim sweep: " << e.what() << '\n';
    return kExitUsage;
  }
}

}  // namespace iomtsim::cli
