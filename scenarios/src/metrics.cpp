#include "iomtsim/scenarios/metrics.hpp"

#include <array>
#include <cctype>
#include <unordered_map>

#include "iomtsim/physiology/episode.hpp"

namespace iomtsim::scenarios {
namespace {

using Q = QuantityKind;

constexpr std::array<std::string_view, 7> kOutcomes = {
    "acknowledged", "rejected", "lost_network", "dropped_buffer",
    "timed_out",    "failed",   "in_flight"};

struct StatName {
  std::string_view name;
  LatencyStat stat;
};
constexpr StatName kLatencyStats[] = {
    {"p50", LatencyStat::P50},   {"p90", LatencyStat::P90},   {"p95", LatencyStat::P95},
    {"p99", LatencyStat::P99},   {"p999", LatencyStat::P999}, {"max", LatencyStat::Max},
    {"mean", LatencyStat::Mean}, {"min", LatencyStat::Min},   {"count", LatencyStat::Count}};

struct LatencyFamily {
  std::string_view name;
  LatencySeries series;
  std::string_view description;
  std::string_view headline_stats;  // space separated
};
constexpr LatencyFamily kLatencyFamilies[] = {
    {"ingest_latency", LatencySeries::Ingest, "intended send to acknowledgement",
     " p50 p90 p99 p999 max "},
    {"ingest_latency_raw", LatencySeries::IngestRaw,
     "actual send to acknowledgement (service time)", ""},
    {"alert_latency", LatencySeries::Alert, "triggering reading's intended send to alert received",
     " p50 p99 "},
    {"pump_alarms.latency", LatencySeries::PumpAlarm, "pump alarm sent to alert received", ""},
    {"assets.staleness", LatencySeries::AssetStaleness,
     "time since the target's location was last correct", ""},
    {"assets.locate_time", LatencySeries::AssetLocateTime, "asset query to answer", ""},
    {"imaging.result_latency", LatencySeries::ImagingResult, "acquisition to acknowledged", ""},
    {"imaging.result_to_pacs", LatencySeries::ImagingToPacs,
     "acquisition to the study retrievable from the PACS (QIDO-RS)", ""},
    {"imaging.result_to_chart", LatencySeries::ImagingToChart,
     "acquisition to its DiagnosticReport searchable in the FHIR target", ""},
    {"imaging.vitals_latency_during", LatencySeries::VitalsDuringImaging,
     "vital signs sent while their link carried imaging", ""},
    {"imaging.vitals_latency_outside", LatencySeries::VitalsOutsideImaging,
     "vital signs sent otherwise", ""},
    {"chart.time_to_chart", LatencySeries::TimeToChart,
     "device measurement to first searchable in the target's record", ""},
    {"waveforms.latency", LatencySeries::Waveform,
     "a waveform block's intended send to acknowledgement", ""},
};

struct AlertStatInfo {
  std::string_view name;
  AlertStat stat;
  Q kind;
  std::string_view unit;
  bool signed_value;
  Better better;
  bool headline;            // alerts.STAT
  bool condition_headline;  // alerts.CONDITION.STAT
  std::string_view description;
};
constexpr AlertStatInfo kAlertStats[] = {
    {"sensitivity", AlertStat::Sensitivity, Q::Fraction, "", false, Better::Higher, true, true,
     "fraction of episodes with a timely alert"},
    {"ppv", AlertStat::Ppv, Q::Fraction, "", false, Better::Higher, true, false,
     "fraction of alerts that matched an episode"},
    {"f1", AlertStat::F1, Q::Fraction, "", false, Better::Higher, true, false,
     "harmonic mean of sensitivity and PPV"},
    {"challenge2015_score", AlertStat::Challenge2015, Q::Number, "points", false, Better::Higher,
     false, false, "PhysioNet 2015 score 100(TP+TN)/(TP+TN+FP+5FN), episodes as events, TN = 0"},
    {"false_per_patient_day", AlertStat::FalsePerPatientDay, Q::Number, "per patient-day", false,
     Better::Lower, true, false, "unmatched alerts per patient-day"},
    {"per_100_patient_days", AlertStat::Per100PatientDays, Q::Number, "per 100 patient-days", false,
     Better::Lower, false, false, "all alerts per 100 patient-days"},
    {"burden_per_bed_per_day", AlertStat::BurdenPerBedPerDay, Q::Number, "per bed per day", false,
     Better::Lower, false, false, "alerts per bed per day"},
    {"median_lead_time", AlertStat::MedianLeadTime, Q::TimeSpan, "s", true, Better::Lower, true,
     true, "median of first alert minus episode onset"},
    {"lead_time_q1", AlertStat::LeadTimeQ1, Q::TimeSpan, "s", true, Better::Lower, false, false,
     "first quartile of alert minus onset"},
    {"lead_time_q3", AlertStat::LeadTimeQ3, Q::TimeSpan, "s", true, Better::Lower, false, false,
     "third quartile of alert minus onset"},
    {"median_criteria_lead_time", AlertStat::MedianCriteriaLeadTime, Q::TimeSpan, "s", true,
     Better::Lower, false, false, "median of first alert minus the time criteria were first met"},
    // Against alerts at the same rate with no information (reports/chance.hpp): a lift
    // above 0 is what the alerting adds to chance; for lead times, earlier than chance.
    {"chance_sensitivity", AlertStat::ChanceSensitivity, Q::Fraction, "", false, Better::Neither,
     false, false, "sensitivity of alerts at the same rate placed by chance"},
    {"sensitivity_lift", AlertStat::SensitivityLift, Q::Number, "", true, Better::Higher, false,
     false, "sensitivity minus chance sensitivity"},
    {"chance_median_lead_time", AlertStat::ChanceMedianLeadTime, Q::TimeSpan, "s", true,
     Better::Neither, false, false, "median lead time of alerts placed by chance"},
    {"median_lead_time_lift", AlertStat::MedianLeadTimeLift, Q::TimeSpan, "s", true,
     Better::Higher, false, false, "how much earlier than chance the first alert comes"},
    {"chance_median_criteria_lead_time", AlertStat::ChanceMedianCriteriaLeadTime, Q::TimeSpan,
     "s", true, Better::Neither, false, false,
     "median criteria lead time of alerts placed by chance"},
    {"median_criteria_lead_time_lift", AlertStat::MedianCriteriaLeadTimeLift, Q::TimeSpan, "s",
     true, Better::Higher, false, false,
     "how much earlier than chance, from the time criteria were first met"},
    {"count", AlertStat::Count, Q::Number, "", false, Better::Neither, false, false,
     "alerts received"},
    {"true_count", AlertStat::TrueCount, Q::Number, "", false, Better::Higher, false, false,
     "alerts matched to an episode"},
    {"false_count", AlertStat::FalseCount, Q::Number, "", false, Better::Lower, false, false,
     "alerts matched to no episode"},
    {"artifact_count", AlertStat::ArtifactCount, Q::Number, "", false, Better::Lower, false, false,
     "alerts triggered by an artifact"},
    {"episodes", AlertStat::Episodes, Q::Number, "", false, Better::Neither, false, false,
     "ground-truth episodes"},
    {"detected", AlertStat::Detected, Q::Number, "", false, Better::Higher, false, false,
     "episodes with a timely alert"},
};

struct ScalarInfo {
  std::string_view name;
  Scalar what;
  Q kind;
  std::string_view unit;
  Better better;
  bool headline;
  std::string_view description;
};
constexpr ScalarInfo kScalars[] = {
    {"delivery.generated", Scalar::DeliveryGenerated, Q::Number, "", Better::Neither, false,
     "readings generated"},
    {"delivery.lost_fraction", Scalar::DeliveryLostFraction, Q::Fraction, "", Better::Lower, false,
     "fraction lost to emulated network loss"},
    {"throughput.readings_per_s", Scalar::ThroughputReadings, Q::Number, "readings/s",
     Better::Higher, true, "acknowledged readings per second"},
    {"throughput.generated_per_s", Scalar::ThroughputGenerated, Q::Number, "readings/s",
     Better::Neither, false, "generated readings per second"},
    {"pump_alarms.delivery_fraction", Scalar::PumpAlarmDeliveryFraction, Q::Fraction, "",
     Better::Higher, false, "pump alarms that came back as an alert"},
    {"pump_alarms.count", Scalar::PumpAlarmCount, Q::Number, "", Better::Neither, false,
     "pump alarms generated"},
    {"pump_alarms.delivered", Scalar::PumpAlarmDelivered, Q::Number, "", Better::Higher, false,
     "pump alarms that came back as an alert"},
    {"assets.correct_fraction", Scalar::AssetCorrectFraction, Q::Fraction, "", Better::Higher,
     false, "asset queries answered with the true zone"},
    {"assets.queries", Scalar::AssetQueries, Q::Number, "", Better::Neither, false,
     "asset location queries asked"},
    {"assets.correct", Scalar::AssetCorrect, Q::Number, "", Better::Higher, false,
     "asset queries answered with the true zone"},
    {"assets.unanswered", Scalar::AssetUnanswered, Q::Number, "", Better::Lower, false,
     "asset queries the target could not answer"},
    {"imaging.throughput_mib_s", Scalar::ImagingThroughput, Q::Number, "MiB/s", Better::Higher,
     false, "imaging MiB acknowledged per second"},
    {"imaging.count", Scalar::ImagingCount, Q::Number, "", Better::Neither, false,
     "imaging results generated"},
    {"imaging.acknowledged", Scalar::ImagingAcknowledged, Q::Number, "", Better::Higher, false,
     "imaging results acknowledged"},
    {"imaging.retrievable", Scalar::ImagingRetrievable, Q::Number, "", Better::Higher, false,
     "imaging results found in the PACS by QIDO-RS"},
    {"imaging.charted", Scalar::ImagingCharted, Q::Number, "", Better::Higher, false,
     "imaging results whose DiagnosticReport was found in the FHIR target"},
    {"chart.charted", Scalar::ChartCharted, Q::Number, "", Better::Higher, false,
     "acknowledged readings found in the target's record"},
    {"chart.missing", Scalar::ChartMissing, Q::Number, "", Better::Lower, false,
     "acknowledged readings never found in the target's record"},
    {"chart.duplicated", Scalar::ChartDuplicated, Q::Number, "", Better::Lower, false,
     "readings found in the record as more than one resource"},
    {"chart.mismatched", Scalar::ChartMismatched, Q::Number, "", Better::Lower, false,
     "readings found with some field other than sent"},
    {"chart.mismatched.value", Scalar::ChartMismatchedValue, Q::Number, "", Better::Lower, false,
     "readings found with another value"},
    {"chart.mismatched.unit", Scalar::ChartMismatchedUnit, Q::Number, "", Better::Lower, false,
     "readings found with another unit"},
    {"chart.mismatched.code", Scalar::ChartMismatchedCode, Q::Number, "", Better::Lower, false,
     "readings found with another code"},
    {"chart.mismatched.subject", Scalar::ChartMismatchedSubject, Q::Number, "", Better::Lower,
     false, "readings found about another patient"},
    {"chart.mismatched.effective_time", Scalar::ChartMismatchedEffectiveTime, Q::Number, "",
     Better::Lower, false, "readings found with another effective time"},
    {"waveforms.acknowledged_fraction", Scalar::WaveformAcknowledgedFraction, Q::Fraction, "",
     Better::Higher, false, "waveform blocks acknowledged, of those generated"},
    {"capacity.bottleneck_utilisation", Scalar::CapacityBottleneckUtilisation, Q::Fraction, "",
     Better::Lower, false, "utilisation of the most utilised stage or link (simulated runs)"},
};

Metric latency_metric(std::string name, LatencySeries series, const StatName& st,
                      std::string_view description, std::string scope = {}) {
  const bool count = st.stat == LatencyStat::Count;
  return Metric{std::move(name),
                LatencyMetric{series, st.stat, std::move(scope)},
                count ? Q::Number : Q::TimeSpan,
                count ? "" : "s",
                count ? std::string_view("values measured") : description,
                false,
                count ? Better::Neither : Better::Lower,
                false};
}

Metric alert_metric(std::string name, AlertScope scope, std::string what, const AlertStatInfo& st) {
  return Metric{std::move(name), AlertMetric{scope, std::move(what), st.stat},
                st.kind,         st.unit,
                st.description,  st.signed_value,
                st.better,       scope == AlertScope::All && st.headline};
}

// The fixed names, built once (views into it stay valid: never grown afterwards).
struct Catalogue {
  std::vector<Metric> metrics;
  std::unordered_map<std::string_view, std::size_t> by_name;
  Catalogue() {
    metrics.reserve(256);
    for (const auto& f : kLatencyFamilies)
      for (const auto& st : kLatencyStats) {
        auto m = latency_metric(std::string(f.name) + "." + std::string(st.name), f.series, st,
                                f.description);
        m.headline =
            f.headline_stats.find(" " + std::string(st.name) + " ") != std::string_view::npos;
        metrics.push_back(std::move(m));
      }
    for (std::size_t i = 0; i < kOutcomes.size(); ++i) {
      const std::string o(kOutcomes[i]);
      metrics.push_back({"delivery." + o, DeliveryMetric{i, false}, Q::Number, "",
                         "readings in this bucket", false, Better::Neither, false});
      const bool good = o == "acknowledged";
      metrics.push_back({"delivery." + o + "_fraction", DeliveryMetric{i, true}, Q::Fraction, "",
                         "fraction of generated readings in this bucket", false,
                         good ? Better::Higher : Better::Lower, o != "in_flight"});
    }
    for (const auto& s : kScalars)
      metrics.push_back({std::string(s.name), ScalarMetric{s.what}, s.kind, s.unit, s.description,
                         false, s.better, s.headline});
    for (const auto& st : kAlertStats)
      metrics.push_back(alert_metric("alerts." + std::string(st.name), AlertScope::All, {}, st));
    for (std::size_t i = 0; i < metrics.size(); ++i) by_name.emplace(metrics[i].name, i);
  }
};

const Catalogue& catalogue() {
  static const Catalogue c;
  return c;
}

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

std::vector<std::string_view> split_dots(std::string_view s) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '.') {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

const AlertStatInfo* alert_stat(std::string_view name) {
  for (const auto& st : kAlertStats)
    if (st.name == name) return &st;
  return nullptr;
}

}  // namespace

std::span<const std::string_view> delivery_outcome_names() { return kOutcomes; }

std::span<const Metric> known_metrics() { return catalogue().metrics; }

std::optional<Metric> resolve_metric(std::string_view name) {
  const auto& c = catalogue();
  if (auto it = c.by_name.find(name); it != c.by_name.end()) return c.metrics[it->second];
  const auto p = split_dots(name);
  // alerts.CONDITION.STAT and alerts.rule.RULE.STAT
  if (p.size() == 3 && p[0] == "alerts" && physiology::condition_from_name(p[1]))
    if (const auto* st = alert_stat(p[2]))
      return alert_metric(std::string(name), AlertScope::Condition, std::string(p[1]), *st);
  if (p.size() == 4 && p[0] == "alerts" && p[1] == "rule" && is_identifier(p[2]))
    if (const auto* st = alert_stat(p[3]))
      return alert_metric(std::string(name), AlertScope::Rule, std::string(p[2]), *st);
  // ingest_latency.protocol|profile.NAME.STAT
  if (p.size() == 4 && p[0] == "ingest_latency" && (p[1] == "protocol" || p[1] == "profile") &&
      is_identifier(p[2]))
    for (const auto& st : kLatencyStats)
      if (st.name == p[3])
        return latency_metric(
            std::string(name),
            p[1] == "protocol" ? LatencySeries::IngestOfProtocol : LatencySeries::IngestOfProfile,
            st, "ingest latency of one channel", std::string(p[2]));
  return std::nullopt;
}

std::vector<Metric> headline_metrics(std::span<const std::string> conditions) {
  std::vector<Metric> out;
  for (const auto& m : catalogue().metrics)
    if (m.headline) out.push_back(m);
  for (const auto& c : conditions)
    for (const auto& st : kAlertStats)
      if (st.condition_headline)
        if (auto m = resolve_metric("alerts." + c + "." + std::string(st.name))) out.push_back(*m);
  return out;
}

std::string metric_name_pattern() {
  auto alternation = [](auto&& items) {
    std::string alt;
    for (const auto& it : items) {
      if (!alt.empty()) alt += "|";
      for (char c : std::string_view(it)) {
        if (c == '.') alt += "\\";
        alt += c;
      }
    }
    return alt;
  };
  std::vector<std::string_view> fixed;
  for (const auto& m : catalogue().metrics) fixed.push_back(m.name);
  std::vector<std::string_view> stats;
  for (const auto& st : kAlertStats) stats.push_back(st.name);
  std::vector<std::string_view> lat;
  for (const auto& st : kLatencyStats) lat.push_back(st.name);
  return "(" + alternation(fixed) + "|alerts\\.(rule\\.)?[A-Za-z0-9_-]+\\.(" + alternation(stats) +
         ")|ingest_latency\\.(protocol|profile)\\.[A-Za-z0-9_-]+\\.(" + alternation(lat) + "))";
}

}  // namespace iomtsim::scenarios
