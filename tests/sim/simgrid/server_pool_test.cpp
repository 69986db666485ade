// The ingest tier's queue arithmetic, exactly.
#include <gtest/gtest.h>

#include <set>

#include "server_pool.hpp"

using namespace iomtsim::sim::simgrid;
using namespace iomtsim::sim::simgrid::detail;
using namespace std::chrono_literals;
using R = Admission::Result;

namespace {
CapacityModel one_server(std::uint32_t workers, std::uint32_t queue) {
  CapacityModel m;
  m.servers = 1;
  m.workers_per_server = workers;
  m.queue_capacity = queue;
  m.service_time = 1s;
  return m;
}
}  // namespace

TEST(ServerPool, FifoWithBoundedQueue) {
  ServerPool p(one_server(1, 2));
  const SimTime t0{10s};
  auto a = p.admit(0, t0);
  EXPECT_EQ(a.result, R::Accepted);
  EXPECT_EQ(a.done, t0 + 1s);
  EXPECT_EQ(p.admit(0, t0).done, t0 + 2s);        // waits for the worker
  EXPECT_EQ(p.admit(0, t0).done, t0 + 3s);        // second in the queue
  EXPECT_EQ(p.admit(0, t0).result, R::Rejected);  // queue (2) full
  EXPECT_EQ(p.rejected(), 1u);
  // At t0 + 1.5 s one waiting reading has started: room again.
  EXPECT_EQ(p.admit(0, t0 + 1500ms).done, t0 + 4s);
}

TEST(ServerPool, WorkersInParallel) {
  ServerPool p(one_server(3, 0));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(p.admit(0, SimTime{0s}).done, SimTime{1s});
  EXPECT_EQ(p.admit(0, SimTime{0s}).result, R::Rejected);  // no queue at all
  EXPECT_EQ(p.admit(0, SimTime{1s}).done, SimTime{2s});
}

TEST(ServerPool, FailureFailsQueueAndArrivalsAndBalancerSkipsAfterDetection) {
  auto m = one_server(1, 10);
  m.servers = 2;
  m.lb_detection = 5s;
  m.failures = {parse_failure("server:1@100s+50s")};
  ServerPool p(m);
  EXPECT_EQ(p.admit(1, SimTime{98s}).result, R::Accepted);  // done at 99 s
  const auto caught = p.admit(1, SimTime{99500ms});         // would end at 100.5 s
  EXPECT_EQ(caught.result, R::Failed);
  EXPECT_EQ(caught.done, SimTime{100s});
  EXPECT_EQ(p.admit(1, SimTime{120s}).result, R::Failed);  // down
  // Round robin reaches server 1 until detection, then only server 0.
  std::set<std::uint32_t> early, late;
  for (int i = 0; i < 4; ++i) early.insert(p.pick(SimTime{102s}));
  for (int i = 0; i < 4; ++i) late.insert(p.pick(SimTime{106s}));
  EXPECT_EQ(early.size(), 2u);
  EXPECT_EQ(late, std::set<std::uint32_t>{0});
  // Back at 150 s, empty.
  EXPECT_EQ(p.admit(1, SimTime{150s}).done, SimTime{151s});
  EXPECT_EQ(p.failed(), 2u);
}
