#include "ops_store.hpp"

namespace iomtsim::reference_target {

namespace ops = physiology::ops;

physiology::Alert OpsStore::alert_for(const ops::PumpEvent& e) {
  physiology::Alert a;
  a.alert_id = "pump-" + std::to_string(e.id);
  a.patient = e.patient;
  a.rule = "pump_alarm";
  a.score = static_cast<double>(static_cast<int>(e.kind));
  switch (e.kind) {
    case ops::PumpEventKind::Occlusion:
    case ops::PumpEventKind::AirInLine:
      a.severity = physiology::AlertSeverity::High;
      break;
    case ops::PumpEventKind::EndOfInfusion:
      a.severity = physiology::AlertSeverity::Medium;
      break;
    default:
      a.severity = physiology::AlertSeverity::Low;
      break;
  }
  a.trigger_time = e.device_time;
  a.trigger_reading_id = e.id;
  return a;
}

void OpsStore::take(const payloads::OpsResource& resource) {
  if (const auto* e = std::get_if<ops::PumpEvent>(&resource)) {
    metrics_.ops_pump_events.fetch_add(1, std::memory_order_relaxed);
    if (!e->alarm()) return;
    {
      std::lock_guard lock(mutex_);
      if (e->id != 0) {
        if (!alarms_seen_.insert(e->id).second) return;
        alarm_order_.push_back(e->id);
        if (alarm_order_.size() > max_entries_) {
          alarms_seen_.erase(alarm_order_.front());
          alarm_order_.pop_front();
        }
      }
    }
    metrics_.ops_pump_alarms.fetch_add(1, std::memory_order_relaxed);
    metrics_.alerts_raised.fetch_add(1, std::memory_order_relaxed);
    if (sink_) sink_->emit(alert_for(*e));
    return;
  }
  if (const auto* f = std::get_if<ops::LocationFix>(&resource)) {
    metrics_.ops_location_fixes.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lock(mutex_);
    auto [it, fresh] = assets_.try_emplace(f->asset);
    // A late, older fix (store-and-forward, retries) must not replace a newer one.
    if (!fresh && it->second.fix_device_time > f->device_time) return;
    if (fresh) {
      asset_order_.push_back(f->asset);
      if (asset_order_.size() > max_entries_) {
        assets_.erase(asset_order_.front());  // never the new one: it is at the back
        asset_order_.pop_front();
        metrics_.assets_evicted.fetch_add(1, std::memory_order_relaxed);
      }
    }
    it->second = {f->asset, f->zone, f->x_m, f->y_m, f->device_time, f->battery_low};
    return;
  }
  if (const auto* r = std::get_if<ops::ImagingResult>(&resource)) {
    metrics_.ops_imaging_results.fetch_add(1, std::memory_order_relaxed);
    metrics_.ops_imaging_bytes.fetch_add(r->bytes, std::memory_order_relaxed);
  }
}

std::optional<payloads::AssetLocation> OpsStore::asset(std::uint32_t id) const {
  std::lock_guard lock(mutex_);
  auto it = assets_.find(id);
  if (it == assets_.end()) return std::nullopt;
  return it->second;
}

}  // namespace iomtsim::reference_target
