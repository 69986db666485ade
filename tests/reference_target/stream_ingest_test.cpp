// MLLP (HL7 v2 ORU^R01) and length-delimited protobuf over TCP, end to end.
#include <gtest/gtest.h>

#include "iomtsim/payloads/hl7.hpp"
#include "iomtsim/payloads/mllp.hpp"
#include "iomtsim/payloads/proto_codec.hpp"
#include "support/net.hpp"
#include "support/readings.hpp"
#include "support/target_fixture.hpp"

namespace iomtsim::reference_target {
namespace {

using namespace iomtsim::testing;
using physiology::Vital;

// Reads MLLP-framed messages until `n` arrived (bounded).
std::vector<std::string> read_mllp(TcpClient& c, std::size_t n) {
  payloads::MllpDeframer d;
  std::vector<std::string> out;
  std::string buffer;
  c.recv_until(
      buffer,
      [&](std::string& b) {
        d.feed(b, out);
        b.clear();
        return out.size() >= n;
      },
      std::chrono::seconds(5));
  return out;
}

std::vector<payloads::BatchAck> read_acks(TcpClient& c, std::size_t n) {
  payloads::DelimitedReader reader;
  std::vector<std::string> frames;
  std::string buffer;
  c.recv_until(
      buffer,
      [&](std::string& b) {
        reader.feed(b, frames);
        b.clear();
        return frames.size() >= n;
      },
      std::chrono::seconds(5));
  std::vector<payloads::BatchAck> acks;
  for (const auto& f : frames) {
    auto a = payloads::decode_batch_ack(f);
    EXPECT_TRUE(a.ok()) << a.error;
    acks.push_back(a.value);
  }
  return acks;
}

std::vector<physiology::Reading> device_batch(physiology::PatientIndex p, std::uint32_t first_seq,
                                              std::size_t n) {
  std::vector<physiology::Reading> v;
  for (std::size_t i = 0; i < n; ++i)
    v.push_back(make_reading(p, i % 2 ? Vital::HeartRate : Vital::SpO2, i % 2 ? 75 : 97,
                             10.0 + static_cast<double>(i),
                             first_seq + static_cast<std::uint32_t>(i)));
  return v;
}

TEST(MllpIngest, OruR01IsAcknowledgedAA) {
  auto server = start_target();
  TcpClient c(server->ports().mllp);
  const auto batch = device_batch(4, 1, 5);
  ASSERT_TRUE(c.send_all(payloads::mllp_frame(payloads::encode_oru_r01(batch))));
  const auto messages = read_mllp(c, 1);
  ASSERT_EQ(messages.size(), 1u);
  auto ack = payloads::decode_ack(messages[0]);
  ASSERT_TRUE(ack.ok()) << ack.error;
  EXPECT_EQ(ack.value.code, payloads::AckCode::Accept);
  EXPECT_EQ(ack.value.control_id, payloads::hl7_control_id(batch.front().id));
  EXPECT_TRUE(eventually([&] { return server->snapshot().readings_processed == 5; }));
  EXPECT_EQ(server->snapshot().readings(Protocol::Mllp), 5u);
}

TEST(MllpIngest, PipelinedMessagesAreAnsweredInOrder) {
  auto server = start_target();
  TcpClient c(server->ports().mllp);
  std::string wire;
  std::vector<std::string> ids;
  for (std::uint32_t m = 0; m < 20; ++m) {
    const auto batch = device_batch(m, m * 10 + 1, 4);
    ids.push_back(payloads::hl7_control_id(batch.front().id));
    payloads::append_mllp_frame(wire, payloads::encode_oru_r01(batch));
  }
  ASSERT_TRUE(c.send_all(wire));
  const auto messages = read_mllp(c, ids.size());
  ASSERT_EQ(messages.size(), ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto ack = payloads::decode_ack(messages[i]);
    ASSERT_TRUE(ack.ok());
    EXPECT_EQ(ack.value.code, payloads::AckCode::Accept);
    EXPECT_EQ(ack.value.control_id, ids[i]);
  }
}

TEST(ProtoIngest, BatchIsAcknowledgedWithCounts) {
  auto server = start_target();
  TcpClient c(server->ports().proto);
  std::string wire;
  for (std::uint64_t b = 1; b <= 10; ++b) {
    auto batch = device_batch(static_cast<physiology::PatientIndex>(b),
                              static_cast<std::uint32_t>(b * 100), 50);
    payloads::append_delimited(wire, payloads::encode_batch(b, batch));
  }
  ASSERT_TRUE(c.send_all(wire));
  const auto acks = read_acks(c, 10);
  ASSERT_EQ(acks.size(), 10u);
  for (std::size_t i = 0; i < acks.size(); ++i) {
    EXPECT_EQ(acks[i].batch_id, i + 1);
    EXPECT_EQ(acks[i].accepted, 50u);
    EXPECT_EQ(acks[i].rejected, 0u);
  }
  EXPECT_TRUE(eventually([&] { return server->snapshot().readings_processed == 500; }));
}

TEST(ProtoIngest, FullQueueNacksTheWholeBatch) {
  auto server = start_target([](TargetConfig& c) {
    c.processing.queue_bound = 60;
    c.processing.service_time_per_message = std::chrono::milliseconds(500);
  });
  TcpClient c(server->ports().proto);
  std::string wire;
  for (std::uint64_t b = 1; b <= 3; ++b)
    payloads::append_delimited(
        wire, payloads::encode_batch(b, device_batch(1, static_cast<std::uint32_t>(b * 100), 50)));
  ASSERT_TRUE(c.send_all(wire));
  const auto acks = read_acks(c, 3);
  ASSERT_EQ(acks.size(), 3u);
  EXPECT_EQ(acks[0].accepted, 50u);
  // 50 + 50 > 60: all or nothing.
  EXPECT_EQ(acks[1].accepted, 0u);
  EXPECT_EQ(acks[1].rejected, 50u);
  EXPECT_FALSE(acks[1].reason.empty());
  EXPECT_EQ(acks[2].rejected, 50u);
  EXPECT_EQ(server->snapshot().count(Protocol::Proto, Outcome::QueueFull), 2u);
}

TEST(ProtoIngest, AckAfterProcessingAnswersInOrderOnceProcessed) {
  auto server = start_target([](TargetConfig& c) {
    c.processing.ack_after_processing = true;
    c.processing.workers = 3;
    c.processing.service_time_per_message = std::chrono::milliseconds(5);
  });
  TcpClient c(server->ports().proto);
  std::string wire;
  for (std::uint64_t b = 1; b <= 6; ++b) {
    // Each batch spans patients on every worker shard.
    std::vector<physiology::Reading> batch;
    for (std::uint32_t p = 0; p < 6; ++p)
      batch.push_back(
          make_reading(p, Vital::SpO2, 97, static_cast<double>(b), static_cast<std::uint32_t>(b)));
    payloads::append_delimited(wire, payloads::encode_batch(b, batch));
  }
  ASSERT_TRUE(c.send_all(wire));
  const auto acks = read_acks(c, 6);
  ASSERT_EQ(acks.size(), 6u);
  for (std::size_t i = 0; i < acks.size(); ++i) {
    EXPECT_EQ(acks[i].batch_id, i + 1);
    EXPECT_EQ(acks[i].accepted, 6u);
  }
  EXPECT_EQ(server->snapshot().readings_processed, 36u);  // every ack came after its processing
}

TEST(MllpIngest, StallHoldsTheAckUntilTheWindowEnds) {
  auto server = start_target(
      [](TargetConfig& c) { c.faults.stall_duration = std::chrono::milliseconds(600); });
  TcpClient c(server->ports().mllp);
  ASSERT_TRUE(c.send_all(payloads::mllp_frame(payloads::encode_oru_r01(device_batch(1, 1, 2)))));
  EXPECT_FALSE(c.recv_some(std::chrono::milliseconds(150)).has_value());
  EXPECT_EQ(server->snapshot().stall_holds, 1u);
  const auto messages = read_mllp(c, 1);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(payloads::decode_ack(messages[0]).value.code, payloads::AckCode::Accept);
}

}  // namespace
}  // namespace iomtsim::reference_target
