// Operations resources as FHIR R4 JSON: pump events and location fixes as Observations,
// imaging results as DiagnosticReports carrying their media inline (base64), so a result
// costs its real size on the wire. Also the asset-location answer of GET /assets/{id}.
#include <nlohmann/json.hpp>

#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/payloads/ops_payloads.hpp"
#include "json_read.hpp"
#include "ops_fhir_codes.hpp"
#include "text_writer.hpp"

namespace iomtsim::payloads {

namespace {

using detail::append_fixed;
using detail::append_json_string;
using detail::append_uint;
using detail::kImagingSystem;
using detail::kMdc;
using detail::kPumpSystem;
using detail::kRtlsSystem;
using detail::kZoneSystem;

void head(std::string& out, const char* type, const char* id_system, std::uint64_t id) {
  out += R"({"resourceType":")";
  out += type;
  out += R"(","identifier":[{"system":")";
  out += id_system;
  out += R"(","value":")";
  append_uint(out, id);
  out += R"("}],"status":"final",)";
}

void quantity_component(std::string& out, const char* code, const char* display, double v,
                        const char* unit) {
  out += R"({"code":{"coding":[{"system":")";
  out += kMdc;
  out += R"(","code":")";
  out += code;
  out += R"(","display":")";
  out += display;
  out += R"("}]},"valueQuantity":{"value":)";
  append_fixed(out, v, 1);
  out += R"(,"unit":")";
  out += unit;
  out += R"(","system":"http://unitsofmeasure.org","code":")";
  out += unit;
  out += R"("}})";
}

void device_category(std::string& out) {
  out +=
      R"("category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"device"}]}],)";
}

std::string base64_filler(std::uint64_t bytes) {
  // Base64 of `bytes` zero bytes: 'A' x 4 per 3 bytes, padded. Content is irrelevant to
  // the load; its length is what a link must carry.
  const std::uint64_t full = bytes / 3, rest = bytes % 3;
  std::string s(static_cast<std::size_t>(full * 4), 'A');
  if (rest == 1) s += "AA==";
  if (rest == 2) s += "AAA=";
  return s;
}

}  // namespace

std::string encode_pump_observation(const ops::PumpEvent& e, std::int64_t epoch_unix_ms) {
  std::string out;
  out.reserve(1024);
  head(out, "Observation", kPumpSystem, e.id);
  device_category(out);
  out += R"("code":{"coding":[{"system":")";
  out += kMdc;
  out += R"(","code":"184508","display":"MDC_PUMP_STAT"}]},"subject":{"reference":"Patient/p)";
  append_uint(out, e.patient);
  out += R"("},"device":{"reference":"Device/pump-)";
  append_uint(out, e.pump);
  out += R"("},"effectiveDateTime":")";
  out += format_fhir_instant(e.device_time, epoch_unix_ms);
  out += R"(","valueCodeableConcept":{"coding":[{"system":")";
  out += kPumpSystem;
  out += R"(","code":")";
  out += ops::name(e.kind);
  out += R"("}]},)";
  if (e.alarm())
    out +=
        R"("interpretation":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation","code":"AA"}]}],)";
  out += R"("component":[{"code":{"coding":[{"system":")";
  out += kMdc;
  out += R"(","code":"184330","display":"MDC_DRUG_NAME_TYPE"}]},"valueString":)";
  append_json_string(out, e.drug);
  out += "},";
  quantity_component(out, "157784", "MDC_FLOW_FLUID_PUMP", e.rate_ml_h, "mL/h");
  out += ',';
  quantity_component(out, "157872", "MDC_VOL_FLUID_TBI", e.vtbi_ml, "mL");
  out += ',';
  quantity_component(out, "157976", "MDC_VOL_FLUID_DELIV", e.volume_ml, "mL");
  out += "]}";
  return out;
}

std::string_view pump_operational_status(ops::PumpEventKind k) {
  switch (k) {
    case ops::PumpEventKind::Paused:
    case ops::PumpEventKind::Occlusion:
    case ops::PumpEventKind::AirInLine:
      return "standby";
    case ops::PumpEventKind::EndOfInfusion:
      return "off";
    default:
      return "on";
  }
}

std::string encode_pump_bundle(const ops::PumpEvent& e, std::int64_t epoch_unix_ms) {
  // The Bundle's identifier comes first so looks_like_ops_fhir routes it from its head.
  std::string out;
  out.reserve(1536);
  out += R"({"resourceType":"Bundle","identifier":{"system":")";
  out += kPumpSystem;
  out += R"(","value":")";
  append_uint(out, e.id);
  out +=
      R"("},"type":"transaction","entry":[{"resource":{"resourceType":"DeviceMetric","id":"pump-)";
  append_uint(out, e.pump);
  out += R"(-rate","type":{"coding":[{"system":")";
  out += kMdc;
  out +=
      R"(","code":"157784","display":"MDC_FLOW_FLUID_PUMP"}]},"unit":{"coding":[{"system":"http://unitsofmeasure.org","code":"mL/h"}]},"source":{"reference":"Device/pump-)";
  append_uint(out, e.pump);
  out += R"("},"operationalStatus":")";
  out += pump_operational_status(e.kind);
  out += R"(","category":"setting"},"request":{"method":"PUT","url":"DeviceMetric/pump-)";
  append_uint(out, e.pump);
  out += R"(-rate"}},{"resource":)";
  out += encode_pump_observation(e, epoch_unix_ms);
  out += R"(,"request":{"method":"POST","url":"Observation"}}]})";
  return out;
}

