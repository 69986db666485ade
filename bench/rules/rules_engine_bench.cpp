// RulesEngine::ingest throughput with the default rule set over a ward of patients.
// items_per_second counts readings.
#include <benchmark/benchmark.h>

#include "bench_readings.hpp"
#include "iomtsim/rules/rules_engine.hpp"

namespace iomtsim::rules {
namespace {

void BM_RulesIngest(benchmark::State& state) {
  const auto patients = static_cast<std::uint32_t>(state.range(0));
  const auto rs = bench::ward_readings(1 << 20, patients);
  RulesEngine engine(RuleSet::defaults());
  std::vector<physiology::Alert> alerts;
  std::size_t i = 0;
  std::int64_t time_shift_ns = 0;
  const auto span_ns = rs.back().device_time.time_since_epoch().count() + 5'000'000'000;
  for (auto _ : state) {
    physiology::Reading r = rs[i];
    // Replay the set again later in time (with new sequence numbers) so readings stay
    // "newest" instead of turning into duplicates after the first pass.
    r.device_time += physiology::Duration{time_shift_ns};
    r.id += static_cast<std::uint64_t>(time_shift_ns / span_ns) * (1u << 20);
    alerts.clear();
    engine.ingest(r, alerts);
    benchmark::DoNotOptimize(alerts.data());
    if (++i == rs.size()) {
      i = 0;
      time_shift_ns += span_ns;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["alerts"] = static_cast<double>(engine.counters().alerts);
  state.counters["late_or_dup"] = static_cast<double>(engine.counters().late + engine.counters().duplicates);
}
BENCHMARK(BM_RulesIngest)->Arg(100)->Arg(10000);

}  // namespace
}  // namespace iomtsim::rules

BENCHMARK_MAIN();
