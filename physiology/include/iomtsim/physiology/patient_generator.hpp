#pragma once
// One simulated patient and the devices it wears, generated lazily: the caller asks for
// the next output and the generator advances the patient's physiology just far enough
// to produce it. Memory is per patient, never per unit of simulated time.
//
//   PatientGenerator g(cohort, /*global_index=*/17, scenario.seed, scenario.duration);
//   while (!g.done()) {
//     DeviceOutput out = g.next();            // a Reading or a WaveformBlock
//     ...                                      // (true_time, device index, sequence) order
//   }
//   g.finish();                               // episodes() is final now
//
// Determinism: everything a patient produces depends only on (cohort, global_index,
// seed, duration). The patient, each of its conditions and each device draw from their
// own streams (stream_seed), so patient k is identical whether generated alone or among
// thousands, in any shard, with any thread count. Calling true_vitals() never changes
// what next() returns.
//
// Time: scenario time 0 is taken as local midnight (circadian rhythms: temperature is
// lowest around 03:00). Readings carry the true (scenario) time and the device's own
// drifting clock (Reading::device_time).
//
// Pitfalls:
//  - true_vitals(t) is cheap for t at or after the time of the last output, and valid for
//    t up to a few minutes earlier; the generator keeps no long history, so asking for
//    much earlier times returns the oldest value it still holds.
//  - Episode::end is provisional (the scenario end) until the episode resolves; call
//    finish() before using episodes() as final ground truth.
#include <cstdint>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "iomtsim/physiology/cohort_spec.hpp"
#include "iomtsim/physiology/episode.hpp"
#include "iomtsim/physiology/reading.hpp"
#include "iomtsim/physiology/time.hpp"
#include "iomtsim/physiology/vital.hpp"

namespace iomtsim::physiology {

using DeviceOutput = std::variant<Reading, WaveformBlock>;

// True (noise-free) vital signs at one instant, in canonical units.
struct VitalSigns {
  double heart_rate_bpm = 75.0;     // ventricular rate (the pulse rate is the same value)
  double resp_rate_per_min = 16.0;
  double spo2_pct = 97.0;
  double systolic_mmhg = 125.0;
  double diastolic_mmhg = 75.0;
  double mean_mmhg = 91.7;
  double temperature_c = 36.9;
  double glucose_mg_dl = 100.0;
  double weight_kg = 75.0;
  Acvpu consciousness = Acvpu::Alert;
  bool on_oxygen = false;

  // The value of one Vital (PulseRate gives the heart rate; Consciousness its ACVPU code).
  double value(Vital v) const;
  bool operator==(const VitalSigns&) const = default;
};

// An intervention the scenario gives this patient, for previews and explanations: at
// fixed times or after a condition's onset (known when the generator is built), or in
// response to the patient (`triggered`: known once the trajectory has reached the instant
// its criterion was met; call finish() first to see them all).
struct PlannedIntervention {
  InterventionKind kind = InterventionKind::Fluids;
  SimTime at{};
  double dose = 1.0;  // as InterventionSpec::dose, in dose_info(kind).unit
  bool triggered = false;
  SimTime criteria_met{};  // triggered: when the criterion began to hold (at = this + for + after)
};

struct PatientInfo {
  PatientIndex index = 0;  // global index in the scenario
  Archetype archetype = Archetype::HealthyAdult;
  double age_years = 60.0;
  bool female = false;
  bool comorbid = false;
  bool operator==(const PatientInfo&) const = default;
};

namespace detail {
class PatientModel;   // latent physiology (physiology/src/)
class DeviceModel;    // one device's schedule, noise, artifacts, clock, battery
}  // namespace detail

// One patient and its devices, generated lazily. Move-only.
class PatientGenerator {
 public:
  // global_index: index in the whole scenario (stable across shards); seed: scenario seed;
  // duration: scenario length (no output at or after it). Throws std::invalid_argument
  // for a spec it cannot simulate (more than 256 devices, a zero interval, …).
  PatientGenerator(const CohortSpec& cohort, PatientIndex global_index, std::uint64_t seed,
                   Duration duration);
  ~PatientGenerator();
  PatientGenerator(PatientGenerator&&) noexcept;
  PatientGenerator& operator=(PatientGenerator&&) noexcept;
  PatientGenerator(const PatientGenerator&) = delete;
  PatientGenerator& operator=(const PatientGenerator&) = delete;

  SimTime next_time() const;  // true time of the next output; SimTime::max() when done
  DeviceOutput next();        // outputs in (true_time, device index, sequence) order;
                              // throws std::logic_error when done()
  bool done() const;
  const PatientInfo& info() const;
  VitalSigns true_vitals(SimTime t);  // t must not go backwards relative to generated outputs
  void finish();                      // advance the ground truth to the scenario end
  const std::vector<Episode>& episodes() const;  // ground truth so far; final after finish()
  std::vector<PlannedIntervention> interventions() const;  // in time order

  Duration duration() const { return duration_; }
  std::size_t device_count() const { return devices_.size(); }
  // Bytes this generator holds (object, model, devices and their heap), for the
  // "at most 4 KiB per patient" budget. Excludes output buffers.
  std::size_t memory_bytes() const;

 private:
  void refresh_next();

  PatientInfo info_;
  Duration duration_{};
  std::unique_ptr<detail::PatientModel> model_;
  std::vector<std::unique_ptr<detail::DeviceModel>> devices_;
  SimTime next_time_ = SimTime::max();
  std::optional<DeviceOutput> pending_;  // the next output, produced one step ahead
};

}  // namespace iomtsim::physiology
