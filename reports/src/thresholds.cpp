#include "iomtsim/reports/thresholds.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "iomtsim/reports/report.hpp"

namespace iomtsim::reports {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const char* const kLatencyStats[] = {"p50", "p90", "p95", "p99", "p999", "max", "mean", "min", "count"};
const char* const kAlertStats[] = {"sensitivity",
                                   "ppv",
                                   "f1",
                                   "challenge2015_score",
                                   "false_per_patient_day",
                                   "per_100_patient_days",
                                   "burden_per_bed_per_day",
                                   "median_lead_time",
                                   "lead_time_q1",
                                   "lead_time_q3",
                                   "median_criteria_lead_time",
                                   "count",
                                   "true_count",
                                   "false_count",
                                   "artifact_count",
                                   "episodes",
                                   "detected"};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, '.')) parts.push_back(part);
  return parts;
}

std::optional<double> latency_stat(const Histogram& h, const std::string& stat) {
  const auto s = [&](std::int64_t ns) { return h.empty() ? kNaN : static_cast<double>(ns) * 1e-9; };
  if (stat == "p50") return s(h.value_at_percentile(50));
  if (stat == "p90") return s(h.value_at_percentile(90));
  if (stat == "p95") return s(h.value_at_percentile(95));
  if (stat == "p99") return s(h.value_at_percentile(99));
  if (stat == "p999") return s(h.value_at_percentile(99.9));
  if (stat == "max") return s(h.max());
  if (stat == "min") return s(h.min());
  if (stat == "mean") return h.empty() ? kNaN : h.mean() * 1e-9;
  if (stat == "count") return static_cast<double>(h.count());
  return std::nullopt;
}

std::optional<double> alert_stat(const AccuracyStats& a, const std::string& stat) {
  auto d = [](std::uint64_t n) { return static_cast<double>(n); };
  if (stat == "sensitivity") return a.sensitivity;
  if (stat == "ppv") return a.ppv;
  if (stat == "f1") return a.f1;
  if (stat == "challenge2015_score") return a.challenge2015;
  if (stat == "false_per_patient_day") return a.false_per_patient_day;
  if (stat == "per_100_patient_days") return a.per_100_patient_days;
  if (stat == "burden_per_bed_per_day") return a.burden_per_bed_per_day;
  if (stat == "median_lead_time") return a.lead_time_s.median;
  if (stat == "lead_time_q1") return a.lead_time_s.q1;
  if (stat == "lead_time_q3") return a.lead_time_s.q3;
  if (stat == "median_criteria_lead_time") return a.criteria_lead_time_s.median;
  if (stat == "chance_sensitivity") return a.chance.sensitivity;
  if (stat == "sensitivity_lift") return a.sensitivity_lift;
  if (stat == "chance_median_lead_time") return a.chance.lead_time_s.median;
  if (stat == "median_lead_time_lift") return a.lead_time_lift_s;
  if (stat == "chance_median_criteria_lead_time") return a.chance.criteria_lead_time_s.median;
  if (stat == "median_criteria_lead_time_lift") return a.criteria_lead_time_lift_s;
  if (stat == "count") return d(a.alerts);
  if (stat == "true_count") return d(a.true_alerts);
  if (stat == "false_count") return d(a.false_alerts);
  if (stat == "artifact_count") return d(a.artifact_true_alerts + a.artifact_false_alerts);
  if (stat == "episodes") return d(a.episodes);
  if (stat == "detected") return d(a.episodes_detected);
  return std::nullopt;
}

// Stats of a condition or rule with no data: score an empty selection, so that e.g. a
// rule that never fired has sensitivity 0 rather than "unknown".
AccuracyStats empty_rule_stats(const Report& r) {
  return score_alerts(r.episodes, {}, r.matching, r.run.patient_days(), r.patient_spans).overall;
}

