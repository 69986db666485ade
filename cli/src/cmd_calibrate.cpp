// `iomtsim calibrate [SCENARIO] [--set k=v] [--out FILE]`: measures a target's service time
// and the network path to it with two short real runs (loadgen), and writes the
// calibration file `simulate --calibration FILE` reads. Without a scenario the target is
// the embedded reference target on loopback; with one it is the scenario's target (its
// FHIR endpoint, with its TLS, authentication and provisioning), so a capacity planner
// calibrates the model against the system they plan for. The arithmetic is
// sim::simgrid::derive_calibration.
#include <ctime>
#include <iostream>
#include <sstream>

#include "command.hpp"
#include "iomtsim/loadgen/run.hpp"
#include "iomtsim/scenarios/loader.hpp"
#include "iomtsim/sim/simgrid/calibration.hpp"
#include "options.hpp"
#include "signal_stop.hpp"

namespace iomtsim::cli {

namespace sg = sim::simgrid;

int cmd_calibrate(const std::vector<std::string>& args) {
  SignalStop signals;  // before any thread: SIGINT/SIGTERM stop the measuring runs
  const std::string usage = "[SCENARIO] [--set key.path=value] [--out FILE] [--offered-per-s N] [--seconds S]";
  po::options_description visible("options");
  visible.add_options()("out,o",
                        po::value<std::string>()->default_value("iomtsim-calibration.json"),
                        "calibration file")(
      "offered-per-s", po::value<unsigned>()->default_value(40000),
      "readings per second offered in the saturating run (must exceed what the target takes)")(
      "seconds", po::value<unsigned>()->default_value(8), "length of each run, wall seconds")(
      "set", po::value<std::vector<std::string>>()->composing(),
      "override a value of SCENARIO: key.path=value (repeatable)");
  po::options_description hidden;
  hidden.add_options()("scenario", po::value<std::string>(), "scenario naming the target");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  if (auto rc = parse_options("calibrate", usage, visible, pos, args, vm, &hidden)) return *rc;
  const auto seconds = std::max(2u, vm["seconds"].as<unsigned>());
  const auto offered = std::max(100u, vm["offered-per-s"].as<unsigned>());

  // The target to measure: the scenario's (everything that says how to reach it and set it
  // up), or the embedded reference target.
  std::optional<scenarios::TargetSpec> target;
  std::string what = "reference target defaults (1 I/O thread, 1 worker)";
  if (vm.count("scenario")) {
    const auto overrides =
        vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
    const auto loaded = scenarios::load_file(vm["scenario"].as<std::string>(), overrides);
    for (const auto& d : loaded.diagnostics) std::cerr << scenarios::format_diagnostic(d);
    if (!loaded.ok()) return kExitFailed;
    const auto& t = loaded.scenario->target;
    if (!t.embedded) {
      if (!t.http) {
        std::cerr << "iomtsim calibrate: the scenario's target has no FHIR endpoint (http) to measure\n";
        return kExitFailed;
      }
      target = t;
      target->alerts = {};  // calibration scores no alerts
      target->alert_webhook_port.reset();
      target->alert_mqtt_topic.clear();
      what = std::string("the scenario's target ") + (t.http->tls ? "https://" : "http://") + t.http->host + ":" +
             std::to_string(t.http->port) + t.fhir_base_path + " (workers unknown: service time per reading "
             "is the whole server's)";
    }
  }
  auto scenario = [&](std::uint32_t patients, std::chrono::milliseconds every) {
    auto s = sg::calibration_scenario(patients, every, std::chrono::seconds(seconds));
    if (target) s.target = *target;
    return s;
  };

  loadgen::RunOptions o;
  o.threads = 1;  // the other core serves the target
  o.speed = 1.0;
  o.write_files = false;
  o.progress = loadgen::ProgressMode::None;
  o.stop = signals.control();
  o.drain_timeout = std::chrono::seconds(60);
  std::ostringstream sink;
  o.log = &sink;
  try {
    std::cerr << "calibrate: light run (" << seconds << " s, 50 readings/s)\n";
    const auto light = loadgen::run(scenario(50, std::chrono::seconds(1)), o);
    if (light.interrupted) return light.exit_code;  // no calibration from a partial run
    std::cerr << "calibrate: saturating run (" << seconds << " s, " << offered
              << " readings/s offered)\n";
    const auto heavy = loadgen::run(scenario(offered / 10, std::chrono::milliseconds(100)), o);
    if (heavy.interrupted) return heavy.exit_code;
    // Span of the saturated run: sending, plus the backlog the last readings waited for.
    const double span_s = seconds + static_cast<double>(heavy.report.ingest_latency.max()) * 1e-9;
    auto c = sg::derive_calibration(light.report, heavy.report, span_s, 1);
    c.note = what + ", FHIR R4, one reading per request, loadgen 1 thread x 4 connections";
    c.target = what;
    {
      const std::time_t now = std::time(nullptr);
      std::tm utc{};
      gmtime_r(&now, &utc);
      char stamp[32];
      std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
      c.measured_at = stamp;  // simulate names it with each figure it sets
    }
    sg::write_calibration(c, vm["out"].as<std::string>());
    std::cout << "service time per reading: " << static_cast<double>(c.service_time.count()) * 1e-3
              << " us (" << c.ceiling_per_s << " readings/s ceiling)\n"
              << (target ? "network one way: " : "loopback one way: ")
              << static_cast<double>(c.loopback_one_way.count()) * 1e-3 << " us (light-load p50 raw "
              << static_cast<double>(c.light_p50_raw.count()) * 1e-3 << " us)\ncalibration: "
              << vm["out"].as<std::string>() << '\n';
    return kExitOk;
  } catch (const std::exception& e) {
    std::cerr << "iomtsim calibrate: " << e.what() << '\n';
    return kExitUsage;
  }
}

}  // namespace iomtsim::cli
