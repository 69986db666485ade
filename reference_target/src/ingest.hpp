#pragma once
// Protocol-neutral ingest: bytes of one message in, decoded and queued readings (or a
// reason) out. Every transport calls handle() and turns the result into its own answer
// (201/400/429, ACK AA/AE/AR, BatchAck). Counts the message outcome and readings.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fhir_lenient.hpp"
#include "iomtsim/reference_target/metrics.hpp"
#include "log.hpp"
#include "ops_store.hpp"
#include "pipeline.hpp"
#include "store_writer.hpp"

namespace iomtsim::reference_target {

enum class PayloadKind : std::uint8_t {
  FhirObservation,  // POST [base]/Observation
  FhirBundle,       // POST [base]: a transaction/batch Bundle
  Hl7OruR01,        // MLLP
  ProtoBatch,       // protobuf ReadingBatch
  MqttJson,
  Fhir,                  // MQTT with FHIR payloads: Observation or Bundle
  MqttAuto,              // MQTT: FHIR if it names a resourceType, else MQTT JSON
  FhirDiagnosticReport,  // POST [base]/DiagnosticReport: a point-of-care imaging result
};

struct IngestResult {
  Outcome outcome = Outcome::Accepted;  // Accepted, Invalid or QueueFull
  std::string error;                    // why, when not accepted
  std::string message_id;               // HL7 control id / Bundle id, when the message has one
  std::uint64_t batch_id = 0;           // protobuf batch id
  std::size_t reading_count = 0;
  std::vector<std::uint64_t> reading_ids;  // in message order (0 where the wire had none)
  // Readings with no id (0 above) are numbered by the server, in order from this one:
  // their logical id is "s<n>" in the answer and in the store.
  std::uint64_t first_server_number = 0;
  bool deferred = false;    // on_processed will run later (ack_after_processing)
  bool operations = false;  // an operations payload (pump event, fix, imaging result)
  std::string resource_type = "Observation";  // for the HTTP Location header
  // Transaction entries that are not readings' Observations, answered before them in a
  // transaction-response Bundle: (status, location), e.g. a pump's DeviceMetric update.
  std::vector<std::pair<std::string, std::string>> other_entries;
  // Waveform blocks (ECG/PPG samples) the message carried: validated and counted only,
  // never queued for the rules. A waveform-only message has reading_count 0 and its block
  // ids in reading_ids (for the Location header / BatchAck).
  std::size_t waveform_blocks = 0;
  std::size_t waveform_samples = 0;
};

// JSON nesting allowed per protocol (0: not checked; MLLP and protobuf carry no JSON).
using JsonDepthLimits = std::array<std::size_t, kProtocolCount>;

// Readings without an identifier get a server-assigned logical id: "s<n>" with the number
// ingest gave them (the store files them under it); other resources without one (an
// operations payload with no id) a number of their own.
inline std::string logical_id(std::uint64_t reading_id, std::uint64_t server_number = 0) {
  static std::atomic<std::uint64_t> next{1};
  if (reading_id != 0) return std::to_string(reading_id);
  if (server_number != 0) return "s" + std::to_string(server_number);
  return "o" + std::to_string(next.fetch_add(1, std::memory_order_relaxed));
}

class Ingest {
 public:
  Ingest(Pipeline& pipeline, Metrics& metrics, const Log& log, std::int64_t epoch_unix_ms,
         bool ack_after_processing)
      : pipeline_(pipeline),
        metrics_(metrics),
        log_(log),
        epoch_unix_ms_(epoch_unix_ms),
        ack_after_processing_(ack_after_processing) {}

  // A JSON message nested deeper than its protocol's limit is refused before any decoder
  // sees it (Outcome::Invalid, counted as refusal too_deep).
  void set_json_depth_limits(const JsonDepthLimits& limits) { max_json_depth_ = limits; }

  // Decodes and queues. With ack_after_processing and an accepted message, `on_processed`
  // runs later on a worker thread (result.deferred is set); otherwise it is not called.
  IngestResult handle(Protocol protocol, PayloadKind kind, std::string_view bytes,
                      std::function<void()> on_processed = {});

  bool ack_after_processing() const { return ack_after_processing_; }
  // Operations payloads go to `ops` (owned by the server); without it they are refused.
  void set_ops(OpsStore* ops) { ops_ = ops; }
  OpsStore* ops() const { return ops_; }
  // Accepted readings also go to the record (nullptr: no store).
  void set_store(StoreWriter* store) { store_ = store; }
  // FHIR bodies the fast decoder refuses for a reason fhir_lenient.hpp cures are rewritten
  // and decoded again (without hooks: refused as they are).
  void set_lenient(LenientHooks hooks) { lenient_ = std::move(hooks); }
  std::int64_t epoch_unix_ms() const { return epoch_unix_ms_; }

 private:
  Pipeline& pipeline_;
  Metrics& metrics_;
  const Log& log_;
  std::int64_t epoch_unix_ms_;
  bool ack_after_processing_;
  OpsStore* ops_ = nullptr;
  StoreWriter* store_ = nullptr;
  std::optional<LenientHooks> lenient_;
  std::atomic<std::uint64_t> next_server_number_{1};
  JsonDepthLimits max_json_depth_{};

  // Refuses as Invalid, with the reason and a debug log line.
  IngestResult refuse(Protocol protocol, std::string why);

  IngestResult handle_ops(Protocol protocol, PayloadKind kind, std::string_view bytes);
  // A FHIR, HL7 or MQTT JSON message carrying one waveform block (routed by a cheap sniff).
  IngestResult handle_waveform(Protocol protocol, PayloadKind kind, std::string_view bytes);
  void count_waveforms(std::span<const physiology::WaveformBlock> blocks, IngestResult& result);
};

}  // namespace iomtsim::reference_target
