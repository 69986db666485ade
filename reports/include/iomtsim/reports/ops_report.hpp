#pragma once
// Scoring of hospital operations devices: pump alarms, asset tracking, point-of-care
// imaging. Part of the Report (Report::ops), serialised as report.json's "operations".
//
// Raw data (merges exactly across shards: lists concatenate, histograms add) and derived
// scores (score_ops, recomputed by Report::rescore) as for clinical alerts.
//
// Definitions (times are scenario time, durations integer ns):
//  - Pump alarms: every alarm the simulation generated is a PumpAlarmRecord; it is
//    delivered when an alert naming its event id (Alert::trigger_reading_id, rule
//    "pump_alarm") came back. latency = alert received - the alarm's intended send.
//    delivery_fraction = delivered / alarms.
//  - Assets: the simulation's true track (LocationSegment) is compared with what the
//    target answered when asked (AssetQueryRecord). A query is correct when answered
//    and the answered zone is the asset's true zone at the query time.
//      correct_fraction = correct queries / queries   (the fraction of time the target
//        is right, sampled at the query instants)
//      staleness of a query at t = t - T, where T is the instant the target's knowledge
//        was last known correct: the answered fix's time when this answer is correct,
//        else the time of this asset's last correct query (else the start of its track).
//      locate_time = request -> answer, of answered queries.
//  - Imaging: latency = acknowledged - acquired (result_latency: the PACS's STOW-RS answer,
//    or the FHIR target's for results sent as FHIR); throughput_mib_s = MiB acknowledged /
//    the time results were moving (the union of their [intended send, acknowledged]
//    intervals: idle hours between procedures do not dilute it). The effect of large payloads on
//    vital signs sharing a link is shown by two ingest-latency histograms the engine
//    fills: readings whose link was carrying an imaging result when they were sent, and
//    the others.
//    result_to_pacs = the study found by QIDO-RS holding the result (loadgen's PACS
//    confirmation polls `studies?StudyInstanceUID=` after the STOW-RS acknowledgement) -
//    acquisition: a wall-clock duration (as chart.time_to_chart), measured by the real-time
//    engine only; a result never found has none and does not count as `retrievable`.
//    Once the PACS acknowledged a result, its modality sends the chart an ImagingStudy and
//    a DiagnosticReport referencing the stored study (an imaging report message, counted
//    in delivery.imaging_reports); result_to_chart = that DiagnosticReport found by FHIR
//    search (DiagnosticReport?identifier=) - acquisition, wall clock likewise; `charted`.
//  - Delivery: every operations message (pump event, location fix, imaging result) ends
//    in exactly one reports::Outcome bucket, as readings do; OpsDelivery keeps the counts
//    per kind so the balance can be checked. Asset queries are not messages of a device
//    and are not counted there.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "iomtsim/physiology/ops/ops_types.hpp"
#include "iomtsim/physiology/time.hpp"
#include "iomtsim/reports/delivery.hpp"
#include "iomtsim/reports/histogram.hpp"

