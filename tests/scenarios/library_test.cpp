// Every shipped scenario in scenarios/library/ validates, and the library covers the
// situations the README promises.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "iomtsim/scenarios/explain.hpp"
#include "iomtsim/scenarios/loader.hpp"

namespace fs = std::filesystem;
using namespace iomtsim::scenarios;
using namespace iomtsim::physiology;

namespace {

const fs::path kLibrary = fs::path(IOMTSIM_SOURCE_DIR) / "scenarios/library";

std::vector<std::string> shipped() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(kLibrary)) {
    if (e.is_regular_file() && e.path().extension() == ".yaml")
      out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class Shipped : public testing::TestWithParam<std::string> {};

TEST_P(Shipped, Validates) {
  const auto r = load_file((kLibrary / GetParam()).string());
  for (const auto& d : r.diagnostics) ADD_FAILURE() << format_diagnostic(d);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.scenario->metadata.name.empty());
  EXPECT_FALSE(r.scenario->metadata.description.empty());
  EXPECT_GE(r.scenario->patient_count(), 1u);
  EXPECT_FALSE(r.scenario->expectations.empty()) << "a shipped scenario says what passing means";
  for (const auto& c : r.scenario->cohorts) {
    EXPECT_FALSE(c.devices.empty());
    ASSERT_EQ(c.devices.size(), c.physiology.devices.size());
    for (std::size_t i = 0; i < c.devices.size(); ++i) {
      EXPECT_EQ(c.devices[i].model, c.physiology.devices[i]);
      EXPECT_EQ(r.scenario->network_profiles.count(c.devices[i].network_profile), 1u);
    }
  }
  // Explaining it works and names every cohort.
  const std::string text = explain(*r.scenario);
  for (const auto& c : r.scenario->cohorts) EXPECT_NE(text.find(c.physiology.name), std::string::npos);
}

TEST_P(Shipped, IsCommented) {
  std::ifstream in(kLibrary / GetParam());
  std::string first;
  std::getline(in, first);
  EXPECT_TRUE(first.starts_with("#")) << "a shipped scenario starts with a comment saying what it is";
}

INSTANTIATE_TEST_SUITE_P(Library, Shipped, testing::ValuesIn(shipped()),
                         [](const testing::TestParamInfo<std::string>& param_info) {
                           return param_info.param.substr(0, param_info.param.size() - 5);
                         });

TEST(Library, HasTheSevenScenarios) {
  const auto files = shipped();
  EXPECT_GE(files.size(), 7u);
  EXPECT_NE(std::find(files.begin(), files.end(), "postop_sepsis_ward.yaml"), files.end());
}

TEST(Library, QuickStartIsSmall) {
  const auto r = load_file((kLibrary / "postop_sepsis_ward.yaml").string());
  ASSERT_TRUE(r.ok());
  EXPECT_LE(r.scenario->patient_count(), 30u);
  EXPECT_EQ(r.scenario->metadata.duration, std::chrono::hours(12));
  ASSERT_EQ(r.scenario->cohorts.size(), 1u);  // from the included cohort file
  EXPECT_EQ(r.scenario->cohorts[0].physiology.archetype, Archetype::PostOperativeAdult);
  ASSERT_FALSE(r.scenario->cohorts[0].physiology.conditions.empty());
  EXPECT_EQ(r.scenario->cohorts[0].physiology.conditions[0].kind, ConditionKind::Sepsis);
}

TEST(Library, SomeScenarioUsesInclude) {
  int with_include = 0;
  for (const auto& f : shipped()) {
    std::ifstream in(kLibrary / f);
    std::stringstream ss;
    ss << in.rdbuf();
    if (ss.str().find("\ninclude:") != std::string::npos) ++with_include;
  }
  EXPECT_GE(with_include, 1);
}

}  // namespace
