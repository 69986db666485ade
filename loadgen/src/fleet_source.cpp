#include "iomtsim/loadgen/source.hpp"

namespace iomtsim::loadgen {
namespace {

class FleetSource final : public OutputSource {
 public:
  FleetSource(const scenarios::Scenario& s, sim::ShardSpec part) : fleet_(s, part) {}
  const std::vector<sim::FleetDevice>& devices() const override { return fleet_.devices(); }
  std::size_t device_slot(physiology::PatientIndex p, physiology::DeviceIndex d) const override {
    return fleet_.device_slot(p, d);
  }
  bool done() const override { return fleet_.done(); }
  physiology::SimTime next_time() const override { return fleet_.next_time(); }
  physiology::DeviceOutput next() override { return fleet_.next(); }
  std::vector<physiology::Episode> finish() override { return fleet_.finish(); }
  std::vector<physiology::Episode> episodes() const override { return fleet_.episodes(); }

 private:
  sim::Fleet fleet_;
};

}  // namespace

SourceFactory fleet_source() {
  return [](const scenarios::Scenario& s, sim::ShardSpec part) -> std::unique_ptr<OutputSource> {
    return std::make_unique<FleetSource>(s, part);
  };
}

}  // namespace iomtsim::loadgen
