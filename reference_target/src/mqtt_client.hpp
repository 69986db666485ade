#pragma once
// The target's MQTT side, over libmosquitto (its own network thread): subscribes to the
// configured topics and hands each payload to ingest (MQTT JSON or FHIR), and publishes
// alerts when AlertConfig::mqtt_topic is set. QoS 1 acknowledgements are the library's.
// MQTT has no negative acknowledgement: a message refused (invalid, queue full, injected
// reject) is counted and dropped; close and garbage faults do not apply to MQTT.
//
// Size: a payload over mqtt.max_message_bytes is refused before anything looks at it.
// libmosquitto holds a whole packet in memory before it hands it over, so the client
// speaks MQTT 5 and sends Maximum Packet Size in every CONNECT: the broker then drops
// larger messages instead of sending them. libmosquitto 2.0 forgets CONNECT properties
// when it reconnects by itself, so this client runs its own network loop and reconnects
// with mosquitto_connect_bind_v5 each time.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "context.hpp"
#include "evaluator.hpp"

struct mosquitto;
struct mosquitto_message;

namespace iomtsim::reference_target {

class MqttClient final : public AlertSink {
 public:
  // subscribe: ingest from cfg.mqtt.topics; publish alerts if cfg.alerts.mqtt_topic is set.
  MqttClient(ServerContext& ctx, bool subscribe);
  ~MqttClient() override;
  MqttClient(const MqttClient&) = delete;
  MqttClient& operator=(const MqttClient&) = delete;

  // Connects in the background; waits up to `wait` for the subscriptions (or the
  // connection, when not subscribing) to be acknowledged. Returns whether they were; the
  // client keeps reconnecting either way. Throws std::runtime_error for bad TLS files.
  bool start(std::chrono::milliseconds wait);
  void stop();

  void emit(const physiology::Alert& alert) override;
  bool ready() const { return ready_.load(); }
  // Why the last TLS handshake with the broker failed its certificate check, e.g.
  // "certificate verify failed: self-signed certificate in certificate chain (X509 error
  // 19)"; empty if none has.
  std::string tls_error() const;

 private:
  static void on_connect(mosquitto* m, void* self, int rc);
  static void on_subscribe(mosquitto* m, void* self, int mid, int qos_count, const int* granted);
  static void on_message(mosquitto* m, void* self, const mosquitto_message* msg);
  static void on_log(mosquitto* m, void* self, int level, const char* text);
  static void on_disconnect(mosquitto* m, void* self, int rc);

  // The network thread: connect (with the CONNECT properties), loop, reconnect with
  // back-off after a failure, until stop().
  void run();
  int connect_once();
  // Waits up to `d`, or less if stop() is called; returns false once stopping.
  bool pause(std::chrono::milliseconds d);

  ServerContext& ctx_;
  bool subscribe_;
  mosquitto* mosq_ = nullptr;
  std::atomic<int> pending_subscriptions_{0};
  std::atomic<bool> ready_{false};
  std::atomic<bool> stopped_{false};
  std::atomic<bool> connected_{false};
  std::thread thread_;
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  mutable std::mutex tls_mutex_;
  std::string tls_error_;
};

}  // namespace iomtsim::reference_target
