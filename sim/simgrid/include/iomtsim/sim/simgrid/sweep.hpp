#pragma once
// `iomtsim sweep`: a series of simulations over one parameter (device count, a capacity
// setting, or network loss), each in its own child process (SimGrid runs once per
// process), summarised as latency-versus-load figures with the capacity knee.
//
// The knee is the heaviest load whose run meets every threshold of the scenario,
// scanning from the lightest load and stopping at the first point that fails: a point
// that passes again after a failure is not trusted (noise, or a different regime).
// Load grows with the value for devices, loss, latencies and service time (the knee is
// the largest value that passes) and shrinks with it for resources: servers, workers,
// queue, bandwidths, access points per ward (the knee is the smallest value that passes,
// scanning down from the largest). Without thresholds the knee falls back to "p99
// ingest latency below 2 s".
//
// The grid is only the start: the sweep then bisects between the knee and its failing
// neighbour (geometric cuts, one child per job) until the boundary is known within
// `refine` (5 %), and when even the lightest point fails it tries a tenth of it (twice at
// most), so a grid that straddles nothing still finds the knee. Refined points live in
// their own folders like the grid's; `points` is sorted by x.
//
//   SweepAxis axis = parse_sweep_axis("devices", "1000..100000", 5);  // 1000, 3162, … 100000
//   SweepOptions o{…};  SweepResult r = run_sweep(o);   // spawns `exe simulate …` per point
//   write_sweep_report(r, "out");                       // sweep.json, sweep.html
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "iomtsim/reports/report.hpp"
#include "iomtsim/scenarios/scenario.hpp"

namespace iomtsim::sim::simgrid {

class SweepError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SweepAxis {
  std::string key;                  // "devices", "loss", or a capacity setting key
  std::vector<double> x;            // numeric value of each point (bps, seconds, count, fraction)
  std::vector<std::string> values;  // the same as option text for the child
  bool load_grows = true;  // false for resources (servers, bandwidth, …): see the knee above
};
// `range`: "A..B" (with `steps` points: geometric when B/A >= 10 and A > 0, else
// linear) or a list "a,b,c". Values in the key's unit ("1Gbps", "250us", "0.05").
// Integer keys round to whole numbers (duplicates removed). Throws SweepError.
SweepAxis parse_sweep_axis(const std::string& key, const std::string& range, unsigned steps);

struct SweepPoint {
  double x = 0.0;
  std::string value;
  bool ok = false;  // the child produced a report
  int exit_code = -1;
  std::uint64_t generated = 0;
  double ingest_p50_s = 0, ingest_p99_s = 0;  // over the answered readings (the charts)
  // More than 1 % of the readings were refused or unanswered, so the p99 that thresholds
  // read is unmet whatever the answered ones saw (the tables say "unmet").
  bool ingest_p99_unmet = false;
  double alert_p50_s = 0, alert_p99_s = 0;
  double delivered_fraction = 0;  // acknowledged / generated
  double alert_sensitivity = 0;
  double throughput_per_s = 0;      // acknowledged per scenario second
  std::string bottleneck;           // the most utilised resource (report capacity section)
  double bottleneck_utilisation = 0;
  bool meets = false;               // every threshold passed
  std::vector<std::string> failed;  // messages of failed thresholds
  std::string dir;                  // its folder under the output folder ("point-3")
  bool refined = false;             // added by the bisection, not on the grid
};
SweepPoint point_from_report(const reports::Report& r, double x, std::string value);

struct SweepResult {
  std::string scenario;
  SweepAxis axis;
  std::vector<SweepPoint> points;
  std::optional<std::size_t> knee;  // index into points
  // |failing neighbour - knee| / knee: how well the boundary is known; none when every
  // point passes (the knee may lie beyond the range) or none passes.
  std::optional<double> knee_within;
};
// `points` in ascending x; `load_grows` from the axis.
std::optional<std::size_t> capacity_knee(const std::vector<SweepPoint>& points,
                                         bool load_grows = true);

struct SweepOptions {
  std::filesystem::path exe = "/proc/self/exe";  // the iomtsim binary
  std::string scenario_file;
  SweepAxis axis;
  std::vector<std::string> forward;  // options passed to every `simulate` (capacity, --set, …)
  std::filesystem::path out_dir;     // point-<k>/ per run, plus sweep.json/html
  unsigned jobs = 1;                 // children at once
  double refine = 0.05;              // bisect until the knee is known within this; 0: grid only
  unsigned max_refine_points = 12;   // children the refinement may add
  std::ostream* log = nullptr;
};
// Throws SweepError when a child cannot be started; a child that fails gives ok = false.
SweepResult run_sweep(const SweepOptions& options);

// Scenario edits the `simulate` options --devices and --loss make (the sweep's axes).
// scale_to_devices: every cohort's patient count scaled so the fleet has about `devices`
// devices (each cohort keeps at least one patient). Throws SweepError for 0 devices.
void scale_to_devices(scenarios::Scenario& s, std::uint64_t devices);
void set_loss(scenarios::Scenario& s, double loss);  // every network profile; 0..1

std::string sweep_to_json(const SweepResult& r);
std::string render_sweep_html(const SweepResult& r);
// sweep.json and sweep.html into `folder`. Throws SweepError on I/O failure.
void write_sweep_report(const SweepResult& r, const std::filesystem::path& folder);
// One line per point and the knee, for the terminal.
void print_sweep(const SweepResult& r, std::ostream& out);

}  // namespace iomtsim::sim::simgrid
