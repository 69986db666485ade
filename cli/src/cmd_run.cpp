// `iomtsim run FILE`: runs a scenario in real (or accelerated) time against its target
// and writes report.json, report.html and junit.xml. All the work is loadgen::run().
#include <exception>
#include <filesystem>
#include <iostream>

#include "command.hpp"
#include "iomtsim/loadgen/local_shards.hpp"
#include "iomtsim/loadgen/run.hpp"
#include "iomtsim/reports/summary_text.hpp"
#include "iomtsim/scenarios/expectation.hpp"
#include "iomtsim/scenarios/loader.hpp"
#include "iomtsim/scenarios/units.hpp"
#include "iomtsim/sim/shard_spec.hpp"
#include "options.hpp"
#include "scenario_input.hpp"
#include "signal_stop.hpp"

namespace iomtsim::cli {

namespace {

constexpr std::string_view kUsage =
    "FILE [--speed N] [--threads N] [--out DIR] [--shard K/N | --local-shards N] [--record FILE] [options]";

// The arguments every --local-shards child gets: ours without the options the parent
// decides per child (or that make no sense in a child).
std::vector<std::string> child_args(const std::vector<std::string>& args) {
  const std::vector<std::string> drop = {"--local-shards", "--out", "--shard", "--progress", "--record", "--threads"};
  std::vector<std::string> out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    bool skipped = false;
    for (const auto& d : drop) {
      if (args[i] == d) {
        ++i;  // and its value
        skipped = true;
      } else if (args[i].rfind(d + "=", 0) == 0) {
        skipped = true;
      }
      if (skipped) break;
    }
    if (!skipped) out.push_back(args[i]);
  }
  return out;
}

std::optional<loadgen::ProgressMode> progress_mode(const std::string& s) {
  if (s == "auto") return loadgen::ProgressMode::Auto;
  if (s == "terminal") return loadgen::ProgressMode::Terminal;
  if (s == "json") return loadgen::ProgressMode::Json;
  if (s == "none") return loadgen::ProgressMode::None;
  return std::nullopt;
}

int usage_error(const std::string& what) {
  std::cerr << "iomtsim run: " << what << "\nusage: iomtsim run " << kUsage << '\n';
  return kExitUsage;
}

}  // namespace

