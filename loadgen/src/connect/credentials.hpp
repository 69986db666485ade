#pragma once
// Who a run says it is to an HTTP endpoint: the custom headers and the Authorization header
// a FHIR endpoint's scenario settings ask for (scenarios::Connection), shared by every
// engine thread, the provisioning, the alert polling and calibrate.
//
// Kinds: none; a bearer token read from an environment variable or a file; an OAuth2 client
// credentials grant (client_secret_basic or client_secret_post); SMART Backend Services (a
// client assertion JWT, RS384 or ES384, jwt_assertion.hpp). Tokens from a token endpoint are
// fetched when the run starts (a failure is a RunError that gives the server's reason) and
// renewed by a background thread before they expire (refresh_before ahead, but not before
// 80 % of the lifetime); a 401 from the FHIR server asks for an early renewal.
//
// Reading the current header costs one relaxed atomic load when nothing changed:
//   std::uint64_t seen = 0; std::string line;
//   creds->authorization_line(seen, line);   // refreshes `line` only if the token changed
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include "http_client.hpp"
#include "iomtsim/scenarios/connection.hpp"

namespace iomtsim::loadgen::detail {

class JwtSigner;

struct AuthError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Credentials {
 public:
  // Reads the secrets, loads the key and, for a token endpoint, gets the first token (so a
  // run with bad credentials stops before it starts). Throws AuthError (redacted).
  // `tls`: the endpoint's TLS settings, also used for the token endpoint.
  Credentials(const scenarios::Connection& c, const TlsClientSettings& tls);
  ~Credentials();
  Credentials(const Credentials&) = delete;
  Credentials& operator=(const Credentials&) = delete;

  // Static headers as raw lines ("Name: value\r\n"…), resolved once.
  const std::string& header_lines() const { return header_lines_; }
  const HeaderList& headers() const { return headers_; }
  // True when requests carry an Authorization header.
  bool authenticates() const { return kind_ != scenarios::AuthKind::None; }
  // Sets `line` to "Authorization: Bearer …\r\n" (or "" without auth) when the token changed
  // since `version` was read; returns whether it did.
  bool authorization_line(std::uint64_t& version, std::string& line) const;
  // "Bearer …" for the blocking clients (empty without auth).
  std::string authorization() const;
  // The server said 401: renew now (at most once per second), unless the token is static.
  void unauthorized() const;
  // Tokens obtained from the token endpoint, renewals included.
  std::uint64_t tokens_fetched() const { return fetched_.load(std::memory_order_relaxed); }
  // Starts the renewal thread (no-op for static tokens). Idempotent.
  void start_refresh();

 private:
  struct Token {
    std::string access;
    std::chrono::steady_clock::time_point expires;
    std::chrono::seconds lifetime{};
  };
  Token fetch() const;  // throws AuthError
  void set(const Token& t);
  void refresh_loop();

  scenarios::AuthSpec spec_;
  scenarios::AuthKind kind_ = scenarios::AuthKind::None;
  TlsClientSettings tls_;
  std::string client_secret_;
  std::unique_ptr<JwtSigner> signer_;
  std::string header_lines_;
  HeaderList headers_;
  mutable std::mutex mutex_;
  std::string authorization_;  // "Bearer …"
  std::chrono::steady_clock::time_point expires_ = std::chrono::steady_clock::time_point::max();
  std::chrono::seconds lifetime_{};
  std::atomic<std::uint64_t> version_{1};
  mutable std::atomic<std::uint64_t> fetched_{0};
  mutable std::unique_ptr<HttpClient>
      token_client_;  // used by one thread at a time (mutex_ not held)
  mutable std::mutex fetch_mutex_;
  mutable std::condition_variable wake_;
  bool stop_ = false;
  mutable bool renew_now_ = false;
  mutable std::chrono::steady_clock::time_point last_forced_{};
  std::thread thread_;
};

}  // namespace iomtsim::loadgen::detail
