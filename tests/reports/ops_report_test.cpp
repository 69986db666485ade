// Operations scoring on hand-built records with known answers: asset correctness and
// staleness on a track with a move the target misses, pump-alarm delivery and latency,
// imaging latency and throughput; and the section survives JSON, merge and thresholds.
#include <gtest/gtest.h>

#include <cmath>

#include "iomtsim/reports/merge.hpp"
#include "iomtsim/reports/render_html.hpp"
#include "iomtsim/reports/report.hpp"
#include "iomtsim/reports/thresholds.hpp"

namespace iomtsim::reports {
namespace {

using namespace std::chrono_literals;
using physiology::at_seconds;

AssetQueryRecord query(std::uint32_t asset, double t_s, const char* zone, double fix_s,
                       Duration resp) {
  AssetQueryRecord q;
  q.asset = asset;
  q.query_time = at_seconds(t_s);
  q.answered = zone != nullptr;
  if (zone) q.zone = zone;
  q.fix_time = at_seconds(fix_s);
  q.response_time = resp;
  return q;
}

OpsReport hand_built() {
  OpsReport o;
  // Asset 1 leaves the ward at 100 s, crosses the corridor, reaches storage at 200 s.
  o.asset_tracks = {{1, "ward", at_seconds(0), at_seconds(100)},
                    {1, "corridor", at_seconds(100), at_seconds(200)},
                    {1, "storage", at_seconds(200), at_seconds(1000)},
                    {2, "cleaning", at_seconds(0), at_seconds(1000)}};
  o.asset_queries = {
      query(1, 50, "ward", 40, 10ms),       // right, fix 10 s old
      query(1, 150, "ward", 40, 20ms),      // wrong (in the corridor): last right at 50 s
      query(1, 250, "storage", 240, 30ms),  // right again, fix 10 s old
      query(2, 30, nullptr, 0, 1ms),        // unknown yet: 30 s since its track began
      query(2, 60, "cleaning", 55, 40ms),   // right, 5 s old
  };
  auto alarm = [](std::uint64_t id, double t_s, bool alerted, double received_s) {
    PumpAlarmRecord a;
    a.event_id = id;
    a.kind = "occlusion";
    a.true_time = a.intended_send = at_seconds(t_s);
    a.alerted = alerted;
    a.alert_received = at_seconds(received_s);
    return a;
  };
  o.pump_alarms = {alarm(3, 100, true, 102), alarm(1, 200, false, 0), alarm(2, 300, true, 304)};
  auto result = [](std::uint64_t id, std::uint64_t bytes, double acq_s, double send_s,
                   double ack_s) {
    ImagingRecord i;
    i.id = id;
    i.bytes = bytes;
    i.acquired = at_seconds(acq_s);
    i.intended_send = at_seconds(send_s);
    i.acked = true;
    i.acked_time = at_seconds(ack_s);
    return i;
  };
  o.imaging = {result(1, 1u << 20, 100, 100, 103), result(2, 3u << 20, 104, 104, 110)};
  ImagingRecord lost;
  lost.id = 3;
  lost.bytes = 5u << 20;
  o.imaging.push_back(lost);
  o.rescore();
  return o;
}

TEST(OpsScoring, AssetCorrectnessAndStalenessOnAKnownTrack) {
  const auto s = hand_built().scores;
  EXPECT_EQ(s.asset_queries, 5u);
  EXPECT_EQ(s.asset_correct, 3u);
  EXPECT_EQ(s.asset_unanswered, 1u);
  EXPECT_DOUBLE_EQ(s.asset_correct_fraction, 0.6);
  // Staleness: 10 s, 100 s, 10 s, 30 s, 5 s.
  EXPECT_EQ(s.asset_staleness.count(), 5);
  EXPECT_EQ(s.asset_staleness.max(), std::chrono::nanoseconds(100s).count());
  EXPECT_EQ(s.asset_staleness.min(), std::chrono::nanoseconds(5s).count());
  EXPECT_NEAR(s.asset_staleness.mean(), 31e9, 31e9 * 1e-3);  // bucket precision
  // Locate time only for answered queries.
  EXPECT_EQ(s.asset_locate_time.count(), 4);
  EXPECT_EQ(s.asset_locate_time.max(), std::chrono::nanoseconds(40ms).count());
}

TEST(OpsScoring, PumpAlarmDeliveryAndLatency) {
  const auto s = hand_built().scores;
  EXPECT_EQ(s.pump_alarms, 3u);
  EXPECT_EQ(s.pump_alarms_delivered, 2u);
  EXPECT_NEAR(s.pump_delivery_fraction, 2.0 / 3.0, 1e-12);
  EXPECT_EQ(s.pump_alarm_latency.min(), std::chrono::nanoseconds(2s).count());
  EXPECT_EQ(s.pump_alarm_latency.max(), std::chrono::nanoseconds(4s).count());
}

TEST(OpsScoring, ImagingLatencyAndThroughput) {
  const auto s = hand_built().scores;
  EXPECT_EQ(s.imaging_results, 3u);
  EXPECT_EQ(s.imaging_acked, 2u);
  EXPECT_EQ(s.imaging_bytes_acked, 4u << 20);
  // 4 MiB moved during [100, 103] and [104, 110]: 9 s (the idle second does not count).
  EXPECT_DOUBLE_EQ(s.imaging_throughput_mib_s, 4.0 / 9.0);
  EXPECT_EQ(s.imaging_latency.max(), std::chrono::nanoseconds(6s).count());
}

TEST(OpsScoring, NoDataIsNaNNotZero) {
  OpsReport o;
  o.rescore();
  EXPECT_TRUE(std::isnan(o.scores.pump_delivery_fraction));
  EXPECT_TRUE(std::isnan(o.scores.asset_correct_fraction));
  EXPECT_TRUE(std::isnan(o.scores.imaging_throughput_mib_s));
}

TEST(OpsScoring, SurvivesJsonMergeAndThresholds) {
  Report r;
  r.ops = hand_built();
  r.ops.vitals_latency_during_imaging.record(std::chrono::nanoseconds(900ms).count());
  r.ops.vitals_latency_outside_imaging.record(std::chrono::nanoseconds(20ms).count());
  r.rescore();
  const Report back = from_json(to_json(r));
  EXPECT_EQ(back.ops.pump_alarms, r.ops.pump_alarms);
  EXPECT_EQ(back.ops.asset_tracks, r.ops.asset_tracks);
  EXPECT_EQ(back.ops.asset_queries, r.ops.asset_queries);
  EXPECT_EQ(back.ops.imaging, r.ops.imaging);
  EXPECT_TRUE(back.ops.vitals_latency_during_imaging == r.ops.vitals_latency_during_imaging);
  EXPECT_TRUE(back.ops.vitals_latency_outside_imaging == r.ops.vitals_latency_outside_imaging);
  EXPECT_TRUE(back.ops.scores == r.ops.scores);
  Report none;  // no operations: the section is optional
  none.rescore();
  EXPECT_EQ(to_json(none).find("\"operations\""), std::string::npos);
  EXPECT_EQ(from_json(to_json(none)).ops, none.ops);

  // Two shards holding halves merge into the whole.
  Report a = r, b = r;
  a.ops.asset_queries.resize(3);
  b.ops.asset_queries.erase(b.ops.asset_queries.begin(), b.ops.asset_queries.begin() + 3);
  a.ops.asset_tracks.resize(3);
  b.ops.asset_tracks.erase(b.ops.asset_tracks.begin(), b.ops.asset_tracks.begin() + 3);
  b.ops.pump_alarms.clear();
  b.ops.imaging.clear();
  b.ops.vitals_latency_during_imaging = b.ops.vitals_latency_outside_imaging = Histogram{};
  const std::vector<Report> parts{a, b};
  EXPECT_EQ(merge_reports(parts).ops.scores, r.ops.scores);

  const auto results = evaluate_thresholds(
      r, {{"", "assets.correct_fraction", CompareOp::GreaterEqual, 0.6, {}},
          {"", "assets.staleness.max", CompareOp::LessEqual, 100.0, {}},
          {"", "pump_alarms.delivery_fraction", CompareOp::Less, 0.9, {}},
          {"", "pump_alarms.latency.max", CompareOp::Less, 5.0, {}},
          {"", "imaging.throughput_mib_s", CompareOp::Greater, 0.44, {}},
          {"", "imaging.vitals_latency_during.p99", CompareOp::Greater, 0.5, {}},
          {"", "imaging.result_latency.p99", CompareOp::Less, 7.0, {}}});
  for (const auto& t : results) EXPECT_TRUE(t.passed) << t.message;
  EXPECT_EQ(unknown_metrics({{"", "assets.bananas", CompareOp::Less, 1, {}},
                             {"", "imaging.result_latency.p42", CompareOp::Less, 1, {}}})
                .size(),
            2u);
  const auto names = r.metric_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "assets.locate_time.p90"), names.end());

  const std::string html = render_html(r, {});
  EXPECT_NE(html.find("id=\"operations\""), std::string::npos);
  EXPECT_EQ(render_html(Report{}, {}).find("id=\"operations\""), std::string::npos);
}

}  // namespace
}  // namespace iomtsim::reports
