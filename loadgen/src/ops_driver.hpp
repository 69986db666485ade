#pragma once
// The operations devices of one engine thread: infusion pumps, RTLS tags and point-of-care
// imaging (physiology::ops::OpsFleet over this thread's part of the scenario), plus the
// periodic asset queries (GET /assets/{id}) that score the target's asset tracking.
// Owned and called by the Engine on its own thread only. Private to loadgen.
//
// Network model: operations messages cross the same SharedLink objects as the cohort's
// vital signs (the profile's `shared_link`), so a multi-MiB DiagnosticReport really
// delays the readings queued behind it; profile latency, loss and outages are not applied
// to them (they are sent when the link has carried them). Asset queries come from a
// staff terminal on the hospital LAN and use no emulated network.
//
// Outputs are open loop like readings: each is sent when its link is done with it,
// whatever the target does; latency is measured from the true time.
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
  // An operations message finished (sent/acked in scenario time, engine convention).
  void completed(const Outbound& m, reports::Outcome outcome, physiology::SimTime sent,
                 physiology::SimTime acked);
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
  OpsDriver(const scenarios::Scenario& scenario, sim::ShardSpec part,
            sim::network::LinkRegistry& links, std::int64_t epoch_unix_ms);

 private:
  const CohortOps& cohort_of_patient(physiology::PatientIndex p) const;
  const CohortOps& cohort_of_asset(std::uint32_t a) const;
  void generated(physiology::SimTime t);

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

  physiology::SimTime end_;
  std::int64_t epoch_unix_ms_;
  physiology::ops::OpsFleet fleet_;
  std::vector<CohortOps> cohorts_;
  std::priority_queue<Ready, std::vector<Ready>, std::greater<>> ready_;
  std::unordered_map<std::uint64_t, Send> held_;  // by Ready::seq
  std::priority_queue<Query, std::vector<Query>, std::greater<>> queries_;
  std::uint64_t seq_ = 0;
  std::map<std::string, physiology::SimTime> imaging_busy_until_;  // by shared link name
  reports::OpsReport report_;
  std::unordered_map<std::uint64_t, std::size_t> imaging_index_;  // id -> report_.imaging
};

// Moves the alerts with rule "pump_alarm" out of report.alerts (they are not clinical
// alerts) onto the pump alarms they name, then rescores. Run after merging the engines.
void attach_pump_alerts(reports::Report& report);

}  // namespace iomtsim::loadgen::detail
