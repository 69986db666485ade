#pragma once
// Where an engine's device outputs come from: the one real-time engine is fed either by
// the scenario's simulated fleet (`iomtsim run`) or by a recording (`iomtsim replay`), and
// its device side (sim::device_side::DeviceSide) carries both through the same network
// paths and accounting.
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
#include "iomtsim/sim/device_side/output_source.hpp"
#include "iomtsim/sim/shard_spec.hpp"

namespace iomtsim::loadgen {

// The device side's source interface (sim/device_side/output_source.hpp).
using OutputSource = sim::device_side::OutputSource;

// Makes one engine thread's source. Called on the thread that calls run(), once per engine.
using SourceFactory =
    std::function<std::unique_ptr<OutputSource>(const scenarios::Scenario& scenario, sim::ShardSpec part)>;

// The scenario's simulated patients (sim::Fleet).
SourceFactory fleet_source();

}  // namespace iomtsim::loadgen
