// kill -9 of a real `iomtsim run --record FILE` child process: the part files it leaves
// hold a header, the readings written before the kill and the episodes known by then,
// and `replay FILE` recovers them into FILE, replays it and scores it. Before, the parts
// held readings only (no header, no episodes, no alerts) and FILE could not be replayed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "iomtsim/loadgen/replay.hpp"
#include "iomtsim/payloads/proto_codec.hpp"
#include "quiet_options.hpp"

using namespace iomtsim;
using namespace iomtsim::loadgen;
namespace fs = std::filesystem;

namespace {

// Six post-operative patients who all develop sepsis ten scenario minutes in, monitored
// every minute; 12 h at 600x would take 72 s: it is killed long before.
const char* kScenario = R"(metadata:
  name: crash_me
  duration: 12h
  seed: 17
time:
  mode: accelerated
  speed: 600
cohorts:
  - name: ward
    count: 6
    archetype: post_operative_adult
    conditions:
      - kind: sepsis
        probability: 100 %
        onset: 10 min
        severity: 0.9
    devices:
      - type: bedside_monitor
        every: 1 min
)";

struct PartContent {
  bool header_first = false;
  std::string scenario_name;
  std::uint64_t readings = 0;
  std::uint64_t episodes = 0;
};

PartContent read_part(const fs::path& p) {
  PartContent c;
  std::ifstream in(p, std::ios::binary);
  payloads::RecordingReader r(in);
  while (auto e = r.next()) {
    if (auto* h = std::get_if<payloads::RecordingHeader>(&*e)) {
      if (r.entries_read() == 1) {
        c.header_first = true;
        c.scenario_name = h->scenario_name;
      }
    } else if (std::holds_alternative<physiology::Reading>(*e)) {
      ++c.readings;
    } else if (std::holds_alternative<physiology::Episode>(*e)) {
      ++c.episodes;
    }
  }
  return c;  // a part being written may end in an entry cut short: fine here
}

pid_t start_run(const fs::path& scenario, const fs::path& record) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execl(IOMTSIM_CLI_PATH, "iomtsim", "run", scenario.c_str(), "--record", record.c_str(),
            "--threads", "2", "--no-report", "--progress", "none", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

}  // namespace

TEST(RecordingCrash, AKilledRunLeavesARecordingThatReplaysAndScores) {
  const fs::path dir = fs::temp_directory_path() / ("iomtsim-crash-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path scenario = dir / "crash.yaml";
  std::ofstream(scenario) << kScenario;
  const fs::path record = dir / "crash.iomtrec";
  const fs::path part0 = dir / "crash.iomtrec.part0", part1 = dir / "crash.iomtrec.part1";

  const pid_t pid = start_run(scenario, record);
  ASSERT_GT(pid, 0);
  // Wait until both parts hold readings and some sepsis episode has been written (each
  // patient's starts ten scenario minutes in: one wall second), then kill without warning.
  bool ready = false;
  for (int i = 0; i < 600 && !ready; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!fs::exists(part0) || !fs::exists(part1)) continue;
    const auto a = read_part(part0), b = read_part(part1);
    ready = a.readings > 0 && b.readings > 0 && a.episodes + b.episodes > 0;
  }
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run ended before it could be killed";
  ASSERT_TRUE(ready) << "the parts never held readings and an episode";

  // What the kill left: no FILE, parts that are recordings of their own.
  EXPECT_FALSE(fs::exists(record));
  const auto a = read_part(part0), b = read_part(part1);
  EXPECT_TRUE(a.header_first);
  EXPECT_TRUE(b.header_first);
  EXPECT_EQ(a.scenario_name, "crash_me");
  EXPECT_TRUE(fs::exists(dir / "crash.iomtrec.alerts"));

  // Replay recovers FILE from the parts, then replays and scores it.
  ReplayOptions ro;
  ro.run = quiet(1);
  ro.run.speed = 100000;
  const auto r = replay(record, ro);
  EXPECT_TRUE(fs::exists(record));
  EXPECT_FALSE(fs::exists(part0));
  const auto summary = scan_recording(record);
  EXPECT_EQ(summary.scenario_name, "crash_me");
  EXPECT_EQ(summary.seed, 17u);
  EXPECT_EQ(summary.readings, a.readings + b.readings);  // what the parts held, all of it
  EXPECT_GT(summary.episodes.size(), 0u);
  EXPECT_EQ(r.report.delivery.generated, summary.readings);
  EXPECT_TRUE(r.report.delivery.balanced());
  EXPECT_EQ(r.report.episodes.size(), summary.episodes.size());
  EXPECT_GT(r.report.sepsis_utility.septic_patients, 0u);  // scored against the episodes
  EXPECT_EQ(r.report.run.patient_count, 6u);
  fs::remove_all(dir);
}
