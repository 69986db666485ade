#include "iomtsim/reports/diff.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>

namespace iomtsim::reports {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Headline {
  std::string metric;
  bool higher_is_better;
};

std::vector<Headline> headlines(const Report& a, const Report& b) {
  std::vector<Headline> h = {
      {"ingest_latency.p50", false},
      {"ingest_latency.p90", false},
      {"ingest_latency.p99", false},
      {"ingest_latency.p999", false},
      {"ingest_latency.max", false},
      {"alert_latency.p50", false},
      {"alert_latency.p99", false},
      {"delivery.acknowledged_fraction", true},
      {"delivery.rejected_fraction", false},
      {"delivery.lost_network_fraction", false},
      {"delivery.dropped_buffer_fraction", false},
      {"delivery.timed_out_fraction", false},
      {"delivery.failed_fraction", false},
      {"throughput.readings_per_s", true},
      {"alerts.sensitivity", true},
      {"alerts.ppv", true},
      {"alerts.f1", true},
      {"alerts.false_per_patient_day", false},
      {"alerts.median_lead_time", false},
  };
  std::set<std::string> conditions;
  for (const auto* r : {&a, &b})
    for (const auto& [c, s] : r->accuracy.by_condition) conditions.insert(c);
  for (const auto& c : conditions) {
    h.push_back({"alerts." + c + ".sensitivity", true});
    h.push_back({"alerts." + c + ".median_lead_time", false});
  }
  return h;
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}
}  // namespace

std::vector<MetricDiff> diff_reports(const Report& baseline, const Report& candidate,
                                     const DiffOptions& options) {
  std::vector<MetricDiff> out;
  for (const auto& h : headlines(baseline, candidate)) {
    MetricDiff d;
    d.metric = h.metric;
    d.higher_is_better = h.higher_is_better;
    d.baseline = metric_value(baseline, h.metric);
    d.candidate = metric_value(candidate, h.metric);
    d.change = d.candidate - d.baseline;
    d.relative_change =
        (std::isfinite(d.baseline) && d.baseline != 0.0) ? d.change / std::abs(d.baseline) : kNaN;
    if (std::isfinite(d.baseline) && std::isnan(d.candidate)) {
      d.regression = true;  // a figure that had data has none now
    } else if (std::isfinite(d.change)) {
      const double noise =
          std::max(options.absolute_tolerance, options.relative_tolerance * std::abs(d.baseline));
      const double worse = h.higher_is_better ? -d.change : d.change;
      d.regression = worse > noise;
      d.improvement = -worse > noise;
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<MetricDiff> regressions(const std::vector<MetricDiff>& diffs) {
  std::vector<MetricDiff> out;
  for (const auto& d : diffs)
    if (d.regression) out.push_back(d);
  std::stable_sort(out.begin(), out.end(), [](const MetricDiff& a, const MetricDiff& b) {
    const double x = std::isnan(a.relative_change) ? HUGE_VAL : std::abs(a.relative_change);
    const double y = std::isnan(b.relative_change) ? HUGE_VAL : std::abs(b.relative_change);
    return x > y;
  });
  return out;
}

std::string format_diff(const std::vector<MetricDiff>& diffs) {
  std::string s;
  for (const auto& d : diffs) {
    s += (d.regression ? "REGRESSION " : d.improvement ? "improved   " : "           ");
    s += d.metric + ": " + fmt(d.baseline) + " -> " + fmt(d.candidate) + " (" +
         (d.change >= 0 ? "+" : "") + fmt(d.change);
    if (std::isfinite(d.relative_change))
      s += ", " + std::string(d.relative_change >= 0 ? "+" : "") + fmt(100.0 * d.relative_change) +
           " %";
    s += ")\n";
  }
  return s;
}

}  // namespace iomtsim::reports
