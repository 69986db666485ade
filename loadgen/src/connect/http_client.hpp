#pragma once
// A blocking HTTP/1.1 client over one keep-alive connection, plain or TLS, for the few
// requests a run makes beside the readings: token requests, provisioning Bundles, alert
// polling, Subscriptions, clean-up. Not for the readings themselves (http_transport.hpp
// carries those open loop on the engines' event loops).
//
// Each call waits at most `timeout` (wall) for the whole exchange; a connection that fails
// or was closed by the server is re-opened once per call. Failures are values: `error` says
// why (connect refused, TLS verification and its reason, time-out), `status` is 0.
//
//   HttpClient c(parse_url("https://fhir.example/fhir"), tls, "FHIR");
//   auto r = c.request("GET", "Flag?_lastUpdated=gt2024-05-01T08:00:00Z", "", {{"Accept",
//   "application/fhir+json"}}); if (r.status == 200) …
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tls_client.hpp"

namespace iomtsim::loadgen::detail {

struct Url {
  bool tls = false;
  std::string host;
  std::uint16_t port = 0;
  std::string path;            // "/fhir" (no trailing slash), "" for the root
  std::string origin() const;  // "https://host:port"
};
// http(s)://host[:port][/path]; nullopt for anything else.
std::optional<Url> parse_url(const std::string& text);

struct HttpReply {
  unsigned status = 0;                         // 0: no answer (see error)
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string error;  // why there is no answer
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

class HttpClient {
 public:
  // `base`: where relative request targets are resolved (base.path + "/" + target). `what`
  // names the server in TLS errors. Throws TlsSetupError for TLS files that do not load.
  HttpClient(Url base, const TlsClientSettings& tls, std::string what,
             std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // `target`: relative to the base ("Flag?…", "" for the base itself), absolute on the
  // server ("/oauth2/token"), or a full URL on the same server (a Bundle's next link).
  HttpReply request(const std::string& method, const std::string& target,
                    const std::string& body = {}, const HeaderList& headers = {});
  const Url& base() const { return base_; }
  std::uint64_t requests() const { return requests_; }  // sent, answered or not

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Url base_;
  std::uint64_t requests_ = 0;
};

}  // namespace iomtsim::loadgen::detail
