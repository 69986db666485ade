#pragma once
// A deterministic mix of readings for codec round trips.
#include <vector>

#include "iomtsim/physiology/reading.hpp"

namespace iomtsim::payloads::testing {

inline constexpr std::int64_t kEpochMs = 1714521600000;  // 2024-05-01T00:00:00Z

inline physiology::Reading make(physiology::PatientIndex p, physiology::DeviceIndex d,
                                std::uint32_t seq, physiology::Vital v, double value,
                                std::int64_t device_time_ms, std::uint8_t flags = 0) {
  physiology::Reading r;
  r.id = physiology::make_reading_id(p, d, seq);
  r.patient = p;
  r.device = d;
  r.vital = v;
  r.value = value;
  r.device_time = physiology::SimTime{std::chrono::milliseconds(device_time_ms)};
  r.flags = flags;
  return r;
}

// One reading of each vital, values at the text encodings' resolution so they round-trip.
inline std::vector<physiology::Reading> one_of_each(physiology::PatientIndex p = 12,
                                                    physiology::DeviceIndex d = 3) {
  using physiology::Vital;
  const double values[] = {72.5, 71.0, 18.0, 96.0, 121.0, 78.0, 92.3, 37.25, 105.5, 81.35, 2.0};
  std::vector<physiology::Reading> out;
  std::uint32_t seq = 40;
  for (Vital v : physiology::kAllVitals) {
    const auto i = static_cast<std::size_t>(v);
    out.push_back(make(p, d, seq, v, values[i], 3'600'000 + 1250 * static_cast<std::int64_t>(seq),
                       v == Vital::SpO2 ? physiology::kFlagOnOxygen : 0));
    ++seq;
  }
  return out;
}

// What a decoder gives back: the wire fields only.
inline physiology::Reading wire_view(physiology::Reading r) {
  r.true_value = 0.0;
  r.true_time = {};
  r.flags &= physiology::kFlagOnOxygen | physiology::kFlagLowBattery |
             physiology::kFlagQuestionable | physiology::kFlagValueAbsent;
  if (r.flags & physiology::kFlagValueAbsent) r.value = 0.0;  // no value on the wire
  return r;
}

}  // namespace iomtsim::payloads::testing
