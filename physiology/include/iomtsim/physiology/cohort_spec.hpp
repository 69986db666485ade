#pragma once
// What a scenario tells the physiology: who the patients are, what happens to them and
// which devices they wear. Plain values; the scenario loader builds them (with units
// already converted: times in SimTime/Duration, everything else in canonical units).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iomtsim/physiology/episode.hpp"
#include "iomtsim/physiology/random.hpp"
#include "iomtsim/physiology/time.hpp"
#include "iomtsim/physiology/vital.hpp"

namespace iomtsim::physiology {

enum class Archetype : std::uint8_t {
  HealthyAdult,
  PostOperativeAdult,
  Icu,
  StepDown,
  ElderlyWard,
  HomeHeartFailure,
  Copd,
  Type1Diabetes,
  EmergencyDepartment,
};
inline constexpr std::size_t kArchetypeCount = 9;

constexpr std::string_view name(Archetype a) {
  constexpr std::string_view names[] = {"healthy_adult", "post_operative_adult", "icu",
                                        "step_down",     "elderly_ward",         "home_heart_failure",
                                        "copd",          "type1_diabetes",       "emergency_department"};
  return names[static_cast<std::size_t>(a)];
}
constexpr std::optional<Archetype> archetype_from_name(std::string_view s) {
  for (std::size_t i = 0; i < kArchetypeCount; ++i) {
    auto a = static_cast<Archetype>(i);
    if (name(a) == s) return a;
  }
  return std::nullopt;
}

struct Demographics {
  Distribution age_years = Distribution::normal(60.0, 15.0);
  double female_fraction = 0.5;      // 0..1
  double comorbidity_rate = 0.3;     // probability of a significant comorbidity, 0..1
  bool operator==(const Demographics&) const = default;
};

enum class InterventionKind : std::uint8_t {
  Fluids,
  Oxygen,
  Naloxone,
  Antibiotics,
  Insulin,
  Glucose,
  Diuretic,
  RateControl,
  Glucagon,
  Bronchodilator,
  Corticosteroid,
  Niv,  // non-invasive ventilation
};
inline constexpr std::size_t kInterventionCount = 12;
constexpr std::string_view name(InterventionKind k) {
  constexpr std::string_view names[] = {
      "fluids",   "oxygen",         "naloxone",       "antibiotics",
      "insulin",  "glucose",        "diuretic",       "rate_control",
      "glucagon", "bronchodilator", "corticosteroid", "non_invasive_ventilation"};
  return names[static_cast<std::size_t>(k)];
}
constexpr std::optional<InterventionKind> intervention_from_name(std::string_view s) {
  for (std::size_t i = 0; i < kInterventionCount; ++i) {
    auto k = static_cast<InterventionKind>(i);
    if (name(k) == s) return k;
  }
  return std::nullopt;
}

// The one table of doses (the scenario loader, explain and the preview all read it): the
// unit InterventionSpec::dose is in, the dose a file that gives none gets, and the
// largest the loader accepts. What each dose does is in docs/clinical.md
// ("Interventions"); intervention_dose.cpp cites the sources of the ranges.
struct DoseInfo {
  std::string_view unit;      // "L", "L/min", "mg", "g", "units", "cmH2O"
  double default_dose = 1.0;  // in `unit`
  double typical_lo = 0.0;    // usual adult range, in `unit` (for the guide and explain)
  double typical_hi = 0.0;
  double max = 1.0;       // the loader refuses more, in `unit`
  std::string_view what;  // "naloxone IV/IM", for explanations
};
const DoseInfo& dose_info(InterventionKind k);

// Care in response to the patient: the intervention is given `InterventionSpec::delay_s`
// (the response delay) after the patient's true vitals have met `vital op threshold` on
// every 30 s step of the physiology for `for_s` seconds. Evaluated inside the patient
// model on the true (noise-free, device-independent) vitals, so it is the same in every
// engine and shard; it fires at most once per patient.
struct InterventionTrigger {
  enum class Op : std::uint8_t { Less, LessEqual, Greater, GreaterEqual };
  Vital vital = Vital::RespRate;
  Op op = Op::Less;
  double threshold = 0.0;  // in the vital's canonical unit (vital.hpp)
  double for_s = 0.0;      // persistence; 0: the first step that meets it
  std::string text;        // as the author wrote it, for explanations
  bool holds(double value) const {
    switch (op) {
      case Op::Less:
        return value < threshold;
      case Op::LessEqual:
        return value <= threshold;
      case Op::Greater:
        return value > threshold;
      case Op::GreaterEqual:
        return value >= threshold;
    }
    return false;
  }
  bool operator==(const InterventionTrigger&) const = default;
};

// The response delay of a triggered intervention when the file gives no `after`.
inline constexpr double kDefaultResponseDelayS = 5.0 * 60.0;

// An intervention, timed either from the start of the scenario or after the onset of the
// condition it belongs to (the usual clinical case: "fluids 1 h after sepsis onset"), or
// triggered by the patient's vitals (`when`): then `delay_s` counts from the moment the
// trigger's criterion has held for its persistence, and the trigger watches from the
// anchor on (the scenario start, or the condition's onset).
struct InterventionSpec {
  InterventionKind kind = InterventionKind::Fluids;
  enum class Anchor : std::uint8_t { ScenarioStart, ConditionOnset } anchor = Anchor::ConditionOnset;
  Distribution delay_s = Distribution::constant(3600.0);  // seconds after the anchor
  double probability = 1.0;  // fraction of patients (with the condition) who receive it
  double dose = 1.0;         // in dose_info(kind).unit
  std::optional<InterventionTrigger> when;
  bool operator==(const InterventionSpec&) const = default;
};

// The shape of a condition's time course.
enum class Course : std::uint8_t {
  Progressive,  // worsens until treated or the end of the run (sepsis, HF)
  SelfLimiting, // rises, plateaus, resolves after `duration` (COPD exacerbation, AF paroxysm)
  Sudden,       // abrupt onset over minutes (hemorrhage, opioid depression)
};

// Who gets a condition: each patient with `probability` (the default), exactly `count`
// patients of the cohort, or the patients in `beds`. Count and beds take precedence.
struct ConditionSpec {
  ConditionKind kind = ConditionKind::Sepsis;
  double probability = 1.0;                          // per patient, 0..1
  // Exactly this many patients of the cohort (capped at its size), chosen by a permutation
  // seeded from (scenario seed, cohort, condition index): the same seed, the same patients.
  std::optional<std::uint32_t> count;
  // These patients, as indices within the cohort (0-based; the loader turns bed labels
  // into them). Non-empty: count and probability are not used.
  std::vector<std::uint32_t> patients;
  Distribution onset_s = Distribution::uniform(0.0, 86400.0);  // seconds from scenario start
  Distribution severity = Distribution::uniform(0.3, 0.8);     // 0..1
  Course course = Course::Progressive;
  std::optional<Distribution> duration_s;           // for SelfLimiting; default per condition
  std::vector<InterventionSpec> interventions;
  bool operator==(const ConditionSpec&) const = default;
};

enum class DeviceType : std::uint8_t {
  BedsideMonitor,
  WearableEcgPatch,
  PulseOximeter,
  NibpCuff,
  Cgm,
  SmartScale,
  Thermometer,
  InfusionPump,
};
inline constexpr std::size_t kDeviceTypeCount = 8;
constexpr std::string_view name(DeviceType t) {
  constexpr std::string_view names[] = {"bedside_monitor", "wearable_ecg_patch", "pulse_oximeter",
                                        "nibp_cuff",       "cgm",                "smart_scale",
                                        "thermometer",     "infusion_pump"};
  return names[static_cast<std::size_t>(t)];
}
constexpr std::optional<DeviceType> device_type_from_name(std::string_view s) {
  for (std::size_t i = 0; i < kDeviceTypeCount; ++i) {
    auto t = static_cast<DeviceType>(i);
    if (name(t) == s) return t;
  }
  return std::nullopt;
}

// One measured quantity on a device and its schedule.
struct MeasureSpec {
  Vital vital = Vital::HeartRate;
  Duration interval = std::chrono::seconds(60);
  bool operator==(const MeasureSpec&) const = default;
};

struct WaveformSpec {
  WaveformKind kind = WaveformKind::EcgLeadII;
  double sample_rate_hz = 250.0;
  Duration block = std::chrono::seconds(1);  // samples are sent in blocks of this length
  bool operator==(const WaveformSpec&) const = default;
};

// Charted data: what reaches a patient's chart is not every reading a monitor makes but
// what a nurse charts, with the care setting's gaps (docs/clinical.md, "Charting"):
// - IcuHourly: one value per vital per hour, each present with the probability the
//   PhysioNet 2019 ICU data shows (HR 0.92, SpO2 0.90, temperature 0.36, blood pressure
//   0.91 (the three together), RR 0.83); the device's measures should then be hourly;
// - WardSpotChecks: full observation sets, each vital missing in about 5 % of sets (the
//   measures should be 4–8-hourly; spot checks are jittered ±10 % as any interval >= 1 h).
// Charted values are validated: no motion or probe-off artifacts, and no wireless gaps.
enum class Charting : std::uint8_t { None, IcuHourly, WardSpotChecks };
inline constexpr std::size_t kChartingCount = 3;
constexpr std::string_view name(Charting c) {
  constexpr std::string_view names[] = {"none", "icu_hourly", "ward_spot_checks"};
  return names[static_cast<std::size_t>(c)];
}
// Probability that a charted value of `v` is present at one charting instant.
double charted_presence(Charting c, Vital v);

// A device model: what it measures and how. Noise, artifacts, drift and battery use the
// device type's defaults unless overridden here.
struct DeviceModelSpec {
  std::string name;  // unique within the cohort
  DeviceType type = DeviceType::BedsideMonitor;
  std::vector<MeasureSpec> measures;
  std::optional<WaveformSpec> waveform;
  std::optional<double> clock_drift_ppm;       // default: drawn from 20..100 ppm
  std::optional<Duration> battery_life;        // default per type; nullopt: mains powered
  std::optional<double> missing_fraction;      // default per type (docs/clinical.md completeness)
  bool artifacts = true;
  Charting charting = Charting::None;  // charted data: per-vital gaps, no artifacts
  bool operator==(const DeviceModelSpec&) const = default;
};

// A cohort-wide override of one vital's resting value, in the vital's canonical unit
// (vital.hpp), drawn once per patient; vitals not listed keep the archetype's baseline.
struct BaselineSpec {
  Vital vital = Vital::HeartRate;
  Distribution value = Distribution::constant(0.0);
  bool operator==(const BaselineSpec&) const = default;
};

// A prescribed oxygen-saturation target range, in %.
struct Spo2Target {
  double low_pct = 94.0;
  double high_pct = 98.0;
  bool operator==(const Spo2Target&) const = default;
};

struct CohortSpec {
  std::string name;
  std::uint32_t count = 1;
  // Global index of the cohort's first patient (cohorts are numbered in file order; the
  // loader sets it). Patient k of the scenario is patient k - first_index of its cohort.
  std::uint32_t first_index = 0;
  // Bed labels by patient within the cohort ("7", "B12"); empty: the cohort's patients
  // are not labelled. When set, there is one per patient.
  std::vector<std::string> beds;
  // Local time of day at scenario time 0, in seconds after midnight (the scenario's
  // `metadata.start`; the loader sets it): circadian rhythms and meals follow the clock.
  std::uint32_t start_second_of_day = 0;
  Archetype archetype = Archetype::HealthyAdult;
  Demographics demographics;
  std::vector<ConditionSpec> conditions;
  std::vector<InterventionSpec> interventions;  // anchored to scenario start, for everyone
  std::vector<DeviceModelSpec> devices;
  std::vector<BaselineSpec> baselines;  // empty: the archetype's own resting values
  // The prescribed SpO2 target range (`spo2_target`), if the scenario gives one: 88-92 %
  // for patients at risk of hypercapnic respiratory failure, whose NEWS2 SpO2 is then
  // scored on Scale 2, or the usual 94-98 % (Scale 1). Unset: Scale 2 for the copd
  // archetype's ground truth (as before), Scale 1 for everyone else and for the target.
  std::optional<Spo2Target> spo2_target;
  bool operator==(const CohortSpec&) const = default;
};

// Whether NEWS2 scores this cohort's SpO2 on Scale 2 (its target range is 88-92 %).
bool spo2_scale2(const CohortSpec& cohort);

// The patient's index within `cohort` from its global index (modulo the count when a
// tool resized the cohort after loading, so the answer is always a valid index).
std::uint32_t cohort_local_index(const CohortSpec& cohort, std::uint32_t global_index);

// The bed label of a patient (global index), or "" when the cohort labels none.
std::string_view bed_label(const CohortSpec& cohort, std::uint32_t global_index);

// Whether a `count` or `patients` condition (ConditionSpec) reaches the patient at
// `local` within the cohort; `condition_index` is the condition's place in the cohort's
// list. Deterministic in (seed, cohort.first_index, condition_index): exactly
// min(count, cohort.count) patients are chosen, whatever order they are generated in.
// Not for probability conditions (a per-patient draw).
bool condition_selects(const CohortSpec& cohort, std::size_t condition_index,
                       std::uint32_t local, std::uint64_t seed);

}  // namespace iomtsim::physiology
