// An exception leaving an engine thread used to be std::terminate: a run of 10^6
// patients died of bad_alloc with no word. Now run() stops the other threads and throws a
// RunError saying what happened (cmd_run turns it into a message and exit code 2).
#include <gtest/gtest.h>

#include <new>
#include <string>

#include "iomtsim/loadgen/run.hpp"
#include "iomtsim/loadgen/source.hpp"
#include "quiet_options.hpp"
#include "tiny_scenario.hpp"

using namespace iomtsim;
using namespace iomtsim::loadgen;

namespace {
// The scenario's own fleet, failing on its n-th output as an allocation would.
class FailingSource final : public OutputSource {
 public:
  FailingSource(std::unique_ptr<OutputSource> inner, int fail_at)
      : inner_(std::move(inner)), left_(fail_at) {}
  const std::vector<sim::FleetDevice>& devices() const override { return inner_->devices(); }
  std::size_t device_slot(physiology::PatientIndex p, physiology::DeviceIndex d) const override {
    return inner_->device_slot(p, d);
  }
  bool done() override { return inner_->done(); }
  physiology::SimTime next_time() override { return inner_->next_time(); }
  physiology::DeviceOutput next() override {
    if (--left_ == 0) throw std::bad_alloc();
    return inner_->next();
  }
  std::vector<physiology::Episode> finish() override { return inner_->finish(); }

 private:
  std::unique_ptr<OutputSource> inner_;
  int left_;
};
}  // namespace

TEST(RunFailure, AnEngineThreadRunningOutOfMemoryIsARunError) {
  const auto s = tiny_scenarios::tiny(4, 0);
  auto o = quiet(2);
  o.source = [](const scenarios::Scenario& sc,
                sim::ShardSpec part) -> std::unique_ptr<OutputSource> {
    return std::make_unique<FailingSource>(fleet_source()(sc, part),
                                           part.index == 1 ? 20 : 1'000'000);
  };
  try {
    run(s, o);
    FAIL() << "the run did not report the engine thread's failure";
  } catch (const RunError& e) {
    EXPECT_NE(std::string(e.what()).find("ran out of memory"), std::string::npos) << e.what();
  }
}
