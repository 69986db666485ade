#include "credentials.hpp"

#include <openssl/rand.h>
#include <nlohmann/json.hpp>

#include "jwt_assertion.hpp"
#include "secrets.hpp"

namespace iomtsim::loadgen::detail {
namespace {

using scenarios::AuthKind;
using Clock = std::chrono::steady_clock;

std::string form_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string base64(std::string_view bytes) {
  std::string s = base64url(bytes);
  for (auto& c : s) c = c == '-' ? '+' : (c == '_' ? '/' : c);
  while (s.size() % 4) s += '=';
  return s;
}

std::string random_id() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) throw AuthError("SMART backend: no random bytes for a jti");
  return base64url(std::string_view(reinterpret_cast<const char*>(b), sizeof b));
}

// The server's reason, from an OAuth2 error answer ({"error","error_description"}) or the body.
std::string token_reason(const HttpReply& r) {
  if (r.status == 0) return r.error;
  std::string why = "HTTP " + std::to_string(r.status);
  const auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_object()) {
    if (j.contains("error") && j["error"].is_string()) why += ": " + j["error"].get<std::string>();
    if (j.contains("error_description") && j["error_description"].is_string())
      why += " (" + j["error_description"].get<std::string>() + ")";
  } else if (!r.body.empty()) {
    why += ": " + r.body.substr(0, 200);
  }
  return why;
}

}  // namespace

Credentials::Credentials(const scenarios::Connection& c, const TlsClientSettings& tls)
    : spec_(c.auth), kind_(c.auth.kind), tls_(tls) {
  try {
    for (const auto& h : c.headers) {
      const std::string value =
          h.secret.empty() ? h.value : read_secret(h.secret, "header " + h.name);
      headers_.emplace_back(h.name, value);
      header_lines_ += h.name + ": " + value + "\r\n";
    }
    switch (kind_) {
      case AuthKind::None:
        break;
      case AuthKind::Bearer:
        authorization_ = "Bearer " + read_secret(spec_.token, "the bearer token");
        break;
      case AuthKind::ClientCredentials:
        client_secret_ = read_secret(spec_.client_secret, "the OAuth2 client secret");
        break;
      case AuthKind::SmartBackend:
        signer_ =
            std::make_unique<JwtSigner>(spec_.private_key_file, spec_.algorithm, spec_.key_id);
        break;
    }
  } catch (const std::exception& e) {
    throw AuthError(redact(e.what()));
  }
  if (kind_ == AuthKind::ClientCredentials || kind_ == AuthKind::SmartBackend) {
    auto url = parse_url(spec_.token_url);
    if (!url) throw AuthError("token_url is not an http(s) URL: " + spec_.token_url);
    try {
      token_client_ =
          std::make_unique<HttpClient>(*url, tls_, "token endpoint", std::chrono::seconds(30));
    } catch (const std::exception& e) {
      throw AuthError(e.what());
    }
    set(fetch());
  }
}

