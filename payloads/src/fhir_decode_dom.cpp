// The original FHIR decoder: nlohmann_json's DOM probed defensively (every access
// type-checked). Kept unchanged as the reference for the scanning decoder; see
// fhir_decode_dom.hpp.
#include "fhir_decode_dom.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "fhir_decode_common.hpp"
#include "iomtsim/payloads/codes.hpp"
#include "json_read.hpp"

namespace iomtsim::payloads::detail {
namespace {

using nlohmann::json;
using physiology::Vital;

// Observation object -> reading; returns an error reason or "".
std::string decode_observation_object(const json& obs, const FhirOptions& options,
                                      physiology::Reading& out) {
  if (!obs.is_object()) return "resource is not a JSON object";
  const auto rt = string_member(obs, "resourceType");
  if (!rt) return "missing resourceType";
  if (*rt != "Observation") return "resourceType is " + in_quotes(*rt) + ", expected 'Observation'";
  if (auto status = string_member(obs, "status");
      status && (*status == "entered-in-error" || *status == "cancelled")) {
    return "status " + in_quotes(*status) + " carries no usable value";
  }

  // code -> vital
  const json* code = member(obs, "code");
  const json* coding = code ? member(*code, "coding") : nullptr;
  if (!coding || !coding->is_array() || coding->empty()) return "missing code.coding";
  std::optional<Vital> vital;
  std::string first_code;
  for (const auto& cd : *coding) {
    const auto system = string_member(cd, "system");
    const auto c = string_member(cd, "code");
    if (!c) continue;
    if (system && *system != kLoincSystem) continue;
    if (first_code.empty()) first_code = *c;
    if ((vital = vital_from_loinc(*c))) break;
  }
  if (!vital) {
    if (first_code.empty()) return "missing LOINC code in code.coding";
    return "unknown LOINC code " + in_quotes(first_code);
  }
  out.vital = *vital;

  // subject -> patient
  const json* subject = member(obs, "subject");
  const auto subject_ref = subject ? string_member(*subject, "reference") : std::nullopt;
  if (!subject_ref) return "missing subject.reference";
  std::string_view ref = *subject_ref;
  if (!ref.starts_with("Patient/")) return "subject.reference " + in_quotes(ref) + " is not a Patient";
  ref.remove_prefix(8);
  if (ref.starts_with('p')) ref.remove_prefix(1);
  const auto patient = parse_unsigned<physiology::PatientIndex>(ref);
  if (!patient) return "subject.reference " + in_quotes(*subject_ref) + " is not Patient/p<index>";
  out.patient = *patient;

  // device -> device index (optional)
  out.device = 0;
  if (const json* device = member(obs, "device")) {
    const auto dref = string_member(*device, "reference");
    std::string_view d = dref ? std::string_view(*dref) : std::string_view{};
    const auto dash = d.rfind("-d");
    std::optional<physiology::DeviceIndex> di;
    if (d.starts_with("Device/") && dash != std::string_view::npos) {
      di = parse_unsigned<physiology::DeviceIndex>(d.substr(dash + 2));
    }
    if (!di) return "device.reference " + in_quotes(d) + " is not Device/p<patient>-d<device>";
    out.device = *di;
  }

  // effective time
  std::optional<std::string> when = string_member(obs, "effectiveDateTime");
  if (!when) when = string_member(obs, "effectiveInstant");
  if (!when) {
    if (const json* period = member(obs, "effectivePeriod")) when = string_member(*period, "start");
  }
  if (!when) return "missing effectiveDateTime";
  const auto t = parse_fhir_instant(*when, options.epoch_unix_ms);
  if (!t) return "effectiveDateTime " + in_quotes(*when) + " is not a full date-time with zone";
  out.device_time = *t;

  // value
  bool absent = false;
  if (const json* vq = member(obs, "valueQuantity")) {
    const json* value = member(*vq, "value");
    if (!value || !value->is_number()) return "valueQuantity.value is missing or not a number";
    const double raw = value->get<double>();
    if (!std::isfinite(raw)) return "valueQuantity.value is not finite";
    auto unit = string_member(*vq, "code");
    if (auto sys = string_member(*vq, "system"); unit && sys && *sys != kUcumSystem) {
      return "valueQuantity.system " + in_quotes(*sys) + " is not UCUM";
    }
    if (!unit) unit = string_member(*vq, "unit");
    if (!unit) return "valueQuantity has no unit code";
    const auto v = to_canonical(*vital, *unit, raw);
    if (!v) {
      return "unit " + in_quotes(*unit) + " does not match " + std::string(codes(*vital).loinc) +
             " (expected " + in_quotes(codes(*vital).ucum) + ")";
    }
    out.value = *v;
  } else if (const json* vc = member(obs, "valueCodeableConcept")) {
    if (*vital != Vital::Consciousness) return "valueCodeableConcept for a numeric vital";
    const json* cc = member(*vc, "coding");
    std::optional<int> level;
    if (cc && cc->is_array()) {
      for (const auto& cd : *cc) {
        if (auto c = string_member(cd, "code"); c && (level = acvpu_from_letter(*c))) break;
      }
    }
    if (!level) return "valueCodeableConcept has no ACVPU code (A, C, V, P, U)";
    out.value = *level;
  } else if (member(obs, "dataAbsentReason")) {
    out.value = 0.0;  // the device measured nothing (probe off): a reading without a value
    absent = true;
  } else {
    return "missing value (valueQuantity, valueCodeableConcept or dataAbsentReason)";
  }
  if (!absent && *vital == Vital::Consciousness && !(out.value >= 0.0 && out.value <= 4.0)) {
    return "consciousness value outside ACVPU 0..4";
  }

  // identifier -> reading id (optional)
  out.id = 0;
  if (const json* ids = member(obs, "identifier"); ids && ids->is_array()) {
    for (const auto& idn : *ids) {
      if (string_member(idn, "system") != std::optional<std::string>(kReadingSystem)) continue;
      const auto value = string_member(idn, "value");
      const auto id = value ? parse_unsigned<std::uint64_t>(*value) : std::nullopt;
      if (!id) return "identifier " + std::string(kReadingSystem) + " value is not a decimal id";
      out.id = *id;
    }
  }

  // flags extension (optional)
  out.flags = 0;
  if (const json* ext = member(obs, "extension"); ext && ext->is_array()) {
    for (const auto& e : *ext) {
      if (string_member(e, "url") != std::optional<std::string>("urn:iomtsim:flags")) continue;
      const json* f = member(e, "valueInteger");
      if (f && f->is_number_unsigned()) {
        out.flags = static_cast<std::uint8_t>(f->get<std::uint64_t>() & kWireFlags & ~kStatusFlags);
      }
    }
  }
  // The device's verdicts, from their standard elements.
  if (absent) out.flags |= physiology::kFlagValueAbsent;
  if (const json* in = member(obs, "interpretation"); in && in->is_array()) {
    for (const auto& concept_json : *in) {
      const json* codings = member(concept_json, "coding");
      if (!codings || !codings->is_array()) continue;
      for (const auto& cd : *codings)
        if (string_member(cd, "code") == std::optional<std::string>("questionable"))
          out.flags |= physiology::kFlagQuestionable;
    }
  }
  out.true_value = 0.0;
  out.true_time = {};
  return {};
}

DecodeResult decode_bundle_object(const json& b, const FhirOptions& options) {
  DecodeResult res;
  if (auto id = string_member(b, "id")) res.message_id = *id;
  const json* entries = member(b, "entry");
  if (!entries) return res;  // an empty Bundle is valid
  if (!entries->is_array()) {
    res.error = "Bundle.entry is not an array";
    return res;
  }
  res.readings.resize(entries->size());
  std::size_t i = 0;
  for (const auto& e : *entries) {
    const json* resource = e.is_object() ? member(e, "resource") : nullptr;
    std::string err = resource ? decode_observation_object(*resource, options, res.readings[i])
                               : std::string("no resource");
    if (!err.empty()) {
      res.readings.clear();
      res.error = "entry " + std::to_string(i) + ": " + err;
      return res;
    }
    ++i;
  }
  return res;
}

std::optional<json> parse(std::string_view text, DecodeResult& res) {
  json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    res.error = "invalid JSON";
    return std::nullopt;
  }
  if (!doc.is_object()) {
    res.error = "JSON is not an object";
    return std::nullopt;
  }
  return doc;
}

}  // namespace

DecodeResult decode_fhir_dom(std::string_view text, const FhirOptions& options, FhirExpect expect) {
  DecodeResult res;
  auto doc = parse(text, res);
  if (!doc) return res;
  const auto rt = string_member(*doc, "resourceType");
  if (expect == FhirExpect::Bundle && rt != std::optional<std::string>("Bundle")) {
    res.error = rt ? "resourceType is " + in_quotes(*rt) + ", expected 'Bundle'" : "missing resourceType";
    return res;
  }
  if (expect != FhirExpect::Observation && rt == std::optional<std::string>("Bundle")) {
    return decode_bundle_object(*doc, options);
  }
  physiology::Reading r;
  res.error = decode_observation_object(*doc, options, r);
  if (res.ok()) res.readings.push_back(r);
  return res;
}

}  // namespace iomtsim::payloads::detail
