// `iomtsim validate FILE...`: checks scenario files without running them.
#include <iostream>

#include "command.hpp"
#include "iomtsim/scenarios/loader.hpp"
#include "options.hpp"
#include "scenario_input.hpp"

namespace iomtsim::cli {

int cmd_validate(const std::vector<std::string>& args) {
  po::options_description visible("options");
  visible.add_options()("set", po::value<std::vector<std::string>>()->composing(),
                        "override a value after includes: key.path=value (repeatable)")(
      "quiet,q", "print nothing for valid files");
  add_include_path_option(visible);
  add_max_memory_option(visible);
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
  const auto limit = memory_limit("validate", vm);
  if (!limit) return kExitUsage;
  bool all_ok = true;
  bool too_large = false;
  for (const auto& file : vm["file"].as<std::vector<std::string>>()) {
    const auto result = scenarios::load_file(file, overrides, include_paths(vm));
    for (const auto& d : result.diagnostics) std::cerr << scenarios::format_diagnostic(d);
    if (result.ok()) {
      // Valid, but can this machine run it? The same estimate `run` checks before it starts.
      const auto& s = *result.scenario;
      const double speed = s.time.mode == scenarios::TimeMode::RealTime ? 1.0 : s.time.speed;
      const auto need = sim::estimate_memory(s, {}, sim::EngineKind::RealTime, speed);
      if (auto refusal =
              *limit ? sim::memory_refusal(need, **limit, "a run of this fleet") : std::nullopt) {
        std::cerr << file << ": valid, but " << *refusal << '\n';
        too_large = true;
        continue;
      }
      if (!vm.count("quiet")) {
        std::cout << file << ": ok (" << s.patient_count() << " patients, " << s.cohorts.size()
                  << " cohort" << (s.cohorts.size() == 1 ? "" : "s") << "), a run needs "
                  << sim::format_bytes(need.bytes);
        if (const auto w = result.warning_count(); w > 0)
          std::cout << "; " << w << " warning" << (w == 1 ? "" : "s") << " above";
        std::cout << "\n";
      }
    } else {
      all_ok = false;
      std::cerr << file << ": " << result.error_count() << " error"
                << (result.error_count() == 1 ? "" : "s") << "\n";
    }
  }
  if (too_large) return kExitUsage;
  return all_ok ? kExitOk : kExitFailed;
}

}  // namespace iomtsim::cli
