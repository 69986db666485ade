// Decoding of the operations FHIR resources (ops_fhir.cpp writes them): tolerant of key
// order and whitespace, strict about what scoring needs (ids, subjects, zones, sizes).
#include <algorithm>

#include <nlohmann/json.hpp>

#include "fhir_decode_common.hpp"
#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/payloads/imaging_chart.hpp"
#include "iomtsim/payloads/ops_payloads.hpp"
#include "json_read.hpp"
#include "ops_fhir_codes.hpp"

namespace iomtsim::payloads {

namespace {

using detail::kImagingSystem;
using detail::kPumpSystem;
using detail::kRtlsSystem;
using nlohmann::json;

// An operations resource is a few dozen values; its one large member (an imaging
// result's base64 media) is a single string. Far more than any of them holds, far less
// than a hostile body of the same size would build.
constexpr detail::JsonBounds kOpsBounds{.max_depth = 32, .max_values = 4096};

std::optional<std::uint64_t> base64_decoded_size(std::string_view s) {
  if (s.size() % 4 != 0) return std::nullopt;
  std::uint64_t pad = 0;
  if (!s.empty() && s.back() == '=') ++pad;
  if (s.size() > 1 && s[s.size() - 2] == '=') ++pad;
  return s.size() / 4 * 3 - pad;
}

std::optional<std::uint64_t> uint_text(std::string_view s) {
  return detail::parse_unsigned<std::uint64_t>(s);  // digits only; nullopt on overflow
}

std::optional<std::uint64_t> identifier_of(const json& j, const char* system) {
  const json* ids = detail::member(j, "identifier");
  if (!ids || !ids->is_array()) return std::nullopt;
  for (const auto& i : *ids)
    if (detail::string_member(i, "system") == system)
      if (auto v = detail::string_member(i, "value")) return uint_text(*v);
  return std::nullopt;
}

// "Device/pump-17" -> 17. Patients, pumps and assets are 32-bit numbers: a larger one is
// refused, not wrapped onto another.
std::optional<std::uint32_t> reference_number(const json* ref_holder, std::string_view prefix) {
  if (!ref_holder) return std::nullopt;
  auto r = detail::string_member(*ref_holder, "reference");
  if (!r || !std::string_view(*r).starts_with(prefix)) return std::nullopt;
  return detail::parse_unsigned<std::uint32_t>(std::string_view(*r).substr(prefix.size()));
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

Decoded<OpsResource> decode_ops_resource(const json& j, std::int64_t epoch_unix_ms) {
  Decoded<OpsResource> d;
  auto fail = [&](std::string why) {
    d.error = std::move(why);
    return d;
  };
  if (!j.is_object()) return fail("a resource must be a JSON object");
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
    else if (m == "CR")
      r.modality = ops::Modality::Xray;
    else
      return fail("DiagnosticReport: unknown modality code");
    const json* forms = detail::member(j, "presentedForm");
    if (!forms && detail::member(j, "imagingStudy")) {  // the media is in the PACS
      r.device_time = *when;
      d.value = r;
      return d;
    }
    if (!forms || !forms->is_array() || forms->empty())
      return fail("DiagnosticReport: no presentedForm");
    const json& form = (*forms)[0];
    const json* size = detail::member(form, "size");
    const std::string* data = detail::string_member_ref(form, "data");  // MiBs: no copy
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
    // A receiver keeps the zone per asset: a name is a word, not a payload.
    if (value_code->size() > 64) return fail("location Observation: zone longer than 64 bytes");
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

constexpr std::string_view kOperationalStatuses[] = {"on", "off", "standby", "entered-in-error"};
constexpr std::string_view kMetricCategories[] = {"measurement", "setting", "calculation",
                                                  "unspecified"};

// The pump's infusion-rate DeviceMetric: type MDC_FLOW_FLUID_PUMP, a valid status and
// category, and its source the same pump as the Observation's device.
std::string check_device_metric(const json& m, std::uint32_t pump, PumpBundle& out) {
  const auto id = detail::string_member(m, "id");
  if (!id || id->empty()) return "DeviceMetric: missing id";
  const json* type = first_coding(m, "type");
  if (!type || detail::string_member(*type, "code") != "157784")
    return "DeviceMetric: type must be MDC_FLOW_FLUID_PUMP (157784)";
  const auto source = reference_number(detail::member(m, "source"), "Device/pump-");
  if (!source) return "DeviceMetric: missing or bad source";
  if (*source != pump) return "DeviceMetric: source is not the Observation's pump";
  const auto status = detail::string_member(m, "operationalStatus");
  if (!status || std::find(std::begin(kOperationalStatuses), std::end(kOperationalStatuses),
                           *status) == std::end(kOperationalStatuses))
    return "DeviceMetric: operationalStatus must be on, off, standby or entered-in-error";
  const auto category = detail::string_member(m, "category");
  if (!category || std::find(std::begin(kMetricCategories), std::end(kMetricCategories),
                             *category) == std::end(kMetricCategories))
    return "DeviceMetric: category must be measurement, setting, calculation or unspecified";
  out.metric_id = *id;
  out.operational_status = *status;
  return {};
}

}  // namespace

Decoded<OpsResource> decode_ops_fhir(std::string_view text, std::int64_t epoch_unix_ms) {
  json j;
  std::string why;
  if (!detail::parse_json_bounded(text, kOpsBounds, j, why)) return {{}, std::move(why)};
  if (!j.is_object()) return {{}, "invalid JSON"};
  return decode_ops_resource(j, epoch_unix_ms);
}

Decoded<PumpBundle> decode_pump_bundle(std::string_view text, std::int64_t epoch_unix_ms) {
  Decoded<PumpBundle> d;
  auto fail = [&](std::string why) {
    d.error = std::move(why);
    return d;
  };
  json j;
  std::string why;
  if (!detail::parse_json_bounded(text, kOpsBounds, j, why)) return fail(std::move(why));
  if (!j.is_object()) return fail("invalid JSON");
  if (detail::string_member(j, "resourceType") != "Bundle") return fail("not a Bundle");
  if (detail::string_member(j, "type") != "transaction")
    return fail("Bundle.type must be transaction");
  const json* entries = detail::member(j, "entry");
  if (!entries || !entries->is_array()) return fail("Bundle: missing entry array");
  const json* metric = nullptr;
  const json* observation = nullptr;
  for (const auto& e : *entries) {
    const json* r = detail::member(e, "resource");
    if (!r || !r->is_object()) return fail("Bundle entry without a resource");
    const auto type = detail::string_member(*r, "resourceType");
    const json*& slot = type == "DeviceMetric" ? metric : observation;
    if (type != "DeviceMetric" && type != "Observation")
      return fail("pump Bundle: unexpected " + type.value_or("resource"));
    if (slot) return fail("pump Bundle: more than one " + *type);
    slot = r;
  }
  if (!observation) return fail("pump Bundle: no Observation");
  auto event = decode_ops_resource(*observation, epoch_unix_ms);
  if (!event.ok()) return fail(std::move(event.error));
  auto* pump = std::get_if<ops::PumpEvent>(&event.value);
  if (!pump) return fail("pump Bundle: the Observation is not a pump event");
  if (metric) {
    if (auto bad = check_device_metric(*metric, pump->pump, d.value); !bad.empty())
      return fail(std::move(bad));
  }
  d.value.event = std::move(*pump);
  return d;
}

bool looks_like_imaging_chart_bundle(std::string_view text) {
  const auto head = text.substr(0, 200);
  return head.find("\"Bundle\"") != std::string_view::npos &&
         head.find("\"ImagingStudy\"") != std::string_view::npos;
}

Decoded<ImagingChartBundle> decode_imaging_chart_bundle(std::string_view text,
                                                        std::int64_t epoch_unix_ms) {
  Decoded<ImagingChartBundle> d;
  auto fail = [&](std::string why) {
    d.error = std::move(why);
    return d;
  };
  json j;
  std::string why;
  if (!detail::parse_json_bounded(text, kOpsBounds, j, why)) return fail(std::move(why));
  if (!j.is_object() || detail::string_member(j, "resourceType") != "Bundle")
    return fail("not a Bundle");
  if (detail::string_member(j, "type") != "transaction")
    return fail("Bundle.type must be transaction");
  const json* entries = detail::member(j, "entry");
  if (!entries || !entries->is_array()) return fail("Bundle: missing entry array");
  const json* study = nullptr;
  const json* report = nullptr;
  for (const auto& e : *entries) {
    const json* r = detail::member(e, "resource");
    if (!r || !r->is_object()) return fail("Bundle entry without a resource");
    const auto type = detail::string_member(*r, "resourceType");
    if (type != "ImagingStudy" && type != "DiagnosticReport")
      return fail("imaging Bundle: unexpected " + type.value_or("resource"));
    const json*& slot = type == "ImagingStudy" ? study : report;
    if (slot) return fail("imaging Bundle: more than one " + *type);
    slot = r;
  }
  if (!study || !report)
    return fail("imaging Bundle: wants one ImagingStudy and one DiagnosticReport");
  const auto study_id = detail::string_member(*study, "id");
  if (!study_id || study_id->empty()) return fail("ImagingStudy: missing id");
  const json* refs = detail::member(*report, "imagingStudy");
  const auto ref = refs && refs->is_array() && !refs->empty()
                       ? detail::string_member((*refs)[0], "reference")
                       : std::nullopt;
  if (ref != "ImagingStudy/" + *study_id)
    return fail("DiagnosticReport.imagingStudy does not reference the Bundle's ImagingStudy");
  auto r = decode_ops_resource(*report, epoch_unix_ms);
  if (!r.ok()) return fail(std::move(r.error));
  auto* result = std::get_if<ops::ImagingResult>(&r.value);
  if (!result) return fail("imaging Bundle: not an imaging result");
  d.value.result = *result;
  d.value.study_id = *study_id;
  return d;
}

}  // namespace iomtsim::payloads
