#pragma once
// Compact JSON for MQTT: one object per reading, or an array of them for a batch.
//   {"id":13194139533313,"p":12,"d":0,"v":"heart_rate","val":72.0,"u":"/min","t":1250,"f":8}
// id: reading id (integer; 0 or absent when unknown). p: patient index. d: device index.
// v: physiology::name(vital). val: value in the canonical unit, printed with the vital's
// wire_decimals. u: UCUM unit (informative; decoders check it matches the vital's unit).
// t: device time in milliseconds since scenario start (an integer; decoded device_time is
// truncated to ms). f: wire flags, omitted when 0.
//
// Topics come from a pattern with {patient} and {device} placeholders (the scenario's
// target.mqtt_topic, default "iomtsim/{patient}/{device}").
#include <span>
#include <string>
#include <string_view>

#include "iomtsim/payloads/decode_result.hpp"
#include "iomtsim/physiology/reading.hpp"

namespace iomtsim::payloads {

void append_mqtt_reading(std::string& out, const physiology::Reading& r);
std::string encode_mqtt_reading(const physiology::Reading& r);
std::string encode_mqtt_batch(std::span<const physiology::Reading> readings);

// An object or an array of objects -> readings (all or nothing, entry index in reasons).
DecodeResult decode_mqtt_json(std::string_view json);

// "iomtsim/{patient}/{device}" -> "iomtsim/12/0". Unknown placeholders stay as written.
std::string mqtt_topic(std::string_view pattern, physiology::PatientIndex patient,
                       physiology::DeviceIndex device);

}  // namespace iomtsim::payloads
