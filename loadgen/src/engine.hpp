#pragma once
// One engine thread of the real-time engine: an io_context, this thread's device side
// (sim::device_side::DeviceSide: its part of the fleet, batching, network paths,
// operations devices and accounting) and its transports. The engine only carries
// messages: it asks the device side for the next due instant, waits for it on the
// accelerated clock, puts what departs on its transport, and reports each answer back.
// Only this thread touches the device side and the transports, so nothing on the
// per-reading path takes a lock; the counters below are relaxed atomics for the progress
// display only.
//
// Scheduling (open loop): one steady_timer, armed for the device side's next event (a
// reading's intended send, a message reaching the wire, a buffer drain). The source is
// pulled lazily, one output at a time, so memory grows with devices and in-flight
// messages, never with the run length.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>

#include "http_transport.hpp"
#include "iomtsim/loadgen/accelerated_clock.hpp"
#include "iomtsim/loadgen/run_options.hpp"
#include "iomtsim/loadgen/source.hpp"
#include "iomtsim/payloads/proto_codec.hpp"
#include "iomtsim/reports/histogram.hpp"
#include "iomtsim/reports/ops_report.hpp"
#include "iomtsim/reports/recorder.hpp"
#include "iomtsim/reports/waveform_report.hpp"
#include "iomtsim/scenarios/scenario.hpp"
#include "iomtsim/sim/device_side/device_side.hpp"
#include "iomtsim/sim/shard_spec.hpp"
#include "live_latency.hpp"
#include "mqtt_transport.hpp"
#include "stream_transport.hpp"

namespace iomtsim::loadgen::detail {

class ChartReader;
class PacsReader;
class ReportReader;

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
  std::optional<HttpTarget> http;  // nullopt: FHIR readings fail (no endpoint)
  std::optional<StreamTarget> mllp;
  std::optional<StreamTarget> proto;
  std::optional<MqttTarget> mqtt;
  std::optional<HttpTarget> imaging;  // the PACS's DICOMweb base (STOW-RS); nullopt: none
  std::int64_t epoch_unix_ms = 0;  // wall time of scenario time zero, for pre-encoded bodies
  std::chrono::nanoseconds drain_timeout = std::chrono::seconds(5);  // wall
  // The chart read-back (outlives the engine), told of each acknowledged FHIR message;
  // nullptr: no read-back.
  ChartReader* chart = nullptr;
  // The PACS confirmation (outlives the engine), told of each study STOW-RS acknowledged;
  // nullptr without an imaging target.
  PacsReader* pacs = nullptr;
  // Result to chart (outlives the engine), told of each imaging report the FHIR target
  // acknowledged; nullptr when not measured.
  ReportReader* reports = nullptr;
};

struct EngineCounters {
  std::atomic<std::uint64_t> generated{0};
  std::atomic<std::uint64_t> messages_sent{0};
  std::atomic<std::uint64_t> acknowledged{0};
  std::atomic<std::uint64_t> errors{0};         // rejected, timed out, failed, lost, dropped
  std::atomic<std::int64_t> max_latency_ns{0};  // since the progress display last read it
  LiveLatency latency;                          // acknowledged, intended send -> ack, so far
};

// Figures only known once the engine stopped.
struct EngineTotals {
  std::map<unsigned, std::uint64_t> http_status;
  // What the device side accounted: ECG/PPG blocks, operations devices, delivery attempts.
  sim::device_side::Sections sections;
  std::uint64_t reconnects = 0;
  TlsFailures tls_failures;  // failed TLS handshakes by reason
  reports::Histogram send_lateness{kLatenessConfig};
  reports::OutcomeCodes outcome_codes;  // answers by protocol and code, reasons (answer_codes.hpp)
};

class Engine {
 public:
  explicit Engine(const EngineConfig& config);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Runs on the calling thread until everything is answered (or drained/abandoned).
  // Rethrows what broke the engine (an internal invariant, a recording that cannot be
  // written), after accounting what it could.
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
