#pragma once
// What both engines need to know about a payload format without encoding anything: its
// name in reports (channel = protocol x network profile) and its size on the wire per
// reading, for the bandwidth models. One table, next to the encoders it describes, so a
// simulated run and a real one put the same load on a modelled link; a test
// (tests/payloads/wire_size_test.cpp) encodes one reading of every vital with each
// encoder and fails when the table drifts from what they produce.
//
//   m.payload_bytes = payloads::wire_bytes(format, readings.size());
#include <cstddef>
#include <string_view>

#include "iomtsim/scenarios/scenario.hpp"

namespace iomtsim::payloads {

// "fhir_r4", "hl7v2", "mqtt_json", "protobuf".
constexpr std::string_view protocol_name(scenarios::PayloadFormat f) {
  constexpr std::string_view names[] = {"fhir_r4", "hl7v2", "mqtt_json", "protobuf"};
  return names[static_cast<std::size_t>(f)];
}

// Bytes on the wire of one message: an envelope plus a share per reading, fitted to the
// encoders' output framed as sent (tests/payloads/wire_size_test.cpp, one reading and
// eleven): an FHIR Observation, or a transaction Bundle, with its HTTP request head; an
// ORU^R01 in its MLLP frame (MSH, PID, OBR once, an OBX per reading); an MQTT JSON reading
// or batch with its PUBLISH header and topic; a protobuf batch in its length frame.
struct WireSize {
  std::size_t envelope_bytes;
  std::size_t per_reading_bytes;
};
inline constexpr WireSize kWireSize[] = {{10, 730}, {485, 160}, {17, 86}, {9, 34}};

constexpr std::size_t wire_bytes(scenarios::PayloadFormat f, std::size_t readings) {
  const WireSize& w = kWireSize[static_cast<std::size_t>(f)];
  return readings == 0 ? 0 : w.envelope_bytes + w.per_reading_bytes * readings;
}

}  // namespace iomtsim::payloads
