#pragma once
// The operations devices of one shard of a scenario, their outputs merged into one stream
// in (true_time, kind, entity, sequence) order, plus the ground truth scoring needs.
//
//   std::vector<OpsCohort> cohorts = …;            // one per scenario cohort, file order
//   OpsFleet ops(cohorts, seed, duration, /*shard_index=*/0, /*shard_count=*/1);
//   while (!ops.done()) {
//     OpsOutput out = ops.next();                   // PumpEvent, LocationFix or ImagingResult
//   }
//   OpsTruth truth = ops.finish();                  // alarms, asset tracks, acquisitions
//
// Determinism: each pump, tag and patient's imaging draws from its own stream
// (stream_seed(seed, Operations, kind, entity)), so an entity's outputs do not depend on
// the shard, the other entities or the order of calls. Shard K of N holds pumps and
// imaging of the patients it owns (patient % N == K) and the assets with asset % N == K.
//
// Memory: per entity a small state plus, for a pump, the events of its current infusion;
// asset tracks (ground truth) grow with the number of moves (a few per asset-day).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "iomtsim/physiology/ops/ops_spec.hpp"
#include "iomtsim/physiology/ops/ops_types.hpp"
#include "iomtsim/physiology/reading.hpp"
#include "iomtsim/physiology/time.hpp"

namespace iomtsim::physiology::ops {

struct OpsCohort {
  OpsSpec spec;
  std::string ward;                // the cohort's ward: the "in use" zone of its assets
  PatientIndex first_patient = 0;  // global index of the cohort's first patient
  std::uint32_t patient_count = 0;
  std::uint32_t first_asset = 0;  // global number of the cohort's first asset
};

// Builds OpsCohort values for consecutive cohorts: patients and assets numbered across
// cohorts in order.
std::vector<OpsCohort> number_cohorts(const std::vector<OpsSpec>& specs,
                                      const std::vector<std::string>& wards,
                                      const std::vector<std::uint32_t>& patient_counts);

struct OpsTruth {
  std::vector<PumpEvent> pump_alarms;         // every alarm generated, by (time, id)
  std::vector<LocationSegment> asset_tracks;  // by (asset, start); end of the last = duration
  std::vector<ImagingResult> imaging;         // every result generated, by (time, id)
};

// A floor plan position for a zone: stable, derived from the zone name (so a target and
// the simulation agree without a shared table). Metres.
struct FloorPoint {
  double x_m = 0.0;
  double y_m = 0.0;
};
FloorPoint zone_center(const std::string& zone);

class OpsFleet {
 public:
  // Throws std::invalid_argument for a spec it cannot simulate (more than
  // kMaxPumpsPerPatient pumps, a zero interval, a shard index out of range).
  OpsFleet(const std::vector<OpsCohort>& cohorts, std::uint64_t seed, Duration duration,
           std::uint32_t shard_index = 0, std::uint32_t shard_count = 1);
  ~OpsFleet();
  OpsFleet(OpsFleet&&) noexcept;
  OpsFleet& operator=(OpsFleet&&) noexcept;

  bool done() const;
  SimTime next_time() const;  // SimTime::max() when done
  OpsOutput next();           // throws std::logic_error when done()
  std::size_t entity_count() const;

  // Ground truth so far (tracks end at the current time); after finish(), final.
  OpsTruth finish();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace iomtsim::physiology::ops
