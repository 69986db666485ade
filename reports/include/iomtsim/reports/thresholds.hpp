#pragma once
// Pass/fail thresholds over report metrics addressed by dotted names.
//
// The names, their units and kinds are the metric catalogue's
// (scenarios/metrics.hpp); a Threshold is a scenarios::Expectation (a scenario's
// `expectations:` entry or a parsed `--expect`), with its one CompareOp. Units: latencies
// and lead times in seconds, fractions in 0..1, rates per patient-day or per second as the
// name says. Report::metric_names() lists the names present in a given report.
//
// Ingest latency percentiles and max count the readings the target rejected or did not
// answer in time (delivery rejected + timed_out) as unmet, longer than any answered
// reading: a percentile that falls among them is +infinity ("unmet" in messages and
// report.json), so a pipeline that sheds load cannot pass `ingest_latency.p99 < 2s` on the
// readings it kept. Mean, min and count are over the acknowledged readings.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "iomtsim/scenarios/expectation.hpp"
#include "iomtsim/scenarios/metrics.hpp"

namespace iomtsim::reports {

struct Report;

using CompareOp = scenarios::CompareOp;
using Threshold = scenarios::Expectation;

struct ThresholdResult {
  Threshold threshold;
  double measured = 0.0;  // NaN when the metric has no data (then passed == false)
  bool passed = false;
  std::string message;  // "ingest_latency.p99 = 2.31 s, expected < 2 s"
  bool operator==(const ThresholdResult&) const;
};

// Unknown metric name. what() lists the known names.
class UnknownMetricError : public std::invalid_argument {
 public:
  UnknownMetricError(const std::string& metric, const std::vector<std::string>& known);
};

// The value of a catalogue metric in its canonical unit; NaN if defined but without data.
double metric_value(const Report& report, const scenarios::Metric& metric);
// The same by name. Throws UnknownMetricError for a name the catalogue does not know.
double metric_value(const Report& report, const std::string& metric);

// Evaluates every threshold. Throws UnknownMetricError (listing all unknown names at once
// is the caller's job via unknown_metrics, done before a run starts).
std::vector<ThresholdResult> evaluate_thresholds(const Report& report,
                                                 const std::vector<Threshold>& thresholds);

// Names the catalogue does not know (conditions and rules are open-ended, so any
// alerts.<x>.<stat> with a known stat is accepted).
std::vector<std::string> unknown_metrics(const std::vector<Threshold>& thresholds);

// A value in a metric's unit, for people: "2.31 s", "0.987", "4.2 per patient-day", or
// "no data" for NaN.
std::string format_metric_value(const scenarios::Metric& metric, double value);

}  // namespace iomtsim::reports
