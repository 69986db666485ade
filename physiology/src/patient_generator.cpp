#include "iomtsim/physiology/patient_generator.hpp"

#include <stdexcept>

#include "device_model.hpp"
#include "patient_model.hpp"

namespace iomtsim::physiology {

double VitalSigns::value(Vital v) const {
  switch (v) {
    case Vital::HeartRate:
    case Vital::PulseRate:
      return heart_rate_bpm;
    case Vital::RespRate:
      return resp_rate_per_min;
    case Vital::SpO2:
      return spo2_pct;
    case Vital::SystolicBP:
      return systolic_mmhg;
    case Vital::DiastolicBP:
      return diastolic_mmhg;
    case Vital::MeanBP:
      return mean_mmhg;
    case Vital::Temperature:
      return temperature_c;
    case Vital::Glucose:
      return glucose_mg_dl;
    case Vital::Weight:
      return weight_kg;
    case Vital::Consciousness:
      return static_cast<double>(consciousness);
  }
  return 0.0;
}

PatientGenerator::PatientGenerator(const CohortSpec& cohort, PatientIndex global_index,
                                   std::uint64_t seed, Duration duration)
    : duration_(duration) {
  if (duration.count() < 0) throw std::invalid_argument("PatientGenerator: negative duration");
  if (cohort.devices.size() > 256)
    throw std::invalid_argument("PatientGenerator: more than 256 devices per patient");
  if (global_index > 0xFFFFFFu)
    throw std::invalid_argument("PatientGenerator: patient index above 2^24 - 1");
  model_ = std::make_unique<detail::PatientModel>(cohort, global_index, seed, duration, info_);
  devices_.reserve(cohort.devices.size());
  for (std::size_t i = 0; i < cohort.devices.size(); ++i)
    devices_.push_back(std::make_unique<detail::DeviceModel>(
        cohort.devices[i], static_cast<DeviceIndex>(i), global_index, seed));
  refresh_next();
}

PatientGenerator::~PatientGenerator() = default;
PatientGenerator::PatientGenerator(PatientGenerator&&) noexcept = default;
PatientGenerator& PatientGenerator::operator=(PatientGenerator&&) noexcept = default;

// Forced inline (here and on the per-value helpers of DeviceModel and PatientModel):
// the numerics path is a chain of small calls, and their prologues and register saves
// were ~10 % of the instructions per value. Each is used only in its own .cpp.
[[gnu::always_inline]] inline void PatientGenerator::refresh_next() {
  pending_.reset();
  const SimTime end{duration_};
  for (;;) {
    // Lowest (time, device index): ties go to the lower index because of the strict <.
    detail::DeviceModel* best = nullptr;
    SimTime best_t = SimTime::max();
    for (auto& d : devices_) {
      if (d->next_time() < best_t) {
        best_t = d->next_time();
        best = d.get();
      }
    }
    if (!best || best_t >= end) {
      next_time_ = SimTime::max();
      return;
    }
    if (best->produce(*model_, pending_)) {
      next_time_ = best_t;
      return;
    }
    pending_.reset();
  }
}

SimTime PatientGenerator::next_time() const { return next_time_; }
bool PatientGenerator::done() const { return !pending_.has_value(); }
const PatientInfo& PatientGenerator::info() const { return info_; }

DeviceOutput PatientGenerator::next() {
  if (!pending_) throw std::logic_error("PatientGenerator::next() called when done()");
  DeviceOutput out = std::move(*pending_);
  refresh_next();
  return out;
}

VitalSigns PatientGenerator::true_vitals(SimTime t) { return model_->vitals_at(t); }

void PatientGenerator::finish() { model_->finish(); }

const std::vector<Episode>& PatientGenerator::episodes() const { return model_->episodes(); }

std::vector<PlannedIntervention> PatientGenerator::interventions() const {
  std::vector<PlannedIntervention> out;
  for (const auto& i : model_->interventions())
    out.push_back({i.kind, at_seconds(i.at_s), i.dose, i.triggered,
                   i.triggered ? at_seconds(i.criteria_met_s) : SimTime{}});
  return out;
}

std::size_t PatientGenerator::memory_bytes() const {
  std::size_t n =
      sizeof(*this) + model_->memory_bytes() + devices_.capacity() * sizeof(devices_[0]);
  for (const auto& d : devices_) n += d->memory_bytes();
  return n;
}

}  // namespace iomtsim::physiology
