#pragma once
// What the device side hands an engine to carry, and what the engine says back.
//
// A Message is one device message on its way to the target: a batch of one device's
// readings, one waveform block, one operations message (pump event, location fix, imaging
// result) or one asset query from a staff terminal. Its kind is explicit (MessageKind);
// nothing is inferred from which fields happen to be empty.
//
// Ownership: DeviceSide::step() moves a message (MessagePtr) to the engine when it departs
// (reaches the engine's first hop: a socket in real time, an access point in simulated
// time). The engine owns it while carrying it and gives it back exactly once:
//  - DeviceSide::finish(std::move(m), result): one outcome for the whole message, or
//  - DeviceSide::finish_reading(...) for each of its readings, then DeviceSide::release(m)
//    (simulated time serves the readings of a message one by one).
// A message the engine loses is a broken invariant that DeviceSide::close() reports loudly.
//
// Times are scenario time (SimTime, integer ns). The real-time engine converts its wall
// instants to scenario time before reporting (loadgen/run_options.hpp, latency convention).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "iomtsim/physiology/ops/ops_types.hpp"
#include "iomtsim/physiology/reading.hpp"
#include "iomtsim/physiology/time.hpp"
#include "iomtsim/reports/delivery.hpp"
#include "iomtsim/scenarios/scenario.hpp"

namespace iomtsim::sim::device_side {

using physiology::Duration;
using physiology::SimTime;

enum class MessageKind : std::uint8_t {
  Readings,    // `readings`: one device's batch; the carrier encodes them in `format`
  Waveform,    // `body`: one waveform block, encoded in `format` (sim::encode_waveform_body)
  Ops,         // `body`: one operations message (`ops` holds the event it encodes)
  AssetQuery,  // GET `http_path`: where is asset `wire_id`? (no device, no network path)
  // `body`: the FHIR transaction (payloads/imaging_chart.hpp) a modality sends the chart
  // once the PACS stored its result (`ops` holds the result, `wire_id` its id)
  ImagingReport,
};

inline constexpr std::size_t kNoSlot = static_cast<std::size_t>(-1);

struct Message {
  std::uint64_t key = 0;  // unique among this DeviceSide's messages; kept across retries
  MessageKind kind = MessageKind::Readings;
  // The id the target sees (first reading id, block id, operations event id, asset
  // number). Stable for a scenario and seed: the idempotency key of the message's retries.
  std::uint64_t wire_id = 0;
  std::size_t slot = kNoSlot;  // device slot (Readings, Waveform); kNoSlot otherwise
  scenarios::PayloadFormat format = scenarios::PayloadFormat::FhirR4;
  std::vector<physiology::Reading> readings;      // Readings
  std::uint32_t samples = 0;                      // Waveform: the block's samples
  std::optional<physiology::ops::OpsOutput> ops;  // Ops: the event
  // Pre-encoded messages (Waveform, Ops, AssetQuery): the body and where it goes. HTTP:
  // `http_path` relative to the FHIR base ("Observation"), absolute ("/assets/17"), or
  // empty for the base itself (a transaction Bundle); `http_get` for a query. MLLP:
  // `ack_key` is the control id the ACK names (empty: derived from wire_id).
  std::string body;
  std::string http_path;
  bool http_get = false;
  std::string ack_key;
  // Ops: `body` is a DICOMweb STOW-RS request (payloads/dicom_stow.hpp) for the scenario's
  // imaging target, `http_path` relative to its DICOMweb base.
  bool dicomweb = false;
  std::size_t payload_bytes = 0;  // on the emulated network (bandwidth models)

  SimTime intended{};         // when the device's schedule said to send (latency counts from here)
  SimTime left_device{};      // when it started leaving the device (network path)
  SimTime departs{};          // when it reaches the engine (path arrival, or a retry's instant)
  std::uint32_t attempt = 1;  // delivery attempts so far, this one included
};
using MessagePtr = std::unique_ptr<Message>;

// Where a modelled target says an asset is (a real one answers with a body instead).
struct AssetAnswer {
  std::string zone;
  SimTime fix_time{};  // the fix's device time
};

// An engine's report on one attempt of a message (or of one reading of it).
struct Result {
  reports::Outcome outcome = reports::Outcome::Failed;
  SimTime sent{};  // when it went to the target (scenario time)
  SimTime at{};    // the answer (Acknowledged, Rejected) or the failure instant
  // Real time only: the wall instant of `sent` on the engine's steady clock, so alerts
  // triggered by these readings are stamped like them (RecorderShard::on_outcome).
  std::optional<std::int64_t> sent_wall_ns;
  unsigned status = 0;  // protocol status (HTTP), 0 when none
  // The attempt failed in a way a device retries (HTTP 429 or 5xx, a reset, a time-out).
  // The device side decides whether to retry (RetryPolicy); `retry_after` is the target's
  // Retry-After, if it gave one.
  bool retryable = false;
  std::optional<Duration> retry_after;
  // AssetQuery: the answer's body as received, or (a modelled target) the answer itself.
  std::string answer_body;
  std::optional<AssetAnswer> answer;
};

// How often a device tries a message the target may take later (Result::retryable). One
// attempt by default: no retries. Later attempts wait max(back-off, Retry-After), the
// back-off doubling from `initial_backoff` up to `max_backoff`, scaled by a factor in
// [1 - jitter, 1 + jitter] drawn from (seed, wire_id, attempt) so a run always waits the same,
// and keep the message's key and wire_id (the idempotency key). A retry departs straight to
// the engine: the emulated network path is crossed once, by the first attempt. The back-off is
// device time (scenario time); a Retry-After is the target's (the real-time engine converts
// it to scenario time).
struct RetryPolicy {
  std::uint32_t max_attempts = 1;
  Duration initial_backoff = std::chrono::seconds(1);
  Duration max_backoff = std::chrono::seconds(30);
  double jitter = 0.0;     // 0 .. < 1
  std::uint64_t seed = 0;  // the scenario's: jitter draws
  // Wait after failed attempt `attempt` (1-based) of the message with this wire id.
  Duration backoff(std::uint32_t attempt, std::uint64_t wire_id = 0) const;
};

// The scenario's `target.retry` as a policy (both engines build theirs with it).
RetryPolicy retry_policy(const scenarios::Scenario& s);

}  // namespace iomtsim::sim::device_side
