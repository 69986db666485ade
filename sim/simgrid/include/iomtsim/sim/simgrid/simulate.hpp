#pragma once
// `iomtsim simulate`: one scenario in simulated time on SimGrid, writing the same
// report.json / report.html / junit.xml as a real run (RunInfo::mode "simulated"; every
// time axis is scenario time).
//
// What is real and what is modelled:
//  - real: the fleet (physiology, devices, batching), the devices' network profiles
//    applied by the shared sim::FleetNetwork / NetworkPath code (loss, latency, jitter,
//    outages, reconnect back-off, store-and-forward), the reference rules
//    (rules::RulesEngine) on every reading the modelled target accepts, the
//    Recorder and scoring;
//  - modelled: everything from the access point on (SimGrid links, CM02 flow model), the
//    ingest servers as FIFO queues with a service time per reading (calibrate measures
//    it), the acknowledgement's way back (the route's latency) and alert delivery
//    (return latency + CapacityModel::alert_delivery).
// Latency: intended send -> acknowledgement, as in a real run (open loop).
//
// Aggregated fidelity: the messages reaching one access point within
// aggregate_interval travel as ONE SimGrid communication of their summed size, started
// at the end of the interval. What this changes in the figures:
//  - each reading is charged its own access-point instant + the route latency + its
//    byte share of the batch's transfer time, so the batching wait itself is NOT added
//    to latency; but bandwidth is shared per batch (a burst looks like one long flow),
//    so congestion on shared links shows later and smoother than per reading;
//  - the readings of a batch enter the server queue at their own instants, but batches
//    are evaluated in arrival order, so queue order (and the queue-full test) is FIFO only
//    up to one interval; near saturation p99 can differ by a few service times;
//  - a link failure decides for the whole batch.
// Counts (generated, lost, dropped, delivered) are identical in both fidelities: loss and
// outages are decided per message before SimGrid. The test
// simgrid_fidelity_test checks p50/p99 within 10 % + 2 ms and delivery exactly.
//
// One simulation per process: SimGrid's engine is a singleton that does not reset.
// A second call throws SimulateError.
//
//   SimulateOptions o;  o.capacity.servers = 6;  o.out_dir = "out";
//   SimulateResult r = simulate(scenario, o);   // r.report, r.exit_code
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <vector>

#include "iomtsim/reports/report.hpp"
#include "iomtsim/reports/verdict.hpp"
#include "iomtsim/scenarios/scenario.hpp"
#include "iomtsim/sim/run_frame.hpp"
#include "iomtsim/sim/simgrid/capacity_model.hpp"

namespace iomtsim::sim::simgrid {

class SimulateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SimulateOptions {
  CapacityModel capacity;
  std::optional<Duration> duration;  // overrides scenario.metadata.duration
  std::filesystem::path out_dir;     // empty: ./iomtsim-runs/sim-<scenario>/
  bool write_files = true;
  std::vector<scenarios::Expectation> extra_expectations;
  std::ostream* log = nullptr;                      // summary lines; nullptr: none
  std::string simgrid_log = "root.thres:critical";  // SimGrid's --log value
  // Generate the fleet's physiology on a second thread, ahead of the SimGrid actor
  // (sim::FleetPrefetch). Same results either way; false: one thread.
  bool prefetch_fleet = true;
  // Stops the simulation early (the CLI's SIGINT/SIGTERM): what is in flight stays in
  // flight and the report says it was interrupted, at what scenario time.
  StopControl stop;
};

struct SimulateStats {
  Fidelity fidelity = Fidelity::PerReading;  // the one used (never Auto)
  std::uint64_t devices = 0;
  std::uint64_t access_points = 0;
  std::uint64_t readings = 0;        // generated
  std::uint64_t messages = 0;        // device messages delivered to an access point
  std::uint64_t communications = 0;  // SimGrid comms started
  std::uint64_t queue_rejections = 0;
  std::uint64_t server_failures = 0;          // readings failed by a down server
  std::uint64_t link_failures = 0;            // readings failed by a down link
  std::uint64_t waveform_blocks = 0;          // waveform blocks generated (all carried)
  std::uint64_t ops_messages = 0;             // operations messages that reached an access point
  std::uint64_t alerts = 0;
  std::uint64_t peak_in_flight = 0;  // SimGrid comms at once
  double simulated_s = 0.0;          // SimGrid clock at the end
  double wall_s = 0.0;
  double readings_per_wall_s() const {
    return wall_s > 0 ? static_cast<double>(readings) / wall_s : 0.0;
  }
};

struct SimulateResult {
  int exit_code = 0;         // verdict.exit_code
  reports::Verdict verdict;  // reports::decide(report)
  reports::Report report;
  std::filesystem::path out_dir;  // empty when nothing was written
  std::vector<reports::ThresholdResult> failed;
  SimulateStats stats;
};

// Throws SimulateError (second call, bad expectations), CapacityError, FleetError.
SimulateResult simulate(const scenarios::Scenario& scenario, const SimulateOptions& options);

// The fidelity `auto` resolves to for this many devices.
Fidelity resolve_fidelity(const CapacityModel& m, std::uint64_t devices);

}  // namespace iomtsim::sim::simgrid
