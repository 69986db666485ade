#pragma once
// The metric catalogue: every figure a threshold can name, once. Scenario expectations
// and `--expect` parse against it (the unit a value must carry), reports evaluate it
// (reports/metrics.hpp: one accessor per MetricSelector alternative, so whatever this
// accepts a report can measure), `report diff` takes its headline figures and their good
// direction from it, and report.html labels values with its descriptions and units.
//
// Names (dotted):
//   ingest_latency|ingest_latency_raw|alert_latency . STAT
//   ingest_latency . protocol|profile . NAME . STAT
//       (STAT: p50 p90 p95 p99 p999 max mean min (seconds), count)
//   delivery . generated | OUTCOME | OUTCOME_fraction | lost_fraction
//       (OUTCOME: acknowledged rejected lost_network dropped_buffer timed_out failed in_flight)
//   throughput . readings_per_s | generated_per_s
//   alerts . ASTAT,  alerts . CONDITION . ASTAT,  alerts . rule . RULE . ASTAT
//       (ASTAT: sensitivity ppv f1 (fractions), challenge2015_score (0..100),
//        false_per_patient_day per_100_patient_days burden_per_bed_per_day (rates),
//        median_lead_time lead_time_q1 lead_time_q3 median_criteria_lead_time (signed
//        seconds: alert minus onset / minus the time criteria were met, negative = early),
//        count true_count false_count artifact_count episodes detected (counts))
//   pump_alarms . delivery_fraction | count | delivered,  pump_alarms.latency . STAT
//   assets . correct_fraction | queries | correct | unanswered,
//       assets.staleness . STAT, assets.locate_time . STAT
//   imaging . throughput_mib_s | count | acknowledged | retrievable | charted,
//       imaging.result_latency|result_to_pacs|result_to_chart|vitals_latency_during
//       |vitals_latency_outside . STAT
//   chart . charted | missing | duplicated | mismatched
//       | mismatched.value|unit|code|subject|effective_time,  chart.time_to_chart . STAT
//       (the read-back of the target's record, reports/chart.hpp; no data without one)
//   waveforms . acknowledged_fraction,  waveforms.latency . STAT
//   capacity . bottleneck_utilisation   (simulated runs: the most utilised stage or link)
//
//   auto m = resolve_metric("alerts.sepsis.sensitivity");   // kind Fraction, better Higher
//   std::get<AlertMetric>(m->selector).name == "sepsis"
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "iomtsim/scenarios/units.hpp"

namespace iomtsim::scenarios {

// ---- what a metric reads in a report ------------------------------------------------------
enum class LatencySeries : std::uint8_t {
  Ingest,            // ingest_latency: intended send -> acknowledgement
  IngestRaw,         // ingest_latency_raw: actual send -> acknowledgement
  Alert,             // alert_latency: trigger's intended send -> alert received
  IngestOfProtocol,  // ingest_latency.protocol.NAME
  IngestOfProfile,   // ingest_latency.profile.NAME
  PumpAlarm,         // pump_alarms.latency
  AssetStaleness,    // assets.staleness
  AssetLocateTime,   // assets.locate_time
  ImagingResult,     // imaging.result_latency
  ImagingToPacs,     // imaging.result_to_pacs: acquisition -> retrievable by QIDO-RS
  ImagingToChart,    // imaging.result_to_chart: acquisition -> DiagnosticReport searchable
  VitalsDuringImaging,
  VitalsOutsideImaging,
  TimeToChart,  // chart.time_to_chart: measurement -> searchable in the target's record
  Waveform,     // waveforms.latency: a waveform block's intended send -> acknowledgement
};
enum class LatencyStat : std::uint8_t { P50, P90, P95, P99, P999, Max, Mean, Min, Count };
enum class AlertScope : std::uint8_t { All, Condition, Rule };
enum class AlertStat : std::uint8_t {
  Sensitivity,
  Ppv,
  F1,
  Challenge2015,
  FalsePerPatientDay,
  Per100PatientDays,
  BurdenPerBedPerDay,
  MedianLeadTime,
  LeadTimeQ1,
  LeadTimeQ3,
  MedianCriteriaLeadTime,
  ChanceSensitivity,
  SensitivityLift,
  ChanceMedianLeadTime,
  MedianLeadTimeLift,
  ChanceMedianCriteriaLeadTime,
  MedianCriteriaLeadTimeLift,
  Count,
  TrueCount,
  FalseCount,
  ArtifactCount,
  Episodes,
  Detected,
};
enum class Scalar : std::uint8_t {
  DeliveryGenerated,
  DeliveryLostFraction,
  ThroughputReadings,
  ThroughputGenerated,
  PumpAlarmDeliveryFraction,
  PumpAlarmCount,
  PumpAlarmDelivered,
  AssetCorrectFraction,
  AssetQueries,
  AssetCorrect,
  AssetUnanswered,
  ImagingThroughput,
  ImagingCount,
  ImagingAcknowledged,
  ImagingRetrievable,
  ImagingCharted,
  ChartCharted,
  ChartMissing,
  ChartDuplicated,
  ChartMismatched,
  ChartMismatchedValue,
  ChartMismatchedUnit,
  ChartMismatchedCode,
  ChartMismatchedSubject,
  ChartMismatchedEffectiveTime,
  WaveformAcknowledgedFraction,
  CapacityBottleneckUtilisation,
};

struct LatencyMetric {
  LatencySeries series = LatencySeries::Ingest;
  LatencyStat stat = LatencyStat::P50;
  std::string scope;  // the protocol or profile name (IngestOfProtocol, IngestOfProfile)
  bool operator==(const LatencyMetric&) const = default;
};
struct AlertMetric {
  AlertScope scope = AlertScope::All;
  std::string name;  // the condition or rule
  AlertStat stat = AlertStat::Sensitivity;
  bool operator==(const AlertMetric&) const = default;
};
struct DeliveryMetric {
  std::size_t outcome = 0;  // index into delivery_outcome_names(), reports::Outcome's order
  bool fraction = false;    // of generated, else a count
  bool operator==(const DeliveryMetric&) const = default;
};
struct ScalarMetric {
  Scalar what = Scalar::DeliveryGenerated;
  bool operator==(const ScalarMetric&) const = default;
};
using MetricSelector = std::variant<LatencyMetric, AlertMetric, DeliveryMetric, ScalarMetric>;

// Which way is good, for `report diff`.
enum class Better : std::uint8_t { Lower, Higher, Neither };

struct Metric {
  std::string name;
  MetricSelector selector;
  QuantityKind kind = QuantityKind::Number;  // the unit a threshold's value carries
  std::string_view unit;  // canonical: "s", "" (fraction 0..1), "per patient-day", …
  std::string_view description;
  bool signed_value = false;  // lead times may be negative
  Better better = Better::Neither;
  bool headline = false;  // one of `report diff`'s figures
};

// The outcome bucket names, in reports::Outcome's order.
std::span<const std::string_view> delivery_outcome_names();

// What `name` means; nullopt when it names no metric.
std::optional<Metric> resolve_metric(std::string_view name);

// Every metric with a fixed name (families with a NAME part are in resolve_metric), for
// suggestions, `explain`, the JSON Schema and the HTML.
std::span<const Metric> known_metrics();

// The figures `report diff` compares, for reports whose alerts cover `conditions`.
std::vector<Metric> headline_metrics(std::span<const std::string> conditions);

// A regular expression (ECMAScript) matching every valid metric name, for the schema.
std::string metric_name_pattern();

}  // namespace iomtsim::scenarios
