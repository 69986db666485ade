// The decoder behind the target's FHIR endpoint: one pass over the body with a validating
// scanner (json_scanner.hpp), no DOM. Profiling showed the nlohmann DOM decoder at about a
// quarter of the target's CPU per Observation; this one accepts and rejects exactly the same
// documents with the same reasons (tests/payloads/fhir_differential_test.cpp checks it
// against the DOM decoder, kept in fhir_decode_dom.cpp). The checks below run in the DOM
// decoder's order so that the first failing one gives the same reason.
#include <cmath>

#include "civil_time.hpp"
#include "fhir_decode_common.hpp"
#include "fhir_scan.hpp"
#include "iomtsim/payloads/codes.hpp"
#include "iomtsim/payloads/fhir.hpp"

namespace iomtsim::payloads {
namespace {

using detail::FhirExpect;
using detail::in_quotes;
using detail::ObservationFields;
using physiology::Vital;

std::string quoted(std::string_view s) { return in_quotes(s); }

// Captured fields -> reading; returns an error reason or "".
std::string decode_observation_fields(const ObservationFields& obs, const FhirOptions& options,
                                      physiology::Reading& out) {
  if (!obs.is_object) return "resource is not a JSON object";
  if (!obs.resource_type) return "missing resourceType";
  if (*obs.resource_type != "Observation")
    return "resourceType is " + quoted(*obs.resource_type) + ", expected 'Observation'";
  if (obs.status && (*obs.status == "entered-in-error" || *obs.status == "cancelled"))
    return "status " + quoted(*obs.status) + " carries no usable value";

  if (!obs.coding_present) return "missing code.coding";
  if (!obs.vital) {
    if (obs.first_code.empty()) return "missing LOINC code in code.coding";
    return "unknown LOINC code " + quoted(obs.first_code);
  }
  const Vital vital = *obs.vital;
  out.vital = vital;

  if (!obs.subject_reference) return "missing subject.reference";
  std::string_view ref = *obs.subject_reference;
  if (!ref.starts_with("Patient/")) return "subject.reference " + quoted(ref) + " is not a Patient";
  ref.remove_prefix(8);
  if (ref.starts_with('p')) ref.remove_prefix(1);
  const auto patient = detail::parse_unsigned<physiology::PatientIndex>(ref);
  if (!patient)
    return "subject.reference " + quoted(*obs.subject_reference) + " is not Patient/p<index>";
  out.patient = *patient;

  out.device = 0;
  if (obs.device_present) {
    const std::string_view d = obs.device_reference.value_or(std::string_view{});
    const auto dash = d.rfind("-d");
    std::optional<physiology::DeviceIndex> di;
    if (d.starts_with("Device/") && dash != std::string_view::npos)
      di = detail::parse_unsigned<physiology::DeviceIndex>(d.substr(dash + 2));
    if (!di) return "device.reference " + quoted(d) + " is not Device/p<patient>-d<device>";
    out.device = *di;
  }

  detail::OptText when = obs.effective_date_time;
  if (!when) when = obs.effective_instant;
  if (!when && obs.effective_period_present) when = obs.effective_period_start;
  if (!when) return "missing effectiveDateTime";
  const auto t = parse_fhir_instant(*when, options.epoch_unix_ms);
  if (!t) return "effectiveDateTime " + quoted(*when) + " is not a full date-time with zone";
  out.device_time = *t;

  if (obs.value_quantity_present) {
    if (!obs.quantity_value_is_number) return "valueQuantity.value is missing or not a number";
    const double raw = obs.quantity_value;
    if (!std::isfinite(raw)) return "valueQuantity.value is not finite";
    detail::OptText unit = obs.quantity_code;
    if (unit && obs.quantity_system && *obs.quantity_system != detail::kUcumSystem)
      return "valueQuantity.system " + quoted(*obs.quantity_system) + " is not UCUM";
    if (!unit) unit = obs.quantity_unit;
    if (!unit) return "valueQuantity has no unit code";
    const auto v = detail::to_canonical(vital, *unit, raw);
    if (!v) {
      return "unit " + quoted(*unit) + " does not match " + std::string(codes(vital).loinc) +
             " (expected " + quoted(codes(vital).ucum) + ")";
    }
    out.value = *v;
  } else if (obs.value_concept_present) {
    if (vital != Vital::Consciousness) return "valueCodeableConcept for a numeric vital";
    if (!obs.acvpu_level) return "valueCodeableConcept has no ACVPU code (A, C, V, P, U)";
    out.value = *obs.acvpu_level;
  } else if (obs.data_absent) {
    out.value = 0.0;  // the device measured nothing (probe off): a reading without a value
  } else {
    return "missing value (valueQuantity, valueCodeableConcept or dataAbsentReason)";
  }
  const bool absent = !obs.value_quantity_present && !obs.value_concept_present;
  if (!absent && vital == Vital::Consciousness && !(out.value >= 0.0 && out.value <= 4.0))
    return "consciousness value outside ACVPU 0..4";

  if (obs.reading_id_bad)
    return "identifier " + std::string(detail::kReadingSystem) + " value is not a decimal id";
  out.id = obs.reading_id;
  out.flags = static_cast<std::uint8_t>((obs.flags & ~kStatusFlags) |
                                        (absent ? physiology::kFlagValueAbsent : 0) |
                                        (obs.questionable ? physiology::kFlagQuestionable : 0));
  out.true_value = 0.0;
  out.true_time = {};
  return {};
}

// Decodes Bundle entries as the scanner meets them; the first bad one ends the work
// (the document is still scanned to the end: invalid JSON anywhere wins).
class EntryDecoder final : public detail::BundleEntrySink {
 public:
  explicit EntryDecoder(const FhirOptions& options) : options_(options) {}

