// ORU^R01 per IHE PCD-01. Encoding appends fixed field layouts; decoding splits on the
// delimiters the message declares in MSH-1/MSH-2, so senders with other delimiters work.
#include <charconv>
#include <cmath>

#include "hl7_fields.hpp"
#include "iomtsim/payloads/codes.hpp"
#include "iomtsim/payloads/hl7.hpp"
#include "text_writer.hpp"

namespace iomtsim::payloads {
namespace {

using detail::append_uint;

constexpr std::string_view kProfile = "IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO";
constexpr std::uint64_t kEuiPrefix = 0x021A0Eull;  // see device_eui64

void append_eui(std::string& out, std::uint64_t eui) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (int shift = 60; shift >= 0; shift -= 4) out.push_back(kHex[(eui >> shift) & 0xF]);
}

std::int64_t unix_ns(physiology::SimTime t, std::int64_t epoch_unix_ms) {
  return epoch_unix_ms * 1'000'000 + t.time_since_epoch().count();
}

template <class T>
std::optional<T> parse_number(std::string_view s) {
  T v{};
  if (s.empty()) return std::nullopt;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
  return v;
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

}  // namespace

std::string hl7_control_id(std::uint64_t first_reading_id) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string s = "IOMT";
  for (int shift = 60; shift >= 0; shift -= 4) s.push_back(kHex[(first_reading_id >> shift) & 0xF]);
  return s;
}

std::string encode_oru_r01(std::span<const physiology::Reading> readings, const Hl7Options& options) {
  if (readings.empty()) throw EncodeError("encode_oru_r01: no readings");
  const auto patient = readings.front().patient;
  const auto device = readings.front().device;
  for (const auto& r : readings) {
    if (r.patient != patient || r.device != device) {
      throw EncodeError("encode_oru_r01: readings of more than one device in one message");
    }
  }
  const std::string control_id = hl7_control_id(readings.front().id);
  const std::uint64_t eui = device_eui64(patient, device);
  const std::int64_t msg_time = unix_ns(readings.back().device_time, options.epoch_unix_ms);

  std::string out;
  out.reserve(420 + readings.size() * 170);
  out.append("MSH|^~\\&|IOMTSIM^");
  append_eui(out, eui);
  out.append("^EUI-64|");
  out.append(options.sending_facility);
  out.push_back('|');
  out.append(options.receiving_application);
  out.push_back('|');
  out.append(options.receiving_application);
  out.push_back('|');
  detail::append_hl7_time(out, msg_time);
  out.append("||ORU^R01^ORU_R01|");
  out.append(control_id);
  out.append("|P|2.6|||AL|NE||UNICODE UTF-8|||");
  out.append(kProfile);
  out.append("\rPID|||p");
  append_uint(out, patient);
  out.append("^^^IOMTSIM^PI||Patient^p");
  append_uint(out, patient);
  out.append("\rPV1||I\rOBR|1|");
  out.append(control_id);
  out.append("^IOMTSIM|");
  out.append(control_id);
  out.append("^IOMTSIM|182777000^monitoring of patient^SCT|||");
  detail::append_hl7_time(out, unix_ns(readings.front().device_time, options.epoch_unix_ms));
  out.append("\rOBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X|||||||");
  append_eui(out, eui);
  out.append("^EUI-64");
  std::uint32_t set_id = 2;
  for (const auto& r : readings) {
    const VitalCodes& c = codes(r.vital);
    out.append("\rOBX|");
    append_uint(out, set_id);
    out.append("|NM|");
    if (c.mdc_code != 0) {
      append_uint(out, c.mdc_code);
      out.push_back('^');
      out.append(c.mdc_name);
      out.append("^MDC|1.0.0.");
    } else {
      out.append(c.loinc);
      out.push_back('^');
      out.append(c.loinc_display);
      out.append("^LN|1.0.0.");
    }
    append_uint(out, set_id - 1);
    out.push_back('|');
    // A reading without a value (probe off) leaves OBX-5 empty, says why in OBX-8 (IHE
    // PCD's null flavour NAV, temporarily not available) and is OBX-11 X (results cannot
    // be obtained); a value the device marked questionable carries the IEEE 11073
    // measurement status "questionable" in OBX-8.
    const bool absent = r.flags & physiology::kFlagValueAbsent;
    if (!absent) detail::append_fixed(out, r.value, c.wire_decimals);
    out.push_back('|');
    if (c.mdc_unit_code != 0) {
      append_uint(out, c.mdc_unit_code);
      out.push_back('^');
      out.append(c.mdc_unit_name);
      out.append("^MDC");
    }
    out.append("||");
    if (absent)
      out.append("NAV");
    else if (r.flags & physiology::kFlagQuestionable)
      out.append("questionable");
    out.append(absent ? "|||X|||" : "|||R|||");
    detail::append_hl7_time(out, unix_ns(r.device_time, options.epoch_unix_ms));
    out.append("|||");
    if (r.flags & physiology::kFlagOnOxygen) out.append("O2^on supplemental oxygen^L");
    out.push_back('|');
    append_eui(out, eui);
    out.append("^EUI-64|||");
    append_uint(out, r.id);
    ++set_id;
  }
  out.push_back('\r');
  return out;
}

