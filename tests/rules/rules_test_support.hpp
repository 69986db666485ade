#pragma once
// Readings for rules tests: (patient, device, seq) packed into the id as devices do.
#include <chrono>

#include "iomtsim/physiology/reading.hpp"

namespace iomtsim::rules::testing {

inline physiology::Reading reading(physiology::PatientIndex p, std::uint32_t seq, physiology::Vital v,
                                   double value, double t_s, std::uint8_t flags = 0,
                                   physiology::DeviceIndex d = 0) {
  physiology::Reading r;
  r.id = physiology::make_reading_id(p, d, seq);
  r.patient = p;
  r.device = d;
  r.vital = v;
  r.value = value;
  r.true_value = value;
  r.device_time = physiology::at_seconds(t_s);
  r.true_time = r.device_time;
  r.flags = flags;
  return r;
}

}  // namespace iomtsim::rules::testing
