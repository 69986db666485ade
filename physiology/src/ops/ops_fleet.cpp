// OpsFleet: builds the entities this shard owns and merges their streams with a heap
// keyed by (time, kind, entity): a total order, so merging shards' streams by the same
// key gives the single-process stream.
#include "iomtsim/physiology/ops/ops_fleet.hpp"

#include <algorithm>
#include <queue>
#include <stdexcept>
#include <tuple>

#include "ops_entities.hpp"

namespace iomtsim::physiology::ops {

SimTime true_time_of(const OpsOutput& out) {
  return std::visit(
      [](const auto& v) {
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, ImagingResult>)
          return v.acquired_time;
        else
          return v.true_time;
      },
      out);
}

std::uint64_t id_of(const OpsOutput& out) {
  return std::visit([](const auto& v) { return v.id; }, out);
}

FloorPoint zone_center(const std::string& zone) {
  // FNV-1a of the name onto a 100 m x 60 m floor, 10 m grid: stable on every machine.
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : zone) h = (h ^ c) * 0x100000001b3ull;
  return {5.0 + 10.0 * static_cast<double>(h % 10), 5.0 + 10.0 * static_cast<double>((h / 10) % 6)};
}

std::vector<OpsCohort> number_cohorts(const std::vector<OpsSpec>& specs,
                                      const std::vector<std::string>& wards,
                                      const std::vector<std::uint32_t>& patient_counts) {
  if (specs.size() != wards.size() || specs.size() != patient_counts.size())
    throw std::invalid_argument("number_cohorts: lists of different lengths");
  std::vector<OpsCohort> out;
  PatientIndex p = 0;
  std::uint32_t a = 0;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    out.push_back({specs[i], wards[i], p, patient_counts[i], a});
    p += patient_counts[i];
    a += specs[i].assets.count;
  }
  return out;
}

struct OpsFleet::Impl {
  struct Slot {
    std::unique_ptr<detail::OpsEntity> entity;
    OpsKind kind;
    std::uint32_t entity_id;
  };
  using Key = std::tuple<SimTime, std::uint8_t, std::uint32_t, std::size_t>;
  std::vector<Slot> slots;
  std::priority_queue<Key, std::vector<Key>, std::greater<>> heap;
  OpsTruth truth;

  void push(std::size_t i) {
    const auto& s = slots[i];
    if (!s.entity->done())
      heap.emplace(s.entity->next_time(), static_cast<std::uint8_t>(s.kind), s.entity_id, i);
  }
};

OpsFleet::OpsFleet(const std::vector<OpsCohort>& cohorts, std::uint64_t seed, Duration duration,
                   std::uint32_t shard_index, std::uint32_t shard_count)
    : impl_(std::make_unique<Impl>()) {
  if (shard_count == 0 || shard_index >= shard_count)
    throw std::invalid_argument("ops fleet: shard index out of range");
  auto& m = *impl_;
  for (const auto& c : cohorts) {
    const auto& s = c.spec;
    if (s.pumps.per_patient > kMaxPumpsPerPatient)
      throw std::invalid_argument("ops fleet: at most 4 pumps per patient");
    if (s.pumps.per_patient > 0 && s.pumps.status_interval <= Duration::zero())
      throw std::invalid_argument("ops fleet: pump status interval must be positive");
    if (s.assets.count > 0 && s.assets.fix_interval <= Duration::zero())
      throw std::invalid_argument("ops fleet: asset fix interval must be positive");
    for (std::uint32_t i = 0; i < c.patient_count; ++i) {
      const PatientIndex p = c.first_patient + i;
      if (p % shard_count != shard_index) continue;
      for (std::uint32_t k = 0; k < s.pumps.per_patient; ++k) {
        const std::uint32_t pump = p * kMaxPumpsPerPatient + k;
        m.slots.push_back({std::make_unique<detail::PumpEntity>(s.pumps, pump, p, seed, duration),
                           OpsKind::Pump, pump});
      }
      if (s.imaging.procedures_per_day > 0)
        m.slots.push_back({std::make_unique<detail::ImagingEntity>(s.imaging, p, seed, duration),
                           OpsKind::Imaging, p});
    }
    for (std::uint32_t i = 0; i < s.assets.count; ++i) {
      const std::uint32_t a = c.first_asset + i;
      if (a % shard_count != shard_index) continue;
      m.slots.push_back({std::make_unique<detail::AssetEntity>(s.assets, c.ward, a, seed, duration),
                         OpsKind::Location, a});
    }
  }
  for (std::size_t i = 0; i < m.slots.size(); ++i) m.push(i);
}

OpsFleet::~OpsFleet() = default;
OpsFleet::OpsFleet(OpsFleet&&) noexcept = default;
OpsFleet& OpsFleet::operator=(OpsFleet&&) noexcept = default;

bool OpsFleet::done() const { return impl_->heap.empty(); }
SimTime OpsFleet::next_time() const {
  return impl_->heap.empty() ? SimTime::max() : std::get<0>(impl_->heap.top());
}
std::size_t OpsFleet::entity_count() const { return impl_->slots.size(); }

OpsOutput OpsFleet::next() {
  auto& m = *impl_;
  if (m.heap.empty()) throw std::logic_error("OpsFleet::next: done");
  const std::size_t i = std::get<3>(m.heap.top());
  m.heap.pop();
  OpsOutput out = m.slots[i].entity->take();
  m.push(i);
  if (const auto* e = std::get_if<PumpEvent>(&out); e && e->alarm())
    m.truth.pump_alarms.push_back(*e);
  if (const auto* r = std::get_if<ImagingResult>(&out)) m.truth.imaging.push_back(*r);
  return out;
}

OpsTruth OpsFleet::finish() {
  auto& m = *impl_;
  OpsTruth t = m.truth;
  for (auto& s : m.slots) {
    if (s.kind != OpsKind::Location) continue;
    auto* a = static_cast<detail::AssetEntity*>(s.entity.get());
    a->finish();
    t.asset_tracks.insert(t.asset_tracks.end(), a->track().begin(), a->track().end());
  }
  std::sort(t.asset_tracks.begin(), t.asset_tracks.end(), [](const auto& x, const auto& y) {
    return std::tie(x.asset, x.start) < std::tie(y.asset, y.start);
  });
  return t;
}

}  // namespace iomtsim::physiology::ops
