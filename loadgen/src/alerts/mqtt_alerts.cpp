#include "mqtt_alerts.hpp"

#include <mosquitto.h>
#include <unistd.h>

#include <mutex>
#include <stdexcept>
#include <thread>

#include "mapped_json.hpp"

namespace iomtsim::loadgen::detail {

MqttAlerts::MqttAlerts(MqttAlertOptions options, Sink sink)
    : options_(std::move(options)), sink_(std::move(sink)) {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
  const std::string id = "iomtsim-alerts-" + std::to_string(::getpid());
  mosq_ = mosquitto_new(id.c_str(), true, this);
  if (mosq_ == nullptr) throw std::runtime_error("MQTT alerts: cannot create a client");
  mosquitto_connect_callback_set(mosq_, &MqttAlerts::on_connect);
  mosquitto_subscribe_callback_set(mosq_, &MqttAlerts::on_subscribe);
  mosquitto_message_callback_set(mosq_, &MqttAlerts::on_message);
  mosquitto_reconnect_delay_set(mosq_, 1, 10, true);
  if (!options_.username.empty())
    mosquitto_username_pw_set(mosq_, options_.username.c_str(),
                              options_.password.empty() ? nullptr : options_.password.c_str());
  if (options_.tls) {
    const auto& t = options_.tls_settings;
    const char* ca = t.ca_file.empty() ? nullptr : t.ca_file.c_str();
    int rc =
        mosquitto_tls_set(mosq_, ca, ca ? nullptr : "/etc/ssl/certs",
                          t.client_cert_file.empty() ? nullptr : t.client_cert_file.c_str(),
                          t.client_key_file.empty() ? nullptr : t.client_key_file.c_str(), nullptr);
    if (rc == MOSQ_ERR_SUCCESS) rc = mosquitto_tls_insecure_set(mosq_, !t.verify);
    if (rc == MOSQ_ERR_SUCCESS && !t.verify)
      rc = mosquitto_tls_opts_set(mosq_, 0, nullptr, nullptr);
    if (rc != MOSQ_ERR_SUCCESS) {
      mosquitto_destroy(mosq_);
      throw std::runtime_error(std::string("MQTT alerts TLS: ") + mosquitto_strerror(rc));
    }
  }
}

MqttAlerts::~MqttAlerts() {
  stop();
  if (mosq_ != nullptr) mosquitto_destroy(mosq_);
}

bool MqttAlerts::start(std::chrono::milliseconds wait) {
  mosquitto_connect_async(mosq_, options_.host.c_str(), options_.port, 30);
  if (mosquitto_loop_start(mosq_) != MOSQ_ERR_SUCCESS) return false;
  loop_started_ = true;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (!subscribed_.load() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return subscribed_.load();
}

void MqttAlerts::stop() {
  if (!loop_started_) return;
  loop_started_ = false;
  mosquitto_disconnect(mosq_);
  mosquitto_loop_stop(mosq_, false);
}

void MqttAlerts::on_connect(mosquitto* m, void* self_ptr, int rc) {
  auto* self = static_cast<MqttAlerts*>(self_ptr);
  if (rc != 0) return;  // the library reconnects
  mosquitto_subscribe(m, nullptr, self->options_.topic.c_str(), 1);
}

void MqttAlerts::on_subscribe(mosquitto*, void* self_ptr, int, int count, const int* granted) {
  auto* self = static_cast<MqttAlerts*>(self_ptr);
  if (count > 0 && granted[0] <= 2) self->subscribed_.store(true);
}

void MqttAlerts::on_message(mosquitto*, void* self_ptr, const mosquitto_message* msg) {
  auto* self = static_cast<MqttAlerts*>(self_ptr);
  self->messages_.fetch_add(1, std::memory_order_relaxed);
  if (msg->payloadlen <= 0 || msg->payloadlen > (1 << 20)) {
    self->unreadable_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  std::vector<HeardAlert> alerts;
  const std::string_view body(static_cast<const char*>(msg->payload),
                              static_cast<std::size_t>(msg->payloadlen));
  const auto err = read_alert_json(body, self->options_.fields, "mqtt", alerts);
  if (!err.empty()) self->unreadable_.fetch_add(1, std::memory_order_relaxed);
  if (!alerts.empty()) self->sink_(std::move(alerts));
}

}  // namespace iomtsim::loadgen::detail
