// `Expect: 100-continue` on the FHIR listener, from a raw socket: the interim 100 comes
// before the client has sent any body, a declared body over the limit gets 417 (and no
// 100), and a client that sends the body without waiting gets no interim response.
#include <gtest/gtest.h>

#include "iomtsim/payloads/fhir.hpp"
#include "support/net.hpp"
#include "support/readings.hpp"
#include "support/target_fixture.hpp"

namespace iomtsim::reference_target {
namespace {

using namespace iomtsim::testing;
using physiology::Vital;

std::string post_header(std::size_t content_length, bool expect_continue) {
  std::string h = "POST /fhir/Observation HTTP/1.1\r\nHost: t\r\nContent-Type: application/fhir+json\r\n";
  if (expect_continue) h += "Expect: 100-Continue\r\n";
  return h + "Content-Length: " + std::to_string(content_length) + "\r\n\r\n";
}

// Reads until `buffer` holds at least one full response; returns it (and leaves the rest).
std::optional<HttpResponse> next_response(TcpClient& tcp, std::string& buffer) {
  std::optional<HttpResponse> res;
  tcp.recv_until(buffer, [&](std::string& b) { return (res = take_http_response(b)).has_value(); }, 5s);
  return res;
}

TEST(ExpectContinue, InterimResponseBeforeTheBodyThenCreated) {
  auto server = start_target();
  TcpClient tcp(server->ports().http);
  const auto r = make_reading(3, Vital::HeartRate, 71, 10, 1);
  const std::string body = payloads::encode_observation(r);
  std::string buffer;
  for (int round = 0; round < 2; ++round) {  // twice on one keep-alive connection
    ASSERT_TRUE(tcp.send_all(post_header(body.size(), true)));
    auto interim = next_response(tcp, buffer);
    ASSERT_TRUE(interim);
    EXPECT_EQ(interim->status, 100);
    EXPECT_EQ(server->snapshot().count(Protocol::Http, Outcome::Accepted), static_cast<std::uint64_t>(round));
    ASSERT_TRUE(tcp.send_all(body));
    auto final_res = next_response(tcp, buffer);
    ASSERT_TRUE(final_res);
    EXPECT_EQ(final_res->status, 201);
    EXPECT_EQ(final_res->header("location"), "/fhir/Observation/" + std::to_string(r.id) + "/_history/1");
  }
  EXPECT_TRUE(buffer.empty());
  EXPECT_TRUE(eventually([&] { return server->snapshot().readings_processed == 2; }));
}

TEST(ExpectContinue, BodyOverTheLimitIsRefusedWith417) {
  auto server = start_target([](TargetConfig& c) { c.http.body_limit_bytes = 1000; });
  TcpClient tcp(server->ports().http);
  ASSERT_TRUE(tcp.send_all(post_header(5000, true)));
  std::string buffer;
  auto res = next_response(tcp, buffer);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 417);
  EXPECT_NE(res->body.find("exceeds 1000 bytes"), std::string::npos) << res->body;
  EXPECT_TRUE(tcp.wait_closed(5s));
  const auto s = server->snapshot();
  EXPECT_EQ(s.oversized, 1u);
  EXPECT_EQ(s.count(Protocol::Http, Outcome::Invalid), 1u);

  // Without the expectation the same request is still 413.
  TcpClient plain(server->ports().http);
  ASSERT_TRUE(plain.send_all(post_header(5000, false)));
  std::string b2;
  auto res2 = next_response(plain, b2);
  ASSERT_TRUE(res2);
  EXPECT_EQ(res2->status, 413);
}

TEST(ExpectContinue, ClientThatDoesNotWaitGetsNoInterimResponse) {
  auto server = start_target();
  TcpClient tcp(server->ports().http);
  const std::string body = payloads::encode_observation(make_reading(4, Vital::SpO2, 96, 11, 2));
  // Header and body in one segment: the body is there already, so no 100 (RFC 9110 15.2.1).
  ASSERT_TRUE(tcp.send_all(post_header(body.size(), true) + body));
  std::string buffer;
  auto res = next_response(tcp, buffer);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201);
  EXPECT_TRUE(buffer.empty());
}

TEST(ExpectContinue, BadBodyAfterContinueGets400) {
  auto server = start_target();
  TcpClient tcp(server->ports().http);
  const std::string body = R"({"resourceType":"Observation"})";
  ASSERT_TRUE(tcp.send_all(post_header(body.size(), true)));
  std::string buffer;
  auto interim = next_response(tcp, buffer);
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(tcp.send_all(body));
  auto res = next_response(tcp, buffer);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("missing code.coding"), std::string::npos) << res->body;
}

}  // namespace
}  // namespace iomtsim::reference_target
