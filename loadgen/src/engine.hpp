#pragma once
// One engine thread: an io_context, this thread's part of the fleet, its network paths,
// its transports and its RecorderShard. Only this thread touches them, so nothing on the
// per-reading path takes a lock; the counters below are relaxed atomics for the progress
// display only.
//
// Scheduling (open loop): one steady_timer, armed for the next due event, which is the
// earliest of: the fleet's next output (its true time is the intended send time), a
// message the emulated network delivers (its arrival time: when it goes on the wire), a
// store-and-forward drain. The fleet is pulled lazily, one output at a time, so memory
// grows with devices and in-flight messages, never with the run length.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>

#include "iomtsim/loadgen/accelerated_clock.hpp"
#include "iomtsim/loadgen/run_options.hpp"
#include "iomtsim/loadgen/source.hpp"
#include "iomtsim/payloads/proto_codec.hpp"
#include "iomtsim/reports/histogram.hpp"
#include "iomtsim/reports/ops_report.hpp"
#include "iomtsim/reports/recorder.hpp"
#include "iomtsim/reports/waveform_report.hpp"
#include "iomtsim/scenarios/scenario.hpp"
#include "iomtsim/sim/shard_spec.hpp"
#include "http_transport.hpp"
#include "live_latency.hpp"
#include "mqtt_transport.hpp"
#include "stream_transport.hpp"

namespace iomtsim::loadgen::detail {

struct EngineConfig {
  const scenarios::Scenario* scenario = nullptr;  // outlives the engine
  sim::ShardSpec part{};                          // this thread's patients
  const SourceFactory* source = nullptr;          // nullptr: the scenario's fleet
  // Non-empty: every output this engine takes from its source is also written there, in
  // source order, as a recording stream after `record_header`, with the episodes as they
  // become known (recording_part.hpp; run.cpp merges the threads' parts).
  std::filesystem::path record_part;
  payloads::RecordingHeader record_header;
  const AcceleratedClock* clock = nullptr;
  reports::Recorder* recorder = nullptr;
  std::optional<HttpTarget> http;                 // nullopt: FHIR readings fail (no endpoint)
  std::optional<StreamTarget> mllp;
  std::optional<StreamTarget> proto;
  std::optional<MqttTarget> mqtt;
  std::int64_t epoch_unix_ms = 0;  // wall time of scenario time zero, for pre-encoded bodies
  std::chrono::nanoseconds drain_timeout = std::chrono::seconds(5);  // wall
};

struct EngineCounters {
  std::atomic<std::uint64_t> generated{0};
  std::atomic<std::uint64_t> messages_sent{0};
  std::atomic<std::uint64_t> acknowledged{0};
  std::atomic<std::uint64_t> errors{0};      // rejected, timed out, failed, lost, dropped
  std::atomic<std::int64_t> max_latency_ns{0};  // since the progress display last read it
  LiveLatency latency;                          // acknowledged, intended send -> ack, so far
};

// Figures only known once the engine stopped.
struct EngineTotals {
  std::map<unsigned, std::uint64_t> http_status;
  reports::WaveformReport waveforms;  // ECG/PPG blocks: their own delivery accounting
  std::uint64_t reconnects = 0;
  TlsFailures tls_failures;  // failed TLS handshakes by reason
  reports::Histogram send_lateness{kLatenessConfig};
  reports::OpsReport ops;  // operations devices of this thread (ops_driver.hpp)
  reports::OutcomeCodes outcome_codes;  // answers by protocol and code, reasons (answer_codes.hpp)
};

class Engine {
 public:
  explicit Engine(const EngineConfig& config);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Runs on the calling thread until everything is answered (or drained/abandoned).
  void run();
  // Any thread: stop scheduling, drain in-flight requests, mark the rest InFlight.
  void request_stop();

  const EngineCounters& counters() const { return counters_; }
  const EngineTotals& totals() const { return totals_; }  // after run() returned
  bool record_ok() const;  // after run(): the record part was written in full

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  EngineCounters counters_;
  EngineTotals totals_;
};

}  // namespace iomtsim::loadgen::detail
