// Ground-truth episodes: when each condition is present, and when the true vitals first
// met its standard criteria (evaluated on the slow 30 s grid, which does not depend on
// who asked for what).
#include <algorithm>
#include <cmath>

#include "news2.hpp"
#include "patient_model.hpp"

namespace iomtsim::physiology::detail {
namespace {
constexpr double kMin = 60.0;
}  // namespace

void PatientModel::update_episodes(double t, const VitalSigns& v) {
  const double deficit = std::max(0.0, x_.blood_loss + x_.leak - x_.restored);
  const double dep = x_.opioid * (1.0 - x_.naloxone);
  const int news2 = news2_score(v, baseline_.spo2_scale2);
  for (auto& c : conditions_) {
    // The episode (and its criteria) from the start of the prodrome, if any.
    if (t < c.onset_s - c.prodrome_s || c.resolved) continue;
    if (c.episode < 0) {
      Episode e;
      e.id = static_cast<std::uint32_t>(episodes_.size());
      e.patient = index_;
      e.condition = c.kind;
      e.severity = c.severity;
      e.onset = at_seconds(c.onset_s);
      if (c.prodrome_s > 0.0) e.prodrome_start = at_seconds(c.onset_s - c.prodrome_s);
      e.end = at_seconds(duration_s_);  // provisional until it resolves
      c.episode = static_cast<std::int32_t>(episodes_.size());
      episodes_.push_back(e);
    }
    Episode& e = episodes_[static_cast<std::size_t>(c.episode)];

    // Activity (for "resolved once it has peaked and faded") and the criterion.
    double activity = 0.0;
    bool met = false;
    bool resolved = false;
    switch (c.kind) {
      case ConditionKind::Sepsis:
        activity = x_.inflammation;
        // The criteria must be the infection's doing: an ICU patient who already scores 5
        // does not meet them at the moment an infection starts, only once it has raised
        // a systemic response (inflammation 0.15; a mild sepsis may never).
        met = (news2 >= 5 || qsofa_score(v) >= 2) && x_.inflammation >= 0.15;
        resolved = (x_.antibiotics_at_s >= 0 || t >= c.drive_end_s) && x_.burden < 0.01 && x_.inflammation < 0.05;
        break;
      case ConditionKind::Hemorrhage:
        activity = deficit;
        met = news2 >= 5;
        resolved = c.peak > 0.05 && x_.blood_loss >= 0.5 * c.severity - 1e-9 && deficit < 0.12;  // back to class I
        break;
      case ConditionKind::OpioidRespiratoryDepression:
        activity = dep;
        met = news2 >= 5 || v.resp_rate_per_min < 8.5;
        resolved = c.peak > 0.1 && dep < 0.08 && t >= c.drive_end_s;
        break;
      case ConditionKind::HeartFailureDecompensation:
        activity = x_.congestion_kg;
        met = news2 >= 5 || x_.congestion_kg >= 2.0;
        resolved = c.peak > 0.5 && x_.congestion_kg < 0.5 && (x_.diuretic_given || t >= c.drive_end_s);
        break;
      case ConditionKind::CopdExacerbation:
        activity = copd_activity(t);
        met = news2 >= 5;
        resolved = t >= c.onset_s + c.ramp_s;
        break;
      case ConditionKind::Hypoglycemia:
        activity = std::max(0.0, 70.0 - x_.glucose_mg_dl);
        // An event is >= 15 min below 54 mg/dL: met when the 15 min are complete.
        c.criteria_run_s = x_.glucose_mg_dl < 54.0 ? c.criteria_run_s + kStepS : 0.0;
        met = c.criteria_run_s >= 15.0 * kMin;
        resolved = t >= c.drive_end_s && x_.glucose_mg_dl >= 70.0;
        break;
      case ConditionKind::AtrialFibrillation:
        activity = x_.af ? 1.0 : 0.0;
        met = x_.af && v.heart_rate_bpm > 110.0;  // rapid ventricular response
        resolved = t >= c.drive_end_s;
        break;
    }
    c.peak = std::max(c.peak, activity);
    if (met && !e.criteria_met) e.criteria_met = at_seconds(t);
    if (resolved && t > c.onset_s) {
      c.resolved = true;
      e.end = at_seconds(t);
    }
  }
}

}  // namespace iomtsim::physiology::detail
