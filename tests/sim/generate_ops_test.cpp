// `iomtsim generate` with hospital operations devices: the shipped smart-hospital scenario's
// pump events, location fixes and imaging results come out in time order among the
// readings, with the assets' true tracks at the end, in both forms; shards split them
// exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "iomtsim/payloads/proto_codec.hpp"
#include "iomtsim/scenarios/loader.hpp"
#include "iomtsim/sim/generate.hpp"

namespace iomtsim::sim {
namespace {

namespace ops = physiology::ops;

scenarios::Scenario smart_hospital() {
  auto r = scenarios::load_file(std::string(IOMTSIM_SOURCE_DIR) +
                                    "/scenarios/library/smart_hospital.yaml",
                                {"metadata.duration=2h"});
  EXPECT_TRUE(r.scenario.has_value());
  return *r.scenario;
}

std::vector<payloads::RecordEntry> recording(const scenarios::Scenario& s, ShardSpec shard,
                                             GenerateStats* stats = nullptr) {
  std::stringstream buf(std::ios::in | std::ios::out | std::ios::binary);
  const auto st = generate(s, shard, GenerateFormat::Protobuf, buf);
  if (stats) *stats = st;
  payloads::RecordingReader reader(buf);
  std::vector<payloads::RecordEntry> out;
  while (auto e = reader.next()) out.push_back(std::move(*e));
  EXPECT_EQ(reader.error(), "");
  return out;
}

physiology::SimTime time_of(const payloads::RecordEntry& e) {
  if (const auto* r = std::get_if<physiology::Reading>(&e)) return r->true_time;
  if (const auto* w = std::get_if<physiology::WaveformBlock>(&e)) return w->true_time;
  if (const auto* p = std::get_if<ops::PumpEvent>(&e)) return p->true_time;
  if (const auto* f = std::get_if<ops::LocationFix>(&e)) return f->true_time;
  if (const auto* i = std::get_if<ops::ImagingResult>(&e)) return i->acquired_time;
  return physiology::SimTime::max();  // header, ground truth
}

TEST(GenerateOps, OperationsOutputsInterleaveInTimeOrderWithTruthAtTheEnd) {
  GenerateStats st;
  const auto entries = recording(smart_hospital(), {}, &st);
  ASSERT_GT(st.pump_events, 0u);
  ASSERT_GT(st.location_fixes, 0u);
  ASSERT_GT(st.imaging_results, 0u);
  ASSERT_GT(st.asset_segments, 0u);
  std::uint64_t pumps = 0, fixes = 0, results = 0, segments = 0, readings = 0;
  physiology::SimTime last{};
  bool truth_started = false;
  for (const auto& e : entries) {
    const auto t = time_of(e);
    const bool truth = std::holds_alternative<physiology::Episode>(e) ||
                       std::holds_alternative<ops::LocationSegment>(e);
    if (truth) truth_started = true;
    if (t != physiology::SimTime::max()) {
      EXPECT_FALSE(truth_started) << "an output after the ground truth";
      EXPECT_GE(t, last);
      last = t;
    }
    pumps += std::holds_alternative<ops::PumpEvent>(e);
    fixes += std::holds_alternative<ops::LocationFix>(e);
    results += std::holds_alternative<ops::ImagingResult>(e);
    segments += std::holds_alternative<ops::LocationSegment>(e);
    readings += std::holds_alternative<physiology::Reading>(e);
  }
  EXPECT_EQ(pumps, st.pump_events);
  EXPECT_EQ(fixes, st.location_fixes);
  EXPECT_EQ(results, st.imaging_results);
  EXPECT_EQ(segments, st.asset_segments);
  EXPECT_EQ(readings, st.readings);
}

TEST(GenerateOps, CsvHasARowPerOperationsOutputAndSegment) {
  const auto s = smart_hospital();
  std::ostringstream csv;
  const auto st = generate(s, {}, GenerateFormat::Csv, csv);
  std::istringstream in(csv.str());
  std::string line;
  std::map<std::string, std::uint64_t> rows;
  std::getline(in, line);
  EXPECT_EQ(line, kCsvHeader);
  const auto columns = std::count(line.begin(), line.end(), ',');
  while (std::getline(in, line)) {
    EXPECT_EQ(std::count(line.begin(), line.end(), ','), columns) << line;
    ++rows[line.substr(0, line.find(','))];
  }
  EXPECT_EQ(rows["pump_event"], st.pump_events);
  EXPECT_EQ(rows["location_fix"], st.location_fixes);
  EXPECT_EQ(rows["imaging_result"], st.imaging_results);
  EXPECT_EQ(rows["asset_segment"], st.asset_segments);
  EXPECT_EQ(rows["reading"], st.readings);
}

TEST(GenerateOps, ShardsSplitTheOperationsOutputsExactly) {
  const auto s = smart_hospital();
  auto ids = [](const std::vector<payloads::RecordEntry>& entries) {
    std::multiset<std::uint64_t> out;
    for (const auto& e : entries) {
      if (const auto* p = std::get_if<ops::PumpEvent>(&e)) out.insert(p->id);
      if (const auto* f = std::get_if<ops::LocationFix>(&e)) out.insert(f->id);
      if (const auto* i = std::get_if<ops::ImagingResult>(&e)) out.insert(i->id);
    }
    return out;
  };
  const auto whole = ids(recording(s, {}));
  auto parts = ids(recording(s, {0, 2}));
  const auto second = ids(recording(s, {1, 2}));
  EXPECT_FALSE(parts.empty());
  EXPECT_FALSE(second.empty());
  parts.insert(second.begin(), second.end());
  EXPECT_EQ(parts, whole);
}

}  // namespace
}  // namespace iomtsim::sim
