#pragma once
// The progress display: once a second, from the run's control thread, a live line on a
// terminal (\r, no newline: a bar with the percent of scenario time done, the time left,
// and the live figures) or one JSON object per line. It only reads the engines' relaxed
// counters, so it never slows the engines down.
//
//   [##########----------]  50%  ETA 1m05s  sent 120.0/s  acked 119.8/s  p99 0.012s  errors 0  alerts 3
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>

#include "iomtsim/loadgen/run_options.hpp"

namespace iomtsim::loadgen::detail {

struct ProgressSample {
  double elapsed_s = 0.0;   // wall
  double scenario_s = 0.0;  // scenario clock
  double scenario_total_s = 0.0;  // the scenario's length; 0: unknown (no bar, no ETA)
  std::uint64_t generated = 0;
  std::uint64_t messages_sent = 0;
  std::uint64_t acknowledged = 0;
  std::uint64_t errors = 0;
  std::uint64_t alerts = 0;
  double max_latency_s = 0.0;  // worst acknowledged latency in this interval
  double p50_latency_s = 0.0;  // so far, coarse (live_latency.hpp)
  double p99_latency_s = 0.0;
};

class Progress {
 public:
  Progress(std::ostream& out, ProgressMode mode);
  void print(const ProgressSample& s);
  void finish();  // ends the live line

 private:
  std::ostream& out_;
  ProgressMode mode_;
  ProgressSample last_{};
  bool printed_ = false;
};

// The terminal line for `s` after `last` (rates over the interval between them).
std::string progress_line(const ProgressSample& s, const ProgressSample& last);

// Auto -> Terminal when `out` is std::cerr/std::cout on a terminal, else Json.
ProgressMode resolve_progress_mode(ProgressMode requested, const std::ostream& out);

}  // namespace iomtsim::loadgen::detail
