#pragma once
// The operations devices of one device side: infusion pumps, RTLS asset tags and
// point-of-care imaging (physiology::ops::OpsFleet over its part of the scenario), the
// staff terminal's asset queries (GET /assets/{id}), and their part of the report
// (OpsReport). Private to DeviceSide, which carries their messages like the readings'.
//
//  - generation: sim::make_ops_fleet(scenario, part), numbered as everywhere else;
//  - encoding: the body as a device sends it (payloads::encode_pump_oru / _bundle,
//    encode_location_observation, encode_diagnostic_report), its size on the network;
//  - network: one NetworkPath per operations device (sim::ops_path_id) over its channel's
//    profile and the profile's shared link, the code readings go through;
//  - asset queries: every asset_query_interval per asset of the part, phases spread
//    (sim::first_asset_query); from the hospital LAN, no emulated network;
//  - imaging and vital signs: an imaging result loads its profile's shared link (and the
//    engine's medium, medium_of_ops) from its intended send until it reaches the target;
//    an acknowledged vital-sign reading counts as "during imaging" when its intended send
//    falls in such an interval on its own link or medium.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "iomtsim/physiology/ops/ops_fleet.hpp"
#include "iomtsim/reports/ops_report.hpp"
#include "iomtsim/scenarios/scenario.hpp"
#include "iomtsim/sim/device_side/message.hpp"
#include "iomtsim/sim/network/network_path.hpp"
#include "iomtsim/sim/network/shared_link.hpp"
#include "iomtsim/sim/shard_spec.hpp"

namespace iomtsim::sim::device_side::detail {

namespace ops = physiology::ops;

class OpsDevices {
 public:
  // nullptr when the scenario's cohorts have no operations devices.
  static std::unique_ptr<OpsDevices> make(
      const scenarios::Scenario& scenario, ShardSpec part, network::LinkRegistry& links,
      SimTime end, std::int64_t epoch_unix_ms,
      std::function<std::int64_t(const ops::OpsOutput&)> medium);
  OpsDevices(const scenarios::Scenario& scenario, ops::OpsFleet fleet, ShardSpec part,
             network::LinkRegistry& links, SimTime end, std::int64_t epoch_unix_ms,
             std::function<std::int64_t(const ops::OpsOutput&)> medium);

  SimTime next_output() const;  // the next operations output before the end
  SimTime next_query() const;   // the next asset query before the end
  // The next output as a message (key unset) and the path it takes.
  struct Generated {
    MessagePtr msg;
    std::uint64_t path_id = 0;
  };
  Generated generate(SimTime t, MessagePtr blank);
  MessagePtr query(MessagePtr blank);
  network::NetworkPath& path(std::uint64_t path_id);

  // Final outcomes. `at` is the answer (or failure) instant.
  void account(const Message& m, const Result& r);
  // After the PACS acknowledged result message `m` (STOW-RS): the modality sends the chart
  // the stored study, so `m` becomes the ImagingStudy + DiagnosticReport transaction for
  // the FHIR base (MessageKind::ImagingReport), leaving at `at` by the result's network
  // path, whose id is returned. nullopt (and `m` untouched) for any other message.
  std::optional<std::uint64_t> to_chart(Message& m, SimTime at);
  void reached_target(const Message& m, SimTime at);
  void alarm_alerted(std::uint64_t event_id, SimTime received);

  // Shared-link key of a profile's link name ("" -> -1).
  std::int64_t link_key(const std::string& shared_link);
  // An acknowledged vital-sign reading: intended send, latency, its link key and medium.
  void note_vitals(std::int64_t link, std::int64_t medium, SimTime intended, Duration latency,
                   SimTime now);

  reports::OpsReport close();

 private:
  struct Cohort {
    const scenarios::Operations* spec = nullptr;
    physiology::PatientIndex first_patient = 0, end_patient = 0;
    std::uint32_t first_asset = 0, end_asset = 0;
    std::int64_t imaging_link = -1;
  };
  struct Query {
    SimTime at;
    std::uint32_t asset;
    bool operator>(const Query& o) const { return at != o.at ? at > o.at : asset > o.asset; }
  };
  struct Busy {  // an imaging result between its intended send and the target
    std::uint64_t event_id;
    SimTime from, until;
  };

  const Cohort& cohort_of_patient(physiology::PatientIndex p) const;
  const Cohort& cohort_of_asset(std::uint32_t a) const;
  reports::DeliveryCounts& counts_of(ops::OpsKind k);
  void close_busy(std::uint64_t event_id, SimTime at);
  static std::uint64_t busy_key(bool is_link, std::int64_t index) {
    return (is_link ? 1ull << 40 : 0ull) | (static_cast<std::uint64_t>(index) & 0xFFFFFFFFFFull);
  }

  const scenarios::Scenario& scenario_;
  SimTime end_;
  std::int64_t epoch_unix_ms_;
  ops::OpsFleet fleet_;
  network::LinkRegistry& links_;
  std::function<std::int64_t(const ops::OpsOutput&)> medium_;
  std::vector<Cohort> cohorts_;
  std::priority_queue<Query, std::vector<Query>, std::greater<>> queries_;
  std::unordered_map<std::uint64_t, network::NetworkPath> paths_;  // by path id
  reports::OpsReport report_;
  std::unordered_map<std::uint64_t, std::size_t> imaging_index_;  // event id -> report_.imaging
  std::unordered_map<std::uint64_t, std::size_t> alarm_index_;    // event id -> pump_alarms
  std::unordered_map<std::string, std::int64_t> link_keys_;
  // Per study, the SOP Instance UIDs the PACS acknowledged, in order (the ImagingStudy's
  // instances).
  std::unordered_map<std::string, std::vector<std::string>> stored_instances_;
  std::string dicomweb_base_;  // the imaging target's URL, the ImagingStudy's Endpoint
  std::unordered_map<std::uint64_t, std::vector<Busy>> busy_;  // busy_key -> intervals
  std::unordered_map<std::uint64_t, std::pair<std::int64_t, std::int64_t>> imaging_where_;
};

}  // namespace iomtsim::sim::device_side::detail
