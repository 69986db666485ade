// A run cut short by SIGINT (Ctrl-C) or SIGTERM (what a CI time-out sends) must not pass:
// the real binary, in a child process, receives the signal mid-run and exits 128 + signal,
// and its console, report.json, report.html and junit.xml all say it was interrupted, by
// which signal and at what scenario time. For run, replay and simulate.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/cli_run.hpp"

extern char** environ;

using namespace iomtsim::testing;
namespace fs = std::filesystem;

namespace {

const std::string kScenario = IOMTSIM_SOURCE_DIR "/scenarios/library/postop_sepsis_ward.yaml";

fs::path temp_dir(const std::string& name) {
  auto d = fs::temp_directory_path() / ("iomtsim-signal-" + std::to_string(::getpid())) / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// The binary in a child with stderr to `err_file`. SIGINT and SIGTERM start blocked (the
// command takes them on its own thread anyway), so a signal sent before it set that up
// waits for it instead of killing the process: the test does not race the start-up.
pid_t start(const std::vector<std::string>& args, const fs::path& err_file) {
  std::vector<std::string> all = {IOMTSIM_CLI_PATH};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&files, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t blocked;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGINT);
  sigaddset(&blocked, SIGTERM);
  posix_spawnattr_setsigmask(&attr, &blocked);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  pid_t pid = -1;
  EXPECT_EQ(posix_spawn(&pid, argv[0], &files, &attr, argv.data(), environ), 0);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&files);
  return pid;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Waits until the child wrote `lines` lines to stderr (its progress: the run is under
// way) or exited; false if it exited.
bool wait_for_lines(pid_t pid, const fs::path& err, std::size_t lines) {
  for (;;) {
    const auto text = read_file(err);
    if (static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) >= lines) return true;
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

int wait_exit(pid_t pid) {
  int status = 0;
  EXPECT_EQ(waitpid(pid, &status, 0), pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

// Every output of an interrupted run says so.
void expect_interrupted(const fs::path& out, const fs::path& err, int signal, int exit_code,
                        double planned_s) {
  const char* name = signal == SIGINT ? "SIGINT" : "SIGTERM";
  EXPECT_EQ(exit_code, 128 + signal);
  const auto j = nlohmann::json::parse(read_file(out / "report.json"));
  ASSERT_FALSE(j.at("interrupted").is_null());
  EXPECT_EQ(j.at("interrupted").at("signal").get<std::string>(), name);
  EXPECT_EQ(j.at("interrupted").at("signal_number").get<int>(), signal);
  const double at = j.at("interrupted").at("at_scenario_time_s").get<double>();
  EXPECT_GE(at, 0.0);
  EXPECT_LT(at, planned_s);
  EXPECT_EQ(j.at("run").at("end_ns").get<std::int64_t>(),
            j.at("interrupted").at("at_scenario_time_ns").get<std::int64_t>());
  EXPECT_EQ(j.at("verdict").at("result").get<std::string>(), "interrupted");
  EXPECT_EQ(j.at("verdict").at("exit_code").get<int>(), 128 + signal);
  EXPECT_TRUE(j.at("delivery").at("balanced").get<bool>());
  const auto junit = read_file(out / "junit.xml");
  EXPECT_TRUE(contains(junit, "<property name=\"verdict\" value=\"interrupted\"/>"));
  EXPECT_TRUE(contains(junit, "type=\"interrupted\""));
  EXPECT_TRUE(contains(junit, std::string("interrupted by ") + name));
  EXPECT_TRUE(contains(read_file(out / "report.html"), "data-verdict=\"interrupted\""));
  const auto console = read_file(err);
  EXPECT_TRUE(contains(console, "INTERRUPTED:"));
  EXPECT_TRUE(contains(console, std::string("interrupted by ") + name + " at "));
}

}  // namespace

class CliSignal : public ::testing::TestWithParam<int> {};

TEST_P(CliSignal, RunStopsWritesAnInterruptedReportAndExitsNonZero) {
  const int sig = GetParam();
  const auto dir = temp_dir("run-" + std::to_string(sig));
  // 12 h at x60: twelve minutes of wall time, far more than the test waits.
  const pid_t pid = start({"run", kScenario, "--speed", "60", "--threads", "1", "--progress",
                           "json", "--out", (dir / "out").string()},
                          dir / "stderr");
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(wait_for_lines(pid, dir / "stderr", 2)) << read_file(dir / "stderr");
  ASSERT_EQ(kill(pid, sig), 0);
  const int code = wait_exit(pid);
  expect_interrupted(dir / "out", dir / "stderr", sig, code, 12 * 3600.0);
  const auto j = nlohmann::json::parse(read_file(dir / "out" / "report.json"));
  EXPECT_GT(j.at("interrupted").at("at_scenario_time_s").get<double>(), 0.0);  // it was running
  EXPECT_GT(j.at("delivery").at("generated").get<std::uint64_t>(), 0u);
}

TEST_P(CliSignal, SimulateStopsWritesAnInterruptedReportAndExitsNonZero) {
  const int sig = GetParam();
  const auto dir = temp_dir("simulate-" + std::to_string(sig));
  // A fortnight of the ward in simulated time: far longer to compute than the test waits.
  const pid_t pid =
      start({"simulate", kScenario, "--duration", "14 days", "--out", (dir / "out").string()},
            dir / "stderr");
  ASSERT_GT(pid, 0);
  std::this_thread::sleep_for(std::chrono::seconds(2));  // mid-run (or before: still a stop)
  ASSERT_EQ(kill(pid, sig), 0);
  const int code = wait_exit(pid);
  expect_interrupted(dir / "out", dir / "stderr", sig, code, 14 * 86400.0);
}

TEST(CliSignalReplay, ReplayStopsWritesAnInterruptedReportAndExitsNonZero) {
  const auto dir = temp_dir("replay");
  const auto rec = dir / "ward.pb";
  ASSERT_EQ(run_cli("generate " + shell_quote(kScenario) + " --out " + shell_quote(rec.string()))
                .exit_code,
            0);
  const pid_t pid = start({"replay", rec.string(), "--speed", "60", "--threads", "1", "--progress",
                           "json", "--out", (dir / "out").string()},
                          dir / "stderr");
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(wait_for_lines(pid, dir / "stderr", 2)) << read_file(dir / "stderr");
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  expect_interrupted(dir / "out", dir / "stderr", SIGTERM, wait_exit(pid), 12 * 3600.0 + 1);
}

INSTANTIATE_TEST_SUITE_P(Signals, CliSignal, ::testing::Values(SIGINT, SIGTERM), [](const auto& p) {
  return std::string(p.param == SIGINT ? "SIGINT" : "SIGTERM");
});