std::string encode_location_observation(const ops::LocationFix& f, std::int64_t epoch_unix_ms) {
  std::string out;
  out.reserve(768);
  head(out, "Observation", kRtlsSystem, f.id);
  device_category(out);
  out += R"("code":{"coding":[{"system":")";
  out += kRtlsSystem;
  out += R"(","code":"location-fix"}]},"focus":[{"reference":"Device/asset-)";
  append_uint(out, f.asset);
  out += R"("}],"effectiveDateTime":")";
  out += format_fhir_instant(f.device_time, epoch_unix_ms);
  out += R"(","valueCodeableConcept":{"coding":[{"system":")";
  out += kZoneSystem;
  out += R"(","code":)";
  append_json_string(out, f.zone);
  out += R"(}]},"component":[)";
  quantity_component(out, "x", "floor x", f.x_m, "m");
  out += ',';
  quantity_component(out, "y", "floor y", f.y_m, "m");
  out += R"(],"extension":[{"url":"urn:iomtsim:battery-low","valueBoolean":)";
  out += f.battery_low ? "true" : "false";
  out += R"(},{"url":"urn:iomtsim:asset-kind","valueCode":")";
  out += ops::name(f.asset_kind);
  out += R"("}]})";
  return out;
}

std::string encode_diagnostic_report(const ops::ImagingResult& r, std::int64_t epoch_unix_ms) {
  const bool us = r.modality == ops::Modality::Ultrasound;
  std::string data = base64_filler(r.bytes);
  std::string out;
  out.reserve(data.size() + 1024);
  head(out, "DiagnosticReport", kImagingSystem, r.id);
  out +=
      R"("category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0074","code":")";
  out += us || r.modality == ops::Modality::Xray
             ? "RAD"
             : (r.modality == ops::Modality::Ecg12Lead ? "EC" : "LAB");
  out +=
      R"("}]}],"code":{"coding":[{"system":"http://dicom.nema.org/resources/ontology/DCM","code":")";
  out += ops::name(r.modality);
  out += R"("}]},"subject":{"reference":"Patient/p)";
  append_uint(out, r.patient);
  out += R"("},"effectiveDateTime":")";
  out += format_fhir_instant(r.device_time, epoch_unix_ms);
  out += R"(","extension":[{"url":"urn:iomtsim:procedure","valueUnsignedInt":)";
  append_uint(out, r.procedure);
  out += "}],";
  if (us) {
    out += R"("imagingStudy":[{"reference":"ImagingStudy/us-)";
    append_uint(out, r.id);
    out += R"("}],)";
  }
  out += R"("presentedForm":[{"contentType":")";
  out += us ? "video/mp4" : "application/pdf";
  out += R"(","size":)";
  append_uint(out, r.bytes);
  out += R"(,"data":")";
  out += data;
  out += R"("}]})";
  return out;
}

bool looks_like_ops_fhir(std::string_view j) {
  const auto head_text = j.substr(0, 200);
  return head_text.find("DiagnosticReport") != std::string_view::npos ||
         head_text.find("ImagingStudy") != std::string_view::npos ||
         head_text.find(kPumpSystem) != std::string_view::npos ||
         head_text.find(kRtlsSystem) != std::string_view::npos;
}

std::string encode_asset_location(const AssetLocation& a, std::int64_t epoch_unix_ms) {
  std::string out = R"({"asset":)";
  detail::append_uint(out, a.asset);
  out += R"(,"zone":)";
  detail::append_json_string(out, a.zone);
  out += R"(,"x":)";
  detail::append_fixed(out, a.x_m, 1);
  out += R"(,"y":)";
  detail::append_fixed(out, a.y_m, 1);
  out += R"(,"fix_time":")";
  out += format_fhir_instant(a.fix_device_time, epoch_unix_ms);
  out += R"(","battery_low":)";
  out += a.battery_low ? "true" : "false";
  out += '}';
  return out;
}

Decoded<AssetLocation> decode_asset_location(std::string_view text, std::int64_t epoch_unix_ms) {
  Decoded<AssetLocation> d;
  nlohmann::json j;
  if (!detail::parse_json_bounded(text, {.max_depth = 8, .max_values = 1024}, j, d.error)) return d;
  if (!j.is_object()) {
    d.error = "invalid JSON";
    return d;
  }
  const auto* asset = detail::member(j, "asset");
  const auto zone = detail::string_member(j, "zone");
  const auto when = detail::string_member(j, "fix_time");
  const auto* x = detail::member(j, "x");
  const auto* y = detail::member(j, "y");
  if (!asset || !asset->is_number_unsigned() || !zone || !when || !x || !x->is_number() || !y ||
      !y->is_number()) {
    d.error = "asset location: need asset, zone, x, y and fix_time";
    return d;
  }
  const auto t = parse_fhir_instant(*when, epoch_unix_ms);
  if (!t) {
    d.error = "asset location: bad fix_time '" + *when + "'";
    return d;
  }
  d.value.asset = asset->get<std::uint32_t>();
  d.value.zone = *zone;
  d.value.x_m = x->get<double>();
  d.value.y_m = y->get<double>();
  d.value.fix_device_time = *t;
  const auto* b = detail::member(j, "battery_low");
  d.value.battery_low = b && b->is_boolean() && b->get<bool>();
  return d;
}

}  // namespace iomtsim::payloads
