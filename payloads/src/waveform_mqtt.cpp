// Waveform blocks as compact MQTT JSON (layout: waveform.hpp). Samples go as a JSON array
// of integers: the form an embedded device's JSON library writes without custom code.
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

}  // namespace

std::string encode_mqtt_waveform(const physiology::WaveformBlock& b, std::int64_t epoch_unix_ms) {
  std::string out;
  out.reserve(160 + b.samples.size() * 5);
  out.append(R"({"patient":)");
  append_uint(out, b.patient);
  out.append(R"(,"device":)");
  append_uint(out, b.device);
  out.append(R"(,"id":)");
  append_uint(out, b.id);
  out.append(R"(,"kind":")");
  out.append(waveform_kind_name(b.kind));
  out.append(R"(","rate_hz":)");
  detail::append_fixed(out, b.sample_rate_hz,
                       b.sample_rate_hz == std::floor(b.sample_rate_hz) ? 0 : 3);
  out.append(R"(,"t":")");
  out.append(format_fhir_instant(b.device_time, epoch_unix_ms));
  out.append(R"(","samples":[)");
  for (std::size_t i = 0; i < b.samples.size(); ++i) {
    if (i) out.push_back(',');
    append_int(out, b.samples[i]);
  }
  out.push_back(']');
  if (b.flags & physiology::kFlagProbeOff) out.append(R"(,"f":2)");
  out.push_back('}');
  return out;
}

bool looks_like_mqtt_waveform(std::string_view j) {
  return j.substr(0, 160).find("\"samples\"") != std::string_view::npos;
}

Decoded<physiology::WaveformBlock> decode_mqtt_waveform(std::string_view text,
                                                        std::int64_t epoch_unix_ms) {
  Decoded<physiology::WaveformBlock> d;
  auto fail = [&](std::string why) {
    d.error = std::move(why);
    return d;
  };
  json j;
  std::string why;
  // One flat object; its samples are an array of numbers (a few thousand per block).
  if (!detail::parse_json_bounded(text, {.max_depth = 8, .max_values = 1u << 18}, j, why))
    return fail(std::move(why));
  if (!j.is_object()) return fail("a waveform payload is a JSON object");
  auto& b = d.value;
  auto uint_of = [&](const char* key, std::uint64_t max, std::uint64_t& out) {
    const json* v = detail::member(j, key);
    if (!v || !v->is_number_unsigned() || v->get<std::uint64_t>() > max) return false;
    out = v->get<std::uint64_t>();
    return true;
  };
  std::uint64_t p = 0, dev = 0, id = 0;
  if (!uint_of("patient", 0xFFFFFF, p)) return fail("missing or bad \"patient\"");
  if (!uint_of("device", 0xFF, dev)) return fail("missing or bad \"device\"");
  if (detail::member(j, "id") && !uint_of("id", std::numeric_limits<std::uint64_t>::max(), id))
    return fail("bad \"id\"");
  b.patient = static_cast<physiology::PatientIndex>(p);
  b.device = static_cast<physiology::DeviceIndex>(dev);
  b.id = id;
  const auto kind = detail::string_member(j, "kind").value_or("");
  if (kind == "ecg_lead_ii")
    b.kind = physiology::WaveformKind::EcgLeadII;
  else if (kind == "ppg")
    b.kind = physiology::WaveformKind::Ppg;
  else
    return fail("unknown waveform kind '" + kind.substr(0, 40) + "'");
  const json* rate = detail::member(j, "rate_hz");
  if (!rate || !rate->is_number()) return fail("missing or bad \"rate_hz\"");
  b.sample_rate_hz = rate->get<double>();
  const auto t = detail::string_member(j, "t");
  if (!t) return fail("missing \"t\"");
  const auto when = parse_fhir_instant(*t, epoch_unix_ms);
  if (!when) return fail("bad \"t\" '" + t->substr(0, 40) + "'");
  b.device_time = *when;
  const json* s = detail::member(j, "samples");
  if (!s || !s->is_array()) return fail("missing \"samples\" array");
  if (s->size() > kMaxWaveformSamples) return fail("too many samples");
  b.samples.reserve(s->size());
  for (const auto& v : *s) {
    if (!v.is_number_integer())
      return fail("sample " + std::to_string(b.samples.size()) + " is not an integer");
    const auto x = v.get<std::int64_t>();
    if (x < std::numeric_limits<std::int16_t>::min() ||
        x > std::numeric_limits<std::int16_t>::max())
      return fail("sample " + std::to_string(b.samples.size()) + " out of int16 range");
    b.samples.push_back(static_cast<std::int16_t>(x));
  }
  if (const json* f = detail::member(j, "f")) {
    if (!f->is_number_unsigned() || f->get<std::uint64_t>() > 0xFF) return fail("bad \"f\"");
    b.flags = static_cast<std::uint8_t>(f->get<std::uint64_t>() & physiology::kFlagProbeOff);
  }
  if (auto why = check_waveform(b); !why.empty()) return fail(std::move(why));
  return d;
}

}  // namespace iomtsim::payloads
