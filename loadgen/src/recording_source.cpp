// A recording as an engine's source: each engine thread streams the whole file and keeps
// the outputs of its own patients, so memory stays bounded by one entry whatever the
// recording's length (the price is that N threads read the file N times).
#include <algorithm>
#include <fstream>
#include <stdexcept>

#include "iomtsim/loadgen/replay.hpp"
#include "iomtsim/payloads/proto_codec.hpp"

namespace iomtsim::loadgen {
namespace {

using physiology::DeviceOutput;
using physiology::SimTime;

class RecordingSource final : public OutputSource {
 public:
  RecordingSource(const scenarios::Scenario& s, sim::ShardSpec part, const std::filesystem::path& file,
                  std::shared_ptr<const RecordingSummary> summary)
      : part_(part), summary_(std::move(summary)), in_(file, std::ios::binary), reader_(in_) {
    if (!in_) throw ReplayError("cannot read " + file.string());
    const auto& cohort = s.cohorts.at(0);
    for (const auto& [p, d] : summary_->devices) {
      if (!part_.owns(p)) continue;
      sim::FleetDevice fd;
      fd.patient = p;
      fd.device = d;
      fd.cohort = 0;
      fd.cohort_spec = &cohort;
      fd.spec = &cohort.devices.at(d);
      fd.network = &s.network_profiles.at(fd.spec->network_profile);
      devices_.push_back(fd);
      keys_.push_back(key(p, d));
    }
    advance();
  }

  const std::vector<sim::FleetDevice>& devices() const override { return devices_; }
  std::size_t device_slot(physiology::PatientIndex p, physiology::DeviceIndex d) const override {
    const auto k = key(p, d);
    auto it = std::lower_bound(keys_.begin(), keys_.end(), k);
    if (it == keys_.end() || *it != k) throw std::out_of_range("replay: device not in this part");
    return static_cast<std::size_t>(it - keys_.begin());
  }
  bool done() override { return !head_; }
  SimTime next_time() override {
    return head_ ? std::visit([](const auto& o) { return o.true_time; }, *head_) : SimTime::max();
  }
  DeviceOutput next() override {
    if (!head_) throw std::logic_error("replay source: next() when done");
    DeviceOutput out = std::move(*head_);
    advance();
    return out;
  }
  std::vector<physiology::Episode> finish() override {
    std::vector<physiology::Episode> mine;
    for (const auto& e : summary_->episodes)
      if (part_.owns(e.patient)) mine.push_back(e);
    return mine;
  }

 private:
  static std::uint64_t key(physiology::PatientIndex p, physiology::DeviceIndex d) {
    return (static_cast<std::uint64_t>(p) << 16) | d;
  }
  // scan_recording read the same file without error, so a failure here means the file
  // changed underneath: the stream simply ends (the accounting still balances).
  void advance() {
    head_.reset();
    while (auto e = reader_.next()) {
      if (auto* r = std::get_if<physiology::Reading>(&*e)) {
        if (part_.owns(r->patient)) return void(head_ = std::move(*r));
      } else if (auto* w = std::get_if<physiology::WaveformBlock>(&*e)) {
        if (part_.owns(w->patient)) return void(head_ = std::move(*w));
      }
    }
  }

  sim::ShardSpec part_;
  std::shared_ptr<const RecordingSummary> summary_;
  std::vector<sim::FleetDevice> devices_;
  std::vector<std::uint64_t> keys_;  // sorted, parallel to devices_
  std::ifstream in_;
  payloads::RecordingReader reader_;
  std::optional<DeviceOutput> head_;
};

}  // namespace

SourceFactory recording_source(std::filesystem::path file, std::shared_ptr<const RecordingSummary> summary) {
  return [file = std::move(file), summary = std::move(summary)](
             const scenarios::Scenario& s, sim::ShardSpec part) -> std::unique_ptr<OutputSource> {
    return std::make_unique<RecordingSource>(s, part, file, summary);
  };
}

}  // namespace iomtsim::loadgen
