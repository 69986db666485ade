// Hand-written FHIR JSON: every Observation has the same shape, so appending fixed
// fragments around a few numbers is several times faster than building a DOM.
#include <array>

#include "civil_time.hpp"
#include "iomtsim/payloads/codes.hpp"
#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/physiology/random.hpp"
#include "text_writer.hpp"

namespace iomtsim::payloads {
namespace {

using detail::append_fixed;
using detail::append_padded;
using detail::append_uint;

void append_instant(std::string& out, physiology::SimTime device_time, std::int64_t epoch_unix_ms) {
  const std::int64_t unix_ns = epoch_unix_ms * 1'000'000 + device_time.time_since_epoch().count();
  const auto t = detail::civil_from_unix_ns(unix_ns);
  if (t.year < 0 || t.year > 9999) {
    // FHIR has four-digit years only; clamp rather than emit something unparseable.
    out.append("0001-01-01T00:00:00.000Z");
    return;
  }
  append_padded(out, static_cast<std::uint64_t>(t.year), 4);
  out.push_back('-');
  append_padded(out, t.month, 2);
  out.push_back('-');
  append_padded(out, t.day, 2);
  out.push_back('T');
  append_padded(out, t.hour, 2);
  out.push_back(':');
  append_padded(out, t.minute, 2);
  out.push_back(':');
  append_padded(out, t.second, 2);
  out.push_back('.');
  append_padded(out, static_cast<std::uint64_t>(t.nanos / 1'000'000), 3);
  out.push_back('Z');
}

}  // namespace

physiology::SimTime scaled_device_time(physiology::SimTime device_time,
                                       const FhirOptions& options) {
  if (options.device_time_scale == 1.0) return device_time;
  return physiology::SimTime{physiology::Duration{static_cast<std::int64_t>(
      static_cast<double>(device_time.time_since_epoch().count()) * options.device_time_scale)}};
}

std::string format_fhir_instant(physiology::SimTime device_time, std::int64_t epoch_unix_ms) {
  std::string s;
  append_instant(s, device_time, epoch_unix_ms);
  return s;
}

void append_delivery_key(std::string& out, std::uint64_t run, std::uint64_t reading_id) {
  append_uint(out, run);
  out.push_back('-');
  append_uint(out, reading_id);
}

std::string delivery_key(std::uint64_t run, std::uint64_t reading_id) {
  std::string s;
  append_delivery_key(s, run, reading_id);
  return s;
}

void append_if_none_exist(std::string& out, std::uint64_t run, std::uint64_t reading_id) {
  out.append("identifier=");
  out.append(kDeliverySystem);
  out.push_back('|');
  append_delivery_key(out, run, reading_id);
}

void append_observation(std::string& out, const physiology::Reading& r,
                        const FhirOptions& options) {
  const VitalCodes& c = codes(r.vital);
  out.append(R"({"resourceType":"Observation",)");
  if (options.write == FhirWrite::Put) {
    out.append(R"("id":")");
    append_delivery_key(out, options.delivery_run, r.id);
    out.append(R"(",)");
  }
  out.append(R"("identifier":[{"system":"urn:iomtsim:reading","value":")");
  append_uint(out, r.id);
  if (options.write != FhirWrite::Post) {
    out.append(R"("},{"system":")");
    out.append(kDeliverySystem);
    out.append(R"(","value":")");
    append_delivery_key(out, options.delivery_run, r.id);
  }
  out.append(
      R"("}],"status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs","display":"Vital Signs"}]}],"code":{"coding":[{"system":"http://loinc.org","code":")");
  out.append(c.loinc);
  out.append(R"(","display":")");
  out.append(c.loinc_display);  // table text: no characters that need escaping
  out.append(R"("}]},"subject":{"reference":"Patient/)");
  const std::string* patient = options.refs ? options.refs->patient(r.patient) : nullptr;
  if (patient) {
    out.append(*patient);
  } else {
    out.push_back('p');
    append_uint(out, r.patient);
  }
  out.append(R"("},"device":{"reference":"Device/)");
  const std::string* device = options.refs ? options.refs->device(r.patient, r.device) : nullptr;
  if (device) {
    out.append(*device);
  } else {
    out.push_back('p');
    append_uint(out, r.patient);
    out.append("-d");
    append_uint(out, r.device);
  }
  out.append(R"("},"effectiveDateTime":")");
  append_instant(out, scaled_device_time(r.device_time, options), options.epoch_unix_ms);
  if (r.vital == physiology::Vital::Consciousness) {
    static constexpr std::array<std::string_view, 5> kDisplay = {
        "Alert", "New confusion", "Responds to voice", "Responds to pain", "Unresponsive"};
    const char letter = acvpu_letter(r.value);
    const auto level = acvpu_from_letter(std::string_view(&letter, 1));
    out.append(R"(","valueCodeableConcept":{"coding":[{"system":"urn:iomtsim:acvpu","code":")");
    out.push_back(letter);
    out.append(R"(","display":")");
    out.append(level ? kDisplay[static_cast<std::size_t>(*level)] : "Unknown");
    out.append(R"("}]})");
  } else if (r.flags & physiology::kFlagValueAbsent) {
    // No value (probe off): the reason instead, as FHIR wants for a missing value.
    out.append(R"(","dataAbsentReason":{"coding":[{"system":")");
    out.append(kDataAbsentReasonSystem);
    out.append(R"(","code":"error","display":"Error"}]})");
  } else {
    out.append(R"(","valueQuantity":{"value":)");
    append_fixed(out, r.value, c.wire_decimals);
    out.append(R"(,"unit":")");
    out.append(c.ucum_display);
    out.append(R"(","system":"http://unitsofmeasure.org","code":")");
    out.append(c.ucum);
    out.append(R"("})");
  }
  if (r.flags & physiology::kFlagQuestionable) {
    // The device's own verdict: IEEE 11073 measurement status "questionable".
    out.append(R"(,"interpretation":[{"coding":[{"system":")");
    out.append(kMeasurementStatusSystem);
    out.append(R"(","code":"questionable","display":"Questionable"}]}])");
  }
  const std::uint8_t flags = r.flags & kWireFlags & ~kStatusFlags;
  if (flags != 0) {
    out.append(R"(,"extension":[{"url":"urn:iomtsim:flags","valueInteger":)");
    append_uint(out, flags);
    out.append("}]");
  }
  out.push_back('}');
}

