#include "iomtsim/reports/matching.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace iomtsim::reports {

using physiology::Episode;

bool is_artifact(const AlertRecord& a, const MatchOptions& options) {
  if (!a.trigger_known) return false;
  if (a.trigger_flags & (physiology::kFlagMotionArtifact | physiology::kFlagProbeOff)) return true;
  const double tol = options.artifact_tolerance[static_cast<std::size_t>(a.trigger_vital)];
  return std::abs(a.trigger_value - a.trigger_true_value) > tol;
}

AlertTiming timing_of(const Episode& e, SimTime t) {
  if (t > e.end) return AlertTiming::Late;
  return e.criteria_met && t >= *e.criteria_met ? AlertTiming::OnTime : AlertTiming::Early;
}

MatchResult match_alerts(std::span<const Episode> episodes, std::span<const AlertRecord> alerts,
                         const MatchOptions& options) {
  MatchResult result;
  result.alerts.resize(alerts.size());
  result.first_alert.assign(episodes.size(), std::nullopt);

  std::unordered_map<physiology::PatientIndex, std::vector<std::size_t>> by_patient;
  for (std::size_t e = 0; e < episodes.size(); ++e) by_patient[episodes[e].patient].push_back(e);

  // Alerts in time order, so "first" and "duplicate" mean first in time, whatever the
  // order of the input list.
  std::vector<std::size_t> order(alerts.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return alerts[a].alert.received_time < alerts[b].alert.received_time;
  });

  for (std::size_t ai : order) {
    const auto& alert = alerts[ai].alert;
    AlertMatch& m = result.alerts[ai];
    m.artifact = is_artifact(alerts[ai], options);
    const SimTime t = alert.received_time;
    auto it = by_patient.find(alert.patient);
    if (it == by_patient.end()) continue;
    Duration best_distance = Duration::max();
    for (std::size_t e : it->second) {
      const Episode& ep = episodes[e];
      const SimTime from = ep.signal_start();
      if (t < from - options.early_limit || t > ep.end + options.late_limit) continue;
      m.episodes.push_back(e);
      // Primary: active episodes first (distance 0, latest signal start wins), then the
      // nearest.
      const Duration distance = t < from ? from - t : (t > ep.end ? t - ep.end : Duration{0});
      const bool better = !m.primary || distance < best_distance ||
                          (distance == best_distance && from > episodes[*m.primary].signal_start());
      if (better) {
        m.primary = e;
        best_distance = distance;
      }
    }
    std::sort(m.episodes.begin(), m.episodes.end());
    if (!m.primary) continue;
    m.timing = timing_of(episodes[*m.primary], t);
    m.duplicate = result.first_alert[*m.primary].has_value();
    for (std::size_t e : m.episodes)
      if (!result.first_alert[e]) result.first_alert[e] = ai;
  }
  return result;
}

}  // namespace iomtsim::reports
