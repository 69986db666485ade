#include <array>
#include <vector>

#include "hl7_fields.hpp"
#include "iomtsim/payloads/hl7.hpp"

namespace iomtsim::payloads {

std::string_view ack_code_text(AckCode c, bool enhanced) {
  static constexpr std::array<std::string_view, 3> kText = {"AA", "AE", "AR"};
  static constexpr std::array<std::string_view, 3> kCommit = {"CA", "CE", "CR"};
  return (enhanced ? kCommit : kText)[static_cast<std::size_t>(c)];
}

std::string hl7_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '|':
        out.append("\\F\\");
        break;
      case '^':
        out.append("\\S\\");
        break;
      case '~':
        out.append("\\R\\");
        break;
      case '\\':
        out.append("\\E\\");
        break;
      case '&':
        out.append("\\T\\");
        break;
      case '\r':
        out.append("\\X0D\\");
        break;
      case '\n':
        out.append("\\X0A\\");
        break;
      default:
        out.push_back(ch);
    }
  }
  return out;
}

std::string hl7_unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out.push_back(text[i]);
      continue;
    }
    const auto end = text.find('\\', i + 1);
    if (end == std::string_view::npos) {  // a lone escape char: keep it as text
      out.append(text.substr(i));
      break;
    }
    const std::string_view seq = text.substr(i + 1, end - i - 1);
    if (seq == "F")
      out.push_back('|');
    else if (seq == "S")
      out.push_back('^');
    else if (seq == "R")
      out.push_back('~');
    else if (seq == "E")
      out.push_back('\\');
    else if (seq == "T")
      out.push_back('&');
    else if (seq == "X0D")
      out.push_back('\r');
    else if (seq == "X0A")
      out.push_back('\n');
    else
      out.append(text.substr(i, end - i + 1));  // unknown escapes pass through
    i = end;
  }
  return out;
}

std::string_view hl7_error_code(std::string_view reason) {
  auto has = [&](std::string_view what) { return reason.find(what) != std::string_view::npos; };
  if (reason.empty()) return "0";
  if (has("MSH-9")) return has("'ORU^") ? "201" : "200";  // an ORU of another event: 201
  if (has("does not start with an MSH") || has("OBX before PID")) return "100";
  if (has("missing") || has("is empty") || has("no OBX") || has("too short")) return "101";
  if (has("unknown LOINC") || has("unknown MDC") || has("does not match")) return "103";
  if (has("is not a patient id")) return "204";
  if (has("separator") || has("encoding characters") || has("is not numeric") || has("is not NM") ||
      has("not a valid time") || has("is not a reading id"))
    return "102";
  return "207";
}

std::string_view hl7_error_text(std::string_view code) {
  if (code == "0") return "Message accepted";
  if (code == "100") return "Segment sequence error";
  if (code == "101") return "Required field missing";
  if (code == "102") return "Data type error";
  if (code == "103") return "Table value not found";
  if (code == "200") return "Unsupported message type";
  if (code == "201") return "Unsupported event code";
  if (code == "204") return "Unknown key identifier";
  return "Application internal error";
}

std::string encode_ack(const Hl7Ack& ack, const Hl7Options& options) {
  // The ACK's own control id is derived from the acknowledged one, so replies are
  // deterministic. Without a header from the message acknowledged (set_ack_reply_header)
  // MSH-3..6 are the options' names and MSH-7 the scenario epoch.
  std::string out = "MSH|^~\\&|";
  if (ack.sending_application.empty() && ack.receiving_application.empty()) {
    out.append(options.receiving_application);
    out.push_back('|');
    out.append(options.receiving_application);
    out.append("|IOMTSIM|");
    out.append(options.sending_facility);
  } else {
    out.append(ack.sending_application);
    out.push_back('|');
    out.append(ack.sending_facility);
    out.push_back('|');
    out.append(ack.receiving_application);
    out.push_back('|');
    out.append(ack.receiving_facility);
  }
  out.push_back('|');
  detail::append_hl7_time(out,
                          ack.time_unix_ns ? *ack.time_unix_ns : options.epoch_unix_ms * 1'000'000);
  out.append("||ACK^");
  out.append(ack.trigger.empty() ? std::string_view("R01") : std::string_view(ack.trigger));
  out.append("^ACK|A");
  out.append(hl7_escape(ack.control_id));
  out.append("|P|2.6\rMSA|");
  out.append(ack_code_text(ack.code, ack.enhanced));
  out.push_back('|');
  out.append(hl7_escape(ack.control_id));
  if (ack.code != AckCode::Accept || !ack.reason.empty()) {
    const std::string_view code =
        !ack.error_code.empty() ? std::string_view(ack.error_code) : hl7_error_code(ack.reason);
    out.push_back('|');
    out.append(hl7_escape(ack.reason.substr(0, 80)));  // MSA-3 is ST(80)
    out.append("\rERR|||");
    out.append(code);
    out.push_back('^');
    out.append(hl7_error_text(code));
    out.append("^HL70357|E||||");
    out.append(hl7_escape(ack.reason));
  }
  out.push_back('\r');
  return out;
}

