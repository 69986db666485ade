// The run's control paths: stopping early (as SIGINT does), writing the report folder,
// converting expectations.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <thread>

#include <unistd.h>

#include <csignal>
#include <stop_token>

#include "iomtsim/loadgen/run.hpp"
#include "iomtsim/reference_target/target_server.hpp"
#include "iomtsim/reports/report.hpp"
#include "tiny_scenario.hpp"

using namespace iomtsim;
using namespace iomtsim::loadgen;
using reports::Outcome;

TEST(RunControl, StopRequestDrainsAndBalances) {
  auto s = tiny_scenarios::tiny(4, 0);
  s.metadata.duration = std::chrono::hours(2);  // 12 s of wall time at speed 600 …
  RunOptions o;
  o.threads = 2;
  o.write_files = false;
  o.progress = ProgressMode::None;
  std::ostringstream log;
  o.log = &log;
  std::stop_source stop;
  o.stop.token = stop.get_token();
  std::thread stopper([&stop] {
    std::this_thread::sleep_for(std::chrono::milliseconds(700));  // … stopped after ~0.7 s
    stop.request_stop();
  });
  const auto r = run(s, o);
  stopper.join();
  const auto& d = r.report.delivery;
  EXPECT_TRUE(r.interrupted);
  ASSERT_TRUE(r.report.interrupted);
  EXPECT_EQ(r.report.interrupted->signal_number, 0);  // a stop request, no signal
  EXPECT_EQ(r.report.interrupted->at, r.report.run.end);
  EXPECT_EQ(r.verdict.kind, reports::VerdictKind::Interrupted);
  EXPECT_EQ(r.exit_code, 130);
  EXPECT_TRUE(d.balanced());
  EXPECT_GT(d.generated, 0u);
  EXPECT_LT(d.generated, 4u * 3u * 480u / 2);  // far from the whole two hours
  EXPECT_GT(d[Outcome::Acknowledged], 0u);
  EXPECT_LT(r.wall_seconds, 8.0);
  // The report's span ends at the stop, so per-day figures use the time that really ran.
  EXPECT_LT(r.report.run.end, physiology::SimTime{std::chrono::hours(1)});
  EXPECT_GT(r.report.run.end, physiology::SimTime{std::chrono::minutes(2)});
}

TEST(RunControl, AStopRequestedBeforeTheRunIsNotLost) {
  auto s = tiny_scenarios::tiny(2, 0);
  s.metadata.duration = std::chrono::hours(2);
  RunOptions o;
  o.threads = 1;
  o.write_files = false;
  o.progress = ProgressMode::None;
  std::ostringstream log;
  o.log = &log;
  std::stop_source stop;
  stop.request_stop();
  std::atomic<int> signal{SIGTERM};
  o.stop = {stop.get_token(), &signal};
  const auto r = run(s, o);
  ASSERT_TRUE(r.report.interrupted);
  EXPECT_EQ(r.report.interrupted->signal_number, SIGTERM);
  EXPECT_LT(r.report.interrupted->at, physiology::SimTime{std::chrono::minutes(1)});
  EXPECT_TRUE(r.report.delivery.balanced());
  EXPECT_EQ(r.exit_code, 128 + SIGTERM);
}

TEST(RunControl, TlsEndpointIsNeverSentInClear) {
  // MLLP with tls: true towards a listener that speaks plain MLLP (it never answers the
  // ClientHello): no message goes out in clear, none is acknowledged, the buckets balance.
  // (Handshakes refused with a reason: tests/integration/connect_test.cpp.)
  auto cfg = reference_target::loopback_ephemeral_config();
  reference_target::TargetServer target(cfg);
  target.start();
  auto s = tiny_scenarios::tiny(1, 0, scenarios::PayloadFormat::Hl7v2);
  s.metadata.duration = std::chrono::minutes(3);
  s.target.embedded = false;
  s.target.request_timeout = std::chrono::milliseconds(100);
  s.target.mllp = scenarios::Endpoint{"127.0.0.1", target.ports().mllp, true};
  RunOptions o;
  o.write_files = false;
  o.progress = ProgressMode::None;
  std::ostringstream log;
  o.log = &log;
  const auto r = run(s, o);
  const auto& d = r.report.delivery;
  EXPECT_GT(d.generated, 0u);
  EXPECT_TRUE(d.balanced());
  EXPECT_EQ(d[Outcome::Acknowledged], 0u);
  EXPECT_EQ(target.snapshot().readings(reference_target::Protocol::Mllp), 0u);
  EXPECT_EQ(target.snapshot().count(reference_target::Protocol::Mllp, reference_target::Outcome::Accepted), 0u);
  target.stop();
}

TEST(RunControl, WritesTheReportFolder) {
  auto s = tiny_scenarios::tiny(2, 0);
  s.metadata.duration = std::chrono::minutes(3);
  RunOptions o;
  o.threads = 1;
  o.progress = ProgressMode::Json;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("iomtsim-loadgen-test-" + std::to_string(::getpid()));
  o.out_dir = dir;
  std::ostringstream log;
  o.log = &log;
  const auto r = run(s, o);
  EXPECT_EQ(r.out_dir, dir);
  for (const char* f : {"report.json", "report.html", "junit.xml"})
    EXPECT_TRUE(std::filesystem::exists(dir / f)) << f;
  const auto back = reports::read_report_file(dir / "report.json");
  EXPECT_EQ(back.delivery, r.report.delivery);
  std::filesystem::remove_all(dir);
}

TEST(RunControl, UnknownMetricIsRejectedBeforeTheRun) {
  auto s = tiny_scenarios::tiny(1, 0);
  RunOptions o;
  o.write_files = false;
  o.extra_expectations.push_back({"nonsense.p99 < 1", "nonsense.p99", scenarios::CompareOp::Less, 1.0, {}});
  EXPECT_THROW(run(s, o), RunError);
}
