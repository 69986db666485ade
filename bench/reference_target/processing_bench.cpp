// What one message costs the target without sockets: decoding (FHIR Observation, FHIR
// Bundle, HL7 ORU^R01, protobuf batch) and the rules. Run:
//   build/bench/reference_target/iomtsim_reference_target_processing_bench
#include <benchmark/benchmark.h>

#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/payloads/hl7.hpp"
#include "iomtsim/payloads/proto_codec.hpp"
#include "iomtsim/rules/rules_engine.hpp"

namespace {

using namespace iomtsim;

std::vector<physiology::Reading> readings(std::size_t n) {
  std::vector<physiology::Reading> v;
  for (std::uint32_t i = 0; i < n; ++i) {
    physiology::Reading r;
    r.patient = 3;
    r.vital = i % 2 ? physiology::Vital::HeartRate : physiology::Vital::SpO2;
    r.value = i % 2 ? 72 : 97;
    r.id = physiology::make_reading_id(3, 0, i + 1);
    r.device_time = physiology::at_seconds(i);
    v.push_back(r);
  }
  return v;
}

void BM_DecodeObservation(benchmark::State& state) {
  const auto json = payloads::encode_observation(readings(1)[0]);
  for (auto _ : state) benchmark::DoNotOptimize(payloads::decode_observation(json));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeObservation);

void BM_DecodeBundle100(benchmark::State& state) {
  const auto v = readings(100);
  const auto json = payloads::encode_transaction_bundle(v);
  for (auto _ : state) benchmark::DoNotOptimize(payloads::decode_bundle(json));
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_DecodeBundle100);

void BM_DecodeOru100(benchmark::State& state) {
  const auto msg = payloads::encode_oru_r01(readings(100));
  for (auto _ : state) benchmark::DoNotOptimize(payloads::decode_oru_r01(msg));
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_DecodeOru100);

void BM_DecodeProtoBatch100(benchmark::State& state) {
  const auto bytes = payloads::encode_batch(1, readings(100));
  for (auto _ : state) benchmark::DoNotOptimize(payloads::decode_batch(bytes));
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_DecodeProtoBatch100);

void BM_RulesIngest(benchmark::State& state) {
  rules::RulesEngine engine;
  auto v = readings(1000);
  std::vector<physiology::Alert> out;
  std::uint32_t seq = 0;
  for (auto _ : state) {
    auto r = v[seq % v.size()];
    r.id = physiology::make_reading_id(r.patient, 0, ++seq);
    r.device_time = physiology::at_seconds(seq);
    out.clear();
    engine.ingest(r, out);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RulesIngest);

}  // namespace

BENCHMARK_MAIN();
