// NetworkPath decisions per second: one device path under a busy profile (log-normal
// latency with jitter, Bernoulli + Gilbert–Elliott loss, random outages, back-off,
// buffering) and under a clean one, plus the cost of the shared-link FIFO.
#include <benchmark/benchmark.h>

#include <chrono>
#include <vector>

#include "iomtsim/sim/network/network_path.hpp"

using namespace iomtsim::sim::network;
using namespace std::chrono_literals;
using iomtsim::physiology::Distribution;
using iomtsim::scenarios::NetworkProfile;

namespace {

NetworkProfile busy_profile() {
  NetworkProfile p;
  p.latency_s = Distribution::make(Distribution::Kind::LogNormal, 0.04, 0.6);
  p.jitter_s = 0.01;
  p.loss = 0.01;
  p.bursty_loss = iomtsim::scenarios::GilbertElliott{0.01, 0.3, 0.0, 0.5};
  p.mtbf = 30min;
  p.mttr = 1min;
  p.buffer_readings = 500;
  return p;
}

void run_path(benchmark::State& state, const NetworkProfile& p, SharedLink* link) {
  NetworkPath path(p, 1, device_path_id(0, 0), link);
  std::vector<PathEvent> ev;
  ev.reserve(1024);
  std::uint64_t id = 0;
  SimTime t{};
  for (auto _ : state) {
    path.send({id++, t, 300}, ev);
    t += 1s;
    if (ev.size() >= 1000) ev.clear();
  }
  state.SetItemsProcessed(state.iterations());
  benchmark::DoNotOptimize(ev.data());
}

void BM_NetworkPathBusyProfile(benchmark::State& state) {
  run_path(state, busy_profile(), nullptr);
}
BENCHMARK(BM_NetworkPathBusyProfile);

void BM_NetworkPathCleanProfile(benchmark::State& state) {
  run_path(state, NetworkProfile{}, nullptr);
}
BENCHMARK(BM_NetworkPathCleanProfile);

void BM_NetworkPathBusyWithSharedLink(benchmark::State& state) {
  NetworkProfile p = busy_profile();
  p.bandwidth_bps = 1e6;
  SharedLink link(*p.bandwidth_bps);
  run_path(state, p, &link);
}
BENCHMARK(BM_NetworkPathBusyWithSharedLink);

}  // namespace

BENCHMARK_MAIN();
