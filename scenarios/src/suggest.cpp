#include "suggest.hpp"

#include <algorithm>
#include <vector>

namespace iomtsim::scenarios::detail {
namespace {

// Optimal string alignment distance: insertions, deletions, substitutions and adjacent
// transpositions ("devcies" is one edit from "devices") each cost one.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  if (a.size() > 64 || b.size() > 64) return 1000;
  const std::size_t w = b.size() + 1;
  std::vector<std::size_t> d((a.size() + 1) * w);
  for (std::size_t i = 0; i <= a.size(); ++i) d[i * w] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = d[(i - 1) * w + j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      std::size_t best = std::min({d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1, sub});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        best = std::min(best, d[(i - 2) * w + j - 2] + 1);
      d[i * w + j] = best;
    }
  }
  return d[a.size() * w + b.size()];
}

struct Synonym {
  std::string_view set;
  std::string_view word;
  std::string_view means;
};

// What people write for our names. Lower case, '-' and ' ' already turned into '_'.
constexpr Synonym kSynonyms[] = {
    {"network_profile", "4g", "lte"},
    {"network_profile", "5g", "lte"},
    {"network_profile", "3g", "lte"},
    {"network_profile", "cellular", "lte"},
    {"network_profile", "mobile", "lte"},
    {"network_profile", "wifi", "hospital_wifi"},
    {"network_profile", "wi_fi", "hospital_wifi"},
    {"network_profile", "wlan", "hospital_wifi"},
    {"network_profile", "broadband", "home_broadband"},
    {"network_profile", "home_wifi", "home_broadband"},
    {"network_profile", "home", "home_broadband"},
    {"network_profile", "ble", "ble_gateway"},
    {"network_profile", "bluetooth", "ble_gateway"},
    {"network_profile", "lora", "lpwan"},
    {"network_profile", "lorawan", "lpwan"},
    {"network_profile", "nb_iot", "lpwan"},
    {"network_profile", "nbiot", "lpwan"},
    {"vital", "blood_pressure", "systolic_bp"},
    {"vital", "bp", "systolic_bp"},
    {"vital", "sbp", "systolic_bp"},
    {"vital", "systolic", "systolic_bp"},
    {"vital", "dbp", "diastolic_bp"},
    {"vital", "diastolic", "diastolic_bp"},
    {"vital", "map", "mean_bp"},
    {"vital", "mean_arterial_pressure", "mean_bp"},
    {"vital", "hr", "heart_rate"},
    {"vital", "pulse", "pulse_rate"},
    {"vital", "rr", "resp_rate"},
    {"vital", "respiratory_rate", "resp_rate"},
    {"vital", "respiration_rate", "resp_rate"},
    {"vital", "breathing_rate", "resp_rate"},
    {"vital", "sats", "spo2"},
    {"vital", "sao2", "spo2"},
    {"vital", "oxygen_saturation", "spo2"},
    {"vital", "saturation", "spo2"},
    {"vital", "temp", "temperature"},
    {"vital", "bg", "glucose"},
    {"vital", "bgl", "glucose"},
    {"vital", "blood_glucose", "glucose"},
    {"vital", "blood_sugar", "glucose"},
    {"vital", "sugar", "glucose"},
    {"vital", "cbg", "glucose"},
    {"vital", "avpu", "consciousness"},
    {"vital", "acvpu", "consciousness"},
    {"vital", "gcs", "consciousness"},
    {"vital", "body_weight", "weight"},
    {"condition", "opioid_overdose", "opioid_respiratory_depression"},
    {"condition", "overdose", "opioid_respiratory_depression"},
    {"condition", "opioid_toxicity", "opioid_respiratory_depression"},
    {"condition", "respiratory_depression", "opioid_respiratory_depression"},
    {"condition", "oird", "opioid_respiratory_depression"},
    {"condition", "hypo", "hypoglycemia"},
    {"condition", "low_glucose", "hypoglycemia"},
    {"condition", "low_blood_sugar", "hypoglycemia"},
    {"condition", "af", "atrial_fibrillation"},
    {"condition", "afib", "atrial_fibrillation"},
    {"condition", "a_fib", "atrial_fibrillation"},
    {"condition", "bleeding", "hemorrhage"},
    {"condition", "bleed", "hemorrhage"},
    {"condition", "hf", "heart_failure_decompensation"},
    {"condition", "chf", "heart_failure_decompensation"},
    {"condition", "heart_failure", "heart_failure_decompensation"},
    {"condition", "adhf", "heart_failure_decompensation"},
    {"condition", "copd", "copd_exacerbation"},
    {"condition", "aecopd", "copd_exacerbation"},
    {"condition", "septic_shock", "sepsis"},
    {"intervention", "narcan", "naloxone"},
    {"intervention", "o2", "oxygen"},
    {"intervention", "iv_fluids", "fluids"},
    {"intervention", "saline", "fluids"},
    {"intervention", "bolus", "fluids"},
    {"intervention", "fluid_bolus", "fluids"},
    {"intervention", "crystalloid", "fluids"},
    {"intervention", "salbutamol", "bronchodilator"},
    {"intervention", "albuterol", "bronchodilator"},
    {"intervention", "ventolin", "bronchodilator"},
    {"intervention", "nebuliser", "bronchodilator"},
    {"intervention", "nebulizer", "bronchodilator"},
    {"intervention", "ipratropium", "bronchodilator"},
    {"intervention", "steroid", "corticosteroid"},
    {"intervention", "steroids", "corticosteroid"},
    {"intervention", "prednisolone", "corticosteroid"},
    {"intervention", "prednisone", "corticosteroid"},
    {"intervention", "hydrocortisone", "corticosteroid"},
    {"intervention", "niv", "non_invasive_ventilation"},
    {"intervention", "bipap", "non_invasive_ventilation"},
    {"intervention", "cpap", "non_invasive_ventilation"},
    {"intervention", "dextrose", "glucose"},
    {"intervention", "furosemide", "diuretic"},
    {"intervention", "frusemide", "diuretic"},
    {"intervention", "antibiotic", "antibiotics"},
    {"intervention", "beta_blocker", "rate_control"},
    {"intervention", "metoprolol", "rate_control"},
    {"archetype", "post_op", "post_operative_adult"},
    {"archetype", "postop", "post_operative_adult"},
    {"archetype", "surgical", "post_operative_adult"},
    {"archetype", "t1d", "type1_diabetes"},
    {"archetype", "t1dm", "type1_diabetes"},
    {"archetype", "diabetic", "type1_diabetes"},
    {"archetype", "diabetes", "type1_diabetes"},
    {"archetype", "ed", "emergency_department"},
    {"archetype", "emergency", "emergency_department"},
    {"archetype", "heart_failure", "home_heart_failure"},
    {"archetype", "hf", "home_heart_failure"},
    {"archetype", "intensive_care", "icu"},
    {"archetype", "elderly", "elderly_ward"},
    {"device_type", "oximeter", "pulse_oximeter"},
    {"device_type", "spo2_monitor", "pulse_oximeter"},
    {"device_type", "bp_cuff", "nibp_cuff"},
    {"device_type", "cuff", "nibp_cuff"},
    {"device_type", "blood_pressure_cuff", "nibp_cuff"},
    {"device_type", "glucose_monitor", "cgm"},
    {"device_type", "glucose_meter", "cgm"},
    {"device_type", "ecg_patch", "wearable_ecg_patch"},
    {"device_type", "patch", "wearable_ecg_patch"},
    {"device_type", "scale", "smart_scale"},
    {"device_type", "weighing_scale", "smart_scale"},
    {"device_type", "monitor", "bedside_monitor"},
    {"device_type", "pump", "infusion_pump"},
    {"severity", "severity_high", "severe"},
    {"severity", "high", "severe"},
    {"severity", "low", "mild"},
    {"severity", "medium", "moderate"},
    {"severity", "critical", "severe"},
};

