// HTTPS ingest: the target's HTTP listener with TLS (OpenSSL through Asio), checked by an
// OpenSSL client that verifies the server certificate (signed by a CA made for the test).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>


#include "iomtsim/payloads/fhir.hpp"
#include "support/net.hpp"
#include "support/readings.hpp"
#include "support/target_fixture.hpp"
#include "support/test_certs.hpp"

namespace iomtsim::reference_target {
namespace {

using namespace iomtsim::testing;


// One HTTPS request/response with certificate verification against `ca_file`.
std::optional<HttpResponse> https_post(std::uint16_t port, const std::string& ca_file,
                                       const std::string& path, const std::string& body) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr) != 1) return std::nullopt;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::optional<HttpResponse> res;
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set1_host(ssl, "127.0.0.1");
    if (SSL_connect(ssl) == 1) {
      const std::string req = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body;
      SSL_write(ssl, req.data(), static_cast<int>(req.size()));
      std::string buffer;
      char chunk[4096];
      int n;
      while (!res && (n = SSL_read(ssl, chunk, sizeof chunk)) > 0) {
        buffer.append(chunk, static_cast<std::size_t>(n));
        res = take_http_response(buffer);
      }
    }
    SSL_free(ssl);
  }
  ::close(fd);
  SSL_CTX_free(ctx);
  return res;
}

TEST(Tls, HttpsIngestWithAVerifiedCertificate) {
  TestCerts cert;
  if (!cert.ok) GTEST_SKIP() << "openssl could not make test certificates";
  auto server = start_target([&](TargetConfig& c) {
    c.http.tls.enabled = true;
    c.http.tls.cert_file = cert.cert;
    c.http.tls.key_file = cert.key;
  });
  const auto body =
      payloads::encode_observation(make_reading(4, physiology::Vital::SpO2, 96, 3, 1));
  auto res = https_post(server->ports().http, cert.ca, "/fhir/Observation", body);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201);
  EXPECT_TRUE(eventually([&] { return server->snapshot().readings_processed == 1; }));
  // Plain HTTP to the TLS port gets no HTTP answer.
  HttpClient plain(server->ports().http);
  auto p = plain.request("GET", "/metrics", "", "", std::chrono::seconds(2));
  EXPECT_FALSE(p && p->status == 200);
}

TEST(Tls, MissingCertificateFailsStart) {
  auto cfg = loopback_ephemeral_config();
  cfg.http.tls.enabled = true;
  cfg.http.tls.cert_file = "/nonexistent/cert.pem";
  cfg.http.tls.key_file = "/nonexistent/key.pem";
  TargetServer server(cfg);
  EXPECT_THROW(server.start(), TargetStartError);
}

}  // namespace
}  // namespace iomtsim::reference_target
