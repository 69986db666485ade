#pragma once
// The one SimGrid actor that drives a simulation: it pulls the fleet's readings in time
// order, passes each device message through the shared NetworkPath (loss, latency,
// outages, store-and-forward), starts a SimGrid communication from the device's access
// point to the server the balancer picks (per message, or per access point and interval
// in aggregated mode), and when a communication completes, runs the readings through the
// server queues and the real rules, and reports every outcome to the Recorder.
//
// The fleet's physiology runs on a second thread (FleetPrefetch), a few thousand readings
// ahead of the actor, in the same order: a simulation uses two cores where it has them.
//
// Why one actor and host-to-host comms (Comm::sendto_async) instead of an actor per
// device or ward: no mailboxes, no receivers, no context switch per message; the actor
// waits with Comm::wait_any_for on the comms in flight (tens to thousands) with a timeout
// set to its next own event, so its cost per message is two simcalls.
#include <cstdint>
#include <memory>
#include <queue>
#include <unordered_map>
#include <vector>

#include "iomtsim/reports/recorder.hpp"
#include "iomtsim/sim/fleet.hpp"
#include "iomtsim/sim/fleet_prefetch.hpp"
#include "iomtsim/sim/fleet_network.hpp"
#include "iomtsim/sim/simgrid/simulate.hpp"
#include "iomtsim/reports/waveform_report.hpp"
#include "iomtsim/rules/rules_engine.hpp"
#include "ops_traffic.hpp"
#include "platform.hpp"
#include "server_pool.hpp"

namespace iomtsim::sim::simgrid::detail {

struct DriverConfig {
  const CapacityModel* capacity = nullptr;  // fidelity resolved
  SimTime end{};                            // scenario end
  std::vector<std::uint32_t> ap_of_slot;    // access point of each fleet device slot
  bool prefetch_fleet = true;               // SimulateOptions::prefetch_fleet
};

class Driver {
 public:
  Driver(Fleet& fleet, FleetNetwork& net, reports::Recorder& recorder, Platform& platform,
         ServerPool& pool, DriverConfig cfg);
  // The actor body. Throws on broken invariants (the caller catches inside the actor).
  void run();
  SimulateStats& stats() { return stats_; }
  // After run(): the waveform blocks' and the operations devices' sections of the report.
  reports::WaveformReport& waveforms() { return waveforms_; }
  reports::OpsReport& ops_report() { return ops_report_; }