std::string normalised(std::string_view w) {
  std::string out;
  for (char c : w) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == '-' || c == ' ') c = '_';
    out += c;
  }
  // British spellings of our American names: one rule instead of a synonym each.
  for (auto [from, to] :
       {std::pair<std::string_view, std::string_view>{"aemia", "emia"}, {"aemorrh", "emorrh"}}) {
    const auto at = out.find(from);
    if (at != std::string::npos) out.replace(at, from.size(), to);
  }
  return out;
}

bool contains(std::span<const std::string_view> names, std::string_view w) {
  return std::find(names.begin(), names.end(), w) != names.end();
}

std::string_view first_word(std::string_view s) { return s.substr(0, s.find('_')); }

}  // namespace

std::string_view suggest(std::string_view raw, std::span<const std::string_view> candidates,
                         std::string_view set) {
  if (raw.empty() || candidates.empty()) return {};
  const std::string word = normalised(raw);
  if (word != raw && contains(candidates, word)) {  // only the case or the spelling differs
    for (auto c : candidates)
      if (c == word) return c;
  }
  for (const auto& s : kSynonyms)
    if (s.set == set && s.word == word && contains(candidates, s.means)) {
      for (auto c : candidates)
        if (c == s.means) return c;
    }
  // A synonym as one word of a longer name ("dextrose_gel").
  for (const auto& s : kSynonyms) {
    if (s.set != set || s.word.size() < 4 || !contains(candidates, s.means)) continue;
    const auto at = word.find(s.word);
    if (at != std::string::npos && (at == 0 || word[at - 1] == '_') &&
        (at + s.word.size() == word.size() || word[at + s.word.size()] == '_')) {
      for (auto c : candidates)
        if (c == s.means) return c;
    }
  }
  std::string_view best;
  std::size_t best_d = 1000;
  for (auto c : candidates) {
    // The word as written too: in a vocabulary with capitals ("Flag") lower-casing
    // the word would add an edit.
    const std::size_t d = std::min(edit_distance(word, c), edit_distance(raw, c));
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  const std::size_t allowed = std::max<std::size_t>(1, std::min(word.size(), best.size()) / 3);
  if (!best.empty() && best_d <= allowed) return best;
  if (word.size() >= 3) {
    // A prefix of a longer name ("fhir" for "fhir_r4").
    for (auto c : candidates)
      if (c.size() > word.size() && c.substr(0, word.size()) == word) return c;
    // A name the word holds as a whole part ("nocturnal_hypoglycemia").
    for (auto c : candidates) {
      const auto at = word.find(c);
      if (c.size() >= 4 && at != std::string::npos && (at == 0 || word[at - 1] == '_') &&
          (at + c.size() == word.size() || word[at + c.size()] == '_'))
        return c;
    }
    // The same first word, if only one name has it ("opioid_overdose").
    const std::string_view head = first_word(word);
    if (head.size() >= 4 && head.size() < word.size()) {
      std::string_view only;
      int n = 0;
      for (auto c : candidates)
        if (first_word(c) == head) {
          only = c;
          ++n;
        }
      if (n == 1) return only;
    }
  }
  return {};
}

std::string suggestion_note(std::string_view raw, std::string_view set) {
  const std::string word = normalised(raw);
  if (set == "condition" && (word.starts_with("nocturnal_") || word.starts_with("night_")))
    return "; when in the day it starts is set by 'onset' (hours from the scenario start), "
           "not by the condition's name";
  if (set == "condition" && word.starts_with("severe_"))
    return "; severity is its own key: severity: severe";
  return "";
}

}  // namespace iomtsim::scenarios::detail
