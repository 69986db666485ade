#pragma once
// Small cohort builders shared by the physiology tests.
#include <chrono>
#include <vector>

#include "iomtsim/physiology/cohort_spec.hpp"
#include "iomtsim/physiology/patient_generator.hpp"

namespace iomtsim::physiology::testing {

using namespace std::chrono_literals;

inline DeviceModelSpec monitor(Duration every = std::chrono::seconds(60), bool artifacts = false,
                               std::optional<double> missing = 0.0) {
  DeviceModelSpec d;
  d.name = "monitor";
  d.type = DeviceType::BedsideMonitor;
  for (Vital v : {Vital::HeartRate, Vital::RespRate, Vital::SpO2, Vital::SystolicBP, Vital::Temperature})
    d.measures.push_back({v, every});
  d.artifacts = artifacts;
  d.missing_fraction = missing;
  return d;
}

inline DeviceModelSpec ecg_patch(double rate_hz = 250.0) {
  DeviceModelSpec d;
  d.name = "patch";
  d.type = DeviceType::WearableEcgPatch;
  d.waveform = WaveformSpec{WaveformKind::EcgLeadII, rate_hz, std::chrono::seconds(1)};
  d.artifacts = false;
  d.missing_fraction = 0.0;
  return d;
}

inline CohortSpec cohort(Archetype a, std::vector<DeviceModelSpec> devices) {
  CohortSpec c;
  c.name = "test";
  c.archetype = a;
  c.devices = std::move(devices);
  return c;
}

// A condition at a fixed onset and severity.
inline ConditionSpec condition(ConditionKind k, double onset_s, double severity, Course course) {
  ConditionSpec c;
  c.kind = k;
  c.onset_s = Distribution::constant(onset_s);
  c.severity = Distribution::constant(severity);
  c.course = course;
  return c;
}

inline InterventionSpec intervention(InterventionKind k, double delay_s, double dose) {
  InterventionSpec i;
  i.kind = k;
  i.delay_s = Distribution::constant(delay_s);
  i.dose = dose;
  return i;
}

// True vitals sampled every `step` over [from, to) (no devices needed).
inline std::vector<VitalSigns> trajectory(PatientGenerator& g, Duration from, Duration to, Duration step) {
  std::vector<VitalSigns> out;
  for (Duration t = from; t < to; t += step) out.push_back(g.true_vitals(SimTime{t}));
  return out;
}

}  // namespace iomtsim::physiology::testing
