#pragma once
// Alert delivery: an HTTP webhook (POST one alert JSON per request over a keep-alive
// connection, reconnecting as needed, with the shared secret as a bearer credential), HL7
// PCD-04 over MLLP, and an MQTT topic (published on the target's broker connection). The
// Flags served over FHIR search are flag_store.hpp's. Both queue in memory up to AlertConfig::max_pending and count what they
// deliver, fail and drop. emit() never blocks a worker on the network.
#include <memory>
#include <vector>

#include "evaluator.hpp"
#include "iomtsim/reference_target/metrics.hpp"
#include "log.hpp"

namespace boost::asio {
class io_context;
}

namespace iomtsim::reference_target {

class WebhookSink final : public AlertSink {
 public:
  // Throws std::invalid_argument for a URL that is not http://host:port/path.
  WebhookSink(boost::asio::io_context& ioc, const AlertConfig& cfg, Metrics& metrics,
              const Log& log);
  ~WebhookSink() override;
  void emit(const physiology::Alert& alert) override;
  void close();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

// PCD-04: each alert as an HL7 ORU^R40 over MLLP to AlertConfig::pcd04_mllp (alert_pcd04.cpp).
class Pcd04Sink final : public AlertSink {
 public:
  // Throws std::invalid_argument for a destination that is not host:port.
  Pcd04Sink(boost::asio::io_context& ioc, const AlertConfig& cfg, Metrics& metrics, const Log& log);
  ~Pcd04Sink() override;
  void emit(const physiology::Alert& alert) override;
  void close();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

// Sends each alert to every sink.
class FanOutSink final : public AlertSink {
 public:
  void add(AlertSink* sink) { sinks_.push_back(sink); }
  bool empty() const { return sinks_.empty(); }
  void emit(const physiology::Alert& alert) override {
    for (auto* s : sinks_) s->emit(alert);
  }

 private:
  std::vector<AlertSink*> sinks_;
};

}  // namespace iomtsim::reference_target
