// Waveform blocks in every ingest encoding: each round-trips what the wire carries, and
// bad blocks are refused with a reason naming what is wrong.
#include <gtest/gtest.h>

#include <cmath>

#include "iomtsim/payloads/hl7.hpp"
#include "iomtsim/payloads/proto_codec.hpp"
#include "iomtsim/payloads/waveform.hpp"

namespace iomtsim::payloads {
namespace {

using namespace std::chrono_literals;
using physiology::WaveformBlock;
using physiology::WaveformKind;

constexpr std::int64_t kEpochMs = 1714521600000;  // 2024-05-01T00:00:00Z

WaveformBlock block(WaveformKind kind = WaveformKind::EcgLeadII, double rate = 250.0,
                    std::size_t n = 250) {
  WaveformBlock b;
  b.patient = 12;
  b.device = 3;
  b.id = physiology::make_reading_id(12, 3, 77);
  b.kind = kind;
  b.sample_rate_hz = rate;
  b.true_time = physiology::SimTime{3'600'000'000'123ns};
  b.device_time = physiology::SimTime{3'600'004'000'000ns};  // whole ms: survives every wire
  for (std::size_t i = 0; i < n; ++i)
    b.samples.push_back(
        static_cast<std::int16_t>(std::lround(1200.0 * std::sin(0.1 * static_cast<double>(i)))));
  b.samples.front() = -32768;
  b.samples.back() = 32767;
  return b;
}

// What a decoder gives back: no ground truth.
WaveformBlock wire_view(WaveformBlock b) {
  b.true_time = {};
  return b;
}

TEST(WaveformFhir, RoundTripsEcgAndPpgWithLeadOff) {
  for (auto kind : {WaveformKind::EcgLeadII, WaveformKind::Ppg})
    for (double rate : {250.0, 128.0, 62.5}) {
      auto b = block(kind, rate, static_cast<std::size_t>(rate));
      b.flags = kind == WaveformKind::Ppg ? physiology::kFlagProbeOff : physiology::kFlagNone;
      const auto json = encode_waveform_observation(b, {.epoch_unix_ms = kEpochMs});
      EXPECT_TRUE(looks_like_waveform_fhir(json));
      auto d = decode_waveform_observation(json, {.epoch_unix_ms = kEpochMs});
      ASSERT_TRUE(d.ok()) << d.error;
      EXPECT_EQ(d.value, wire_view(b)) << json.substr(0, 400);
    }
}

TEST(WaveformFhir, CarriesTheCodesUnitsAndCategoryWeDocument) {
  const auto json = encode_waveform_observation(block(), {.epoch_unix_ms = kEpochMs});
  EXPECT_NE(json.find(R"("system":"urn:iso:std:iso:11073:10101","code":"131330")"),
            std::string::npos);
  EXPECT_NE(json.find(R"("code":"procedure")"), std::string::npos);
  EXPECT_EQ(json.find("vital-signs"), std::string::npos);
  EXPECT_NE(json.find(R"("period":4,"factor":0.001,"dimensions":1,"data":"-32768 )"),
            std::string::npos);
  EXPECT_NE(json.find(R"("effectiveDateTime":"2024-05-01T01:00:00.004Z")"), std::string::npos);
  EXPECT_NE(
      json.find(R"("subject":{"reference":"Patient/p12"},"device":{"reference":"Device/p12-d3"})"),
      std::string::npos);
  EXPECT_EQ(json.find("interpretation"), std::string::npos);  // leads on
  const auto ppg = encode_waveform_observation(block(WaveformKind::Ppg));
  EXPECT_NE(ppg.find(R"("code":"150452")"), std::string::npos);
  // A vital-sign Observation is not routed as a waveform.
  EXPECT_FALSE(looks_like_waveform_fhir(encode_observation(physiology::Reading{})));
}

TEST(WaveformFhir, RefusesBadBlocksWithAReason) {
  const auto good = encode_waveform_observation(block(), {.epoch_unix_ms = kEpochMs});
  auto refused = [&](std::string json, std::string_view why) {
    auto d = decode_waveform_observation(json, {.epoch_unix_ms = kEpochMs});
    EXPECT_FALSE(d.ok()) << json.substr(0, 200);
    EXPECT_NE(d.error.find(why), std::string::npos) << d.error;
  };
  auto replaced = [&](std::string_view from, std::string_view to) {
    std::string s = good;
    const auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return s.replace(at, from.size(), to);
  };
  refused(good.substr(0, good.size() - 1), "invalid JSON");
  refused(replaced("\"period\":4", "\"period\":4.0001"), "not 1000/rate");
  refused(replaced("\"period\":4", "\"period\":0"), "positive number of ms");
  refused(replaced("\"period\":4", "\"period\":0.25"), "above 2000 Hz");
  refused(replaced("\"data\":\"-32768", "\"data\":\"-32769"), "out of int16 range");
  refused(replaced("\"data\":\"-32768", "\"data\":\"x"), "is not an integer");
  refused(replaced("\"dimensions\":1", "\"dimensions\":2"), "dimensions must be 1");
  refused(replaced("\"factor\":0.001", "\"factor\":1"), "factor must be 0.001");
  refused(replaced("\"code\":\"131330\"", "\"code\":\"131331\""), "unknown waveform MDC code");
  refused(replaced("Patient/p12", "Patient/x"), "subject");
  refused(replaced("2024-05-01T01:00:00.004Z", "yesterday"), "bad effectiveDateTime");
  auto empty = block();
  empty.samples.clear();
  refused(encode_waveform_observation(empty), "valueSampledData.data is missing or empty");
}

TEST(WaveformHl7, RoundTripsAsNaObxWithRateCompanion) {
  for (auto kind : {WaveformKind::EcgLeadII, WaveformKind::Ppg}) {
    auto b = block(kind);
    b.flags = kind == WaveformKind::EcgLeadII ? physiology::kFlagProbeOff : physiology::kFlagNone;
    const auto msg = encode_waveform_oru(b, {.epoch_unix_ms = kEpochMs});
    EXPECT_TRUE(is_waveform_oru(msg));
    std::string control;
    auto d = decode_waveform_oru(msg, {.epoch_unix_ms = kEpochMs}, &control);
    ASSERT_TRUE(d.ok()) << d.error;
    EXPECT_EQ(d.value, wire_view(b));
    EXPECT_EQ(control, hl7_control_id(b.id));
  }
  const auto msg = encode_waveform_oru(block());
  EXPECT_NE(msg.find("|NA|131330^MDC_ECG_ELEC_POTL_II^MDC|1.0.0.1|-32768^"), std::string::npos);
  EXPECT_NE(msg.find("OBX|3|NM|0^MDC_ATTR_SAMP_RATE^MDC|1.0.0.1.1|250|264608^MDC_DIM_PER_SEC^MDC"),
            std::string::npos);
  // The vitals' ORU is not taken for a waveform one.
  physiology::Reading r;
  r.id = 5;
  EXPECT_FALSE(is_waveform_oru(encode_oru_r01(std::span(&r, 1))));
}

TEST(WaveformHl7, RefusesBadBlocksWithAReason) {
  const auto good = encode_waveform_oru(block());
  auto refused = [&](std::string_view from, std::string_view to, std::string_view why) {
    std::string s = good;
    const auto at = s.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    s.replace(at, from.size(), to);
    auto d = decode_waveform_oru(s);
    EXPECT_FALSE(d.ok());
    EXPECT_NE(d.error.find(why), std::string::npos) << d.error;
  };
  refused("|-32768^", "|-32769^", "out of int16 range");
  refused("|-32768^", "|1.5^", "is not an integer");
  refused("|1.0.0.1.1|250|", "|1.0.0.1.1|fast|", "MDC_ATTR_SAMP_RATE: not a number");
  refused("|1.0.0.1.1|250|", "|1.0.0.1.1|0|", "positive number of Hz");
  refused("OBX|3|NM|0^MDC_ATTR_SAMP_RATE", "OBX|3|NM|0^MDC_ATTR_OTHER", "unexpected code");
  refused("|NA|131330", "|NM|131330", "OBX-2 must be NA");
  refused("ORU^R01^ORU_R01", "ADT^A01^ADT_A01", "not ORU^R01");
}

TEST(WaveformMqtt, RoundTripsTheDocumentedObject) {
  auto b = block(WaveformKind::Ppg, 100.0, 100);
  b.flags = physiology::kFlagProbeOff;
  const auto json = encode_mqtt_waveform(b, kEpochMs);
  EXPECT_TRUE(json.starts_with(R"({"patient":12,"device":3,"id":)")) << json.substr(0, 100);
  EXPECT_NE(
      json.find(R"("kind":"ppg","rate_hz":100,"t":"2024-05-01T01:00:00.004Z","samples":[-32768,)"),
      std::string::npos);
  EXPECT_TRUE(looks_like_mqtt_waveform(json));
  auto d = decode_mqtt_waveform(json, kEpochMs);
  ASSERT_TRUE(d.ok()) << d.error;
  EXPECT_EQ(d.value, wire_view(b));
  EXPECT_FALSE(
      decode_mqtt_waveform(
          R"({"patient":1,"device":0,"kind":"eeg","rate_hz":250,"t":"2024-05-01T00:00:00Z","samples":[1]})")
          .ok());
  auto bad = decode_mqtt_waveform(
      R"({"patient":1,"device":0,"kind":"ppg","rate_hz":250,"t":"2024-05-01T00:00:00Z","samples":[1,40000]})");
  EXPECT_NE(bad.error.find("sample 1 out of int16 range"), std::string::npos) << bad.error;
}

TEST(WaveformProto, RoundTripsInTheBatchAndRefusesBadBlocks) {
  std::vector<WaveformBlock> blocks{block(), block(WaveformKind::Ppg, 125.0, 125)};
  const auto bytes = encode_waveform_batch(99, blocks);
  auto d = decode_ingest_batch(bytes);
  ASSERT_TRUE(d.ok()) << d.error;
  EXPECT_EQ(d.value.batch_id, 99u);
  EXPECT_TRUE(d.value.readings.empty());
  ASSERT_EQ(d.value.waveforms.size(), 2u);
  EXPECT_EQ(d.value.waveforms[0], wire_view(blocks[0]));
  EXPECT_EQ(d.value.waveforms[1], wire_view(blocks[1]));
  // Old readers see an empty reading batch, not an error.
  auto old = decode_batch(bytes);
  ASSERT_TRUE(old.ok());
  EXPECT_TRUE(old.value.readings.empty());
  // A block with a bad rate: refused, naming it, with the batch id still known.
  blocks[1].sample_rate_hz = -5;
  auto bad = decode_ingest_batch(encode_waveform_batch(100, blocks));
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.value.batch_id, 100u);
  EXPECT_NE(bad.error.find("waveform 1: "), std::string::npos) << bad.error;
  EXPECT_FALSE(decode_ingest_batch("\xff\xff\xff").ok());
}

TEST(WaveformSizes, OneSecondAt250HzPerEncoding) {
  // Recorded in the report; bounds keep the figures honest if an encoding changes.
  const auto b = block();
  const auto fhir = encode_waveform_observation(b, {.epoch_unix_ms = kEpochMs}).size();
  const auto hl7 = encode_waveform_oru(b, {.epoch_unix_ms = kEpochMs}).size();
  const auto mqtt = encode_mqtt_waveform(b, kEpochMs).size();
  const auto proto = encode_waveform_batch(b.id, std::span(&b, 1)).size();
  std::printf("bytes per 1 s 250 Hz ECG block: fhir %zu hl7 %zu mqtt %zu proto %zu\n", fhir, hl7,
              mqtt, proto);
  EXPECT_LT(proto, hl7);
  EXPECT_LT(proto, 700u);  // zigzag varints: 1-2 bytes a sample
  EXPECT_GT(fhir, 250u * 2);
}

}  // namespace
}  // namespace iomtsim::payloads
