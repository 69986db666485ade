#pragma once
// An alert as one capture channel heard it (FHIR search, a Subscription notification, an HL7
// PCD-04 message, an MQTT message, a webhook), before alert_capture.hpp maps it to a patient,
// finds its trigger and times it. Private to loadgen.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "iomtsim/physiology/alert.hpp"

namespace iomtsim::loadgen::detail {

struct HeardAlert {
  const char* source = "";  // "fhir_poll", "subscription", "pcd04", "mqtt", "webhook"
  std::string alert_id;     // the same alert heard twice (two channels) counts once; may be empty
  std::optional<physiology::PatientIndex> patient;  // when the channel names the index itself
  std::string patient_reference;                    // else: "Patient/<id>" …
  std::string patient_identifier;                   // … or "system|value" / a bare PID-3 value
  std::string rule;
  std::optional<physiology::AlertSeverity> severity;
  double score = 0.0;
  std::optional<std::int64_t> time_unix_ns;         // the alert's own time, when it says
  std::optional<physiology::SimTime> trigger_time;  // iomtsim's own JSON only
  std::uint64_t trigger_reading_id = 0;
  std::string trigger_reference;  // "Observation/<id>": resolved to a reading id by a read
  // Receipt, on both clocks (so an own time on the system clock maps onto the steady one).
  std::chrono::steady_clock::time_point received_steady = std::chrono::steady_clock::now();
  std::int64_t received_unix_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count();
};

}  // namespace iomtsim::loadgen::detail
