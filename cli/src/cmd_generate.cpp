// `iomtsim generate SCENARIO --out FILE [--format proto|csv] [--shard K/N]`: readings and
// ground truth with no target and no network.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "command.hpp"
#include "iomtsim/sim/generate.hpp"
#include "options.hpp"
#include "scenario_input.hpp"

namespace iomtsim::cli {

int cmd_generate(const std::vector<std::string>& args) {
  const std::string usage = "SCENARIO --out FILE [--format proto|csv] [--shard K/N]";
  po::options_description visible("options");
  visible.add_options()
      ("out,o", po::value<std::string>()->required(), "output file ('-' for standard output)")
      ("format,f", po::value<std::string>()->default_value("proto"),
       "proto (length-delimited protobuf, the recording format) or csv")
      ("shard", po::value<std::string>()->default_value("0/1"), "generate shard K of N")
      ("set", po::value<std::vector<std::string>>()->composing(),
       "override a scenario value: key.path=value (repeatable)")
      ("progress", po::value<std::string>()->default_value("auto"),
       "auto (a line on a terminal), none");
  add_include_path_option(visible);
  add_max_memory_option(visible);
  po::options_description hidden;
  hidden.add_options()("scenario", po::value<std::string>(), "scenario file");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  if (auto rc = parse_options("generate", usage, visible, pos, args, vm, &hidden)) return *rc;
  if (!vm.count("scenario")) {
    std::cerr << "iomtsim generate: no scenario file given\nusage: iomtsim generate " << usage
              << '\n';
    return kExitUsage;
  }
  const auto& fmt = vm["format"].as<std::string>();
  if (fmt != "proto" && fmt != "csv") {
    std::cerr << "iomtsim generate: --format must be proto or csv, not '" << fmt << "'\n";
    return kExitUsage;
  }
  const auto shard = sim::ShardSpec::parse(vm["shard"].as<std::string>());
  if (!shard) {
    std::cerr << "iomtsim generate: --shard must be K/N with 0 <= K < N, not '"
              << vm["shard"].as<std::string>() << "'\n";
    return kExitUsage;
  }
  const auto overrides =
      vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
  auto scenario = load_scenario_or_report("generate", vm["scenario"].as<std::string>(), overrides,
                                          include_paths(vm));
  if (!scenario) return kExitUsage;  // invalid input, as for every command but validate
  if (auto rc = check_memory("generate", *scenario, *shard, sim::EngineKind::Generate, 1.0, vm))
    return *rc;

  const auto& out_path = vm["out"].as<std::string>();
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (out_path != "-") {
    file.open(out_path, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::perror(("iomtsim generate: cannot write " + out_path).c_str());
      return kExitUsage;
    }
    out = &file;
  }
  const bool show = vm["progress"].as<std::string>() == "auto" && isatty(STDERR_FILENO) != 0;
  const double total_s = physiology::to_seconds(scenario->metadata.duration);
  sim::GenerateProgress progress;
  if (show) {
    progress = [total_s](physiology::SimTime t, const sim::GenerateStats& s) {
      std::fprintf(stderr, "\rgenerate: %5.1f %% of scenario time, %llu readings   ",
                   total_s > 0 ? 100.0 * physiology::to_seconds(t) / total_s : 100.0,
                   static_cast<unsigned long long>(s.readings));
    };
  }
  const auto format = fmt == "csv" ? sim::GenerateFormat::Csv : sim::GenerateFormat::Protobuf;
  const auto stats = sim::generate(*scenario, *shard, format, *out, progress);
  if (show) std::fputc('\n', stderr);
  std::cerr << "generate: " << stats.patients << " patients, " << stats.devices << " devices, "
            << stats.readings << " readings, " << stats.waveform_blocks << " waveform blocks ("
            << stats.waveform_samples << " samples), " << stats.episodes << " episodes";
  if (stats.pump_events + stats.location_fixes + stats.imaging_results > 0)
    std::cerr << ", operations: " << stats.pump_events << " pump events, "
              << stats.location_fixes << " location fixes, " << stats.imaging_results
              << " imaging results, " << stats.asset_segments << " asset track segments";
  std::cerr << (out_path == "-" ? std::string{} : " -> " + out_path) << '\n';
  return kExitOk;
}

}  // namespace iomtsim::cli
