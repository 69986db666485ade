// `iomtsim explain FILE`: what a scenario will do, in plain words.
#include <iostream>

#include "command.hpp"
#include "iomtsim/scenarios/explain.hpp"
#include "iomtsim/scenarios/loader.hpp"
#include "options.hpp"
#include "scenario_input.hpp"

namespace iomtsim::cli {

int cmd_explain(const std::vector<std::string>& args) {
  po::options_description visible("options");
  visible.add_options()
      ("set", po::value<std::vector<std::string>>()->composing(),
       "override a value after includes: key.path=value (repeatable)");
  add_include_path_option(visible);
  po::options_description hidden;
  hidden.add_options()("file", po::value<std::string>(), "scenario file");
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (auto rc = parse_options("explain", "FILE [--set key.path=value]...", visible, pos, args, vm,
                              &hidden))
    return *rc;
  if (!vm.count("file")) {
    std::cerr << "iomtsim explain: no scenario file given\nusage: iomtsim explain FILE\n";
    return kExitUsage;
  }
  const auto overrides =
      vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
  const auto result =
      scenarios::load_file(vm["file"].as<std::string>(), overrides, include_paths(vm));
  for (const auto& d : result.diagnostics) std::cerr << scenarios::format_diagnostic(d);
  if (!result.ok()) return kExitUsage;
  std::cout << scenarios::explain(*result.scenario);
  return kExitOk;
}

}  // namespace iomtsim::cli
