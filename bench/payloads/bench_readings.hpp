#pragma once
// Deterministic, varied readings for benchmarks: a ward of patients, each with a monitor
// reporting every vital with plausible noise.
#include <vector>

#include "iomtsim/physiology/random.hpp"
#include "iomtsim/physiology/reading.hpp"

namespace iomtsim::bench {

inline std::vector<physiology::Reading> ward_readings(std::size_t count, std::uint32_t patients) {
  using physiology::Vital;
  constexpr double kMean[] = {80, 79, 17, 95, 120, 75, 90, 37.0, 110, 80, 0};
  constexpr double kSd[] = {15, 15, 5, 3, 20, 10, 12, 0.8, 30, 0.5, 0};
  physiology::Rng rng(physiology::stream_seed(7, physiology::StreamKind::Device, 1));
  std::vector<physiology::Reading> out;
  out.reserve(count);
  std::vector<std::uint32_t> seq(patients, 0);
  for (std::size_t i = 0; i < count; ++i) {
    const auto p = static_cast<physiology::PatientIndex>(i % patients);
    const auto v = static_cast<Vital>((i / patients) % physiology::kVitalCount);
    const auto k = static_cast<std::size_t>(v);
    physiology::Reading r;
    r.id = physiology::make_reading_id(p, 0, ++seq[p]);
    r.patient = p;
    r.vital = v;
    r.value = v == Vital::Consciousness ? (rng.bernoulli(0.02) ? 2.0 : 0.0) : rng.normal(kMean[k], kSd[k]);
    r.true_value = r.value;
    r.device_time = physiology::at_seconds(static_cast<double>(i / patients) * 5.0);
    r.true_time = r.device_time;
    r.flags = rng.bernoulli(0.1) ? physiology::kFlagOnOxygen : 0;
    out.push_back(r);
  }
  return out;
}

}  // namespace iomtsim::bench
