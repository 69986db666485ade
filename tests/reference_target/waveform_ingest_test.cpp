// Waveform blocks against the reference target over real sockets: FHIR (POST
// [base]/Observation), MLLP (ORU^R01 with an NA OBX), protobuf (ReadingBatch.waveforms) and
// MQTT JSON through a real mosquitto.
// Each is validated and counted (snapshot and /metrics), never evaluated by the rules, and
// a bad block gets the protocol's own refusal.
#include <gtest/gtest.h>
#include <mosquitto.h>

#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/payloads/hl7.hpp"
#include "iomtsim/payloads/mllp.hpp"
#include "iomtsim/payloads/proto_codec.hpp"
#include "iomtsim/payloads/waveform.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/net.hpp"
#include "support/target_fixture.hpp"

namespace iomtsim::reference_target {
namespace {

using namespace iomtsim::testing;
using namespace std::chrono_literals;
using physiology::WaveformBlock;

WaveformBlock ecg(std::uint32_t seq, std::size_t n = 250) {
  WaveformBlock b;
  b.patient = 5;
  b.device = 1;
  b.id = physiology::make_reading_id(5, 1, seq);
  b.sample_rate_hz = 250;
  b.device_time = physiology::at_seconds(seq);
  for (std::size_t i = 0; i < n; ++i)
    b.samples.push_back(static_cast<std::int16_t>(i * 7 % 900 - 300));
  return b;
}

template <class Reader>
std::string read_frame(TcpClient& c) {
  Reader r;
  std::vector<std::string> frames;
  std::string buffer;
  c.recv_until(
      buffer,
      [&](std::string& b) {
        r.feed(b, frames);
        b.clear();
        return !frames.empty();
      },
      5s);
  return frames.empty() ? std::string{} : frames.front();
}

TEST(WaveformIngest, FhirObservationsAreCountedNotEvaluatedAndBadOnesGet400) {
  auto server = start_target();
  HttpClient http(server->ports().http);
  for (std::uint32_t s = 1; s <= 3; ++s) {
    auto res = http.post("/fhir/Observation", payloads::encode_waveform_observation(ecg(s)));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 201) << res->body;
  }
  std::string bad = payloads::encode_waveform_observation(ecg(4));
  bad.replace(bad.find("\"period\":4"), 10, "\"period\":3.3");
  auto res = http.post("/fhir/Observation", bad);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("OperationOutcome"), std::string::npos);
  EXPECT_NE(res->body.find("not 1000/rate"), std::string::npos) << res->body;
  // A vital sign right after still takes the fast path.
  physiology::Reading r;
  r.id = physiology::make_reading_id(5, 0, 9);
  r.patient = 5;
  r.value = 70;
  EXPECT_EQ(http.post("/fhir/Observation", payloads::encode_observation(r))->status, 201);
  ASSERT_TRUE(eventually([&] { return server->snapshot().readings_processed == 1; }));
  const auto s = server->snapshot();
  EXPECT_EQ(s.waveform_blocks, 3u);
  EXPECT_EQ(s.waveform_samples, 750u);
  EXPECT_EQ(s.waveform_invalid, 1u);
  EXPECT_EQ(s.readings(Protocol::Http), 1u);  // blocks are not readings
  EXPECT_EQ(s.count(Protocol::Http, Outcome::Accepted), 4u);
  EXPECT_EQ(s.count(Protocol::Http, Outcome::Invalid), 1u);
  const auto metrics = http.request("GET", "/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(prometheus_value(metrics->body, "iomtsim_target_waveform_blocks_total"), 3.0);
  EXPECT_EQ(prometheus_value(metrics->body, "iomtsim_target_waveform_samples_total"), 750.0);
  EXPECT_EQ(prometheus_value(metrics->body, "iomtsim_target_waveform_invalid_total"), 1.0);
}

TEST(WaveformIngest, MllpWaveformOruIsAckedAaAndABadOneAe) {
  auto server = start_target();
  TcpClient mllp(server->ports().mllp);
  const auto good = ecg(10, 500);
  ASSERT_TRUE(mllp.send_all(payloads::mllp_frame(payloads::encode_waveform_oru(good))));
  auto ack = payloads::decode_ack(read_frame<payloads::MllpDeframer>(mllp));
  ASSERT_TRUE(ack.ok()) << ack.error;
  EXPECT_EQ(ack.value.code, payloads::AckCode::Accept) << ack.value.reason;
  EXPECT_EQ(ack.value.control_id, payloads::hl7_control_id(good.id));

  std::string bad = payloads::encode_waveform_oru(ecg(11));
  bad.replace(bad.find("|NA|131330^MDC_ECG_ELEC_POTL_II^MDC|1.0.0.1|") + 44, 0, "99999^");
  ASSERT_TRUE(mllp.send_all(payloads::mllp_frame(bad)));
  ack = payloads::decode_ack(read_frame<payloads::MllpDeframer>(mllp));
  ASSERT_TRUE(ack.ok()) << ack.error;
  EXPECT_EQ(ack.value.code, payloads::AckCode::Error);
  EXPECT_NE(ack.value.reason.find("out of int16 range"), std::string::npos) << ack.value.reason;
  EXPECT_EQ(ack.value.control_id, payloads::hl7_control_id(ecg(11).id));
  const auto s = server->snapshot();
  EXPECT_EQ(s.waveform_blocks, 1u);
  EXPECT_EQ(s.waveform_samples, 500u);
  EXPECT_EQ(s.waveform_invalid, 1u);
  EXPECT_EQ(s.readings_processed, 0u);
}

TEST(WaveformIngest, ProtobufBatchesAreAckedPerBlockAndBadOnesRejected) {
  auto server = start_target();
  TcpClient c(server->ports().proto);
  std::vector<WaveformBlock> blocks{ecg(20), ecg(21)};
  std::string wire;
  payloads::append_delimited(wire, payloads::encode_waveform_batch(blocks[0].id, blocks));
  ASSERT_TRUE(c.send_all(wire));
  auto ack = payloads::decode_batch_ack(read_frame<payloads::DelimitedReader>(c));
  ASSERT_TRUE(ack.ok()) << ack.error;
  EXPECT_EQ(ack.value.batch_id, blocks[0].id);
  EXPECT_EQ(ack.value.accepted, 2u);
  EXPECT_EQ(ack.value.rejected, 0u);

  blocks[1].sample_rate_hz = 1e6;
  wire.clear();
  payloads::append_delimited(wire, payloads::encode_waveform_batch(77, blocks));
  ASSERT_TRUE(c.send_all(wire));
  ack = payloads::decode_batch_ack(read_frame<payloads::DelimitedReader>(c));
  ASSERT_TRUE(ack.ok()) << ack.error;
  EXPECT_EQ(ack.value.batch_id, 77u);  // the sender can match its refusal
  EXPECT_EQ(ack.value.accepted, 0u);
  EXPECT_GE(ack.value.rejected, 1u);
  EXPECT_NE(ack.value.reason.find("waveform 1: "), std::string::npos) << ack.value.reason;
  const auto s = server->snapshot();
  EXPECT_EQ(s.waveform_blocks, 2u);
  EXPECT_EQ(s.waveform_samples, 500u);
  EXPECT_EQ(s.waveform_invalid, 1u);
  EXPECT_EQ(s.count(Protocol::Proto, Outcome::Accepted), 1u);
  EXPECT_EQ(s.count(Protocol::Proto, Outcome::Invalid), 1u);
}

TEST(WaveformIngest, MqttJsonBlocksAreCountedAndBadOnesRefused) {
  if (!MosquittoBroker::available()) GTEST_SKIP() << "mosquitto is not installed";
  MosquittoBroker broker;
  ASSERT_TRUE(broker.running());
  auto server = start_target([&](TargetConfig& c) {
    c.mqtt.enabled = true;
    c.mqtt.broker_port = broker.port();
    c.mqtt.topics = {"iomtsim/#"};
  });
  ASSERT_TRUE(server->mqtt_ready());
  mosquitto_lib_init();
  mosquitto* m = mosquitto_new(nullptr, true, nullptr);
  ASSERT_EQ(mosquitto_connect(m, "127.0.0.1", broker.port(), 30), MOSQ_ERR_SUCCESS);
  ASSERT_EQ(mosquitto_loop_start(m), MOSQ_ERR_SUCCESS);
  auto publish = [&](const std::string& payload) {
    return mosquitto_publish(m, nullptr, "iomtsim/5/1", static_cast<int>(payload.size()),
                             payload.data(), 1, false) == MOSQ_ERR_SUCCESS;
  };
  for (std::uint32_t s = 1; s <= 4; ++s)
    ASSERT_TRUE(publish(payloads::encode_mqtt_waveform(ecg(s, 125))));
  auto bad = ecg(5);
  bad.sample_rate_hz = 0;
  ASSERT_TRUE(publish(payloads::encode_mqtt_waveform(bad)));
  const bool arrived = eventually([&] {
    const auto s = server->snapshot();
    return s.waveform_blocks == 4 && s.waveform_invalid == 1;
  });
  mosquitto_disconnect(m);
  mosquitto_loop_stop(m, false);
  mosquitto_destroy(m);
  ASSERT_TRUE(arrived);
  const auto s = server->snapshot();
  EXPECT_EQ(s.waveform_samples, 500u);
  EXPECT_EQ(s.count(Protocol::Mqtt, Outcome::Accepted), 4u);
  EXPECT_EQ(s.count(Protocol::Mqtt, Outcome::Invalid), 1u);
  EXPECT_EQ(s.readings_processed, 0u);
}

}  // namespace
}  // namespace iomtsim::reference_target
