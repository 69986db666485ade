#pragma once
// Comparing two reports (a baseline and a candidate): for the metric catalogue's headline
// figures (scenarios::headline_metrics) and the figures of every other section either
// report has (operations, chart, waveforms, capacity), the change and whether it is a
// regression, i.e.
// worse by more than the tolerance in the metric's bad direction (Metric::better: latency
// up, sensitivity down, …).
#include <string>
#include <vector>

#include "iomtsim/reports/report.hpp"

namespace iomtsim::reports {

struct DiffOptions {
  double relative_tolerance = 0.05;  // changes within 5 % of the baseline are noise
  double absolute_tolerance = 1e-9;  // and so are changes smaller than this
};

struct MetricDiff {
  std::string metric;     // dotted name, as thresholds.hpp
  double baseline = 0.0;  // NaN when absent
  double candidate = 0.0;
  double change = 0.0;           // candidate - baseline
  double relative_change = 0.0;  // change / |baseline|; NaN if baseline is 0 or NaN
  bool higher_is_better = false;
  bool regression = false;
  bool improvement = false;
};

std::vector<MetricDiff> diff_reports(const Report& baseline, const Report& candidate,
                                     const DiffOptions& options = {});
// Only the regressions, largest relative change first.
std::vector<MetricDiff> regressions(const std::vector<MetricDiff>& diffs);
// A plain-text table, one line per metric, regressions marked.
std::string format_diff(const std::vector<MetricDiff>& diffs);

}  // namespace iomtsim::reports