std::string encode_observation(const physiology::Reading& r, const FhirOptions& options) {
  std::string out;
  out.reserve(640);
  append_observation(out, r, options);
  return out;
}

std::string reading_uuid(std::uint64_t reading_id) {
  // A version-4-shaped UUID whose random bits are a fixed mix of the reading id, so the
  // same reading always gets the same fullUrl and distinct readings distinct ones (the
  // id sits in the last 64 bits, which are injective apart from the variant bits; the
  // variant bits are taken from the top bits of a mix in the first half).
  static constexpr char kHex[] = "0123456789abcdef";
  const std::uint64_t hi = physiology::splitmix64(reading_id ^ 0x696F6D7473696D00ull);
  std::array<std::uint8_t, 16> b{};
  for (int i = 0; i < 8; ++i)
    b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(hi >> (56 - 8 * i));
  for (int i = 0; i < 8; ++i)
    b[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(reading_id >> (56 - 8 * i));
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0F) | 0x40);  // version 4
  // Variant 10xx lives in byte 8, the reading id's top byte (24-bit patient's high bits).
  // Move that byte into byte 7 (random half) so the id stays recoverable from the UUID.
  b[7] = b[8];
  b[8] = 0x80;
  std::string s = "urn:uuid:";
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kHex[b[i] >> 4]);
    s.push_back(kHex[b[i] & 0xF]);
  }
  return s;
}

std::string encode_transaction_bundle(std::span<const physiology::Reading> readings,
                                      const FhirOptions& options) {
  std::string out;
  out.reserve(96 + readings.size() * 760);
  out.append(R"({"resourceType":"Bundle","type":"transaction","entry":[)");
  bool first = true;
  for (const auto& r : readings) {
    if (!first) out.push_back(',');
    first = false;
    out.append(R"({"fullUrl":")");
    out.append(reading_uuid(r.id));
    out.append(R"(","resource":)");
    append_observation(out, r, options);
    switch (options.write) {
      case FhirWrite::Post:
        out.append(R"(,"request":{"method":"POST","url":"Observation"}})");
        break;
      case FhirWrite::ConditionalCreate:
        out.append(R"(,"request":{"method":"POST","url":"Observation","ifNoneExist":")");
        append_if_none_exist(out, options.delivery_run, r.id);  // no characters to escape
        out.append(R"("}})");
        break;
      case FhirWrite::Put:
        out.append(R"(,"request":{"method":"PUT","url":"Observation/)");
        append_delivery_key(out, options.delivery_run, r.id);
        out.append(R"("}})");
        break;
    }
  }
  out.append("]}");
  return out;
}

std::string operation_outcome(std::string_view diagnostics) {
  std::string out =
      R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid","diagnostics":)";
  detail::append_json_string(out, diagnostics);
  out.append("}]}");
  return out;
}

}  // namespace iomtsim::payloads
