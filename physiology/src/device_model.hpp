#pragma once
// One device on one patient: its schedule (on its own drifting clock), measurement noise
// and quantization, missing data, artifacts, battery and, for ECG/PPG devices, the
// waveform generator. Everything it draws comes from its own stream
// (StreamKind::Device, patient, device), so devices never disturb one another.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "device_defaults.hpp"
#include "iomtsim/physiology/cohort_spec.hpp"
#include "iomtsim/physiology/patient_generator.hpp"
#include "iomtsim/physiology/random.hpp"
#include "patient_model.hpp"
#include "waveform.hpp"

namespace iomtsim::physiology::detail {

class DeviceModel {
 public:
  DeviceModel(const DeviceModelSpec& spec, DeviceIndex index, PatientIndex patient, std::uint64_t seed);

  SimTime next_time() const { return next_; }
  // Consumes the earliest scheduled item and writes its output into `out` (in place:
  // no copies on the hot path); false when it was lost (gap, dead battery, probe off,
  // NIBP failure). Must be called in time order.
  bool produce(PatientModel& patient, std::optional<DeviceOutput>& out);

  double drift_ppm() const { return drift_ppm_; }
  std::size_t memory_bytes() const;

 private:
  struct Measure {
    Vital vital;
    float bias;  // per-device calibration offset, canonical unit (fraction for glucose)
    std::int64_t interval_ns;
    std::int64_t k;  // index of the scheduled instant `next`
    SimTime next;
  };
  struct Wave {
    std::int64_t block_ns;
    std::int64_t k;
    SimTime next;
    std::size_t samples;
    WaveformGenerator gen;
  };
  enum class Artifact : std::uint8_t { None, Motion, ProbeOff };

  SimTime scheduled_true_time(std::int64_t interval_ns, std::int64_t k, bool spot) const;
  void schedule(Measure& m);
  void schedule(Wave& w);
  void refresh_next();
  SimTime device_time(SimTime t) const;
  // Battery and gap state at t (monotone); returns false when nothing can be sent.
  bool reachable(double t_s, bool& low_battery);
  Artifact artifact_at(double t_s);
  // Out-of-line advances of the battery, gap and artifact processes to t_s.
  void recharge_until(double t_s);
  void next_gap_until(double t_s);
  void next_artifact_until(double t_s);
  bool measure(const Measure& m, PatientModel& patient, Artifact art, std::uint8_t flags,
               std::optional<DeviceOutput>& out);

  DeviceIndex index_;
  bool artifacts_ = true;  // here, in index_'s padding
  Charting charting_ = Charting::None;
  PatientIndex patient_;
  Rng rng_;
  std::uint64_t key_;
  const DeviceProfile* profile_;  // shared per type (never null); two fields overridable:
  double missing_fraction_;       // profile_'s, or the spec's override
  double battery_life_s_;         // 0: mains powered
  double drift_ppm_;
  double inv_rate_;  // true seconds per device second
  double offset_ns_;
  double phase_ns_;
  std::vector<Measure> measures_;
  std::unique_ptr<Wave> wave_;
  SimTime next_ = SimTime::max();
  // Gaps (missing data): alternating renewal process, seconds.
  double gap_start_s_ = HUGE_VAL, gap_end_s_ = HUGE_VAL;  // HUGE_VAL: no missing data
  // Battery: dies at death_s_, back (recharged/replaced) at revive_s_.
  double death_s_ = HUGE_VAL, revive_s_ = HUGE_VAL, charge_start_s_ = 0.0, charge0_ = 1.0;
  // Artifact events.
  double art_start_s_ = HUGE_VAL, art_end_s_ = HUGE_VAL;  // HUGE_VAL: artifacts off
  // Decisions for the instant being emitted (several measures share one instant).
  SimTime instant_t_ = SimTime::min();
  // The small members last and together, so they share one 8-byte slot (the 4 KiB
  // patient budget counts every padding byte five times over).
  std::uint32_t seq_ = 0;
  Artifact art_kind_ = Artifact::None;
  bool instant_ok_ = false;
  bool instant_low_ = false;
  Artifact instant_art_ = Artifact::None;
};

}  // namespace iomtsim::physiology::detail
