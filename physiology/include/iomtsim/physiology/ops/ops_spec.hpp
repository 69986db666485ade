#pragma once
// What a scenario says about a cohort's operations devices: infusion pumps on its
// patients, RTLS-tagged equipment on its ward, and point-of-care imaging for its patients.
// Plain values in canonical units; the scenario loader builds them. All counts default to
// zero: a cohort without `operations:` has no operations devices.
#include <cstdint>
#include <string>
#include <vector>

#include "iomtsim/physiology/random.hpp"
#include "iomtsim/physiology/time.hpp"

namespace iomtsim::physiology::ops {

struct PumpSpec {
  std::uint32_t per_patient = 0;  // 0 .. kMaxPumpsPerPatient
  Duration status_interval = std::chrono::minutes(5);
  double alarms_per_day = 4.0;                // occlusion / air-in-line, per infusing pump-day
  double battery_low_fraction = 0.1;          // pumps that raise one battery-low alarm in the run
  Duration gap_mean = std::chrono::hours(1);  // mean idle time between infusions
  bool operator==(const PumpSpec&) const = default;
};

struct AssetSpec {
  std::uint32_t count = 0;                           // tagged assets on this cohort's ward
  Duration fix_interval = std::chrono::seconds(60);  // while stationary (plus one on arrival)
  double moves_per_day = 6.0;                        // mean zone changes per asset per day
  // The route an asset cycles through, in order (in use -> dirty -> cleaning -> storage);
  // empty: {<ward>, "dirty_utility", "cleaning", "storage"}. Moves pass through "corridor".
  std::vector<std::string> route;
  std::vector<std::string> dead_spots;  // zones where tags are never heard
  double weak_battery_fraction = 0.1;   // tags that miss fixes and die early
  bool operator==(const AssetSpec&) const = default;
};

struct ImagingSpec {
  double procedures_per_day = 0.0;  // per patient
  std::uint32_t results_per_procedure = 3;
  // Size of one ultrasound result's media, bytes (blood gas / ECG results are small).
  Distribution ultrasound_bytes =
      Distribution::make(Distribution::Kind::LogNormal, 600.0 * 1024, 0.8);
  // Share of procedures that are a bedside X-ray (one computed-radiography film of 5.5 to
  // 8 MiB). 0 draws nothing more, so scenarios without X-ray keep their streams.
  double xray_fraction = 0.0;
  bool operator==(const ImagingSpec&) const = default;
};

struct OpsSpec {
  PumpSpec pumps;
  AssetSpec assets;
  ImagingSpec imaging;
  bool empty() const {
    return pumps.per_patient == 0 && assets.count == 0 && imaging.procedures_per_day <= 0.0;
  }
  bool operator==(const OpsSpec&) const = default;
};

}  // namespace iomtsim::physiology::ops
