// Care fitted to the patient: a cohort's `spo2_target` (the prescribed saturation range
// NEWS2 scores against) and an intervention's `when` (a trigger on the patient's vitals).
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "iomtsim/scenarios/defaults.hpp"
#include "read.hpp"

namespace iomtsim::scenarios::detail {
namespace {

using namespace physiology;
using Q = QuantityKind;

std::string_view trim(std::string_view s, std::size_t* skipped = nullptr) {
  std::size_t lead = 0;
  while (lead < s.size() && s[lead] == ' ') ++lead;
  s.remove_prefix(lead);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (skipped) *skipped = lead;
  return s;
}

std::optional<double> plain_number(std::string_view s) {
  s = trim(s);
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v))
    return std::nullopt;
  return v;
}

// A saturation in %: "88", "88 %", "88%" or a fraction 0.88.
std::optional<double> percent(std::string_view text) {
  if (auto v = plain_number(text)) return *v <= 1.0 ? *v * 100.0 : *v;
  auto q = parse_quantity(trim(text), Q::Fraction);
  if (q.value) return *q.value * 100.0;
  return std::nullopt;
}

constexpr std::string_view kTargets =
    "88-92 % (patients at risk of hypercapnic respiratory failure: NEWS2 SpO2 Scale 2) or "
    "94-98 % (the usual target: Scale 1)";

}  // namespace

VitalUnit vital_unit(Vital v) {
  switch (v) {
    case Vital::HeartRate:
    case Vital::PulseRate:
    case Vital::RespRate:
      return {Q::PerMinute, 1};
    case Vital::SpO2:
      return {Q::Fraction, 100};
    case Vital::SystolicBP:
    case Vital::DiastolicBP:
    case Vital::MeanBP:
      return {Q::Pressure, 1};
    case Vital::Temperature:
      return {Q::Temperature, 1};
    case Vital::Glucose:
      return {Q::Glucose, 1};
    case Vital::Weight:
      return {Q::Mass, 1};
    case Vital::Consciousness:
      return {Q::Number, 1};
  }
  return {Q::Number, 1};
}

std::optional<Spo2Target> read_spo2_target(const Node& n, Reader& r) {
  std::optional<double> lo, hi;
  if (n.is_map()) {
    for (const auto& e : n.entries) {
      if (e.key != "low" && e.key != "high") {
        r.error(e.key_pos, "unknown key '" + e.key +
                               "' in spo2_target: give low and high, e.g. "
                               "{low: 88 %, high: 92 %}");
        return std::nullopt;
      }
      if (!e.value.is_scalar()) {
        r.error(e.value.pos, "expected a saturation such as '88 %' for spo2_target." + e.key);
        return std::nullopt;
      }
      auto v = percent(e.value.text);
      if (!v) {
        r.error(e.value.pos, "expected a saturation such as '88 %' for spo2_target." + e.key +
                                 ", found '" + e.value.text + "'");
        return std::nullopt;
      }
      (e.key == "low" ? lo : hi) = *v;
    }
    if (!lo || !hi) {
      r.error(n.pos, std::string("missing '") + (lo ? "high" : "low") +
                         "' in spo2_target: give both, e.g. {low: 88 %, high: 92 %}");
      return std::nullopt;
    }
  } else if (n.is_scalar()) {
    // "88-92 %", "88-92%", "88 - 92 %": the unit, if any, after the upper bound.
    const std::string& t = n.text;
    const auto dash = t.find('-', 1);
    if (dash == std::string::npos) {
      r.error(n.pos, "expected a range such as '88-92 %' for spo2_target, found '" + t + "'");
      return std::nullopt;
    }
    std::string upper = t.substr(dash + 1);
    bool pct = false;
    if (auto p = upper.find('%'); p != std::string::npos) {
      if (!trim(std::string_view(upper).substr(p + 1)).empty()) {
        r.error(offset_pos(n, dash + 1 + p), "unexpected text after '%' in spo2_target");
        return std::nullopt;
      }
      upper.erase(p);
      pct = true;
    }
    lo = plain_number(t.substr(0, dash));
    hi = plain_number(upper);
    if (!lo || !hi) {
      r.error(lo ? offset_pos(n, dash + 1) : n.pos,
              "expected a range such as '88-92 %' for spo2_target, found '" + t + "'");
      return std::nullopt;
    }
    if (!pct && *hi <= 1.0) {  // fractions, "0.88-0.92"
      *lo *= 100.0;
      *hi *= 100.0;
    }
  } else {
    r.error(n.pos,
            "expected a range such as '88-92 %' or {low: 88 %, high: 92 %} for "
            "spo2_target, found " +
                std::string(kind_name(n)));
    return std::nullopt;
  }
  if (*hi <= *lo) {
    r.error(n.pos,
            "spo2_target runs backwards or is empty: write the lower saturation first, "
            "e.g. 88-92 %");
    return std::nullopt;
  }
  auto is = [&](double a, double b) {
    return std::abs(*lo - a) < 1e-9 && std::abs(*hi - b) < 1e-9;
  };
  if (!is(88, 92) && !is(94, 98)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g-%g %%", *lo, *hi);
    r.error(n.pos, std::string("spo2_target ") + buf +
                       " is not a range NEWS2 can score against: give " + std::string(kTargets) +
                       " (BTS oxygen guideline 2017)");
    return std::nullopt;
  }
  return Spo2Target{*lo, *hi};
}

