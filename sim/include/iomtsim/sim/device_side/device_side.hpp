#pragma once
// The device side, written once for both engines: the devices of one part of a scenario
// (or of a recording), their batching, their network paths with store-and-forward, the
// operations devices and staff asset queries, the timed queue that orders all of it, and
// the accounting of every reading, waveform block and operations message into exactly one
// outcome bucket. No sockets, no SimGrid: an engine only carries the messages.
//
// An engine's loop (real time: on a wall clock; simulated time: on SimGrid's):
//
//   DeviceSide side(config);
//   std::vector<MessagePtr> out;
//   while (side.next_time() != SimTime::max()) {
//     wait until side.next_time() (or carry answers meanwhile);
//     side.step(now, out);                         // one event; departures land in `out`
//     for (auto& m : out) carry(std::move(m));     // socket / access point, from m->departs
//     out.clear();
//   }
//   … as answers come: side.finish(std::move(m), Result{Outcome::Acknowledged, sent, at});
//   … at the end, every message still carried: side.finish(std::move(m), {InFlight, …});
//   Sections s = side.close();                     // the rest is in flight; episodes recorded
//
// Order: events at the same instant run as: the source's next output, then an operations
// device's output, then an asset query, then buffer drains, then departures (drains and
// departures each in the order they were scheduled: TimedQueue). So a scenario's readings
// keep their order whether or not it has operations devices, and both engines see the same
// sequence.
//
// Accounting: readings go to the config's RecorderShard (on_generated when the source
// yields them, on_outcome when final); waveform blocks and operations messages go to the
// Sections that close() returns. Every message departs at most once per attempt and ends
// in exactly one bucket; a message the engine never gives back, or an event naming a
// message the device side does not hold, is a broken invariant (InternalError).
//
// Retries (RetryPolicy): an engine reports an attempt that a device would retry with
// Result::retryable (and the target's Retry-After); the device side schedules the same
// message again (same key and wire_id) until the policy's attempts are used, counting
// attempts and retries in DeliveryStats. The default policy makes one attempt.
//
// Threads: one DeviceSide per engine thread; nothing here locks.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "iomtsim/physiology/ops/ops_types.hpp"
#include "iomtsim/reports/ops_report.hpp"
#include "iomtsim/reports/outcome_codes.hpp"
#include "iomtsim/reports/recorder.hpp"
#include "iomtsim/reports/waveform_report.hpp"
#include "iomtsim/scenarios/scenario.hpp"
#include "iomtsim/sim/device_side/message.hpp"
#include "iomtsim/sim/device_side/output_source.hpp"
#include "iomtsim/sim/fleet.hpp"
#include "iomtsim/sim/shard_spec.hpp"