Credentials::~Credentials() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Credentials::Token Credentials::fetch() const {
  std::lock_guard fl(fetch_mutex_);
  std::string body = "grant_type=client_credentials";
  if (!spec_.scope.empty()) body += "&scope=" + form_encode(spec_.scope);
  HeaderList headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                        {"Accept", "application/json"}};
  const char* how = "OAuth2 client credentials";
  if (kind_ == AuthKind::ClientCredentials) {
    if (spec_.client_auth == scenarios::ClientAuthMethod::Basic) {
      // RFC 6749 2.3.1: id and secret form-encoded before the Basic encoding.
      headers.emplace_back("Authorization", "Basic " + base64(form_encode(spec_.client_id) + ":" +
                                                              form_encode(client_secret_)));
    } else {
      body += "&client_id=" + form_encode(spec_.client_id) +
              "&client_secret=" + form_encode(client_secret_);
    }
  } else {
    how = "SMART backend services";
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const std::string jwt = signer_->assertion(spec_.client_id, spec_.token_url, now, random_id());
    body += "&client_assertion_type=" +
            form_encode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") +
            "&client_assertion=" + form_encode(jwt);
  }
  const auto before = Clock::now();
  HttpReply r = token_client_->request("POST", spec_.token_url, body, headers);
  if (r.status != 200)
    throw AuthError(redact(std::string(how) + ": the token endpoint " + spec_.token_url +
                           " refused: " + token_reason(r)));
  const auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("access_token") || !j["access_token"].is_string())
    throw AuthError(std::string(how) + ": the token endpoint's answer has no access_token");
  if (j.contains("token_type") && j["token_type"].is_string()) {
    std::string type = j["token_type"].get<std::string>();
    for (auto& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (type != "bearer")
      throw AuthError(std::string(how) + ": token_type " + type + " is not bearer");
  }
  Token t;
  t.access = j["access_token"].get<std::string>();
  remember_secret(t.access);
  t.lifetime = std::chrono::seconds(3600);  // RFC 6749 leaves it optional; assume an hour
  if (j.contains("expires_in") && j["expires_in"].is_number())
    t.lifetime =
        std::chrono::seconds(std::max<std::int64_t>(1, j["expires_in"].get<std::int64_t>()));
  t.expires = before + t.lifetime;
  fetched_.fetch_add(1, std::memory_order_relaxed);
  return t;
}

void Credentials::set(const Token& t) {
  std::lock_guard lock(mutex_);
  authorization_ = "Bearer " + t.access;
  expires_ = t.expires;
  lifetime_ = t.lifetime;
  version_.fetch_add(1, std::memory_order_release);
}

bool Credentials::authorization_line(std::uint64_t& version, std::string& line) const {
  const auto now = version_.load(std::memory_order_acquire);
  if (now == version) return false;
  std::lock_guard lock(mutex_);
  line = authorization_.empty() ? std::string() : "Authorization: " + authorization_ + "\r\n";
  version = version_.load(std::memory_order_relaxed);
  return true;
}

std::string Credentials::authorization() const {
  std::lock_guard lock(mutex_);
  return authorization_;
}

void Credentials::unauthorized() const {
  if (kind_ != AuthKind::ClientCredentials && kind_ != AuthKind::SmartBackend) return;
  {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    if (now - last_forced_ < std::chrono::seconds(1)) return;
    last_forced_ = now;
    renew_now_ = true;
  }
  wake_.notify_all();
}

void Credentials::start_refresh() {
  if (kind_ != AuthKind::ClientCredentials && kind_ != AuthKind::SmartBackend) return;
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { refresh_loop(); });
}

void Credentials::refresh_loop() {
  auto backoff = std::chrono::seconds(1);
  std::unique_lock lock(mutex_);
  while (!stop_) {
    // Renew refresh_before ahead of expiry, but not before 80 % of the lifetime (a short
    // token would otherwise be renewed as soon as it came).
    const auto ahead = std::min(std::chrono::duration_cast<Clock::duration>(spec_.refresh_before),
                                std::chrono::duration_cast<Clock::duration>(lifetime_) / 5);
    const auto due =
        expires_ == Clock::time_point::max() ? Clock::time_point::max() : expires_ - ahead;
    wake_.wait_until(lock, due, [&] { return stop_ || renew_now_ || Clock::now() >= due; });
    if (stop_) break;
    renew_now_ = false;
    lock.unlock();
    try {
      set(fetch());
      backoff = std::chrono::seconds(1);
      lock.lock();
    } catch (const std::exception&) {
      // Keep the old token (it may still be valid) and try again soon.
      lock.lock();
      wake_.wait_for(lock, backoff, [&] { return stop_; });
      backoff = std::min(backoff * 2, std::chrono::seconds(30));
      renew_now_ = true;
    }
  }
}

}  // namespace iomtsim::loadgen::detail
