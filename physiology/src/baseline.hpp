#pragma once
// A patient's resting physiology: the set points the latent state returns to, drawn once
// per patient from its archetype and demographics. Units as in VitalSigns.
#include "iomtsim/physiology/cohort_spec.hpp"
#include "iomtsim/physiology/patient_generator.hpp"
#include "iomtsim/physiology/random.hpp"

namespace iomtsim::physiology::detail {

struct Baseline {
  double heart_rate_bpm = 75.0;
  double resp_rate_per_min = 16.0;
  double spo2_pct = 97.0;
  double systolic_mmhg = 125.0;
  double diastolic_mmhg = 75.0;
  double temperature_c = 36.9;
  double glucose_mg_dl = 100.0;
  double weight_kg = 75.0;
  // Amplitudes of the patient's own variability.
  double hrv_scale = 1.0;        // HRV declines with age; 1 = young adult
  double glucose_swing = 0.2;    // meal excursions and drift, fraction of baseline
  // Stable-patient dips (docs/clinical.md "Stable patients are not flat"): events per hour,
  // depth scale. Drawn per patient, so some patients dip a lot and most a little.
  double spo2_dip_rate_per_h = 0.3;
  double spo2_dip_depth_pct = 4.0;
  double rr_surge_rate_per_h = 0.05;
  double hr_surge_rate_per_h = 0.03;
  double sbp_dip_rate_per_h = 0.03;
  bool spo2_scale2 = false;  // hypercapnic (COPD): NEWS2 SpO2 scale 2
};

// Sets one resting value from a scenario override (CohortSpec::baselines), clamped to
// what the model can carry. MeanBP shifts systolic and diastolic together;
// Consciousness is ignored (a resting patient is alert).
void apply_baseline_override(Baseline& b, Vital vital, double value);

// Draws the patient (age, sex, comorbidity) and its baseline from the patient stream.
Baseline make_baseline(Archetype archetype, const Demographics& demo, Rng& rng, PatientInfo& info);

}  // namespace iomtsim::physiology::detail
