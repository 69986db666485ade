// `iomtsim generate`, `preview` and `report`: what a user gets from the built binary.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>
#include <variant>

#include "iomtsim/payloads/proto_codec.hpp"
#include "iomtsim/reports/recorder.hpp"
#include "iomtsim/reports/report.hpp"
#include "iomtsim/reports/verdict.hpp"
#include "support/cli_run.hpp"

namespace fs = std::filesystem;
using iomtsim::testing::contains;
using iomtsim::testing::run_cli;
using iomtsim::testing::shell_quote;
namespace physiology = iomtsim::physiology;
namespace payloads = iomtsim::payloads;
namespace reports = iomtsim::reports;

namespace {

const std::string kScenario =
    shell_quote(std::string(IOMTSIM_SOURCE_DIR) + "/scenarios/library/postop_sepsis_ward.yaml");

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("iomtsim_cli_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Recording {
  std::optional<payloads::RecordingHeader> header;
  std::vector<physiology::Reading> readings;
  std::vector<physiology::Episode> episodes;
  std::string error;
};

Recording read_recording(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  payloads::RecordingReader reader(in);
  Recording rec;
  while (auto e = reader.next()) {
    if (auto* h = std::get_if<payloads::RecordingHeader>(&*e)) rec.header = *h;
    if (auto* r = std::get_if<physiology::Reading>(&*e)) rec.readings.push_back(*r);
    if (auto* ep = std::get_if<physiology::Episode>(&*e)) rec.episodes.push_back(*ep);
  }
  rec.error = reader.error();
  return rec;
}

TEST(CliGenerate, WritesARecordingWithHeaderReadingsAndEpisodes) {
  TempDir dir;
  const auto out = dir / "g.pb";
  const auto r = run_cli("generate " + kScenario +
                         " --set cohorts.0.conditions.0.probability=1 --out " +
                         shell_quote(out.string()));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const Recording rec = read_recording(out);
  EXPECT_EQ(rec.error, "");
  ASSERT_TRUE(rec.header.has_value());
  EXPECT_EQ(rec.header->scenario_name, "postop_sepsis_ward");
  EXPECT_GT(rec.readings.size(), 10000u);
  EXPECT_EQ(rec.episodes.size(), 20u);  // every patient gets sepsis with probability 1
  EXPECT_TRUE(contains(r.out, std::to_string(rec.readings.size()) + " readings")) << r.out;
  for (std::size_t i = 1; i < rec.readings.size(); ++i) {
    ASSERT_LE(rec.readings[i - 1].true_time, rec.readings[i].true_time) << "at " << i;
  }
}

TEST(CliGenerate, SameSeedSameBytesAndShardsUnionToTheWhole) {
  TempDir dir;
  const std::string base = "generate " + kScenario + " --set metadata.duration=1h --out ";
  ASSERT_EQ(run_cli(base + shell_quote((dir / "a.pb").string())).exit_code, 0);
  ASSERT_EQ(run_cli(base + shell_quote((dir / "b.pb").string())).exit_code, 0);
  EXPECT_EQ(slurp(dir / "a.pb"), slurp(dir / "b.pb"));

  ASSERT_EQ(run_cli(base + shell_quote((dir / "s0.pb").string()) + " --shard 0/2").exit_code, 0);
  ASSERT_EQ(run_cli(base + shell_quote((dir / "s1.pb").string()) + " --shard 1/2").exit_code, 0);
  auto key = [](const physiology::Reading& r) {
    return std::tuple(r.id, r.value, r.true_time.time_since_epoch().count());
  };
  std::set<std::tuple<std::uint64_t, double, std::int64_t>> whole, shards;
  for (const auto& r : read_recording(dir / "a.pb").readings) whole.insert(key(r));
  const auto s0 = read_recording(dir / "s0.pb");
  const auto s1 = read_recording(dir / "s1.pb");
  for (const auto& r : s0.readings) shards.insert(key(r));
  for (const auto& r : s1.readings) shards.insert(key(r));
  EXPECT_EQ(s0.readings.size() + s1.readings.size(), whole.size());
  EXPECT_EQ(shards, whole);
}

TEST(CliGenerate, CsvHasAHeaderAndOneRowPerReading) {
  TempDir dir;
  const auto out = dir / "g.csv";
  const auto r = run_cli("generate " + kScenario + " --set metadata.duration=30min --format csv --out " +
                         shell_quote(out.string()));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::istringstream csv(slurp(out));
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "kind,patient,device,reading_id,vital,value,true_value,unit,true_time_s,device_time_s,flags");
  std::size_t readings = 0;
  while (std::getline(csv, line)) readings += line.rfind("reading,", 0) == 0;
  EXPECT_GT(readings, 1000u);
  EXPECT_TRUE(contains(r.out, std::to_string(readings) + " readings")) << r.out;
}

TEST(CliGenerate, BadArgumentsAreUsageErrorsAndBadScenariosFail) {
  EXPECT_EQ(run_cli("generate " + kScenario + " --out /dev/null --format xml").exit_code, 2);
  EXPECT_EQ(run_cli("generate " + kScenario + " --out /dev/null --shard 3/3").exit_code, 2);
  EXPECT_EQ(run_cli("generate " + kScenario).exit_code, 2);  // --out missing
  EXPECT_EQ(run_cli("generate " + kScenario + " --out /dev/null --set metadata.seed=-1").exit_code,
            2);
  EXPECT_EQ(run_cli("generate " + kScenario + " --out /nonexistent-dir/x.pb").exit_code, 2);
}

