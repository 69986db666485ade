// A target that disappears and comes back: the run counts what failed meanwhile, reconnects
// and goes on delivering.
#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include "iomtsim/loadgen/run.hpp"
#include "iomtsim/reference_target/target_server.hpp"
#include "tiny_scenario.hpp"

using namespace iomtsim;
using namespace iomtsim::loadgen;
using reports::Outcome;
namespace ts = iomtsim::reference_target;

TEST(RunReconnect, TargetRestartIsCountedAndSurvived) {
  auto cfg = ts::loopback_ephemeral_config();
  cfg.mllp.enabled = false;
  cfg.proto.enabled = false;
  auto first = std::make_unique<ts::TargetServer>(cfg);
  first->start();
  cfg.http.port = first->ports().http;  // the second life listens on the same port

  auto s = tiny_scenarios::tiny(4, 0);
  s.metadata.duration = std::chrono::minutes(20);  // 2 s of wall time at speed 600
  s.target.embedded = false;
  s.target.http = scenarios::Endpoint{"127.0.0.1", cfg.http.port, false};
  s.target.request_timeout = std::chrono::milliseconds(300);

  std::unique_ptr<ts::TargetServer> second;
  std::thread chaos([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    first->stop();  // gone for ~0.5 s
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    second = std::make_unique<ts::TargetServer>(cfg);
    second->start();
  });
  RunOptions o;
  o.threads = 2;
  o.write_files = false;
  o.progress = ProgressMode::None;
  std::ostringstream log;
  o.log = &log;
  const auto r = run(s, o);
  chaos.join();
  const auto& d = r.report.delivery;
  EXPECT_TRUE(d.balanced());
  EXPECT_GT(d[Outcome::Failed] + d[Outcome::TimedOut], 0u);
  EXPECT_GT(r.reconnects, 0u);
  ASSERT_TRUE(second);
  // The second server took readings: the run reconnected and went on.
  EXPECT_GT(second->snapshot().readings(ts::Protocol::Http), 0u);
  EXPECT_GT(d[Outcome::Acknowledged], d.generated / 2);
  second->stop();
}
