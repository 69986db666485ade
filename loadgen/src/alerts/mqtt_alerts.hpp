#pragma once
// The MQTT alert topic (alerts.mqtt_topic): a libmosquitto client (its own network thread)
// subscribed with QoS 1 on the target's broker, with the broker endpoint's TLS and user name
// and password. Payloads are read as mapped_json.hpp says (FHIR alert resources, the
// scenario's webhook_fields map, or iomtsim's alert JSON); unreadable ones are counted.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "../connect/tls_client.hpp"
#include "heard_alert.hpp"

struct mosquitto;
struct mosquitto_message;

namespace iomtsim::loadgen::detail {

struct MqttAlertOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 1883;
  std::string topic;  // a subscription filter: wildcards allowed
  bool tls = false;
  TlsClientSettings tls_settings;
  std::string username, password;
  std::map<std::string, std::string> fields;
};

class MqttAlerts {
 public:
  using Sink = std::function<void(std::vector<HeardAlert>)>;
  // Throws std::runtime_error for TLS files the library refuses.
  MqttAlerts(MqttAlertOptions options, Sink sink);
  ~MqttAlerts();
  MqttAlerts(const MqttAlerts&) = delete;
  MqttAlerts& operator=(const MqttAlerts&) = delete;

  // Connects in the background; waits up to `wait` for the subscription. Returns whether it
  // was granted (the client keeps retrying either way).
  bool start(std::chrono::milliseconds wait);
  void stop();
  std::uint64_t messages() const { return messages_.load(std::memory_order_relaxed); }
  std::uint64_t unreadable() const { return unreadable_.load(std::memory_order_relaxed); }

 private:
  static void on_connect(mosquitto* m, void* self, int rc);
  static void on_subscribe(mosquitto* m, void* self, int mid, int qos_count, const int* granted);
  static void on_message(mosquitto* m, void* self, const mosquitto_message* msg);

  MqttAlertOptions options_;
  Sink sink_;
  mosquitto* mosq_ = nullptr;
  std::atomic<bool> subscribed_{false};
  std::atomic<std::uint64_t> messages_{0}, unreadable_{0};
  bool loop_started_ = false;
};

}  // namespace iomtsim::loadgen::detail
