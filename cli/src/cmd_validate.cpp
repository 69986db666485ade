// `iomtsim validate FILE...`: checks scenario files without running them.
#include <iostream>

#include "command.hpp"
#include "iomtsim/scenarios/loader.hpp"
#include "options.hpp"

namespace iomtsim::cli {

int cmd_validate(const std::vector<std::string>& args) {
  po::options_description visible("options");
  visible.add_options()
      ("set", po::value<std::vector<std::string>>()->composing(),
       "override a value after includes: key.path=value (repeatable)")
      ("quiet,q", "print nothing for valid files");
  po::options_description hidden;
  hidden.add_options()("file", po::value<std::vector<std::string>>(), "scenario files");
  po::positional_options_description pos;
  pos.add("file", -1);
  po::variables_map vm;
  if (auto rc = parse_options("validate", "FILE... [--set key.path=value]...", visible, pos, args,
                              vm, &hidden))
    return *rc;
  if (!vm.count("file")) {
    std::cerr << "iomtsim validate: no scenario file given\n"
                 "usage: iomtsim validate FILE... [--set key.path=value]...\n";
    return kExitUsage;
  }
  const auto overrides =
      vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
  bool all_ok = true;
  for (const auto& file : vm["file"].as<std::vector<std::string>>()) {
    const auto result = scenarios::load_file(file, overrides);
    for (const auto& d : result.diagnostics) std::cerr << scenarios::format_diagnostic(d);
    if (result.ok()) {
      if (!vm.count("quiet")) {
        std::cout << file << ": ok (" << result.scenario->patient_count() << " patients, "
                  << result.scenario->cohorts.size() << " cohort"
                  << (result.scenario->cohorts.size() == 1 ? "" : "s") << ")\n";
      }
    } else {
      all_ok = false;
      std::cerr << file << ": " << result.diagnostics.size() << " error"
                << (result.diagnostics.size() == 1 ? "" : "s") << "\n";
    }
  }
  return all_ok ? kExitOk : kExitFailed;
}

}  // namespace iomtsim::cli
