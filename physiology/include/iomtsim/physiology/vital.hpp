#pragma once
// The measured quantities, each in one canonical unit inside iomtsim. Payload encoders
// map these to LOINC/UCUM/MDC (payloads/codes.hpp); scenario files may use other units
// and are converted on load.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace iomtsim::physiology {

enum class Vital : std::uint8_t {
  HeartRate,      // /min (from ECG)
  PulseRate,      // /min (from an oximeter)
  RespRate,       // /min
  SpO2,           // %
  SystolicBP,     // mmHg
  DiastolicBP,    // mmHg
  MeanBP,         // mmHg
  Temperature,    // degrees Celsius
  Glucose,        // mg/dL
  Weight,         // kg
  Consciousness,  // ACVPU as a number: 0 alert, 1 new confusion, 2 voice, 3 pain, 4 unresponsive
};
inline constexpr std::size_t kVitalCount = 11;

inline constexpr std::array<Vital, kVitalCount> kAllVitals = {
    Vital::HeartRate,   Vital::PulseRate,   Vital::RespRate,    Vital::SpO2,
    Vital::SystolicBP,  Vital::DiastolicBP, Vital::MeanBP,      Vital::Temperature,
    Vital::Glucose,     Vital::Weight,      Vital::Consciousness};

// Stable lower_snake names, as used in scenario files, CSV headers and reports.
constexpr std::string_view name(Vital v) {
  constexpr std::array<std::string_view, kVitalCount> names = {
      "heart_rate", "pulse_rate", "resp_rate",   "spo2",    "systolic_bp",  "diastolic_bp",
      "mean_bp",    "temperature", "glucose",    "weight",  "consciousness"};
  return names[static_cast<std::size_t>(v)];
}

// The canonical unit as UCUM text.
constexpr std::string_view ucum_unit(Vital v) {
  constexpr std::array<std::string_view, kVitalCount> units = {
      "/min", "/min", "/min", "%", "mm[Hg]", "mm[Hg]", "mm[Hg]", "Cel", "mg/dL", "kg", "{ACVPU}"};
  return units[static_cast<std::size_t>(v)];
}

constexpr std::optional<Vital> vital_from_name(std::string_view s) {
  for (Vital v : kAllVitals) {
    if (name(v) == s) return v;
  }
  return std::nullopt;
}

// ACVPU levels for Vital::Consciousness.
enum class Acvpu : std::uint8_t { Alert = 0, Confusion = 1, Voice = 2, Pain = 3, Unresponsive = 4 };

}  // namespace iomtsim::physiology
