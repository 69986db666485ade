// Encode/decode rates per wire format. items_per_second counts readings.
#include <benchmark/benchmark.h>

#include "bench_readings.hpp"
#include "fhir_decode_dom.hpp"  // payloads/src: the DOM decoder, for the old-vs-new figure
#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/payloads/hl7.hpp"
#include "iomtsim/payloads/mllp.hpp"
#include "iomtsim/payloads/mqtt_json.hpp"
#include "iomtsim/payloads/proto_codec.hpp"

namespace iomtsim::payloads {
namespace {

const std::vector<physiology::Reading>& readings() {
  static const auto r = bench::ward_readings(4096, 64);
  return r;
}
constexpr FhirOptions kFhir{1714521600000};

void BM_FhirEncodeObservation(benchmark::State& state) {
  const auto& rs = readings();
  std::string out;
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    out.clear();
    append_observation(out, rs[i++ % rs.size()], kFhir);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_FhirEncodeObservation);

void BM_FhirEncodeBundle(benchmark::State& state) {
  const auto& rs = readings();
  const auto n = static_cast<std::size_t>(state.range(0));
  std::size_t i = 0;
  for (auto _ : state) {
    auto s = encode_transaction_bundle(std::span(rs).subspan((i++ * n) % (rs.size() - n), n), kFhir);
    benchmark::DoNotOptimize(s.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_FhirEncodeBundle)->Arg(10)->Arg(100);

// Decode rates of the scanning decoder (production) and of the DOM decoder it replaced,
// in one run so the ratio is meaningful on a shared machine.
std::vector<std::string> observation_docs() {
  std::vector<std::string> docs;
  for (std::size_t i = 0; i < 256; ++i) docs.push_back(encode_observation(readings()[i], kFhir));
  return docs;
}

void BM_FhirDecodeObservation(benchmark::State& state) {
  const auto docs = observation_docs();
  std::size_t i = 0;
  for (auto _ : state) {
    auto res = decode_observation(docs[i++ % docs.size()], kFhir);
    benchmark::DoNotOptimize(res.readings.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FhirDecodeObservation);

void BM_FhirDecodeObservationDom(benchmark::State& state) {
  const auto docs = observation_docs();
  std::size_t i = 0;
  for (auto _ : state) {
    auto res = detail::decode_fhir_dom(docs[i++ % docs.size()], kFhir, detail::FhirExpect::Observation);
    benchmark::DoNotOptimize(res.readings.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FhirDecodeObservationDom);

void BM_FhirDecodeBundle100(benchmark::State& state) {
  const std::string doc = encode_transaction_bundle(std::span(readings()).first(100), kFhir);
  for (auto _ : state) {
    auto res = decode_bundle(doc, kFhir);
    benchmark::DoNotOptimize(res.readings.data());
  }
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_FhirDecodeBundle100);

void BM_FhirDecodeBundle100Dom(benchmark::State& state) {
  const std::string doc = encode_transaction_bundle(std::span(readings()).first(100), kFhir);
  for (auto _ : state) {
    auto res = detail::decode_fhir_dom(doc, kFhir, detail::FhirExpect::Bundle);
    benchmark::DoNotOptimize(res.readings.data());
  }
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_FhirDecodeBundle100Dom);

void BM_MqttEncode(benchmark::State& state) {
  const auto& rs = readings();
  std::string out;
  std::size_t i = 0;
  for (auto _ : state) {
    out.clear();
    append_mqtt_reading(out, rs[i++ % rs.size()]);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MqttEncode);

void BM_MqttDecode(benchmark::State& state) {
  std::vector<std::string> docs;
  for (std::size_t i = 0; i < 256; ++i) docs.push_back(encode_mqtt_reading(readings()[i]));
  std::size_t i = 0;
  for (auto _ : state) {
    auto res = decode_mqtt_json(docs[i++ % docs.size()]);
    benchmark::DoNotOptimize(res.readings.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MqttDecode);

// One device's batch: 11 readings of patient 0 (every 64th reading in the ward set).
std::vector<physiology::Reading> device_batch() {
  std::vector<physiology::Reading> b;
  for (std::size_t i = 0; i < 11; ++i) b.push_back(readings()[i * 64]);
  return b;
}

void BM_Hl7Encode(benchmark::State& state) {
  const auto batch = device_batch();
  for (auto _ : state) {
    auto s = encode_oru_r01(batch, Hl7Options{1714521600000});
    benchmark::DoNotOptimize(s.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch.size()));
}
BENCHMARK(BM_Hl7Encode);

void BM_Hl7DecodeFromMllp(benchmark::State& state) {
  const auto batch = device_batch();
  const std::string framed = mllp_frame(encode_oru_r01(batch, Hl7Options{1714521600000}));
  MllpDeframer deframer;
  std::vector<std::string> frames;
  for (auto _ : state) {
    frames.clear();
    deframer.feed(framed, frames);
    auto res = decode_oru_r01(frames.at(0), Hl7Options{1714521600000});
    benchmark::DoNotOptimize(res.readings.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch.size()));
}
BENCHMARK(BM_Hl7DecodeFromMllp);

void BM_ProtoEncodeBatch(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto batch = std::span(readings()).first(n);
  std::uint64_t id = 0;
  for (auto _ : state) {
    auto s = encode_batch(++id, batch);
    benchmark::DoNotOptimize(s.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ProtoEncodeBatch)->Arg(1)->Arg(100);

void BM_ProtoDecodeBatch(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::string bytes = encode_batch(1, std::span(readings()).first(n));
  for (auto _ : state) {
    auto res = decode_batch(bytes);
    benchmark::DoNotOptimize(res.value.readings.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ProtoDecodeBatch)->Arg(1)->Arg(100);

}  // namespace
}  // namespace iomtsim::payloads

BENCHMARK_MAIN();
