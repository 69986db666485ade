// One patient's point-of-care imaging and diagnostics: procedures arrive as a Poisson
// process; an ultrasound produces a burst of large results (clips and stills), a blood
// gas or a 12-lead ECG one small result. Bursts are what load a shared link.
#include <algorithm>

#include "ops_entities.hpp"

namespace iomtsim::physiology::ops::detail {

namespace {
constexpr double kMinUltrasoundBytes = 16.0 * 1024;
constexpr double kMaxUltrasoundBytes = 8.0 * 1024 * 1024;
}  // namespace

ImagingEntity::ImagingEntity(const ImagingSpec& spec, PatientIndex patient, std::uint64_t seed,
                             Duration duration)
    : spec_(spec),
      patient_(patient),
      duration_(duration),
      rng_(stream_seed(seed, StreamKind::Operations, static_cast<std::uint64_t>(OpsKind::Imaging),
                       patient)) {
  clock_ = DeviceClock::draw(rng_);
  next_procedure_ =
      spec_.procedures_per_day > 0
          ? SimTime{} + from_seconds(rng_.exponential(86400.0 / spec_.procedures_per_day))
          : SimTime::max();
  refresh();
}

void ImagingEntity::plan_procedure() {
  const double u = rng_.uniform();
  Modality m =
      u < 0.6 ? Modality::Ultrasound : (u < 0.85 ? Modality::BloodGas : Modality::Ecg12Lead);
  if (spec_.xray_fraction > 0.0 && rng_.uniform() < spec_.xray_fraction) m = Modality::Xray;
  const std::uint32_t n =
      m == Modality::Ultrasound ? std::max<std::uint32_t>(1, spec_.results_per_procedure) : 1;
  SimTime t = next_procedure_ + from_seconds(rng_.uniform(30.0, 120.0));
  for (std::uint32_t i = 0; i < n; ++i) {
    ImagingResult r;
    r.patient = patient_;
    r.modality = m;
    r.procedure = procedure_;
    double bytes = 0;
    switch (m) {
      case Modality::Ultrasound:
        bytes = std::clamp(spec_.ultrasound_bytes.sample(rng_), kMinUltrasoundBytes,
                           kMaxUltrasoundBytes);
        break;
      case Modality::BloodGas:
        bytes = rng_.uniform(8.0, 40.0) * 1024;
        break;
      case Modality::Ecg12Lead:
        bytes = rng_.uniform(60.0, 200.0) * 1024;
        break;
      case Modality::Xray:
        bytes = rng_.uniform(5.5, 8.0) * 1024 * 1024;
        break;
    }
    r.bytes = static_cast<std::uint64_t>(bytes);
    r.acquired_time = t;
    planned_.push_back(r);
    t += from_seconds(rng_.uniform(15.0, 60.0));
  }
  ++procedure_;
  next_procedure_ = t + from_seconds(rng_.exponential(86400.0 / spec_.procedures_per_day));
}

void ImagingEntity::refresh() {
  const SimTime end_of_run = SimTime{} + duration_;
  if (planned_.empty() && next_procedure_ < end_of_run) plan_procedure();
  if (planned_.empty() || planned_.front().acquired_time >= end_of_run) return;
  ImagingResult r = planned_.front();
  planned_.pop_front();
  r.id = make_ops_id(OpsKind::Imaging, patient_, seq_++);
  r.device_time = clock_.at(r.acquired_time);
  pending_ = r;
}

}  // namespace iomtsim::physiology::ops::detail
