// The ingest tier's queue arithmetic, exactly.
#include <gtest/gtest.h>

#include <set>

#include "pipeline.hpp"
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

// Issue 22, utilisation and waiting against queueing theory. Poisson arrivals (seeded)
// into one server with c workers; service fixed (M/D/c) or exponential (M/M/c).
namespace {

double erlang_c_wait_s(double lambda, double service_s, unsigned c) {
  const double a = lambda * service_s, rho = a / c;
  double sum = 0, term = 1;  // a^k / k!
  for (unsigned k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double top = term / (1 - rho);  // a^c / c! / (1 - rho)
  const double p_wait = top / (sum + top);
  return p_wait / (c / service_s - lambda);
}

iomtsim::reports::ResourceUse run_poisson(CapacityModel m, double lambda, std::uint64_t n) {
  m.queue_capacity = 100'000'000;
  ServerPool p(m, 7);
  const SimTime end{iomtsim::physiology::from_seconds(static_cast<double>(n) / lambda)};
  p.measure(SimTime{}, end);
  iomtsim::physiology::Rng rng(2026);
  double t = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    t += rng.exponential(1.0 / lambda);
    const SimTime at{iomtsim::physiology::from_seconds(t)};
    if (at >= end) break;
    EXPECT_EQ(p.admit(0, at).result, R::Accepted);
  }
  return p.stage_use("servers");
}

}  // namespace

TEST(ServerPool, MMcUtilisationAndWaitMatchErlangC) {
  // c = 4 workers, S = 8 ms exponential, lambda = 400/s: rho = 0.8.
  CapacityModel m = one_server(4, 0);
  m.service_time = 8ms;
  m.service_distribution = iomtsim::physiology::Distribution::make(
      iomtsim::physiology::Distribution::Kind::Exponential, 0.008);
  const double lambda = 400;
  const auto u = run_poisson(m, lambda, 800'000);
  EXPECT_EQ(u.kind, "stage");
  EXPECT_NEAR(u.utilisation, lambda * 0.008 / 4, 0.01);
  const double wq = erlang_c_wait_s(lambda, 0.008, 4);  // 7.47 ms
  ASSERT_TRUE(u.wait_mean_s.has_value());
  EXPECT_NEAR(*u.wait_mean_s, wq, 0.04 * wq) << "Erlang C " << wq;
  EXPECT_GT(u.queue_max, 10u);
}

TEST(ServerPool, MD1WaitMatchesPollaczekKhinchine) {
  // One worker, fixed 2 ms, lambda = 350/s: rho = 0.7, Wq = rho S / (2 (1 - rho)).
  CapacityModel m = one_server(1, 0);
  m.service_time = 2ms;
  const double lambda = 350, rho = lambda * 0.002;
  const auto u = run_poisson(m, lambda, 600'000);
  EXPECT_NEAR(u.utilisation, rho, 0.01);
  const double wq = rho * 0.002 / (2 * (1 - rho));  // 2.33 ms
  EXPECT_NEAR(*u.wait_mean_s, wq, 0.04 * wq);
  // And M/M/1 with the same mean waits twice as long (Erlang C with c = 1).
  m.service_distribution = iomtsim::physiology::Distribution::make(
      iomtsim::physiology::Distribution::Kind::Exponential, 0.002);
  const auto e = run_poisson(m, lambda, 600'000);
  EXPECT_NEAR(*e.wait_mean_s, erlang_c_wait_s(lambda, 0.002, 1),
              0.05 * erlang_c_wait_s(lambda, 0.002, 1));
}

// Stages in tandem (pipeline.hpp). By Burke's theorem an M/M/1 stage's departures are
// Poisson at the arrival rate, so the second stage of an M/M/1 -> M/M/1 tandem waits as
// an M/M/1 of its own: lambda = 300/s, S1 = 2 ms (rho 0.6), S2 = 2.5 ms (rho 0.75),
// Wq2 = rho2 S2 / (1 - rho2) = 7.5 ms. Every accepted reading leaves the last stage once,
// no earlier than it entered.
TEST(Pipeline, TandemOfMM1StagesWaitsAsJacksonSays) {
  namespace ph = iomtsim::physiology;
  CapacityModel m = one_server(1, 100'000'000);
  m.service_time = 2ms;
  m.service_distribution = ph::Distribution::make(ph::Distribution::Kind::Exponential, 0.002);
  m.front_stage = "first";
  CapacityModel::Stage second;
  second.name = "second";
  second.service_time = 2500us;
  second.service_distribution =
      ph::Distribution::make(ph::Distribution::Kind::Exponential, 0.0025);
  second.queue_capacity = 100'000'000;
  second.link_latency = 1ms;
  m.downstream = {second};
  Pipeline p(m, 11);
  const double lambda = 300;
  const std::uint64_t n = 600'000;
  const SimTime end{ph::from_seconds(static_cast<double>(n) / lambda)};
  p.measure(SimTime{}, end);
  ph::Rng rng(2027);
  std::vector<SimTime> entered;
  std::uint64_t left = 0;
  bool in_order = true;
  const auto done = [&](std::uint64_t token, const Admission& a) {
    EXPECT_EQ(a.result, R::Accepted);
    in_order = in_order && a.done >= entered[token] + 1ms;
    ++left;
  };
  double t = 0;
  for (;;) {
    t += rng.exponential(1.0 / lambda);
    const SimTime at{ph::from_seconds(t)};
    if (at >= end) break;
    const auto a = p.front().admit(p.front().pick(at), at);
    ASSERT_EQ(a.result, R::Accepted);
    entered.push_back(at);
    p.forward(entered.size() - 1, a.done);
    p.advance(at, done);
  }
  p.advance(SimTime::max(), done);
  EXPECT_TRUE(p.idle());
  EXPECT_EQ(left, entered.size());
  EXPECT_TRUE(in_order);
  const auto uses = p.uses();
  ASSERT_EQ(uses.size(), 2u);
  EXPECT_EQ(uses[0].name, "first");
  EXPECT_EQ(uses[1].name, "second");
  EXPECT_NEAR(uses[0].utilisation, 0.6, 0.01);
  EXPECT_NEAR(uses[1].utilisation, 0.75, 0.015);
  EXPECT_NEAR(*uses[0].wait_mean_s, erlang_c_wait_s(lambda, 0.002, 1),
              0.05 * erlang_c_wait_s(lambda, 0.002, 1));
  EXPECT_NEAR(*uses[1].wait_mean_s, 0.0075, 0.06 * 0.0075);
}
