#pragma once
// The progress display: once a second, from the run's control thread, a live line on a
// terminal (\r, no newline) or one JSON object per line. It only reads the engines'
// relaxed counters, so it never slows the engines down.
#include <chrono>
#include <cstdint>
#include <iosfwd>

#include "iomtsim/loadgen/run_options.hpp"

namespace iomtsim::loadgen::detail {

struct ProgressSample {
  double elapsed_s = 0.0;   // wall
  double scenario_s = 0.0;  // scenario clock
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

// Auto -> Terminal when `out` is std::cerr/std::cout on a terminal, else Json.
ProgressMode resolve_progress_mode(ProgressMode requested, const std::ostream& out);

}  // namespace iomtsim::loadgen::detail
