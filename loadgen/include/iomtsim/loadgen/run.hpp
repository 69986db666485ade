#pragma once
// The real-time run: the fleet's readings onto real sockets on an accelerated clock.
//
//   auto loaded = scenarios::load_file("ward.yaml");
//   loadgen::RunOptions o;  o.speed = 60;  o.threads = 2;
//   loadgen::RunResult r = loadgen::run(*loaded.scenario, o);
//   return r.exit_code;
//
// What run() does: starts the embedded reference target when scenario.target.embedded
// (loopback, ephemeral ports, its alert webhook pointed at our alert intake), starts one
// engine per thread (each owns an io_context, its part of the fleet, its network paths,
// its connections and its RecorderShard: nothing is locked per reading), schedules each
// reading at its intended send time (open loop), waits for the answers, hands the
// ground-truth episodes to the recorder, merges the report, evaluates the expectations
// and writes report.json, report.html and junit.xml.
//
// Set-up, stop and wrap-up are sim::RunFrame's (shared with simulate); the verdict is
// reports::decide()'s (RunResult::verdict, exit_code). RunOptions::stop ends the run early:
// it drains, accounts what is in flight and reports the interruption.
//
// Errors: a scenario the fleet cannot build, a target that cannot start or an out dir
// that cannot be written throw (RunError or the underlying typed exception). A target
// that refuses, resets, stalls or answers garbage is not an error: it is counted.
#include <stdexcept>
#include <string>
#include <vector>

#include "iomtsim/loadgen/run_options.hpp"
#include "iomtsim/reports/thresholds.hpp"
#include "iomtsim/scenarios/scenario.hpp"

namespace iomtsim::loadgen {

class RunError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The report's run mode for a wall-clock run at `speed`: "realtime" at 1, else
// "accelerated ×720" (the mode as run, not the scenario's nominal one).
std::string run_mode_name(double speed);

RunResult run(const scenarios::Scenario& scenario, const RunOptions& options);

}  // namespace iomtsim::loadgen