TEST(CliPreview, WritesASelfContainedPageWithEachPatient) {
  TempDir dir;
  const auto out = dir / "p.html";
  const auto r = run_cli("preview " + kScenario + " --patients 2 --out " + shell_quote(out.string()));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::string html = slurp(out);
  // Two patients of the cohort (those with an episode first, whoever they are).
  std::size_t sections = 0;
  for (auto at = html.find(" (postop_surgical"); at != std::string::npos;
       at = html.find(" (postop_surgical", at + 1))
    ++sections;
  EXPECT_EQ(sections, 2u);
  EXPECT_TRUE(contains(html, "NEWS2"));
  EXPECT_TRUE(contains(html, "<svg"));
  EXPECT_FALSE(contains(html, "<script"));
  EXPECT_FALSE(contains(html, "http://") && contains(html, "src=\"http"));
  EXPECT_EQ(run_cli("preview " + kScenario + " --patients 0").exit_code, 2);
}

// Two shard-like reports built with the recorder, as a run would write them.
reports::Report shard_report(physiology::PatientIndex first_patient, int readings) {
  reports::Recorder rec;
  auto& shard = rec.make_shard();
  const auto ch = rec.channel("fhir_r4", "hospital_wifi");
  reports::RunInfo info;
  info.scenario = "cli_test";
  info.seed = 1;
  info.mode = "realtime";
  info.start = physiology::SimTime{};
  info.end = physiology::SimTime{} + std::chrono::hours(1);
  info.patient_count = 1;
  rec.set_run_info(info);
  for (int i = 0; i < readings; ++i) {
    physiology::Reading r;
    r.patient = first_patient;
    r.id = physiology::make_reading_id(first_patient, 0, static_cast<std::uint32_t>(i));
    r.true_time = physiology::SimTime{} + std::chrono::seconds(i);
    shard.on_generated(r, ch);
    shard.on_outcome(r.id, reports::Outcome::Acknowledged, r.true_time, r.true_time,
                     r.true_time + std::chrono::milliseconds(5 + i % 7));
  }
  return rec.merge();
}

TEST(CliReport, MergeAddsShardsDiffComparesHtmlRerenders) {
  TempDir dir;
  reports::write_report_folder(shard_report(0, 100), dir / "a");
  reports::write_report_folder(shard_report(1, 50), dir / "b");
  const auto a = shell_quote((dir / "a" / "report.json").string());
  const auto b = shell_quote((dir / "b" / "report.json").string());

  auto r = run_cli("report merge " + a + " " + b + " --out " + shell_quote((dir / "m").string()) +
                   " --expect 'ingest_latency.p99 < 1s'");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto merged = reports::read_report_file(dir / "m" / "report.json");
  EXPECT_EQ(merged.delivery.generated, 150u);
  EXPECT_EQ(merged.delivery[reports::Outcome::Acknowledged], 150u);
  ASSERT_EQ(merged.thresholds.size(), 1u);
  EXPECT_TRUE(merged.thresholds[0].passed);

  r = run_cli("report merge " + a + " " + b + " --out " + shell_quote((dir / "m2").string()) +
              " --expect 'ingest_latency.p99 < 1ms'");
  EXPECT_EQ(r.exit_code, 1) << r.out;  // the merge's verdict: fail
  const auto failed = reports::read_report_file(dir / "m2" / "report.json");
  ASSERT_EQ(failed.thresholds.size(), 1u);
  EXPECT_FALSE(failed.thresholds[0].passed);
  EXPECT_EQ(reports::decide(failed).kind, reports::VerdictKind::Fail);

  EXPECT_EQ(run_cli("report diff " + a + " " + a).exit_code, 0);
  EXPECT_EQ(run_cli("report html " + b + " --out " + shell_quote((dir / "h").string())).exit_code, 0);
  EXPECT_TRUE(fs::exists(dir / "h" / "report.html"));

  EXPECT_EQ(run_cli("report merge " + a + " --out x").exit_code, 2);
  EXPECT_EQ(run_cli("report frobnicate " + a).exit_code, 2);
  EXPECT_EQ(run_cli("report merge " + a + " " + shell_quote((dir / "missing.json").string()) +
                    " --out " + shell_quote((dir / "m3").string()))
                .exit_code,
            2);
}

TEST(CliTopLevel, UnknownCommandsAndOptionsAreUsageErrors) {
  EXPECT_EQ(run_cli("frobnicate").exit_code, 2);
  EXPECT_EQ(run_cli("--frobnicate").exit_code, 2);
  EXPECT_EQ(run_cli("generate --no-such-option").exit_code, 2);
  const auto v = run_cli("--version");
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_TRUE(contains(v.out, "iomtsim 0.1.0"));
}

// `iomtsim realism` through the binary: a generated CSV against the shipped PhysioNet
// sample prints the table; a missing folder or no --against is a usage error (exit 2).
TEST(CliRealism, GeneratedCsvAgainstTheShippedSampleAndBadInput) {
  TempDir dir;
  const std::string csv = shell_quote((dir / "icu.csv").string());
  const std::string icu =
      shell_quote(std::string(IOMTSIM_SOURCE_DIR) + "/scenarios/library/icu_charted_cohort.yaml");
  const std::string real = shell_quote(std::string(IOMTSIM_DATA_DIR) + "/physionet2019");
  ASSERT_EQ(
      run_cli("generate " + icu + " --set cohorts.0.count=20 --format csv --out " + csv).exit_code,
      0);
  const auto r = run_cli("realism " + csv + " --against " + real);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "stays: generated 20 (")) << r.out;
  EXPECT_TRUE(contains(r.out, "real 300 (40 septic")) << r.out;
  EXPECT_EQ(
      run_cli("realism " + csv + " --against " + shell_quote((dir / "none").string())).exit_code,
      2);
  EXPECT_EQ(run_cli("realism " + csv).exit_code, 2);
}

}  // namespace
