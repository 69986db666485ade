#pragma once
// What a target says about a patient. It lives here, in the lowest module, because the
// target (which raises alerts), payloads (which encode them) and reports (which score
// them) all need the same plain value and may only depend downward.
#include <cstdint>
#include <string>

#include "iomtsim/physiology/reading.hpp"
#include "iomtsim/physiology/time.hpp"

namespace iomtsim::physiology {

enum class AlertSeverity : std::uint8_t { Info, Low, Medium, High };

struct Alert {
  std::string alert_id;      // the target's own identifier, if it gives one
  PatientIndex patient = 0;
  std::string rule;          // e.g. "news2", "qsofa", "spo2_low_sustained"
  double score = 0.0;        // the rule's score (NEWS2 total, qSOFA points, …), 0 if none
  AlertSeverity severity = AlertSeverity::Medium;
  SimTime trigger_time{};    // scenario time of the reading that triggered it
  std::uint64_t trigger_reading_id = 0;  // 0 when unknown
  SimTime received_time{};   // when the load generator received it (scenario clock)
  bool operator==(const Alert&) const = default;
};

}  // namespace iomtsim::physiology
