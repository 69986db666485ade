// Hot-path costs of the reports module: one HDR histogram record, and one reading
// through a RecorderShard (on_generated + on_outcome), the per-reading cost an engine
// thread pays. Run: build-rep/bench/reports/reports_bench
#include <benchmark/benchmark.h>

#include "iomtsim/physiology/random.hpp"
#include "iomtsim/reports/histogram.hpp"
#include "iomtsim/reports/recorder.hpp"

namespace ph = iomtsim::physiology;
namespace rp = iomtsim::reports;
using namespace std::chrono_literals;

static void BM_HistogramRecord(benchmark::State& state) {
  rp::Histogram h;
  ph::Rng rng(1);
  std::vector<std::int64_t> values(4096);
  for (auto& v : values) v = static_cast<std::int64_t>(rng.lognormal(16.0, 1.0));  // ~10 ms
  std::size_t i = 0;
  for (auto _ : state) {
    h.record(values[i++ & 4095]);
  }
  benchmark::DoNotOptimize(h.count());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramRecord);

// `devices` devices sending in round robin, one reading each per second of scenario time.
static void BM_RecorderPerReading(benchmark::State& state) {
  const auto devices = static_cast<std::uint32_t>(state.range(0));
  rp::RecorderOptions o;
  o.timeline_patients = {0};
  o.trace_sample_every = 1000;
  rp::Recorder rec(o);
  auto& shard = rec.make_shard();
  const auto ch = rec.channel("fhir_r4", "hospital_wifi");
  ph::Rng rng(2);
  ph::Reading r;
  r.vital = ph::Vital::HeartRate;
  std::uint64_t n = 0;
  for (auto _ : state) {
    const auto dev = static_cast<std::uint32_t>(n % devices);
    const auto seq = static_cast<std::uint32_t>(n / devices + 1);
    r.patient = dev / 2;
    r.device = static_cast<ph::DeviceIndex>(dev % 2);
    r.id = ph::make_reading_id(r.patient, r.device, seq);
    r.true_time = ph::SimTime{std::chrono::seconds(seq)};
    r.value = r.true_value = 80.0;
    shard.on_generated(r, ch);
    const auto acked = r.true_time + std::chrono::microseconds(1000 + (n * 7919) % 50000);
    shard.on_outcome(r.id, rp::Outcome::Acknowledged, r.true_time, r.true_time, acked);
    ++n;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["time_buckets"] = static_cast<double>(rec.merge().time_buckets.size());
}
BENCHMARK(BM_RecorderPerReading)->Arg(1)->Arg(1000)->Arg(20000);

BENCHMARK_MAIN();
