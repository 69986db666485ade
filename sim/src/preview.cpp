#include "iomtsim/sim/preview.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <variant>

#include "iomtsim/physiology/patient_generator.hpp"
#include "iomtsim/rules/news2.hpp"

namespace iomtsim::sim {
namespace {

using physiology::SimTime;
using physiology::Vital;

struct Pick {
  std::size_t cohort;
  physiology::PatientIndex global;
};

// Every patient, taken in turn from each cohort (patient 0 of each, then patient 1, …),
// stopping after `limit`.
std::vector<Pick> round_robin(const scenarios::Scenario& s, std::size_t limit) {
  std::vector<physiology::PatientIndex> first;  // global index of each cohort's patient 0
  physiology::PatientIndex next = 0;
  for (const auto& c : s.cohorts) {
    first.push_back(next);
    next += c.physiology.count;
  }
  std::vector<Pick> picks;
  for (std::uint32_t round = 0; picks.size() < limit; ++round) {
    bool any = false;
    for (std::size_t c = 0; c < s.cohorts.size() && picks.size() < limit; ++c) {
      if (round < s.cohorts[c].physiology.count) {
        picks.push_back({c, first[c] + round});
        any = true;
      }
    }
    if (!any) break;
  }
  return picks;
}

// A clinician previews a scenario to see its episodes, so patients who have one come
// first, then the others in turn from each cohort. Knowing who has one means running each
// candidate's ground truth to the end, so only the first kScanLimit patients are searched.
constexpr std::size_t kScanLimit = 500;

std::vector<Pick> pick_patients(const scenarios::Scenario& s, std::uint32_t wanted) {
  const auto candidates = round_robin(s, std::max<std::size_t>(wanted, kScanLimit));
  std::vector<Pick> with, without;
  for (const Pick& pick : candidates) {
    if (with.size() >= wanted) break;
    physiology::PatientGenerator gen(s.cohorts[pick.cohort].physiology, pick.global,
                                     s.metadata.seed, s.metadata.duration);
    gen.finish();
    (gen.episodes().empty() ? without : with).push_back(pick);
  }
  for (const Pick& pick : without) {
    if (with.size() >= wanted) break;
    with.push_back(pick);
  }
  return with;
}

// NEWS2 is drawn only for a patient whose devices measure one of its vital signs (a CGM
// alone says nothing about it).
bool measures_news2_vital(const std::map<Vital, reports::VitalSeries>& series) {
  for (Vital v : {Vital::RespRate, Vital::SpO2, Vital::SystolicBP, Vital::HeartRate,
                  Vital::PulseRate, Vital::Temperature})
    if (series.count(v)) return true;
  return false;
}

int true_news2(const physiology::VitalSigns& v, bool scale2) {
  rules::News2Inputs in;
  in.scale = scale2 ? rules::SpO2Scale::Scale2 : rules::SpO2Scale::Scale1;
  in.resp_rate_per_min = v.resp_rate_per_min;
  in.spo2_pct = v.spo2_pct;
  in.on_oxygen = v.on_oxygen;
  in.systolic_mmhg = v.systolic_mmhg;
  in.pulse_per_min = v.heart_rate_bpm;
  in.consciousness_acvpu = static_cast<double>(v.consciousness);
  in.temperature_cel = v.temperature_c;
  return rules::news2(in).total;
}

}  // namespace

std::vector<reports::PatientPreview> build_preview(const scenarios::Scenario& scenario,
                                                   const PreviewOptions& options) {
  std::vector<reports::PatientPreview> out;
  for (const Pick& pick : pick_patients(scenario, options.patients)) {
    const auto& cohort = scenario.cohorts[pick.cohort].physiology;
    physiology::PatientGenerator gen(cohort, pick.global, scenario.metadata.seed,
                                     scenario.metadata.duration);
    // The vitals this patient's devices measure, in a stable order.
    std::map<Vital, reports::VitalSeries> series;
    for (const auto& dev : cohort.devices) {
      for (const auto& m : dev.measures) series[m.vital].vital = m.vital;
    }
    reports::PatientPreview p;
    p.patient = pick.global;
    const std::string_view bed = physiology::bed_label(cohort, pick.global);
    p.label = (bed.empty() ? std::string() : "bed " + std::string(bed) + ": ") + "patient " +
              std::to_string(pick.global) + " (" + cohort.name + ", " +
              std::string(physiology::name(cohort.archetype)) + ", " +
              std::to_string(static_cast<int>(gen.info().age_years)) + " y)";

    if (cohort.spo2_target) {
      char target[80];
      std::snprintf(target, sizeof target, ", SpO2 target %g-%g %%%s", cohort.spo2_target->low_pct,
                    cohort.spo2_target->high_pct,
                    physiology::spo2_scale2(cohort) ? " (NEWS2 Scale 2)" : "");
      p.label += target;
    }

    const bool news2 = measures_news2_vital(series);
    const bool scale2 = physiology::spo2_scale2(cohort);

    SimTime sample_at{};
    const SimTime end{scenario.metadata.duration};
    auto sample_true_until = [&](SimTime limit) {
      // true_vitals() may only move forward with the generated outputs, so the true
      // series is sampled just before each output that passes the next sample time.
      for (; sample_at <= limit && sample_at < end; sample_at += options.true_step) {
        const auto v = gen.true_vitals(sample_at);
        for (auto& [vital, s] : series) s.true_values.push_back({sample_at, v.value(vital)});
        if (news2) p.news2.push_back({sample_at, static_cast<double>(true_news2(v, scale2))});
      }
    };
    while (!gen.done()) {
      sample_true_until(gen.next_time());
      const auto output = gen.next();
      if (const auto* r = std::get_if<physiology::Reading>(&output)) {
        auto it = series.find(r->vital);
        if (it != series.end()) it->second.measured.push_back({r->true_time, r->value});
      }
    }
    sample_true_until(end);
    // After the trajectory: interventions given in response to the patient are known only
    // once it has reached the instant their criterion was met.
    gen.finish();
    for (const auto& i : gen.interventions()) {
      if (i.at >= end) continue;
      char dose[32];
      std::snprintf(dose, sizeof dose, " %g ", i.dose);
      std::string text = std::string(physiology::name(i.kind)) + dose +
                         std::string(physiology::dose_info(i.kind).unit);
      if (i.triggered) text += " (triggered)";
      p.interventions.push_back({i.at, std::move(text)});
    }
    p.episodes = gen.episodes();
    for (auto& [vital, s] : series) p.vitals.push_back(std::move(s));
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace iomtsim::sim
