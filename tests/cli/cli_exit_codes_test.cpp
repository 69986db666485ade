// Exit codes of every subcommand as the README and `iomtsim --help` state them: 0 done and
// every check held; 1 done and a check failed (validate: an invalid file); 2 the work
// could not be done (bad options, a scenario that does not load, unreadable input).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/cli_run.hpp"

namespace fs = std::filesystem;
using iomtsim::testing::contains;
using iomtsim::testing::run_cli;
using iomtsim::testing::shell_quote;

namespace {

const std::string kSrc = IOMTSIM_SOURCE_DIR;
const std::string kGood = shell_quote(kSrc + "/scenarios/library/postop_sepsis_ward.yaml");
const std::string kInvalid = shell_quote(kSrc + "/tests/data/scenarios/bad_count_zero.yaml");
const std::string kOutside =
    shell_quote(kSrc + "/tests/data/scenarios/bad_include_outside_folder.yaml");

fs::path temp_dir(const std::string& name) {
  const fs::path d =
      fs::temp_directory_path() / ("iomtsim_exit_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

TEST(CliExitCodes, HelpTextStatesTheRule) {
  const auto r = run_cli("--help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(contains(r.out, "exit codes:")) << r.out;
  EXPECT_TRUE(contains(r.out, "2  could not be done")) << r.out;
}

TEST(CliExitCodes, AnInvalidScenarioIsAnInputErrorForEveryCommandButValidate) {
  // validate's verdict is the file itself: 1. Everything that would use it: 2 (the README
  // promises it for run; it held 1 before).
  EXPECT_EQ(run_cli("validate " + kInvalid).exit_code, 1);
  const fs::path dir = temp_dir("invalid");
  const std::string out = shell_quote(dir.string());
  for (const std::string cmd : std::vector<std::string>{
           "run " + kInvalid + " --no-report --progress none",
           "simulate " + kInvalid + " --out " + out, "explain " + kInvalid,
           "preview " + kInvalid + " --out " + shell_quote((dir / "p.html").string()),
           "generate " + kInvalid + " --out " + shell_quote((dir / "g.pb").string()),
           "sweep " + kInvalid + " --devices 10..20 --out " + out}) {
    const auto r = run_cli(cmd);
    EXPECT_EQ(r.exit_code, 2) << cmd << "\n" << r.out;
    EXPECT_TRUE(contains(r.out, "bad_count_zero.yaml:")) << cmd << "\n"
                                                         << r.out;  // file:line:column
  }
  fs::remove_all(dir);
}

TEST(CliExitCodes, BadOptionsAndMissingArgumentsExitTwo) {
  for (const std::string cmd : std::vector<std::string>{
           "validate", "explain", "run", "simulate", "sweep " + kGood, "preview",
           "generate " + kGood, "replay", "import", "report", "run " + kGood + " --no-such-option",
           "run " + kGood + " --speed -1", "replay x.iomtrec --speed fast",
           "import physionet2019 " + shell_quote(kSrc) + " --out"}) {
    const auto r = run_cli(cmd);
    EXPECT_EQ(r.exit_code, 2) << cmd << "\n" << r.out;
  }
}

TEST(CliExitCodes, UnreadableOrCorruptInputExitsTwo) {
  const fs::path dir = temp_dir("corrupt");
  const fs::path junk = dir / "junk.iomtrec";
  std::ofstream(junk, std::ios::binary) << "\x05garbage-not-protobuf";
  EXPECT_EQ(
      run_cli("replay " + shell_quote(junk.string()) + " --speed max --no-report --progress none")
          .exit_code,
      2);
  EXPECT_EQ(run_cli("replay " + shell_quote((dir / "missing.iomtrec").string())).exit_code, 2);
  const fs::path csv = dir / "bad.csv";
  std::ofstream(csv) << "patient,time_min,heart_rate\nbed1,zero,80\n";
  EXPECT_EQ(run_cli("import csv " + shell_quote(csv.string()) + " --out " +
                    shell_quote((dir / "x.iomtrec").string()))
                .exit_code,
            2);
  EXPECT_EQ(run_cli("report merge " + shell_quote((dir / "nope.json").string()) + " --out " +
                    shell_quote((dir / "m").string()))
                .exit_code,
            2);
  fs::remove_all(dir);
}

TEST(CliExitCodes, IncludePathIsAcceptedWhereScenariosAreLoaded) {
  // The fixture includes ../../../scenarios/library/cohorts/stepdown_unit.yaml: refused
  // by default, allowed with its folder on the command line.
  const std::string allow = " --include-path " + shell_quote(kSrc + "/scenarios/library/cohorts");
  auto r = run_cli("validate " + kOutside);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.out, "outside the scenario's folder")) << r.out;
  r = run_cli("validate " + kOutside + allow);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(run_cli("explain " + kOutside).exit_code, 2);
  EXPECT_EQ(run_cli("explain " + kOutside + allow).exit_code, 0);
  const fs::path dir = temp_dir("incpath");
  EXPECT_EQ(run_cli("generate " + kOutside + allow + " --set metadata.duration=10min --out " +
                    shell_quote((dir / "g.pb").string()))
                .exit_code,
            0);
  EXPECT_EQ(run_cli("preview " + kOutside + allow + " --patients 1 --out " +
                    shell_quote((dir / "p.html").string()))
                .exit_code,
            0);
  fs::remove_all(dir);
}

TEST(CliExitCodes, AFleetLargerThanTheMemoryLimitIsRefusedBeforeItIsBuilt) {
  // A million patients against a 1 GiB limit: refused with the estimate, exit 2, before
  // anything is allocated (the run used to die of bad_alloc in an engine thread).
  const fs::path dir = temp_dir("memory");
  const std::string million = " --set cohorts.0.count=1000000 --max-memory 1GiB";
  for (const std::string cmd : std::vector<std::string>{
           "validate " + kGood + million, "run " + kGood + million + " --no-report --progress none",
           "generate " + kGood + million + " --out " + shell_quote((dir / "g.pb").string()),
           "simulate " + kGood + million + " --out " + shell_quote(dir.string())}) {
    const auto r = run_cli(cmd);
    EXPECT_EQ(r.exit_code, 2) << cmd << "\n" << r.out;
    EXPECT_TRUE(contains(r.out, "needs about")) << cmd << "\n" << r.out;
    EXPECT_TRUE(contains(r.out, "1,000,000 patients")) << cmd << "\n" << r.out;
  }
  EXPECT_FALSE(fs::exists(dir / "g.pb"));
  // No limit given: this machine's available memory, which ten million patients exceed
  // on any machine these tests run on.
  const auto ten_million = run_cli("validate " + kGood + " --set cohorts.0.count=10000000");
  EXPECT_EQ(ten_million.exit_code, 2) << ten_million.out;
  // 0 turns the check off; a size that is not one is a usage error.
  EXPECT_EQ(
      run_cli("validate " + kGood + " --set cohorts.0.count=1000000 --max-memory 0").exit_code, 0);
  EXPECT_EQ(run_cli("validate " + kGood + " --max-memory lots").exit_code, 2);
  const auto ok = run_cli("validate " + kGood);
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_TRUE(contains(ok.out, "a run needs")) << ok.out;
  fs::remove_all(dir);
}

}  // namespace
