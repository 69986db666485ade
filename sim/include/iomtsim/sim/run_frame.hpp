#pragma once
// What every command that runs a scenario does around its engine, written once for `run`
// (real time, loadgen), `simulate` (SimGrid), `replay` (a recording through `run`) and
// each shard of `run --local-shards`:
//
//   set-up     the scenario with its overrides, the thresholds (the scenario's
//              expectations and each --expect, checked before anything starts), the
//              Recorder with the run's description and the network outages;
//   stop       a std::stop_token the caller owns (the CLI's SIGINT/SIGTERM handler asks
//              it); the engine's control loop calls check_stop() with its scenario clock,
//              which notes the interruption once and ends the report's span there. A stop
//              requested before the run started is seen at the first check;
//   wrap-up    finish(): merge the recorder, add the device sides' sections (waveforms,
//              operations), attach pump alarms, evaluate the thresholds, mark an
//              interruption; then reports::decide() gives the verdict and write_outputs()
//              the report folder and the console's summary lines.
//
//   RunFrame frame(scenario, {.mode = "simulated", .stop = token});
//   … the engine runs frame.scenario(), reports into frame.recorder(), polls
//     frame.check_stop(now) …
//   reports::Report report = frame.finish({side.close()});
//   const auto verdict = reports::decide(report);
//   write_outputs(report, verdict, out_dir, &std::cerr);
//   return verdict.exit_code;
//
// The engines never edit the report after finish(): what they measure beyond it (HTTP
// status counts, SimGrid statistics) goes into their own result types.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <vector>

#include "iomtsim/reports/recorder.hpp"
#include "iomtsim/reports/report.hpp"
#include "iomtsim/reports/thresholds.hpp"
#include "iomtsim/reports/verdict.hpp"
#include "iomtsim/scenarios/scenario.hpp"
#include "iomtsim/sim/device_side/device_side.hpp"
#include "iomtsim/sim/shard_spec.hpp"

namespace iomtsim::sim {

// Bad options for a run (an unknown metric in the expectations, an invalid shard).
class FrameError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// How a caller asks a run to stop: `token` from its std::stop_source; `signal`, if given,
// holds the signal number that asked (read when the stop is noticed; 0 or null: a plain
// stop request).
struct StopControl {
  std::stop_token token;
  const std::atomic<int>* signal = nullptr;
};

struct FrameOptions {
  std::string mode;  // RunInfo::mode: "realtime" or "simulated"
  ShardSpec shard{};
  std::optional<physiology::Duration> duration;  // overrides scenario.metadata.duration
  // RunInfo::patient_count where the scenario's count says otherwise (a replay of a shard
  // recording holds patients 2, 6, 10, … of a larger fleet); empty: this shard's patients.
  std::optional<std::uint64_t> patients;
  std::vector<scenarios::Expectation> extra_expectations;  // --expect, added to the scenario's
  std::vector<std::string> utility_rules;                  // MatchOptions::utility_rules
  std::size_t trigger_lookback = 0;                        // 0: the recorder's default
  StopControl stop;
  // Scoring starts here (RunInfo::start: per-second and per-day figures count from it);
  // the engine keeps what was measured before it out of the recorder (a warm-up).
  physiology::SimTime score_from{};
};

class RunFrame {
 public:
  // Throws FrameError for an invalid shard or an unknown metric in the expectations.
  RunFrame(const scenarios::Scenario& scenario, FrameOptions options);
  ~RunFrame();
  RunFrame(const RunFrame&) = delete;
  RunFrame& operator=(const RunFrame&) = delete;

  scenarios::Scenario& scenario() { return scenario_; }
  const scenarios::Scenario& scenario() const { return scenario_; }
  reports::Recorder& recorder() { return *recorder_; }
  const std::vector<reports::Threshold>& thresholds() const { return thresholds_; }
  physiology::SimTime end() const { return physiology::SimTime{scenario_.metadata.duration}; }

  bool stop_requested() const { return options_.stop.token.stop_requested(); }
  // True from the first call after a stop was requested; that call notes the
  // interruption at scenario time `now` (clamped to the run's span).
  bool check_stop(physiology::SimTime now);
  bool interrupted() const { return interruption_.has_value(); }

  // The final report: see above. Call once, after every engine thread stopped.
  reports::Report finish(std::vector<device_side::Sections> sections);

 private:
  FrameOptions options_;
  scenarios::Scenario scenario_;
  std::vector<reports::Threshold> thresholds_;
  std::unique_ptr<reports::Recorder> recorder_;
  reports::RunInfo info_;
  std::optional<reports::Interruption> interruption_;
};

// report.json, report.html and junit.xml into `out_dir` (nothing when empty; throws
// reports::ReportError when it cannot write), then the summary lines
// (reports::summary_lines) and where the report went, to `log` (nullptr: nowhere).
void write_outputs(const reports::Report& report, const reports::Verdict& verdict,
                   const std::filesystem::path& out_dir, std::ostream* log);

}  // namespace iomtsim::sim