namespace iomtsim::reports {

using physiology::Duration;
using physiology::SimTime;

struct PumpAlarmRecord {
  std::uint64_t event_id = 0;
  physiology::PatientIndex patient = 0;
  std::string kind;  // physiology::ops::name(PumpEventKind)
  SimTime true_time{};
  SimTime intended_send{};
  bool alerted = false;
  SimTime alert_received{};  // first alert naming this event
  // While the run resolves alerts (load generator only; never serialised, cleared once the
  // alerts are attached): when the alarm message was written, in scenario time and as a
  // wall instant, to stamp the alert the way clinical alerts are stamped.
  SimTime sent{};
  std::optional<std::int64_t> sent_wall_ns;
  bool operator==(const PumpAlarmRecord&) const = default;
};

struct AssetQueryRecord {
  std::uint32_t asset = 0;
  SimTime query_time{};   // when the question was asked (scenario clock)
  bool answered = false;  // the target knew a location (HTTP 200)
  std::string zone;
  SimTime fix_time{};        // the fix time the target reported (device clock)
  Duration response_time{};  // request -> answer
  bool operator==(const AssetQueryRecord&) const = default;
};

struct ImagingRecord {
  std::uint64_t id = 0;
  physiology::PatientIndex patient = 0;
  std::uint64_t bytes = 0;
  SimTime acquired{};
  SimTime intended_send{};
  bool acked = false;
  SimTime acked_time{};
  // Wall ns from acquisition to retrievable by QIDO-RS / to its DiagnosticReport searchable
  // in the FHIR target; -1: not found (or nobody looked).
  std::int64_t to_pacs_ns = -1;
  std::int64_t to_chart_ns = -1;
  bool operator==(const ImagingRecord&) const = default;
};

// Fate of the operations messages of one kind (see Delivery above).
struct OpsDelivery {
  DeliveryCounts pump_events;
  DeliveryCounts location_fixes;
  DeliveryCounts imaging_results;
  DeliveryCounts imaging_reports;  // ImagingStudy + DiagnosticReport of stored studies
  bool balanced() const {
    return pump_events.balanced() && location_fixes.balanced() && imaging_results.balanced() &&
           imaging_reports.balanced();
  }
  OpsDelivery& operator+=(const OpsDelivery& o) {
    pump_events += o.pump_events;
    location_fixes += o.location_fixes;
    imaging_results += o.imaging_results;
    imaging_reports += o.imaging_reports;
    return *this;
  }
  bool operator==(const OpsDelivery&) const = default;
};

struct OpsScores {
  std::uint64_t pump_alarms = 0;
  std::uint64_t pump_alarms_delivered = 0;
  double pump_delivery_fraction = 0.0;  // NaN without alarms
  Histogram pump_alarm_latency;
  std::uint64_t asset_queries = 0;
  std::uint64_t asset_correct = 0;
  std::uint64_t asset_unanswered = 0;
  double asset_correct_fraction = 0.0;  // NaN without queries
  Histogram asset_staleness;
  Histogram asset_locate_time;
  std::uint64_t imaging_results = 0;
  std::uint64_t imaging_acked = 0;
  std::uint64_t imaging_bytes_acked = 0;
  double imaging_throughput_mib_s = 0.0;  // NaN without acknowledged results
  Histogram imaging_latency;
  std::uint64_t imaging_retrievable = 0;  // results with to_pacs_ns
  std::uint64_t imaging_charted = 0;      // results with to_chart_ns
  Histogram imaging_result_to_pacs;       // ns, wall
  Histogram imaging_result_to_chart;      // ns, wall
  bool operator==(const OpsScores&) const;
};

struct OpsReport {
  std::vector<PumpAlarmRecord> pump_alarms;                    // by event id
  std::vector<physiology::ops::LocationSegment> asset_tracks;  // by (asset, start)
  std::vector<AssetQueryRecord> asset_queries;                 // by (asset, query_time)
  std::vector<ImagingRecord> imaging;                          // by id
  Histogram vitals_latency_during_imaging;                     // ns, intended send -> ack
  Histogram vitals_latency_outside_imaging;                    // ns
  OpsDelivery delivery;                                        // messages by kind
  OpsScores scores;                                            // derived by rescore()

  bool empty() const {
    return pump_alarms.empty() && asset_tracks.empty() && asset_queries.empty() &&
           imaging.empty() && vitals_latency_during_imaging.empty() && delivery == OpsDelivery{};
  }
  void sort();                         // puts the lists in the documented order
  void rescore();                      // scores from the raw data
  void merge(const OpsReport& other);  // raw data; call rescore() afterwards
  bool operator==(const OpsReport&) const = default;
};

OpsScores score_ops(const OpsReport& ops);

}  // namespace iomtsim::reports
