#pragma once
// The fleet: the patients and devices of one shard of a scenario, and their outputs
// merged into one stream in global time order.
//
// Patients get global indices 0, 1, … continuous across cohorts in file order (cohort 0's
// patients first). This shard holds patient p iff p % shard.count == shard.index (see
// shard_spec.hpp); each is a physiology::PatientGenerator built from (cohort, p,
// scenario seed, scenario duration), so patient p is the same patient in every shard.
//
// Order: next() yields outputs in (true_time, patient, device, sequence) order. Because
// that order is total and each patient is shard-independent, merging the streams of all N
// shards by the same key gives exactly the single-process stream (tests check it).
//
// Memory: the generators (a few KiB each), one heap entry per patient and one FleetDevice
// per device: it grows with the number of devices, never with the run length.
//
// Lifetime: FleetDevice points into the Fleet's own copy of the scenario; the pointers
// stay valid for the Fleet's life, moves included.
//
//   Fleet fleet(scenario, ShardSpec{0, 1});
//   while (!fleet.done()) {
//     physiology::DeviceOutput out = fleet.next();
//     const FleetDevice& dev = fleet.device_of(out);   // format, network profile, ward …
//   }
//   std::vector<physiology::Episode> truth = fleet.finish();
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "iomtsim/physiology/episode.hpp"
#include "iomtsim/physiology/patient_generator.hpp"
#include "iomtsim/physiology/reading.hpp"
#include "iomtsim/physiology/time.hpp"
#include "iomtsim/scenarios/scenario.hpp"
#include "iomtsim/sim/merge_queue.hpp"
#include "iomtsim/sim/shard_spec.hpp"

namespace iomtsim::sim {

using physiology::DeviceIndex;
using physiology::DeviceOutput;
using physiology::PatientIndex;
using physiology::SimTime;

// A scenario the fleet cannot build: an invalid shard, a device naming a network profile
// the scenario does not define, cohort device lists out of step, more patients than a
// reading id can address.
class FleetError : public std::invalid_argument {
 public:
  explicit FleetError(const std::string& what) : std::invalid_argument(what) {}
};

// What the engines need to know about one device to carry its readings.
struct FleetDevice {
  PatientIndex patient = 0;  // global
  DeviceIndex device = 0;    // within the patient (same order as the cohort's devices)
  std::uint32_t cohort = 0;  // index into Scenario::cohorts
  const scenarios::Cohort* cohort_spec = nullptr;
  const scenarios::DeviceSpec* spec = nullptr;         // format, gateway, batch, model
  const scenarios::NetworkProfile* network = nullptr;  // resolved spec->network_profile
  const std::string& ward() const { return cohort_spec->ward; }
  scenarios::PayloadFormat format() const { return spec->format; }
  // Non-empty: the device shares one uplink with the cohort devices naming this gateway.
  const std::string& gateway() const { return spec->gateway; }
};

class Fleet {
 public:
  // Builds this shard's patients. Throws FleetError (see above), or std::invalid_argument
  // from PatientGenerator for a cohort it cannot simulate.
  Fleet(const scenarios::Scenario& scenario, ShardSpec shard = {});
  ~Fleet();
  Fleet(Fleet&&) noexcept;
  Fleet& operator=(Fleet&&) noexcept;

  const scenarios::Scenario& scenario() const { return *scenario_; }
  ShardSpec shard() const { return shard_; }

  // The merged stream.
  bool done() const { return queue_.empty(); }
  SimTime next_time() const;  // SimTime::max() when done
  DeviceOutput next();        // throws std::logic_error when done()

  // This shard's patients, by shard-local position (global index = shard.global_of(i)).
  std::size_t patient_count() const { return patients_.size(); }
  const physiology::PatientInfo& patient_info(std::size_t local) const;
  std::uint32_t cohort_of_local(std::size_t local) const { return cohort_of_[local]; }
  bool holds(PatientIndex p) const {
    return shard_.owns(p) && shard_.local_of(p) < patients_.size();
  }
  // Scenario-wide figures, for reports and for checking shard sums.
  std::uint64_t total_patients() const { return total_patients_; }

  // Per-device metadata. Throws std::out_of_range for a device this shard does not hold.
  std::size_t device_count() const { return devices_.size(); }
  const FleetDevice& device(PatientIndex p, DeviceIndex d) const;
  // The position of (p, d) in devices(), e.g. for FleetNetwork::path(). Same throws.
  std::size_t device_slot(PatientIndex p, DeviceIndex d) const;
  const FleetDevice& device_of(const DeviceOutput& out) const;
  const std::vector<FleetDevice>& devices() const { return devices_; }  // patient-major

  // Ground truth. episodes() is provisional while the run goes on; finish() advances every
  // patient to the scenario end and returns the final episodes, by (patient, episode id).
  std::vector<physiology::Episode> episodes() const;
  std::vector<physiology::Episode> finish();

  // Bytes held by the generators and the fleet's own tables (not the outputs returned).
  std::size_t memory_bytes() const;

 private:
  std::unique_ptr<scenarios::Scenario> scenario_;  // stable address for FleetDevice
  ShardSpec shard_;
  std::uint64_t total_patients_ = 0;
  std::vector<physiology::PatientGenerator> patients_;  // shard-local order
  std::vector<std::uint32_t> cohort_of_;                // per local patient
  std::vector<std::uint32_t> first_device_;             // per local patient, into devices_
  std::vector<FleetDevice> devices_;
  MergeQueue queue_;
};

}  // namespace iomtsim::sim
