// Bad input of every kind gets its protocol's error (or a closed connection), is counted,
// and the server keeps serving.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "iomtsim/payloads/fhir.hpp"
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

std::string observation() {
  return payloads::encode_observation(make_reading(1, Vital::HeartRate, 70, 5, 1));
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

void expect_operation_outcome(const std::optional<HttpResponse>& res, const std::string& needle) {
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  const auto body = nlohmann::json::parse(res->body);
  EXPECT_EQ(body["resourceType"], "OperationOutcome");
  const std::string diagnostics = body["issue"][0]["diagnostics"];
  EXPECT_NE(diagnostics.find(needle), std::string::npos) << diagnostics;
}

TEST(BadInput, InvalidFhirGets400OperationOutcome) {
  auto server = start_target();
  HttpClient client(server->ports().http);
  const auto obs = observation();
  expect_operation_outcome(client.post("/fhir/Observation", "{\"resourceType\": "), "");
  expect_operation_outcome(
      client.post("/fhir/Observation", replace(obs, "\"Observation\"", "\"Patient\"")), "Patient");
  expect_operation_outcome(client.post("/fhir/Observation", replace(obs, "8867-4", "0000-0")),
                           "0000-0");
  expect_operation_outcome(
      client.post("/fhir/Observation", replace(obs, "\"code\":\"/min\"", "\"code\":\"furlongs\"")),
      "furlongs");
  // An Observation where a Bundle belongs.
  expect_operation_outcome(client.post("/fhir", obs), "");
  // The connection survived all of it.
  auto ok = client.post("/fhir/Observation", obs);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 201);
  EXPECT_EQ(server->snapshot().count(Protocol::Http, Outcome::Invalid), 5u);
  EXPECT_EQ(server->snapshot().count(Protocol::Http, Outcome::Accepted), 1u);
}

TEST(BadInput, OversizedBodyGets413AndClose) {
  auto server = start_target([](TargetConfig& c) { c.http.body_limit_bytes = 4096; });
  HttpClient client(server->ports().http);
  auto res = client.post("/fhir/Observation", std::string(10000, ' ') + observation());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_TRUE(client.tcp().wait_closed(std::chrono::seconds(5)));
  EXPECT_EQ(server->snapshot().oversized, 1u);
  HttpClient again(server->ports().http);
  EXPECT_EQ(again.post("/fhir/Observation", observation())->status, 201);
}

TEST(BadInput, MalformedHttpGets400) {
  auto server = start_target();
  TcpClient c(server->ports().http);
  ASSERT_TRUE(c.send_all("THIS IS NOT HTTP\r\n\r\n"));
  std::string buffer;
  std::optional<HttpResponse> res;
  c.recv_until(
      buffer, [&](const std::string&) { return (res = take_http_response(buffer)).has_value(); },
      std::chrono::seconds(5));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(server->snapshot().protocol_errors, 1u);
}

TEST(BadInput, UnknownPathGets404) {
  auto server = start_target();
  HttpClient client(server->ports().http);
  EXPECT_EQ(client.post("/fhir/Encounter", observation())->status, 404);
  EXPECT_EQ(client.request("DELETE", "/fhir/Observation")->status, 405);
  // [base]/Patient takes Patients (the record, store_http_test.cpp), not Observations.
  EXPECT_EQ(client.post("/fhir/Patient", observation())->status, 400);
}

TEST(BadInput, SlowHttpClientIsCutOff) {
  auto server =
      start_target([](TargetConfig& c) { c.http.header_timeout = std::chrono::milliseconds(300); });
  TcpClient c(server->ports().http);
  const std::string req =
      "POST /fhir/Observation HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n";
  // One byte every 50 ms: the whole request would take seconds.
  bool closed = false;
  for (std::size_t i = 0; i < req.size() && !closed; ++i) {
    c.send_all(req.substr(i, 1));
    auto got = c.recv_some(std::chrono::milliseconds(50));
    closed = got && got->empty();
  }
  EXPECT_TRUE(closed || c.wait_closed(std::chrono::seconds(5)));
  EXPECT_TRUE(eventually([&] { return server->snapshot().timeouts == 1; }));
  HttpClient ok(server->ports().http);
  EXPECT_EQ(ok.post("/fhir/Observation", observation())->status, 201);
}