  void restart() override {
    readings_.clear();
    error_.clear();
  }
  bool entry(const ObservationFields* resource) override {
    const std::size_t index = readings_.size();
    physiology::Reading& r = readings_.emplace_back();
    std::string err =
        resource ? decode_observation_fields(*resource, options_, r) : std::string("no resource");
    if (err.empty()) return true;
    readings_.clear();
    error_ = "entry " + std::to_string(index) + ": " + err;
    return false;
  }

  std::vector<physiology::Reading> readings_;
  std::string error_;

 private:
  const FhirOptions& options_;
};

DecodeResult decode(std::string_view text, const FhirOptions& options, FhirExpect expect) {
  DecodeResult res;
  detail::JsonScanner scanner(text);
  detail::FhirDocument doc;
  EntryDecoder entries(options);
  if (!detail::scan_fhir_document(scanner, expect, doc, entries)) {
    res.error = "invalid JSON";
    return res;
  }
  if (!doc.is_object) {
    res.error = "JSON is not an object";
    return res;
  }
  const detail::OptText& rt = doc.top.resource_type;
  const bool is_bundle = rt == std::string_view("Bundle");
  if (expect == FhirExpect::Bundle && !is_bundle) {
    res.error = rt ? "resourceType is " + quoted(*rt) + ", expected 'Bundle'" : "missing resourceType";
    return res;
  }
  if (expect != FhirExpect::Observation && is_bundle) {
    if (doc.bundle_id) res.message_id = *doc.bundle_id;
    if (!doc.entry_present) return res;  // an empty Bundle is valid
    if (!doc.entry_is_array) {
      res.error = "Bundle.entry is not an array";
      return res;
    }
    res.readings = std::move(entries.readings_);
    res.error = std::move(entries.error_);
    return res;
  }
  physiology::Reading r;
  res.error = decode_observation_fields(doc.top, options, r);
  if (res.ok()) res.readings.push_back(r);
  return res;
}

}  // namespace

DecodeResult decode_observation(std::string_view text, const FhirOptions& options) {
  return decode(text, options, FhirExpect::Observation);
}

DecodeResult decode_bundle(std::string_view text, const FhirOptions& options) {
  return decode(text, options, FhirExpect::Bundle);
}

DecodeResult decode_fhir(std::string_view text, const FhirOptions& options) {
  return decode(text, options, FhirExpect::Either);
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
  if (*y < detail::kMinWireYear || *y > detail::kMaxWireYear) return std::nullopt;
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
