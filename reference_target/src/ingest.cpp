#include "ingest.hpp"

#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/payloads/hl7.hpp"
#include "iomtsim/payloads/imaging_chart.hpp"
#include "iomtsim/payloads/json_limits.hpp"
#include "iomtsim/payloads/mqtt_json.hpp"
#include "iomtsim/payloads/ops_payloads.hpp"
#include "iomtsim/payloads/proto_codec.hpp"
#include "iomtsim/payloads/waveform.hpp"

namespace iomtsim::reference_target {

namespace {

bool looks_like_fhir(std::string_view bytes) {
  // Cheap sniff: a FHIR resource names its type near the start; MQTT JSON never does.
  return bytes.substr(0, 256).find("\"resourceType\"") != std::string_view::npos;
}

bool fhir_kind_of(PayloadKind kind) {
  return kind == PayloadKind::FhirObservation || kind == PayloadKind::FhirBundle ||
         kind == PayloadKind::Fhir;
}

bool is_json(PayloadKind kind) {
  return kind != PayloadKind::Hl7OruR01 && kind != PayloadKind::ProtoBatch;
}

// The reasons payloads' bounded DOM parse gives (json_read.hpp): a document that would
// have cost too much to build, refused for that rather than for its content.
bool past_json_bounds(std::string_view error) {
  return error.starts_with("JSON nested deeper than") || error.starts_with("JSON has more than");
}

}  // namespace

IngestResult Ingest::refuse(Protocol protocol, std::string why) {
  if (past_json_bounds(why)) metrics_.refused(protocol, Refusal::TooDeep);
  IngestResult result;
  result.outcome = Outcome::Invalid;
  result.error = std::move(why);
  metrics_.message(protocol, Outcome::Invalid);
  if (log_.enabled(LogLevel::Debug))
    log_.debug("message_invalid", {{"protocol", name(protocol)}, {"reason", result.error}});
  return result;
}

IngestResult Ingest::handle(Protocol protocol, PayloadKind kind, std::string_view bytes,
                            std::function<void()> on_processed) {
  // Before any decoder (and before the sniffs route a body to a DOM decoder): the one
  // check that "[[[[…" cannot get past, whatever the route.
  if (const std::size_t max_depth = max_json_depth_[static_cast<std::size_t>(protocol)];
      max_depth != 0 && is_json(kind) &&
      payloads::json_nesting_depth(bytes, max_depth) > max_depth) {
    return refuse(protocol, "JSON nested deeper than " + std::to_string(max_depth) +
                                " levels");  // counted as too_deep by refuse()
  }
  IngestResult result;
  payloads::DecodeResult decoded;
  if (kind == PayloadKind::MqttAuto)
    kind = looks_like_fhir(bytes) ? PayloadKind::Fhir : PayloadKind::MqttJson;
  const bool ops_payload = kind == PayloadKind::FhirDiagnosticReport ||
                           ((kind == PayloadKind::FhirObservation || kind == PayloadKind::Fhir ||
                             kind == PayloadKind::FhirBundle) &&
                            payloads::looks_like_ops_fhir(bytes)) ||
                           (kind == PayloadKind::Hl7OruR01 && payloads::is_pump_oru(bytes));
  if (ops_payload) return handle_ops(protocol, kind, bytes);
  // Waveform blocks: a cheap look at the head, so vitals never pay for a waveform decode.
  const bool fhir_kind = kind == PayloadKind::FhirObservation || kind == PayloadKind::Fhir;
  if ((fhir_kind && payloads::looks_like_waveform_fhir(bytes)) ||
      (kind == PayloadKind::Hl7OruR01 && payloads::is_waveform_oru(bytes)) ||
      (kind == PayloadKind::MqttJson && payloads::looks_like_mqtt_waveform(bytes)))
    return handle_waveform(protocol, kind, bytes);
  std::vector<physiology::WaveformBlock> waveforms;  // protobuf batches may carry some
  switch (kind) {
    case PayloadKind::FhirObservation:
      decoded = payloads::decode_observation(bytes, {.epoch_unix_ms = epoch_unix_ms_});
      break;
    case PayloadKind::FhirBundle:
      decoded = payloads::decode_bundle(bytes, {.epoch_unix_ms = epoch_unix_ms_});
      break;
    case PayloadKind::Fhir:
      decoded = payloads::decode_fhir(bytes, {.epoch_unix_ms = epoch_unix_ms_});
      break;
    case PayloadKind::Hl7OruR01: {
      payloads::Hl7Options o;
      o.epoch_unix_ms = epoch_unix_ms_;
      decoded = payloads::decode_oru_r01(bytes, o);
      break;
    }
    case PayloadKind::FhirDiagnosticReport:  // handled above
    case PayloadKind::MqttJson:
    case PayloadKind::MqttAuto:
      decoded = payloads::decode_mqtt_json(bytes);
      break;
    case PayloadKind::ProtoBatch: {
      auto batch = payloads::decode_ingest_batch(bytes);
      result.batch_id = batch.value.batch_id;  // named in the BatchAck even when refused
      if (!batch.ok()) {
        decoded.error = batch.error;
        if (batch.error.starts_with("waveform "))
          metrics_.waveform_invalid.fetch_add(1, std::memory_order_relaxed);
      } else {
        decoded.readings = std::move(batch.value.readings);
        waveforms = std::move(batch.value.waveforms);
        // The binary format carries ground truth for recordings; a target must not see it.
        for (auto& r : decoded.readings) payloads::clear_ground_truth(r);
      }
      break;
    }
  }
  if (!decoded.ok() && lenient_ && fhir_kind_of(kind) && needs_lenient(decoded.error)) {
    auto rewritten = rewrite_fhir(bytes, *lenient_);
    if (!rewritten.error.empty())
      decoded.error = std::move(rewritten.error);
    else
      decoded = payloads::decode_fhir(rewritten.json, {.epoch_unix_ms = epoch_unix_ms_});
  }
  result.message_id = decoded.message_id;
  if (!decoded.ok()) {
    auto refused = refuse(protocol, std::move(decoded.error));
    refused.message_id = std::move(result.message_id);
    refused.batch_id = result.batch_id;
    return refused;
  }
  if (decoded.readings.empty() && !waveforms.empty()) {  // waveforms only: nothing to queue
    count_waveforms(waveforms, result);
    metrics_.message(protocol, Outcome::Accepted);
    return result;
  }
  result.reading_count = decoded.readings.size();
  result.reading_ids.reserve(decoded.readings.size());

  std::size_t unnumbered = 0;
  for (const auto& r : decoded.readings) {
    result.reading_ids.push_back(r.id);
    unnumbered += r.id == 0 ? 1 : 0;
  }
  if (unnumbered > 0)
    result.first_server_number =
        next_server_number_.fetch_add(unnumbered, std::memory_order_relaxed);

  // Room in the store's queue first, then the rules' queue: all or nothing.
  const std::size_t n = decoded.readings.size();
  if (store_ != nullptr && !store_->reserve(n)) {
    result.outcome = Outcome::QueueFull;
    result.error = "store queue full";
    metrics_.message(protocol, Outcome::QueueFull);
    return result;
  }
  std::vector<physiology::Reading> for_store;
  if (store_ != nullptr) for_store = decoded.readings;
  const bool defer = ack_after_processing_ && on_processed;
  const auto admit =
      pipeline_.submit(std::move(decoded.readings), defer ? std::move(on_processed) : nullptr);
  if (store_ != nullptr) {
    if (admit == Pipeline::Admit::Queued)
      store_->push(for_store, result.first_server_number);
    else
      store_->release(n);
  }
  if (admit != Pipeline::Admit::Queued) {
    result.outcome = Outcome::QueueFull;
    result.error = admit == Pipeline::Admit::Full ? "processing queue full" : "server stopping";
    metrics_.message(protocol, Outcome::QueueFull);
    if (log_.enabled(LogLevel::Debug))
      log_.debug("message_refused", {{"protocol", name(protocol)}, {"reason", result.error}});
    return result;
  }
  result.deferred = defer;
  metrics_.message(protocol, Outcome::Accepted);
  metrics_.readings_accepted(protocol, result.reading_count);
  if (!waveforms.empty()) count_waveforms(waveforms, result);
  return result;
}

void Ingest::count_waveforms(std::span<const physiology::WaveformBlock> blocks,
                             IngestResult& result) {
  std::size_t samples = 0;
  for (const auto& b : blocks) {
    samples += b.samples.size();
    if (result.reading_count == 0) result.reading_ids.push_back(b.id);
  }
  result.waveform_blocks += blocks.size();
  result.waveform_samples += samples;
  metrics_.waveform_blocks.fetch_add(blocks.size(), std::memory_order_relaxed);
  metrics_.waveform_samples.fetch_add(samples, std::memory_order_relaxed);
}

// Waveform blocks are validated and counted at once: no queue and no rules (the rules are
// vital-sign rules; a waveform consumer would be a separate analytics path).
IngestResult Ingest::handle_waveform(Protocol protocol, PayloadKind kind, std::string_view bytes) {
  IngestResult result;
  payloads::Decoded<physiology::WaveformBlock> d;
  if (kind == PayloadKind::Hl7OruR01) {
    payloads::Hl7Options o;
    o.epoch_unix_ms = epoch_unix_ms_;
    d = payloads::decode_waveform_oru(bytes, o, &result.message_id);
  } else if (kind == PayloadKind::MqttJson) {
    d = payloads::decode_mqtt_waveform(bytes, epoch_unix_ms_);
  } else {
    d = payloads::decode_waveform_observation(bytes, {.epoch_unix_ms = epoch_unix_ms_});
  }
  if (!d.ok()) {
    metrics_.waveform_invalid.fetch_add(1, std::memory_order_relaxed);
    auto refused = refuse(protocol, std::move(d.error));
    refused.message_id = std::move(result.message_id);
    return refused;
  }
  count_waveforms(std::span(&d.value, 1), result);
  metrics_.message(protocol, Outcome::Accepted);
  return result;
}

// Operations payloads are small state updates (or counted media), applied at once: no
// queue, no rules. A refused one is answered like any invalid message.
IngestResult Ingest::handle_ops(Protocol protocol, PayloadKind kind, std::string_view bytes) {
  IngestResult result;
  result.operations = true;
  auto refuse = [&](std::string why) {
    auto refused = Ingest::refuse(protocol, std::move(why));
    refused.operations = true;
    refused.message_id = std::move(result.message_id);
    return refused;
  };
  if (!ops_) return refuse("operations payloads are not enabled on this target");
  payloads::OpsResource resource;
  if (kind == PayloadKind::Hl7OruR01) {
    auto d = payloads::decode_pump_oru(bytes, epoch_unix_ms_);
    if (!d.ok()) return refuse(std::move(d.error));
    result.message_id = "PUMP" + std::to_string(d.value.id);
    resource = std::move(d.value);
  } else if (kind == PayloadKind::FhirBundle && payloads::looks_like_imaging_chart_bundle(bytes)) {
    // A stored study's ImagingStudy and the result's DiagnosticReport referencing it.
    auto d = payloads::decode_imaging_chart_bundle(bytes, epoch_unix_ms_);
    if (!d.ok()) return refuse(std::move(d.error));
    result.other_entries.emplace_back("200 OK", "ImagingStudy/" + d.value.study_id);
    result.resource_type = "DiagnosticReport";
    resource = std::move(d.value.result);
  } else if (kind == PayloadKind::FhirBundle) {  // a pump event with its DeviceMetric
    auto d = payloads::decode_pump_bundle(bytes, epoch_unix_ms_);
    if (!d.ok()) return refuse(std::move(d.error));
    if (!d.value.metric_id.empty())
      result.other_entries.emplace_back("200 OK", "DeviceMetric/" + d.value.metric_id);
    resource = std::move(d.value.event);
  } else {
    auto d = payloads::decode_ops_fhir(bytes, epoch_unix_ms_);
    if (!d.ok()) return refuse(std::move(d.error));
    const bool report = std::holds_alternative<physiology::ops::ImagingResult>(d.value);
    if ((kind == PayloadKind::FhirDiagnosticReport) != report)
      return refuse(report ? "a DiagnosticReport belongs at [base]/DiagnosticReport"
                           : "only DiagnosticReports are taken at [base]/DiagnosticReport");
    resource = std::move(d.value);
    result.resource_type = report ? "DiagnosticReport" : "Observation";
  }
  result.reading_ids.push_back(std::visit([](const auto& v) { return v.id; }, resource));
  ops_->take(resource);
  metrics_.message(protocol, Outcome::Accepted);
  return result;
}

}  // namespace iomtsim::reference_target