std::optional<InterventionTrigger> read_trigger(const Node& n, Reader& r) {
  auto text = r.str(n, "when");
  if (!text) return std::nullopt;
  const std::string& t = *text;
  constexpr std::string_view kForm =
      "write a trigger as '<vital> <comparison> <value> [for <duration>]', e.g. "
      "'resp_rate < 8 for 2 min' or 'glucose < 3.0 mmol/L for 5 min'";
  InterventionTrigger trig;
  trig.text = t;
  std::size_t i = 0;
  while (i < t.size() && t[i] == ' ') ++i;
  const std::size_t vital_at = i;
  while (i < t.size() && (std::islower(static_cast<unsigned char>(t[i])) || t[i] == '_' ||
                          std::isdigit(static_cast<unsigned char>(t[i])) ||
                          std::isupper(static_cast<unsigned char>(t[i]))))
    ++i;
  const std::string vital_name = t.substr(vital_at, i - vital_at);
  if (vital_name.empty()) {
    r.error(offset_pos(n, vital_at), std::string(kForm));
    return std::nullopt;
  }
  auto vital = vital_from_name(vital_name);
  if (!vital) {
    r.unknown(offset_pos(n, vital_at), "vital", vital_name, enum_values("vital"), "vital");
    return std::nullopt;
  }
  trig.vital = *vital;
  while (i < t.size() && t[i] == ' ') ++i;
  const std::size_t op_at = i;
  if (t.compare(i, 2, "<=") == 0) {
    trig.op = InterventionTrigger::Op::LessEqual;
    i += 2;
  } else if (t.compare(i, 2, ">=") == 0) {
    trig.op = InterventionTrigger::Op::GreaterEqual;
    i += 2;
  } else if (i < t.size() && t[i] == '<') {
    trig.op = InterventionTrigger::Op::Less;
    ++i;
  } else if (i < t.size() && t[i] == '>') {
    trig.op = InterventionTrigger::Op::Greater;
    ++i;
  } else {
    r.error(offset_pos(n, op_at),
            "expected a comparison after '" + vital_name + "' in 'when': one of <, <=, >, >=");
    return std::nullopt;
  }
  // The value runs to " for " or the end.
  std::size_t value_end = t.size();
  std::size_t for_at = std::string::npos;
  for (std::size_t k = i; k + 4 <= t.size(); ++k) {
    if (t.compare(k, 4, " for") == 0 && (k + 4 == t.size() || t[k + 4] == ' ')) {
      value_end = k;
      for_at = k + 1;
      break;
    }
  }
  std::size_t lead = 0;
  const std::string_view value_text = trim(std::string_view(t).substr(i, value_end - i), &lead);
  const std::size_t value_at = i + lead;
  if (value_text.empty()) {
    r.error(offset_pos(n, value_at),
            "expected a value after the comparison in 'when'; " + std::string(kForm));
    return std::nullopt;
  }
  const VitalUnit u = vital_unit(*vital);
  double value = 0;
  if (auto bare = plain_number(value_text)) {
    if (*vital == Vital::Glucose) {  // 3.0 or 54: mmol/L and mg/dL differ by 18
      r.error(offset_pos(n, value_at),
              "write the glucose unit in 'when': mg/dL or mmol/L (e.g. 'glucose < 3.0 mmol/L')");
      return std::nullopt;
    }
    // A bare number is in the vital's chart unit: /min, %, mmHg, °C, kg.
    value = *bare;
    if (*vital == Vital::SpO2 && value <= 1.0) value *= 100.0;
  } else {
    QuantityResult q = parse_quantity(value_text, u.kind);
    if (!q.value) {
      r.error(offset_pos(n, value_at + q.error_offset),
              "value of " + vital_name + " in 'when': " + q.error);
      return std::nullopt;
    }
    value = *q.value * u.scale;
  }
  const VitalRange range = vital_range(*vital);
  if (value < range.lo || value > range.hi) {
    r.error(offset_pos(n, value_at), "a " + vital_name + " of " + std::string(value_text) +
                                         " is outside what a patient can have (" +
                                         format_quantity(range.lo / u.scale, u.kind) + " to " +
                                         format_quantity(range.hi / u.scale, u.kind) + ")");
    return std::nullopt;
  }
  trig.threshold = value;
  if (for_at != std::string::npos) {
    std::size_t dlead = 0;
    const std::string_view dur = trim(std::string_view(t).substr(for_at + 3), &dlead);
    const std::size_t dur_at = for_at + 3 + dlead;
    QuantityResult q = parse_quantity(dur, Q::TimeSpan);
    if (!q.value) {
      r.error(offset_pos(n, dur_at + q.error_offset),
              "persistence in 'when' (after 'for'): " + q.error);
      return std::nullopt;
    }
    if (*q.value < 0 || *q.value > 86400.0) {
      r.error(offset_pos(n, dur_at),
              "persistence in 'when' must be between 0 s and 24 h, found " + std::string(dur));
      return std::nullopt;
    }
    trig.for_s = *q.value;
  }
  return trig;
}

}  // namespace iomtsim::scenarios::detail