 private:
  struct Msg {
    // Readings: a device message of readings. Waveform: one waveform block (no readings).
    // Ops: one operations message (no readings). The last two are one unit at a server.
    enum class Kind : std::uint8_t { Readings, Waveform, Ops };
    Kind kind = Kind::Readings;
    std::vector<physiology::Reading> readings;
    SimTime intended{};
    SimTime sent{};   // left the device (path event)
    SimTime at_ap{};  // reached the access point (path Delivered event)
    std::uint32_t slot = 0;
    std::uint32_t ap = 0;
    std::size_t bytes = 0;
    std::uint64_t samples = 0;  // Waveform: the block's samples
    OpsDeparture ops;           // Ops
  };
  using MsgPtr = std::unique_ptr<Msg>;
  struct Slot {
    reports::ChannelId channel = 0;
    scenarios::PayloadFormat format{};
    std::uint32_t batch_size = 1;
    std::vector<physiology::Reading> batch;
  };
  struct Due {
    SimTime at;
    std::uint64_t seq;
    std::uint64_t key;
    bool ops = false;  // ap_due_: key is an operations message key, not a reading id
    bool operator>(const Due& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  using DueQueue = std::priority_queue<Due, std::vector<Due>, std::greater<>>;
  struct Flight {
    std::vector<MsgPtr> msgs;
    std::uint32_t ap = 0;
    std::uint32_t server = 0;
    SimTime start{};
    std::size_t bytes = 0;
  };

  SimTime now() const;
  SimTime next_time() const;
  void process_due(SimTime now);
  void generated(const physiology::Reading& r);
  void submit(std::size_t slot, SimTime intended);
  void path_events(std::size_t slot);
  void reached_ap(std::uint64_t id, SimTime t, bool ops);
  // Waveform blocks and operations messages (driver_units.cpp).
  void generated(const physiology::WaveformBlock& b);
  void ops_step(SimTime t);
  void admit_unit(const Msg& m, std::uint32_t server, SimTime arrival, Duration back);
  void unit_outcome(const Msg& m, reports::Outcome o, SimTime at, SimTime acked);
  void finish_units();
  void start_comm(std::vector<MsgPtr> msgs, std::uint32_t ap, SimTime t);
  void completed(std::size_t index, SimTime t);
  // A reading reaching its server at `arrival`: queue, answer, rules, alerts.
  void admit(const physiology::Reading& r, const Msg& m, std::uint32_t server, SimTime arrival,
             Duration back);
  // Aggregated mode: readings wait in arrivals_ until no later-completing batch can hold
  // an earlier arrival (watermark), so servers see them in true arrival order.
  SimTime watermark() const;
  void admit_ready(SimTime upto);
  void outcome_all(const Msg& m, reports::Outcome o, SimTime at);
  SimTime link_failure(const Route& r, SimTime from, SimTime to) const;  // max(): none
  void finish();
  // Messages and message lists are recycled (a free list each): otherwise every message
  // costs two allocations and every aggregated batch a growing vector.
  MsgPtr take_msg();
  void recycle(MsgPtr m);
  std::vector<MsgPtr> take_list();
  void recycle_list(std::vector<MsgPtr>&& list);

  Fleet& fleet_;
  FleetNetwork& net_;
  reports::Recorder& recorder_;
  reports::RecorderShard& shard_;
  Platform& platform_;
  ServerPool& pool_;
  DriverConfig cfg_;
  std::unique_ptr<FleetPrefetch> feed_;  // after cfg_: built from cfg_.end
  rules::RulesEngine rules_;
  bool aggregated_ = false;
  bool fleet_exhausted_ = false;
  std::vector<Slot> slots_;
  std::vector<sim::network::PathEvent> events_;
  std::unordered_map<std::uint64_t, MsgPtr> pending_;  // submitted, not yet in a comm
  DueQueue drains_;                                    // key: slot
  DueQueue ap_due_;                                    // key: message id
  DueQueue flushes_;                                   // key: access point (aggregated)
  std::vector<std::vector<MsgPtr>> ap_batch_;          // aggregated: per access point
  std::vector<sg4::CommPtr> comms_;                    // in flight, parallel to flights_
  std::vector<Flight> flights_;
  std::unordered_map<const sg4::Link*, std::vector<ScheduledFailure>> link_failures_;
  std::vector<physiology::Alert> alerts_;
  struct Arrival {
    SimTime at;
    std::uint64_t seq;
    physiology::Reading reading;
    SimTime intended, sent;
    Duration back;
    std::uint32_t server;
    bool operator>(const Arrival& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  std::priority_queue<Arrival, std::vector<Arrival>, std::greater<>> arrivals_;
  struct UnitArrival {  // aggregated: a waveform block or operations message (a heap)
    SimTime at;
    std::uint64_t seq;
    MsgPtr msg;
    Duration back;
    std::uint32_t server;
    bool operator>(const UnitArrival& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  std::vector<UnitArrival> unit_arrivals_;  // std::push_heap with std::greater<>
  std::unique_ptr<OpsTraffic> ops_;         // nullptr: no operations devices
  std::unordered_map<std::uint64_t, MsgPtr> ops_pending_;  // by OpsDeparture::key
  std::vector<OpsDeparture> departures_;
  std::vector<std::int64_t> vital_link_;  // ops_ only: per slot, its profile's link key
  reports::WaveformReport waveforms_;
  reports::OpsReport ops_report_;
  std::vector<MsgPtr> free_msgs_;
  std::vector<std::vector<MsgPtr>> free_lists_;
  std::uint64_t seq_ = 0;
  SimulateStats stats_;
};


}  // namespace iomtsim::sim::simgrid::detail
