#pragma once
// Alerts as HL7 v2.6 ORU^R40, IHE PCD-04 (Report Alert), one alert per message:
//   MSH|^~\&|<sender>|IOMTSIM|RECEIVER|RECEIVER|<time>||ORU^R40^ORU_R40|<control
//   id>|P|2.6|||AL|NE||
//       UNICODE UTF-8|||IHE_PCD_ACM_001^IHE PCD^1.3.6.1.4.1.19376.1.6.4.4^ISO
//   PID|||p12^^^IOMTSIM^PI||Patient^p12
//   PV1||I
//   OBR|1|<alert id>^IOMTSIM|<alert id>^IOMTSIM|196616^MDC_EVT_ALARM^MDC|||<alert time>
//   OBX|1|ST|196616^MDC_EVT_ALARM^MDC|1.0.0.0.1|<rule>|||PH~SP|||F|||<alert time>|||||||<trigger
//   reading id> OBX|2|NM|0^IOMTSIM_ALERT_SCORE^IOMTSIM|1.0.0.0.2|<score>||||||F
//   OBX|3|ST|68481^MDC_ATTR_EVENT_PHASE^MDC|1.0.0.0.3|start||||||F
//   OBX|4|ST|68482^MDC_ATTR_ALARM_STATE^MDC|1.0.0.0.4|active||||||F
// As IHE ACM has it, the alert's priority and source go in OBX-8 of its first facet (PH, PM,
// PL, PN for high, medium, low, none; SP physiological). OBR-7 is the alert's own time. The
// facet codes 68481/68482 are recalled, not checked against RTMMS: the decoder keys on names.
//
// Decoding (what a third-party sender may write): the patient is PID-3's first repetition
// (ID^^^authority), the time OBR-7 (else the first OBX-14, else MSH-7), the rule the first
// facet's OBX-5 (else its OBX-3 text or code), the severity OBX-8's priority, the trigger
// reading id OBX-21 when it is a decimal number, the alert id OBR-3's ID (else OBR-2's, else
// MSH-10). Errors: not MSH, MSH-9 not ORU^R40, no PID-3, no OBR.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "iomtsim/payloads/decode_result.hpp"
#include "iomtsim/payloads/hl7.hpp"
#include "iomtsim/physiology/alert.hpp"

namespace iomtsim::payloads {

struct Hl7Alert {
  std::string control_id;         // MSH-10 (for the ACK)
  std::string patient_id;         // PID-3.1
  std::string patient_authority;  // PID-3.4
  std::string rule;
  std::optional<physiology::AlertSeverity> severity;
  double score = 0.0;
  std::optional<std::int64_t> time_unix_ns;
  std::uint64_t trigger_reading_id = 0;
  std::string alert_id;
  bool operator==(const Hl7Alert&) const = default;
};

// The reference target's PCD-04 for one alert raised at `raised_unix_ns`; PID-3 is
// `patient_id` (p<index> unless provisioned).
std::string encode_alert_oru_r40(const physiology::Alert& alert, std::string_view patient_id,
                                 std::int64_t raised_unix_ns, const Hl7Options& options = {});
Decoded<Hl7Alert> decode_alert_oru_r40(std::string_view message);
bool is_oru_r40(std::string_view message);

// The application ACK (ACK^R40^ACK) to an ORU^R40: AA, or AE with the reason.
std::string encode_alert_ack(const Hl7Ack& ack, const Hl7Options& options = {});

}  // namespace iomtsim::payloads
