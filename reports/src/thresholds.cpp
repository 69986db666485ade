// The accessors of the metric catalogue (scenarios/metrics.hpp): one per selector
// alternative, with a switch over every enumerator (the compiler checks none is missing),
// so each name the catalogue accepts is one a report evaluates.
#include "iomtsim/reports/thresholds.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "iomtsim/reports/report.hpp"

namespace iomtsim::reports {

namespace {

namespace sc = scenarios;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

constexpr double kInf = std::numeric_limits<double>::infinity();

// A latency statistic over the readings that were answered in time (`h`) and `unmet`
// readings that never were (rejected or timed out): those count as longer than any
// answered one, so an overloaded pipeline that sheds load cannot pass a percentile
// threshold on the readings it kept. A percentile that falls among the unmet readings is
// +infinity ("unmet"); so is the maximum when any reading is unmet. Mean, min and count
// stay over the answered readings (their meaning as report.json shows them).
double latency_stat(const Histogram& h, sc::LatencyStat stat, std::uint64_t unmet = 0) {
  const auto s = [&](std::int64_t ns) { return h.empty() ? kNaN : static_cast<double>(ns) * 1e-9; };
  const auto pct = [&](double p) {
    if (unmet == 0) return s(h.value_at_percentile(p));
    const double answered = static_cast<double>(h.count());
    const double wanted = p / 100.0 * (answered + static_cast<double>(unmet));
    if (wanted > answered) return kInf;
    return s(h.value_at_percentile(100.0 * wanted / answered));
  };
  switch (stat) {
    case sc::LatencyStat::P50:
      return pct(50);
    case sc::LatencyStat::P90:
      return pct(90);
    case sc::LatencyStat::P95:
      return pct(95);
    case sc::LatencyStat::P99:
      return pct(99);
    case sc::LatencyStat::P999:
      return pct(99.9);
    case sc::LatencyStat::Max:
      return unmet > 0 ? kInf : s(h.max());
    case sc::LatencyStat::Min:
      return s(h.min());
    case sc::LatencyStat::Mean:
      return h.empty() ? kNaN : h.mean() * 1e-9;
    case sc::LatencyStat::Count:
      return static_cast<double>(h.count());
  }
  return kNaN;
}

std::uint64_t unmet(const DeliveryCounts& d) { return d[Outcome::Rejected] + d[Outcome::TimedOut]; }

double value_of(const Report& r, const sc::LatencyMetric& m) {
  const auto& s = r.ops.scores;
  switch (m.series) {
    case sc::LatencySeries::Ingest:
      return latency_stat(r.ingest_latency, m.stat, unmet(r.delivery));
    case sc::LatencySeries::IngestRaw:
      return latency_stat(r.ingest_latency_raw, m.stat, unmet(r.delivery));
    case sc::LatencySeries::Alert:
      return latency_stat(r.alert_latency, m.stat);
    case sc::LatencySeries::IngestOfProtocol:
    case sc::LatencySeries::IngestOfProfile: {
      // Names are open-ended: a protocol that carried nothing has no data (NaN).
      const bool protocol = m.series == sc::LatencySeries::IngestOfProtocol;
      Histogram h(r.ingest_latency.config());
      DeliveryCounts d;
      for (const auto& c : r.channels)
        if ((protocol ? c.protocol : c.profile) == m.scope) {
          h.merge(c.ingest_latency);
          d += c.delivery;
        }
      return latency_stat(h, m.stat, unmet(d));
    }
    case sc::LatencySeries::PumpAlarm:
      return latency_stat(s.pump_alarm_latency, m.stat);
    case sc::LatencySeries::AssetStaleness:
      return latency_stat(s.asset_staleness, m.stat);
    case sc::LatencySeries::AssetLocateTime:
      return latency_stat(s.asset_locate_time, m.stat);
    case sc::LatencySeries::ImagingResult:
      return latency_stat(s.imaging_latency, m.stat);
    case sc::LatencySeries::ImagingToPacs:
      return latency_stat(s.imaging_result_to_pacs, m.stat);
    case sc::LatencySeries::ImagingToChart:
      return latency_stat(s.imaging_result_to_chart, m.stat);
    case sc::LatencySeries::VitalsDuringImaging:
      return latency_stat(r.ops.vitals_latency_during_imaging, m.stat);
    case sc::LatencySeries::VitalsOutsideImaging:
      return latency_stat(r.ops.vitals_latency_outside_imaging, m.stat);
    case sc::LatencySeries::TimeToChart:
      if (r.chart.empty()) return kNaN;  // no read-back: no data, even for count
      return latency_stat(r.chart.time_to_chart, m.stat);
    case sc::LatencySeries::Waveform:
      if (r.waveforms.empty()) return kNaN;
      return latency_stat(r.waveforms.latency, m.stat,
                          r.waveforms.delivery[Outcome::Rejected] +
                              r.waveforms.delivery[Outcome::TimedOut]);
  }
  return kNaN;
}

double alert_stat(const AccuracyStats& a, sc::AlertStat stat) {
  auto d = [](std::uint64_t n) { return static_cast<double>(n); };
  switch (stat) {
    case sc::AlertStat::Sensitivity:
      return a.sensitivity;
    case sc::AlertStat::Ppv:
      return a.ppv;
    case sc::AlertStat::F1:
      return a.f1;
    case sc::AlertStat::Challenge2015:
      return a.challenge2015;
    case sc::AlertStat::FalsePerPatientDay:
      return a.false_per_patient_day;
    case sc::AlertStat::Per100PatientDays:
      return a.per_100_patient_days;
    case sc::AlertStat::BurdenPerBedPerDay:
      return a.burden_per_bed_per_day;
    case sc::AlertStat::MedianLeadTime:
      return a.lead_time_s.median;
    case sc::AlertStat::LeadTimeQ1:
      return a.lead_time_s.q1;
    case sc::AlertStat::LeadTimeQ3:
      return a.lead_time_s.q3;
    case sc::AlertStat::MedianCriteriaLeadTime:
      return a.criteria_lead_time_s.median;
    case sc::AlertStat::ChanceSensitivity:
      return a.chance.sensitivity;
    case sc::AlertStat::SensitivityLift:
      return a.sensitivity_lift;
    case sc::AlertStat::ChanceMedianLeadTime:
      return a.chance.lead_time_s.median;
    case sc::AlertStat::MedianLeadTimeLift:
      return a.lead_time_lift_s;
    case sc::AlertStat::ChanceMedianCriteriaLeadTime:
      return a.chance.criteria_lead_time_s.median;
    case sc::AlertStat::MedianCriteriaLeadTimeLift:
      return a.criteria_lead_time_lift_s;
    case sc::AlertStat::Count:
      return d(a.alerts);
    case sc::AlertStat::TrueCount:
      return d(a.true_alerts);
    case sc::AlertStat::FalseCount:
      return d(a.false_alerts);
    case sc::AlertStat::ArtifactCount:
      return d(a.artifact_true_alerts + a.artifact_false_alerts);
    case sc::AlertStat::Episodes:
      return d(a.episodes);
    case sc::AlertStat::Detected:
      return d(a.episodes_detected);
  }
  return kNaN;
}

double value_of(const Report& r, const sc::AlertMetric& m) {
  switch (m.scope) {
    case sc::AlertScope::All:
      return alert_stat(r.accuracy.overall, m.stat);
    case sc::AlertScope::Condition: {
      auto it = r.accuracy.by_condition.find(m.name);
      if (it != r.accuracy.by_condition.end()) return alert_stat(it->second, m.stat);
      // A condition without episodes has no data.
      return alert_stat(AccuracyStats{.sensitivity = kNaN,
                                      .ppv = kNaN,
                                      .f1 = kNaN,
                                      .false_per_patient_day = kNaN,
                                      .per_100_patient_days = kNaN,
                                      .burden_per_bed_per_day = kNaN,
                                      .challenge2015 = kNaN,
                                      .lead_time_s = spread({}),
                                      .criteria_lead_time_s = spread({}),
                                      .chance = {.alerts_per_patient_day = kNaN,
                                                 .sensitivity = kNaN,
                                                 .lead_time_s = spread({}),
                                                 .criteria_lead_time_s = spread({})},
                                      .sensitivity_lift = kNaN,
                                      .lead_time_lift_s = kNaN,
                                      .criteria_lead_time_lift_s = kNaN},
                        m.stat);
    }
    case sc::AlertScope::Rule: {
      auto it = r.accuracy.by_rule.find(m.name);
      if (it != r.accuracy.by_rule.end()) return alert_stat(it->second, m.stat);
      // A rule that never fired: score an empty selection (sensitivity 0, not "unknown").
      return alert_stat(score_alerts(r.episodes, {}, r.matching, r.run.patient_days(), r.patient_spans).overall,
                        m.stat);
    }
  }
  return kNaN;
}

double value_of(const Report& r, const sc::DeliveryMetric& m) {
  const auto o = static_cast<Outcome>(m.outcome);
  if (!m.fraction) return static_cast<double>(r.delivery[o]);
  return r.delivery.generated ? r.delivery.fraction(o) : kNaN;
}

// A run that read nothing back has no data (a threshold on it fails as "no data").
double chart_value(const ChartReport& c, sc::Scalar what) {
  if (c.empty()) return kNaN;
  auto d = [](std::uint64_t n) { return static_cast<double>(n); };
  switch (what) {
    case sc::Scalar::ChartCharted:
      return d(c.charted);
    case sc::Scalar::ChartMissing:
      return d(c.missing);
    case sc::Scalar::ChartDuplicated:
      return d(c.duplicated);
    case sc::Scalar::ChartMismatched:
      return d(c.mismatched);
    case sc::Scalar::ChartMismatchedValue:
      return d(c.of(ChartField::Value).count);
    case sc::Scalar::ChartMismatchedUnit:
      return d(c.of(ChartField::Unit).count);
    case sc::Scalar::ChartMismatchedCode:
      return d(c.of(ChartField::Code).count);
    case sc::Scalar::ChartMismatchedSubject:
      return d(c.of(ChartField::Subject).count);
    case sc::Scalar::ChartMismatchedEffectiveTime:
      return d(c.of(ChartField::EffectiveTime).count);
    default:
      return kNaN;
  }
}

double value_of(const Report& r, const sc::ScalarMetric& m) {
  const auto& s = r.ops.scores;
  auto d = [](std::uint64_t n) { return static_cast<double>(n); };
  const double span_s = r.duration_s();
  switch (m.what) {
    case sc::Scalar::DeliveryGenerated:
      return d(r.delivery.generated);
    case sc::Scalar::DeliveryLostFraction:
      return r.delivery.generated ? r.delivery.fraction(Outcome::LostNetwork) : kNaN;
    case sc::Scalar::ThroughputReadings:
      return span_s > 0 ? d(r.delivery[Outcome::Acknowledged]) / span_s : kNaN;
    case sc::Scalar::ThroughputGenerated:
      return span_s > 0 ? d(r.delivery.generated) / span_s : kNaN;
    case sc::Scalar::PumpAlarmDeliveryFraction:
      return s.pump_delivery_fraction;
    case sc::Scalar::PumpAlarmCount:
      return d(s.pump_alarms);
    case sc::Scalar::PumpAlarmDelivered:
      return d(s.pump_alarms_delivered);
    case sc::Scalar::AssetCorrectFraction:
      return s.asset_correct_fraction;
    case sc::Scalar::AssetQueries:
      return d(s.asset_queries);
    case sc::Scalar::AssetCorrect:
      return d(s.asset_correct);
    case sc::Scalar::AssetUnanswered:
      return d(s.asset_unanswered);
    case sc::Scalar::ImagingThroughput:
      return s.imaging_throughput_mib_s;
    case sc::Scalar::ImagingCount:
      return d(s.imaging_results);
    case sc::Scalar::ImagingAcknowledged:
      return d(s.imaging_acked);
    case sc::Scalar::ImagingRetrievable:
      return d(s.imaging_retrievable);
    case sc::Scalar::ImagingCharted:
      return d(s.imaging_charted);
    case sc::Scalar::ChartCharted:
    case sc::Scalar::ChartMissing:
    case sc::Scalar::ChartDuplicated:
    case sc::Scalar::ChartMismatched:
    case sc::Scalar::ChartMismatchedValue:
    case sc::Scalar::ChartMismatchedUnit:
    case sc::Scalar::ChartMismatchedCode:
    case sc::Scalar::ChartMismatchedSubject:
    case sc::Scalar::ChartMismatchedEffectiveTime:
      return chart_value(r.chart, m.what);
    case sc::Scalar::WaveformAcknowledgedFraction:
      return r.waveforms.delivery.generated ? r.waveforms.delivery.fraction(Outcome::Acknowledged)
                                            : kNaN;
    case sc::Scalar::CapacityBottleneckUtilisation:
      for (const auto& u : r.capacity.resources)
        if (u.name == r.capacity.bottleneck) return u.utilisation;
      return kNaN;  // a real run models no resources
  }
  return kNaN;
}

std::string format(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string with_unit(const sc::Metric& m, double v) {
  std::string s = format(v);
  if (!m.unit.empty()) s += " " + std::string(m.unit);
  return s;
}

}  // namespace

// The delivery buckets are named by the catalogue in reports::Outcome's order.
static_assert(kOutcomeCount == 7);

bool ThresholdResult::operator==(const ThresholdResult& o) const {
  const bool same_measured =
      (std::isnan(measured) && std::isnan(o.measured)) || measured == o.measured;
  // Where a threshold was written (a file position) is not part of its meaning, nor of
  // report.json.
  const auto& a = threshold;
  const auto& b = o.threshold;
  return a.text == b.text && a.metric == b.metric && a.op == b.op && a.value == b.value &&
         same_measured && passed == o.passed && message == o.message;
}

UnknownMetricError::UnknownMetricError(const std::string& metric,
                                       const std::vector<std::string>& known)
    : std::invalid_argument([&] {
        std::string s = "unknown metric \"" + metric + "\"; known metrics:";
        for (const auto& k : known) s += " " + k;
        s += " (and alerts.<condition>.<stat>, alerts.rule.<rule>.<stat>)";
        return s;
      }()) {}

std::vector<std::string> Report::metric_names() const {
  std::vector<std::string> names;
  for (const auto& m : scenarios::known_metrics()) names.push_back(m.name);
  auto add_family = [&](const std::string& prefix) {
    for (const auto& m : scenarios::known_metrics())  // the stats of ingest_latency
      if (m.name.starts_with("ingest_latency.") &&
          std::count(m.name.begin(), m.name.end(), '.') == 1)
        names.push_back(prefix + m.name.substr(m.name.find('.') + 1));
  };
  for (const auto& c : channels) {
    add_family("ingest_latency.protocol." + c.protocol + ".");
    add_family("ingest_latency.profile." + c.profile + ".");
  }
  for (const auto& [c, st] : accuracy.by_condition)
    for (const auto& m : scenarios::known_metrics())
      if (m.name.starts_with("alerts.")) names.push_back("alerts." + c + m.name.substr(6));
  for (const auto& [rule, st] : accuracy.by_rule)
    for (const auto& m : scenarios::known_metrics())
      if (m.name.starts_with("alerts.")) names.push_back("alerts.rule." + rule + m.name.substr(6));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

double metric_value(const Report& report, const scenarios::Metric& metric) {
  return std::visit([&](const auto& m) { return value_of(report, m); }, metric.selector);
}

double metric_value(const Report& report, const std::string& metric) {
  const auto m = scenarios::resolve_metric(metric);
  if (!m) throw UnknownMetricError(metric, Report{}.metric_names());
  return metric_value(report, *m);
}

std::string format_metric_value(const scenarios::Metric& metric, double value) {
  if (std::isnan(value)) return "no data";
  // A latency percentile among readings the target rejected or never answered in time.
  if (std::isinf(value) && value > 0) return "unmet (readings rejected or timed out)";
  return with_unit(metric, value);
}

std::vector<ThresholdResult> evaluate_thresholds(const Report& report,
                                                 const std::vector<Threshold>& thresholds) {
  std::vector<ThresholdResult> out;
  for (const auto& t : thresholds) {
    const auto m = scenarios::resolve_metric(t.metric);
    if (!m) throw UnknownMetricError(t.metric, Report{}.metric_names());
    ThresholdResult r;
    r.threshold = t;
    r.measured = metric_value(report, *m);
    r.passed = !std::isnan(r.measured) && scenarios::holds(t.op, r.measured, t.value);
    r.message = t.metric + " = " + format_metric_value(*m, r.measured) + ", expected " +
                std::string(scenarios::op_text(t.op)) + " " + with_unit(*m, t.value);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<std::string> unknown_metrics(const std::vector<Threshold>& thresholds) {
  std::vector<std::string> unknown;
  for (const auto& t : thresholds)
    if (!scenarios::resolve_metric(t.metric)) unknown.push_back(t.metric);
  return unknown;
}

}  // namespace iomtsim::reports
