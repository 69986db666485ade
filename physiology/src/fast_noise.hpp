#pragma once
// Smooth pseudo-random functions of time ("value noise"): a hashed random value at every
// lattice point, joined by a smoothstep. A pure function of (key, t), so a patient's
// variability is the same whoever asks and in whatever order, and costs two hashes
// instead of a random draw per query (the reason: true_vitals() must never perturb the
// generated stream, and the numerics budget is ~50 ns per value).
#include <cmath>
#include <cstdint>

#include "iomtsim/physiology/random.hpp"

namespace iomtsim::physiology::detail {

// Uniform in [-1, 1) for lattice point i of stream `key`.
inline double lattice_value(std::uint64_t key, std::int64_t i) {
  const std::uint64_t h = splitmix64(key ^ (static_cast<std::uint64_t>(i) * 0xD1B54A32D192ED03ull));
  return static_cast<double>(h >> 11) * 0x1.0p-52 - 1.0;
}

// Value noise with lattice spacing `spacing_s`, amplitude about ±1 (sd ≈ 0.45).
inline double value_noise(std::uint64_t key, double t_s, double spacing_s) {
  const double x = t_s / spacing_s;
  const double f = std::floor(x);
  const auto i = static_cast<std::int64_t>(f);
  double u = x - f;
  u = u * u * (3.0 - 2.0 * u);
  const double a = lattice_value(key, i);
  const double b = lattice_value(key, i + 1);
  return a + (b - a) * u;
}

// Uniform in [0, 1) from a key and an integer (stateless, for decisions that several
// measures of one device must share, such as the jitter of one spot check).
inline double hash_uniform(std::uint64_t key, std::int64_t i) {
  return 0.5 * (lattice_value(key, i) + 1.0);
}

}  // namespace iomtsim::physiology::detail
