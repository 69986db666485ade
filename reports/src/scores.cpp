#include "iomtsim/reports/scores.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace iomtsim::reports {

using physiology::Episode;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double ratio(double num, double den) { return den > 0 ? num / den : kNaN; }

double quantile_sorted(const std::vector<double>& v, double q) {
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

// Rates and spreads once the counts are in.
void finish(AccuracyStats& s, std::vector<double> leads, std::vector<double> criteria_leads,
            double patient_days) {
  s.alerts = s.true_alerts + s.false_alerts;
  s.sensitivity = ratio(static_cast<double>(s.episodes_detected), static_cast<double>(s.episodes));
  s.ppv = ratio(static_cast<double>(s.true_alerts), static_cast<double>(s.alerts));
  s.f1 =
      (std::isnan(s.sensitivity) || std::isnan(s.ppv))
          ? kNaN
          : (s.sensitivity + s.ppv > 0 ? 2 * s.sensitivity * s.ppv / (s.sensitivity + s.ppv) : 0.0);
  s.false_per_patient_day = ratio(static_cast<double>(s.false_alerts), patient_days);
  s.per_100_patient_days = ratio(100.0 * static_cast<double>(s.alerts), patient_days);
  s.burden_per_bed_per_day = ratio(static_cast<double>(s.alerts), patient_days);
  s.challenge2015 = challenge2015_score(s.episodes_detected, 0, s.false_alerts,
                                       s.episodes - s.episodes_detected);
  s.lead_time_s = spread(std::move(leads));
  s.criteria_lead_time_s = spread(std::move(criteria_leads));
}

// Stats for the episodes selected by `keep_episode`, with `result` from a match of all
// of `episodes` against `alerts`.
template <class Keep>
AccuracyStats stats_for(std::span<const Episode> episodes, std::span<const AlertRecord> alerts,
                        const MatchResult& result, double patient_days, Keep keep_episode,
                        std::span<const PatientSpan> spans, const MatchOptions& options) {
  AccuracyStats s;
  std::vector<double> leads, criteria_leads;
  for (std::size_t e = 0; e < episodes.size(); ++e) {
    if (!keep_episode(episodes[e])) continue;
    ++s.episodes;
    if (!result.first_alert[e]) continue;
    ++s.episodes_detected;
    const SimTime t = alerts[*result.first_alert[e]].alert.received_time;
    leads.push_back(physiology::to_seconds(t - episodes[e].onset));
    if (episodes[e].criteria_met)
      criteria_leads.push_back(physiology::to_seconds(t - *episodes[e].criteria_met));
  }
  for (std::size_t a = 0; a < alerts.size(); ++a) {
    const AlertMatch& m = result.alerts[a];
    if (m.episodes.empty()) {
      ++s.false_alerts;
      if (m.artifact) ++s.artifact_false_alerts;
      continue;
    }
    const bool relevant = std::any_of(m.episodes.begin(), m.episodes.end(),
                                      [&](std::size_t e) { return keep_episode(episodes[e]); });
    if (!relevant) {
      ++s.excluded_alerts;
      continue;
    }
    ++s.true_alerts;
    if (m.artifact) ++s.artifact_true_alerts;
    if (m.duplicate) ++s.duplicate_alerts;
    if (m.timing == AlertTiming::Early) ++s.early_alerts;
    if (m.timing == AlertTiming::OnTime) ++s.on_time_alerts;
    if (m.timing == AlertTiming::Late) ++s.late_alerts;
  }
  finish(s, std::move(leads), std::move(criteria_leads), patient_days);
  // The chance level of a stream of all these alerts (true, false and excluded: the rate
  // the target really alerted at).
  s.chance = chance_level(episodes, keep_episode, spans, alerts.size(), options);
  s.sensitivity_lift = s.sensitivity - s.chance.sensitivity;
  s.lead_time_lift_s = s.chance.lead_time_s.median - s.lead_time_s.median;
  s.criteria_lead_time_lift_s =
      s.chance.criteria_lead_time_s.median - s.criteria_lead_time_s.median;
  return s;
}

}  // namespace

SpreadStats spread(std::vector<double> values) {
  SpreadStats s;
  s.n = values.size();
  if (values.empty()) {
    s.median = s.q1 = s.q3 = kNaN;
    return s;
  }
  std::sort(values.begin(), values.end());
  s.median = quantile_sorted(values, 0.5);
  s.q1 = quantile_sorted(values, 0.25);
  s.q3 = quantile_sorted(values, 0.75);
  return s;
}

Accuracy score_alerts(std::span<const Episode> episodes, std::span<const AlertRecord> alerts,
                      const MatchOptions& options, double patient_days,
                      std::span<const PatientSpan> spans) {
  Accuracy acc;
  const MatchResult all = match_alerts(episodes, alerts, options);
  acc.overall = stats_for(
      episodes, alerts, all, patient_days, [](const Episode&) { return true; }, spans, options);

  for (std::size_t c = 0; c < physiology::kConditionCount; ++c) {
    const auto kind = static_cast<physiology::ConditionKind>(c);
    if (std::none_of(episodes.begin(), episodes.end(),
                     [&](const Episode& e) { return e.condition == kind; }))
      continue;
    acc.by_condition[std::string(physiology::name(kind))] = stats_for(
        episodes, alerts, all, patient_days, [&](const Episode& e) { return e.condition == kind; },
        spans, options);
  }

  std::map<std::string, std::vector<AlertRecord>> by_rule;
  for (const auto& a : alerts) by_rule[a.alert.rule].push_back(a);
  for (const auto& [rule, list] : by_rule) {
    const MatchResult m = match_alerts(episodes, list, options);
    acc.by_rule[rule] = stats_for(
        episodes, list, m, patient_days, [](const Episode&) { return true; }, spans, options);
  }
  return acc;
}

double challenge2015_score(std::uint64_t tp, std::uint64_t tn, std::uint64_t fp, std::uint64_t fn) {
  const double den = static_cast<double>(tp + tn + fp) + 5.0 * static_cast<double>(fn);
  return den > 0 ? 100.0 * static_cast<double>(tp + tn) / den : kNaN;
}

}  // namespace iomtsim::reports
