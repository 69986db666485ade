// `iomtsim replay FILE [--target URL]… [--target-config FILE] [--speed N|max]
// [--format fhir|hl7|mqtt|proto] [--network PROFILE]`: a recording sent into a target through the
// real-time engine and scored against its ground truth. All the work is loadgen::replay
// (replay.hpp).
#include <iostream>

#include "command.hpp"
#include "iomtsim/loadgen/replay.hpp"
#include "iomtsim/reference_target/config.hpp"
#include "iomtsim/reports/summary_text.hpp"
#include "options.hpp"
#include "signal_stop.hpp"

namespace iomtsim::cli {

int cmd_replay(const std::vector<std::string>& args) {
  SignalStop signals;  // before any thread: SIGINT/SIGTERM stop the replay, which reports it
  const std::string usage =
      "FILE [--target URL]... [--target-config FILE] [--speed N|max] [--format "
      "fhir|hl7|mqtt|proto] [--network PROFILE] [--out DIR]";
  po::options_description visible("options");
  visible.add_options()("target", po::value<std::vector<std::string>>()->composing(),
                        "http://HOST:PORT/fhir, mllp://HOST:PORT, proto://HOST:PORT or "
                        "mqtt://HOST:PORT (repeatable); "
                        "default: the embedded reference target")(
      "target-config", po::value<std::string>(),
      "YAML config of the embedded reference target (e.g. its alert rules); not with --target")(
      "alert-port", po::value<std::uint16_t>(), "port of our alert webhook (external target)")(
      "alert-secret-env", po::value<std::string>(),
      "environment variable holding the webhook's shared secret (required with --alert-port)")(
      "speed", po::value<std::string>()->default_value("1"),
      "recording seconds per wall second: 1 = original pace, N, or max")(
      "format", po::value<std::string>()->default_value("fhir"), "fhir|hl7|mqtt|proto")(
      "batch", po::value<unsigned>()->default_value(1), "readings per message")(
      "network", po::value<std::string>()->default_value("hospital_wifi"),
      "built-in network profile")("threads", po::value<unsigned>(),
                                  "engine threads (default: hardware concurrency)")(
      "shard", po::value<std::string>(), "replay part K of N of the patients: K/N")(
      "utility-rules", po::value<std::vector<std::string>>()->composing(),
      "alert rules counting for the sepsis utility (repeatable; default any)")(
      "out", po::value<std::string>(), "report folder (default ./iomtsim-runs/<timestamp>)")(
      "progress", po::value<std::string>()->default_value("auto"), "auto|terminal|json|none");
  po::options_description hidden;
  hidden.add_options()("file", po::value<std::string>(), "recording");
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (auto rc = parse_options("replay", usage, visible, pos, args, vm, &hidden)) return *rc;
  auto usage_error = [&](const std::string& what) {
    std::cerr << "iomtsim replay: " << what << "\nusage: iomtsim replay " << usage << '\n';
    return kExitUsage;
  };
  if (!vm.count("file")) return usage_error("no recording given");

  loadgen::ReplayOptions o;
  const auto& speed = vm["speed"].as<std::string>();
  try {
    o.run.speed = speed == "max" ? loadgen::kMaxReplaySpeed : std::stod(speed);
  } catch (const std::exception&) {
    return usage_error("--speed wants a positive number or max");
  }
  if (!(*o.run.speed > 0.0)) return usage_error("--speed wants a positive number or max");
  const auto& fmt = vm["format"].as<std::string>();
  if (fmt == "fhir")
    o.format = scenarios::PayloadFormat::FhirR4;
  else if (fmt == "hl7")
    o.format = scenarios::PayloadFormat::Hl7v2;
  else if (fmt == "mqtt")
    o.format = scenarios::PayloadFormat::MqttJson;
  else if (fmt == "proto")
    o.format = scenarios::PayloadFormat::Protobuf;
  else
    return usage_error("--format wants fhir, hl7, mqtt or proto");
  o.batch = std::max(1u, vm["batch"].as<unsigned>());
  o.network = vm["network"].as<std::string>();
  if (vm.count("target")) o.targets = vm["target"].as<std::vector<std::string>>();
  if (vm.count("alert-port")) o.alert_webhook_port = vm["alert-port"].as<std::uint16_t>();
  if (vm.count("alert-secret-env")) o.alert_secret_env = vm["alert-secret-env"].as<std::string>();
  if (vm.count("target-config")) {
    if (!o.targets.empty())
      return usage_error("--target-config configures the embedded target; not with --target");
    try {
      o.run.embedded_target =
          reference_target::load_target_config(vm["target-config"].as<std::string>());
    } catch (const reference_target::ConfigError& e) {
      for (const auto& issue : e.issues()) std::cerr << issue.to_string() << '\n';
      return kExitUsage;  // input the command cannot work with
    }
  }
  if (vm.count("threads")) o.run.threads = vm["threads"].as<unsigned>();
  if (vm.count("out")) o.run.out_dir = vm["out"].as<std::string>();
  if (vm.count("utility-rules")) o.run.utility_rules = vm["utility-rules"].as<std::vector<std::string>>();
  if (vm.count("shard")) {
    auto shard = sim::ShardSpec::parse(vm["shard"].as<std::string>());
    if (!shard) return usage_error("--shard wants K/N with 0 <= K < N");
    o.run.shard = *shard;
  }
  const auto& progress = vm["progress"].as<std::string>();
  if (progress == "auto") o.run.progress = loadgen::ProgressMode::Auto;
  else if (progress == "terminal") o.run.progress = loadgen::ProgressMode::Terminal;
  else if (progress == "json") o.run.progress = loadgen::ProgressMode::Json;
  else if (progress == "none") o.run.progress = loadgen::ProgressMode::None;
  else return usage_error("--progress wants auto, terminal, json or none");

  o.run.stop = signals.control();
  try {
    const auto r = loadgen::replay(vm["file"].as<std::string>(), o);
    std::cerr << reports::alert_summary(r.report);
    return r.exit_code;  // the one verdict's (reports/verdict.hpp), invalid when mostly unsent
  } catch (const std::exception& e) {
    std::cerr << "iomtsim replay: " << e.what() << '\n';
    return kExitUsage;
  }
}

}  // namespace iomtsim::cli
