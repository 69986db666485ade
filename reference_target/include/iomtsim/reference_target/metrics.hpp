#pragma once
// The target's counters: what came in on each protocol and what became of it. Lock-free
// atomics, updated from any thread; snapshot() gives a plain copy for tests and reports,
// render_prometheus() the text /metrics serves (Prometheus exposition format 0.0.4).
#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace iomtsim::reference_target {

enum class Protocol : std::uint8_t { Http, Mllp, Proto, Mqtt };
inline constexpr std::size_t kProtocolCount = 4;
constexpr std::string_view name(Protocol p) {
  constexpr std::string_view names[] = {"http", "mllp", "proto", "mqtt"};
  return names[static_cast<std::size_t>(p)];
}

// How one message (HTTP request, MLLP message, protobuf batch, MQTT publish) ended.
enum class Outcome : std::uint8_t {
  Accepted,      // readings queued (or processed, with ack_after_processing)
  Invalid,       // bad input: 400 OperationOutcome, ACK AE/AR, protobuf nack
  QueueFull,     // 429/503, ACK AR, nack: the processing queue was full
  FaultReject,   // injected: rejected
  FaultClose,    // injected: connection closed instead of an answer
  FaultGarbage,  // injected: answered with garbage
  Other,         // /metrics, /health, 404s
};
inline constexpr std::size_t kOutcomeCount = 7;
constexpr std::string_view name(Outcome o) {
  constexpr std::string_view names[] = {
      "accepted", "invalid", "queue_full", "fault_reject", "fault_close", "fault_garbage", "other"};
  return names[static_cast<std::size_t>(o)];
}

// Why the target refused to take something from a peer, to stay within its limits
// (config.hpp LimitsConfig and the per-listener sizes). Counted per protocol as
// iomtsim_target_refusals_total{protocol,reason}; each refused message is also counted
// in messages_total (outcome invalid, or queue_full for a 503 of the body budget).
enum class Refusal : std::uint8_t {
  TooLarge,         // a body, frame or MQTT payload over its size limit
  TooDeep,          // JSON nested deeper than max_json_depth (or a DOM past its bounds)
  ConnectionLimit,  // a connection over max_connections, answered 503 / closed at once
  MemoryBudget,     // a body that would pass body_memory_budget_bytes: 503 Retry-After
  IdleEvicted,      // an idle keep-alive connection closed to make room for a new one
};
inline constexpr std::size_t kRefusalCount = 5;
constexpr std::string_view name(Refusal r) {
  constexpr std::string_view names[] = {"too_large", "too_deep", "connection_limit",
                                        "memory_budget", "idle_evicted"};
  return names[static_cast<std::size_t>(r)];
}

// What faults.after_ack did to acknowledged readings (store_writer.hpp), counted as
// iomtsim_target_store_faults_total{fault=…}.
inline constexpr std::size_t kStoreFaultCount = 8;
constexpr std::string_view store_fault_name(std::size_t i) {
  constexpr std::string_view names[] = {"drop",          "delay",          "duplicate",
                                        "alter_value",   "alter_unit",     "alter_code",
                                        "alter_subject", "alter_effective"};
  return names[i];
}

// A plain copy of every counter at one moment.
struct MetricsSnapshot {
  std::array<std::array<std::uint64_t, kOutcomeCount>, kProtocolCount> messages{};
  std::array<std::uint64_t, kProtocolCount> readings_accepted{};
  std::array<std::uint64_t, kProtocolCount> connections_accepted{};
  std::array<std::array<std::uint64_t, kRefusalCount>, kProtocolCount> refusals{};
  std::uint64_t connections_open = 0;
  std::uint64_t body_bytes_in_flight = 0;  // held against body_memory_budget_bytes, now
  std::uint64_t patients_held = 0;         // patients with rule state, now
  std::uint64_t patients_evicted = 0;      // forgotten to stay within max_patients
  std::uint64_t assets_evicted = 0;        // asset locations forgotten (max_assets)
  std::uint64_t timeouts = 0;              // idle/header timeouts that closed a connection
  std::uint64_t oversized = 0;             // bodies/frames over the limit
  std::uint64_t protocol_errors = 0;       // unparseable HTTP, bad framing
  std::uint64_t readings_processed = 0;
  std::uint64_t queue_depth = 0;  // readings waiting for a worker, now
  std::uint64_t queue_bound = 0;
  std::uint64_t alerts_raised = 0;
  std::uint64_t alerts_delivered = 0;  // webhook 2xx or MQTT publish handed to the broker
  std::uint64_t alerts_failed = 0;     // delivery errors
  std::uint64_t alerts_dropped = 0;    // over AlertConfig::max_pending
  std::uint64_t stall_holds = 0;       // answers held by an injected stall
  // Operations payloads (ops_store.cpp).
  std::uint64_t ops_pump_events = 0;
  std::uint64_t ops_pump_alarms = 0;  // distinct alarms raised as alerts
  std::uint64_t ops_location_fixes = 0;
  std::uint64_t ops_imaging_results = 0;
  std::uint64_t ops_imaging_bytes = 0;  // media bytes of the results
  // Waveform blocks (ECG/PPG sample blocks): validated and counted, no rules run on them.
  std::uint64_t waveform_blocks = 0;   // accepted
  std::uint64_t waveform_samples = 0;  // samples of the accepted blocks
  std::uint64_t waveform_invalid = 0;  // waveform messages refused as invalid
  // The record (store_writer.hpp, record_store.hpp).
  std::uint64_t store_written = 0;      // Observation rows written (a duplicate's two count)
  std::uint64_t store_evicted = 0;      // rows deleted by store.max_observations / retention
  std::uint64_t store_queue_depth = 0;  // readings acknowledged, not yet written, now
  std::uint64_t store_queue_bound = 0;
  std::uint64_t store_write_batches = 0;
  // By store_fault_name(i): drop, delay, duplicate, alter_value, …
  std::array<std::uint64_t, kStoreFaultCount> store_faults{};
  std::uint64_t store_fault(std::string_view fault) const {
    for (std::size_t i = 0; i < kStoreFaultCount; ++i)
      if (store_fault_name(i) == fault) return store_faults[i];
    return 0;
  }

