// Decoding is where robustness matters more than speed: nlohmann_json gives a DOM we can
// probe defensively (every access type-checked), and each failure names what it found.
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "civil_time.hpp"
#include "iomtsim/payloads/codes.hpp"
#include "iomtsim/payloads/fhir.hpp"
#include "json_read.hpp"

namespace iomtsim::payloads {
namespace {

using nlohmann::json;
using physiology::Vital;
using detail::member;
using detail::string_member;

constexpr std::string_view kLoincSystem = "http://loinc.org";
constexpr std::string_view kUcumSystem = "http://unitsofmeasure.org";
constexpr std::string_view kReadingSystem = "urn:iomtsim:reading";

// Digits only, no sign, no overflow.
template <class T>
std::optional<T> parse_unsigned(std::string_view s) {
  T v{};
  if (s.empty()) return std::nullopt;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// Converts `value` in UCUM `unit` to the canonical unit of `v`; nullopt if not simple.
std::optional<double> to_canonical(Vital v, std::string_view unit, double value) {
  const VitalCodes& c = codes(v);
  if (unit == c.ucum) return value;
  switch (v) {
    case Vital::HeartRate:
    case Vital::PulseRate:
    case Vital::RespRate:
      if (unit == "{beats}/min" || unit == "{breaths}/min" || unit == "1/min") return value;
      break;
    case Vital::Temperature:
      if (unit == "[degF]") return (value - 32.0) * 5.0 / 9.0;
      if (unit == "K") return value - 273.15;
      break;
    case Vital::Glucose:
      // Molar mass of glucose 180.156 g/mol: 1 mmol/L = 18.0156 mg/dL.
      if (unit == "mmol/L") return value * 18.0156;
      if (unit == "mg/L") return value / 10.0;
      break;
    case Vital::Weight:
      if (unit == "g") return value / 1000.0;
      if (unit == "[lb_av]") return value * 0.45359237;
      break;
    default: break;
  }
  return std::nullopt;
}

// Built by append: GCC 12 warns (-Wrestrict, a known false positive) on "'" + s + "'".
std::string in_quotes(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('\'');
  out.append(s.substr(0, 80));
  out.push_back('\'');
  return out;
}

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
  } else {
    return "missing value (valueQuantity or valueCodeableConcept)";
  }
  if (*vital == Vital::Consciousness && !(out.value >= 0.0 && out.value <= 4.0)) {
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
        out.flags = static_cast<std::uint8_t>(f->get<std::uint64_t>() & kWireFlags);
      }
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

DecodeResult decode_observation(std::string_view text, const FhirOptions& options) {
  DecodeResult res;
  auto doc = parse(text, res);
  if (!doc) return res;
  physiology::Reading r;
  res.error = decode_observation_object(*doc, options, r);
  if (res.ok()) res.readings.push_back(r);
  return res;
}

DecodeResult decode_bundle(std::string_view text, const FhirOptions& options) {
  DecodeResult res;
  auto doc = parse(text, res);
  if (!doc) return res;
  const auto rt = string_member(*doc, "resourceType");
  if (rt != std::optional<std::string>("Bundle")) {
    res.error = rt ? "resourceType is " + in_quotes(*rt) + ", expected 'Bundle'" : "missing resourceType";
    return res;
  }
  return decode_bundle_object(*doc, options);
}

DecodeResult decode_fhir(std::string_view text, const FhirOptions& options) {
  DecodeResult res;
  auto doc = parse(text, res);
  if (!doc) return res;
  if (string_member(*doc, "resourceType") == std::optional<std::string>("Bundle")) {
    return decode_bundle_object(*doc, options);
  }
  physiology::Reading r;
  res.error = decode_observation_object(*doc, options, r);
  if (res.ok()) res.readings.push_back(r);
  return res;
}

std::optional<physiology::SimTime> parse_fhir_instant(std::string_view s, std::int64_t epoch_unix_ms) {
  // YYYY-MM-DDThh:mm:ss[.f+](Z|(+|-)hh:mm)
  auto digits = [&](std::size_t pos, std::size_t n) -> std::optional<unsigned> {
    if (pos + n > s.size()) return std::nullopt;
    unsigned v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + static_cast<unsigned>(s[i] - '0');
    }
    return v;
  };
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  const auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2), h = digits(11, 2),
             mi = digits(14, 2), se = digits(17, 2);
  if (!y || !mo || !d || !h || !mi || !se) return std::nullopt;
  if (*mo < 1 || *mo > 12 || *d < 1 || *d > detail::days_in_month(*y, *mo) || *h > 23 ||
      *mi > 59 || *se > 60) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::int64_t nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t n = 0;
    std::int64_t scale = 100'000'000;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      nanos += (s[pos] - '0') * scale;  // digits past nanoseconds are dropped
      scale /= 10;
      ++pos;
      ++n;
    }
    if (n == 0) return std::nullopt;
  }
  std::int64_t offset_min = 0;
  if (pos == s.size()) return std::nullopt;  // a zone is required for an instant
  if (s[pos] == 'Z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    const auto oh = digits(pos + 1, 2), om = digits(pos + 4, 2);
    if (!oh || !om || pos + 3 >= s.size() || s[pos + 3] != ':' || *oh > 14 || *om > 59) return std::nullopt;
    offset_min = (s[pos] == '+' ? 1 : -1) * static_cast<std::int64_t>(*oh * 60 + *om);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  detail::CivilTime t;
  t.year = *y;
  t.month = *mo;
  t.day = *d;
  t.hour = *h;
  t.minute = *mi;
  t.second = *se;
  t.nanos = nanos;
  const std::int64_t unix_ns = detail::unix_ns_from_civil(t) - offset_min * 60'000'000'000;
  return physiology::SimTime{physiology::Duration{unix_ns - epoch_unix_ms * 1'000'000}};
}

}  // namespace iomtsim::payloads
