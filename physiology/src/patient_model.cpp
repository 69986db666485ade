// The slow grid, the mapping from latent state to vitals, and ground-truth episodes.
#include "patient_model.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "fast_noise.hpp"

namespace iomtsim::physiology::detail {
namespace {

constexpr double kHour = 3600.0;
constexpr double kMin = 60.0;
constexpr double kTwoPi = 2.0 * std::numbers::pi;

// Piecewise-linear response to the blood-volume deficit, after the ATLS classes
// (docs/clinical.md): < 15 % barely noticed, HR 100-120 at 15-30 %, SBP falls past 30 %.
double interp(double x, const double (&xs)[5], const double (&ys)[5]) {
  if (x <= xs[0]) return ys[0];
  for (int i = 1; i < 5; ++i)
    if (x <= xs[i]) return ys[i - 1] + (ys[i] - ys[i - 1]) * (x - xs[i - 1]) / (xs[i] - xs[i - 1]);
  return ys[4] + (ys[4] - ys[3]) * (x - xs[4]) / (xs[4] - xs[3]);
}
constexpr double kDeficit[5] = {0.0, 0.15, 0.30, 0.40, 0.50};
constexpr double kHemoHr[5] = {0.0, 20.0, 42.0, 60.0, 80.0};
constexpr double kHemoSbp[5] = {0.0, -3.0, -14.0, -38.0, -62.0};
constexpr double kHemoRr[5] = {0.0, 3.0, 10.0, 18.0, 24.0};

Acvpu worse(Acvpu a, Acvpu b) { return static_cast<std::uint8_t>(a) >= static_cast<std::uint8_t>(b) ? a : b; }

// Prodromes (docs/clinical.md): heart-failure fluid gain over the 30 days before
// decompensation; COPD's overnight oximetry shift about 7 days before an exacerbation is
// treated, RR and HR up by 3 days before.
double prodrome_length_s(ConditionKind k) {
  switch (k) {
    case ConditionKind::HeartFailureDecompensation:
      return kHfProdromeS;
    case ConditionKind::CopdExacerbation:
      return kCopdProdromeS;
    default:
      return 0.0;
  }
}

double default_drive_s(ConditionKind k, Course course) {
  switch (k) {
    case ConditionKind::OpioidRespiratoryDepression: return 3.0 * kHour;
    case ConditionKind::Hypoglycemia: return course == Course::Sudden ? 1.5 * kHour : 3.0 * kHour;
    case ConditionKind::AtrialFibrillation: return 8.0 * kHour;
    case ConditionKind::CopdExacerbation: return 14.0 * 86400.0;
    case ConditionKind::HeartFailureDecompensation: return 30.0 * 86400.0;
    case ConditionKind::Sepsis: return 24.0 * kHour;
    case ConditionKind::Hemorrhage: return HUGE_VAL;
  }
  return HUGE_VAL;
}

}  // namespace

PatientModel::PatientModel(const CohortSpec& cohort, PatientIndex index, std::uint64_t seed,
                           Duration duration, PatientInfo& info)
    : index_(index),
      duration_s_(to_seconds(duration)),
      clock_offset_s_(static_cast<double>(cohort.start_second_of_day % 86400)),
      rng_(stream_seed(seed, StreamKind::Patient, index)) {
  info.index = index;
  baseline_ = make_baseline(cohort.archetype, cohort.demographics, rng_, info);
  // A prescribed target decides the scale of the ground truth's NEWS2 (no draw: the
  // patient's stream is unchanged).
  if (cohort.spo2_target) baseline_.spo2_scale2 = spo2_scale2(cohort);
  auto watch = [this](const InterventionSpec& is, double from_s, double delay_s) {
    WatchedTrigger w;
    w.kind = is.kind;
    w.vital = is.when->vital;
    w.op = is.when->op;
    w.threshold = is.when->threshold;
    w.for_s = std::max(0.0, is.when->for_s);
    w.delay_s = delay_s;
    w.dose = is.dose;
    w.watch_from_s = from_s;
    triggers_.push_back(w);
  };
  // Scenario overrides of resting values, each from its own stream so adding one never
  // shifts the patient's other draws.
  for (std::size_t i = 0; i < cohort.baselines.size(); ++i) {
    Rng brng(stream_seed(seed, StreamKind::Patient, index, 1 + i));
    apply_baseline_override(baseline_, cohort.baselines[i].vital, cohort.baselines[i].value.sample(brng));
  }
  noise_key_ = rng_.next_u64();
  // Stored as 2*pi*f: the product the HF term evaluated first anyway, so the same bits.
  hf_omega_rad_s_ = kTwoPi * (baseline_.resp_rate_per_min / 60.0 * rng_.uniform(0.95, 1.05));
  hf_phase_ = rng_.uniform(0.0, kTwoPi);
  ecg_amplitude_uv_ = rng_.uniform(800.0, 1500.0);
  x_.glucose_mg_dl = baseline_.glucose_mg_dl;

  // Conditions: one stream per (patient, condition spec), so adding a condition to the
  // cohort never shifts another's draws.
  for (std::size_t i = 0; i < cohort.conditions.size(); ++i) {
    const ConditionSpec& cs = cohort.conditions[i];
    Rng crng(stream_seed(seed, StreamKind::Condition, index, i));
    const bool exact = cs.count.has_value() || !cs.patients.empty();
    if (exact ? !condition_selects(cohort, i, cohort_local_index(cohort, index), seed)
              : !crng.bernoulli(cs.probability))
      continue;
    ConditionInstance c;
    c.kind = cs.kind;
    c.course = cs.course;
    c.onset_s = std::max(0.0, cs.onset_s.sample(crng));
    c.severity = std::clamp(cs.severity.sample(crng), 0.0, 1.0);
    const double dur = cs.duration_s ? std::max(60.0, cs.duration_s->sample(crng)) : default_drive_s(c.kind, c.course);
    c.ramp_s = dur;
    c.prodrome_s = prodrome_length_s(c.kind);
    const bool limited = c.course != Course::Progressive || c.kind == ConditionKind::OpioidRespiratoryDepression ||
                         c.kind == ConditionKind::Hypoglycemia || c.kind == ConditionKind::CopdExacerbation;
    c.drive_end_s = limited || cs.duration_s ? c.onset_s + dur : HUGE_VAL;
    if (c.kind == ConditionKind::HeartFailureDecompensation && c.course == Course::Progressive)
      c.drive_end_s = HUGE_VAL;
    if (c.kind == ConditionKind::Hemorrhage && !cs.duration_s) c.drive_end_s = HUGE_VAL;
    for (const InterventionSpec& is : cs.interventions) {
      if (!crng.bernoulli(is.probability)) {
        (void)is.delay_s.sample(crng);  // keep the stream aligned whether given or not
        continue;
      }
      const double anchor = is.anchor == InterventionSpec::Anchor::ConditionOnset ? c.onset_s : 0.0;
      const double delay = std::max(0.0, is.delay_s.sample(crng));
      if (is.when)
        watch(is, anchor, delay);
      else
        interventions_.push_back({is.kind, anchor + delay, is.dose});
    }
    if (c.kind == ConditionKind::Sepsis) {
      // Labelled sepsis in real ICU data moves the vitals much less than the textbook
      // (docs/clinical.md, "Sepsis"): courses run at different speeds (a slow one takes
      // a day to develop) and patients answer the same inflammation differently. Drawn
      // last, so the draws above stay as they were.
      c.pace = std::exp(crng.normal(0.0, 0.35));  // about 0.5 .. 2 times the textbook time scale
      const bool first =
          std::none_of(conditions_.begin(), conditions_.end(),
                       [](const ConditionInstance& o) { return o.kind == ConditionKind::Sepsis; });
      SepsisResponse r;
      r.fever = std::clamp(crng.normal(0.8, 0.6), -0.6, 1.6);
      r.heart_rate = std::exp(crng.normal(0.0, 0.3));
      r.resp_rate = std::exp(crng.normal(0.0, 0.3));
      r.pressure = std::exp(crng.normal(0.0, 0.35));
      if (first) sepsis_response_ = r;
    }
    conditions_.push_back(c);
  }
  for (std::size_t j = 0; j < cohort.interventions.size(); ++j) {
    const InterventionSpec& is = cohort.interventions[j];
    Rng irng(stream_seed(seed, StreamKind::Condition, index, 0x10000 + j));
    if (!irng.bernoulli(is.probability)) continue;
    const double delay = std::max(0.0, is.delay_s.sample(irng));
    if (is.when)
      watch(is, 0.0, delay);
    else
      interventions_.push_back({is.kind, delay, is.dose});
  }
  std::stable_sort(interventions_.begin(), interventions_.end(),
                   [](const auto& a, const auto& b) { return a.at_s < b.at_s; });
  // A heart-failure prodrome that began before the scenario: the fluid it has gained so far.
  for (const auto& c : conditions_)
    if (c.kind == ConditionKind::HeartFailureDecompensation)
      x_.congestion_kg = std::max(x_.congestion_kg, hf_fluid_before_start(c));

  for (std::size_t i = 0; i < dips_.size(); ++i) {
    const double r = dip_max_rate_per_s(i);
    dips_[i].next_candidate_s = r > 0.0 ? rng_.exponential(1.0 / r) : HUGE_VAL;
  }
  ensure_grid(1);
}

double PatientModel::value_noise_glucose(double t_s) {
  return slow_noise_.eval(kSlowGlucose, noise_key_ + 7, t_s, 45.0 * kMin);
}

VitalSigns PatientModel::slow_vitals(double t) {
  const Baseline& b = baseline_;
  const double hour = hour_of_day(t + clock_offset_s_);
  // Circadian: peak about 15:30, trough about 03:30 (temperature lowest at 2-4 am).
  const double circ = fast_sin(kTwoPi * (hour - 15.5) / 24.0 + 0.5 * std::numbers::pi);  // cos
  const bool night = hour >= 23.0 || hour < 7.0;
  const std::uint64_t k = noise_key_;

  const double inf = x_.inflammation;
  const SepsisResponse& sr = sepsis_response_;
  const double fever = 2.3 * inf * sr.fever;
  const double deficit = std::max(0.0, x_.blood_loss + x_.leak - x_.restored);
  const double dep = std::clamp(x_.opioid * (1.0 - x_.naloxone), 0.0, 1.0);
  const double cong = x_.congestion_kg / 3.0;
  // Bronchodilator and corticosteroid relieve an exacerbation's airflow limitation (up to
  // 70 % together); NIV supports ventilation while applied (docs/clinical.md).
  const double relief = std::min(0.7, 0.4 * x_.bronchodilator + 0.3 * x_.steroid);
  const double copd = copd_activity(t) * (1.0 - relief);
  const double niv = x_.niv;
  const double hypo_hr = x_.glucose_mg_dl < 60.0 ? std::min(15.0, 0.5 * (60.0 - x_.glucose_mg_dl)) : 0.0;
  const double fluid_relief = 0.25 * std::min(2.0, x_.fluids_given_l);

  // Slow wander: one lattice of 20 min and one of 3 min shared by HR, RR, SpO2, SBP.
  double w20[4], w3[4];
  slow_wander_.eval(0, k + 2, t, 20 * kMin, w20);
  slow_wander_.eval(1, k + 3, t, 3 * kMin, w3);

  VitalSigns v;
  v.temperature_c = b.temperature_c + 0.32 * circ + 0.12 * slow_noise_.eval(kSlowTemperature, k + 1, t, 60 * kMin) + fever;
  v.heart_rate_bpm = b.heart_rate_bpm + 4.0 * circ + 4.0 * w20[0] + 2.0 * w3[0] +
                     sr.heart_rate * (10.0 * inf + 8.0 * std::max(0.0, fever)) +
                     interp(deficit, kDeficit, kHemoHr) + 10.0 * cong + 30.0 * copd - 6.0 * dep +
                     hypo_hr + dips_[2].value(t) +
                     8.0 * x_.bronchodilator;  // salbutamol: tachycardia
  if (x_.af_level > 0.0) {
    const double excess = std::max(0.0, x_.af_rate_bpm - v.heart_rate_bpm) * (1.0 - 0.7 * x_.rate_control);
    v.heart_rate_bpm += excess * x_.af_level;
  }
  v.resp_rate_per_min = b.resp_rate_per_min * (1.0 - dep) +
                        (0.8 * circ + 1.2 * w20[1] + 0.8 * w3[1] + 20.0 * sr.resp_rate * inf +
                         interp(deficit, kDeficit, kHemoRr) + 6.0 * cong +
                         8.0 * copd * (1.0 - 0.5 * niv) + dips_[1].value(t)) *
                            (1.0 - dep);
  v.resp_rate_per_min = std::clamp(v.resp_rate_per_min, 2.0, 60.0);

  // SpO2 on air, then the oxygen effect. Hypoventilation desaturates once minute
  // ventilation falls below ~75 % of the patient's normal.
  const double vent = v.resp_rate_per_min / b.resp_rate_per_min;
  double spo2_air = b.spo2_pct + 0.3 * circ + 0.7 * w20[2] - 3.0 * inf - 4.0 * cong -
                    7.0 * copd * (1.0 - 0.5 * niv) -
                    (night ? 3.0 * copd * (1.0 - 0.5 * niv) : 0.0) -
                    35.0 * std::max(0.0, 0.75 - vent) * (1.0 - 0.7 * niv) -
                    (deficit > 0.35 ? 8.0 * (deficit - 0.35) / 0.15 : 0.0) - dips_[0].value(t);
  spo2_air = std::min(spo2_air, 100.0);
  // NEWS2 scores ventilatory support (NIV) as oxygen.
  v.on_oxygen = x_.oxygen_lpm > 0.0 || t < x_.niv_until_s;
  v.spo2_pct = std::clamp(100.0 - (100.0 - spo2_air) / (1.0 + 0.35 * x_.oxygen_lpm), 50.0, 100.0);

  const double vaso = 40.0 * sr.pressure * inf * (1.0 - fluid_relief);
  const double d_sbp = 7.0 * circ + 6.0 * w20[3] + 3.0 * w3[2] +
                       interp(deficit, kDeficit, kHemoSbp) - vaso - 5.0 * cong - (x_.af ? 8.0 : 0.0) -
                       dips_[3].value(t);
  v.systolic_mmhg = std::max(30.0, b.systolic_mmhg + d_sbp);
  // Early blood loss narrows the pulse pressure (diastolic rises) before systolic falls.
  v.diastolic_mmhg = std::max(15.0, b.diastolic_mmhg + 0.55 * d_sbp + 8.0 * std::min(1.0, deficit / 0.25));
  v.diastolic_mmhg = std::min(v.diastolic_mmhg, v.systolic_mmhg - 10.0);
  v.mean_mmhg = v.diastolic_mmhg + (v.systolic_mmhg - v.diastolic_mmhg) / 3.0;

  v.glucose_mg_dl = x_.glucose_mg_dl;
  v.weight_kg = b.weight_kg + x_.congestion_kg + 0.3 * slow_noise_.eval(kSlowWeight, k + 10, t, 86400.0) +
                0.7 * std::max(0.0, x_.fluids_given_l - 0.3 * x_.restored);

  Acvpu c = Acvpu::Alert;
  if (inf > 0.65) c = worse(c, Acvpu::Confusion);
  if (deficit > 0.35) c = worse(c, Acvpu::Confusion);
  if (deficit > 0.45) c = worse(c, Acvpu::Voice);
  if (dep > 0.3) c = worse(c, Acvpu::Confusion);
  if (dep > 0.55) c = worse(c, Acvpu::Voice);
  if (dep > 0.8) c = worse(c, Acvpu::Pain);
  if (x_.glucose_mg_dl < 50.0) c = worse(c, Acvpu::Confusion);
  if (x_.glucose_mg_dl < 40.0) c = worse(c, Acvpu::Voice);
  if (x_.glucose_mg_dl < 30.0) c = worse(c, Acvpu::Pain);
  if (v.mean_mmhg < 55.0) c = worse(c, Acvpu::Voice);
  v.consciousness = c;
  return v;
}

void PatientModel::step() {
  const std::int64_t k = newest_ + 1;
  const double t = static_cast<double>(k) * kStepS;
  if (k > 0) {
    const double t0 = t - kStepS;
    while (next_intervention_ < interventions_.size() && interventions_[next_intervention_].at_s <= t0) {
      apply_intervention(interventions_[next_intervention_], t0);
      ++next_intervention_;
    }
    integrate_conditions(t0, kStepS);
  }
  advance_dips(t);
  const VitalSigns v = slow_vitals(t);
  const auto slot = static_cast<std::size_t>(k) % kRing;  // k >= 0: unsigned modulo, a mask
  ring_[slot] = v;
  ring_af_[slot] = x_.af;
  newest_ = k;
  if (t <= duration_s_) update_episodes(t, v);
  if (!triggers_.empty() && t < duration_s_) check_triggers(t, v);
}

void PatientModel::check_triggers(double t, const VitalSigns& v) {
  for (std::size_t i = 0; i < triggers_.size();) {
    WatchedTrigger& w = triggers_[i];
    if (t < w.watch_from_s) {
      ++i;
      continue;
    }
    // The true value at t: at a grid point the interpolation is the grid value itself.
    const double value = component(w.vital, v, v, 0.0, t);
    InterventionTrigger crit;
    crit.op = w.op;
    crit.threshold = w.threshold;
    if (!crit.holds(value)) {
      w.met_since_s = -1.0;
      ++i;
      continue;
    }
    if (w.met_since_s < 0.0) w.met_since_s = t;
    if (t - w.met_since_s + 1e-9 < w.for_s) {
      ++i;
      continue;
    }
    // Given `delay_s` after the persistence was confirmed, applied by step() at the first
    // grid point at or after that instant, like any timed intervention.
    InterventionEvent e{w.kind, t + w.delay_s, w.dose, true, w.met_since_s};
    auto pos =
        std::upper_bound(interventions_.begin() + static_cast<std::ptrdiff_t>(next_intervention_),
                         interventions_.end(), e.at_s,
                         [](double at, const InterventionEvent& x) { return at < x.at_s; });
    interventions_.insert(pos, e);
    triggers_.erase(triggers_.begin() + static_cast<std::ptrdiff_t>(i));
  }
}

// Out of line: one step per 30 s of queries, so the per-value callers stay small.
[[gnu::noinline]] void PatientModel::advance_grid(std::int64_t k) {
  while (newest_ < k) step();
}

bool PatientModel::in_af(SimTime t) {
  const double ts = std::max(0.0, to_seconds(t));
  const auto k = static_cast<std::int64_t>(ts / kStepS);
  ensure_grid(k + 1);
  const std::int64_t kk = std::max(k, newest_ - static_cast<std::int64_t>(kRing) + 1);
  return ring_af_[static_cast<std::size_t>(kk) % kRing];
}

// locate() and component() are inlined into value_at() and vitals_at(): one call per value
// instead of three, and vitals_at() gets a switch-free copy per vital.
[[gnu::always_inline]] inline
void PatientModel::locate(SimTime t, std::size_t& ia, std::size_t& ib, double& u, double& ts) {
  ts = std::max(0.0, to_seconds(t));
  auto k = static_cast<std::int64_t>(ts / kStepS);
  ensure_grid(k + 1);
  u = ts / kStepS - static_cast<double>(k);
  const std::int64_t oldest = newest_ - static_cast<std::int64_t>(kRing) + 1;
  if (k < oldest) {  // further back than the ring holds: the oldest value we have
    k = oldest;
    u = 0.0;
  }
  // k >= 0 (ts >= 0, and the oldest index only replaces a smaller k): unsigned modulo.
  ia = static_cast<std::size_t>(k) % kRing;
  ib = static_cast<std::size_t>(k + 1) % kRing;
}

// One vital: the slow grid interpolated plus its fast variability. vitals_at() and
// value_at() both go through here, so a reading's true_value always equals
// true_vitals(t).value(vital), bit for bit.
[[gnu::always_inline]] inline
double PatientModel::component(Vital vital, const VitalSigns& a, const VitalSigns& b, double u, double ts) {
  auto lerp = [u](double p, double q) { return p + (q - p) * u; };
  const std::uint64_t key = noise_key_;
  switch (vital) {
    case Vital::HeartRate:
    case Vital::PulseRate:
      // HF: respiratory sinus arrhythmia at the breathing frequency; LF: value noise on
      // a 4 s lattice (power below ~0.12 Hz); together LF/HF ~1.5-2.
      return std::max(20.0, lerp(a.heart_rate_bpm, b.heart_rate_bpm) +
                                baseline_.hrv_scale * (1.6 * table_sin(hf_omega_rad_s_ * ts + hf_phase_) +
                                                       4.2 * noise_.eval(kNoiseHrLf, key + 11, ts, 4.0)));
    case Vital::RespRate:
      return std::max(2.0, lerp(a.resp_rate_per_min, b.resp_rate_per_min) +
                               0.8 * noise_.eval(kNoiseRr, key + 12, ts, 15.0));
    case Vital::SpO2:
      return std::clamp(lerp(a.spo2_pct, b.spo2_pct) + 0.4 * noise_.eval(kNoiseSpo2, key + 13, ts, 20.0), 50.0, 100.0);
    case Vital::SystolicBP:
      return lerp(a.systolic_mmhg, b.systolic_mmhg) + 2.5 * noise_.eval(kNoiseBp, key + 14, ts, 8.0);
    case Vital::DiastolicBP:
      return lerp(a.diastolic_mmhg, b.diastolic_mmhg) + 1.5 * noise_.eval(kNoiseBp, key + 14, ts, 8.0);
    case Vital::MeanBP: {
      const double bp = noise_.eval(kNoiseBp, key + 14, ts, 8.0);
      const double sys = lerp(a.systolic_mmhg, b.systolic_mmhg) + 2.5 * bp;
      const double dia = lerp(a.diastolic_mmhg, b.diastolic_mmhg) + 1.5 * bp;
      return dia + (sys - dia) / 3.0;
    }
    case Vital::Temperature: return lerp(a.temperature_c, b.temperature_c);
    case Vital::Glucose: return lerp(a.glucose_mg_dl, b.glucose_mg_dl);
    case Vital::Weight: return lerp(a.weight_kg, b.weight_kg);
    case Vital::Consciousness: return static_cast<double>(a.consciousness);
  }
  return 0.0;
}

const VitalSigns& PatientModel::vitals_at(SimTime t) {
  if (t == cached_t_) return cached_;
  std::size_t ia, ib;
  double u, ts;
  locate(t, ia, ib, u, ts);
  const VitalSigns& a = ring_[ia];
  const VitalSigns& b = ring_[ib];
  VitalSigns v = a;  // consciousness and oxygen from the grid point at or before t
  v.heart_rate_bpm = component(Vital::HeartRate, a, b, u, ts);
  v.resp_rate_per_min = component(Vital::RespRate, a, b, u, ts);
  v.spo2_pct = component(Vital::SpO2, a, b, u, ts);
  v.systolic_mmhg = component(Vital::SystolicBP, a, b, u, ts);
  v.diastolic_mmhg = component(Vital::DiastolicBP, a, b, u, ts);
  v.mean_mmhg = component(Vital::MeanBP, a, b, u, ts);
  v.temperature_c = component(Vital::Temperature, a, b, u, ts);
  v.glucose_mg_dl = component(Vital::Glucose, a, b, u, ts);
  v.weight_kg = component(Vital::Weight, a, b, u, ts);
  cached_t_ = t;
  cached_ = v;
  return cached_;
}

double PatientModel::value_at(Vital vital, SimTime t, const VitalSigns** grid) {
  if (t == cached_t_) {
    if (grid) *grid = &cached_;
    return cached_.value(vital);
  }
  std::size_t ia, ib;
  double u, ts;
  locate(t, ia, ib, u, ts);
  if (grid) *grid = &ring_[ia];
  return component(vital, ring_[ia], ring_[ib], u, ts);
}

void PatientModel::finish() {
  if (finished_) return;
  ensure_grid(static_cast<std::int64_t>(std::ceil(duration_s_ / kStepS)));
  finished_ = true;
}

std::size_t PatientModel::memory_bytes() const {
  return sizeof(*this) + conditions_.capacity() * sizeof(ConditionInstance) +
         interventions_.capacity() * sizeof(InterventionEvent) +
         triggers_.capacity() * sizeof(WatchedTrigger) + episodes_.capacity() * sizeof(Episode);
}

}  // namespace iomtsim::physiology::detail
