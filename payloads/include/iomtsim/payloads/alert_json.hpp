#pragma once
// Alerts as JSON, for the target's webhook and its MQTT alert topic:
//   {"alert_id":"a-17","patient":12,"rule":"news2","score":7,"severity":"high",
//    "trigger_time_ns":3600000000000,"trigger_reading_id":13194139533313}
// severity is one of "info", "low", "medium", "high". received_time is not on the wire
// (the receiver stamps it). Reading ids are JSON integers up to 2^64-1: fine for C++ and
// nlohmann_json, but JavaScript consumers lose precision above 2^53.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iomtsim/payloads/decode_result.hpp"
#include "iomtsim/physiology/alert.hpp"

namespace iomtsim::payloads {

void append_alert_json(std::string& out, const physiology::Alert& alert);
std::string encode_alert_json(const physiology::Alert& alert);
// One object, or an array of objects (decode_alerts_json).
Decoded<physiology::Alert> decode_alert_json(std::string_view json);
Decoded<std::vector<physiology::Alert>> decode_alerts_json(std::string_view json);

std::string_view severity_name(physiology::AlertSeverity s);
std::optional<physiology::AlertSeverity> severity_from_name(std::string_view s);

}  // namespace iomtsim::payloads
