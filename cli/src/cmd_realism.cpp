// `iomtsim realism COHORT.csv|SCENARIO --against DIR [--set key=value]...`: a generated
// cohort's hourly vitals against a real dataset in the PhysioNet 2019 format, as a table
// (sim/realism.hpp says what is compared).
#include <iostream>

#include "command.hpp"
#include "iomtsim/sim/realism.hpp"
#include "options.hpp"
#include "scenario_input.hpp"

namespace iomtsim::cli {

int cmd_realism(const std::vector<std::string>& args) {
  const std::string usage = "COHORT.csv|SCENARIO --against DIR [--set key.path=value]...";
  po::options_description visible("options");
  visible.add_options()("against", po::value<std::string>(),
                        "folder of PhysioNet 2019 .psv files (one ICU stay each)")(
      "set", po::value<std::vector<std::string>>()->composing(),
      "override a scenario value: key.path=value (repeatable)");
  add_include_path_option(visible);
  po::options_description hidden;
  hidden.add_options()("cohort", po::value<std::string>(), "generated CSV or scenario file");
  po::positional_options_description pos;
  pos.add("cohort", 1);
  po::variables_map vm;
  if (auto rc = parse_options("realism", usage, visible, pos, args, vm, &hidden)) return *rc;
  if (!vm.count("cohort") || !vm.count("against")) {
    std::cerr << "iomtsim realism: give a cohort and --against DIR\nusage: iomtsim realism "
              << usage << '\n';
    return kExitUsage;
  }
  const std::string input = vm["cohort"].as<std::string>();
  try {
    sim::HourlyChart generated;
    if (input.size() > 4 && input.ends_with(".csv")) {
      generated = sim::hourly_chart_from_generated_csv(input);
    } else {
      const auto overrides =
          vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
      auto scenario = load_scenario_or_report("realism", input, overrides, include_paths(vm));
      if (!scenario) return kExitUsage;
      generated = sim::hourly_chart_from_scenario(*scenario);
    }
    const auto real = sim::hourly_chart_from_physionet_dir(vm["against"].as<std::string>());
    if (generated.empty() || real.empty()) {
      std::cerr << "iomtsim realism: "
                << (generated.empty() ? input : vm["against"].as<std::string>())
                << " holds no stay with a vital sign\n";
      return kExitUsage;
    }
    std::cout << sim::format_realism(sim::compare_hourly(generated, real));
    return kExitOk;
  } catch (const std::exception& e) {
    std::cerr << "iomtsim realism: " << e.what() << '\n';
    return kExitUsage;
  }
}

}  // namespace iomtsim::cli
