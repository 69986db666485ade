#pragma once
// What an engine hands a transport, and what comes back. Private to loadgen.
//
// One Outbound is one message on the wire (an Observation, a transaction Bundle, an
// ORU^R01, a protobuf batch, a pre-encoded waveform block or operations message, an asset
// query): the device side's Message (its kind is explicit, MessageKind) plus what the
// transport needs to carry it. The transport calls the engine's completion exactly once
// per Outbound it accepted, on the engine's thread, unless abandon() took it back first
// (then abandon reports it, as in flight).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iomtsim/physiology/reading.hpp"
#include "iomtsim/physiology/time.hpp"
#include "iomtsim/reports/delivery.hpp"
#include "iomtsim/sim/device_side/message.hpp"
#include "tls_failure.hpp"

namespace iomtsim::loadgen::detail {

using Steady = std::chrono::steady_clock;
using sim::device_side::MessageKind;

struct Outbound {
  // The message. Readings: encoded by the transport in its protocol. Waveform, Ops: `body`
  // is sent as is (HTTP to `http_path`; MLLP acknowledged by `ack_key`, or by the control
  // id of `wire_id`). AssetQuery: GET `http_path`, whose answer body lands in `answer`.
  sim::device_side::MessagePtr msg;
  Steady::time_point due{};      // wall instant of msg->departs: when it should hit the wire
  Steady::time_point written{};  // set by the transport when the write starts
  // Written again on a fresh connection after a reused keep-alive connection closed before
  // answering (the server may have dropped an idle socket); counted as an attempt and a
  // retry in the report (the engine counts it). Not done when the device side retries
  // (HttpTarget::resend_stale).
  bool retried = false;
  std::string answer;  // the answer's body (AssetQuery)

  explicit Outbound(sim::device_side::MessagePtr m = std::make_unique<sim::device_side::Message>())
      : msg(std::move(m)) {}
  std::uint64_t id() const { return msg->wire_id; }
  MessageKind kind() const { return msg->kind; }
  const std::vector<physiology::Reading>& readings() const { return msg->readings; }
  bool pre_encoded() const { return msg->kind != MessageKind::Readings; }
};
using OutboundPtr = std::unique_ptr<Outbound>;

struct Completion {
  reports::Outcome outcome = reports::Outcome::Failed;
  unsigned status = 0;      // HTTP status, 0 when none
  Steady::time_point at{};  // wall instant of the answer (or of the failure)
  // For the report's outcome codes (answer_codes.hpp): the protocol ("fhir_r4", "hl7v2",
  // "protobuf", "mqtt_json"; nullptr: not tallied), a non-HTTP answer code ("AA", "AE",
  // "AR", "ok", "nack"), and the target's reason for a refusal or why there was no answer
  // (already redacted; empty on success).
  const char* protocol = nullptr;
  std::string_view code{};  // static text
  std::string detail{};
  // A device would try again (HTTP 429/5xx, a reset, a time-out, HL7 AR/CR); the device
  // side's retry policy decides whether it does. `retry_after`: the target's Retry-After
  // (wall time).
  bool retryable = false;
  std::optional<std::chrono::nanoseconds> retry_after{};
};

using CompletionFn = std::function<void(OutboundPtr, const Completion&)>;

// Reconnect back-off for real sockets: doubling from `initial` to `max`.
struct SocketBackoff {
  std::chrono::milliseconds initial{20};
  std::chrono::milliseconds max{1000};
  std::chrono::milliseconds current{0};
  std::chrono::milliseconds next() {
    current = current.count() == 0 ? initial : std::min(max, current * 2);
    return current;
  }
  void reset() { current = std::chrono::milliseconds{0}; }
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual void start() = 0;                   // opens connections (ramped)
  virtual void send(OutboundPtr msg) = 0;     // queue or write now
  virtual std::size_t in_flight() const = 0;  // accepted, not yet completed
  // Closes every socket and hands back every accepted, uncompleted message.
  virtual std::vector<OutboundPtr> abandon() = 0;
  virtual std::uint64_t reconnects() const = 0;
  // TLS handshakes that failed, by reason (tls_failure.hpp); none for plain transports.
  virtual TlsFailures tls_failures() const { return {}; }
};

}  // namespace iomtsim::loadgen::detail
