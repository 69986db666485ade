// Generation cost of operations outputs (pumps, tags, imaging) per output, for a ward of
// 100 patients with a pump each, 100 tags and bedside imaging, over 24 h.
//   ./build/bench/physiology/ops_fleet_bench
#include <benchmark/benchmark.h>

#include "iomtsim/physiology/ops/ops_fleet.hpp"

namespace {

using namespace iomtsim::physiology;

void BM_OpsFleetDay(benchmark::State& state) {
  ops::OpsSpec s;
  s.pumps.per_patient = 1;
  s.assets.count = 100;
  s.imaging.procedures_per_day = 1;
  const auto cohorts = ops::number_cohorts({s}, {"ward"}, {100});
  std::int64_t outputs = 0;
  for (auto _ : state) {
    ops::OpsFleet f(cohorts, 7, std::chrono::hours(24));
    while (!f.done()) {
      benchmark::DoNotOptimize(f.next());
      ++outputs;
    }
  }
  state.SetItemsProcessed(outputs);
}
BENCHMARK(BM_OpsFleetDay)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
