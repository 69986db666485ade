// The clinician's scenarios of issue #21 in scenarios/library/, run as a user would
// (`iomtsim simulate`), with their report.json checked for what was asked: exact counts,
// the bed named, and onsets on the clock.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "support/cli_run.hpp"

namespace fs = std::filesystem;
using iomtsim::testing::run_cli;
using iomtsim::testing::shell_quote;
using Json = nlohmann::json;

namespace {

constexpr std::int64_t kHourNs = 3'600'000'000'000;

// Runs `simulate` on a shipped scenario and returns its report.json.
Json simulate(const std::string& file) {
  const fs::path dir =
      fs::temp_directory_path() / ("iomtsim_clinician_" + file + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const std::string path = std::string(IOMTSIM_SOURCE_DIR) + "/scenarios/library/" + file;
  const auto r = run_cli("simulate " + shell_quote(path) + " --out " + shell_quote(dir.string()));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  std::ifstream in(dir / "report.json");
  Json j = in ? Json::parse(in) : Json::object();
  fs::remove_all(dir);
  return j;
}

std::map<std::string, std::vector<Json>> episodes_by_condition(const Json& report) {
  std::map<std::string, std::vector<Json>> out;
  for (const auto& e : report.at("episodes"))
    out[e.at("condition").get<std::string>()].push_back(e);
  return out;
}

}  // namespace

TEST(ClinicianLibrary, PostOperativeWardHasThreeSepsisAndTheOverdoseInBed7AtHour10) {
  const Json report = simulate("postop_ward_beds.yaml");
  ASSERT_TRUE(report.contains("episodes"));
  auto by = episodes_by_condition(report);
  EXPECT_EQ(by["sepsis"].size(), 3u);  // exactly 3 of 24, asked with count: 3
  for (const auto& e : by["sepsis"]) {
    EXPECT_GE(e.at("onset_ns").get<std::int64_t>(), 1 * kHourNs);
    EXPECT_LE(e.at("onset_ns").get<std::int64_t>(), 20 * kHourNs);
    EXPECT_TRUE(e.contains("bed"));  // every patient of the ward has a bed
  }
  ASSERT_EQ(by["opioid_respiratory_depression"].size(), 1u);
  const Json& overdose = by["opioid_respiratory_depression"][0];
  EXPECT_EQ(overdose.at("bed"), "7");
  EXPECT_EQ(overdose.at("patient"), 6);  // bed 7 is the seventh patient of the only cohort
  // {day: 1, at: "17:00"} with the clock starting at 07:00: hour 10 exactly.
  EXPECT_EQ(overdose.at("onset_ns").get<std::int64_t>(), 10 * kHourNs);
  EXPECT_FALSE(overdose.at("criteria_met_ns").is_null());
  // The report lists every bed.
  ASSERT_EQ(report.at("beds").size(), 24u);
  EXPECT_EQ(report.at("beds")[6].at("bed"), "7");
}

TEST(ClinicianLibrary, DiabetesClinicHasFiveNocturnalHypoglycaemias) {
  const Json report = simulate("t1d_nocturnal_hypoglycemia.yaml");
  ASSERT_TRUE(report.contains("episodes"));
  auto by = episodes_by_condition(report);
  ASSERT_EQ(by["hypoglycemia"].size(), 5u);  // exactly 5 of 50, asked with count: 5
  for (const auto& e : by["hypoglycemia"]) {
    // Between 23:00 and 05:00 with the clock starting at 08:00: hours 15 to 21.
    EXPECT_GE(e.at("onset_ns").get<std::int64_t>(), 15 * kHourNs);
    EXPECT_LE(e.at("onset_ns").get<std::int64_t>(), 21 * kHourNs);
    EXPECT_FALSE(e.at("criteria_met_ns").is_null()) << "severe: glucose below 54 mg/dL";
  }
}

TEST(ClinicianLibrary, CopdAtHomeHasTwoExacerbationsFromHour26) {
  const Json report = simulate("copd_at_home.yaml");
  ASSERT_TRUE(report.contains("episodes"));
  auto by = episodes_by_condition(report);
  ASSERT_EQ(by.size(), 1u) << "only the exacerbations asked for";
  ASSERT_EQ(by["copd_exacerbation"].size(), 2u);  // exactly 2 of 10, asked with count: 2
  for (const auto& e : by["copd_exacerbation"]) {
    // {day: 2, at: "10:00"} with the clock starting at 08:00 on day 1: hour 26 exactly,
    // its prodrome 7 days before (before the scenario's start).
    EXPECT_EQ(e.at("onset_ns").get<std::int64_t>(), 26 * kHourNs);
    EXPECT_EQ(e.at("prodrome_start_ns").get<std::int64_t>(), (26 - 7 * 24) * kHourNs);
    EXPECT_LT(e.at("patient").get<int>(), 10);
  }
  EXPECT_NE(by["copd_exacerbation"][0].at("patient"), by["copd_exacerbation"][1].at("patient"));
}
