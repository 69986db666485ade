#include "iomtsim/scenarios/units.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <span>

namespace iomtsim::scenarios {
namespace {

// A unit spelling: canonical = value * scale + offset. `listed` spellings are the ones
// messages and the guide name ("expected a duration in ms, s, …"); the others are common
// ways people write the same unit (mmol/l, beats/min), accepted without comment.
struct UnitDef {
  std::string_view name;
  double scale;
  double offset;
  bool listed;
};

struct KindDef {
  std::string_view description;
  std::string_view canonical;
  std::string_view examples;
  bool bare_number_ok;
  std::span<const UnitDef> units;
};

constexpr double kF = 5.0 / 9.0;

constexpr UnitDef kTimeUnits[] = {
    {"ms", 1e-3, 0, true},
    {"s", 1, 0, true},
    {"sec", 1, 0, true},
    {"secs", 1, 0, true},
    {"seconds", 1, 0, true},
    {"min", 60, 0, true},
    {"mins", 60, 0, true},
    {"minutes", 60, 0, true},
    {"h", 3600, 0, true},
    {"hr", 3600, 0, true},
    {"hours", 3600, 0, true},
    {"d", 86400, 0, true},
    {"days", 86400, 0, true},
    {"weeks", 604800, 0, true},
    {"hour", 3600, 0, false},
    {"hrs", 3600, 0, false},
    {"minute", 60, 0, false},
    {"second", 1, 0, false},
    {"day", 86400, 0, false},
    {"week", 604800, 0, false},
    {"w", 604800, 0, false},
    {"wk", 604800, 0, false},
    {"wks", 604800, 0, false},
    // Microseconds are for the capacity model's service times and switch latencies.
    {"us", 1e-6, 0, false},
    {"\xC2\xB5s", 1e-6, 0, false},
};
constexpr UnitDef kPressureUnits[] = {
    {"mmHg", 1, 0, true},          {"kPa", 7.50062, 0, true},     {"cmH2O", 0.735559, 0, true},
    {"mm Hg", 1, 0, false},        {"mmhg", 1, 0, false},         {"kpa", 7.50062, 0, false},
    {"cmh2o", 0.735559, 0, false}, {"cm H2O", 0.735559, 0, false}};
constexpr UnitDef kTemperatureUnits[] = {
    {"C", 1, 0, true},
    {"degC", 1, 0, true},
    {"\xC2\xB0"
     "C",
     1, 0, true},
    {"F", kF, -32 * kF, true},
    {"degF", kF, -32 * kF, true},
    {"\xC2\xB0"
     "F",
     kF, -32 * kF, true},
    {"Cel", 1, 0, false},
    {"celsius", 1, 0, false},
    {"Celsius", 1, 0, false},
    {"deg C", 1, 0, false},
    {"\xC2\xB0"
     "c",
     1, 0, false},
    {"fahrenheit", kF, -32 * kF, false},
    {"Fahrenheit", kF, -32 * kF, false},
};
constexpr UnitDef kFractionUnits[] = {{"%", 0.01, 0, true}, {"percent", 0.01, 0, false}};
constexpr UnitDef kGlucoseUnits[] = {{"mg/dL", 1, 0, true},      {"mmol/L", 18.016, 0, true},
                                     {"mg/dl", 1, 0, false},     {"mmol/l", 18.016, 0, false},
                                     {"mmol", 18.016, 0, false}, {"mM", 18.016, 0, false}};
constexpr UnitDef kMassUnits[] = {{"kg", 1, 0, true},
                                  {"g", 1e-3, 0, true},
                                  {"lb", 0.45359237, 0, true},
                                  {"lbs", 0.45359237, 0, false},
                                  {"kgs", 1, 0, false}};
constexpr UnitDef kPerMinuteUnits[] = {{"/min", 1, 0, true},
                                       {"bpm", 1, 0, true},
                                       {"brpm", 1, 0, true},
                                       {"per min", 1, 0, true},
                                       {"beats/min", 1, 0, false},
                                       {"breaths/min", 1, 0, false},
                                       {"/minute", 1, 0, false},
                                       {"per minute", 1, 0, false},
                                       {"beats per minute", 1, 0, false},
                                       {"breaths per minute", 1, 0, false},
                                       {"min-1", 1, 0, false},
                                       {"rpm", 1, 0, false},
                                       {"{beats}/min", 1, 0, false},
                                       {"{breaths}/min", 1, 0, false}};
constexpr UnitDef kFrequencyUnits[] = {
    {"Hz", 1, 0, true}, {"kHz", 1e3, 0, true}, {"hz", 1, 0, false}};
constexpr UnitDef kBandwidthUnits[] = {{"bps", 1, 0, true},       {"kbps", 1e3, 0, true},
                                       {"Mbps", 1e6, 0, true},    {"Gbps", 1e9, 0, true},
                                       {"bit/s", 1, 0, false},    {"kbit/s", 1e3, 0, false},
                                       {"Mbit/s", 1e6, 0, false}, {"Gbit/s", 1e9, 0, false}};
constexpr UnitDef kByteUnits[] = {{"B", 1, 0, true},
                                  {"KB", 1e3, 0, true},
                                  {"MB", 1e6, 0, true},
                                  {"GB", 1e9, 0, true},
                                  {"KiB", 1024, 0, true},
                                  {"MiB", 1048576, 0, true},
                                  {"GiB", 1073741824, 0, true},
                                  {"bytes", 1, 0, false},
                                  {"kB", 1e3, 0, false}};
constexpr UnitDef kAgeUnits[] = {{"y", 1, 0, true},     {"yr", 1, 0, true},
                                 {"years", 1, 0, true}, {"months", 1.0 / 12.0, 0, true},
                                 {"yrs", 1, 0, false},  {"year", 1, 0, false},
                                 {"yo", 1, 0, false},   {"month", 1.0 / 12.0, 0, false}};
constexpr UnitDef kVolumeUnits[] = {{"L", 1, 0, true},      {"mL", 1e-3, 0, true},
                                    {"l", 1, 0, false},     {"ml", 1e-3, 0, false},
                                    {"litre", 1, 0, false}, {"litres", 1, 0, false},
                                    {"liter", 1, 0, false}, {"liters", 1, 0, false}};
constexpr UnitDef kFlowUnits[] = {
    {"L/min", 1, 0, true}, {"l/min", 1, 0, false}, {"lpm", 1, 0, false}, {"LPM", 1, 0, false}};
constexpr UnitDef kDrugMassUnits[] = {{"mcg", 1e-3, 0, true},
                                      {"ug", 1e-3, 0, true},
                                      {"mg", 1, 0, true},
                                      {"g", 1e3, 0, true},
                                      {"\xC2\xB5g", 1e-3, 0, false},
                                      {"\xCE\xBCg", 1e-3, 0, false},
                                      {"micrograms", 1e-3, 0, false},
                                      {"milligrams", 1, 0, false},
                                      {"grams", 1e3, 0, false},
                                      {"gram", 1e3, 0, false}};
constexpr UnitDef kInsulinUnits[] = {
    {"U", 1, 0, true}, {"units", 1, 0, true}, {"IU", 1, 0, false}, {"unit", 1, 0, false}};
constexpr UnitDef kPpmUnits[] = {{"ppm", 1, 0, true}};

// Order follows QuantityKind.
constexpr std::array<KindDef, 17> kKinds = {{
    {"a duration", "s", "'90s', '15 min' or '2h'", false, kTimeUnits},
    {"a pressure", "mmHg", "'120 mmHg'", false, kPressureUnits},
    {"a temperature", "C", "'38.5 C' or '101.3 F'", false, kTemperatureUnits},
    {"a fraction", "", "'0.02' or '2 %'", true, kFractionUnits},
    {"a glucose concentration", "mg/dL", "'70 mg/dL' or '3.9 mmol/L'", false, kGlucoseUnits},
    {"a mass", "kg", "'82 kg'", false, kMassUnits},
    {"a rate per minute", "/min", "'72 /min' or '72 bpm'", false, kPerMinuteUnits},
    {"a frequency", "Hz", "'250 Hz'", false, kFrequencyUnits},
    {"a bandwidth", "bps", "'20 Mbps'", false, kBandwidthUnits},
    {"a size in bytes", "B", "'512 KiB'", false, kByteUnits},
    {"an age", "years", "'65 y'", false, kAgeUnits},
    {"a volume", "L", "'1 L' or '500 mL'", false, kVolumeUnits},
    {"a flow rate", "L/min", "'2 L/min'", false, kFlowUnits},
    {"a drug mass", "mg", "'0.4 mg'", false, kDrugMassUnits},
    {"an insulin dose", "U", "'4 U'", false, kInsulinUnits},
    {"a clock drift", "ppm", "'50 ppm'", false, kPpmUnits},
    {"a number", "", "'0.9'", true, {}},
}};

const KindDef& def(QuantityKind k) { return kKinds[static_cast<std::size_t>(k)]; }

std::string unit_list(QuantityKind k) {
  std::string out;
  for (const auto& u : def(k).units) {
    if (!u.listed) continue;
    if (!out.empty()) out += ", ";
    out += u.name;
  }
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// The unit `unit` of kind `k`: an exact spelling, else the one spelling that matches
// ignoring case (MMOL/L, Mg/Dl), never a guess between two ("m" is not "M"). Sizes and
// bandwidths are matched exactly: there b and B are bits and bytes, a factor of 8.
const UnitDef* find_unit(QuantityKind k, std::string_view unit) {
  for (const auto& d : def(k).units)
    if (d.name == unit) return &d;
  if (k == QuantityKind::Bytes || k == QuantityKind::Bandwidth) return nullptr;
  const UnitDef* found = nullptr;
  for (const auto& d : def(k).units) {
    if (!equal_ignoring_case(d.name, unit)) continue;
    if (found != nullptr && (found->scale != d.scale || found->offset != d.offset)) return nullptr;
    found = &d;
  }
  return found;
}

// The listed spelling of the unit a (possibly alias) spelling stands for, so that
// messages and previews use one name per unit ("mmol/l" shows as "mmol/L").
std::string_view listed_name(QuantityKind k, const UnitDef& u) {
  if (u.listed) return u.name;
  for (const auto& d : def(k).units)
    if (d.listed && d.scale == u.scale && d.offset == u.offset) return d.name;
  return u.name;
}

std::string number_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

}  // namespace

std::string_view describe(QuantityKind kind) { return def(kind).description; }
std::string_view canonical_unit(QuantityKind kind) { return def(kind).canonical; }
std::string_view examples(QuantityKind kind) { return def(kind).examples; }

std::vector<UnitSpelling> unit_spellings(QuantityKind kind) {
  std::vector<UnitSpelling> out;
  for (const auto& u : def(kind).units)
    out.push_back(
        {std::string(u.name), std::string(listed_name(kind, u)), u.scale, u.offset, u.listed});
  return out;
}

QuantityResult parse_quantity(std::string_view text, QuantityKind kind) {
  QuantityResult r;
  std::size_t i = 0;
  while (i < text.size() && is_space(text[i])) ++i;
  std::size_t end = text.size();
  while (end > i && is_space(text[end - 1])) --end;
  const std::string_view body = text.substr(i, end - i);
  // from_chars rejects a leading '+', which people write; skip it.
  std::size_t num_start = (!body.empty() && body[0] == '+') ? 1 : 0;
  double number = 0.0;
  const char* first = body.data() + num_start;
  const char* last = body.data() + body.size();
  auto [ptr, ec] = std::from_chars(first, last, number, std::chars_format::general);
  if (ptr == first || body.empty()) {
    r.error = "expected " + std::string(describe(kind)) + " such as " +
              std::string(examples(kind)) + ", found '" + std::string(body) + "'";
    r.error_offset = i;
    return r;
  }
  if (ec == std::errc::result_out_of_range || !std::isfinite(number) || std::fabs(number) > 1e15) {
    r.error = "number '" +
              std::string(body.substr(0, static_cast<std::size_t>(ptr - body.data()))) +
              "' is too large";
    r.error_offset = i;
    return r;
  }
  std::size_t u = static_cast<std::size_t>(ptr - body.data());
  while (u < body.size() && is_space(body[u])) ++u;
  const std::string_view unit = body.substr(u);
  const KindDef& k = def(kind);
  if (unit.empty()) {
    if (k.bare_number_ok) {
      r.value = number;
      return r;
    }
    r.error = "missing unit: expected " + std::string(describe(kind)) + " such as " +
              std::string(examples(kind));
    r.error_offset = i;
    return r;
  }
  if (kind == QuantityKind::Number) {
    r.error = "expected a plain number, found unit '" + std::string(unit) + "'";
    r.error_offset = i + u;
    return r;
  }
  if (const UnitDef* d = find_unit(kind, unit)) {
    r.value = number * d->scale + d->offset;
    r.unit = std::string(listed_name(kind, *d));
    return r;
  }
  // A unit of another kind is the likely mistake ("2 mmHg" for a duration): say so.
  std::string other;
  for (std::size_t j = 0; j < kKinds.size() && other.empty(); ++j) {
    for (const auto& d : kKinds[j].units) {
      if (d.name == unit) other = std::string(kKinds[j].description);
    }
  }
  r.error = "wrong unit '" + std::string(unit) + "'" +
            (other.empty() ? std::string() : " (that is " + other + ")") + ": expected " +
            std::string(describe(kind)) + " in " + unit_list(kind);
  r.error_offset = i + u;
  return r;
}

std::optional<physiology::Duration> seconds_to_duration(double seconds) {
  if (!std::isfinite(seconds)) return std::nullopt;
  const double ns = seconds * 1e9;
  if (std::fabs(ns) >= 9.2e18) return std::nullopt;
  return physiology::Duration{static_cast<std::int64_t>(std::llround(ns))};
}

std::string format_quantity(double v, QuantityKind kind) {
  std::string out = number_text(v);
  const auto unit = canonical_unit(kind);
  if (!unit.empty()) {
    out += ' ';
    out += unit;
  }
  return out;
}

std::string format_in_unit(double canonical_value, QuantityKind kind, std::string_view unit) {
  if (kind == QuantityKind::TimeSpan && unit.empty()) return format_duration(canonical_value);
  if (unit.empty()) return format_quantity(canonical_value, kind);
  const UnitDef* d = find_unit(kind, unit);
  if (d == nullptr) return format_quantity(canonical_value, kind);
  const double v = (canonical_value - d->offset) / d->scale;
  // Four significant digits are plenty for a message and keep 3.9 mmol/L from showing
  // as 3.899999.
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  std::string out = buf;
  if (out.find('e') != std::string::npos) out = number_text(v);
  if (unit == "%") return out + " %";
  return out + " " + std::string(listed_name(kind, *d));
}

std::string format_duration(double seconds) {
  const double a = std::fabs(seconds);
  auto in = [&](double unit, const char* name) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.4g", seconds / unit);
    return std::string(buf) + " " + name;
  };
  if (a == 0) return "0 s";
  if (a < 1) return in(1e-3, "ms");
  // A whole number of hours or days reads as such ("1 h", not "60 min").
  if (a >= 2 * 86400 && std::fmod(a, 86400) == 0) return in(86400, "d");
  if (a >= 3600 && std::fmod(a, 3600) == 0) return in(3600, "h");
  if (a < 120) return in(1, "s");
  if (a < 2 * 3600) return in(60, "min");
  if (a < 2 * 86400) return in(3600, "h");
  return in(86400, "d");
}

}  // namespace iomtsim::scenarios
