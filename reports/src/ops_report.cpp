// Operations scores from raw records (definitions in ops_report.hpp).
#include "iomtsim/reports/ops_report.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>

namespace iomtsim::reports {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

std::int64_t non_negative(Duration d) { return std::max<std::int64_t>(0, d.count()); }

// The true zone of `asset` at t, from its track (sorted by asset, start).
const std::string* true_zone(const std::vector<physiology::ops::LocationSegment>& tracks,
                             std::uint32_t asset, SimTime t) {
  auto it = std::upper_bound(
      tracks.begin(), tracks.end(), std::make_tuple(asset, t),
      [](const auto& key, const auto& s) { return key < std::make_tuple(s.asset, s.start); });
  if (it == tracks.begin()) return nullptr;
  --it;
  if (it->asset != asset || t >= it->end) return nullptr;
  return &it->zone;
}

}  // namespace

bool OpsScores::operator==(const OpsScores& o) const {
  return pump_alarms == o.pump_alarms && pump_alarms_delivered == o.pump_alarms_delivered &&
         same(pump_delivery_fraction, o.pump_delivery_fraction) &&
         pump_alarm_latency == o.pump_alarm_latency && asset_queries == o.asset_queries &&
         asset_correct == o.asset_correct && asset_unanswered == o.asset_unanswered &&
         same(asset_correct_fraction, o.asset_correct_fraction) &&
         asset_staleness == o.asset_staleness && asset_locate_time == o.asset_locate_time &&
         imaging_results == o.imaging_results && imaging_acked == o.imaging_acked &&
         imaging_bytes_acked == o.imaging_bytes_acked &&
         same(imaging_throughput_mib_s, o.imaging_throughput_mib_s) &&
         imaging_latency == o.imaging_latency && imaging_retrievable == o.imaging_retrievable &&
         imaging_charted == o.imaging_charted &&
         imaging_result_to_pacs == o.imaging_result_to_pacs &&
         imaging_result_to_chart == o.imaging_result_to_chart;
}

void OpsReport::sort() {
  std::sort(pump_alarms.begin(), pump_alarms.end(),
            [](const auto& a, const auto& b) { return a.event_id < b.event_id; });
  std::sort(asset_tracks.begin(), asset_tracks.end(), [](const auto& a, const auto& b) {
    return std::tie(a.asset, a.start) < std::tie(b.asset, b.start);
  });
  std::sort(asset_queries.begin(), asset_queries.end(), [](const auto& a, const auto& b) {
    return std::tie(a.asset, a.query_time) < std::tie(b.asset, b.query_time);
  });
  std::sort(imaging.begin(), imaging.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
}

void OpsReport::merge(const OpsReport& o) {
  pump_alarms.insert(pump_alarms.end(), o.pump_alarms.begin(), o.pump_alarms.end());
  asset_tracks.insert(asset_tracks.end(), o.asset_tracks.begin(), o.asset_tracks.end());
  asset_queries.insert(asset_queries.end(), o.asset_queries.begin(), o.asset_queries.end());
  imaging.insert(imaging.end(), o.imaging.begin(), o.imaging.end());
  vitals_latency_during_imaging.merge(o.vitals_latency_during_imaging);
  vitals_latency_outside_imaging.merge(o.vitals_latency_outside_imaging);
  delivery += o.delivery;
  sort();
}

void OpsReport::rescore() {
  sort();
  scores = score_ops(*this);
}

OpsScores score_ops(const OpsReport& r) {
  OpsScores s;
  for (const auto& a : r.pump_alarms) {
    ++s.pump_alarms;
    if (!a.alerted) continue;
    ++s.pump_alarms_delivered;
    s.pump_alarm_latency.record(non_negative(a.alert_received - a.intended_send));
  }
  s.pump_delivery_fraction = s.pump_alarms ? static_cast<double>(s.pump_alarms_delivered) /
                                                 static_cast<double>(s.pump_alarms)
                                           : kNaN;

  // Queries by (asset, time): the last correct instant carries over within an asset.
  std::uint32_t asset = 0;
  bool have_asset = false;
  SimTime last_correct{};
  for (const auto& q : r.asset_queries) {
    if (!have_asset || q.asset != asset) {
      asset = q.asset;
      have_asset = true;
      const auto first =
          std::lower_bound(r.asset_tracks.begin(), r.asset_tracks.end(), asset,
                           [](const auto& seg, std::uint32_t a) { return seg.asset < a; });
      last_correct =
          first != r.asset_tracks.end() && first->asset == asset ? first->start : SimTime{};
    }
    ++s.asset_queries;
    if (!q.answered) {
      ++s.asset_unanswered;
    } else {
      s.asset_locate_time.record(non_negative(q.response_time));
    }
    const std::string* truth = true_zone(r.asset_tracks, q.asset, q.query_time);
    const bool correct = q.answered && truth && *truth == q.zone;
    if (correct) {
      ++s.asset_correct;
      last_correct = q.fix_time;
    }
    s.asset_staleness.record(non_negative(q.query_time - last_correct));
    if (correct) last_correct = q.query_time;
  }
  s.asset_correct_fraction =
      s.asset_queries ? static_cast<double>(s.asset_correct) / static_cast<double>(s.asset_queries)
                      : kNaN;

  // Throughput while results are moving: acknowledged bytes over the union of their
  // [intended send, acknowledged] intervals (idle hours between procedures do not count).
  std::vector<std::pair<SimTime, SimTime>> spans;
  for (const auto& i : r.imaging) {
    ++s.imaging_results;
    if (i.to_pacs_ns >= 0) {
      ++s.imaging_retrievable;
      s.imaging_result_to_pacs.record(i.to_pacs_ns);
    }
    if (i.to_chart_ns >= 0) {
      ++s.imaging_charted;
      s.imaging_result_to_chart.record(i.to_chart_ns);
    }
    if (!i.acked) continue;
    ++s.imaging_acked;
    s.imaging_bytes_acked += i.bytes;
    s.imaging_latency.record(non_negative(i.acked_time - i.acquired));
    spans.emplace_back(i.intended_send, std::max(i.intended_send, i.acked_time));
  }
  std::sort(spans.begin(), spans.end());
  Duration busy{};
  SimTime open_start{}, open_end{};
  bool open = false;
  for (const auto& [a, b] : spans) {
    if (open && a <= open_end) {
      open_end = std::max(open_end, b);
      continue;
    }
    if (open) busy += open_end - open_start;
    open_start = a;
    open_end = b;
    open = true;
  }
  if (open) busy += open_end - open_start;
  s.imaging_throughput_mib_s = s.imaging_acked && busy.count() > 0
                                   ? static_cast<double>(s.imaging_bytes_acked) /
                                         (1024.0 * 1024.0) / physiology::to_seconds(busy)
                                   : kNaN;
  return s;
}

}  // namespace iomtsim::reports
