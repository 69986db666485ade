// `iomtsim calibrate [--out FILE]`: measures the reference target's service time and the
// loopback network on this machine with two short real runs (loadgen against the
// embedded reference_target::TargetServer on loopback), and writes the calibration file
// `simulate --calibration FILE` reads. The arithmetic is sim::simgrid::derive_calibration.
#include <iostream>
#include <sstream>

#include "command.hpp"
#include "iomtsim/loadgen/run.hpp"
#include "iomtsim/sim/simgrid/calibration.hpp"
#include "options.hpp"

namespace iomtsim::cli {

namespace sg = sim::simgrid;

int cmd_calibrate(const std::vector<std::string>& args) {
  const std::string usage = "[--out FILE] [--offered-per-s N] [--seconds S]";
  po::options_description visible("options");
  visible.add_options()("out,o",
                        po::value<std::string>()->default_value("iomtsim-calibration.json"),
                        "calibration file")(
      "offered-per-s", po::value<unsigned>()->default_value(40000),
      "readings per second offered in the saturating run (must exceed what the target takes)")(
      "seconds", po::value<unsigned>()->default_value(8), "length of each run, wall seconds");
  po::positional_options_description pos;
  po::variables_map vm;
  if (auto rc = parse_options("calibrate", usage, visible, pos, args, vm)) return *rc;
  const auto seconds = std::max(2u, vm["seconds"].as<unsigned>());
  const auto offered = std::max(100u, vm["offered-per-s"].as<unsigned>());

  loadgen::RunOptions o;
  o.threads = 1;  // the other core serves the target
  o.speed = 1.0;
  o.write_files = false;
  o.progress = loadgen::ProgressMode::None;
  o.handle_signals = true;
  o.drain_timeout = std::chrono::seconds(60);
  std::ostringstream sink;
  o.log = &sink;
  try {
    std::cerr << "calibrate: light run (" << seconds << " s, 50 readings/s)\n";
    const auto light = loadgen::run(
        sg::calibration_scenario(50, std::chrono::seconds(1), std::chrono::seconds(seconds)), o);
    std::cerr << "calibrate: saturating run (" << seconds << " s, " << offered
              << " readings/s offered)\n";
    const auto every = std::chrono::milliseconds(100);
    const auto heavy = loadgen::run(
        sg::calibration_scenario(offered / 10, every, std::chrono::seconds(seconds)), o);
    // Span of the saturated run: sending, plus the backlog the last readings waited for.
    const double span_s = seconds + static_cast<double>(heavy.report.ingest_latency.max()) * 1e-9;
    auto c = sg::derive_calibration(light.report, heavy.report, span_s, 1);
    c.note =
        "reference target defaults (1 I/O thread, 1 worker), FHIR R4, one reading per "
        "request, loadgen 1 thread x 4 connections on loopback";
    sg::write_calibration(c, vm["out"].as<std::string>());
    std::cout << "service time per reading: " << static_cast<double>(c.service_time.count()) * 1e-3
              << " us (" << c.ceiling_per_s << " readings/s ceiling)\n"
              << "loopback one way: " << static_cast<double>(c.loopback_one_way.count()) * 1e-3
              << " us (light-load p50 raw " << static_cast<double>(c.light_p50_raw.count()) * 1e-3
              << " us)\ncalibration: " << vm["out"].as<std::string>() << '\n';
    return kExitOk;
  } catch (const std::exception& e) {
    std::cerr << "iomtsim calibrate: " << e.what() << '\n';
    return kExitUsage;
  }
}

}  // namespace iomtsim::cli
