#pragma once
// A scenario's patients through the physiology and the reference rules engine, with no
// network and no target process: readings in each patient's generation order, alerts
// received the instant their trigger was measured. What the shipped defaults alert on,
// scored with the reports' matching, chance level and observed spans, in seconds rather
// than the minutes a run over sockets takes. Also collects, for calibration tests, each
// patient's readings per minute as a monitoring system would chart them (device-flagged
// readings left out).
#include <array>
#include <cmath>
#include <map>
#include <vector>

#include "iomtsim/physiology/patient_generator.hpp"
#include "iomtsim/reports/scores.hpp"
#include "iomtsim/rules/rules_engine.hpp"
#include "iomtsim/scenarios/scenario.hpp"

namespace iomtsim::testing {

struct ClinicalRun {
  std::vector<physiology::Episode> episodes;
  std::vector<reports::AlertRecord> alerts;
  std::vector<reports::PatientSpan> spans;
  double patient_days = 0.0;
  reports::Accuracy accuracy;
  // Per patient, per minute of the run and per vital: the mean of the unflagged readings
  // in that minute, NaN when none (only filled when asked).
  std::vector<std::vector<std::array<float, physiology::kVitalCount>>> minutes;
  // Per patient: the unflagged systolic readings (spot or cuff), in time order.
  std::vector<std::vector<double>> systolic;
};

inline ClinicalRun run_clinical(const scenarios::Scenario& s, const rules::RuleSet& rules,
                                bool keep_minutes = false) {
  using namespace physiology;
  ClinicalRun run;
  const Duration duration = s.metadata.duration;
  const auto minutes =
      static_cast<std::size_t>(std::chrono::duration_cast<std::chrono::minutes>(duration).count());
  PatientIndex index = 0;
  std::int64_t exposure_ns = 0;
  for (const auto& cohort : s.cohorts) {
    for (std::uint32_t k = 0; k < cohort.physiology.count; ++k, ++index) {
      rules::RulesEngine engine(rules);
      if (cohort.physiology.archetype == Archetype::Copd)
        engine.set_spo2_scale(index, rules::SpO2Scale::Scale2);
      PatientGenerator g(cohort.physiology, index, s.metadata.seed, duration);
      std::vector<std::array<double, kVitalCount>> sum;
      std::vector<std::array<int, kVitalCount>> n;
      if (keep_minutes) {
        sum.assign(minutes, {});
        n.assign(minutes, {});
        run.systolic.emplace_back();
      }
      std::optional<SimTime> first, last;
      std::vector<Alert> fired;
      while (!g.done()) {
        const DeviceOutput o = g.next();
        const auto* r = std::get_if<Reading>(&o);
        if (r == nullptr) continue;
        if (!first) first = r->true_time;
        last = r->true_time;
        fired.clear();
        engine.ingest(*r, fired);
        for (const Alert& a : fired) {
          reports::AlertRecord rec;
          rec.alert = a;
          rec.alert.received_time = r->true_time;
          rec.trigger_known = true;
          rec.trigger_intended_send = r->true_time;
          rec.trigger_vital = r->vital;
          rec.trigger_value = r->value;
          rec.trigger_true_value = r->true_value;
          rec.trigger_flags = r->flags;
          run.alerts.push_back(rec);
        }
        if (keep_minutes && !(r->flags & (kFlagQuestionable | kFlagValueAbsent))) {
          const auto m = static_cast<std::size_t>(to_seconds(r->true_time) / 60.0);
          if (m < minutes) {
            sum[m][static_cast<std::size_t>(r->vital)] += r->value;
            ++n[m][static_cast<std::size_t>(r->vital)];
          }
          if (r->vital == Vital::SystolicBP) run.systolic.back().push_back(r->value);
        }
      }
      g.finish();
      run.episodes.insert(run.episodes.end(), g.episodes().begin(), g.episodes().end());
      if (first) {
        run.spans.push_back({index, *first, *last});
        exposure_ns += (*last - *first).count();
      }
      if (keep_minutes) {
        auto& per = run.minutes.emplace_back(minutes);
        for (std::size_t m = 0; m < minutes; ++m)
          for (std::size_t v = 0; v < kVitalCount; ++v)
            per[m][v] = n[m][v] ? static_cast<float>(sum[m][v] / n[m][v]) : NAN;
      }
    }
  }
  run.patient_days = static_cast<double>(exposure_ns) * 1e-9 / 86400.0;
  run.accuracy = reports::score_alerts(run.episodes, run.alerts, reports::MatchOptions{},
                                       run.patient_days, run.spans);
  return run;
}

}  // namespace iomtsim::testing