  std::uint64_t count(Protocol p, Outcome o) const {
    return messages[static_cast<std::size_t>(p)][static_cast<std::size_t>(o)];
  }
  std::uint64_t readings(Protocol p) const {
    return readings_accepted[static_cast<std::size_t>(p)];
  }
  std::uint64_t refused(Protocol p, Refusal r) const {
    return refusals[static_cast<std::size_t>(p)][static_cast<std::size_t>(r)];
  }
};

class Metrics {
 public:
  void message(Protocol p, Outcome o) {
    at(messages_, p, o).fetch_add(1, std::memory_order_relaxed);
  }
  void readings_accepted(Protocol p, std::uint64_t n) {
    at(readings_accepted_, p).fetch_add(n, std::memory_order_relaxed);
  }
  void connection_opened(Protocol p) {
    at(connections_accepted_, p).fetch_add(1, std::memory_order_relaxed);
    connections_open_.fetch_add(1, std::memory_order_relaxed);
  }
  void connection_closed() { connections_open_.fetch_sub(1, std::memory_order_relaxed); }
  void refused(Protocol p, Refusal r) {
    refusals_[static_cast<std::size_t>(p)][static_cast<std::size_t>(r)].fetch_add(
        1, std::memory_order_relaxed);
  }

  std::atomic<std::uint64_t> body_bytes_in_flight{0};
  std::atomic<std::uint64_t> patients_held{0};
  std::atomic<std::uint64_t> patients_evicted{0};
  std::atomic<std::uint64_t> assets_evicted{0};
  std::atomic<std::uint64_t> timeouts{0};
  std::atomic<std::uint64_t> oversized{0};
  std::atomic<std::uint64_t> protocol_errors{0};
  std::atomic<std::uint64_t> readings_processed{0};
  std::atomic<std::uint64_t> queue_depth{0};
  std::atomic<std::uint64_t> queue_bound{0};
  std::atomic<std::uint64_t> alerts_raised{0};
  std::atomic<std::uint64_t> alerts_delivered{0};
  std::atomic<std::uint64_t> alerts_failed{0};
  std::atomic<std::uint64_t> alerts_dropped{0};
  std::atomic<std::uint64_t> stall_holds{0};
  std::atomic<std::uint64_t> ops_pump_events{0};
  std::atomic<std::uint64_t> ops_pump_alarms{0};
  std::atomic<std::uint64_t> ops_location_fixes{0};
  std::atomic<std::uint64_t> ops_imaging_results{0};
  std::atomic<std::uint64_t> ops_imaging_bytes{0};
  std::atomic<std::uint64_t> waveform_blocks{0};
  std::atomic<std::uint64_t> waveform_samples{0};
  std::atomic<std::uint64_t> waveform_invalid{0};
  std::atomic<std::uint64_t> store_written{0};
  std::atomic<std::uint64_t> store_evicted{0};
  std::atomic<std::uint64_t> store_queue_depth{0};
  std::atomic<std::uint64_t> store_queue_bound{0};
  std::atomic<std::uint64_t> store_write_batches{0};
  std::array<std::atomic<std::uint64_t>, kStoreFaultCount> store_faults{};

  MetricsSnapshot snapshot() const;
  std::string render_prometheus() const;

 private:
  using Row = std::array<std::atomic<std::uint64_t>, kOutcomeCount>;
  static std::atomic<std::uint64_t>& at(std::array<Row, kProtocolCount>& m, Protocol p, Outcome o) {
    return m[static_cast<std::size_t>(p)][static_cast<std::size_t>(o)];
  }
  static std::atomic<std::uint64_t>& at(std::array<std::atomic<std::uint64_t>, kProtocolCount>& m,
                                        Protocol p) {
    return m[static_cast<std::size_t>(p)];
  }
  std::array<Row, kProtocolCount> messages_{};
  std::array<std::atomic<std::uint64_t>, kProtocolCount> readings_accepted_{};
  std::array<std::atomic<std::uint64_t>, kProtocolCount> connections_accepted_{};
  std::array<std::array<std::atomic<std::uint64_t>, kRefusalCount>, kProtocolCount> refusals_{};
  std::atomic<std::uint64_t> connections_open_{0};
};

}  // namespace iomtsim::reference_target
