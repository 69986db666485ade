#pragma once
// The one SimGrid actor that carries a simulation's messages: it asks the device side
// (sim::device_side::DeviceSide: the fleet, batching, network paths, operations devices,
// accounting) for its next event, and when a message departs (reaches its access point),
// starts a SimGrid communication from that access point to the server the balancer picks
// (per message, or per access point and interval in aggregated mode). When a
// communication completes, the modelled target serves what it carried: readings go
// through the server queues and the real rules, a waveform block or operations message is
// one unit of work; each outcome goes back to the device side.
//
// The modelled target's side of the operations devices lives here too: it raises an alert
// for each pump alarm it acknowledges (received alert_delivery after the answer is back),
// and answers asset queries from the last location fix it finished serving before the
// query reached it (response time: the route there and back plus one service time; queries
// take no server worker, a known simplification).
//
// Why one actor and host-to-host comms (Comm::sendto_async) instead of an actor per
// device or ward: no mailboxes, no receivers, no context switch per message; the actor
// waits with Comm::wait_any_for on the comms in flight (tens to thousands) with a timeout
// set to its next own event, so its cost per message is two simcalls.
#include <cstdint>
#include <memory>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "iomtsim/reports/recorder.hpp"
#include "iomtsim/rules/rules_engine.hpp"
#include "iomtsim/sim/device_side/device_side.hpp"
#include "iomtsim/sim/run_frame.hpp"
#include "iomtsim/sim/simgrid/simulate.hpp"
#include "ops_access.hpp"
#include "platform.hpp"
#include "pipeline.hpp"
#include "server_pool.hpp"

namespace iomtsim::sim::simgrid::detail {

struct DriverConfig {
  const CapacityModel* capacity = nullptr;  // fidelity resolved
  // The modelled target's rules: the defaults with the scenario's SpO2 targets
  // (sim::apply_spo2_targets), as the embedded target of a real-time run has them.
  rules::RuleSet rules = rules::RuleSet::defaults();
  SimTime end{};                            // scenario end
  RunFrame* frame = nullptr;                // stop requests (check_stop); may be null
  // The device side retries (target.retry attempts > 1): a message whose every reading the
  // target refused (a full queue: 503) or lost (a server down) goes back whole, retryable,
  // as a real device's request would; otherwise its readings end one by one. Aggregated
  // fidelity serves readings apart from their messages and never retries.
  bool retries = false;
  // Communications started in [measure_from, end) count towards the links' utilisation.
  SimTime measure_from{};
};

class Driver {
 public:
  Driver(device_side::DeviceSide& side, const OpsAccess& access, reports::Recorder& recorder,
         Platform& platform, Pipeline& pipeline, DriverConfig cfg);
  // The actor body. Throws on broken invariants (the caller catches inside the actor).
  void run();
  SimulateStats& stats() { return stats_; }
  // After run(): each link's utilisation over [measure_from, end) (bytes carried x 8 over
  // bandwidth x window), by name; links no measured communication crossed are left out.
  std::vector<reports::ResourceUse> link_uses() const;
  // After run(): the sections the device side filled.
  device_side::Sections& sections() { return sections_; }

 private:
  using MessagePtr = device_side::MessagePtr;
  struct Due {
    SimTime at;
    std::uint64_t seq;
    std::uint64_t key;  // access point
    bool operator>(const Due& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  struct Flight {
    std::vector<MessagePtr> msgs;
    std::uint32_t ap = 0;
    std::uint32_t server = 0;
    SimTime start{};
    std::size_t bytes = 0;
  };
  struct Fix {  // a location fix the modelled target finished serving
    SimTime served;
    SimTime device_time;
    std::string zone;
  };

  SimTime now() const;
  void process_due(SimTime now);
  void reached_ap(MessagePtr m, SimTime t);
  void start_comm(std::vector<MessagePtr> msgs, std::uint32_t ap, SimTime t);
  void completed(std::size_t index, SimTime t);
  // A reading reaching its server at `arrival`: queue, answer, rules, alerts.
  void admit(const physiology::Reading& r, SimTime intended, SimTime sent, std::uint32_t server,
             SimTime arrival, Duration back);
  // `a` is the front stage's admission; an accepted reading goes on through the later
  // stages (if any) before it is answered.
  void answer(const physiology::Reading& r, SimTime intended, SimTime sent, const Admission& a,
              Duration back);
  void answered(const physiology::Reading& r, SimTime intended, SimTime sent, const Admission& a,
                Duration back);
  // Later stages: readings whose next arrival is at or before `upto` move on (pipeline.hpp).
  void advance_stages(SimTime upto);
  // Retries on, per-message fidelity: serves a readings message; false when the target
  // refused or lost all of it (then it went back to the device side whole, retryable).
  bool admit_message(MessagePtr& m, std::uint32_t server, SimTime arrival, Duration back);
  // A waveform block or operations message reaching its server: one unit of work.
  void admit_unit(MessagePtr m, std::uint32_t server, SimTime arrival, Duration back);
  // Aggregated mode: readings wait in arrivals_ until no later-completing batch can hold
  // an earlier arrival (watermark), so servers see them in true arrival order.
  SimTime watermark() const;
  void admit_ready(SimTime upto);
  void fail_all(std::vector<MessagePtr>& msgs, reports::Outcome o, SimTime at);
  SimTime link_failure(const Route& r, SimTime from, SimTime to) const;  // max(): none
  void answer_queries();
  void finish();
  // Message lists are recycled (a free list): otherwise every aggregated batch costs a
  // growing vector.
  std::vector<MessagePtr> take_list();
  void recycle_list(std::vector<MessagePtr>&& list);

  device_side::DeviceSide& side_;
  const OpsAccess& access_;
  reports::RecorderShard& alerts_shard_;  // the rules' alerts
  Platform& platform_;
  Pipeline& pipeline_;
  ServerPool& pool_;  // the front stage
  DriverConfig cfg_;
  // A reading between the front stage and the answer, by Pipeline token (slot index).
  struct InPipeline {
    physiology::Reading reading;
    SimTime intended{}, sent{};
    Duration back{};
  };
  std::vector<InPipeline> in_pipeline_;
  std::vector<std::uint64_t> free_slots_;
  rules::RulesEngine rules_;
  bool aggregated_ = false;
  std::vector<MessagePtr> departed_;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> flushes_;  // aggregated
  std::vector<std::vector<MessagePtr>> ap_batch_;  // aggregated: per access point
  std::vector<sg4::CommPtr> comms_;                // in flight, parallel to flights_
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
    MessagePtr msg;
    Duration back;
    std::uint32_t server;
    bool operator>(const UnitArrival& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  std::vector<UnitArrival> unit_arrivals_;                     // std::push_heap with std::greater<>
  std::vector<MessagePtr> queries_;                            // asset queries, answered at the end
  std::unordered_map<std::uint32_t, std::vector<Fix>> fixes_;  // by asset
  std::vector<std::vector<MessagePtr>> free_lists_;
  std::vector<Admission> admissions_;  // admit_message's, reused
  std::uint64_t seq_ = 0;
  std::unordered_map<sg4::Link*, double> link_bytes_;  // measured window
  SimulateStats stats_;
  device_side::Sections sections_;
};

}  // namespace iomtsim::sim::simgrid::detail
