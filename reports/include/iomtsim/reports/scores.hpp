#pragma once
// Alert-accuracy figures computed from a MatchResult, overall, per condition and per
// alert rule. All "per day" figures divide by patient-days of observation, the exposure
// the caller supplies (one patient per bed, so patient-days are also bed-days).
//
// Definitions (event based, as the alarm literature uses them):
// - sensitivity = episodes with at least one matching alert / episodes
// - PPV = true alerts / (true + false alerts), a true alert matching >= 1 episode
// - F1 = harmonic mean of sensitivity and PPV
// - lead time = first matching alert's received time - onset (negative: before onset,
//   in the prodrome), and the same from criteria_met; median and IQR (25th/75th
//   percentiles, linear interpolation) in seconds
// - chance level (chance.hpp): what a stream of as many alerts placed at random over the
//   observed spans would score, and the lift over it; computed with the same episodes
//   and matching windows, for each set of figures below
// Per condition C: episodes of C only; alerts matching an episode of C are true, alerts
// matching no episode are false, alerts matching only other conditions are excluded.
// Per rule R: the alerts of rule R matched afresh against all episodes.
// Undefined ratios (no episodes, no alerts, no exposure) are NaN, never 0.
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "iomtsim/reports/chance.hpp"
#include "iomtsim/reports/matching.hpp"

namespace iomtsim::reports {

// Median and quartiles of `values` by linear interpolation (R type 7).
SpreadStats spread(std::vector<double> values);

struct AccuracyStats {
  std::uint64_t episodes = 0;
  std::uint64_t episodes_detected = 0;
  std::uint64_t alerts = 0;  // true + false (excluded ones not included)
  std::uint64_t true_alerts = 0;
  std::uint64_t false_alerts = 0;
  std::uint64_t excluded_alerts = 0;  // per condition only: matched other conditions
  std::uint64_t early_alerts = 0;
  std::uint64_t on_time_alerts = 0;
  std::uint64_t late_alerts = 0;
  std::uint64_t duplicate_alerts = 0;
  std::uint64_t artifact_true_alerts = 0;   // artifact-triggered but matching an episode
  std::uint64_t artifact_false_alerts = 0;  // artifact-triggered and matching none
  double sensitivity = 0.0;
  double ppv = 0.0;
  double f1 = 0.0;
  double false_per_patient_day = 0.0;
  double per_100_patient_days = 0.0;
  double burden_per_bed_per_day = 0.0;
  // PhysioNet/CinC 2015 score with episodes as the events: TP = episodes detected,
  // FN = episodes missed, FP = false alerts; TN (false alarms the target suppressed) cannot
  // be observed from outside the target and counts 0. NaN with no episodes and no alerts.
  double challenge2015 = 0.0;
  SpreadStats lead_time_s;           // first alert - onset
  SpreadStats criteria_lead_time_s;  // first alert - criteria_met
  ChanceLevel chance;                // same rate, placed at random (chance.hpp)
  double sensitivity_lift = 0.0;     // sensitivity - chance.sensitivity
  double lead_time_lift_s = 0.0;     // chance median lead - observed median lead (> 0: earlier)
  double criteria_lead_time_lift_s = 0.0;
};

struct Accuracy {
  AccuracyStats overall;
  std::map<std::string, AccuracyStats> by_condition;  // condition name -> stats
  std::map<std::string, AccuracyStats> by_rule;       // alert rule -> stats
};

// `spans` are the patients' observed stays, for the chance level (none: chance is NaN).
Accuracy score_alerts(std::span<const physiology::Episode> episodes,
                      std::span<const AlertRecord> alerts, const MatchOptions& options,
                      double patient_days, std::span<const PatientSpan> spans = {});

// PhysioNet/CinC Challenge 2015 false-alarm score: 100 (TP + TN) / (TP + TN + FP + 5 FN),
// where a "positive" is an alarm kept (not suppressed). NaN when all counts are zero.
double challenge2015_score(std::uint64_t tp, std::uint64_t tn, std::uint64_t fp, std::uint64_t fn);

}  // namespace iomtsim::reports
