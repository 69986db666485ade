// How conditions and interventions move the latent state (PatientModel::step's
// physics). Time constants come from docs/clinical.md's signatures: sepsis over hours,
// hemorrhage over minutes, heart-failure fluid over weeks, naloxone within minutes.
#include <algorithm>
#include <cmath>

#include "fast_noise.hpp"
#include "patient_model.hpp"

namespace iomtsim::physiology::detail {
namespace {

constexpr double kHour = 3600.0;
constexpr double kMin = 60.0;

bool driving(const ConditionInstance& c, double t_s) { return t_s >= c.onset_s && t_s < c.drive_end_s; }

double smoothstep(double r) { return r * r * (3.0 - 2.0 * r); }

double hf_fluid_cap_kg(const ConditionInstance& c) {
  return (kHfProdromeGainKg + 2.5) * c.severity;
}

// Decay factors for the fixed grid step, computed once: exp() per step per patient was
// a visible share of a 10,000-patient run.
struct StepDecay {
  double naloxone, congestion, glucose_abs, insulin_act, insulin_clear;
  explicit StepDecay(double dt)
      : naloxone(std::exp(-dt * std::log(2.0) / kHour)),
        congestion(std::exp(-dt / (3.0 * 86400.0))),
        glucose_abs(1.0 - std::exp(-dt / (15.0 * kMin))),
        insulin_act(1.0 - std::exp(-dt / (30.0 * kMin))),
        insulin_clear(std::exp(-dt / (2.0 * kHour))) {}
};
const StepDecay& step_decay() {
  static const StepDecay d(PatientModel::kStepS);
  return d;
}

}  // namespace

double hf_fluid_before_start(const ConditionInstance& c) {
  const double start = c.onset_s - c.prodrome_s;
  if (start >= 0.0) return 0.0;
  const double tau = std::min(-start, c.prodrome_s);
  double f = kHfProdromeGainKg * c.severity * (tau / c.prodrome_s) * (tau / c.prodrome_s);
  if (c.onset_s < 0.0)
    f += kHfDecompensationKgPerDay * c.severity * std::min(-c.onset_s, c.drive_end_s - c.onset_s) /
         86400.0;
  return std::min(f, hf_fluid_cap_kg(c));
}

void PatientModel::apply_intervention(const InterventionEvent& e, double t_s) {
  switch (e.kind) {
    case InterventionKind::Fluids: x_.fluid_pending_l += std::max(0.0, e.dose); break;
    case InterventionKind::Oxygen: x_.oxygen_lpm = std::max(0.0, e.dose); break;
    case InterventionKind::Naloxone:
      // 0.4 mg reverses fully; clinicians also stop the opioid, so the drive ends.
      x_.naloxone = std::min(1.0, x_.naloxone + std::max(0.0, e.dose) / 0.4);
      for (auto& c : conditions_)
        if (c.kind == ConditionKind::OpioidRespiratoryDepression) c.drive_end_s = std::min(c.drive_end_s, t_s);
      break;
    case InterventionKind::Antibiotics:
      if (x_.antibiotics_at_s < 0) x_.antibiotics_at_s = t_s;
      break;
    case InterventionKind::Insulin: x_.insulin_pending_u += std::max(0.0, e.dose); break;
    case InterventionKind::Glucose:
      x_.glucose_pending_g += std::max(0.0, e.dose);
      for (auto& c : conditions_)
        if (c.kind == ConditionKind::Hypoglycemia) c.drive_end_s = std::min(c.drive_end_s, t_s);
      break;
    case InterventionKind::Diuretic:
      // dose in mg of IV furosemide (the dose table's unit): 40 mg gives about 1 kg net
      // loss over 6 h.
      x_.diuretic_pending_kg += std::max(0.0, e.dose) / 40.0;
      x_.diuretic_given = true;
      break;
    case InterventionKind::RateControl: x_.rate_control_given = true; break;
    case InterventionKind::Glucagon:
      // Hepatic glycogen to glucose: about 3 mmol/L (54 mg/dL) for a 1 mg dose, arriving
      // over 10-15 min; a larger dose adds little (the glycogen is the limit). It holds for
      // about an hour; the cause is not treated, so a hypoglycaemia whose drive goes on
      // comes back after it (why guidance says to give carbohydrate once the patient can
      // swallow: write a glucose intervention for that).
      x_.glucagon_pending_mg_dl += 54.0 * std::min(1.0, std::max(0.0, e.dose));
      x_.glucagon_until_s = t_s + kHour;
      break;
    case InterventionKind::Bronchodilator:
      // Nebulised salbutamol: 2.5 mg relieves about 60 % of what 5 mg does; lasts ~4.5 h.
      x_.bronchodilator_strength =
          std::max(x_.bronchodilator_strength, std::clamp(0.2 + 0.16 * e.dose, 0.0, 1.0));
      x_.bronchodilator_until_s = t_s + 4.5 * kHour;
      break;
    case InterventionKind::Corticosteroid:
      // Prednisolone 30-40 mg a day: one dose acts for about a day.
      x_.steroid_strength = std::max(x_.steroid_strength, std::clamp(e.dose / 40.0, 0.0, 1.0));
      x_.steroid_until_s = t_s + 24.0 * kHour;
      break;
    case InterventionKind::Niv:
      // Inspiratory pressure 20 cmH2O: full support; 10 cmH2O about a third. Applied for the
      // first 24 h, as much of it as the patient tolerates (BTS/ICS 2016), then weaned.
      x_.niv_strength = std::clamp((e.dose - 5.0) / 15.0, 0.3, 1.0);
      x_.niv_until_s = t_s + 24.0 * kHour;
      break;
  }
}

double PatientModel::copd_activity(double t_s) const {
  double a = 0.0;
  for (const auto& c : conditions_) {
    if (c.kind != ConditionKind::CopdExacerbation || t_s < c.onset_s - c.prodrome_s) continue;
    // The prodrome (docs/clinical.md): activity creeps up linearly over the week before the
    // onset to 0.7 of the peak, so that 3 days before, RR is up about 2 /min and HR about
    // 8 /min at a typical severity, and night-time saturation has been drifting for a
    // week. After the onset the exacerbation peaks over 2 days, plateaus until 40 % of its
    // course and recovers by the course's end.
    double s;
    const double since = t_s - c.onset_s;
    if (since < 0.0) {
      s = 0.7 * (1.0 + since / c.prodrome_s);
    } else if (since < 2.0 * 86400.0) {
      s = 0.7 + 0.3 * smoothstep(since / (2.0 * 86400.0));
    } else {
      const double u = since / c.ramp_s;
      s = u < 0.4 ? 1.0 : (u < 1.0 ? smoothstep((1.0 - u) / 0.6) : 0.0);
    }
    a = std::max(a, c.severity * s);
  }
  return a;
}

void PatientModel::integrate_conditions(double t_s, double dt) {
  double sepsis_cap = 0.0, sepsis_rate = 0.0;
  bool sepsis_drive = false;
  double bleed_target = 0.0, bleed_rate = 0.0;
  double opioid_target = 0.0, opioid_tau = 45.0 * kMin;
  double hf_inflow = 0.0;
  bool hf_present = false;
  double hypo_target = HUGE_VAL, hypo_tau = 25.0 * kMin;
  double af_target = 0.0;
  bool af = false;

  for (auto& c : conditions_) {
    if (t_s < c.onset_s - c.prodrome_s) continue;
    const bool drive = driving(c, t_s);
    const double sev = c.severity;
    switch (c.kind) {
      case ConditionKind::Sepsis:
        if (!c.seeded) x_.burden = std::max(x_.burden, 0.05 * sev);
        c.seeded = true;
        sepsis_cap = std::max(sepsis_cap, sev);
        sepsis_drive = sepsis_drive || drive;
        sepsis_rate = std::max(
            sepsis_rate,
            (c.course == Course::Sudden ? 1.0 / (0.4 * kHour) : 1.0 / (1.2 * kHour)) / c.pace);
        break;
      case ConditionKind::Hemorrhage:
        if (drive) {
          bleed_target = std::max(bleed_target, 0.5 * sev);
          const double bleed_time = c.course == Course::Sudden ? 20.0 * kMin : 2.0 * kHour;
          bleed_rate = std::max(bleed_rate, 0.5 * sev / bleed_time);
        }
        break;
      case ConditionKind::OpioidRespiratoryDepression:
        if (drive) {
          opioid_target = std::max(opioid_target, 0.85 * sev);
          opioid_tau = c.course == Course::Sudden ? 6.0 * kMin : 25.0 * kMin;
        }
        break;
      case ConditionKind::HeartFailureDecompensation: {
        hf_present = true;
        // The prodrome: fluid accumulates as (tau/P)^2, so most of the ~2.3 kg arrives in
        // the last week or two before the decompensation (docs/clinical.md: >= 2 kg in 3
        // days is uncommon). From the onset on, faster, until diuretics or the course end.
        double rate = 0.0;
        if (t_s < c.onset_s)
          rate = 2.0 * kHfProdromeGainKg * sev * (t_s - (c.onset_s - c.prodrome_s)) /
                 (c.prodrome_s * c.prodrome_s);
        else if (drive)
          rate = kHfDecompensationKgPerDay * sev / 86400.0;
        if (x_.congestion_kg < hf_fluid_cap_kg(c)) hf_inflow += rate;
        break;
      }
      case ConditionKind::CopdExacerbation: break;  // closed form, copd_activity()
      case ConditionKind::Hypoglycemia:
        if (drive) {
          hypo_target = std::min(hypo_target, 68.0 - 40.0 * sev);
          hypo_tau = c.course == Course::Sudden ? 12.0 * kMin : 30.0 * kMin;
        }
        break;
      case ConditionKind::AtrialFibrillation:
        if (drive) {
          af = true;
          af_target = std::max(af_target, 95.0 + 60.0 * sev);  // untreated AF: often > 110
        }
        break;
    }
  }

  // Sepsis: logistic growth of the burden toward its cap; antibiotics kill it after an
  // hour; inflammation follows with a 45 min lag and causes capillary leak.
  if (sepsis_cap > 0.0) {
    const double b = x_.burden;
    double db = sepsis_drive ? sepsis_rate * b * (1.0 - b / sepsis_cap) : -b / (3.0 * kHour);
    if (x_.antibiotics_at_s >= 0 && t_s >= x_.antibiotics_at_s + kHour) db -= b / (0.5 * kHour);
    x_.burden = std::max(0.0, b + db * dt);
  }
  x_.inflammation += (x_.burden - x_.inflammation) * dt / (45.0 * kMin);
  x_.leak += (0.25 * x_.inflammation - x_.leak) * dt / (3.0 * kHour);

  // Hemorrhage and volume: bleeding until the target loss, fluids restore ~8 % of blood
  // volume per litre of crystalloid (most of it leaves the vessels), slow refill.
  if (bleed_rate > 0.0 && x_.blood_loss < bleed_target)
    x_.blood_loss = std::min(bleed_target, x_.blood_loss + bleed_rate * dt);
  const double infuse = std::min(x_.fluid_pending_l, 2.0 / kHour * dt);  // 1 L per 30 min
  x_.fluid_pending_l -= infuse;
  x_.fluids_given_l += infuse;
  x_.restored += 0.08 * infuse;
  const double deficit = x_.blood_loss + x_.leak - x_.restored;
  if (deficit > 0.0) x_.restored += 0.03 / kHour * deficit * dt;

  // Opioid depression rises over minutes, wears off over ~45 min; naloxone decays with a
  // 60 min half-life (renarcotisation is possible while the opioid drive persists).
  const double otau = opioid_target > x_.opioid ? opioid_tau : 45.0 * kMin;
  x_.opioid += (opioid_target - x_.opioid) * dt / otau;
  const StepDecay& k = step_decay();  // dt is always the grid step
  x_.naloxone *= k.naloxone;

  // Heart failure: fluid in, diuretics out (a dose removes about 1 kg over 6 h).
  const double removed = std::min(x_.diuretic_pending_kg, x_.diuretic_pending_kg * dt / (6.0 * kHour) + 1e-4 * dt / kHour);
  x_.diuretic_pending_kg -= removed;
  x_.congestion_kg = std::max(0.0, x_.congestion_kg + hf_inflow * dt - removed);
  if (!hf_present) x_.congestion_kg *= k.congestion;

  // Glucose: relaxes toward a target set by baseline, meals, insulin and hypoglycemic
  // drives; absorbed glucose adds ~4 mg/dL per gram.
  const double absorbed = x_.glucose_pending_g * k.glucose_abs;
  x_.glucose_pending_g -= absorbed;
  const double activated = x_.insulin_pending_u * k.insulin_act;
  x_.insulin_pending_u -= activated;
  x_.insulin_active_u = x_.insulin_active_u * k.insulin_clear + activated;
  const double hour = hour_of_day(t_s + clock_offset_s_);
  double meal = 0.0;
  for (double meal_h : {8.0, 13.0, 19.0}) {
    const double since = hour - meal_h;
    if (since > 0.0 && since < 3.0) meal += since < 0.75 ? since / 0.75 : (3.0 - since) / 2.25;
  }
  const double wander = 0.5 * value_noise_glucose(t_s);
  double target = baseline_.glucose_mg_dl * (1.0 + baseline_.glucose_swing * (meal + wander)) -
                  40.0 * x_.insulin_active_u;
  // Corticosteroids raise glucose (steroid-induced hyperglycaemia), up to ~20 % here.
  target *= 1.0 + 0.2 * x_.steroid;
  target = std::max(35.0, std::min(target, hypo_target));
  const double gtau = hypo_target < HUGE_VAL ? hypo_tau : 25.0 * kMin;
  // Glucagon's rise arrives with a 5 min time constant (86 % by 10 min, 95 % by 15).
  const double glucagon = x_.glucagon_pending_mg_dl * std::min(1.0, dt / (5.0 * kMin));
  x_.glucagon_pending_mg_dl -= glucagon;
  // While glucagon acts, hepatic output holds the level against the pull of the drives.
  const double relax = t_s < x_.glucagon_until_s ? 0.0 : (target - x_.glucose_mg_dl) * dt / gtau;
  x_.glucose_mg_dl += relax + 4.0 * absorbed + glucagon;
  x_.glucose_mg_dl = std::clamp(x_.glucose_mg_dl, 20.0, 600.0);

  // Treatments with a time course of their own (docs/clinical.md, "Interventions"):
  // salbutamol acts within minutes (5 min time constant) and wears off over ~30 min once
  // its 4-6 h are past; a corticosteroid builds up over hours (6 h) and fades over 12 h;
  // NIV takes effect over ~15 min while applied and stops within minutes when removed.
  auto follow = [dt](double& level, double goal, double tau_s) {
    level += (goal - level) * std::min(1.0, dt / tau_s);
  };
  const bool bd_on = t_s < x_.bronchodilator_until_s;
  follow(x_.bronchodilator, bd_on ? x_.bronchodilator_strength : 0.0,
         bd_on ? 5.0 * kMin : 30.0 * kMin);
  if (!bd_on) x_.bronchodilator_strength = 0.0;
  const bool st_on = t_s < x_.steroid_until_s;
  follow(x_.steroid, st_on ? x_.steroid_strength : 0.0, st_on ? 6.0 * kHour : 12.0 * kHour);
  if (!st_on) x_.steroid_strength = 0.0;
  follow(x_.niv, t_s < x_.niv_until_s ? x_.niv_strength : 0.0,
         t_s < x_.niv_until_s ? 15.0 * kMin : 5.0 * kMin);

  // Atrial fibrillation: the ventricular rate jumps within minutes; rate control
  // takes away ~70 % of the excess over ~20 min (applied in slow_vitals).
  if (x_.rate_control_given) x_.rate_control += (1.0 - x_.rate_control) * dt / (20.0 * kMin);
  x_.af = af;
  if (af) x_.af_rate_bpm = af_target;
  x_.af_level += ((af ? 1.0 : 0.0) - x_.af_level) * std::min(1.0, dt / (2.0 * kMin));
}

}  // namespace iomtsim::physiology::detail
