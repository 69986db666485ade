#pragma once
// What the target knows about one patient: the newest value of each vital by device time,
// tolerant of what real networks deliver.
//
// - Duplicates (a reading id already seen for this device: retries, at-least-once MQTT)
//   are recognised within a sliding window of the last 64 sequence numbers per device
//   (the anti-replay window of IPsec/DTLS) and change nothing.
// - Late readings (device time not newer than the stored value of that vital: reordering,
//   store-and-forward flushes) do not replace the newest value and never trigger alerts.
// - Id 0 means "unknown id": no duplicate check, time order only.
// Time is device time (the only time a target sees).
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "iomtsim/physiology/reading.hpp"
#include "iomtsim/physiology/time.hpp"
#include "iomtsim/physiology/vital.hpp"

namespace iomtsim::rules {

struct LatestValue {
  double value = 0.0;
  physiology::SimTime device_time{};
  std::uint64_t reading_id = 0;
  std::uint8_t flags = 0;
  bool present = false;
};

enum class Arrival : std::uint8_t {
  Newest,     // became the newest value of its vital
  Late,       // older than (or as old as) what is stored: kept out
  Duplicate,  // id seen before: ignored
};

class PatientState {
 public:
  Arrival apply(const physiology::Reading& r);

  const LatestValue& latest(physiology::Vital v) const noexcept {
    return latest_[static_cast<std::size_t>(v)];
  }
  // The newest value if present and no older than `freshness` before `now`.
  std::optional<double> fresh(physiology::Vital v, physiology::SimTime now,
                              physiology::Duration freshness) const noexcept;

  std::uint64_t duplicates() const noexcept { return duplicates_; }
  std::uint64_t late() const noexcept { return late_; }

 private:
  // Returns true if (device, seq) was seen; records it otherwise.
  bool seen_before(std::uint64_t reading_id);

  struct DeviceWindow {
    physiology::DeviceIndex device = 0;
    std::uint32_t highest_seq = 0;
    std::uint64_t seen_bits = 0;  // bit k: highest_seq - k seen
  };
  std::array<LatestValue, physiology::kVitalCount> latest_{};
  std::vector<DeviceWindow> windows_;  // a handful of devices per patient: linear search
  std::uint64_t duplicates_ = 0;
  std::uint64_t late_ = 0;
};

}  // namespace iomtsim::rules
