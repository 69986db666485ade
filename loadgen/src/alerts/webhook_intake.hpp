#pragma once
// The alert webhook: an HTTP server (Boost.Beast, its own thread) that a pipeline posts its
// alerts to, bound where the scenario says (alerts.webhook_bind / webhook_port; default
// 127.0.0.1 on an ephemeral port), on any path. Every request must carry the shared secret
// as "Authorization: Bearer <secret>" (compared in constant time): anything else is
// answered 401 and counted (refused), so an alert forged by whoever can reach the port
// never reaches the report. Bodies: FHIR alert resources or Bundles (rest-hook
// notifications), JSON mapped by the scenario's webhook_fields, or iomtsim's alert JSON
// (mapped_json.hpp). Bounded: 1 MiB per body, 64 connections, 30 s to send a request.
//
//   WebhookIntake w({.bind = "127.0.0.1", .secret = s}, [&](std::vector<HeardAlert> a) { … });
//   w.start();            // throws std::system_error when it cannot bind
//   w.url();              // "http://127.0.0.1:PORT/alerts"
//   w.stop();             // joins the thread; no callback after it
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "heard_alert.hpp"

namespace iomtsim::loadgen::detail {

struct WebhookOptions {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 0;                     // 0: ephemeral
  std::string secret;                         // required (an empty secret refuses everything)
  std::map<std::string, std::string> fields;  // alerts.webhook_fields
};

class WebhookIntake {
 public:
  using Sink = std::function<void(std::vector<HeardAlert>)>;
  WebhookIntake(WebhookOptions options, Sink sink);
  ~WebhookIntake();
  WebhookIntake(const WebhookIntake&) = delete;
  WebhookIntake& operator=(const WebhookIntake&) = delete;

  void start();
  void stop();  // idempotent
  std::uint16_t port() const;
  std::string url() const;  // http://<bind, 127.0.0.1 for 0.0.0.0>:<port>/alerts

  std::uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }  // 401s
  std::uint64_t bad_requests() const { return bad_.load(std::memory_order_relaxed); }
  std::uint64_t received() const { return received_.load(std::memory_order_relaxed); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<std::uint64_t> refused_{0}, bad_{0}, received_{0};
};

}  // namespace iomtsim::loadgen::detail