TEST(BadInput, BrokenHl7GetsAeAndWrongTypeGetsAr) {
  auto server = start_target();
  TcpClient c(server->ports().mllp);
  const auto good =
      payloads::encode_oru_r01(std::vector{make_reading(2, Vital::HeartRate, 70, 5, 1)});
  std::string broken = good;
  // A non-numeric value in the metric OBX.
  broken = replace(broken, "|70", "|seventy");
  std::string wrong_type = replace(good, "ORU^R01^ORU_R01", "ADT^A01^ADT_A01");
  std::string wire = payloads::mllp_frame(broken) + payloads::mllp_frame(wrong_type) +
                     payloads::mllp_frame("PID|no header") + payloads::mllp_frame(good);
  ASSERT_TRUE(c.send_all(wire));
  payloads::MllpDeframer d;
  std::vector<std::string> acks;
  std::string buffer;
  c.recv_until(
      buffer,
      [&](std::string& b) {
        d.feed(b, acks);
        b.clear();
        return acks.size() >= 4;
      },
      std::chrono::seconds(5));
  ASSERT_EQ(acks.size(), 4u);
  const auto a0 = payloads::decode_ack(acks[0]).value;
  EXPECT_EQ(a0.code, payloads::AckCode::Error);
  EXPECT_FALSE(a0.reason.empty());
  EXPECT_EQ(a0.control_id, payloads::hl7_control_id(physiology::make_reading_id(2, 0, 1)));
  EXPECT_EQ(payloads::decode_ack(acks[1]).value.code, payloads::AckCode::Reject);
  EXPECT_EQ(payloads::decode_ack(acks[2]).value.code, payloads::AckCode::Reject);
  EXPECT_EQ(payloads::decode_ack(acks[3]).value.code, payloads::AckCode::Accept);
  EXPECT_EQ(server->snapshot().count(Protocol::Mllp, Outcome::Invalid), 3u);
}

TEST(BadInput, OversizedMllpFrameClosesTheConnection) {
  auto server = start_target([](TargetConfig& c) { c.mllp.max_frame_bytes = 1024; });
  TcpClient c(server->ports().mllp);
  ASSERT_TRUE(c.send_all(payloads::mllp_frame("MSH|" + std::string(5000, 'x'))));
  EXPECT_TRUE(c.wait_closed(std::chrono::seconds(5)));
  EXPECT_EQ(server->snapshot().oversized, 1u);
}

TEST(BadInput, SlowMllpClientTimesOut) {
  auto server =
      start_target([](TargetConfig& c) { c.mllp.idle_timeout = std::chrono::milliseconds(300); });
  TcpClient c(server->ports().mllp);
  const auto frame = payloads::mllp_frame(
      payloads::encode_oru_r01(std::vector{make_reading(2, Vital::HeartRate, 70, 5, 1)}));
  bool closed = false;
  for (std::size_t i = 0; i < frame.size() && !closed; ++i) {
    c.send_all(frame.substr(i, 1));
    auto got = c.recv_some(std::chrono::milliseconds(50));
    closed = got && got->empty();
  }
  EXPECT_TRUE(closed || c.wait_closed(std::chrono::seconds(5)));
  EXPECT_EQ(server->snapshot().timeouts, 1u);
}

TEST(BadInput, ProtoOversizedOrCorruptFrames) {
  auto server = start_target([](TargetConfig& c) { c.proto.max_frame_bytes = 1024; });
  {
    // A corrupt batch inside a valid frame: a nack, and the connection stays.
    TcpClient c(server->ports().proto);
    std::string wire;
    payloads::append_delimited(wire, std::string("\xff\xff\xff garbage", 11));
    payloads::append_delimited(
        wire, payloads::encode_batch(9, std::vector{make_reading(1, Vital::SpO2, 96, 1, 1)}));
    ASSERT_TRUE(c.send_all(wire));
    payloads::DelimitedReader r;
    std::vector<std::string> frames;
    std::string buffer;
    c.recv_until(
        buffer,
        [&](std::string& b) {
          r.feed(b, frames);
          b.clear();
          return frames.size() >= 2;
        },
        std::chrono::seconds(5));
    ASSERT_EQ(frames.size(), 2u);
    const auto nack = payloads::decode_batch_ack(frames[0]).value;
    EXPECT_EQ(nack.accepted, 0u);
    EXPECT_FALSE(nack.reason.empty());
    const auto ack = payloads::decode_batch_ack(frames[1]).value;
    EXPECT_EQ(ack.batch_id, 9u);
    EXPECT_EQ(ack.accepted, 1u);
  }
  {
    // A length over the limit cannot be skipped: the connection closes.
    TcpClient c(server->ports().proto);
    std::string wire;
    payloads::append_delimited(wire, std::string(5000, 'x'));
    ASSERT_TRUE(c.send_all(wire));
    EXPECT_TRUE(c.wait_closed(std::chrono::seconds(5)));
  }
  {
    // A truncated frame followed by a hang-up: nothing accepted, nothing crashes.
    TcpClient c(server->ports().proto);
    const auto frame =
        payloads::encode_batch(3, std::vector{make_reading(1, Vital::SpO2, 96, 1, 1)});
    std::string wire;
    payloads::append_delimited(wire, frame);
    ASSERT_TRUE(c.send_all(wire.substr(0, wire.size() / 2)));
    c.close();
  }
  EXPECT_TRUE(eventually([&] { return server->snapshot().connections_open == 0; }));
  const auto s = server->snapshot();
  EXPECT_EQ(s.oversized, 1u);
  EXPECT_EQ(s.count(Protocol::Proto, Outcome::Invalid),
            2u);  // the corrupt batch and the oversized frame
  EXPECT_EQ(s.count(Protocol::Proto, Outcome::Accepted), 1u);
}

}  // namespace
}  // namespace iomtsim::reference_target
