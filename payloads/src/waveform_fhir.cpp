// Waveform blocks as FHIR R4 Observations with valueSampledData (layout: waveform.hpp).
// Encoding appends fixed fragments like fhir_encode.cpp; decoding uses nlohmann's DOM: a
// block is one message per second per device, far from the vitals' hot path, and the DOM
// keeps the checks readable.
#include <charconv>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "iomtsim/payloads/waveform.hpp"
#include "json_read.hpp"
#include "text_writer.hpp"

namespace iomtsim::payloads {
namespace {

using detail::append_int;
using detail::append_uint;
using nlohmann::json;

constexpr std::string_view kSystem = "urn:iomtsim:waveform";
constexpr std::string_view kMdc = "urn:iso:std:iso:11073:10101";

struct KindCodes {
  std::string_view code, display, unit;
};
KindCodes kind_codes(physiology::WaveformKind k) {
  return k == physiology::WaveformKind::EcgLeadII
             ? KindCodes{"131330", "MDC_ECG_ELEC_POTL_II", "mV"}
             : KindCodes{"150452", "MDC_PULS_OXIM_PLETH", "1"};
}

// Shortest decimal that reads back as the same double (1000/250 -> "4", 1000/128 -> "7.8125").
void append_shortest(std::string& out, double v) {
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

}  // namespace

std::string encode_waveform_observation(const physiology::WaveformBlock& b,
                                        const FhirOptions& options) {
  const KindCodes c = kind_codes(b.kind);
  std::string out;
  out.reserve(720 + b.samples.size() * 5);
  out.append(R"({"resourceType":"Observation","identifier":[{"system":")");
  out.append(kSystem);
  out.append(R"(","value":")");
  append_uint(out, b.id);
  out.append(
      R"("}],"status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"procedure","display":"Procedure"}]}],"code":{"coding":[{"system":")");
  out.append(kMdc);
  out.append(R"(","code":")");
  out.append(c.code);
  out.append(R"(","display":")");
  out.append(c.display);
  out.append(R"("}]},"subject":{"reference":"Patient/p)");
  append_uint(out, b.patient);
  out.append(R"("},"device":{"reference":"Device/p)");
  append_uint(out, b.patient);
  out.append("-d");
  append_uint(out, b.device);
  out.append(R"("},"effectiveDateTime":")");
  out.append(format_fhir_instant(b.device_time, options.epoch_unix_ms));
  out.append(R"(","valueSampledData":{"origin":{"value":0,"unit":")");
  out.append(c.unit);
  out.append(R"(","system":"http://unitsofmeasure.org","code":")");
  out.append(c.unit);
  out.append(R"("},"period":)");
  append_shortest(out, b.sample_rate_hz > 0 ? 1000.0 / b.sample_rate_hz : 0.0);
  out.append(R"(,"factor":0.001,"dimensions":1,"data":")");
  for (std::size_t i = 0; i < b.samples.size(); ++i) {
    if (i) out.push_back(' ');
    append_int(out, b.samples[i]);
  }
  out.append(R"("})");
  if (b.flags & physiology::kFlagProbeOff)
    out.append(
        R"(,"interpretation":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation","code":"IE","display":"Insufficient evidence"}],"text":"lead off"}])");
  out.push_back('}');
  return out;
}

bool looks_like_waveform_fhir(std::string_view j) {
  return j.substr(0, 200).find(kSystem) != std::string_view::npos;
}

