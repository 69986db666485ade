#pragma once
// Where an engine's device outputs come from: the one real-time engine is fed either by
// the scenario's simulated fleet (`iomtsim run`) or by a recording (`iomtsim replay`), and
// carries both through the same network paths, transports and accounting.
//
// A source holds one engine thread's part of the patients (ShardSpec) and yields their
// outputs in global time order: (true_time, patient, device, sequence). Each device it
// carries is described by a sim::FleetDevice (format, batch, network profile, ward), whose
// pointers go into the Scenario the factory was given; that Scenario outlives the source.
//
//   SourceFactory f = fleet_source();                      // what `run` uses
//   std::unique_ptr<OutputSource> s = f(scenario, ShardSpec{0, 2});
//   while (!s->done()) { auto out = s->next(); … }
//   std::vector<physiology::Episode> truth = s->finish();  // ground truth of its patients
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "iomtsim/physiology/episode.hpp"
#include "iomtsim/physiology/patient_generator.hpp"
#include "iomtsim/scenarios/scenario.hpp"
#include "iomtsim/sim/fleet.hpp"
#include "iomtsim/sim/shard_spec.hpp"

namespace iomtsim::loadgen {

class OutputSource {
 public:
  virtual ~OutputSource() = default;
  // The devices of this part, patient-major; a device's position here is its slot.
  virtual const std::vector<sim::FleetDevice>& devices() const = 0;
  // Slot of (p, d); throws std::out_of_range for a device this part does not hold.
  virtual std::size_t device_slot(physiology::PatientIndex p, physiology::DeviceIndex d) const = 0;
  virtual bool done() const = 0;
  virtual physiology::SimTime next_time() const = 0;  // SimTime::max() when done
  virtual physiology::DeviceOutput next() = 0;        // throws std::logic_error when done
  // The final ground-truth episodes of this part's patients (call once, at the end).
  virtual std::vector<physiology::Episode> finish() = 0;
  // The ground truth known so far (an episode's `end` is provisional until it resolves),
  // for a recording that must stay scorable if the run is killed; none by default.
  virtual std::vector<physiology::Episode> episodes() const { return {}; }
};

// Makes one engine thread's source. Called on the thread that calls run(), once per engine.
using SourceFactory =
    std::function<std::unique_ptr<OutputSource>(const scenarios::Scenario& scenario, sim::ShardSpec part)>;

// The scenario's simulated patients (sim::Fleet).
SourceFactory fleet_source();

}  // namespace iomtsim::loadgen
