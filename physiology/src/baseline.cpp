#include "baseline.hpp"

#include <algorithm>
#include <cmath>

namespace iomtsim::physiology::detail {
namespace {

// Between-patient means and spreads per archetype. Spreads are wide on purpose: the
// Tarassenko centiles (docs/clinical.md) come from mixed hospital patients, and a ward's
// 5th-centile heart rate near 50 comes mostly from who the patients are, not from
// moment-to-moment variation.
struct ArchetypeRow {
  double hr, hr_sd, rr, rr_sd, spo2, spo2_sd, sbp, sbp_sd, dbp, dbp_sd, temp, temp_sd, glu, glu_sd,
      weight, weight_sd, dip_scale;
};

constexpr ArchetypeRow kRows[kArchetypeCount] = {
    // hr        rr        spo2       sbp        dbp       temp        glu        weight   dips
    {70, 10, 14.5, 2.5, 97.5, 1.0, 120, 13, 75, 8, 36.8, 0.25, 95, 10, 75, 14, 0.4},    // healthy
    {80, 17, 16.0, 2.3, 97.3, 1.6, 126, 18, 72, 10, 37.0, 0.35, 120, 20, 78, 16, 1.2},  // post-op
    {82, 16, 17.5, 4.0, 98.5, 2.0, 124, 20, 64, 10, 36.9, 0.50, 140, 30, 78, 18, 1.3},  // icu
    {84, 13, 17.0, 2.8, 96.0, 1.8, 124, 19, 70, 10, 37.0, 0.40, 130, 25, 78, 17, 1.2},  // step-down
    {77, 11, 16.5, 2.4, 96.0, 1.8, 129, 21, 72, 10, 36.7, 0.35, 115, 20, 70, 15, 1.3},  // elderly
    {74, 11, 17.0, 2.5, 95.0, 1.5, 116, 15, 70, 9, 36.6, 0.30, 110, 15, 85, 16, 0.8},   // home HF
    {86, 11, 19.0, 3.0, 91.5, 1.8, 130, 15, 76, 9, 36.8, 0.30, 110, 15, 72, 15, 1.0},   // copd
    {74, 9, 14.5, 2.5, 97.5, 1.0, 122, 12, 76, 8, 36.8, 0.25, 150, 25, 72, 13, 0.4},    // type 1 DM
    {88, 16, 18.0, 3.5, 96.0, 2.0, 136, 21, 80, 12, 37.0, 0.50, 120, 25, 78, 17, 1.0},  // ED
};

double clampd(double x, double lo, double hi) { return std::min(hi, std::max(lo, x)); }

}  // namespace

Baseline make_baseline(Archetype archetype, const Demographics& demo, Rng& rng, PatientInfo& info) {
  const ArchetypeRow& r = kRows[static_cast<std::size_t>(archetype)];
  info.archetype = archetype;
  info.age_years = clampd(demo.age_years.sample(rng), 18.0, 105.0);
  info.female = rng.bernoulli(demo.female_fraction);
  info.comorbid = rng.bernoulli(demo.comorbidity_rate);
  const double age = info.age_years;

  Baseline b;
  b.heart_rate_bpm = rng.normal(r.hr, r.hr_sd) + (info.female ? 3.0 : 0.0) + (info.comorbid ? 4.0 : 0.0);
  b.heart_rate_bpm = clampd(b.heart_rate_bpm, 45.0, 125.0);
  b.resp_rate_per_min = clampd(rng.normal(r.rr, r.rr_sd) + (info.comorbid ? 1.0 : 0.0), 9.0, 26.0);
  // SpO2 is skewed: a few patients sit low, nobody sits above 99-100.
  const double spo2_low_tail = rng.exponential(0.6 * r.spo2_sd);
  b.spo2_pct = rng.normal(r.spo2, 0.6 * r.spo2_sd) - spo2_low_tail + 0.6 * r.spo2_sd * 0.8 -
               (info.comorbid ? 1.0 : 0.0) - std::max(0.0, age - 60.0) * 0.03;
  b.spo2_pct = clampd(b.spo2_pct, 86.0, 99.5);
  // Systolic pressure rises with age (about 0.5 mmHg/year after 40), diastolic barely.
  b.systolic_mmhg = rng.normal(r.sbp, r.sbp_sd) + 0.45 * (age - 55.0) + (info.comorbid ? 5.0 : 0.0) -
                    (info.female ? 4.0 : 0.0);
  b.systolic_mmhg = clampd(b.systolic_mmhg, 88.0, 200.0);
  b.diastolic_mmhg = clampd(rng.normal(r.dbp, r.dbp_sd) + 0.08 * (age - 55.0), 45.0, 110.0);
  b.diastolic_mmhg = std::min(b.diastolic_mmhg, b.systolic_mmhg - 25.0);
  b.temperature_c = clampd(rng.normal(r.temp, r.temp_sd) - std::max(0.0, age - 70.0) * 0.01, 35.8, 38.0);
  b.glucose_mg_dl = clampd(rng.normal(r.glu, r.glu_sd), 72.0, 260.0);
  b.weight_kg = clampd(rng.normal(r.weight, r.weight_sd) - (info.female ? 10.0 : 0.0), 38.0, 180.0);

  b.hrv_scale = clampd(1.4 - 0.012 * age, 0.35, 1.2) * (info.comorbid ? 0.7 : 1.0);
  b.glucose_swing = archetype == Archetype::Type1Diabetes ? 0.35 : 0.12;
  b.spo2_scale2 = archetype == Archetype::Copd;

  // Dip propensity: lognormal so a minority of patients carry most of the dips.
  const double prone = r.dip_scale * std::exp(rng.normal(0.0, 0.9));
  const double old = age > 70 ? 1.3 : 1.0;
  b.spo2_dip_rate_per_h = 0.34 * prone * old * (info.comorbid ? 1.3 : 1.0);
  b.spo2_dip_depth_pct = 3.5 + 1.5 * rng.uniform();
  b.rr_surge_rate_per_h = 0.008 * prone * std::exp(rng.normal(0.0, 0.7));
  b.hr_surge_rate_per_h = 0.004 * prone * std::exp(rng.normal(0.0, 0.7));
  b.sbp_dip_rate_per_h = 0.006 * prone * std::exp(rng.normal(0.0, 0.7));
  return b;
}

void apply_baseline_override(Baseline& b, Vital vital, double x) {
  if (!std::isfinite(x)) return;  // the loader rejects these; never poison the model
  switch (vital) {
    case Vital::HeartRate:
    case Vital::PulseRate: b.heart_rate_bpm = clampd(x, 25.0, 200.0); break;
    case Vital::RespRate: b.resp_rate_per_min = clampd(x, 4.0, 50.0); break;
    case Vital::SpO2: b.spo2_pct = clampd(x, 60.0, 100.0); break;
    case Vital::SystolicBP: b.systolic_mmhg = clampd(x, std::max(50.0, b.diastolic_mmhg + 10.0), 260.0); break;
    case Vital::DiastolicBP: b.diastolic_mmhg = clampd(x, 20.0, b.systolic_mmhg - 10.0); break;
    case Vital::MeanBP: {
      const double delta = clampd(x, 40.0, 180.0) - (b.diastolic_mmhg + (b.systolic_mmhg - b.diastolic_mmhg) / 3.0);
      b.systolic_mmhg += delta;
      b.diastolic_mmhg += delta;
      break;
    }
    case Vital::Temperature: b.temperature_c = clampd(x, 33.0, 41.0); break;
    case Vital::Glucose: b.glucose_mg_dl = clampd(x, 40.0, 500.0); break;
    case Vital::Weight: b.weight_kg = clampd(x, 1.0, 400.0); break;
    case Vital::Consciousness: break;
  }
}

}  // namespace iomtsim::physiology::detail
