#include "iomtsim/scenarios/units.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

namespace iomtsim::scenarios {
namespace {

struct UnitDef {
  std::string_view name;
  double scale;   // canonical = value * scale + offset
  double offset;
};

struct KindDef {
  std::string_view description;
  std::string_view canonical;
  std::string_view examples;
  bool bare_number_ok;
  std::array<UnitDef, 14> units;  // unused entries have an empty name
};

constexpr double kF = 5.0 / 9.0;

// Order follows QuantityKind.
constexpr std::array<KindDef, 17> kKinds = {{
    {"a duration", "s", "'90s', '15 min' or '2h'", false,
     {{{"ms", 1e-3, 0}, {"s", 1, 0}, {"sec", 1, 0}, {"secs", 1, 0}, {"seconds", 1, 0},
       {"min", 60, 0}, {"mins", 60, 0}, {"minutes", 60, 0}, {"h", 3600, 0}, {"hr", 3600, 0},
       {"hours", 3600, 0}, {"d", 86400, 0}, {"days", 86400, 0}, {"weeks", 604800, 0}}}},
    {"a pressure", "mmHg", "'120 mmHg'", false, {{{"mmHg", 1, 0}, {"kPa", 7.50062, 0}}}},
    {"a temperature", "C", "'38.5 C' or '101.3 F'", false,
     {{{"C", 1, 0}, {"degC", 1, 0}, {"\xC2\xB0" "C", 1, 0}, {"F", kF, -32 * kF},
       {"degF", kF, -32 * kF}, {"\xC2\xB0" "F", kF, -32 * kF}}}},
    {"a fraction", "", "'0.02' or '2 %'", true, {{{"%", 0.01, 0}}}},
    {"a glucose concentration", "mg/dL", "'70 mg/dL' or '3.9 mmol/L'", false,
     {{{"mg/dL", 1, 0}, {"mmol/L", 18.016, 0}}}},
    {"a mass", "kg", "'82 kg'", false, {{{"kg", 1, 0}, {"g", 1e-3, 0}, {"lb", 0.45359237, 0}}}},
    {"a rate per minute", "/min", "'72 /min' or '72 bpm'", false,
     {{{"/min", 1, 0}, {"bpm", 1, 0}, {"brpm", 1, 0}, {"per min", 1, 0}}}},
    {"a frequency", "Hz", "'250 Hz'", false, {{{"Hz", 1, 0}, {"kHz", 1e3, 0}}}},
    {"a bandwidth", "bps", "'20 Mbps'", false,
     {{{"bps", 1, 0}, {"kbps", 1e3, 0}, {"Mbps", 1e6, 0}, {"Gbps", 1e9, 0}}}},
    {"a size in bytes", "B", "'512 KiB'", false,
     {{{"B", 1, 0}, {"KB", 1e3, 0}, {"MB", 1e6, 0}, {"GB", 1e9, 0}, {"KiB", 1024, 0},
       {"MiB", 1048576, 0}, {"GiB", 1073741824, 0}}}},
    {"an age", "years", "'65 y'", false,
     {{{"y", 1, 0}, {"yr", 1, 0}, {"years", 1, 0}, {"months", 1.0 / 12.0, 0}}}},
    {"a volume", "L", "'1 L' or '500 mL'", false, {{{"L", 1, 0}, {"mL", 1e-3, 0}}}},
    {"a flow rate", "L/min", "'2 L/min'", false, {{{"L/min", 1, 0}}}},
    {"a drug mass", "mg", "'0.4 mg'", false,
     {{{"mcg", 1e-3, 0}, {"ug", 1e-3, 0}, {"mg", 1, 0}, {"g", 1e3, 0}}}},
    {"an insulin dose", "U", "'4 U'", false, {{{"U", 1, 0}, {"units", 1, 0}}}},
    {"a clock drift", "ppm", "'50 ppm'", false, {{{"ppm", 1, 0}}}},
    {"a number", "", "'0.9'", true, {}},
}};

// Extra duration spellings that do not fit the fixed-size table. Microseconds are for
// the capacity model's service times and switch latencies (`capacity:`).
constexpr std::array<UnitDef, 8> kMoreDurations = {{{"hour", 3600, 0},
                                                    {"minute", 60, 0},
                                                    {"second", 1, 0},
                                                    {"day", 86400, 0},
                                                    {"week", 604800, 0},
                                                    {"w", 604800, 0},
                                                    {"us", 1e-6, 0},
                                                    {"\xC2\xB5" "s", 1e-6, 0}}};

const KindDef& def(QuantityKind k) { return kKinds[static_cast<std::size_t>(k)]; }

std::string unit_list(QuantityKind k) {
  std::string out;
  for (const auto& u : def(k).units) {
    if (u.name.empty()) continue;
    if (!out.empty()) out += ", ";
    out += u.name;
  }
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

}  // namespace

std::string_view describe(QuantityKind kind) { return def(kind).description; }
std::string_view canonical_unit(QuantityKind kind) { return def(kind).canonical; }
std::string_view examples(QuantityKind kind) { return def(kind).examples; }

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
  if (ec == std::errc::result_out_of_range || !std::isfinite(number) ||
      std::fabs(number) > 1e15) {
    r.error = "number '" + std::string(body.substr(0, static_cast<std::size_t>(ptr - body.data()))) +
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
  for (const auto& d : k.units) {
    if (!d.name.empty() && d.name == unit) {
      r.value = number * d.scale + d.offset;
      return r;
    }
  }
  if (kind == QuantityKind::TimeSpan) {
    for (const auto& d : kMoreDurations) {
      if (d.name == unit) {
        r.value = number * d.scale;
        return r;
      }
    }
  }
  // A unit of another kind is the likely mistake ("2 mmHg" for a duration): say so.
  std::string other;
  for (std::size_t j = 0; j < kKinds.size() && other.empty(); ++j) {
    for (const auto& d : kKinds[j].units) {
      if (!d.name.empty() && d.name == unit) other = std::string(kKinds[j].description);
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
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  std::string out = buf;
  const auto unit = canonical_unit(kind);
  if (!unit.empty()) {
    out += ' ';
    out += unit;
  }
  return out;
}

}  // namespace iomtsim::scenarios
