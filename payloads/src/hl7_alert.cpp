#include "iomtsim/payloads/hl7_alert.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "hl7_fields.hpp"
#include "text_writer.hpp"

namespace iomtsim::payloads {
namespace {

using physiology::AlertSeverity;

std::string_view priority_code(AlertSeverity s) {
  switch (s) {
    case AlertSeverity::High:
      return "PH";
    case AlertSeverity::Medium:
      return "PM";
    case AlertSeverity::Low:
      return "PL";
    case AlertSeverity::Info:
      return "PN";
  }
  return "PM";
}

std::optional<AlertSeverity> priority_from(std::string_view flags, char rep) {
  std::size_t start = 0;
  while (start <= flags.size()) {
    auto end = flags.find(rep, start);
    if (end == std::string_view::npos) end = flags.size();
    const auto f = flags.substr(start, end - start);
    if (f == "PH") return AlertSeverity::High;
    if (f == "PM") return AlertSeverity::Medium;
    if (f == "PL") return AlertSeverity::Low;
    if (f == "PN") return AlertSeverity::Info;
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace

bool is_oru_r40(std::string_view message) {
  if (!message.starts_with("MSH") || message.size() < 8) return false;
  const auto eol = message.find_first_of("\r\n");
  std::vector<std::string_view> f;
  detail::split(message.substr(0, eol), message[3], f);
  const auto type = detail::field(f, 9, true);
  return detail::component(type, 1, message[4]) == "ORU" &&
         detail::component(type, 2, message[4]) == "R40";
}

std::string encode_alert_oru_r40(const physiology::Alert& a, std::string_view patient_id,
                                 std::int64_t raised_unix_ns, const Hl7Options& o) {
  const std::string id = hl7_escape(a.alert_id);
  std::string time;
  detail::append_hl7_time(time, raised_unix_ns);
  std::string out = "MSH|^~\\&|IOMTSIM_TARGET|";
  out.append(o.sending_facility);
  out.push_back('|');
  out.append(o.receiving_application);
  out.push_back('|');
  out.append(o.receiving_application);
  out.push_back('|');
  out.append(time);
  out.append("||ORU^R40^ORU_R40|");
  out.append(id);
  out.append(
      "|P|2.6|||AL|NE||UNICODE UTF-8|||IHE_PCD_ACM_001^IHE "
      "PCD^1.3.6.1.4.1.19376.1.6.4.4^ISO\rPID|||");
  out.append(hl7_escape(patient_id));
  out.append("^^^IOMTSIM^PI||Patient^");
  out.append(hl7_escape(patient_id));
  out.append("\rPV1||I\rOBR|1|");
  out.append(id);
  out.append("^IOMTSIM|");
  out.append(id);
  out.append("^IOMTSIM|196616^MDC_EVT_ALARM^MDC|||");
  out.append(time);
  out.append("\rOBX|1|ST|196616^MDC_EVT_ALARM^MDC|1.0.0.0.1|");
  out.append(hl7_escape(a.rule));
  out.append("|||");  // OBX-6 units and OBX-7 range empty; OBX-8 abnormal flags
  out.append(priority_code(a.severity));
  out.append("~SP|||F|||");
  out.append(time);
  out.append("|||||||");
  if (a.trigger_reading_id != 0) detail::append_uint(out, a.trigger_reading_id);
  out.append("\rOBX|2|NM|0^IOMTSIM_ALERT_SCORE^IOMTSIM|1.0.0.0.2|");
  const bool integral = std::isfinite(a.score) && a.score == std::round(a.score);
  detail::append_fixed(out, std::isfinite(a.score) ? a.score : 0.0, integral ? 0 : 3);
  out.append("||||||F\rOBX|3|ST|68481^MDC_ATTR_EVENT_PHASE^MDC|1.0.0.0.3|start||||||F");
  out.append("\rOBX|4|ST|68482^MDC_ATTR_ALARM_STATE^MDC|1.0.0.0.4|active||||||F\r");
  return out;
}

Decoded<Hl7Alert> decode_alert_oru_r40(std::string_view message) {
  Decoded<Hl7Alert> res;
  Hl7Alert& a = res.value;
  if (!message.starts_with("MSH") || message.size() < 8) {
    res.error = "message does not start with an MSH segment";
    return res;
  }
  const char fs = message[3], cs = message[4];
  const char rep = message.size() > 5 ? message[5] : '~';
  std::vector<std::string_view> f;
  bool saw_pid = false, saw_obr = false, first_obx = true;
  std::optional<std::int64_t> msh_time, obx_time;
  std::string fallback_id;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= message.size(); ++i) {
    if (i != message.size() && message[i] != '\r' && message[i] != '\n') continue;
    const std::string_view seg = message.substr(start, i - start);
    start = i + 1;
    if (seg.empty()) continue;
    detail::split(seg, fs, f);
    if (f[0] == "MSH") {
      const auto type = detail::field(f, 9, true);
      if (detail::component(type, 1, cs) != "ORU" || detail::component(type, 2, cs) != "R40") {
        res.error = "MSH-9 is '" + std::string(type) + "', expected ORU^R40";
        return res;
      }
      a.control_id = hl7_unescape(detail::field(f, 10, true));
      msh_time = detail::parse_hl7_time(detail::field(f, 7, true));
    } else if (f[0] == "PID") {
      const auto pid3 = detail::field(f, 3);
      const auto first = pid3.substr(0, pid3.find(rep));
      a.patient_id = hl7_unescape(detail::component(first, 1, cs));
      a.patient_authority = hl7_unescape(detail::component(first, 4, cs));
      saw_pid = !a.patient_id.empty();
    } else if (f[0] == "OBR" && !saw_obr) {
      saw_obr = true;
      a.time_unix_ns = detail::parse_hl7_time(detail::field(f, 7));
      a.alert_id = hl7_unescape(detail::component(detail::field(f, 3), 1, cs));
      if (a.alert_id.empty())
        a.alert_id = hl7_unescape(detail::component(detail::field(f, 2), 1, cs));
    } else if (f[0] == "OBX") {
      const auto code = detail::field(f, 3);
      if (detail::component(code, 2, cs) == "IOMTSIM_ALERT_SCORE") {
        const auto v = detail::field(f, 5);
        a.score = std::strtod(std::string(v).c_str(), nullptr);
        continue;
      }
      if (!first_obx) continue;
      first_obx = false;
      a.rule = hl7_unescape(detail::component(detail::field(f, 5), 1, cs));
      if (a.rule.empty()) a.rule = hl7_unescape(detail::component(code, 2, cs));
      if (a.rule.empty()) a.rule = hl7_unescape(detail::component(code, 1, cs));
      a.severity = priority_from(detail::field(f, 8), rep);
      obx_time = detail::parse_hl7_time(detail::field(f, 14));
      const auto instance = detail::field(f, 21);
      std::uint64_t id = 0;
      auto [p, ec] = std::from_chars(instance.data(), instance.data() + instance.size(), id);
      if (ec == std::errc() && p == instance.data() + instance.size()) a.trigger_reading_id = id;
    }
  }
  if (!saw_pid) {
    res.error = "no PID-3 patient identifier";
    return res;
  }
  if (!saw_obr) {
    res.error = "no OBR segment";
    return res;
  }
  if (!a.time_unix_ns) a.time_unix_ns = obx_time ? obx_time : msh_time;
  if (a.alert_id.empty()) a.alert_id = a.control_id;
  if (a.rule.empty()) a.rule = "pcd04";
  return res;
}

std::string encode_alert_ack(const Hl7Ack& ack, const Hl7Options& options) {
  std::string out = encode_ack(ack, options);
  if (const auto at = out.find("ACK^R01^ACK"); at != std::string::npos)
    out.replace(at, 11, "ACK^R40^ACK");
  return out;
}

}  // namespace iomtsim::payloads
