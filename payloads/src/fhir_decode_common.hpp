#pragma once
// Private: what both FHIR Observation decoders share (the scanning one in fhir_decode.cpp
// and the DOM reference in fhir_decode_dom.cpp): code systems, the unit conversions and
// the quoting of found text in error reasons. Kept in one place so the two decoders can
// only differ in how they read JSON, which is what the differential test checks.
#include <charconv>
#include <optional>
#include <string>
#include <string_view>

#include "iomtsim/payloads/codes.hpp"
#include "iomtsim/physiology/vital.hpp"

namespace iomtsim::payloads::detail {

inline constexpr std::string_view kLoincSystem = "http://loinc.org";
inline constexpr std::string_view kUcumSystem = "http://unitsofmeasure.org";
inline constexpr std::string_view kReadingSystem = "urn:iomtsim:reading";
inline constexpr std::string_view kFlagsExtensionUrl = "urn:iomtsim:flags";

// Digits only, no sign, no overflow.
template <class T>
std::optional<T> parse_unsigned(std::string_view s) {
  T v{};
  if (s.empty()) return std::nullopt;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// Converts `value` in UCUM `unit` to the canonical unit of `v`; nullopt if not simple.
inline std::optional<double> to_canonical(physiology::Vital v, std::string_view unit,
                                          double value) {
  using physiology::Vital;
  const VitalCodes& c = codes(v);
  if (unit == c.ucum) return value;
  switch (v) {
    case Vital::HeartRate:
    case Vital::PulseRate:
    case Vital::RespRate:
      if (unit == "{beats}/min" || unit == "{breaths}/min" || unit == "1/min") return value;
      break;
    case Vital::Temperature:
      if (unit == "[degF]") return (value - 32.0) * 5.0 / 9.0;
      if (unit == "K") return value - 273.15;
      break;
    case Vital::Glucose:
      // Molar mass of glucose 180.156 g/mol: 1 mmol/L = 18.0156 mg/dL.
      if (unit == "mmol/L") return value * 18.0156;
      if (unit == "mg/L") return value / 10.0;
      break;
    case Vital::Weight:
      if (unit == "g") return value / 1000.0;
      if (unit == "[lb_av]") return value * 0.45359237;
      break;
    default: break;
  }
  return std::nullopt;
}

// Built by append: GCC 12 warns (-Wrestrict, a known false positive) on "'" + s + "'".
// At most 80 bytes of the found text go into a reason.
inline std::string in_quotes(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('\'');
  out.append(s.substr(0, 80));
  out.push_back('\'');
  return out;
}

}  // namespace iomtsim::payloads::detail
