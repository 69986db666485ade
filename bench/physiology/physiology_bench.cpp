// Generation throughput of the physiology engine (figures for the brief's targets):
//   numerics   >= 20 M values/s on one core
//   ECG        >= 20 M samples/s on one core
//   10,000 patients x 24 h of 1-minute numerics well under a minute
// Run: build-*/bench/physiology/physiology_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <chrono>
#include <variant>

#include "iomtsim/physiology/patient_generator.hpp"

using namespace iomtsim::physiology;
using namespace std::chrono_literals;

namespace {

CohortSpec numerics_cohort(Duration every, int vitals) {
  DeviceModelSpec m;
  m.name = "monitor";
  m.type = DeviceType::BedsideMonitor;
  const Vital all[] = {Vital::HeartRate, Vital::RespRate, Vital::SpO2, Vital::SystolicBP,
                       Vital::DiastolicBP, Vital::MeanBP, Vital::Temperature, Vital::PulseRate};
  for (int i = 0; i < vitals; ++i) m.measures.push_back({all[i], every});
  CohortSpec c;
  c.archetype = Archetype::PostOperativeAdult;
  c.devices = {m};
  return c;
}

void BM_NumericsOneSecond(benchmark::State& state) {
  const CohortSpec c = numerics_cohort(1s, static_cast<int>(state.range(0)));
  PatientGenerator g(c, 0, 1, std::chrono::hours(24 * 3650));
  std::int64_t n = 0;
  double sink = 0;
  for (auto _ : state) {
    DeviceOutput o = g.next();
    sink += std::get<Reading>(o).value;
    ++n;
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(n);
  state.counters["values_per_s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_NumericsOneSecond)->Arg(1)->Arg(5)->Arg(8);

void BM_EcgSamples(benchmark::State& state) {
  DeviceModelSpec p;
  p.name = "patch";
  p.type = DeviceType::WearableEcgPatch;
  p.waveform = WaveformSpec{WaveformKind::EcgLeadII, static_cast<double>(state.range(0)), 1s};
  p.missing_fraction = 0.0;
  p.artifacts = false;
  p.battery_life = std::chrono::hours(24 * 3650);
  CohortSpec c;
  c.devices = {p};
  PatientGenerator g(c, 0, 1, std::chrono::hours(24 * 3650));
  std::int64_t samples = 0;
  for (auto _ : state) {
    DeviceOutput o = g.next();
    samples += static_cast<std::int64_t>(std::get<WaveformBlock>(o).samples.size());
  }
  state.counters["samples_per_s"] = benchmark::Counter(static_cast<double>(samples), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EcgSamples)->Arg(250)->Arg(500);

// True vitals alone (no device), every second: the model's cost per query.
void BM_TrueVitals(benchmark::State& state) {
  CohortSpec c;
  c.archetype = Archetype::ElderlyWard;
  PatientGenerator g(c, 0, 1, std::chrono::hours(24 * 3650));
  SimTime t{};
  double sink = 0;
  for (auto _ : state) {
    t += 1s;
    sink += g.true_vitals(t).heart_rate_bpm;
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TrueVitals);

// 10,000 patients, 24 h, a monitor with 5 numerics every minute, generated in memory.
void BM_Cohort10kPatients24h(benchmark::State& state) {
  const CohortSpec c = numerics_cohort(60s, 5);
  std::int64_t readings = 0;
  std::size_t max_bytes = 0;
  for (auto _ : state) {
    for (PatientIndex p = 0; p < 10000; ++p) {
      PatientGenerator g(c, p, 42, 24h);
      while (!g.done()) {
        benchmark::DoNotOptimize(g.next());
        ++readings;
      }
      g.finish();
      max_bytes = std::max(max_bytes, g.memory_bytes());
    }
  }
  state.counters["readings"] = static_cast<double>(readings);
  state.counters["readings_per_s"] = benchmark::Counter(static_cast<double>(readings), benchmark::Counter::kIsRate);
  state.counters["max_patient_bytes"] = static_cast<double>(max_bytes);
}
BENCHMARK(BM_Cohort10kPatients24h)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
