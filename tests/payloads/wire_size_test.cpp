// The bandwidth models' table of bytes per reading against what the encoders produce:
// one reading of every vital, each format framed as the real-time engine sends it.
#include "iomtsim/payloads/wire_size.hpp"

#include <gtest/gtest.h>

#include <span>
#include <string>

#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/payloads/hl7.hpp"
#include "iomtsim/payloads/mllp.hpp"
#include "iomtsim/payloads/mqtt_json.hpp"
#include "iomtsim/payloads/proto_codec.hpp"
#include "payload_test_support.hpp"

namespace {

using namespace iomtsim;
using scenarios::PayloadFormat;

// An HTTP/1.1 request head as loadgen's FHIR sender writes it (http_transport.cpp).
std::size_t http_head_bytes(std::size_t body) {
  return std::string("POST /fhir/Observation HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"
                     "Content-Type: application/fhir+json\r\nAccept: application/fhir+json\r\n"
                     "Content-Length: " +
                     std::to_string(body) + "\r\n\r\n")
      .size();
}

// MQTT 3.1.1 PUBLISH at QoS 1: fixed header (1 + remaining-length varint), topic with its
// 2-byte length, packet id, payload.
std::size_t mqtt_publish_bytes(std::size_t topic, std::size_t payload) {
  const std::size_t remaining = 2 + topic + 2 + payload;
  return 1 + (remaining < 128 ? 1 : remaining < 16384 ? 2 : 3) + remaining;
}

// Bytes of one message carrying `readings` (one device's), framed as sent.
std::size_t message_bytes(PayloadFormat f, std::span<const physiology::Reading> readings) {
  payloads::FhirOptions fhir;
  fhir.epoch_unix_ms = payloads::testing::kEpochMs;
  payloads::Hl7Options hl7;
  hl7.epoch_unix_ms = payloads::testing::kEpochMs;
  std::string wire;
  switch (f) {
    case PayloadFormat::FhirR4: {
      const std::string body = readings.size() == 1
                                   ? payloads::encode_observation(readings[0], fhir)
                                   : payloads::encode_transaction_bundle(readings, fhir);
      return body.size() + http_head_bytes(body.size());
    }
    case PayloadFormat::Hl7v2:
      payloads::append_mllp_frame(wire, payloads::encode_oru_r01(readings, hl7));
      return wire.size();
    case PayloadFormat::MqttJson: {
      const auto topic = payloads::mqtt_topic("iomtsim/{patient}/{device}", readings[0].patient,
                                              readings[0].device);
      const std::string body = readings.size() == 1 ? payloads::encode_mqtt_reading(readings[0])
                                                    : payloads::encode_mqtt_batch(readings);
      return mqtt_publish_bytes(topic.size(), body.size());
    }
    case PayloadFormat::Protobuf:
      payloads::append_delimited(wire, payloads::encode_batch(readings[0].id, readings));
      return wire.size();
  }
  return 0;
}

// A one-reading message, averaged over the vitals.
double one_reading_mean(PayloadFormat f) {
  const auto readings = payloads::testing::one_of_each();
  double total = 0;
  for (std::size_t i = 0; i < readings.size(); ++i)
    total += static_cast<double>(message_bytes(f, {&readings[i], 1}));
  return total / static_cast<double>(readings.size());
}

constexpr PayloadFormat kFormats[] = {PayloadFormat::FhirR4, PayloadFormat::Hl7v2,
                                      PayloadFormat::MqttJson, PayloadFormat::Protobuf};

// Within 15 %: close enough for a link model, tight enough that a change to an encoder's
// output (a new field, a longer code system) shows here.
TEST(WireSize, OneReadingMessagesMatchTheEncoders) {
  for (auto f : kFormats) {
    const double measured = one_reading_mean(f);
    const double table = static_cast<double>(payloads::wire_bytes(f, 1));
    EXPECT_NEAR(table, measured, 0.15 * measured)
        << payloads::protocol_name(f) << ": table " << table << " bytes, encoders " << measured;
  }
}

TEST(WireSize, BatchesMatchTheEncoders) {
  const auto readings = payloads::testing::one_of_each();  // 11 readings, one device
  for (auto f : kFormats) {
    const double measured = static_cast<double>(message_bytes(f, readings));
    const double table = static_cast<double>(payloads::wire_bytes(f, readings.size()));
    EXPECT_NEAR(table, measured, 0.15 * measured)
        << payloads::protocol_name(f) << " x" << readings.size() << ": table " << table
        << " bytes, encoders " << measured;
  }
}

TEST(WireSize, NamesAndGrowth) {
  EXPECT_EQ(payloads::protocol_name(PayloadFormat::Hl7v2), "hl7v2");
  for (auto f : kFormats) EXPECT_LT(payloads::wire_bytes(f, 1), payloads::wire_bytes(f, 2));
}

}  // namespace
