#pragma once
// Shared by the limits tests: the stated memory bound, an MQTT publisher, a valid imaging
// result of a given media size, and a bounded wait on a /metrics value.
#include <mosquitto.h>

#include <chrono>
#include <string>
#include <thread>

#include "iomtsim/payloads/proto_codec.hpp"
#include "support/net.hpp"
#include "support/readings.hpp"
#include "support/target_process.hpp"

namespace iomtsim::testing {

// reference_target/README.md, "Memory bound": the target's resident memory with the
// default limits stays under this, whatever unauthenticated peers send.
inline constexpr std::uint64_t kStatedBoundMib = 512;

// Under AddressSanitizer (scripts/sanitize.sh) the target's memory is not the target's:
// shadow memory and a quarantine of freed blocks (256 MiB) come on top. The limits tests
// then check what was refused and counted, not how much memory it took.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kMemoryMeasured = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kMemoryMeasured = false;
#else
inline constexpr bool kMemoryMeasured = true;
#endif
#else
inline constexpr bool kMemoryMeasured = true;
#endif

// Polls `series` until `ok(value)` (or the timeout); returns whether it came true.
template <class Pred>
bool eventually_metric_is(const TargetProcess& target, const std::string& series, Pred ok,
                          std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!ok(target.metric(series))) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}
inline bool eventually_metric(const TargetProcess& target, const std::string& series,
                              double value,
                              std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  return eventually_metric_is(target, series, [&](double v) { return v == value; }, timeout);
}

// Publishes through libmosquitto (MQTT 3.1.1, its own network thread).
class MqttPublisher {
 public:
  explicit MqttPublisher(std::uint16_t port) {
    mosquitto_lib_init();
    m_ = mosquitto_new(nullptr, true, nullptr);
    connected_ = m_ != nullptr && mosquitto_connect(m_, "127.0.0.1", port, 30) == MOSQ_ERR_SUCCESS &&
                 mosquitto_loop_start(m_) == MOSQ_ERR_SUCCESS;
  }
  ~MqttPublisher() {
    if (m_ == nullptr) return;
    mosquitto_disconnect(m_);
    mosquitto_loop_stop(m_, false);
    mosquitto_destroy(m_);
  }
  MqttPublisher(const MqttPublisher&) = delete;
  MqttPublisher& operator=(const MqttPublisher&) = delete;
  bool connected() const { return connected_; }
  bool publish(const std::string& topic, const std::string& payload, int qos) {
    return mosquitto_publish(m_, nullptr, topic.c_str(), static_cast<int>(payload.size()),
                             payload.data(), qos, false) == MOSQ_ERR_SUCCESS;
  }

 private:
  mosquitto* m_ = nullptr;
  bool connected_ = false;
};

// The target subscribes in the background: publishes `probe` every 100 ms until the
// target has taken one from MQTT. Returns how many readings it has taken by then (several
// probes may have gone in), or -1 after 10 s.
inline double wait_mqtt_ingest(const TargetProcess& target, MqttPublisher& pub,
                               const std::string& probe) {
  const std::string series = "iomtsim_target_readings_accepted_total{protocol=\"mqtt\"}";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    pub.publish("iomtsim/probe", probe, 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (target.metric(series) > 0) {
      // Let probes still in flight land, so the count no longer moves.
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      return target.metric(series);
    }
  }
  return -1;
}

// Sends one heart rate for each of `count` distinct patients (ids from 0) over the
// protobuf listener, `batch` per message, each batch acknowledged and processed before the
// next (so the queue never refuses one). Returns false at the first failure.
inline bool send_patients(const TargetProcess& target, std::uint32_t count, std::uint32_t batch) {
  TcpClient proto(target.proto_port);
  std::string answers;
  for (std::uint32_t first = 0; first < count; first += batch) {
    std::vector<physiology::Reading> readings;
    for (std::uint32_t p = first; p < first + batch && p < count; ++p)
      readings.push_back(make_reading(p, physiology::Vital::HeartRate, 70, 1, 1));
    std::string frame;
    payloads::append_delimited(frame, payloads::encode_batch(first / batch + 1, readings));
    if (!proto.send_all(frame)) return false;
    payloads::DelimitedReader reader(1 << 20);
    std::vector<std::string> acks;
    if (!proto.recv_until(
            answers,
            [&](std::string& buf) {
              reader.feed(buf, acks);
              buf.clear();
              return !acks.empty();
            },
            std::chrono::seconds(60)))
      return false;
    const auto ack = payloads::decode_batch_ack(acks.front());
    if (!ack.ok() || ack.value.accepted != readings.size()) return false;
    if (!eventually_metric(target, "iomtsim_target_readings_processed_total",
                           first + readings.size(), std::chrono::seconds(60)))
      return false;
  }
  return true;
}

// A DiagnosticReport (point-of-care imaging result) carrying `media_bytes` of base64.
inline std::string imaging_report(std::size_t media_bytes) {
  const std::size_t b64 = (media_bytes + 2) / 3 * 4;
  return R"({"resourceType":"DiagnosticReport","identifier":[{"system":"urn:iomtsim:imaging-result","value":"7"}],)"
         R"("status":"final","code":{"coding":[{"system":"http://dicom.nema.org/resources/ontology/DCM","code":"US"}]},)"
         R"("subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-05-01T08:00:00.000Z",)"
         R"("presentedForm":[{"contentType":"image/jpeg","size":)" +
         std::to_string(b64 / 4 * 3) + R"(,"data":")" + std::string(b64, 'A') + R"("}]})";
}

}  // namespace iomtsim::testing
