#include "iomtsim/reports/merge.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "sorting.hpp"
#include "time_buckets.hpp"

namespace iomtsim::reports {

namespace {

void check_compatible(const Report& a, const Report& b, bool allow_mixed_runs) {
  if (a.schema_version != b.schema_version)
    throw MergeError("merge: schema versions differ (" + std::to_string(a.schema_version) + " vs " +
                     std::to_string(b.schema_version) + ")");
  if (!(a.matching == b.matching)) throw MergeError("merge: alert matching options differ");
  if (!allow_mixed_runs && (a.run.scenario != b.run.scenario || a.run.seed != b.run.seed))
    throw MergeError("merge: reports come from different runs (scenario \"" + a.run.scenario +
                     "\" seed " + std::to_string(a.run.seed) + " vs \"" + b.run.scenario +
                     "\" seed " + std::to_string(b.run.seed) + ")");
}

template <class T, class Less>
void dedupe(std::vector<T>& v, Less less) {
  std::sort(v.begin(), v.end(), less);
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

Report merge_reports(std::span<const Report> shards, bool allow_mixed_runs) {
  if (shards.empty()) throw MergeError("merge: no reports given");
  Report out = shards.front();
  out.thresholds.clear();  // thresholds hold for one report; evaluate again on the merge
  std::map<std::pair<std::string, std::string>, ChannelStats> channels;
  std::map<std::int64_t, TimeBucket> buckets;
  // Time series go to the coarsest width; finer ones must divide it (they do when they
  // come from recorders with the same options, see RecorderOptions::max_time_buckets).
  Duration width{0};
  for (const auto& s : shards) width = std::max(width, s.time_bucket_width);
  for (const auto& s : shards)
    if (s.time_bucket_width.count() <= 0 || width.count() % s.time_bucket_width.count() != 0)
      throw MergeError("merge: time bucket widths are not multiples of each other");
  out.time_bucket_width = width;
  for (std::size_t i = 0; i < shards.size(); ++i) {
    const Report& s = shards[i];
    for (const auto& c : s.channels) {
      auto [it, inserted] = channels.try_emplace({c.protocol, c.profile}, c);
      if (!inserted) {
        it->second.delivery += c.delivery;
        it->second.ingest_latency.merge(c.ingest_latency);
      }
    }
    for (const auto& b : coarsen(s.time_buckets, width / s.time_bucket_width))
      add_bucket(buckets, b.index, b);
    if (i == 0) {
      if (out.run.shards.empty()) out.run.shards.push_back("part 1");
      continue;
    }
    check_compatible(out, s, allow_mixed_runs);
    try {
      out.ingest_latency.merge(s.ingest_latency);
      out.ingest_latency_raw.merge(s.ingest_latency_raw);
    } catch (const HistogramError& e) {
      throw MergeError(std::string("merge: ") + e.what());
    }
    out.delivery += s.delivery;
    if (s.interrupted && (!out.interrupted || s.interrupted->at < out.interrupted->at))
      out.interrupted = s.interrupted;  // the merge covers what every part ran
    out.run.start = std::min(out.run.start, s.run.start);
    out.run.end = std::max(out.run.end, s.run.end);
    out.run.patient_count += s.run.patient_count;
    out.run.patient_seconds += s.run.patient_seconds;
    if (s.run.shards.empty()) out.run.shards.push_back("part " + std::to_string(i + 1));
    out.run.shards.insert(out.run.shards.end(), s.run.shards.begin(), s.run.shards.end());
    out.episodes.insert(out.episodes.end(), s.episodes.begin(), s.episodes.end());
    out.alerts.insert(out.alerts.end(), s.alerts.begin(), s.alerts.end());
    out.traces.insert(out.traces.end(), s.traces.begin(), s.traces.end());
    out.outages.insert(out.outages.end(), s.outages.begin(), s.outages.end());
    out.patient_spans.insert(out.patient_spans.end(), s.patient_spans.begin(),
                             s.patient_spans.end());
    out.beds.insert(out.beds.end(), s.beds.begin(), s.beds.end());
    out.timeline_patients.insert(out.timeline_patients.end(), s.timeline_patients.begin(),
                                 s.timeline_patients.end());
    try {
      out.ops.merge(s.ops);
    } catch (const HistogramError& e) {
      throw MergeError(std::string("merge: operations: ") + e.what());
    }
    out.outcome_codes.merge(s.outcome_codes);
    out.delivery_attempts += s.delivery_attempts;
    try {
      out.chart.merge(s.chart);
    } catch (const HistogramError& e) {
      throw MergeError(std::string("merge: chart: ") + e.what());
    }
    try {
      out.waveforms.merge(s.waveforms);
    } catch (const HistogramError& e) {
      throw MergeError(std::string("merge: waveforms: ") + e.what());
    }
  }
  out.channels.clear();
  for (auto& [k, c] : channels) out.channels.push_back(std::move(c));
  out.time_buckets.clear();
  for (auto& [k, b] : buckets) out.time_buckets.push_back(std::move(b));
  // Every shard sees the same profile-wide outages and may hold the same ground truth;
  // identical entries are one fact, not several.
  dedupe(out.outages, [](const Outage& a, const Outage& b) {
    return std::tie(a.profile, a.start, a.end) < std::tie(b.profile, b.start, b.end);
  });
  dedupe(out.episodes, [](const auto& a, const auto& b) {
    return std::tie(a.patient, a.id, a.onset, a.end) < std::tie(b.patient, b.id, b.onset, b.end);
  });
  dedupe(out.traces, [](const auto& a, const auto& b) { return a.reading.id < b.reading.id; });
  sort_report(out);
  out.rescore();
  return out;
}

}  // namespace iomtsim::reports