std::optional<double> lookup(const Report& r, const std::string& metric) {
  const auto p = split(metric);
  if (!p.empty() && (p[0] == "pump_alarms" || p[0] == "assets" || p[0] == "imaging"))
    return ops_metric(r.ops, p);
  if (p.size() == 2) {
    if (p[0] == "ingest_latency") return latency_stat(r.ingest_latency, p[1]);
    if (p[0] == "ingest_latency_raw") return latency_stat(r.ingest_latency_raw, p[1]);
    if (p[0] == "alert_latency") return latency_stat(r.alert_latency, p[1]);
    if (p[0] == "throughput") {
      const double s = r.duration_s();
      if (p[1] == "readings_per_s")
        return s > 0 ? static_cast<double>(r.delivery[Outcome::Acknowledged]) / s : kNaN;
      if (p[1] == "generated_per_s")
        return s > 0 ? static_cast<double>(r.delivery.generated) / s : kNaN;
      return std::nullopt;
    }
    if (p[0] == "delivery") {
      if (p[1] == "generated") return static_cast<double>(r.delivery.generated);
      if (p[1] == "lost_fraction")
        return r.delivery.generated ? r.delivery.fraction(Outcome::LostNetwork) : kNaN;
      std::string stem = p[1];
      const bool fraction = stem.size() > 9 && stem.ends_with("_fraction");
      if (fraction) stem.resize(stem.size() - 9);
      auto o = outcome_from_name(stem);
      if (!o) return std::nullopt;
      if (!fraction) return static_cast<double>(r.delivery[*o]);
      return r.delivery.generated ? r.delivery.fraction(*o) : kNaN;
    }
    if (p[0] == "alerts") return alert_stat(r.accuracy.overall, p[1]);
    return std::nullopt;
  }
  if (p.size() == 3 && p[0] == "alerts") {
    if (!physiology::condition_from_name(p[1])) return std::nullopt;
    auto it = r.accuracy.by_condition.find(p[1]);
    return alert_stat(it != r.accuracy.by_condition.end()
                          ? it->second
                          : AccuracyStats{.sensitivity = kNaN,
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
                      p[2]);
  }
  if (p.size() == 4 && p[0] == "alerts" && p[1] == "rule") {
    auto it = r.accuracy.by_rule.find(p[2]);
    if (it != r.accuracy.by_rule.end()) return alert_stat(it->second, p[3]);
    if (!alert_stat(AccuracyStats{}, p[3])) return std::nullopt;
    return alert_stat(empty_rule_stats(r), p[3]);
  }
  if (p.size() == 4 && p[0] == "ingest_latency" && (p[1] == "protocol" || p[1] == "profile")) {
    // Names are open-ended: a protocol that carried nothing has no data (NaN).
    Histogram h(r.ingest_latency.config());
    for (const auto& c : r.channels)
      if ((p[1] == "protocol" ? c.protocol : c.profile) == p[2]) h.merge(c.ingest_latency);
    return latency_stat(h, p[3]);
  }
  return std::nullopt;
}

bool compare(double measured, CompareOp op, double expected) {
  switch (op) {
    case CompareOp::Less:
      return measured < expected;
    case CompareOp::LessEqual:
      return measured <= expected;
    case CompareOp::Greater:
      return measured > expected;
    case CompareOp::GreaterEqual:
      return measured >= expected;
    case CompareOp::Equal:
      return std::abs(measured - expected) <= 1e-9 * std::max(1.0, std::abs(expected));
  }
  return false;
}

std::string format(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

std::string_view symbol(CompareOp op) {
  switch (op) {
    case CompareOp::Less:
      return "<";
    case CompareOp::LessEqual:
      return "<=";
    case CompareOp::Greater:
      return ">";
    case CompareOp::GreaterEqual:
      return ">=";
    case CompareOp::Equal:
      return "==";
  }
  return "?";
}

bool ThresholdResult::operator==(const ThresholdResult& o) const {
  const bool same_measured =
      (std::isnan(measured) && std::isnan(o.measured)) || measured == o.measured;
  return threshold == o.threshold && same_measured && passed == o.passed && message == o.message;
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
  for (const char* h : {"ingest_latency", "ingest_latency_raw", "alert_latency"})
    for (const char* s : kLatencyStats) names.push_back(std::string(h) + "." + s);
  for (const auto& c : channels)
    for (const char* s : kLatencyStats) {
      names.push_back("ingest_latency.protocol." + c.protocol + "." + s);
      names.push_back("ingest_latency.profile." + c.profile + "." + s);
    }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  names.push_back("delivery.generated");
  for (std::size_t i = 0; i < kOutcomeCount; ++i) {
    const std::string o(name(static_cast<Outcome>(i)));
    names.push_back("delivery." + o);
    names.push_back("delivery." + o + "_fraction");
  }
  names.push_back("delivery.lost_fraction");
  names.push_back("throughput.readings_per_s");
  names.push_back("throughput.generated_per_s");
  for (const char* s : kAlertStats) names.push_back(std::string("alerts.") + s);
  for (const auto& [c, st] : accuracy.by_condition)
    for (const char* s : kAlertStats) names.push_back("alerts." + c + "." + s);
  for (const auto& [rule, st] : accuracy.by_rule)
    for (const char* s : kAlertStats) names.push_back("alerts.rule." + rule + "." + s);
  for (auto& n : ops_metric_names()) names.push_back(std::move(n));
  return names;
}

double metric_value(const Report& report, const std::string& metric) {
  auto v = lookup(report, metric);
  if (!v) throw UnknownMetricError(metric, Report{}.metric_names());
  return *v;
}

std::vector<ThresholdResult> evaluate_thresholds(const Report& report,
                                                 const std::vector<Threshold>& thresholds) {
  std::vector<ThresholdResult> out;
  for (const auto& t : thresholds) {
    ThresholdResult r;
    r.threshold = t;
    r.measured = metric_value(report, t.metric);
    r.passed = !std::isnan(r.measured) && compare(r.measured, t.op, t.value);
    r.message = t.metric + " = " +
                (std::isnan(r.measured) ? std::string("no data") : format(r.measured)) +
                ", expected " + std::string(symbol(t.op)) + " " + format(t.value);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<std::string> unknown_metrics(const std::vector<Threshold>& thresholds) {
  std::vector<std::string> unknown;
  const Report empty;
  for (const auto& t : thresholds)
    if (!lookup(empty, t.metric)) unknown.push_back(t.metric);
  return unknown;
}

}  // namespace iomtsim::reports
