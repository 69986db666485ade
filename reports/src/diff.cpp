#include "iomtsim/reports/diff.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <variant>

#include "iomtsim/reports/thresholds.hpp"

namespace iomtsim::reports {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string fmt(double v) {
  if (std::isinf(v)) return v > 0 ? "unmet" : "-unmet";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}
// Besides the headline figures, every section either report has: operations (pumps,
// assets, imaging), the chart read-back, waveforms, capacity. A figure of the catalogue
// with a good direction joins when either report measured it (finite and not zero); of a
// latency series, its p50 and p99. The ingest, alert and delivery families are the
// headline's own, so only their headline figures appear.
bool section_figure(const scenarios::Metric& m) {
  if (m.headline || m.better == scenarios::Better::Neither) return false;
  if (std::holds_alternative<scenarios::DeliveryMetric>(m.selector) ||
      std::holds_alternative<scenarios::AlertMetric>(m.selector))
    return false;
  if (const auto* l = std::get_if<scenarios::LatencyMetric>(&m.selector)) {
    using S = scenarios::LatencySeries;
    if (l->series == S::Ingest || l->series == S::IngestRaw || l->series == S::Alert ||
        l->series == S::IngestOfProtocol || l->series == S::IngestOfProfile)
      return false;
    return l->stat == scenarios::LatencyStat::P50 || l->stat == scenarios::LatencyStat::P99;
  }
  const auto* sc = std::get_if<scenarios::ScalarMetric>(&m.selector);
  return sc != nullptr && sc->what != scenarios::Scalar::ThroughputReadings;
}

bool measured(double v) { return !std::isnan(v) && v != 0.0; }

}  // namespace

std::vector<MetricDiff> diff_reports(const Report& baseline, const Report& candidate,
                                     const DiffOptions& options) {
  // The headline figures and their good direction are the metric catalogue's.
  std::set<std::string> condition_set;
  for (const auto* r : {&baseline, &candidate})
    for (const auto& [c, s] : r->accuracy.by_condition) condition_set.insert(c);
  const std::vector<std::string> conditions(condition_set.begin(), condition_set.end());
  std::vector<scenarios::Metric> figures = scenarios::headline_metrics(conditions);
  for (const auto& m : scenarios::known_metrics())
    if (section_figure(m) &&
        (measured(metric_value(baseline, m)) || measured(metric_value(candidate, m))))
      figures.push_back(m);
  std::vector<MetricDiff> out;
  for (const auto& h : figures) {
    MetricDiff d;
    d.metric = h.name;
    d.higher_is_better = h.better == scenarios::Better::Higher;
    d.baseline = metric_value(baseline, h);
    d.candidate = metric_value(candidate, h);
    d.change = d.candidate - d.baseline;
    d.relative_change =
        (std::isfinite(d.baseline) && d.baseline != 0.0) ? d.change / std::abs(d.baseline) : kNaN;
    // A latency percentile that fell among readings never answered is +infinity
    // ("unmet", see thresholds.cpp): met -> unmet is a regression, the reverse an
    // improvement, unmet in both no change.
    const bool base_unmet = std::isinf(d.baseline), cand_unmet = std::isinf(d.candidate);
    if (std::isfinite(d.baseline) && std::isnan(d.candidate)) {
      d.regression = true;  // a figure that had data has none now
    } else if (base_unmet != cand_unmet && !std::isnan(d.baseline) && !std::isnan(d.candidate)) {
      const bool went_up = d.candidate > d.baseline;  // comparisons with infinity hold
      const bool worse = d.higher_is_better ? !went_up : went_up;
      d.regression = worse;
      d.improvement = !worse;
    } else if (std::isfinite(d.change)) {
      const double noise =
          std::max(options.absolute_tolerance, options.relative_tolerance * std::abs(d.baseline));
      const double worse = d.higher_is_better ? -d.change : d.change;
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
