// Record then replay: `run --record` keeps every reading in the generator's own order and
// the ground truth, and a replay of it through the same engine, network and embedded
// target gives the same readings, the same delivery and the same scoring.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "iomtsim/loadgen/replay.hpp"
#include "iomtsim/loadgen/run.hpp"
#include "iomtsim/payloads/proto_codec.hpp"
#include "iomtsim/reports/utility.hpp"
#include "iomtsim/sim/generate.hpp"
#include "iomtsim/sim/import/import.hpp"
#include "tiny_scenario.hpp"
#include "quiet_options.hpp"

using namespace iomtsim;
using namespace iomtsim::loadgen;
using reports::Outcome;

namespace {

std::filesystem::path temp_file(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("iomtsim-replay-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir / name;
}

std::vector<payloads::RecordEntry> read_all(const std::filesystem::path& f) {
  std::ifstream in(f, std::ios::binary);
  payloads::RecordingReader r(in);
  std::vector<payloads::RecordEntry> out;
  while (auto e = r.next()) out.push_back(std::move(*e));
  EXPECT_EQ(r.error(), "");
  return out;
}

template <class T>
std::vector<T> only(const std::vector<payloads::RecordEntry>& entries) {
  std::vector<T> out;
  for (const auto& e : entries)
    if (auto* x = std::get_if<T>(&e)) out.push_back(*x);
  return out;
}

std::set<std::pair<physiology::PatientIndex, std::string>> alerted(const reports::Report& r) {
  std::set<std::pair<physiology::PatientIndex, std::string>> s;
  for (const auto& a : r.alerts) s.emplace(a.alert.patient, a.alert.rule);
  return s;
}

}  // namespace

TEST(Replay, RecordThenReplayGivesTheSameReadingsDeliveryAndScoring) {
  // 5 % emulated loss: the replay must lose exactly the same readings (same seed, same
  // per-device network streams), which only holds if it sends exactly the same messages.
  const auto s = tiny_scenarios::tiny(3, 2, scenarios::PayloadFormat::FhirR4, 1, 0.05);
  const auto file = temp_file("tiny.iomtrec");
  auto o = quiet(2);
  o.record = file;
  const auto original = run(s, o);
  ASSERT_TRUE(original.report.delivery.balanced());
  ASSERT_GT(original.report.delivery[Outcome::LostNetwork], 0u);

  // The recording holds exactly what `generate` produces for the scenario, in its order.
  std::ostringstream generated;
  sim::generate(s, {}, sim::GenerateFormat::Protobuf, generated);
  std::istringstream gin(generated.str());
  payloads::RecordingReader gr(gin);
  std::vector<physiology::Reading> expected;
  while (auto e = gr.next())
    if (auto* r = std::get_if<physiology::Reading>(&*e)) expected.push_back(*r);
  const auto entries = read_all(file);
  ASSERT_TRUE(std::holds_alternative<payloads::RecordingHeader>(entries.front()));
  EXPECT_EQ(std::get<payloads::RecordingHeader>(entries.front()).seed, s.metadata.seed);
  EXPECT_EQ(only<physiology::Reading>(entries), expected);
  EXPECT_EQ(only<physiology::Episode>(entries), original.report.episodes);
  EXPECT_EQ(only<physiology::Alert>(entries).size(), original.report.alerts.size());

  ReplayOptions ro;
  ro.run = quiet(1);
  ro.run.speed = 600;
  ro.network_profile = s.network_profiles.at("lan");
  const auto again = replay(file, ro);
  const auto& a = original.report.delivery;
  const auto& b = again.report.delivery;
  EXPECT_EQ(b.generated, a.generated);
  EXPECT_EQ(b[Outcome::Acknowledged], a[Outcome::Acknowledged]);
  EXPECT_EQ(b[Outcome::LostNetwork], a[Outcome::LostNetwork]);
  EXPECT_TRUE(b.balanced());
  EXPECT_EQ(again.report.episodes, original.report.episodes);
  // Readings as the timeline patient's traces saw them: same ids, values and times.
  ASSERT_FALSE(original.report.traces.empty());
  ASSERT_EQ(again.report.traces.size(), original.report.traces.size());
  for (std::size_t i = 0; i < again.report.traces.size(); ++i)
    EXPECT_EQ(again.report.traces[i].reading, original.report.traces[i].reading);
  // Scoring: the same patients alerted by the same rules, the same episodes detected.
  // (Alert counts and lead times may differ by what wall-clock timing allows.)
  EXPECT_EQ(alerted(again.report), alerted(original.report));
  EXPECT_EQ(again.report.accuracy.overall.episodes, original.report.accuracy.overall.episodes);
  EXPECT_EQ(again.report.accuracy.overall.episodes_detected, original.report.accuracy.overall.episodes_detected);
  EXPECT_GT(again.report.accuracy.overall.episodes_detected, 0u);
  std::filesystem::remove_all(file.parent_path());
}

TEST(Replay, GeneratedRecordingReplaysWithChosenFormat) {
  const auto s = tiny_scenarios::tiny(2, 1);
  const auto file = temp_file("generated.iomtrec");
  {
    std::ofstream out(file, std::ios::binary);
    sim::generate(s, {}, sim::GenerateFormat::Protobuf, out);
  }
  const auto summary = scan_recording(file);
  EXPECT_EQ(summary.patient_slots, 3u);
  EXPECT_EQ(summary.devices.size(), 3u);
  ReplayOptions ro;
  ro.run = quiet(2);
  ro.run.speed = 1200;
  ro.format = scenarios::PayloadFormat::Hl7v2;
  ro.network = "hospital_wifi";
  const auto r = replay(file, ro);
  EXPECT_EQ(r.report.delivery.generated, summary.readings);
  EXPECT_TRUE(r.report.delivery.balanced());
  ASSERT_EQ(r.report.channels.size(), 1u);
  EXPECT_EQ(r.report.channels[0].protocol, "hl7v2");
  EXPECT_EQ(r.report.channels[0].profile, "hospital_wifi");
  EXPECT_GT(r.report.delivery[Outcome::Acknowledged], summary.readings * 9 / 10);
  EXPECT_EQ(r.report.episodes, summary.episodes);
  std::filesystem::remove_all(file.parent_path());
}

TEST(Replay, OperationsEntriesAreCountedNotTakenForAlerts) {
  auto s = tiny_scenarios::tiny(3, 0);
  s.metadata.duration = std::chrono::hours(2);
  auto& o = s.cohorts[0].operations;
  o.model.pumps.per_patient = 1;
  o.model.assets.count = 2;
  o.model.imaging.procedures_per_day = 24;
  const auto file = temp_file("ops.iomtrec");
  sim::GenerateStats st;
  {
    std::ofstream out(file, std::ios::binary);
    st = sim::generate(s, {}, sim::GenerateFormat::Protobuf, out);
  }
  ASSERT_GT(st.pump_events + st.location_fixes + st.imaging_results, 0u);
  const auto summary = scan_recording(file);
  EXPECT_EQ(summary.operations_entries,
            st.pump_events + st.location_fixes + st.imaging_results + st.asset_segments);
  EXPECT_EQ(summary.recorded_alerts, 0u);
  EXPECT_EQ(summary.readings, st.readings);
  std::filesystem::remove_all(file.parent_path());
}

TEST(Replay, BadInputIsATypedError) {
  const auto file = temp_file("bad.iomtrec");
  {
    std::ofstream out(file, std::ios::binary);
    payloads::RecordingWriter w(out);
    w.write(payloads::RecordingHeader{"x", 1, 0, "test"});
    physiology::Reading r;
    r.id = physiology::make_reading_id(0, 0, 0);
    r.true_time = physiology::at_seconds(10);
    w.write(r);
    r.id = physiology::make_reading_id(0, 0, 1);
    r.true_time = physiology::at_seconds(5);  // earlier: out of order
    w.write(r);
  }
  EXPECT_THROW(scan_recording(file), ReplayError);
  EXPECT_THROW(scan_recording(temp_file("missing.iomtrec")), ReplayError);
  RecordingSummary ok;
  ok.devices = {{0, 0}};
  ok.patient_slots = 1;
  ReplayOptions o;
  o.network = "carrier_pigeon";
  EXPECT_THROW(replay_scenario(ok, o), ReplayError);
  o.network = "lte";
  o.targets = {"ftp://host:21"};
  EXPECT_THROW(replay_scenario(ok, o), ReplayError);
  o.targets = {"http://10.0.0.5:8080/fhir", "mllp://10.0.0.5:2575"};
  const auto s = replay_scenario(ok, o);
  EXPECT_FALSE(s.target.embedded);
  ASSERT_TRUE(s.target.http && s.target.mllp);
  EXPECT_EQ(s.target.http->port, 8080);
  EXPECT_EQ(s.target.fhir_base_path, "/fhir");
  EXPECT_EQ(s.cohorts.at(0).devices.at(0).network_profile, "lte");
  std::filesystem::remove_all(file.parent_path());
}

// Real ICU stays end to end: import a few PhysioNet 2019 files, replay them hour-accurate
// into the embedded target, and check the report's sepsis utility against the challenge
// formula applied to the files' own SepsisLabel rows (hours from the first to the last
// row with a vital sign, the part of a stay a replay can observe).
TEST(Replay, ImportedPhysionetStaysAreScoredWithTheChallengeUtility) {
  namespace fs = std::filesystem;
  const fs::path src = fs::path(IOMTSIM_DATA_DIR) / "physionet2019";
  const auto dir = temp_file("psv");
  fs::create_directories(dir);
  // Septic stays whose first label is not on the first row, and short non-septic ones.
  const std::vector<std::string> names = {"p100076", "p100143", "p100163", "p100207",
                                          "p100543", "p100579", "p100693"};
  for (const auto& n : names) fs::copy_file(src / (n + ".psv"), dir / (n + ".psv"));
  const auto rec = temp_file("psv.iomtrec");
  {
    std::ofstream out(rec, std::ios::binary);
    const auto stats = sim::import_recording(sim::ImportFormat::Physionet2019, dir, out);
    ASSERT_EQ(stats.patients, names.size());
    ASSERT_EQ(stats.septic_patients, 3u);
  }
  ReplayOptions ro;
  ro.run = quiet(1);
  ro.run.speed = 36000;  // ten hours per wall second
  ro.run.connections = 1;  // one connection keeps each patient's readings in order
  ro.network_profile = tiny_scenarios::tiny(1, 0).network_profiles.at("lan");
  const auto r = replay(rec, ro);
  const auto& u = r.report.sepsis_utility;
  EXPECT_EQ(u.patients, names.size());
  EXPECT_EQ(u.septic_patients, 3u);

  // The files' own labels, by hour, and the alerts' hours as predictions.
  std::vector<std::vector<int>> labels, predictions;
  std::uint64_t hours = 0;
  for (std::size_t p = 0; p < names.size(); ++p) {
    std::ifstream in(dir / (names[p] + ".psv"));
    std::string line;
    std::getline(in, line);
    std::vector<std::pair<int, int>> rows;  // (ICULOS, label) of rows with a vital sign
    std::optional<int> first_label;         // over all rows
    while (std::getline(in, line)) {
      std::vector<std::string> f;
      std::stringstream ss(line);
      for (std::string x; std::getline(ss, x, '|');) f.push_back(x);
      const bool any = std::any_of(f.begin(), f.begin() + 7, [](const auto& v) { return v != "NaN"; }) ||
                       f.at(21) != "NaN";  // HR..Resp, Glucose
      if (any) rows.emplace_back(std::stoi(f.at(39)), std::stoi(f.at(40)));
      if (f.at(40) == "1" && !first_label) first_label = std::stoi(f.at(39));
    }
    ASSERT_FALSE(rows.empty());
    const int first = rows.front().first, last = rows.back().first;
    std::vector<int> lab(static_cast<std::size_t>(last - first + 1), 0), pred(lab.size(), 0);
    // SepsisLabel is 1 from its first 1 to the end of a septic stay.
    for (std::size_t i = 0; i < lab.size(); ++i)
      lab[i] = first_label && first + static_cast<int>(i) >= *first_label ? 1 : 0;
    for (const auto& a : r.report.alerts) {
      if (a.alert.patient != p) continue;
      const auto h = std::chrono::duration_cast<std::chrono::hours>(a.alert.received_time.time_since_epoch()).count();
      if (h >= first && h <= last) pred[static_cast<std::size_t>(h - first)] = 1;
    }
    hours += lab.size();
    labels.push_back(lab);
    predictions.push_back(pred);
  }
  const auto expected = reports::normalized_utility(labels, predictions);
  EXPECT_EQ(u.patient_hours, hours);
  EXPECT_NEAR(u.utility.observed, expected.observed, 1e-9);
  EXPECT_NEAR(u.utility.best, expected.best, 1e-9);
  EXPECT_NEAR(u.utility.inaction, expected.inaction, 1e-9);
  EXPECT_NEAR(u.utility.normalized, expected.normalized, 1e-9);
  EXPECT_GT(u.utility.best, 0.0);
  EXPECT_GT(r.report.alerts.size(), 0u);  // real ICU vitals do trigger the reference rules
  EXPECT_TRUE(r.report.delivery.balanced());
  EXPECT_EQ(r.report.delivery[Outcome::Acknowledged], r.report.delivery.generated);

  // Much faster, the same alerts land in the same hours: each is timed from its trigger
  // (which a fast replay keeps in the recorder's ring), not from the accelerated clock.
  ro.run.speed = 360000;
  const auto fast = replay(rec, ro);
  for (const auto& a : fast.report.alerts) EXPECT_TRUE(a.trigger_known) << a.alert.rule;
  EXPECT_EQ(fast.report.alerts.size(), r.report.alerts.size());
  EXPECT_NEAR(fast.report.sepsis_utility.utility.normalized, u.utility.normalized, 1e-9);
  fs::remove_all(dir.parent_path());
}

// A replay of shard K/N's recording holds a quarter of the patients, with sparse ids
// (1, 5, 9, …, 197): the report counts the 50 it holds, not the highest id + 1 (198),
// or its per-patient-day figures come out four times too small.
TEST(Replay, AShardRecordingCountsThePatientsItHolds) {
  auto s = tiny_scenarios::tiny(200, 0);
  s.metadata.duration = std::chrono::minutes(2);
  const auto file = temp_file("shard.iomtrec");
  {
    std::ofstream out(file, std::ios::binary);
    sim::generate(s, sim::ShardSpec{1, 4}, sim::GenerateFormat::Protobuf, out);
  }
  const auto summary = scan_recording(file);
  EXPECT_EQ(summary.patient_slots, 198u);
  EXPECT_EQ(summary.patients, 50u);
  ReplayOptions ro;
  ro.run = quiet(2);
  ro.run.speed = 100000;
  const auto r = replay(file, ro);
  EXPECT_EQ(r.report.run.patient_count, 50u);
  // Replayed as shard 1/3 of itself: the patients 1 + 4k with k % 3 == 0 (17 of them).
  ro.run.shard = sim::ShardSpec{1, 3};
  const auto third = replay(file, ro);
  EXPECT_EQ(third.report.run.patient_count, 17u);
  std::filesystem::remove_all(file.parent_path());
}

// A recording cut short in its last entry (a writer killed mid-write) is read up to the
// cut, with a warning, instead of being refused whole.
TEST(Replay, ARecordingCutShortIsReplayedUpToTheCut) {
  const auto s = tiny_scenarios::tiny(2, 1);
  const auto file = temp_file("cut.iomtrec");
  std::uint64_t readings = 0;
  {
    std::ofstream out(file, std::ios::binary);
    readings = sim::generate(s, {}, sim::GenerateFormat::Protobuf, out).readings;
  }
  // Drop the episodes (generate writes them last) and cut into the last reading.
  auto entries = read_all(file);
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    payloads::RecordingWriter w(out);
    for (const auto& e : entries)
      if (!std::holds_alternative<physiology::Episode>(e)) w.write(e);
  }
  std::filesystem::resize_file(file, std::filesystem::file_size(file) - 3);
  const auto summary = scan_recording(file);
  EXPECT_EQ(summary.readings, readings - 1);
  EXPECT_NE(summary.truncated.find("truncated entry"), std::string::npos) << summary.truncated;
  ReplayOptions ro;
  ro.run = quiet(1);
  ro.run.speed = 100000;
  const auto r = replay(file, ro);
  EXPECT_EQ(r.report.delivery.generated, readings - 1);
  EXPECT_TRUE(r.report.delivery.balanced());
  std::filesystem::remove_all(file.parent_path());
}
