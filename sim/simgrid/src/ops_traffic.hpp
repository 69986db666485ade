#pragma once
// The hospital operations devices of a simulation (infusion pumps, RTLS asset tags,
// point-of-care imaging), their device-side network, the modelled target's side of their
// scoring (pump-alarm alerts, asset locations it can answer with) and the OpsReport.
// Owned and called by the Driver only. Mirrors loadgen's OpsDriver (loadgen/src/
// ops_driver.*) with the target modelled instead of asked:
//
//  - generation: sim::make_ops_fleet(scenario) (the same numbering as `iomtsim run`);
//  - device network: one NetworkPath per operations device, path id
//    make_ops_id(kind, entity, 0xFFFFFFFF) over its channel's profile and the profile's
//    shared link from the fleet's LinkRegistry (so imaging results queue with the vital
//    signs on a bandwidth-limited profile, and the random streams are the real run's);
//  - size: the encoded body (payloads::encode_pump_oru / encode_pump_bundle /
//    encode_location_observation / encode_diagnostic_report, epoch 0: the timestamps are
//    fixed width, so the sizes are those of a real run);
//  - access point: a pump's or an imaging device's is its patient's first device's; the
//    asset tags of a cohort are spread round robin over its patients' access points;
//  - pump alarm: the target raises an alert when it has processed the message; it is
//    received alert_delivery after the acknowledgement is back (as clinical alerts);
//  - asset query (GET /assets/{id}, every asset_query_interval per asset, phases spread as
//    loadgen does): answered from the last fix the target finished processing before the
//    query reached it; response time = the round trip the Driver gives + one service time.
//    Queries take no server worker (they are rare next to readings), so a saturated or
//    failed server still answers them: a known simplification.
//  - vital signs during/outside imaging: a vital message is "during" when an imaging
//    result was between its intended send and its arrival at the server on the same access
//    point or the same profile shared link when the vital message was meant to be sent.
#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "iomtsim/physiology/ops/ops_fleet.hpp"
#include "iomtsim/reports/ops_report.hpp"
#include "iomtsim/scenarios/scenario.hpp"
#include "iomtsim/sim/fleet.hpp"
#include "iomtsim/sim/network/network_path.hpp"
#include "iomtsim/sim/network/shared_link.hpp"

namespace iomtsim::sim::simgrid::detail {

using physiology::Duration;
using physiology::SimTime;
namespace ops = physiology::ops;

// An operations message that reached its access point (its NetworkPath delivered it).
struct OpsDeparture {
  std::uint64_t key = 0;  // unique among operations messages (not an ops event id)
  ops::OpsKind kind = ops::OpsKind::Pump;
  std::uint64_t event_id = 0;  // ops::id_of(the event)
  std::uint32_t ap = 0;
  std::size_t bytes = 0;  // encoded body
  SimTime intended{}, sent{}, at_ap{};
};

class OpsTraffic {
 public:
  // nullptr when the scenario has no operations devices. `ap_of_slot` as DriverConfig.
  static std::unique_ptr<OpsTraffic> make(const scenarios::Scenario& scenario, const Fleet& fleet,
                                          network::LinkRegistry& links,
                                          const std::vector<std::uint32_t>& ap_of_slot, SimTime end);
  OpsTraffic(const scenarios::Scenario& scenario, ops::OpsFleet fleet, const Fleet& devices,
             network::LinkRegistry& links, const std::vector<std::uint32_t>& ap_of_slot,
             SimTime end);

  // Next generation or device-buffer drain (SimTime::max() when none up to the end).
  SimTime next_time() const;
  // Does what is due at t: one event generated, or one path's buffer drained. Appends
  // what reached its access point to `out`; losses and drops are accounted here.
  void step(SimTime t, std::vector<OpsDeparture>& out);

