// `iomtsim replay --target-config FILE`: the embedded target scores the rules the user
// configured, and a bad config or a config for an external target is refused.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "iomtsim/reports/report.hpp"
#include "support/cli_run.hpp"

namespace fs = std::filesystem;
using iomtsim::testing::contains;
using iomtsim::testing::run_cli;
using iomtsim::testing::shell_quote;

namespace {

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("iomtsim_cli_replay_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

void write(const fs::path& p, const std::string& text) {
  std::ofstream out(p);
  out << text;
}

std::set<std::string> rules_alerted(const fs::path& report) {
  std::set<std::string> s;
  for (const auto& a : iomtsim::reports::read_report_file(report).alerts) s.insert(a.alert.rule);
  return s;
}

}  // namespace

TEST(CliReplay, TargetConfigChoosesTheRulesTheEmbeddedTargetRuns) {
  TempDir dir;
  const std::string scenario =
      shell_quote(std::string(IOMTSIM_SOURCE_DIR) + "/scenarios/library/postop_sepsis_ward.yaml");
  const auto rec = dir / "ward.pb";
  ASSERT_EQ(run_cli("generate " + scenario +
                    " --set metadata.duration=3h --set cohorts.0.conditions.0.probability=1" +
                    " --out " + shell_quote(rec.string()))
                .exit_code,
            0);
  const std::string replay =
      "replay " + shell_quote(rec.string()) + " --speed max --progress none --threads 1 ";

  // Only qSOFA on: every alert the report holds is a qsofa alert.
  write(dir / "qsofa.yaml",
        "rules:\n  defaults: false\n  news2: {enabled: false}\n  qsofa: {enabled: true}\n");
  const auto only_qsofa =
      run_cli(replay + "--target-config " + shell_quote((dir / "qsofa.yaml").string()) + " --out " +
              shell_quote((dir / "q").string()));
  ASSERT_NE(only_qsofa.exit_code, 2) << only_qsofa.out;
  const auto q = rules_alerted(dir / "q" / "report.json");
  EXPECT_EQ(q, (std::set<std::string>{"qsofa"})) << only_qsofa.out;

  // Everything off: no alert at all.
  write(dir / "none.yaml",
        "rules:\n  defaults: false\n  news2: {enabled: false}\n  qsofa: {enabled: false}\n");
  const auto none =
      run_cli(replay + "--target-config " + shell_quote((dir / "none.yaml").string()) + " --out " +
              shell_quote((dir / "n").string()));
  ASSERT_NE(none.exit_code, 2) << none.out;
  EXPECT_TRUE(rules_alerted(dir / "n" / "report.json").empty());

  // A bad config says where; a config with an external target is a usage error.
  write(dir / "bad.yaml", "rules:\n  news2: {medium_threshold: 40}\n");
  const auto bad = run_cli(replay + "--target-config " + shell_quote((dir / "bad.yaml").string()));
  EXPECT_EQ(bad.exit_code, 2);  // input the command cannot work with
  EXPECT_TRUE(contains(bad.out, "bad.yaml:2:")) << bad.out;
  EXPECT_EQ(run_cli(replay + "--target http://127.0.0.1:1/fhir --target-config " +
                    shell_quote((dir / "none.yaml").string()))
                .exit_code,
            2);
}
