#include "iomtsim/reports/chance.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <vector>

namespace iomtsim::reports {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One episode's detection window clipped to its patient's observed span, in seconds of
// scenario time, and the time its lead is measured from.
struct Window {
  double from_s = 0.0;
  double length_s = 0.0;
  double reference_s = 0.0;
};

double detect_probability(double rate_per_s, double length_s) {
  return -std::expm1(-rate_per_s * length_s);
}

// P(the first random alert has lead <= x and falls in the window), summed over windows.
double mass_below(const std::vector<Window>& w, double rate_per_s, double x) {
  double m = 0.0;
  for (const auto& v : w) {
    const double reach = std::clamp(x + v.reference_s - v.from_s, 0.0, v.length_s);
    m += detect_probability(rate_per_s, reach);
  }
  return m;
}

SpreadStats quantiles(const std::vector<Window>& w, double rate_per_s) {
  SpreadStats s;
  s.n = w.size();
  double total = 0.0, lo = HUGE_VAL, hi = -HUGE_VAL;
  for (const auto& v : w) {
    total += detect_probability(rate_per_s, v.length_s);
    lo = std::min(lo, v.from_s - v.reference_s);
    hi = std::max(hi, v.from_s + v.length_s - v.reference_s);
  }
  if (w.empty() || !(total > 0.0)) {
    s.median = s.q1 = s.q3 = kNaN;
    return s;
  }
  auto solve = [&](double q) {
    double a = lo, b = hi;
    for (int i = 0; i < 200 && b - a > 1e-6; ++i) {
      const double mid = 0.5 * (a + b);
      (mass_below(w, rate_per_s, mid) < q * total ? a : b) = mid;
    }
    return 0.5 * (a + b);
  };
  s.median = solve(0.5);
  s.q1 = solve(0.25);
  s.q3 = solve(0.75);
  return s;
}

}  // namespace

ChanceLevel chance_level(std::span<const physiology::Episode> episodes,
                         const std::function<bool(const physiology::Episode&)>& keep,
                         std::span<const PatientSpan> spans, std::uint64_t alert_count,
                         const MatchOptions& options) {
  ChanceLevel c;
  std::map<physiology::PatientIndex, std::pair<double, double>> stay;  // union of spans, s
  for (const auto& s : spans) {
    const double a = physiology::to_seconds(std::min(s.first, s.last).time_since_epoch());
    const double b = physiology::to_seconds(std::max(s.first, s.last).time_since_epoch());
    auto [it, fresh] = stay.try_emplace(s.patient, a, b);
    if (!fresh) it->second = {std::min(it->second.first, a), std::max(it->second.second, b)};
  }
  double exposure_s = 0.0;
  for (const auto& [p, ab] : stay) exposure_s += ab.second - ab.first;
  if (!(exposure_s > 0.0)) {
    c.alerts_per_patient_day = c.sensitivity = kNaN;
    c.lead_time_s = c.criteria_lead_time_s = SpreadStats{0, kNaN, kNaN, kNaN};
    return c;
  }
  const double rate_per_s = static_cast<double>(alert_count) / exposure_s;
  c.alerts_per_patient_day = rate_per_s * 86400.0;

  std::vector<Window> onset_windows, criteria_windows;
  double expected = 0.0;
  std::size_t n = 0;
  const double early_s = physiology::to_seconds(options.early_limit);
  const double late_s = physiology::to_seconds(options.late_limit);
  for (const auto& e : episodes) {
    if (!keep(e)) continue;
    ++n;
    const auto it = stay.find(e.patient);
    if (it == stay.end()) continue;  // never observed: no chance to detect
    const double from = std::max(
        physiology::to_seconds(e.signal_start().time_since_epoch()) - early_s, it->second.first);
    const double to =
        std::min(physiology::to_seconds(e.end.time_since_epoch()) + late_s, it->second.second);
    if (!(to > from)) continue;
    expected += detect_probability(rate_per_s, to - from);
    onset_windows.push_back({from, to - from, physiology::to_seconds(e.onset.time_since_epoch())});
    if (e.criteria_met)
      criteria_windows.push_back(
          {from, to - from, physiology::to_seconds(e.criteria_met->time_since_epoch())});
  }
  c.sensitivity = n > 0 ? expected / static_cast<double>(n) : kNaN;
  c.lead_time_s = quantiles(onset_windows, rate_per_s);
  c.criteria_lead_time_s = quantiles(criteria_windows, rate_per_s);
  return c;
}

}  // namespace iomtsim::reports
