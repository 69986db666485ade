#include "device_defaults.hpp"

#include <array>

namespace iomtsim::physiology::detail {

DeviceProfile default_profile(DeviceType type) {
  DeviceProfile p;
  switch (type) {
    case DeviceType::BedsideMonitor:  // wired: rare gaps, probe trouble now and then
      p.missing_fraction = 0.02;
      p.mean_gap_s = 60.0;
      p.motion_per_h = 0.4;
      p.probe_off_per_h = 0.1;
      break;
    case DeviceType::WearableEcgPatch:  // HR/RR completeness 81 %
      p.missing_fraction = 0.19;
      p.mean_gap_s = 240.0;
      p.motion_per_h = 0.8;
      p.probe_off_per_h = 0.08;
      p.probe_off_emit_p = 0.0;
      p.battery_life_s = 7.0 * 86400.0;
      p.battery_start_min = 0.5;
      p.numeric_noise_scale = 1.5;
      break;
    case DeviceType::PulseOximeter:  // SpO2 completeness 69 % (gaps + probe-off + battery)
      p.missing_fraction = 0.27;
      p.mean_gap_s = 300.0;
      p.motion_per_h = 1.0;
      p.probe_off_per_h = 0.15;
      p.battery_life_s = 30.0 * 3600.0;
      p.battery_start_min = 0.3;
      p.numeric_noise_scale = 1.3;
      break;
    case DeviceType::NibpCuff:
      p.missing_fraction = 0.02;
      p.mean_gap_s = 60.0;
      p.motion_per_h = 0.3;
      p.nibp_failure = 0.04;
      break;
    case DeviceType::Cgm:
      p.missing_fraction = 0.05;
      p.mean_gap_s = 1200.0;
      p.battery_life_s = 10.0 * 86400.0;
      p.battery_start_min = 0.1;
      p.recharge_median_s = 7200.0;  // sensor change and warm-up
      break;
    case DeviceType::SmartScale:
      p.missing_fraction = 0.10;  // missed weigh-ins
      p.mean_gap_s = 60.0;
      p.battery_life_s = 365.0 * 86400.0;
      break;
    case DeviceType::Thermometer:  // temperature completeness 92 %
      p.missing_fraction = 0.08;
      p.mean_gap_s = 600.0;
      p.probe_off_per_h = 0.05;
      p.probe_off_emit_p = 0.5;
      p.battery_life_s = 3.0 * 86400.0;
      p.battery_start_min = 0.4;
      break;
    case DeviceType::InfusionPump:
      p.missing_fraction = 0.01;
      break;
  }
  return p;
}

const DeviceProfile& shared_profile(DeviceType type) {
  static const auto table = [] {
    std::array<DeviceProfile, kDeviceTypeCount + 1> t{};  // last: an unknown type's defaults
    for (std::size_t i = 0; i < kDeviceTypeCount; ++i) t[i] = default_profile(static_cast<DeviceType>(i));
    return t;
  }();
  const auto i = static_cast<std::size_t>(type);
  return table[i < kDeviceTypeCount ? i : kDeviceTypeCount];
}

}  // namespace iomtsim::physiology::detail
