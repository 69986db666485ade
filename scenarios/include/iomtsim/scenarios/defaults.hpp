#pragma once
// Defaults the loader fills in when a file leaves something out, per device type,
// archetype and condition. Figures follow docs/clinical.md: monitor numerics
// every minute, NIBP every 15 min, CGM every 5 min, spot checks every 4 h, wearable
// completeness (HR/RR 81 %, temperature 92 %, SpO2 69 %, BP 38 %).
#include <optional>
#include <string>
#include <vector>

#include "iomtsim/physiology/cohort_spec.hpp"

namespace iomtsim::scenarios {

struct DeviceTypeInfo {
  std::vector<physiology::Vital> can_measure;     // anything else is an error in a file
  std::vector<physiology::MeasureSpec> default_measures;
  bool can_stream_ecg = false;
  bool can_stream_ppg = false;
  std::optional<physiology::Duration> battery_life;  // nullopt: mains powered
  double missing_fraction = 0.0;
  std::string description;  // plain words for `explain`
};
const DeviceTypeInfo& device_type_info(physiology::DeviceType type);

struct ArchetypeDefaults {
  physiology::Demographics demographics;
  // Devices a cohort gets when its file lists none (measures already defaulted).
  std::vector<physiology::DeviceModelSpec> devices;
  std::string network_profile;  // for devices that name none
  std::string description;
};
const ArchetypeDefaults& archetype_defaults(physiology::Archetype a);

struct ConditionDefaults {
  physiology::Course course = physiology::Course::Progressive;
  std::optional<physiology::Distribution> duration_s;  // self-limiting episodes
  std::string description;
};
const ConditionDefaults& condition_defaults(physiology::ConditionKind c);

// Plausible physical/clinical range of a vital in its canonical unit, for validating
// baselines (a heart rate of 400 is an error).
struct VitalRange {
  double lo;
  double hi;
};
VitalRange vital_range(physiology::Vital v);

}  // namespace iomtsim::scenarios
