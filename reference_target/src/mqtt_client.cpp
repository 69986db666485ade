#include "mqtt_client.hpp"

#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <mutex>
#include <stdexcept>
#include <thread>

#include "iomtsim/payloads/alert_json.hpp"

namespace iomtsim::reference_target {

namespace {

void init_library() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

std::string expand_patient(std::string topic, physiology::PatientIndex patient) {
  const std::string key = "{patient}";
  for (auto pos = topic.find(key); pos != std::string::npos; pos = topic.find(key, pos))
    topic.replace(pos, key.size(), std::to_string(patient));
  return topic;
}

}  // namespace

MqttClient::MqttClient(ServerContext& ctx, bool subscribe) : ctx_(ctx), subscribe_(subscribe) {
  init_library();
  const auto& c = ctx_.cfg.mqtt;
  std::string id = c.client_id.empty()
                       ? "iomtsim-target-" + std::to_string(::getpid()) + "-" +
                             std::to_string(reinterpret_cast<std::uintptr_t>(this) & 0xFFFFFF)
                       : c.client_id;
  mosq_ = mosquitto_new(id.c_str(), true, this);
  if (mosq_ == nullptr) throw std::runtime_error("mqtt: cannot create a client");
  // Publishes (alerts) come from worker threads while run() loops on its own.
  mosquitto_threaded_set(mosq_, true);
  if (c.protocol_version == 5)
    mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
  mosquitto_connect_callback_set(mosq_, &MqttClient::on_connect);
  mosquitto_disconnect_callback_set(mosq_, &MqttClient::on_disconnect);
  mosquitto_subscribe_callback_set(mosq_, &MqttClient::on_subscribe);
  mosquitto_message_callback_set(mosq_, &MqttClient::on_message);
  if (c.tls.enabled) {
    const char* ca = c.tls.ca_file.empty() ? nullptr : c.tls.ca_file.c_str();
    const char* cert = c.tls.cert_file.empty() ? nullptr : c.tls.cert_file.c_str();
    const char* key = c.tls.key_file.empty() ? nullptr : c.tls.key_file.c_str();
    int rc = MOSQ_ERR_SUCCESS;
    if (ca == nullptr) {
      // No CA file: the system trust store (OpenSSL's default paths, which honour
      // SSL_CERT_FILE and SSL_CERT_DIR). mosquitto_tls_set wants a CA file or folder, so
      // it is called only for a client certificate, with OpenSSL's default folder.
      rc = mosquitto_int_option(mosq_, MOSQ_OPT_TLS_USE_OS_CERTS, 1);
      if (rc == MOSQ_ERR_SUCCESS && cert != nullptr)
        rc = mosquitto_tls_set(mosq_, nullptr, X509_get_default_cert_dir(), cert, key, nullptr);
    } else {
      rc = mosquitto_tls_set(mosq_, ca, nullptr, cert, key, nullptr);
    }
    if (rc != MOSQ_ERR_SUCCESS)
      throw std::runtime_error(std::string("mqtt tls: ") + mosquitto_strerror(rc));
    mosquitto_log_callback_set(mosq_, &MqttClient::on_log);
  }
}

// libmosquitto reports a failed handshake as "OpenSSL Error[0]: … certificate verify
// failed" without the reason, and frees the SSL object right after. It logs that line
// while the object still exists: the verify result is read from it then.
void MqttClient::on_log(mosquitto* m, void* self_ptr, int level, const char*) {
  if (level != MOSQ_LOG_ERR) return;
  auto* ssl = static_cast<SSL*>(mosquitto_ssl_get(m));
  if (ssl == nullptr) return;
  const long result = SSL_get_verify_result(ssl);
  if (result == X509_V_OK) return;
  auto* self = static_cast<MqttClient*>(self_ptr);
  std::string reason = std::string("certificate verify failed: ") +
                       X509_verify_cert_error_string(result) + " (X509 error " +
                       std::to_string(result) + ")";
  {
    std::lock_guard lock(self->tls_mutex_);
    if (self->tls_error_ == reason) return;  // reconnects repeat it: say it once
    self->tls_error_ = reason;
  }
  const auto& c = self->ctx_.cfg.mqtt;
  self->ctx_.log.error(
      "mqtt_tls_failed",
      {{"broker", c.broker_host + ":" + std::to_string(c.broker_port)}, {"reason", reason}});
}

std::string MqttClient::tls_error() const {
  std::lock_guard lock(tls_mutex_);
  return tls_error_;
}

MqttClient::~MqttClient() {
  stop();
  if (mosq_ != nullptr) mosquitto_destroy(mosq_);
}

bool MqttClient::start(std::chrono::milliseconds wait) {
  thread_ = std::thread([this] { run(); });
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (!ready_.load() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return ready_.load();
}

void MqttClient::stop() {
  if (stopped_.exchange(true)) return;
  {
    std::lock_guard lock(stop_mutex_);
  }
  stop_cv_.notify_all();
  if (mosq_ != nullptr && connected_.load()) mosquitto_disconnect(mosq_);
  if (thread_.joinable()) thread_.join();
}

bool MqttClient::pause(std::chrono::milliseconds d) {
  std::unique_lock lock(stop_mutex_);
  stop_cv_.wait_for(lock, d, [this] { return stopped_.load(); });
  return !stopped_.load();
}

int MqttClient::connect_once() {
  const auto& c = ctx_.cfg.mqtt;
  const int keepalive_s = static_cast<int>(std::max<std::int64_t>(
      5, std::chrono::duration_cast<std::chrono::seconds>(c.keepalive).count()));
  if (c.protocol_version != 5)
    return mosquitto_connect_bind(mosq_, c.broker_host.c_str(), c.broker_port, keepalive_s,
                                  nullptr);
  // Room for the fixed header, the topic (at most 64 KiB) and properties on top of the
  // payload: a message a little over the limit still arrives and is refused (and counted)
  // here; a larger one never leaves the broker.
  const std::uint64_t packet = c.max_message_bytes + (64u << 10) + 64;
  mosquitto_property* props = nullptr;
  mosquitto_property_add_int32(&props, MQTT_PROP_MAXIMUM_PACKET_SIZE,
                               static_cast<std::uint32_t>(std::min<std::uint64_t>(packet, 268435460)));
  const int rc = mosquitto_connect_bind_v5(mosq_, c.broker_host.c_str(), c.broker_port,
                                           keepalive_s, nullptr, props);
  mosquitto_property_free_all(&props);
  return rc;
}

void MqttClient::run() {
  const auto& c = ctx_.cfg.mqtt;
  auto backoff = std::chrono::milliseconds(1000);
  bool warned = false;
  while (!stopped_.load()) {
    const int rc = connect_once();
    if (rc != MOSQ_ERR_SUCCESS) {
      if (!warned)
        ctx_.log.warn("mqtt_connect_failed",
                      {{"broker", c.broker_host + ":" + std::to_string(c.broker_port)},
                       {"error", mosquitto_strerror(rc)}});
      warned = true;
      if (!pause(backoff)) break;
      backoff = std::min(backoff * 2, std::chrono::milliseconds(10000));
      continue;
    }
    connected_.store(true);
    while (!stopped_.load()) {
      const int lrc = mosquitto_loop(mosq_, 100, 1);
      if (lrc != MOSQ_ERR_SUCCESS) break;  // lost: connect again (with the properties)
      backoff = std::chrono::milliseconds(1000);
      warned = false;
    }
    connected_.store(false);
    ready_.store(false);
    if (stopped_.load()) break;
    if (!pause(backoff)) break;
  }
  // stop() sent DISCONNECT; give the loop a moment to write it before the socket goes.
  for (int i = 0; i < 5 && mosquitto_loop(mosq_, 10, 1) == MOSQ_ERR_SUCCESS; ++i) {
  }
}

void MqttClient::on_disconnect(mosquitto*, void* self_ptr, int) {
  static_cast<MqttClient*>(self_ptr)->ready_.store(false);
}

void MqttClient::on_connect(mosquitto* m, void* self_ptr, int rc) {
  auto* self = static_cast<MqttClient*>(self_ptr);
  if (rc != 0) {
    self->ctx_.log.warn("mqtt_connack_refused", {{"code", rc}});
    return;
  }
  if (!self->subscribe_) {
    self->ready_.store(true);
    return;
  }
  // (Re)subscribe on every connect: the session is clean.
  const auto& c = self->ctx_.cfg.mqtt;
  self->pending_subscriptions_.store(static_cast<int>(c.topics.size()));
  for (const auto& t : c.topics) {
    const int r = mosquitto_subscribe(m, nullptr, t.c_str(), c.qos);
    if (r != MOSQ_ERR_SUCCESS)
      self->ctx_.log.warn("mqtt_subscribe_failed",
                          {{"topic", t}, {"error", mosquitto_strerror(r)}});
  }
}

void MqttClient::on_subscribe(mosquitto*, void* self_ptr, int, int, const int*) {
  auto* self = static_cast<MqttClient*>(self_ptr);
  if (self->pending_subscriptions_.fetch_sub(1) == 1) self->ready_.store(true);
}

void MqttClient::on_message(mosquitto*, void* self_ptr, const mosquitto_message* msg) {
  auto* self = static_cast<MqttClient*>(self_ptr);
  auto& ctx = self->ctx_;
  if (ctx.crashed.load() || msg->payload == nullptr) return;
  if (static_cast<std::size_t>(msg->payloadlen) > ctx.cfg.mqtt.max_message_bytes) {
    ctx.metrics.refused(Protocol::Mqtt, Refusal::TooLarge);
    ctx.metrics.oversized.fetch_add(1, std::memory_order_relaxed);
    ctx.metrics.message(Protocol::Mqtt, Outcome::Invalid);
    ctx.log.info("mqtt_message_refused",
                 {{"topic", msg->topic ? msg->topic : ""},
                  {"reason", "payload of " + std::to_string(msg->payloadlen) + " bytes exceeds " +
                                 std::to_string(ctx.cfg.mqtt.max_message_bytes)}});
    return;
  }
  if (auto until = ctx.faults.stall_until(Faults::Clock::now())) {
    // Holding the network thread holds the subscription: the broker queues meanwhile.
    ctx.metrics.stall_holds.fetch_add(1, std::memory_order_relaxed);
    std::this_thread::sleep_until(*until);
  }
  if (ctx.faults.draw() != FaultAction::None) {
    ctx.metrics.message(Protocol::Mqtt, Outcome::FaultReject);
    return;
  }
  PayloadKind kind = PayloadKind::MqttAuto;
  if (ctx.cfg.mqtt.payload == MqttPayload::MqttJson) kind = PayloadKind::MqttJson;
  if (ctx.cfg.mqtt.payload == MqttPayload::Fhir) kind = PayloadKind::Fhir;
  const std::string_view bytes(static_cast<const char*>(msg->payload),
                               static_cast<std::size_t>(msg->payloadlen));
  auto r = ctx.ingest.handle(Protocol::Mqtt, kind, bytes);
  if (r.outcome != Outcome::Accepted)
    ctx.log.info("mqtt_message_refused",
                 {{"topic", msg->topic ? msg->topic : ""}, {"reason", r.error}});
}

void MqttClient::emit(const physiology::Alert& alert) {
  const auto& c = ctx_.cfg.alerts;
  if (c.mqtt_topic.empty() || stopped_.load()) return;
  const std::string topic = expand_patient(c.mqtt_topic, alert.patient);
  const std::string body = payloads::encode_alert_json(alert);
  // Thread-safe in libmosquitto with the threaded loop; queued while disconnected.
  const int rc = mosquitto_publish(mosq_, nullptr, topic.c_str(), static_cast<int>(body.size()),
                                   body.data(), c.mqtt_qos, false);
  if (rc == MOSQ_ERR_SUCCESS)
    ctx_.metrics.alerts_delivered.fetch_add(1, std::memory_order_relaxed);
  else
    ctx_.metrics.alerts_failed.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace iomtsim::reference_target
