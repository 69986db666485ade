// Fleet merge events per second at 10 000 patients. BM_MergeQueue measures the heap alone
// (synthetic sources, always built); BM_FleetMerge10k the real Fleet with
// physiology::PatientGenerator patients (built once physiology provides that class).
#include <benchmark/benchmark.h>

#include <chrono>
#include <vector>

#include "iomtsim/physiology/random.hpp"
#include "iomtsim/sim/merge_queue.hpp"
#ifdef IOMTSIM_HAVE_PATIENT_GENERATOR
#include "iomtsim/sim/fleet.hpp"
#endif

using namespace iomtsim::sim;
using namespace std::chrono_literals;

namespace {

void BM_MergeQueue(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  iomtsim::physiology::Rng rng(1);
  MergeQueue q;
  q.reserve(n);
  // Each source emits every 20 s with a random phase, like a patient's 3 vitals a minute.
  for (std::uint32_t p = 0; p < n; ++p)
    q.push({iomtsim::physiology::SimTime{std::chrono::milliseconds(rng.below(20000))}, p, p});
  for (auto _ : state) {
    auto e = q.top();
    e.time += 20s;
    q.replace_top(e);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MergeQueue)->Arg(1000)->Arg(10000)->Arg(100000);

#ifdef IOMTSIM_HAVE_PATIENT_GENERATOR
iomtsim::scenarios::Scenario ten_thousand() {
  using namespace iomtsim;
  scenarios::Scenario s;
  s.metadata.seed = 7;
  s.metadata.duration = 24h;
  scenarios::NetworkProfile wifi;
  wifi.name = "hospital_wifi";
  s.network_profiles = {{"hospital_wifi", wifi}};
  scenarios::Cohort c;
  c.physiology.name = "ward";
  c.physiology.count = 10000;
  c.physiology.archetype = physiology::Archetype::ElderlyWard;
  physiology::DeviceModelSpec monitor;
  monitor.name = "monitor";
  monitor.type = physiology::DeviceType::BedsideMonitor;
  monitor.measures = {{physiology::Vital::HeartRate, 60s},
                      {physiology::Vital::SpO2, 60s},
                      {physiology::Vital::RespRate, 60s}};
  c.physiology.devices = {monitor};
  scenarios::DeviceSpec d;
  d.model = monitor;
  c.devices = {d};
  s.cohorts = {c};
  return s;
}

void BM_FleetMerge10k(benchmark::State& state) {
  Fleet fleet(ten_thousand());
  for (auto _ : state) {
    if (fleet.done()) {
      state.SkipWithError("fleet ran out of events");
      break;
    }
    benchmark::DoNotOptimize(fleet.next());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["fleet_bytes"] = static_cast<double>(fleet.memory_bytes());
}
BENCHMARK(BM_FleetMerge10k)->Unit(benchmark::kMicrosecond);

// Building the fleet: 10 000 PatientGenerators and their device tables.
void BM_FleetBuild10k(benchmark::State& state) {
  const auto s = ten_thousand();
  for (auto _ : state) {
    Fleet fleet(s);
    benchmark::DoNotOptimize(fleet.patient_count());
  }
}
BENCHMARK(BM_FleetBuild10k)->Unit(benchmark::kMillisecond);
#endif

}  // namespace

BENCHMARK_MAIN();
