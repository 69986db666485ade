#pragma once
// Where the device side's outputs come from: the scenario's simulated fleet (`run`,
// `simulate`), the same fleet generated on a second thread (FleetPrefetch, `simulate`), or
// a recording (`replay`, loadgen's recording_source). The device side carries them all
// through the same batching, network paths and accounting.
//
// A source holds one part of the patients (ShardSpec) and yields their outputs in global
// time order: (true_time, patient, device, sequence). Each device it carries is described
// by a sim::FleetDevice (format, batch, network profile, ward), whose pointers go into a
// Scenario that outlives the source.
//
//   std::unique_ptr<OutputSource> s = fleet_source(scenario, ShardSpec{0, 2});
//   while (!s->done()) { auto out = s->next(); … }
//   std::vector<physiology::Episode> truth = s->finish();  // ground truth of its patients
#include <cstddef>
#include <memory>
#include <vector>

#include "iomtsim/physiology/episode.hpp"
#include "iomtsim/physiology/reading.hpp"
#include "iomtsim/scenarios/scenario.hpp"
#include "iomtsim/sim/fleet.hpp"
#include "iomtsim/sim/shard_spec.hpp"

namespace iomtsim::sim::device_side {

class OutputSource {
 public:
  virtual ~OutputSource() = default;
  // The devices of this part, patient-major; a device's position here is its slot.
  virtual const std::vector<FleetDevice>& devices() const = 0;
  // Slot of (p, d); throws std::out_of_range for a device this part does not hold.
  virtual std::size_t device_slot(physiology::PatientIndex p, physiology::DeviceIndex d) const = 0;
  // done() and next_time() may wait (a prefetching source), hence not const.
  virtual bool done() = 0;
  virtual physiology::SimTime next_time() = 0;  // SimTime::max() when done
  virtual physiology::DeviceOutput next() = 0;  // throws std::logic_error when done
  // The final ground-truth episodes of this part's patients (call once, at the end).
  virtual std::vector<physiology::Episode> finish() = 0;
  // The ground truth known so far (an episode's `end` is provisional until it resolves),
  // for a recording that must stay scorable if the run is killed; none by default.
  virtual std::vector<physiology::Episode> episodes() const { return {}; }
};

// The scenario's simulated patients of `part` (sim::Fleet).
std::unique_ptr<OutputSource> fleet_source(const scenarios::Scenario& scenario, ShardSpec part);

// `fleet`'s outputs up to `end`, generated `threaded` on a second thread ahead of the
// consumer (sim::FleetPrefetch). `fleet` must outlive the source.
std::unique_ptr<OutputSource> prefetch_source(Fleet& fleet, physiology::SimTime end,
                                              bool threaded = true);

}  // namespace iomtsim::sim::device_side
