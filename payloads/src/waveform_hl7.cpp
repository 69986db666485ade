// Waveform blocks as HL7 v2.6 ORU^R01 in the IHE PCD-01 waveform style: the samples in one
// OBX of value type NA (numeric array, components separated by '^'), the sample rate in a
// companion NM OBX (MDC_ATTR_SAMP_RATE) one level below it in the containment path.
// Decoding takes the standard delimiters only (|^~\&): waveform senders we model use them,
// and a different component separator would change how NA values split.
#include <charconv>
#include <cmath>
#include <limits>

#include "hl7_fields.hpp"
#include "iomtsim/payloads/codes.hpp"
#include "iomtsim/payloads/waveform.hpp"
#include "text_writer.hpp"

namespace iomtsim::payloads {
namespace {

using detail::append_uint;

constexpr std::string_view kProfile = "IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO";

void append_eui(std::string& out, std::uint64_t eui) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (int shift = 60; shift >= 0; shift -= 4) out.push_back(kHex[(eui >> shift) & 0xF]);
}

std::int64_t unix_ns(physiology::SimTime t, std::int64_t epoch_unix_ms) {
  return epoch_unix_ms * 1'000'000 + t.time_since_epoch().count();
}

void append_shortest(std::string& out, double v) {
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

}  // namespace

std::string encode_waveform_oru(const physiology::WaveformBlock& b, const Hl7Options& options) {
  const bool ecg = b.kind == physiology::WaveformKind::EcgLeadII;
  const std::string control_id = hl7_control_id(b.id);
  const std::uint64_t eui = device_eui64(b.patient, b.device);
  const std::int64_t t0 = unix_ns(b.device_time, options.epoch_unix_ms);
  std::string out;
  out.reserve(640 + b.samples.size() * 5);
  out.append("MSH|^~\\&|IOMTSIM^");
  append_eui(out, eui);
  out.append("^EUI-64|");
  out.append(options.sending_facility);
  out.push_back('|');
  out.append(options.receiving_application);
  out.push_back('|');
  out.append(options.receiving_application);
  out.push_back('|');
  detail::append_hl7_time(out, t0);
  out.append("||ORU^R01^ORU_R01|");
  out.append(control_id);
  out.append("|P|2.6|||AL|NE||UNICODE UTF-8|||");
  out.append(kProfile);
  out.append("\rPID|||p");
  append_uint(out, b.patient);
  out.append("^^^IOMTSIM^PI||Patient^p");
  append_uint(out, b.patient);
  out.append("\rPV1||I\rOBR|1|");
  out.append(control_id);
  out.append("^IOMTSIM|");
  out.append(control_id);
  out.append("^IOMTSIM|182777000^monitoring of patient^SCT|||");
  detail::append_hl7_time(out, t0);
  out.append("\rOBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X|||||||");
  append_eui(out, eui);
  out.append("^EUI-64\rOBX|2|NA|");
  out.append(ecg ? "131330^MDC_ECG_ELEC_POTL_II^MDC" : "150452^MDC_PULS_OXIM_PLETH^MDC");
  out.append("|1.0.0.1|");
  for (std::size_t i = 0; i < b.samples.size(); ++i) {
    if (i) out.push_back('^');
    detail::append_int(out, b.samples[i]);
  }
  out.push_back('|');
  out.append(ecg ? "266419^MDC_DIM_MICRO_VOLT^MDC" : "262656^MDC_DIM_DIMLESS^MDC");
  out.append("||");
  if (b.flags & physiology::kFlagProbeOff) out.append("IE");
  out.append("|||R|||");
  detail::append_hl7_time(out, t0);
  out.append("||||");
  append_eui(out, eui);
  out.append("^EUI-64|||");
  append_uint(out, b.id);
  out.append("\rOBX|3|NM|0^MDC_ATTR_SAMP_RATE^MDC|1.0.0.1.1|");
  append_shortest(out, b.sample_rate_hz);
  out.append("|264608^MDC_DIM_PER_SEC^MDC|||||R\r");
  return out;
}

bool is_waveform_oru(std::string_view message) {
  return message.starts_with("MSH") && message.find("|NA|") != std::string_view::npos;
}

Decoded<physiology::WaveformBlock> decode_waveform_oru(std::string_view message,
                                                       const Hl7Options& options,
                                                       std::string* message_id) {
  Decoded<physiology::WaveformBlock> d;
  auto fail = [&](std::string why) {
    d.error = std::move(why);
    return d;
  };
  if (!message.starts_with("MSH|^~\\&")) return fail("message does not start with MSH|^~\\&");
  std::vector<std::string_view> segments, f;
  detail::split(message, '\r', segments);
  auto& b = d.value;
  bool have_pid = false, have_wave = false, have_rate = false;
  for (auto seg : segments) {
    if (!seg.empty() && seg.back() == '\n') seg.remove_suffix(1);
    if (seg.empty()) continue;
    detail::split(seg, '|', f);
    const auto type = f[0];
    if (type == "MSH") {
      if (detail::component(detail::field(f, 9, true), 1, '^') != "ORU" ||
          detail::component(detail::field(f, 9, true), 2, '^') != "R01")
        return fail("MSH-9: not ORU^R01");
      if (message_id) *message_id = std::string(detail::field(f, 10, true));
      if (detail::field(f, 10, true).empty()) return fail("MSH-10 (message control id) is empty");
    } else if (type == "PID") {
      auto id = detail::component(detail::field(f, 3), 1, '^');
      if (id.starts_with('p')) id.remove_prefix(1);
      std::uint32_t p = 0;
      if (id.empty() ||
          std::from_chars(id.data(), id.data() + id.size(), p).ptr != id.data() + id.size())
        return fail("PID-3: no or bad patient id");
      b.patient = p;
      have_pid = true;
    } else if (type == "OBX") {
      const auto name = detail::component(detail::field(f, 3), 2, '^');
      if (name == "MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS") {
        const auto eui = detail::component(detail::field(f, 18), 1, '^');
        std::uint64_t v = 0;
        auto [p, ec] = std::from_chars(eui.data(), eui.data() + eui.size(), v, 16);
        // Our EUI-64 layout (codes.hpp device_eui64) puts the device index in bits 8..15.
        if (ec == std::errc{} && p == eui.data() + eui.size() && (v >> 40) == 0x021A0Eull)
          b.device = static_cast<physiology::DeviceIndex>((v >> 8) & 0xFF);
      } else if (name == "MDC_ECG_ELEC_POTL_II" || name == "MDC_PULS_OXIM_PLETH") {
        if (have_wave) return fail("more than one waveform OBX");
        if (detail::field(f, 2) != "NA") return fail(std::string(name) + ": OBX-2 must be NA");
        b.kind = name == "MDC_PULS_OXIM_PLETH" ? physiology::WaveformKind::Ppg
                                               : physiology::WaveformKind::EcgLeadII;
        const auto values = detail::field(f, 5);
        if (values.empty()) return fail(std::string(name) + ": OBX-5 has no samples");
        std::size_t start = 0;
        for (std::size_t i = 0; i <= values.size(); ++i) {
          if (i < values.size() && values[i] != '^') continue;
          const auto tok = values.substr(start, i - start);
          std::int32_t v = 0;
          auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), v);
          if (ec != std::errc{} || p != tok.data() + tok.size() || tok.empty())
            return fail(std::string(name) + ": sample " + std::to_string(b.samples.size()) +
                        " is not an integer");
          if (v < std::numeric_limits<std::int16_t>::min() ||
              v > std::numeric_limits<std::int16_t>::max())
            return fail(std::string(name) + ": sample " + std::to_string(b.samples.size()) +
                        " out of int16 range");
          if (b.samples.size() >= kMaxWaveformSamples)
            return fail(std::string(name) + ": too many samples");
          b.samples.push_back(static_cast<std::int16_t>(v));
          start = i + 1;
        }
        const auto t = detail::parse_hl7_time(detail::field(f, 14));
        if (!t) return fail(std::string(name) + ": missing or bad OBX-14 time");
        b.device_time =
            physiology::SimTime{physiology::Duration{*t - options.epoch_unix_ms * 1'000'000}};
        if (detail::field(f, 8) == "IE") b.flags |= physiology::kFlagProbeOff;
        const auto id = detail::field(f, 21);
        if (!id.empty() &&
            std::from_chars(id.data(), id.data() + id.size(), b.id).ptr != id.data() + id.size())
          return fail("OBX-21: bad block id");
        have_wave = true;
      } else if (name == "MDC_ATTR_SAMP_RATE") {
        const auto v = detail::field(f, 5);
        double rate = 0;
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), rate);
        if (ec != std::errc{} || p != v.data() + v.size())
          return fail("MDC_ATTR_SAMP_RATE: not a number: '" + std::string(v.substr(0, 20)) + "'");
        b.sample_rate_hz = rate;
        have_rate = true;
      } else {
        return fail("OBX-3: unexpected code '" + std::string(detail::field(f, 3).substr(0, 60)) +
                    "' in a waveform message");
      }
    }
  }
  if (!have_pid) return fail("no PID segment");
  if (!have_wave) return fail("no waveform OBX (MDC_ECG_ELEC_POTL_II or MDC_PULS_OXIM_PLETH)");
  if (!have_rate) return fail("no MDC_ATTR_SAMP_RATE OBX");
  if (auto why = check_waveform(b); !why.empty()) return fail(std::move(why));
  return d;
}

}  // namespace iomtsim::payloads
