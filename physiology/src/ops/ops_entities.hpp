#pragma once
// The three kinds of operations entity behind OpsFleet: one infusion pump, one asset tag,
// one patient's point-of-care imaging. Each produces its outputs lazily in time order
// from its own random stream, holding the next output one step ahead (as
// PatientGenerator does) so next_time() is exact. Private to physiology.
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "iomtsim/physiology/ops/ops_spec.hpp"
#include "iomtsim/physiology/ops/ops_types.hpp"
#include "iomtsim/physiology/random.hpp"

namespace iomtsim::physiology::ops::detail {

class OpsEntity {
 public:
  virtual ~OpsEntity() = default;
  SimTime next_time() const { return pending_ ? true_time_of(*pending_) : SimTime::max(); }
  bool done() const { return !pending_.has_value(); }
  OpsOutput take() {
    OpsOutput out = std::move(*pending_);
    pending_.reset();
    refresh();
    return out;
  }
  // Advances ground truth to the scenario end (assets: close the track).
  virtual void finish() {}

 protected:
  virtual void refresh() = 0;  // sets pending_ to the next output, or leaves it empty
  std::optional<OpsOutput> pending_;
};

// A device clock: offset and drift fixed per device.
struct DeviceClock {
  double drift_ppm = 0.0;
  Duration offset{};
  SimTime at(SimTime t) const;
  static DeviceClock draw(Rng& rng);
};

class PumpEntity final : public OpsEntity {
 public:
  PumpEntity(const PumpSpec& spec, std::uint32_t pump, PatientIndex patient, std::uint64_t seed,
             Duration duration);

 private:
  void refresh() override;
  void plan_infusion(SimTime start);
  void push(PumpEventKind kind, SimTime t, double volume_ml);

  PumpSpec spec_;
  std::uint32_t pump_;
  PatientIndex patient_;
  Duration duration_;
  Rng rng_;
  DeviceClock clock_;
  std::uint32_t seq_ = 0;
  std::optional<SimTime> battery_low_;  // not yet emitted
  SimTime next_start_{};                // of the next infusion, once the current is out
  std::deque<PumpEvent> planned_;       // the current infusion's events
  // The infusion planned_ belongs to.
  std::string drug_;
  double rate_ml_h_ = 0.0;
  double vtbi_ml_ = 0.0;
};

class AssetEntity final : public OpsEntity {
 public:
  AssetEntity(const AssetSpec& spec, const std::string& ward, std::uint32_t asset,
              std::uint64_t seed, Duration duration);
  void finish() override;
  const std::vector<LocationSegment>& track() const { return track_; }

 private:
  void refresh() override;
  void apply_change();  // moves to the next zone at change_time_
  bool audible(SimTime t);

  AssetSpec spec_;
  std::uint32_t asset_;
  AssetKind kind_;
  Duration duration_;
  Rng rng_;
  DeviceClock clock_;
  std::vector<std::string> route_;
  std::size_t route_pos_ = 0;
  bool in_transit_ = false;
  bool weak_ = false;
  SimTime dies_at_ = SimTime::max();
  SimTime next_fix_{};
  SimTime change_time_{};
  std::uint32_t seq_ = 0;
  std::vector<LocationSegment> track_;
};

class ImagingEntity final : public OpsEntity {
 public:
  ImagingEntity(const ImagingSpec& spec, PatientIndex patient, std::uint64_t seed,
                Duration duration);

 private:
  void refresh() override;
  void plan_procedure();

  ImagingSpec spec_;
  PatientIndex patient_;
  Duration duration_;
  Rng rng_;
  DeviceClock clock_;
  SimTime next_procedure_{};
  std::uint32_t procedure_ = 0;
  std::uint32_t seq_ = 0;
  std::deque<ImagingResult> planned_;
};

}  // namespace iomtsim::physiology::ops::detail
