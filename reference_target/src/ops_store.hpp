#pragma once
// The reference target's handling of operations payloads: infusion-pump events (alarms
// become alerts, like the rules' alerts, through the same sinks), RTLS fixes (the latest
// fix per asset, queryable as GET /assets/{id}) and imaging results (counted). Thread-safe:
// transports call it from their I/O threads.
//
// Pump alarms are raised at once, not through the rules pipeline: an occlusion needs no
// history, and a nurse should not wait behind a queue of vital signs. A repeated event id
// (a sender's retry) raises its alert only once.
//
// Bounded: at most `max_assets` asset locations (the oldest-heard asset is forgotten
// first, counted as assets_evicted) and the last `max_assets` alarm ids for the retry
// check, whatever ids senders make up.
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "evaluator.hpp"
#include "iomtsim/payloads/ops_payloads.hpp"
#include "iomtsim/reference_target/metrics.hpp"

namespace iomtsim::reference_target {

class OpsStore {
 public:
  OpsStore(AlertSink* sink, Metrics& metrics, std::size_t max_assets = 100000)
      : sink_(sink), metrics_(metrics), max_entries_(max_assets == 0 ? 1 : max_assets) {}

  void take(const payloads::OpsResource& resource);
  // The latest fix (by device time) of an asset, if the target ever heard of it.
  std::optional<payloads::AssetLocation> asset(std::uint32_t id) const;

  // The alert a pump alarm raises (pure; exposed for tests).
  static physiology::Alert alert_for(const physiology::ops::PumpEvent& e);

 private:
  AlertSink* sink_;
  Metrics& metrics_;
  mutable std::mutex mutex_;
  std::size_t max_entries_;
  std::unordered_map<std::uint32_t, payloads::AssetLocation> assets_;
  std::deque<std::uint32_t> asset_order_;  // first heard first: who goes when full
  std::unordered_set<std::uint64_t> alarms_seen_;
  std::deque<std::uint64_t> alarm_order_;
};

}  // namespace iomtsim::reference_target
