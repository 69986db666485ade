#include "iomtsim/rules/patient_state.hpp"

namespace iomtsim::rules {

bool PatientState::seen_before(std::uint64_t reading_id) {
  const auto device = physiology::reading_device(reading_id);
  const auto seq = static_cast<std::uint32_t>(reading_id & 0xFFFFFFFFu);
  DeviceWindow* w = nullptr;
  for (auto& candidate : windows_) {
    if (candidate.device == device) {
      w = &candidate;
      break;
    }
  }
  if (!w) {
    windows_.push_back(DeviceWindow{device, seq, 1});
    return false;
  }
  if (seq > w->highest_seq) {
    const std::uint32_t shift = seq - w->highest_seq;
    w->seen_bits = shift >= 64 ? 1 : (w->seen_bits << shift) | 1;
    w->highest_seq = seq;
    return false;
  }
  const std::uint32_t back = w->highest_seq - seq;
  if (back >= 64) return false;  // too old to tell: the time check decides (see header)
  const std::uint64_t bit = 1ull << back;
  if (w->seen_bits & bit) return true;
  w->seen_bits |= bit;
  return false;
}

Arrival PatientState::apply(const physiology::Reading& r) {
  if (r.id != 0 && seen_before(r.id)) {
    ++duplicates_;
    return Arrival::Duplicate;
  }
  LatestValue& slot = latest_[static_cast<std::size_t>(r.vital)];
  if (slot.present && r.device_time <= slot.device_time) {
    ++late_;
    return Arrival::Late;
  }
  slot.value = r.value;
  slot.device_time = r.device_time;
  slot.reading_id = r.id;
  slot.flags = r.flags;
  slot.present = true;
  return Arrival::Newest;
}

std::optional<double> PatientState::fresh(physiology::Vital v, physiology::SimTime now,
                                          physiology::Duration freshness) const noexcept {
  const LatestValue& slot = latest(v);
  if (!slot.present || now - slot.device_time > freshness) return std::nullopt;
  return slot.value;
}

}  // namespace iomtsim::rules