void set_ack_reply_header(std::string_view message, Hl7Ack& ack) {
  if (!message.starts_with("MSH") || message.size() < 8) return;
  // Header fields are copied as text: only when the message uses the standard encoding
  // characters (which the ACK uses) do they mean the same in the answer.
  if (message.substr(3, 5) != "|^~\\&") return;
  const auto end = message.find_first_of("\r\n");
  std::vector<std::string_view> f;
  detail::split(message.substr(0, end), '|', f);
  ack.sending_application = std::string(detail::field(f, 5, true));
  ack.sending_facility = std::string(detail::field(f, 6, true));
  ack.receiving_application = std::string(detail::field(f, 3, true));
  ack.receiving_facility = std::string(detail::field(f, 4, true));
  const auto trigger = detail::component(detail::field(f, 9, true), 2, '^');
  if (!trigger.empty()) ack.trigger = std::string(trigger);
  const auto control = detail::field(f, 10, true);
  if (!control.empty()) ack.control_id = hl7_unescape(control);
}

Decoded<Hl7Ack> decode_ack(std::string_view message) {
  Decoded<Hl7Ack> res;
  if (!message.starts_with("MSH") || message.size() < 8) {
    res.error = "message does not start with an MSH segment";
    return res;
  }
  const char fs = message[3];
  const char cs = message[4];
  std::vector<std::string_view> f;
  bool saw_msa = false;
  std::string msa_text;  // MSA-3: the reason when there is no ERR segment
  std::size_t start = 0;
  for (std::size_t i = 0; i <= message.size(); ++i) {
    if (i != message.size() && message[i] != '\r' && message[i] != '\n') continue;
    const std::string_view seg = message.substr(start, i - start);
    start = i + 1;
    if (seg.empty()) continue;
    detail::split(seg, fs, f);
    if (f[0] == "MSH") {
      if (detail::component(detail::field(f, 9, true), 1, cs) != "ACK") {
        res.error = "MSH-9 is '" + std::string(detail::field(f, 9, true)) + "', expected ACK";
        return res;
      }
    } else if (f[0] == "MSA") {
      saw_msa = true;
      const std::string_view code = detail::field(f, 1);
      // Enhanced-mode codes CA/CE/CR are accepted as their original-mode equivalents.
      if (code == "AA" || code == "CA")
        res.value.code = AckCode::Accept;
      else if (code == "AE" || code == "CE")
        res.value.code = AckCode::Error;
      else if (code == "AR" || code == "CR")
        res.value.code = AckCode::Reject;
      else {
        res.error = "MSA-1 '" + std::string(code) + "' is not AA, AE or AR";
        return res;
      }
      res.value.enhanced = code.front() == 'C';
      res.value.control_id = hl7_unescape(detail::field(f, 2));
      msa_text = hl7_unescape(detail::field(f, 3));
    } else if (f[0] == "ERR") {
      std::string_view text = detail::field(f, 8);
      if (text.empty()) text = detail::field(f, 7);
      if (text.empty()) text = detail::component(detail::field(f, 3), 2, cs);
      if (!res.value.reason.empty()) res.value.reason.append("; ");
      res.value.reason.append(hl7_unescape(text));
    }
  }
  if (!saw_msa) res.error = "missing MSA segment";
  if (res.value.reason.empty() && res.value.code != AckCode::Accept)
    res.value.reason = std::move(msa_text);
  return res;
}

}  // namespace iomtsim::payloads
