// Infusion-pump events as HL7 v2 ORU^R01 (IHE PCD-01/PCD-10 shape). One event per
// message: pump events are sparse and each alarm must be acknowledged on its own.
#include <cinttypes>
#include <cstdio>

#include "fhir_decode_common.hpp"
#include "hl7_fields.hpp"
#include "iomtsim/payloads/hl7.hpp"
#include "iomtsim/payloads/ops_payloads.hpp"
#include "text_writer.hpp"

namespace iomtsim::payloads {

namespace {

using detail::append_fixed;
using detail::append_uint;

std::string pump_eui(std::uint32_t pump) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "1A%014" PRIX64, static_cast<std::uint64_t>(pump));
  return buf;
}

std::int64_t unix_ns_of(physiology::SimTime device_time, std::int64_t epoch_unix_ms) {
  return epoch_unix_ms * 1'000'000 + device_time.time_since_epoch().count();
}

void obx_nm(std::string& out, int n, std::string_view code, std::string_view path, double v,
            std::string_view unit) {
  std::string seg = "OBX|" + std::to_string(n) + "|NM|";
  seg.append(code).append("|").append(path).append("|");
  append_fixed(seg, v, 1);
  seg.append("|").append(unit).append("||||||R\r");
  out += seg;
}

std::optional<double> number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::string text(s);
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return v;
}

}  // namespace

std::string encode_pump_oru(const ops::PumpEvent& e, std::int64_t epoch_unix_ms) {
  const std::string eui = pump_eui(e.pump);
  const std::string ctrl = "PUMP" + std::to_string(e.id);
  std::string time;
  detail::append_hl7_time(time, unix_ns_of(e.device_time, epoch_unix_ms));
  std::string out;
  out.reserve(768);
  out += "MSH|^~\\&|IOMTSIM^" + eui + "^EUI-64|IOMTSIM|RECEIVER|RECEIVER|" + time +
         "||ORU^R01^ORU_R01|" + ctrl +
         "|P|2.6|||AL|NE||UNICODE UTF-8|||IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO\r";
  out += "PID|||p" + std::to_string(e.patient) + "^^^IOMTSIM^PI||Patient^p" +
         std::to_string(e.patient) + "\r";
  out += "PV1||I\r";
  out += "OBR|1|" + ctrl + "^IOMTSIM|" + ctrl + "^IOMTSIM|182777000^monitoring of patient^SCT|||" +
         time + "\r";
  out += "OBX|1||69985^MDC_DEV_PUMP_INFUS_MDS^MDC|1.0.0.0|||||||X|||||||" + eui + "^EUI-64\r";
  const std::string kind(ops::name(e.kind));
  out += "OBX|2|CWE|184508^MDC_PUMP_STAT^MDC|1.1.1.1|" + kind + "^" + kind + "^IOMTSIM||||||R|||" +
         time + "|||||||" + std::to_string(e.id) + "\r";
  out += "OBX|3|ST|184330^MDC_DRUG_NAME_TYPE^MDC|1.1.1.2|" + hl7_escape(e.drug) + "||||||R\r";
  obx_nm(out, 4, "157784^MDC_FLOW_FLUID_PUMP^MDC", "1.1.1.3", e.rate_ml_h,
         "265266^MDC_DIM_MILLI_L_PER_HR^MDC");
  obx_nm(out, 5, "157872^MDC_VOL_FLUID_TBI^MDC", "1.1.1.4", e.vtbi_ml,
         "263762^MDC_DIM_MILLI_L^MDC");
  obx_nm(out, 6, "157976^MDC_VOL_FLUID_DELIV^MDC", "1.1.1.5", e.volume_ml,
         "263762^MDC_DIM_MILLI_L^MDC");
  if (e.alarm()) out += "OBX|7|ST|196616^MDC_EVT_ALARM^MDC|1.1.1.6|" + kind + "||||||R\r";
  return out;
}

