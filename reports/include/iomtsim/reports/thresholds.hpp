#pragma once
// Pass/fail thresholds over report metrics addressed by dotted names.
//
// Callers (the CLI) convert scenarios::Expectation into Threshold; reports does not
// depend on scenarios. Units: latencies and lead times in seconds, fractions in 0..1,
// rates per patient-day or per second as the name says.
//
// Known metrics (Report::metric_names() lists those present in a given report):
//   ingest_latency.{p50,p90,p99,p999,max,mean}        seconds, intended send -> ack
//   ingest_latency_raw.{…}                            seconds, actual send -> ack
//   ingest_latency.protocol.<protocol>.{…}            e.g. ingest_latency.protocol.hl7v2.p99
//   ingest_latency.profile.<network profile>.{…}      e.g. ingest_latency.profile.cellular.p99
//   alert_latency.{…}                                 seconds, trigger intended send -> alert
//   delivery.{generated,<outcome>}                    counts
//   delivery.<outcome>_fraction                       e.g. delivery.acknowledged_fraction,
//                                                     delivery.lost_fraction (= lost_network)
//   alerts.{sensitivity,ppv,f1,false_per_patient_day,per_100_patient_days,
//           burden_per_bed_per_day,median_lead_time,median_criteria_lead_time,
//           count,false_count,artifact_count,
//           chance_sensitivity,sensitivity_lift,            (chance.hpp)
//           chance_median_lead_time,median_lead_time_lift,  seconds; lift > 0: earlier
//           chance_median_criteria_lead_time,median_criteria_lead_time_lift}
//   alerts.<condition>.{…}   e.g. alerts.sepsis.sensitivity
//   alerts.rule.<rule>.{…}   e.g. alerts.rule.news2.ppv
//   throughput.readings_per_s   acknowledged readings per second of scenario time
//   throughput.generated_per_s
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace iomtsim::reports {

struct Report;

enum class CompareOp : std::uint8_t { Less, LessEqual, Greater, GreaterEqual, Equal };
std::string_view symbol(CompareOp op);  // "<", "<=", …

struct Threshold {
  std::string text;    // as the user wrote it, for messages
  std::string metric;  // dotted name
  CompareOp op = CompareOp::Less;
  double value = 0.0;  // in the metric's unit
  bool operator==(const Threshold&) const = default;
};

struct ThresholdResult {
  Threshold threshold;
  double measured = 0.0;  // NaN when the metric has no data (then passed == false)
  bool passed = false;
  std::string message;  // "ingest_latency.p99 = 2.31 s, expected < 2"
  bool operator==(const ThresholdResult&) const;
};

// Unknown metric name. what() lists the known names.
class UnknownMetricError : public std::invalid_argument {
 public:
  UnknownMetricError(const std::string& metric, const std::vector<std::string>& known);
};

// The value of a metric; NaN if defined but without data. Throws UnknownMetricError.
double metric_value(const Report& report, const std::string& metric);

// Evaluates every threshold. Throws UnknownMetricError (listing all unknown names at once
// is the caller's job via validate_thresholds, done before a run starts).
std::vector<ThresholdResult> evaluate_thresholds(const Report& report,
                                                 const std::vector<Threshold>& thresholds);

// Names that are not known metrics for a report of this shape (conditions and rules
// are open-ended, so any alerts.<x>.<stat> with a known stat is accepted).
std::vector<std::string> unknown_metrics(const std::vector<Threshold>& thresholds);

}  // namespace iomtsim::reports