DecodeResult decode_oru_r01(std::string_view message, const Hl7Options& options) {
  DecodeResult res;
  auto fail = [&](std::string reason) {
    res.readings.clear();
    res.error = std::move(reason);
    return res;
  };
  if (!message.starts_with("MSH")) return fail("message does not start with an MSH segment");
  if (message.size() < 8) return fail("MSH segment too short");
  detail::Hl7Delimiters del;
  del.field = message[3];
  const auto is_delim_char = [](char ch) {
    return ch != '\r' && ch != '\n' && !(ch >= '0' && ch <= '9') && !(ch >= 'A' && ch <= 'Z') &&
           !(ch >= 'a' && ch <= 'z') && ch != ' ';
  };
  if (!is_delim_char(del.field)) return fail("bad field separator in MSH-1");
  del.component = message[4];
  del.repetition = message[5];
  del.escape = message[6];
  del.subcomponent = message[7];
  const char delims[] = {del.field, del.component, del.repetition, del.escape, del.subcomponent};
  bool distinct = true;
  for (std::size_t i = 0; i < 5; ++i) {
    for (std::size_t j = i + 1; j < 5; ++j) distinct = distinct && delims[i] != delims[j];
  }
  if (!is_delim_char(del.component) || !is_delim_char(del.repetition) ||
      !is_delim_char(del.escape) || !is_delim_char(del.subcomponent) || !distinct) {
    return fail("bad encoding characters in MSH-2");
  }

  // Segments end in CR; tolerate LF and CRLF from hand-written or file-based senders.
  std::vector<std::string_view> segments;
  {
    std::size_t start = 0;
    for (std::size_t i = 0; i <= message.size(); ++i) {
      if (i == message.size() || message[i] == '\r' || message[i] == '\n') {
        if (i > start) segments.push_back(message.substr(start, i - start));
        start = i + 1;
      }
    }
  }
  std::vector<std::string_view> f;
  detail::split(segments[0], del.field, f);
  const auto msg_type = detail::field(f, 9, true);
  if (detail::component(msg_type, 1, del.component) != "ORU" ||
      detail::component(msg_type, 2, del.component) != "R01") {
    return fail("MSH-9 is " + in_quotes(msg_type) + ", expected ORU^R01");
  }
  res.message_id = std::string(detail::field(f, 10, true));
  if (res.message_id.empty()) return fail("MSH-10 (message control id) is empty");

  std::optional<physiology::PatientIndex> patient;
  std::optional<std::int64_t> obr_time;
  std::size_t obx_count = 0;
  for (std::size_t s = 1; s < segments.size(); ++s) {
    const std::string_view seg = segments[s];
    detail::split(seg, del.field, f);
    const std::string_view name = f[0];
    if (name == "PID") {
      std::string_view id = detail::component(detail::field(f, 3), 1, del.component);
      if (id.starts_with('p')) id.remove_prefix(1);
      patient = parse_number<physiology::PatientIndex>(id);
      if (!patient) return fail("PID-3 " + in_quotes(detail::field(f, 3)) + " is not a patient id p<index>");
    } else if (name == "OBR") {
      obr_time = detail::parse_hl7_time(detail::field(f, 7));
    } else if (name == "OBX") {
      ++obx_count;
      if (!patient) return fail("OBX before PID (missing PID)");
      const std::string_view value_type = detail::field(f, 2);
      const std::string_view obs_id = detail::field(f, 3);
      if (value_type.empty()) continue;  // MDS/VMD/channel header rows carry no value
      if (value_type != "NM") return fail("OBX-2 value type " + in_quotes(value_type) + " is not NM");
      const std::string_view code = detail::component(obs_id, 1, del.component);
      const std::string_view system = detail::component(obs_id, 3, del.component);
      std::optional<physiology::Vital> vital;
      if (system == "LN") {
        vital = vital_from_loinc(code);
        if (!vital) return fail("unknown LOINC code " + in_quotes(code) + " in OBX-3");
      } else {
        const auto mdc = parse_number<std::uint32_t>(code);
        vital = mdc ? vital_from_mdc(*mdc) : std::nullopt;
        if (!vital) return fail("unknown MDC code " + in_quotes(code) + " in OBX-3");
      }
      physiology::Reading r;
      r.patient = *patient;
      r.vital = *vital;
      const std::string_view value_text = detail::field(f, 5);
      // OBX-8 repeats: NAV (no value) and the measurement status "questionable".
      bool nav = false;
      for (std::string_view flags = detail::field(f, 8); !flags.empty();) {
        const auto cut = flags.find(del.repetition);
        const std::string_view one = detail::component(flags.substr(0, cut), 1, del.component);
        nav = nav || one == "NAV";
        if (one == "questionable") r.flags |= physiology::kFlagQuestionable;
        flags = cut == std::string_view::npos ? std::string_view{} : flags.substr(cut + 1);
      }
      const bool absent = value_text.empty() && (nav || detail::field(f, 11) == "X");
      const auto value = absent ? std::optional<double>(0.0) : parse_number<double>(value_text);
      if (!value || !std::isfinite(*value)) {
        return fail("OBX-5 " + in_quotes(value_text) + " is not numeric (OBX " + std::string(detail::field(f, 1)) + ")");
      }
      r.value = *value;
      if (absent) r.flags |= physiology::kFlagValueAbsent;
      const std::string_view unit = detail::component(detail::field(f, 6), 1, del.component);
      const VitalCodes& c = codes(*vital);
      if (!unit.empty() && c.mdc_unit_code != 0 && parse_number<std::uint32_t>(unit) != c.mdc_unit_code) {
        // The glucose mmol/L unit is the one simple conversion that senders need.
        if (*vital == physiology::Vital::Glucose && unit == "266866") {
          r.value *= 18.0156;
        } else {
          return fail("OBX-6 unit " + in_quotes(unit) + " does not match " + std::string(c.mdc_name));
        }
      }
      std::optional<std::int64_t> t = detail::parse_hl7_time(detail::field(f, 14));
      if (!t && detail::field(f, 14).empty()) t = obr_time;
      if (!t) return fail("OBX-14 " + in_quotes(detail::field(f, 14)) + " is not a valid time");
      r.device_time = physiology::SimTime{physiology::Duration{*t - options.epoch_unix_ms * 1'000'000}};
      if (detail::component(detail::field(f, 17), 1, del.component) == "O2") {
        r.flags |= physiology::kFlagOnOxygen;
      }
      const std::string_view eui_text = detail::component(detail::field(f, 18), 1, del.component);
      std::uint64_t eui = 0;
      if (!eui_text.empty()) {
        auto [ptr, ec] = std::from_chars(eui_text.data(), eui_text.data() + eui_text.size(), eui, 16);
        if (ec != std::errc{} || ptr != eui_text.data() + eui_text.size()) eui = 0;
      }
      if ((eui >> 40) == kEuiPrefix) r.device = static_cast<physiology::DeviceIndex>((eui >> 8) & 0xFF);
      const std::string_view id_text = detail::component(detail::field(f, 21), 1, del.component);
      if (!id_text.empty()) {
        const auto id = parse_number<std::uint64_t>(id_text);
        if (!id) return fail("OBX-21 " + in_quotes(id_text) + " is not a reading id");
        r.id = *id;
      }
      res.readings.push_back(r);
    }
  }
  if (!patient) return fail("missing PID segment");
  if (obx_count == 0) return fail("no OBX segments");
  return res;
}

}  // namespace iomtsim::payloads