bool is_pump_oru(std::string_view message) {
  return message.starts_with("MSH") &&
         message.find("MDC_DEV_PUMP_INFUS_MDS") != std::string_view::npos;
}

Decoded<ops::PumpEvent> decode_pump_oru(std::string_view message, std::int64_t epoch_unix_ms) {
  Decoded<ops::PumpEvent> d;
  auto fail = [&](std::string why) {
    d.error = std::move(why);
    return d;
  };
  if (!message.starts_with("MSH|^~\\&")) return fail("message does not start with MSH|^~\\&");
  std::vector<std::string_view> segments, f;
  detail::split(message, '\r', segments);
  bool have_pid = false, have_mds = false, have_stat = false;
  auto& e = d.value;
  for (auto seg : segments) {
    if (seg.empty()) continue;
    detail::split(seg, '|', f);
    const auto type = f[0];
    if (type == "MSH") {
      if (detail::component(detail::field(f, 9, true), 1, '^') != "ORU" ||
          detail::component(detail::field(f, 9, true), 2, '^') != "R01")
        return fail("MSH-9: not ORU^R01");
    } else if (type == "PID") {
      const auto id = detail::component(detail::field(f, 3), 1, '^');
      if (id.size() < 2 || id[0] != 'p') return fail("PID-3: no patient id");
      // An integer, not a number: "p1e12" as a double does not fit a patient index
      // (found by fuzzing: the conversion was undefined behaviour).
      const auto v = detail::parse_unsigned<physiology::PatientIndex>(id.substr(1));
      if (!v) return fail("PID-3: bad patient id '" + std::string(id) + "'");
      e.patient = *v;
      have_pid = true;
    } else if (type == "OBX") {
      const auto code = detail::field(f, 3);
      const auto name = detail::component(code, 2, '^');
      const auto value = detail::field(f, 5);
      if (name == "MDC_DEV_PUMP_INFUS_MDS") {
        const auto eui = detail::component(detail::field(f, 18), 1, '^');
        if (eui.size() != 16) return fail("OBX-18: pump EUI-64 must be 16 hex digits");
        e.pump = static_cast<std::uint32_t>(
            std::strtoull(std::string(eui.substr(2)).c_str(), nullptr, 16));
        have_mds = true;
      } else if (name == "MDC_PUMP_STAT") {
        const auto k = ops::pump_event_from_name(detail::component(value, 1, '^'));
        if (!k) return fail("MDC_PUMP_STAT: unknown pump event '" + std::string(value) + "'");
        e.kind = *k;
        const auto t = detail::parse_hl7_time(detail::field(f, 14));
        if (!t) return fail("MDC_PUMP_STAT: missing or bad OBX-14 time");
        e.device_time = physiology::SimTime{physiology::Duration{*t - epoch_unix_ms * 1'000'000}};
        const auto id = detail::field(f, 21);
        e.id = id.empty() ? 0 : std::strtoull(std::string(id).c_str(), nullptr, 10);
        have_stat = true;
      } else if (name == "MDC_DRUG_NAME_TYPE") {
        e.drug = hl7_unescape(value);
      } else if (name == "MDC_FLOW_FLUID_PUMP" || name == "MDC_VOL_FLUID_TBI" ||
                 name == "MDC_VOL_FLUID_DELIV") {
        const auto v = number(value);
        if (!v) return fail(std::string(name) + ": not a number: '" + std::string(value) + "'");
        (name == "MDC_FLOW_FLUID_PUMP" ? e.rate_ml_h
         : name == "MDC_VOL_FLUID_TBI" ? e.vtbi_ml
                                       : e.volume_ml) = *v;
      } else if (name != "MDC_EVT_ALARM") {
        return fail("OBX-3: unknown code '" + std::string(code) + "'");
      }
    }
  }
  if (!have_pid) return fail("no PID segment");
  if (!have_mds) return fail("no MDC_DEV_PUMP_INFUS_MDS device OBX");
  if (!have_stat) return fail("no MDC_PUMP_STAT OBX");
  return d;
}

}  // namespace iomtsim::payloads
