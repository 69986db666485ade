// Operations resources as FHIR R4 JSON: pump events and location fixes as Observations,
// imaging results as DiagnosticReports carrying their media inline (base64), so a result
// costs its real size on the wire.
#include <nlohmann/json.hpp>

#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/payloads/ops_payloads.hpp"
#include "json_read.hpp"
#include "text_writer.hpp"

namespace iomtsim::payloads {

namespace {

using detail::append_fixed;
using detail::append_json_string;
using detail::append_uint;
using nlohmann::json;

constexpr const char* kMdc = "urn:iso:std:iso:11073:10101";
constexpr const char* kPumpSystem = "urn:iomtsim:pump-event";
constexpr const char* kRtlsSystem = "urn:iomtsim:rtls";
constexpr const char* kZoneSystem = "urn:iomtsim:zone";
constexpr const char* kImagingSystem = "urn:iomtsim:imaging-result";

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

std::optional<std::uint64_t> base64_decoded_size(const std::string& s) {
  if (s.size() % 4 != 0) return std::nullopt;
  std::uint64_t pad = 0;
  if (!s.empty() && s.back() == '=') ++pad;
  if (s.size() > 1 && s[s.size() - 2] == '=') ++pad;
  return s.size() / 4 * 3 - pad;
}

std::optional<std::uint64_t> uint_text(const std::string& s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  for (char c : s)
    if (c < '0' || c > '9') return std::nullopt;
  return std::stoull(s);
}

std::optional<std::uint64_t> identifier_of(const json& j, const char* system) {
  const json* ids = detail::member(j, "identifier");
  if (!ids || !ids->is_array()) return std::nullopt;
  for (const auto& i : *ids)
    if (detail::string_member(i, "system") == system)
      if (auto v = detail::string_member(i, "value")) return uint_text(*v);
  return std::nullopt;
}

// "Device/pump-17" -> 17
std::optional<std::uint64_t> reference_number(const json* ref_holder, std::string_view prefix) {
  if (!ref_holder) return std::nullopt;
  auto r = detail::string_member(*ref_holder, "reference");
  if (!r || !std::string_view(*r).starts_with(prefix)) return std::nullopt;
  return uint_text(r->substr(prefix.size()));
}

const json* first_coding(const json& concept_holder, const char* key) {
  const json* c = detail::member(concept_holder, key);
  if (!c) return nullptr;
  const json* codings = detail::member(*c, "coding");
  if (!codings || !codings->is_array() || codings->empty()) return nullptr;
  return &(*codings)[0];
}

std::optional<double> component_value(const json& j, const char* code) {
  const json* comps = detail::member(j, "component");
  if (!comps || !comps->is_array()) return std::nullopt;
  for (const auto& c : *comps) {
    const json* coding = first_coding(c, "code");
    if (!coding || detail::string_member(*coding, "code") != code) continue;
    const json* q = detail::member(c, "valueQuantity");
    const json* v = q ? detail::member(*q, "value") : nullptr;
    if (v && v->is_number()) return v->get<double>();
  }
  return std::nullopt;
}

std::optional<std::string> component_string(const json& j, const char* code) {
  const json* comps = detail::member(j, "component");
  if (!comps || !comps->is_array()) return std::nullopt;
  for (const auto& c : *comps) {
    const json* coding = first_coding(c, "code");
    if (coding && detail::string_member(*coding, "code") == code)
      return detail::string_member(c, "valueString");
  }
  return std::nullopt;
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
  out += us ? "RAD" : (r.modality == ops::Modality::Ecg12Lead ? "EC" : "LAB");
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
         head_text.find(kPumpSystem) != std::string_view::npos ||
         head_text.find(kRtlsSystem) != std::string_view::npos;
}

Decoded<OpsResource> decode_ops_fhir(std::string_view text, std::int64_t epoch_unix_ms) {
  Decoded<OpsResource> d;
  auto fail = [&](std::string why) {
    d.error = std::move(why);
    return d;
  };
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return fail("invalid JSON");
  const auto type = detail::string_member(j, "resourceType");
  if (!type) return fail("missing resourceType");
  const auto when_text = detail::string_member(j, "effectiveDateTime");
  if (!when_text) return fail("missing effectiveDateTime");
  const auto when = parse_fhir_instant(*when_text, epoch_unix_ms);
  if (!when) return fail("bad effectiveDateTime '" + *when_text + "'");

  if (*type == "DiagnosticReport") {
    ops::ImagingResult r;
    r.id = identifier_of(j, kImagingSystem).value_or(0);
    const auto patient = reference_number(detail::member(j, "subject"), "Patient/p");
    if (!patient) return fail("DiagnosticReport: missing or bad subject");
    r.patient = static_cast<physiology::PatientIndex>(*patient);
    const json* coding = first_coding(j, "code");
    const auto m = coding ? detail::string_member(*coding, "code") : std::nullopt;
    if (m == "US")
      r.modality = ops::Modality::Ultrasound;
    else if (m == "BG")
      r.modality = ops::Modality::BloodGas;
    else if (m == "ECG")
      r.modality = ops::Modality::Ecg12Lead;
    else
      return fail("DiagnosticReport: unknown modality code");
    const json* forms = detail::member(j, "presentedForm");
    if (!forms || !forms->is_array() || forms->empty())
      return fail("DiagnosticReport: no presentedForm");
    const json& form = (*forms)[0];
    const json* size = detail::member(form, "size");
    const auto data = detail::string_member(form, "data");
    if (!size || !size->is_number_unsigned()) return fail("presentedForm: missing size");
    if (!data) return fail("presentedForm: missing data");
    const auto decoded = base64_decoded_size(*data);
    if (!decoded || *decoded != size->get<std::uint64_t>())
      return fail("presentedForm: size " + std::to_string(size->get<std::uint64_t>()) +
                  " does not match the attached data");
    r.bytes = *decoded;
    r.device_time = *when;
    d.value = r;
    return d;
  }
  if (*type != "Observation")
    return fail("resourceType '" + *type + "' is not an operations resource");
  const json* coding = first_coding(j, "code");
  const auto code = coding ? detail::string_member(*coding, "code") : std::nullopt;
  const json* value = first_coding(j, "valueCodeableConcept");
  const auto value_code = value ? detail::string_member(*value, "code") : std::nullopt;
  if (code == "184508") {
    ops::PumpEvent e;
    e.id = identifier_of(j, kPumpSystem).value_or(0);
    const auto patient = reference_number(detail::member(j, "subject"), "Patient/p");
    const auto pump = reference_number(detail::member(j, "device"), "Device/pump-");
    if (!patient) return fail("pump Observation: missing or bad subject");
    if (!pump) return fail("pump Observation: missing or bad device");
    const auto kind = value_code ? ops::pump_event_from_name(*value_code) : std::nullopt;
    if (!kind) return fail("pump Observation: unknown pump event");
    e.patient = static_cast<physiology::PatientIndex>(*patient);
    e.pump = static_cast<std::uint32_t>(*pump);
    e.kind = *kind;
    e.drug = component_string(j, "184330").value_or("");
    e.rate_ml_h = component_value(j, "157784").value_or(0.0);
    e.vtbi_ml = component_value(j, "157872").value_or(0.0);
    e.volume_ml = component_value(j, "157976").value_or(0.0);
    e.device_time = *when;
    d.value = e;
    return d;
  }
  if (code == "location-fix") {
    ops::LocationFix f;
    f.id = identifier_of(j, kRtlsSystem).value_or(0);
    const json* focus = detail::member(j, "focus");
    const auto asset = focus && focus->is_array() && !focus->empty()
                           ? reference_number(&(*focus)[0], "Device/asset-")
                           : std::nullopt;
    if (!asset) return fail("location Observation: missing or bad focus");
    if (!value_code || value_code->empty()) return fail("location Observation: missing zone");
    const auto x = component_value(j, "x"), y = component_value(j, "y");
    if (!x || !y) return fail("location Observation: missing x or y");
    f.asset = static_cast<std::uint32_t>(*asset);
    f.zone = *value_code;
    f.x_m = *x;
    f.y_m = *y;
    if (const json* ext = detail::member(j, "extension"); ext && ext->is_array())
      for (const auto& x_ : *ext) {
        const json* b = detail::member(x_, "valueBoolean");
        if (detail::string_member(x_, "url") == "urn:iomtsim:battery-low" && b && b->is_boolean())
          f.battery_low = b->get<bool>();
        const auto k = detail::string_member(x_, "valueCode");
        if (detail::string_member(x_, "url") == "urn:iomtsim:asset-kind" && k)
          for (auto ak :
               {ops::AssetKind::InfusionPump, ops::AssetKind::Monitor, ops::AssetKind::Wheelchair})
            if (ops::name(ak) == *k) f.asset_kind = ak;
      }
    f.device_time = *when;
    d.value = f;
    return d;
  }
  return fail("Observation code is neither MDC_PUMP_STAT (184508) nor location-fix");
}

}  // namespace iomtsim::payloads

namespace iomtsim::payloads {

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
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
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
