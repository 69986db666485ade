// One RTLS-tagged asset: it dwells in a zone of its route (in use on the ward, dirty
// utility, cleaning, storage), then moves through the corridor to the next one. The tag
// sends a fix shortly after each movement and every fix_interval while stationary; tags
// in a dead spot are not heard, and weak-battery tags miss fixes, report slower and die.
#include <algorithm>
#include <cmath>

#include "iomtsim/physiology/ops/ops_fleet.hpp"
#include "ops_entities.hpp"

namespace iomtsim::physiology::ops::detail {

namespace {
const std::string kCorridor = "corridor";
constexpr double kWeakMissProbability = 0.3;
}  // namespace

AssetEntity::AssetEntity(const AssetSpec& spec, const std::string& ward, std::uint32_t asset,
                         std::uint64_t seed, Duration duration)
    : spec_(spec),
      asset_(asset),
      kind_(static_cast<AssetKind>(asset % 3)),
      duration_(duration),
      rng_(stream_seed(seed, StreamKind::Operations, static_cast<std::uint64_t>(OpsKind::Location),
                       asset)) {
  clock_ = DeviceClock::draw(rng_);
  route_ = spec_.route.empty() ? std::vector<std::string>{ward.empty() ? "ward" : ward,
                                                          "dirty_utility", "cleaning", "storage"}
                               : spec_.route;
  route_pos_ = rng_.below(route_.size());
  weak_ = rng_.bernoulli(spec_.weak_battery_fraction);
  if (weak_) dies_at_ = at_seconds(rng_.uniform(0.3, 1.0) * to_seconds(duration_));
  track_.push_back({asset_, route_[route_pos_], SimTime{}, SimTime{} + duration_});
  next_fix_ = SimTime{} + from_seconds(rng_.uniform(0.0, to_seconds(spec_.fix_interval)));
  const double dwell_mean_s = spec_.moves_per_day > 0 ? 86400.0 / spec_.moves_per_day : 1e18;
  change_time_ = spec_.moves_per_day > 0 ? SimTime{} + from_seconds(rng_.exponential(dwell_mean_s))
                                         : SimTime::max();
  refresh();
}

void AssetEntity::apply_change() {
  const SimTime t = change_time_;
  track_.back().end = t;
  std::string zone;
  if (in_transit_) {
    route_pos_ = (route_pos_ + 1) % route_.size();
    zone = route_[route_pos_];
    in_transit_ = false;
    change_time_ = t + from_seconds(rng_.exponential(86400.0 / spec_.moves_per_day));
  } else {
    zone = kCorridor;
    in_transit_ = true;
    change_time_ = t + from_seconds(rng_.uniform(60.0, 240.0));
  }
  track_.push_back({asset_, std::move(zone), t, SimTime{} + duration_});
  // Motion-triggered fix a few seconds after the move (the tag's accelerometer wakes it).
  next_fix_ = t + from_seconds(rng_.uniform(2.0, 10.0));
}

bool AssetEntity::audible(SimTime t) {
  const auto& zone = track_.back().zone;
  if (std::find(spec_.dead_spots.begin(), spec_.dead_spots.end(), zone) != spec_.dead_spots.end())
    return false;
  if (!weak_) return true;
  return t < dies_at_ && !rng_.bernoulli(kWeakMissProbability);
}

void AssetEntity::refresh() {
  const SimTime end_of_run = SimTime{} + duration_;
  while (true) {
    if (change_time_ <= next_fix_ && change_time_ < end_of_run) {
      apply_change();
      continue;
    }
    if (next_fix_ >= end_of_run) return;
    const SimTime t = next_fix_;
    next_fix_ = t + (weak_ ? 2 * spec_.fix_interval : spec_.fix_interval);
    if (!audible(t)) continue;
    LocationFix f;
    f.id = make_ops_id(OpsKind::Location, asset_, seq_++);
    f.asset = asset_;
    f.asset_kind = kind_;
    f.zone = track_.back().zone;
    const FloorPoint c = zone_center(f.zone);
    // RTLS accuracy: a few metres around the zone's centre.
    f.x_m = std::round((c.x_m + rng_.uniform(-3.0, 3.0)) * 10.0) / 10.0;
    f.y_m = std::round((c.y_m + rng_.uniform(-3.0, 3.0)) * 10.0) / 10.0;
    f.battery_low = weak_;
    f.true_time = t;
    f.device_time = clock_.at(t);
    pending_ = std::move(f);
    return;
  }
}

void AssetEntity::finish() {
  const SimTime end_of_run = SimTime{} + duration_;
  while (change_time_ < end_of_run) apply_change();
  track_.back().end = end_of_run;
}

}  // namespace iomtsim::physiology::ops::detail
