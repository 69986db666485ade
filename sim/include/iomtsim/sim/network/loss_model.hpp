#pragma once
// Message loss for one device's path: independent Bernoulli loss and, optionally,
// Gilbert–Elliott two-state bursty loss. A message is lost if either says so, so the
// overall rate is 1 - (1 - loss) * (1 - ge_rate).
//
// Gilbert–Elliott: a Markov chain stepped once per message (not per unit of time).
// Before each message the chain moves good->bad with p_good_to_bad, bad->good with
// p_bad_to_good; the message is then lost with the new state's loss probability. The
// first message's state is drawn from the stationary distribution instead, so a short
// run is not biased toward "good". Long-run rate:
//   pi_bad = p_gb / (p_gb + p_bg),  rate = (1 - pi_bad) * loss_in_good + pi_bad * loss_in_bad
// and bad-state sojourns are geometric with mean 1 / p_bg messages.
//
// Each decision consumes exactly three uniforms whatever the configuration, so
// switching bursty loss on or off never shifts other models' draws on the same stream.
#include <optional>

#include "iomtsim/physiology/random.hpp"
#include "iomtsim/scenarios/network_profile.hpp"

namespace iomtsim::sim::network {

using physiology::Rng;
using scenarios::GilbertElliott;

class LossModel {
 public:
  // Throws NetworkConfigError if a probability is outside [0, 1] or NaN.
  LossModel(double independent_loss, std::optional<GilbertElliott> bursty);

  // True if the next message is lost. Advances the Gilbert–Elliott chain.
  bool lose_next(Rng& rng);

  // The configured long-run loss fraction (for reports and explain texts).
  double expected_rate() const;
  // Whether the last message was decided in the bad state (for tests of bursts).
  bool in_bad_state() const { return bad_; }

 private:
  double p_;
  std::optional<GilbertElliott> ge_;
  bool bad_ = false;
  bool started_ = false;
};

}  // namespace iomtsim::sim::network
