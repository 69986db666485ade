#pragma once
// What every decoder returns: values or a reason, never an exception for bad input.
//
// `error` is empty on success; otherwise it is a one-line reason meant for a human and for
// an OperationOutcome / HL7 ERR segment / BatchAck, e.g. "entry 3: unknown LOINC code
// '1234-5'". Tests compare against substrings of it, so keep reasons specific.
#include <stdexcept>
#include <string>
#include <vector>

#include "iomtsim/physiology/reading.hpp"

namespace iomtsim::payloads {

// Readings decoded from one message (an Observation, a Bundle, an ORU^R01, an MQTT
// payload). Decoded readings carry what the wire carries: id (0 when the message had
// none), patient, device, vital, value (canonical unit), device_time and wire flags.
// true_value and true_time stay zero: the wire never carries ground truth.
struct DecodeResult {
  std::vector<physiology::Reading> readings;
  std::string message_id;  // Bundle.id / HL7 MSH-10 control id / "" when none
  std::string error;
  bool ok() const noexcept { return error.empty(); }
};

// One decoded value of another kind (an alert, an ACK) or a reason.
template <class T>
struct Decoded {
  T value{};
  std::string error;
  bool ok() const noexcept { return error.empty(); }
};

// Thrown by encoders for inputs that are programming errors (an HL7 batch mixing
// devices, an empty batch), never for bad wire input.
struct EncodeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace iomtsim::payloads
