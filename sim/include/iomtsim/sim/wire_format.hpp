#pragma once
// What both engines need to know about a payload format without encoding anything: its
// name in reports (channel = protocol x network profile) and an estimate of its size on
// the wire per reading, for the bandwidth models. One table, so a simulated run and a
// real one put the same load on a modelled link.
#include <cstddef>
#include <string_view>

#include "iomtsim/scenarios/scenario.hpp"

namespace iomtsim::sim {

// "fhir_r4", "hl7v2", "mqtt_json", "protobuf".
constexpr std::string_view protocol_name(scenarios::PayloadFormat f) {
  constexpr std::string_view names[] = {"fhir_r4", "hl7v2", "mqtt_json", "protobuf"};
  return names[static_cast<std::size_t>(f)];
}

// Bytes on the wire for `readings` readings in one message: measured sizes of the
// encoders' output for a typical vital (an FHIR Observation with its HTTP headers, an
// ORU OBX share of an MLLP frame, an MQTT JSON publish, a protobuf batch entry).
constexpr std::size_t wire_bytes(scenarios::PayloadFormat f, std::size_t readings) {
  constexpr std::size_t per_reading_bytes[] = {620, 260, 180, 70};
  return per_reading_bytes[static_cast<std::size_t>(f)] * readings;
}

}  // namespace iomtsim::sim
