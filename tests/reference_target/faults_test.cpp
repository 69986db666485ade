// Each injected fault, as the load generator will meet it.
#include <gtest/gtest.h>

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

std::string observation(std::uint32_t seq) {
  return payloads::encode_observation(make_reading(1, Vital::HeartRate, 70, seq, seq));
}

TEST(Faults, RejectFractionAnswers503ForItsShare) {
  auto server = start_target([](TargetConfig& c) {
    c.faults.reject_fraction = 0.3;
    c.faults.seed = 42;
  });
  HttpClient client(server->ports().http);
  int rejected = 0, created = 0;
  constexpr int kN = 400;
  for (std::uint32_t i = 1; i <= kN; ++i) {
    auto res = client.post("/fhir/Observation", observation(i));
    ASSERT_TRUE(res);
    if (res->status == 503) ++rejected;
    if (res->status == 201) ++created;
  }
  EXPECT_EQ(rejected + created, kN);
  // Binomial(400, 0.3): mean 120, sd 9.2; ±5 sd.
  EXPECT_GT(rejected, 74);
  EXPECT_LT(rejected, 166);
  const auto s = server->snapshot();
  EXPECT_EQ(s.count(Protocol::Http, Outcome::FaultReject), static_cast<std::uint64_t>(rejected));
  EXPECT_EQ(s.readings(Protocol::Http), static_cast<std::uint64_t>(created));
}

TEST(Faults, RejectAnswersArOnMllpAndNackOnProto) {
  auto server = start_target([](TargetConfig& c) { c.faults.reject_fraction = 1.0; });
  {
    TcpClient c(server->ports().mllp);
    ASSERT_TRUE(c.send_all(payloads::mllp_frame(
        payloads::encode_oru_r01(std::vector{make_reading(1, Vital::SpO2, 95, 1, 1)}))));
    payloads::MllpDeframer d;
    std::vector<std::string> acks;
    std::string buffer;
    c.recv_until(
        buffer,
        [&](std::string& b) {
          d.feed(b, acks);
          b.clear();
          return !acks.empty();
        },
        std::chrono::seconds(5));
    ASSERT_EQ(acks.size(), 1u);
    const auto ack = payloads::decode_ack(acks[0]).value;
    EXPECT_EQ(ack.code, payloads::AckCode::Reject);
    EXPECT_EQ(ack.control_id, payloads::hl7_control_id(physiology::make_reading_id(1, 0, 1)));
  }
  {
    TcpClient c(server->ports().proto);
    std::string wire;
    payloads::append_delimited(wire, payloads::encode_batch(77, deteriorated_set(1, 10)));
    ASSERT_TRUE(c.send_all(wire));
    payloads::DelimitedReader r;
    std::vector<std::string> frames;
    std::string buffer;
    c.recv_until(
        buffer,
        [&](std::string& b) {
          r.feed(b, frames);
          b.clear();
          return !frames.empty();
        },
        std::chrono::seconds(5));
    ASSERT_EQ(frames.size(), 1u);
    const auto ack = payloads::decode_batch_ack(frames[0]).value;
    EXPECT_EQ(ack.batch_id, 77u);
    EXPECT_EQ(ack.accepted, 0u);
    EXPECT_EQ(ack.rejected, 5u);
  }
  EXPECT_EQ(server->snapshot().readings_processed, 0u);
}

TEST(Faults, CloseFractionClosesWithoutAnswer) {
  auto server = start_target([](TargetConfig& c) { c.faults.close_fraction = 1.0; });
  HttpClient client(server->ports().http);
  EXPECT_FALSE(client.post("/fhir/Observation", observation(1)));
  EXPECT_TRUE(client.tcp().closed());
  EXPECT_EQ(server->snapshot().count(Protocol::Http, Outcome::FaultClose), 1u);
  // /metrics is never faulted, so an operator can still look.
  HttpClient again(server->ports().http);
  EXPECT_EQ(again.request("GET", "/metrics")->status, 200);
}

TEST(Faults, GarbageFractionAnswersGarbage) {
  auto server = start_target([](TargetConfig& c) { c.faults.garbage_fraction = 1.0; });
  TcpClient c(server->ports().http);
  const auto body = observation(1);
  ASSERT_TRUE(c.send_all("POST /fhir/Observation HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\n\r\n" + body));
  std::string got;
  c.recv_until(
      got, [](std::string&) { return false; }, std::chrono::seconds(2));  // until closed
  ASSERT_FALSE(got.empty());
  EXPECT_FALSE(got.starts_with("HTTP/"));
  std::string copy = got;
  auto parsed = take_http_response(copy);
  EXPECT_TRUE(!parsed || parsed->status == -1);
  EXPECT_EQ(server->snapshot().count(Protocol::Http, Outcome::FaultGarbage), 1u);
}

TEST(Faults, StallWindowHoldsAnswersUntilItEnds) {
  auto server = start_target([](TargetConfig& c) {
    c.faults.stall_start = std::chrono::milliseconds(0);
    c.faults.stall_duration = std::chrono::milliseconds(800);
  });
  TcpClient c(server->ports().http);
  const auto body = observation(1);
  ASSERT_TRUE(c.send_all("POST /fhir/Observation HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\n\r\n" + body));
  // Nothing while the stall lasts…
  auto early = c.recv_some(std::chrono::milliseconds(200));
  EXPECT_FALSE(early.has_value());
  EXPECT_EQ(server->snapshot().stall_holds, 1u);
  EXPECT_EQ(server->snapshot().readings_processed, 0u);
  // …then the held answer.
  std::string buffer;
  std::optional<HttpResponse> res;
  c.recv_until(
      buffer, [&](std::string& b) { return (res = take_http_response(b)).has_value(); },
      std::chrono::seconds(5));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201);
}

TEST(Faults, CrashAtClosesEverythingAndStopsAnswering) {
  auto server =
      start_target([](TargetConfig& c) { c.faults.crash_after = std::chrono::milliseconds(300); });
  HttpClient client(server->ports().http);
  ASSERT_EQ(client.post("/fhir/Observation", observation(1))->status, 201);
  TcpClient mllp(server->ports().mllp);
  ASSERT_TRUE(server->wait_crashed(std::chrono::seconds(5)));
  EXPECT_TRUE(client.tcp().wait_closed(std::chrono::seconds(5)));
  EXPECT_TRUE(mllp.wait_closed(std::chrono::seconds(5)));
  // Listeners are gone: new connections are refused.
  ASSERT_TRUE(eventually([&] {
    try {
      TcpClient probe(server->ports().http);
      return false;
    } catch (const std::exception&) {
      return true;
    }
  }));
  server->stop();
  EXPECT_TRUE(server->crashed());
}

}  // namespace
}  // namespace iomtsim::reference_target
