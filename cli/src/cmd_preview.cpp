// `iomtsim preview SCENARIO [--patients N] [--out FILE]`: patient timelines straight from
// the physiology, as a self-contained HTML page.
#include <fstream>
#include <iostream>

#include "command.hpp"
#include "iomtsim/reports/render_html.hpp"
#include "iomtsim/sim/preview.hpp"
#include "options.hpp"
#include "scenario_input.hpp"

namespace iomtsim::cli {

int cmd_preview(const std::vector<std::string>& args) {
  const std::string usage = "SCENARIO [--patients N] [--out FILE]";
  po::options_description visible("options");
  visible.add_options()
      ("patients,n", po::value<std::uint32_t>()->default_value(4),
       "patients to show (those with episodes first, then in turn from each cohort)")
      ("step-minutes", po::value<std::uint32_t>()->default_value(5),
       "sampling of the true vitals, minutes")
      ("out,o", po::value<std::string>()->default_value("preview.html"), "HTML file to write")
      ("set", po::value<std::vector<std::string>>()->composing(),
       "override a scenario value: key.path=value (repeatable)");
  add_include_path_option(visible);
  po::options_description hidden;
  hidden.add_options()("scenario", po::value<std::string>(), "scenario file");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  if (auto rc = parse_options("preview", usage, visible, pos, args, vm, &hidden)) return *rc;
  if (!vm.count("scenario")) {
    std::cerr << "iomtsim preview: no scenario file given\nusage: iomtsim preview " << usage
              << '\n';
    return kExitUsage;
  }
  sim::PreviewOptions options;
  options.patients = vm["patients"].as<std::uint32_t>();
  const auto step = vm["step-minutes"].as<std::uint32_t>();
  if (options.patients == 0 || options.patients > 100 || step == 0) {
    std::cerr << "iomtsim preview: --patients must be 1..100 and --step-minutes at least 1\n";
    return kExitUsage;
  }
  options.true_step = std::chrono::minutes(step);
  const auto overrides =
      vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
  auto scenario = load_scenario_or_report("preview", vm["scenario"].as<std::string>(), overrides,
                                          include_paths(vm));
  if (!scenario) return kExitUsage;  // invalid input, as for every command but validate

  const auto patients = sim::build_preview(*scenario, options);
  const auto& path = vm["out"].as<std::string>();
  std::ofstream out(path, std::ios::trunc);
  out << reports::render_preview_html("iomtsim preview: " + scenario->metadata.name, patients);
  out.close();
  if (!out) {
    std::cerr << "iomtsim preview: cannot write " << path << '\n';
    return kExitUsage;
  }
  std::cout << "preview of " << patients.size() << " patients -> " << path << '\n';
  return kExitOk;
}

}  // namespace iomtsim::cli
