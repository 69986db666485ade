// libFuzzer: the reference target's ingest as every listener calls it, with the default
// limits: the first byte picks the route (an HTTP endpoint, an MLLP frame, a protobuf
// batch, an MQTT payload in auto, mqtt_json or fhir mode), the rest is the message. Its
// sniffs send bodies to the streaming FHIR decoder, the operations and waveform DOM
// decoders, MQTT JSON, HL7 or protobuf; accepted readings go through the queue to the real
// rules engine (one worker), so the rules see fuzzed values too.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "evaluator.hpp"
#include "ingest.hpp"
#include "iomtsim/reference_target/config.hpp"
#include "log.hpp"
#include "ops_store.hpp"
#include "pipeline.hpp"

namespace rt = iomtsim::reference_target;

namespace {

struct Target {
  rt::TargetConfig cfg = rt::default_target_config();
  rt::Metrics metrics;
  rt::Log log{rt::LogLevel::Quiet};
  rt::Pipeline pipeline{cfg.processing, metrics,
                        rt::make_rules_evaluator_factory(cfg.rules, cfg.limits.max_patients, metrics),
                        nullptr};
  rt::OpsStore ops{nullptr, metrics, cfg.limits.max_assets};
  rt::Ingest ingest{pipeline, metrics, log, 1714550400000, false};
  Target() {
    ingest.set_ops(&ops);
    rt::JsonDepthLimits depth{};
    depth[static_cast<std::size_t>(rt::Protocol::Http)] = cfg.http.max_json_depth;
    depth[static_cast<std::size_t>(rt::Protocol::Mqtt)] = cfg.mqtt.max_json_depth;
    ingest.set_json_depth_limits(depth);
    pipeline.start();
  }
};

struct Route {
  rt::Protocol protocol;
  rt::PayloadKind kind;
};
constexpr Route kRoutes[] = {
    {rt::Protocol::Http, rt::PayloadKind::FhirObservation},
    {rt::Protocol::Http, rt::PayloadKind::FhirBundle},
    {rt::Protocol::Http, rt::PayloadKind::FhirDiagnosticReport},
    {rt::Protocol::Mllp, rt::PayloadKind::Hl7OruR01},
    {rt::Protocol::Proto, rt::PayloadKind::ProtoBatch},
    {rt::Protocol::Mqtt, rt::PayloadKind::MqttAuto},
    {rt::Protocol::Mqtt, rt::PayloadKind::MqttJson},
    {rt::Protocol::Mqtt, rt::PayloadKind::Fhir},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Target* target = new Target;  // lives for the process: its worker keeps running
  if (size == 0) return 0;
  const Route& route = kRoutes[data[0] % std::size(kRoutes)];
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto r = target->ingest.handle(route.protocol, route.kind, bytes);
  // Every message ends in one outcome, and a refusal says why.
  if (r.outcome != rt::Outcome::Accepted && r.error.empty()) __builtin_trap();
  if (r.outcome == rt::Outcome::Accepted && r.reading_ids.size() < r.reading_count) __builtin_trap();
  return 0;
}
