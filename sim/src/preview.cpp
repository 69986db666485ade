#include "iomtsim/sim/preview.hpp"

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

std::vector<Pick> pick_patients(const scenarios::Scenario& s, std::uint32_t wanted) {
  std::vector<physiology::PatientIndex> first;  // global index of each cohort's patient 0
  physiology::PatientIndex next = 0;
  for (const auto& c : s.cohorts) {
    first.push_back(next);
    next += c.physiology.count;
  }
  std::vector<Pick> picks;
  for (std::uint32_t round = 0; picks.size() < wanted; ++round) {
    bool any = false;
    for (std::size_t c = 0; c < s.cohorts.size() && picks.size() < wanted; ++c) {
      if (round < s.cohorts[c].physiology.count) {
        picks.push_back({c, first[c] + round});
        any = true;
      }
    }
    if (!any) break;
  }
  return picks;
}

int true_news2(const physiology::VitalSigns& v) {
  rules::News2Inputs in;
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

    SimTime sample_at{};
    const SimTime end{scenario.metadata.duration};
    auto sample_true_until = [&](SimTime limit) {
      // true_vitals() may only move forward with the generated outputs, so the true
      // series is sampled just before each output that passes the next sample time.
      for (; sample_at <= limit && sample_at < end; sample_at += options.true_step) {
        const auto v = gen.true_vitals(sample_at);
        for (auto& [vital, s] : series) s.true_values.push_back({sample_at, v.value(vital)});
        p.news2.push_back({sample_at, static_cast<double>(true_news2(v))});
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
    gen.finish();
    p.episodes = gen.episodes();
    for (auto& [vital, s] : series) p.vitals.push_back(std::move(s));
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace iomtsim::sim
