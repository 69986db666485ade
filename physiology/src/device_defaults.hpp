#pragma once
// Per-device-type defaults: missing data, artifacts, battery. Figures from docs/clinical.md
// ("Devices and their data"): wearable completeness HR/RR 81 %, temperature 92 %,
// SpO2 69 %; SpO2 probes cause most false alarms; clocks drift 20-100 ppm.
#include <optional>

#include "iomtsim/physiology/cohort_spec.hpp"

namespace iomtsim::physiology::detail {

struct DeviceProfile {
  double missing_fraction = 0.0;     // of scheduled outputs lost in gaps
  double mean_gap_s = 120.0;         // gaps are bursty: wireless dropouts, off-body time
  double motion_per_h = 0.0;         // motion-artifact events per hour
  double motion_median_s = 30.0;
  double probe_off_per_h = 0.0;      // probe/lead-off events per hour
  double probe_off_median_s = 240.0;
  double probe_off_emit_p = 0.3;     // chance a probe-off instant emits a (flagged) value
  double nibp_failure = 0.0;         // fraction of NIBP cycles that fail outright
  std::optional<double> battery_life_s;  // nullopt: mains powered
  double battery_start_min = 1.0;    // initial charge drawn from [min, 1]
  double recharge_median_s = 5400.0;
  double numeric_noise_scale = 1.0;  // wearables are noisier than wired monitors
};

DeviceProfile default_profile(DeviceType type);
// The same, built once per process and shared by every device of the type (a copy per
// device was 104 of the 4096 bytes a patient may use, five times over for five devices).
// missing_fraction and battery_life_s may be overridden per device: DeviceModel keeps
// those two itself.
const DeviceProfile& shared_profile(DeviceType type);

}  // namespace iomtsim::physiology::detail
