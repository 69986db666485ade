#pragma once
// Readings for target tests: whole-second device times (every wire format keeps them
// exactly), stable ids from (patient, device, sequence).
#include <vector>

#include "iomtsim/physiology/reading.hpp"
#include "iomtsim/physiology/time.hpp"

namespace iomtsim::testing {

inline physiology::Reading make_reading(physiology::PatientIndex patient, physiology::Vital vital,
                                        double value, double time_s, std::uint32_t seq,
                                        physiology::DeviceIndex device = 0) {
  physiology::Reading r;
  r.id = physiology::make_reading_id(patient, device, seq);
  r.patient = patient;
  r.device = device;
  r.vital = vital;
  r.value = value;
  r.device_time = physiology::at_seconds(time_s);
  return r;
}

// One set of vitals that scores NEWS2 far above 7 (and qSOFA 2): an alert is certain.
inline std::vector<physiology::Reading> deteriorated_set(physiology::PatientIndex patient,
                                                         double time_s,
                                                         std::uint32_t first_seq = 1) {
  using physiology::Vital;
  return {make_reading(patient, Vital::RespRate, 32, time_s, first_seq),
          make_reading(patient, Vital::SpO2, 86, time_s, first_seq + 1),
          make_reading(patient, Vital::SystolicBP, 84, time_s, first_seq + 2),
          make_reading(patient, Vital::HeartRate, 142, time_s, first_seq + 3),
          make_reading(patient, Vital::Temperature, 39.6, time_s, first_seq + 4)};
}

}  // namespace iomtsim::testing
