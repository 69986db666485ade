// `iomtsim validate`, `explain` and `schema`: exit codes and what the user sees.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "support/cli_run.hpp"

namespace {

using iomtsim::testing::CliRun;
using iomtsim::testing::contains;
std::string quote(const std::string& s) { return iomtsim::testing::shell_quote(s); }
CliRun run(const std::string& args, bool with_stderr = true) {
  return iomtsim::testing::run_cli(args, with_stderr);
}

const std::string kSrc = IOMTSIM_SOURCE_DIR;
const std::string kQuickStart = quote(kSrc + "/scenarios/library/postop_sepsis_ward.yaml");
const std::string kBadKey = quote(kSrc + "/tests/data/scenarios/bad_unknown_cohort_key_devcies.yaml");
const std::string kBadCount = quote(kSrc + "/tests/data/scenarios/bad_count_over_limit.yaml");

TEST(CliValidate, ValidFileExitsZero) {
  const CliRun r = run("validate " + kQuickStart);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "postop_sepsis_ward.yaml: ok (20 patients, 1 cohort)")) << r.out;
}

TEST(CliValidate, InvalidFileExitsOneWithPositionAndCaret) {
  const CliRun r = run("validate " + kBadKey);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_TRUE(contains(r.out, "bad_unknown_cohort_key_devcies.yaml:9:5: error: unknown key 'devcies' "
                              "(did you mean 'devices'?)\n      devcies: []\n      ^\n"))
      << r.out;
}

TEST(CliValidate, EveryFileIsCheckedAndOneBadFileFailsTheRun) {
  const CliRun r = run("validate " + kQuickStart + " " + kBadKey);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.out, "postop_sepsis_ward.yaml: ok")) << r.out;
  EXPECT_TRUE(contains(r.out, "bad_unknown_cohort_key_devcies.yaml: 1 error")) << r.out;
}

TEST(CliValidate, OverrideCanFixAFile) {
  EXPECT_EQ(run("validate " + kBadCount).exit_code, 1);
  const CliRun r = run("validate " + kBadCount + " --set cohorts.0.count=5");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "(5 patients, 1 cohort)")) << r.out;
}

TEST(CliValidate, BadOverrideNamesTheCommandLine) {
  const CliRun r = run("validate " + kQuickStart + " --set metadata.duration=90");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.out, "<command line>:1:19: error: duration: missing unit")) << r.out;
}

TEST(CliValidate, MissingFileIsInvalid) {
  const CliRun r = run("validate /nonexistent/scenario.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.out, "/nonexistent/scenario.yaml: error: cannot read scenario: no such file")) << r.out;
}

TEST(CliValidate, NoFileIsAUsageError) {
  EXPECT_EQ(run("validate").exit_code, 2);
  EXPECT_EQ(run("validate --no-such-option x.yaml").exit_code, 2);
}

TEST(CliValidate, JunkDoesNotCrash) {
  const std::string junk = quote(kSrc + "/tests/data/scenarios/bad_binary_junk.yaml");
  const std::string bomb = quote(kSrc + "/tests/data/scenarios/bad_alias_bomb.yaml");
  const std::string comma = quote(kSrc + "/tests/data/scenarios/bad_stray_comma_after_block.yaml");
  EXPECT_EQ(run("validate " + junk).exit_code, 1);
  EXPECT_EQ(run("validate " + bomb).exit_code, 1);
  EXPECT_EQ(run("validate " + comma).exit_code, 1);
}

TEST(CliExplain, PrintsWhatTheScenarioDoes) {
  const CliRun r = run("explain " + kQuickStart, false);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(contains(r.out, "Patients: 20")) << r.out;
  EXPECT_TRUE(contains(r.out, "sepsis in cohort 'postop_surgical': about 5 of 20 patients")) << r.out;
  EXPECT_TRUE(contains(r.out, "hospital_wifi - ")) << r.out;
}

TEST(CliExplain, OverridesChangeTheExplanation) {
  const CliRun r = run("explain " + kQuickStart + " --set cohorts.0.count=40", false);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(contains(r.out, "Patients: 40")) << r.out;
  EXPECT_TRUE(contains(r.out, "about 10 of 40 patients")) << r.out;
}

TEST(CliExplain, InvalidFileExitsOne) {
  EXPECT_EQ(run("explain " + kBadKey).exit_code, 2);
  EXPECT_EQ(run("explain").exit_code, 2);
}

TEST(CliSchema, PrintsAJsonSchema) {
  const CliRun r = run("schema", false);
  EXPECT_EQ(r.exit_code, 0);
  const auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["$schema"], "https://json-schema.org/draft/2020-12/schema");
  EXPECT_TRUE(j["$defs"].contains("network_profile"));
}

TEST(CliHelp, ListsTheScenarioCommands) {
  const CliRun r = run("--help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* c : {"validate", "explain", "schema"}) EXPECT_TRUE(contains(r.out, c)) << c;
}

}  // namespace