Decoded<physiology::WaveformBlock> decode_waveform_observation(std::string_view text,
                                                               const FhirOptions& options) {
  Decoded<physiology::WaveformBlock> d;
  auto fail = [&](std::string why) {
    d.error = std::move(why);
    return d;
  };
  json j;
  std::string why;
  // A block is one Observation whose samples are one string: a few dozen values.
  if (!detail::parse_json_bounded(text, {.max_depth = 32, .max_values = 4096}, j, why))
    return fail(std::move(why));
  if (detail::string_member(j, "resourceType") != "Observation") return fail("not an Observation");
  auto& b = d.value;

  if (const json* ids = detail::member(j, "identifier"); ids && ids->is_array()) {
    for (const auto& id : *ids)
      if (detail::string_member(id, "system") == kSystem) {
        const auto v = detail::string_member(id, "value").value_or("");
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), b.id);
        if (ec != std::errc{} || p != v.data() + v.size())
          return fail("bad waveform identifier '" + v + "'");
      }
  }
  bool known_code = false;
  if (const json* code = detail::member(j, "code"); code)
    if (const json* cs = detail::member(*code, "coding"); cs && cs->is_array())
      for (const auto& c : *cs) {
        if (detail::string_member(c, "system") != kMdc) continue;
        const auto v = detail::string_member(c, "code").value_or("");
        if (v == "131330")
          b.kind = physiology::WaveformKind::EcgLeadII;
        else if (v == "150452")
          b.kind = physiology::WaveformKind::Ppg;
        else
          return fail("unknown waveform MDC code '" + v + "'");
        known_code = true;
      }
  if (!known_code) return fail("no MDC waveform code (131330 or 150452)");

  const json* subject = detail::member(j, "subject");
  const auto subj = subject ? detail::string_member(*subject, "reference").value_or("") : "";
  std::uint32_t patient = 0;
  if (!subj.starts_with("Patient/p") ||
      std::from_chars(subj.data() + 9, subj.data() + subj.size(), patient).ptr !=
          subj.data() + subj.size())
    return fail("missing or unparseable subject '" + subj + "'");
  b.patient = patient;
  if (const json* dev = detail::member(j, "device")) {
    const auto ref = detail::string_member(*dev, "reference").value_or("");
    const auto dash = ref.rfind("-d");
    unsigned device = 0;
    if (dash == std::string::npos ||
        std::from_chars(ref.data() + dash + 2, ref.data() + ref.size(), device).ptr !=
            ref.data() + ref.size() ||
        device > 0xFF)
      return fail("unparseable device reference '" + ref + "'");
    b.device = static_cast<physiology::DeviceIndex>(device);
  }
  const auto when = detail::string_member(j, "effectiveDateTime");
  if (!when) return fail("missing effectiveDateTime");
  const auto t = parse_fhir_instant(*when, options.epoch_unix_ms);
  if (!t) return fail("bad effectiveDateTime '" + *when + "'");
  b.device_time = *t;

  const json* sd = detail::member(j, "valueSampledData");
  if (!sd || !sd->is_object()) return fail("missing valueSampledData");
  const json* period = detail::member(*sd, "period");
  if (!period || !period->is_number() || !(period->get<double>() > 0.0))
    return fail("valueSampledData.period must be a positive number of ms");
  const double rate = 1000.0 / period->get<double>();
  // The period is 1000/rate in ms; a sender's rate is a whole number of mHz, and the
  // shortest decimal of 1000/rate reads back within a few ulps of it.
  const double rounded = std::round(rate * 1000.0) / 1000.0;
  if (std::abs(rate - rounded) > 1e-9 * rounded)
    return fail("valueSampledData.period " + period->dump() +
                " ms is not 1000/rate of a known rate");
  b.sample_rate_hz = rounded;
  const json* factor = detail::member(*sd, "factor");
  if (factor && (!factor->is_number() || factor->get<double>() != 0.001))
    return fail("valueSampledData.factor must be 0.001 (µV -> mV, or x1000 units)");
  const json* dims = detail::member(*sd, "dimensions");
  if (!dims || !dims->is_number_integer() || dims->get<std::int64_t>() != 1)
    return fail("valueSampledData.dimensions must be 1");
  const std::string* data = detail::string_member_ref(*sd, "data");
  if (!data || data->empty()) return fail("valueSampledData.data is missing or empty");
  std::string_view rest = *data;
  while (!rest.empty()) {
    const auto sp = rest.find(' ');
    const auto tok = rest.substr(0, sp);
    std::int32_t v = 0;
    auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), v);
    if (ec != std::errc{} || p != tok.data() + tok.size())
      return fail("valueSampledData.data: sample " + std::to_string(b.samples.size()) + " '" +
                  std::string(tok.substr(0, 20)) + "' is not an integer");
    if (v < std::numeric_limits<std::int16_t>::min() ||
        v > std::numeric_limits<std::int16_t>::max())
      return fail("valueSampledData.data: sample " + std::to_string(b.samples.size()) +
                  " out of int16 range");
    if (b.samples.size() >= kMaxWaveformSamples)
      return fail("valueSampledData.data: too many samples");
    b.samples.push_back(static_cast<std::int16_t>(v));
    if (sp == std::string_view::npos) break;
    rest.remove_prefix(sp + 1);
    if (rest.empty()) return fail("valueSampledData.data ends with a space");
  }
  if (const json* in = detail::member(j, "interpretation"); in && in->is_array())
    for (const auto& i : *in)
      if (const json* cs = detail::member(i, "coding"); cs && cs->is_array())
        for (const auto& c : *cs)
          if (detail::string_member(c, "code") == "IE") b.flags |= physiology::kFlagProbeOff;
  if (auto why = check_waveform(b); !why.empty()) return fail(std::move(why));
  return d;
}

}  // namespace iomtsim::payloads