int cmd_run(const std::vector<std::string>& args) {
  SignalStop signals;  // before any thread: SIGINT/SIGTERM stop the run, which reports it
  po::options_description visible("options");
  visible.add_options()
      ("set", po::value<std::vector<std::string>>()->composing(),
       "override a scenario value: key.path=value (repeatable)")
      ("speed", po::value<double>(), "scenario seconds per wall second (overrides time.speed)")
      ("threads", po::value<unsigned>(), "engine threads (default: hardware concurrency)")
      ("out", po::value<std::string>(), "report folder (default ./iomtsim-runs/<timestamp>)")
      ("shard", po::value<std::string>(), "run part K of N of the fleet: K/N")
      ("duration", po::value<std::string>(), "scenario duration, e.g. \"30 min\" (overrides metadata.duration)")
      ("progress", po::value<std::string>()->default_value("auto"), "auto|terminal|json|none")
      ("expect", po::value<std::vector<std::string>>()->composing(),
       "an extra expectation, e.g. \"ingest_latency.p99 < 2s\" (repeatable)")
      ("wall-clock-stamps",
       "date readings with wall-clock time, not scenario time (accelerated runs; scoring stays "
       "in scenario time; the scenario key time.wall_clock_stamps)")
      ("connections", po::value<unsigned>(), "HTTP connections per engine thread (default 4)")
      ("connect-rate", po::value<double>(), "connections opened per second (ramp-up)")
      ("no-report", "do not write report files")
      ("record", po::value<std::string>(), "also write a recording of every reading and alert to FILE")
      ("utility-rules", po::value<std::vector<std::string>>()->composing(),
       "alert rules counting for the report's sepsis utility (repeatable; default any)")
      ("local-shards", po::value<unsigned>(),
       "run N shard processes of this binary here and merge their reports into --out");
  add_include_path_option(visible);
  add_max_memory_option(visible);
  po::options_description hidden;
  hidden.add_options()("file", po::value<std::string>(), "scenario file");
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (auto rc = parse_options("run", kUsage, visible, pos, args, vm, &hidden)) return *rc;
  if (!vm.count("file")) return usage_error("no scenario file given");

  loadgen::RunOptions o;
  if (vm.count("speed")) o.speed = vm["speed"].as<double>();
  if (o.speed && !(*o.speed > 0.0)) return usage_error("--speed must be positive");
  if (vm.count("threads")) o.threads = vm["threads"].as<unsigned>();
  if (vm.count("out")) o.out_dir = vm["out"].as<std::string>();
  if (vm.count("connections")) o.connections = std::max(1u, vm["connections"].as<unsigned>());
  if (vm.count("connect-rate")) o.connect_rate_per_s = vm["connect-rate"].as<double>();
  if (vm.count("no-report")) o.write_files = false;
  if (vm.count("wall-clock-stamps")) o.wall_clock_stamps = true;
  if (vm.count("record")) o.record = vm["record"].as<std::string>();
  if (vm.count("utility-rules")) o.utility_rules = vm["utility-rules"].as<std::vector<std::string>>();
  if (vm.count("shard")) {
    auto shard = sim::ShardSpec::parse(vm["shard"].as<std::string>());
    if (!shard) return usage_error("--shard wants K/N with 0 <= K < N");
    o.shard = *shard;
  }
  if (vm.count("duration")) {
    const auto q = scenarios::parse_quantity(vm["duration"].as<std::string>(), scenarios::QuantityKind::TimeSpan);
    const auto d = q.value ? scenarios::seconds_to_duration(*q.value) : std::nullopt;
    if (!q.value) return usage_error("--duration: " + q.error);
    if (!d || d->count() <= 0) return usage_error("--duration wants a positive duration such as 30 min");
    o.duration = *d;
  }
  const auto mode = progress_mode(vm["progress"].as<std::string>());
  if (!mode) return usage_error("--progress wants auto, terminal, json or none");
  o.progress = *mode;
  if (vm.count("expect")) {
    try {
      o.extra_expectations =
          scenarios::parse_expect_options(vm["expect"].as<std::vector<std::string>>());
    } catch (const std::invalid_argument& e) {
      return usage_error(e.what());
    }
  }

  const auto overrides =
      vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
  const auto loaded =
      scenarios::load_file(vm["file"].as<std::string>(), overrides, include_paths(vm));
  for (const auto& d : loaded.diagnostics) std::cerr << scenarios::format_diagnostic(d);
  if (!loaded.ok()) return kExitUsage;  // an input error (README): 1 means a threshold failed
  {
    const auto& s = *loaded.scenario;
    const double speed =
        o.speed.value_or(s.time.mode == scenarios::TimeMode::RealTime ? 1.0 : s.time.speed);
    if (auto rc = check_memory("run", s, o.shard, sim::EngineKind::RealTime, speed, vm)) return *rc;
  }

  if (vm.count("local-shards")) {
    if (vm.count("shard") || vm.count("record") || vm.count("no-report"))
      return usage_error("--local-shards does not combine with --shard, --record or --no-report");
    loadgen::LocalShardsOptions lo;
    lo.program = "/proc/self/exe";
    lo.run_args = child_args(args);
    lo.shards = vm["local-shards"].as<unsigned>();
    if (lo.shards == 0) return usage_error("--local-shards wants N >= 1");
    lo.out_dir = o.out_dir.empty() ? std::filesystem::path("iomtsim-runs/local-shards") : o.out_dir;
    lo.threads_per_shard = o.threads ? o.threads : 1;
    lo.thresholds = loaded.scenario->expectations;
    lo.thresholds.insert(lo.thresholds.end(), o.extra_expectations.begin(),
                         o.extra_expectations.end());
    lo.stop = signals.control();
    try {
      return loadgen::run_local_shards(lo).exit_code;
    } catch (const std::exception& e) {
      std::cerr << "iomtsim run: " << e.what() << '\n';
      return kExitUsage;
    }
  }

  o.stop = signals.control();
  try {
    const auto result = loadgen::run(*loaded.scenario, o);
    std::cerr << reports::alert_summary(result.report) << reports::imaging_summary(result.report);
    return result.exit_code;  // the one verdict's (reports/verdict.hpp)
  } catch (const std::exception& e) {  // the run could not be made: not a verdict (1)
    std::cerr << "iomtsim run: " << e.what() << '\n';
    return kExitUsage;
  }
}

}  // namespace iomtsim::cli
