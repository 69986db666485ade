#pragma once
// The operations devices of one engine thread: infusion pumps, RTLS tags and point-of-care
// imaging (physiology::ops::OpsFleet over this thread's part of the scenario), plus the
// periodic asset queries (GET /assets/{id}) that score the target's asset tracking.
// Owned and called by the Engine on its own thread only. Private to loadgen.
//
// Network model: each operations device (a pump, an asset tag, a patient's imaging
// device) has its own sim::network::NetworkPath over its channel's network profile, the
// same code the patients' readings go through: latency, jitter, loss, outages with
// reconnect back-off, the store-and-forward buffer, and the profile's shared link (so a
// multi-MiB DiagnosticReport really delays the vital signs queued behind it). Every
// message ends in one reports::Outcome bucket (OpsReport::delivery). Asset queries come
// from a staff terminal on the hospital LAN and use no emulated network.
//
// Outputs are open loop like readings: each is sent when its path delivers it, whatever
// the target does; latency is measured from the true time.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "iomtsim/physiology/ops/ops_fleet.hpp"
#include "iomtsim/reports/delivery.hpp"
#include "iomtsim/reports/ops_report.hpp"
#include "iomtsim/reports/report.hpp"
#include "iomtsim/scenarios/scenario.hpp"
#include "iomtsim/sim/network/network_path.hpp"
#include "iomtsim/sim/network/shared_link.hpp"
#include "iomtsim/sim/shard_spec.hpp"
#include "transport.hpp"

namespace iomtsim::loadgen::detail {

enum OpsMessageKind : std::uint8_t { kOpsPump = 1, kOpsFix = 2, kOpsImaging = 3, kOpsQuery = 4 };

class OpsDriver {
 public:
  // nullptr when the scenario's cohorts have no operations devices.
  static std::unique_ptr<OpsDriver> make(const scenarios::Scenario& scenario, sim::ShardSpec part,
                                         sim::network::LinkRegistry& links,
                                         std::int64_t epoch_unix_ms);

  physiology::SimTime next_time() const;
  struct Send {
    std::size_t transport = 0;  // the engine's transport index: 0 HTTP, 1 MLLP
    OutboundPtr msg;
  };
  // Does what is due at t; returns a message to put on the wire now, if any.
  std::optional<Send> step(physiology::SimTime t);
  // An operations message finished (sent/acked in scenario time, engine convention;
  // `sent_wall_ns`: the wall instant it was written, for stamping pump-alarm alerts).
  void completed(const Outbound& m, reports::Outcome outcome, physiology::SimTime sent,
                 physiology::SimTime acked, std::int64_t sent_wall_ns);
  // An operations message still unanswered when the run ended.
  void in_flight(const Outbound& m);
  // A vital-sign message on link `link_name` was acknowledged: classify its latency by
  // whether an imaging result was on that link when it was meant to be sent.
  void note_vitals(const std::string& link_name, physiology::SimTime intended,
                   std::int64_t latency_ns);
  // Ground truth and records, at the end of the run.
  reports::OpsReport finish();

  struct CohortOps {  // one scenario cohort's operations: spec, numbering, links
    const scenarios::Operations* spec = nullptr;
    physiology::PatientIndex first_patient = 0, end_patient = 0;
    std::uint32_t first_asset = 0, end_asset = 0;
    sim::network::SharedLink* pump_link = nullptr;
    sim::network::SharedLink* asset_link = nullptr;
    sim::network::SharedLink* imaging_link = nullptr;
    std::string imaging_link_name;
  };
  OpsDriver(const scenarios::Scenario& scenario, physiology::ops::OpsFleet fleet,
            sim::ShardSpec part, sim::network::LinkRegistry& links, std::int64_t epoch_unix_ms);

 private:
  const CohortOps& cohort_of_patient(physiology::PatientIndex p) const;
  const CohortOps& cohort_of_asset(std::uint32_t a) const;
  void generated(physiology::SimTime t);
  sim::network::NetworkPath& path_of(std::uint64_t path_id, const std::string& profile,
                                     sim::network::SharedLink* link);
  void path_events(std::uint64_t path_id);
  reports::DeliveryCounts& counts_of(std::uint8_t ops_kind);

  struct Ready {
    physiology::SimTime at;
    std::uint64_t seq;
    bool operator>(const Ready& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  struct Query {
    physiology::SimTime at;
    std::uint32_t asset;
    bool operator>(const Query& o) const { return at != o.at ? at > o.at : asset > o.asset; }
  };

  struct Drain {
    physiology::SimTime at;
    std::uint64_t path_id;
    bool operator>(const Drain& o) const { return at != o.at ? at > o.at : path_id > o.path_id; }
  };

  const scenarios::Scenario& scenario_;
  physiology::SimTime end_;
  std::int64_t epoch_unix_ms_;
  physiology::ops::OpsFleet fleet_;
  std::vector<CohortOps> cohorts_;
  std::priority_queue<Ready, std::vector<Ready>, std::greater<>> ready_;
  // Messages between generation and the wire (on their path or in its buffer), by seq
  // (which is also their sim::network::Message id).
  std::unordered_map<std::uint64_t, Send> held_;
  std::unordered_map<std::uint64_t, sim::network::NetworkPath> paths_;  // by path id
  std::priority_queue<Drain, std::vector<Drain>, std::greater<>> drains_;
  std::vector<sim::network::PathEvent> events_;
  std::priority_queue<Query, std::vector<Query>, std::greater<>> queries_;
  std::uint64_t seq_ = 0;
  std::map<std::string, physiology::SimTime> imaging_busy_until_;  // by shared link name
  reports::OpsReport report_;
  std::unordered_map<std::uint64_t, std::size_t> imaging_index_;  // id -> report_.imaging
  std::unordered_map<std::uint64_t, std::size_t> alarm_index_;    // id -> report_.pump_alarms
};

// Moves the alerts with rule "pump_alarm" out of report.alerts (they are not clinical
// alerts) onto the pump alarms they name, then rescores. Run after merging the engines.
// An alert is stamped like a clinical one: the alarm message's scenario send time plus the
// wall time from that send to the alert's receipt (AlertRecord::received_wall_ns), so
// alarm latency does not grow with --speed.
void attach_pump_alerts(reports::Report& report);

}  // namespace iomtsim::loadgen::detail
