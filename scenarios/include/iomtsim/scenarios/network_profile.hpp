#pragma once
// A network profile as a scenario describes it: plain data. The models that apply it
// (loss, latency, outages, bandwidth, store-and-forward) live in sim/ and serve both the
// real-time and the simulated-time engine.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "iomtsim/physiology/random.hpp"
#include "iomtsim/physiology/time.hpp"

namespace iomtsim::scenarios {

using physiology::Distribution;
using physiology::Duration;
using physiology::SimTime;

// Gilbert–Elliott two-state loss: a good and a bad state with their own loss
// probabilities, and per-packet transition probabilities between them.
struct GilbertElliott {
  double p_good_to_bad = 0.01;
  double p_bad_to_good = 0.3;
  double loss_in_good = 0.0;
  double loss_in_bad = 0.5;
  bool operator==(const GilbertElliott&) const = default;
};

struct OutageWindow {
  SimTime start{};
  Duration length{};
  bool operator==(const OutageWindow&) const = default;
};

struct NetworkProfile {
  std::string name;
  std::string description;
  Distribution latency_s = Distribution::constant(0.005);  // one-way, seconds
  double jitter_s = 0.0;                 // added uniform(0, jitter) per packet, seconds
  double loss = 0.0;                     // independent loss probability per message, 0..1
  std::optional<GilbertElliott> bursty_loss;
  std::optional<double> bandwidth_bps;   // bits per second of the shared link, if limited
  std::string shared_link;               // devices with the same link name share bandwidth
  std::vector<OutageWindow> outages;     // scheduled
  std::optional<Duration> mtbf;          // random failures: mean time between
  std::optional<Duration> mttr;          // and mean time to repair
  Duration reconnect_initial = std::chrono::seconds(1);  // back-off start
  Duration reconnect_max = std::chrono::seconds(60);     // back-off ceiling
  double reconnect_jitter = 0.2;         // ± fraction applied to each back-off delay
  std::uint32_t buffer_readings = 1000;  // device store-and-forward capacity (0: none)
  bool operator==(const NetworkProfile&) const = default;
};

}  // namespace iomtsim::scenarios