  // A message's final outcome at the target. Acknowledged: `served` is when the target
  // finished processing it, `acked` when the answer is back.
  void outcome(const OpsDeparture& m, reports::Outcome o, SimTime served, SimTime acked,
               Duration alert_delivery);
  // An imaging result's transfer ended at `t` (reached its server, or failed).
  void imaging_arrived(std::uint64_t event_id, SimTime t);

  // Key of a profile shared link ("" -> -1), for note_vitals.
  std::int64_t link_key(const std::string& shared_link);
  // A vital-sign message acknowledged with `latency` (intended -> ack); `now`: the
  // engine's clock, to forget imaging intervals no vital message can still fall into.
  void note_vitals(std::uint32_t ap, std::int64_t link, SimTime intended, Duration latency,
                   SimTime now);

  // Buffered messages are in flight; queries resolved; ground truth added; sorted.
  // `round_trip(ap)`: the answer time of a query from access point ap, service included.
  reports::OpsReport finish(const std::function<Duration(std::uint32_t ap)>& round_trip);

 private:
  struct Cohort {
    const scenarios::Operations* spec = nullptr;
    physiology::PatientIndex first_patient = 0, end_patient = 0;
    std::uint32_t first_asset = 0, end_asset = 0;
    std::vector<std::uint32_t> aps;  // access points of its patients, first seen first
    std::int64_t imaging_link = -1;
  };
  struct Held {  // on its path, possibly in its buffer
    OpsDeparture d;
    std::uint64_t path_id = 0;
    std::int64_t link = -1;  // imaging: the profile's shared link key
  };
  struct Drain {
    SimTime at;
    std::uint64_t path_id;
    bool operator>(const Drain& o) const { return at != o.at ? at > o.at : path_id > o.path_id; }
  };
  struct Fix {
    SimTime served;
    SimTime device_time;
    std::string zone;
  };
  struct Busy {  // an imaging result between its intended send and its server
    std::uint64_t event_id;
    SimTime from, until;
  };

  const Cohort& cohort_of_patient(physiology::PatientIndex p) const;
  const Cohort& cohort_of_asset(std::uint32_t a) const;
  std::uint32_t ap_of_patient(physiology::PatientIndex p) const;
  void generated(SimTime t, std::vector<OpsDeparture>& out);
  network::NetworkPath& path_of(std::uint64_t path_id, const std::string& profile);
  void path_events(std::uint64_t path_id, std::vector<OpsDeparture>& out);
  reports::DeliveryCounts& counts_of(ops::OpsKind k);
  static std::uint64_t busy_key(bool is_link, std::uint64_t index) {
    return (is_link ? 1ull << 40 : 0ull) | index;
  }

  const scenarios::Scenario& scenario_;
  SimTime end_;
  ops::OpsFleet fleet_;
  network::LinkRegistry& links_;
  std::vector<Cohort> cohorts_;
  std::unordered_map<physiology::PatientIndex, std::uint32_t> patient_ap_;
  std::unordered_map<std::uint64_t, network::NetworkPath> paths_;  // by path id
  std::unordered_map<std::uint64_t, Held> held_;                   // by message key
  std::priority_queue<Drain, std::vector<Drain>, std::greater<>> drains_;
  std::vector<network::PathEvent> events_;
  std::uint64_t next_key_ = 0;
  reports::OpsReport report_;
  std::unordered_map<std::uint64_t, std::size_t> imaging_index_;  // event id -> report_.imaging
  std::unordered_map<std::uint64_t, std::size_t> alarm_index_;    // event id -> pump_alarms
  std::unordered_map<std::uint32_t, std::vector<Fix>> fixes_;     // asset -> served fixes
  std::unordered_map<std::uint64_t, std::pair<std::uint32_t, Fix>> pending_fix_;  // key -> asset
  std::unordered_map<std::string, std::int64_t> link_keys_;
  std::unordered_map<std::uint64_t, std::vector<Busy>> busy_;  // busy_key -> imaging intervals
  std::unordered_map<std::uint64_t, std::pair<std::uint32_t, std::int64_t>> imaging_where_;
};

}  // namespace iomtsim::sim::simgrid::detail
