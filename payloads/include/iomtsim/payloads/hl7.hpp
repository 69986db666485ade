#pragma once
// HL7 v2.6 ORU^R01 as IHE PCD-01 (Device Enterprise Communication) describes, and its ACK.
//
// One message carries readings of one device (one patient). Segments end with '\r':
//   MSH|^~\&|IOMTSIM^<EUI-64>^EUI-64|IOMTSIM|RECEIVER|RECEIVER|<time>||ORU^R01^ORU_R01|
//       <control id>|P|2.6|||AL|NE||UNICODE UTF-8|||IHE_PCD_001^IHE
//       PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO
//   PID|||p12^^^IOMTSIM^PI||Patient^p12
//   PV1||I
//   OBR|1|<control id>^IOMTSIM|<control id>^IOMTSIM|182777000^monitoring of patient^SCT|||<time>
//   OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X|||||||<EUI-64>^EUI-64
//   OBX|2|NM|147842^MDC_ECG_HEART_RATE^MDC|1.0.0.1|72.0|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R|||
//       20240501080001.2500+0000|||<method>|<EUI-64>^EUI-64|||<reading id>
// OBX-14 is the reading's device time (epoch_unix_ms + device_time) as
// YYYYMMDDHHMMSS.FFFF+0000; OBX-17 is "O2^on supplemental oxygen^L" when the patient is on
// oxygen (NEWS2 needs it), else empty; OBX-21 carries the reading id. Consciousness,
// which has no MDC code, goes as OBX-3 "80288-4^Level of consciousness^LN" with the ACVPU
// number (0..4) as NM value. The control id is "IOMT" + the first reading id in hex.
//
// Time precision on the wire is 100 µs: decoded device_time is truncated to it.
//
// The parser rejects, with a reason: a message not starting with MSH, a bad field
// separator or encoding characters, a message type other than ORU^R01, no PID or no
// patient id, an OBX with an unknown code, a non-numeric value, a missing or bad time.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "iomtsim/payloads/decode_result.hpp"
#include "iomtsim/physiology/reading.hpp"

namespace iomtsim::payloads {

struct Hl7Options {
  std::int64_t epoch_unix_ms = 0;  // wall time of scenario time zero
  std::string_view sending_facility = "IOMTSIM";
  std::string_view receiving_application = "RECEIVER";
};

// Encodes readings of one device. Throws EncodeError if `readings` is empty or mixes
// patients or devices (programming errors, not wire input).
std::string encode_oru_r01(std::span<const physiology::Reading> readings,
                           const Hl7Options& options = {});
// The control id encode_oru_r01 gives a batch starting with this reading id.
std::string hl7_control_id(std::uint64_t first_reading_id);

// ORU^R01 -> readings; message_id is MSH-10.
DecodeResult decode_oru_r01(std::string_view message, const Hl7Options& options = {});

// MSA-1 acknowledgment codes: original mode AA/AE/AR, enhanced mode (commit) CA/CE/CR.
// AA/CA: accepted. AE/CE: an error in the message itself; a sender does not send it again
// as it is (final). AR/CR: rejected for a reason that is not the message (the receiver is
// unavailable, overloaded, not processing): a sender may send it again later.
enum class AckCode : std::uint8_t { Accept, Error, Reject };       // AA, AE, AR
std::string_view ack_code_text(AckCode c, bool enhanced = false);  // "AA" .. or "CA" ..
// Whether a sender retries a message answered with this code (AR/CR only).
constexpr bool ack_retryable(AckCode c) { return c == AckCode::Reject; }

struct Hl7Ack {
  AckCode code = AckCode::Accept;
  std::string control_id;  // MSA-2: the control id of the message acknowledged
  // ERR-8 (user message) text, else ERR-7, else ERR-3's text; else MSA-3 (text message).
  // Empty for AA.
  std::string reason;
  // The ACK's own header. Empty applications: the Hl7Options names, as before. Values are
  // HL7 text as it stood in the message acknowledged (copied, not escaped again).
  std::string sending_application;           // MSH-3: the acknowledged message's MSH-5
  std::string sending_facility;              // MSH-4: its MSH-6
  std::string receiving_application;         // MSH-5: its MSH-3
  std::string receiving_facility;            // MSH-6: its MSH-4
  std::optional<std::int64_t> time_unix_ns;  // MSH-7; nullopt: the options' epoch
  std::string trigger = "R01";               // MSH-9 is ACK^<trigger>^ACK
  std::string error_code;  // ERR-3 (HL7 table 0357); empty: hl7_error_code(reason)
  bool enhanced = false;   // MSA-1 was CA/CE/CR (enhanced mode)
  bool operator==(const Hl7Ack&) const = default;
};

// An ACK^<trigger>^ACK message: MSH, MSA (code, control id, and the reason as MSA-3 text
// when the code is not AA), and an ERR segment carrying the HL7 table 0357 error code and
// `reason` when the code is not AA. Reason text is escaped (\F\, \S\, \R\, \E\, \T\).
std::string encode_ack(const Hl7Ack& ack, const Hl7Options& options = {});
Decoded<Hl7Ack> decode_ack(std::string_view message);

// The answer's header for `message` (an HL7 v2 message with an MSH segment): MSH-3..6
// swapped, MSH-10 as the control id, MSH-9's trigger event. Leaves `ack` unchanged where
// the message has no usable MSH.
void set_ack_reply_header(std::string_view message, Hl7Ack& ack);

// The HL7 table 0357 code for a decoder's refusal reason: 100 segment sequence error, 101
// required field missing, 102 data type error, 103 table value not found, 200 unsupported
// message type, 201 unsupported event code, 204 unknown key identifier, 207 application
// internal error (anything else: a full queue, a stopping server).
std::string_view hl7_error_code(std::string_view reason);
// Its name in the table ("Data type error").
std::string_view hl7_error_text(std::string_view code);

// HL7 escaping of text for a field with the standard delimiters |^~\&.
std::string hl7_escape(std::string_view text);
std::string hl7_unescape(std::string_view text);

}  // namespace iomtsim::payloads
