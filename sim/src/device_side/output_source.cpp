#include "iomtsim/sim/device_side/output_source.hpp"

#include "iomtsim/sim/fleet_prefetch.hpp"

namespace iomtsim::sim::device_side {
namespace {

class FleetSource final : public OutputSource {
 public:
  FleetSource(const scenarios::Scenario& s, ShardSpec part) : fleet_(s, part) {}
  const std::vector<FleetDevice>& devices() const override { return fleet_.devices(); }
  std::size_t device_slot(physiology::PatientIndex p, physiology::DeviceIndex d) const override {
    return fleet_.device_slot(p, d);
  }
  bool done() override { return fleet_.done(); }
  physiology::SimTime next_time() override { return fleet_.next_time(); }
  physiology::DeviceOutput next() override { return fleet_.next(); }
  std::vector<physiology::Episode> finish() override { return fleet_.finish(); }
  std::vector<physiology::Episode> episodes() const override { return fleet_.episodes(); }

 private:
  Fleet fleet_;
};

class PrefetchSource final : public OutputSource {
 public:
  PrefetchSource(Fleet& fleet, physiology::SimTime end, bool threaded)
      : fleet_(fleet), feed_(fleet, end, threaded) {}
  // The fleet's tables are immutable while the producer runs (fleet_prefetch.hpp).
  const std::vector<FleetDevice>& devices() const override { return fleet_.devices(); }
  std::size_t device_slot(physiology::PatientIndex p, physiology::DeviceIndex d) const override {
    return fleet_.device_slot(p, d);
  }
  bool done() override { return feed_.done(); }
  physiology::SimTime next_time() override { return feed_.next_time(); }
  physiology::DeviceOutput next() override { return feed_.next(); }
  std::vector<physiology::Episode> finish() override { return feed_.finish(); }

 private:
  Fleet& fleet_;
  FleetPrefetch feed_;
};

}  // namespace

std::unique_ptr<OutputSource> fleet_source(const scenarios::Scenario& scenario, ShardSpec part) {
  return std::make_unique<FleetSource>(scenario, part);
}

std::unique_ptr<OutputSource> prefetch_source(Fleet& fleet, physiology::SimTime end,
                                              bool threaded) {
  return std::make_unique<PrefetchSource>(fleet, end, threaded);
}

}  // namespace iomtsim::sim::device_side
