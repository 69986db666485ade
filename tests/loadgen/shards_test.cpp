// The sharded path: shards 0..N-1 of a run, merged, equal the single run. Readings and
// delivery (emulated network loss included) are compared exactly; alerts by which patients
// were alerted by which rules and which episodes were detected, since alert counts and
// times depend on wall-clock timing. Also `--local-shards` end to end through the binary.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "iomtsim/loadgen/local_shards.hpp"
#include "iomtsim/loadgen/run.hpp"
#include "iomtsim/reports/merge.hpp"
#include "iomtsim/scenarios/loader.hpp"
#include "tiny_scenario.hpp"
#include "quiet_options.hpp"

using namespace iomtsim;
using namespace iomtsim::loadgen;
using reports::Outcome;
namespace fs = std::filesystem;

namespace {

std::set<std::pair<physiology::PatientIndex, std::string>> alerted(const reports::Report& r) {
  std::set<std::pair<physiology::PatientIndex, std::string>> s;
  for (const auto& a : r.alerts) s.emplace(a.alert.patient, a.alert.rule);
  return s;
}

void expect_same_delivery(const reports::Report& merged, const reports::Report& whole) {
  EXPECT_EQ(merged.delivery.generated, whole.delivery.generated);
  for (auto o : {Outcome::Acknowledged, Outcome::LostNetwork, Outcome::Rejected, Outcome::InFlight})
    EXPECT_EQ(merged.delivery[o], whole.delivery[o]) << static_cast<int>(o);
  EXPECT_TRUE(merged.delivery.balanced());
  EXPECT_EQ(merged.run.patient_count, whole.run.patient_count);
  EXPECT_EQ(merged.episodes, whole.episodes);
  EXPECT_EQ(merged.patient_spans, whole.patient_spans);
  ASSERT_EQ(merged.channels.size(), whole.channels.size());
  for (std::size_t i = 0; i < merged.channels.size(); ++i)
    EXPECT_EQ(merged.channels[i].delivery, whole.channels[i].delivery);
}

}  // namespace

TEST(Shards, MergedShardsEqualTheSingleRun) {
  const auto s = tiny_scenarios::tiny(5, 2, scenarios::PayloadFormat::FhirR4, 1, 0.05);
  const auto whole = run(s, quiet(1));
  std::vector<reports::Report> parts;
  for (std::uint32_t k = 0; k < 3; ++k) {
    auto o = quiet(1);
    o.shard = sim::ShardSpec{k, 3};
    parts.push_back(run(s, o).report);
  }
  const auto merged = reports::merge_reports(parts);
  ASSERT_GT(whole.report.delivery[Outcome::LostNetwork], 0u);
  expect_same_delivery(merged, whole.report);
  EXPECT_EQ(alerted(merged), alerted(whole.report));
  EXPECT_EQ(merged.accuracy.overall.episodes_detected, whole.report.accuracy.overall.episodes_detected);
  EXPECT_GT(merged.accuracy.overall.episodes_detected, 0u);
}

TEST(Shards, LocalShardsRunsFourProcessesAndMerges) {
  const fs::path dir = fs::temp_directory_path() / ("iomtsim-local-shards-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const auto scenario_file = dir / "ward.yaml";
  {
    std::ofstream f(scenario_file);
    f << R"(metadata:
  name: local_shards_ward
  seed: 77
  duration: 20 min
cohorts:
  - name: ward
    count: 9
    archetype: healthy_adult
    ward: w1
    conditions:
      - kind: opioid_respiratory_depression
        probability: 40 %
        onset: 2 min
        severity: 1.0
        course: sudden
    devices:
      - type: bedside_monitor
        measures: [heart_rate, spo2, resp_rate]
        every: 20s
        network: hospital_wifi
time:
  mode: accelerated
  speed: 600
expectations:
  - ingest_latency.p99 < 30s
)";
  }
  LocalShardsOptions o;
  o.program = fs::path(IOMTSIM_BINARY_DIR) / "cli" / "iomtsim";
  o.run_args = {scenario_file.string()};
  o.shards = 4;
  o.out_dir = dir / "out";
  std::ostringstream log;
  o.log = &log;
  const auto merged = run_local_shards(o);
  ASSERT_EQ(merged.child_exit_codes.size(), 4u);
  for (int rc : merged.child_exit_codes) EXPECT_EQ(rc, 0);
  EXPECT_EQ(merged.exit_code, 0) << log.str();
  EXPECT_EQ(merged.merged.run.shards.size(), 4u);
  EXPECT_TRUE(fs::exists(o.out_dir / "report.json"));
  const auto reread = reports::read_report_file(o.out_dir / "report.json");
  EXPECT_EQ(reread.delivery, merged.merged.delivery);

  // The same scenario in one process: the same readings, delivery and ground truth.
  const auto loaded = scenarios::load_file(scenario_file.string());
  ASSERT_TRUE(loaded.ok());
  const auto whole = run(*loaded.scenario, quiet(1));
  expect_same_delivery(merged.merged, whole.report);
  EXPECT_EQ(alerted(merged.merged), alerted(whole.report));
  fs::remove_all(dir);
}