namespace iomtsim::sim::device_side {

// A broken internal invariant of the device side or of an engine using it: a bug, never
// bad input.
class InternalError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// Called on the device side's thread; for live progress displays.
struct Hooks {
  std::function<void(std::size_t readings)> generated;
  // Readings reached their final outcome; `latency_ns` (intended send -> answer) when
  // acknowledged, else 0.
  std::function<void(reports::Outcome outcome, std::size_t readings, std::int64_t latency_ns)>
      final;
};

struct DeviceSideConfig {
  const scenarios::Scenario* scenario = nullptr;  // outlives the device side
  ShardSpec part{};  // its patients and assets (operations devices, asset queries)
  // nullptr: the scenario's fleet of `part` (fleet_source).
  std::unique_ptr<OutputSource> source;
  // Also the scenario's operations devices (pumps, asset tags, imaging) and asset queries.
  bool operations = true;
  reports::Recorder* recorder = nullptr;  // outlives the device side
  SimTime end{};                          // nothing is generated after it
  // Wall time of scenario zero in pre-encoded bodies (timestamps are fixed width: 0 gives
  // the same sizes, for an engine that only needs them).
  std::int64_t epoch_unix_ms = 0;
  RetryPolicy retry;
  // Sees every output taken from the source, in order (loadgen's --record).
  std::function<void(const physiology::DeviceOutput&)> tap;
  // Shared media of the engine's own (simulated time: access points) on which an imaging
  // result slows the vital signs crossing it, next to the profiles' shared links: one key
  // per device slot and one per operations event; empty / unset: none. See OpsReport's
  // vitals_latency_during_imaging.
  std::vector<std::int64_t> medium_of_slot;
  std::function<std::int64_t(const physiology::ops::OpsOutput&)> medium_of_ops;
  Hooks hooks;
  // When each device is switched on, by slot (empty: every device at scenario zero): its
  // readings and waveform blocks measured before then are not generated (not counted, not
  // carried, no tap). simulate sets it from the seed (phases) and time.ramp_up.
  std::vector<SimTime> start_of_slot;
  // Readings and waveform blocks measured before this instant load the pipeline like any
  // other but are not scored: the recorder never sees them (ramp-up and warm-up).
  SimTime score_from{};
  // At the source's end, send each device's partial batch at once (true: what a device
  // told to stop would do). simulate sets false: a device still filling a batch when the
  // run ends keeps it (in flight at the end), instead of the whole fleet flushing in the
  // same instant, a burst no real fleet sends that overflowed the queues of runs below
  // saturation.
  bool send_partial_batches_at_end = true;
};

// Departures (attempts), retries included; the report's delivery_attempts.
using DeliveryStats = reports::AttemptCounts;

// What close() returns: the sections of the report the device side fills itself.
struct Sections {
  std::vector<physiology::Episode> episodes;  // the source's final ground truth (also recorded)
  reports::WaveformReport waveforms;
  reports::OpsReport ops;  // sorted; scores left to Report::rescore()
  DeliveryStats delivery;
  // The target's answers by protocol and code: tallied by a carrier that hears them (loadgen's
  // transports), empty from close() and in simulated time.
  reports::OutcomeCodes outcome_codes;
  // What reached the target's record (reports/chart.hpp): read back by loadgen's chart
  // reader when the scenario asks; empty from close() and in simulated time.
  reports::ChartReport chart;
};

// Figures known while running.
struct Counts {
  std::uint64_t readings = 0;         // generated
  std::uint64_t waveform_blocks = 0;  // generated
  std::uint64_t ops_messages = 0;     // generated (pump events, fixes, imaging results)
  std::uint64_t asset_queries = 0;    // asked
};

class DeviceSide {
 public:
  // Throws FleetError / NetworkConfigError / std::invalid_argument for a scenario its parts
  // cannot build.
  explicit DeviceSide(DeviceSideConfig config);
  ~DeviceSide();
  DeviceSide(const DeviceSide&) = delete;
  DeviceSide& operator=(const DeviceSide&) = delete;

  const std::vector<FleetDevice>& devices() const;
  std::size_t device_slot(physiology::PatientIndex p, physiology::DeviceIndex d) const;

  // The next event's instant; SimTime::max() when nothing is left to do. Not const: on
  // the source's end it sends the devices' partial batches (which schedules departures).
  SimTime next_time();
  // The next departure's instant (SimTime::max(): none scheduled).
  SimTime next_departure() const;
  // Runs the next event if it is due at or before `until`: appends what departs to `out`.
  // Returns whether an event ran.
  bool step(SimTime until, std::vector<MessagePtr>& out);
  // Nothing more is generated or drained (a stop request); scheduled departures remain.
  void stop();

  // An attempt of `m` ended (see Result). Final unless the retry policy takes it again.
  void finish(MessagePtr m, const Result& result);
  // One reading of a message ended on its own; `intended` is its message's. The message
  // itself goes back with release() (before or after its readings' outcomes).
  void finish_reading(const physiology::Reading& r, SimTime intended, const Result& result);
  void release(MessagePtr m);
  // The message's bytes reached the target at `at` (an imaging result stops loading its
  // link then; without this call, at its final outcome).
  void reached_target(const Message& m, SimTime at);
  // A modelled target's alert for pump alarm `event_id` came back at `received`.
  void alarm_alerted(std::uint64_t event_id, SimTime received);

  // The end: what is still buffered, batched or waiting to depart is in flight; the
  // source's episodes go to the recorder. Throws InternalError when the engine still holds
  // messages or readings (it must finish them, in flight, first). Call once.
  Sections close();

  // The source's ground truth so far (provisional ends; OutputSource::episodes()).
  std::vector<physiology::Episode> episodes() const;

  const Counts& counts() const;
  const DeliveryStats& delivery_stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace iomtsim::sim::device_side
