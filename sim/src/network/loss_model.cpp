#include "iomtsim/sim/network/loss_model.hpp"

#include <string>

#include "iomtsim/sim/network/network_error.hpp"

namespace iomtsim::sim::network {
namespace {

void check_probability(double p, const char* what) {
  if (!(p >= 0.0 && p <= 1.0)) {
    throw NetworkConfigError(std::string("network profile: ") + what +
                             " must be a probability in [0, 1], got " + std::to_string(p));
  }
}

double stationary_bad(const GilbertElliott& ge) {
  const double sum = ge.p_good_to_bad + ge.p_bad_to_good;
  // Both zero: the chain never moves; it stays where it started (good).
  return sum > 0.0 ? ge.p_good_to_bad / sum : 0.0;
}

}  // namespace

LossModel::LossModel(double independent_loss, std::optional<GilbertElliott> bursty)
    : p_(independent_loss), ge_(bursty) {
  check_probability(p_, "loss");
  if (ge_) {
    check_probability(ge_->p_good_to_bad, "bursty_loss.p_good_to_bad");
    check_probability(ge_->p_bad_to_good, "bursty_loss.p_bad_to_good");
    check_probability(ge_->loss_in_good, "bursty_loss.loss_in_good");
    check_probability(ge_->loss_in_bad, "bursty_loss.loss_in_bad");
  }
}

bool LossModel::lose_next(Rng& rng) {
  const double u_independent = rng.uniform();
  const double u_transition = rng.uniform();
  const double u_state_loss = rng.uniform();
  const bool lost = u_independent < p_;
  if (!ge_) return lost;
  // The chain moves before each message; the first message instead draws its state from
  // the stationary distribution, so state 1, 2, … is a stationary Markov chain.
  if (!started_) {
    bad_ = u_transition < stationary_bad(*ge_);
    started_ = true;
  } else if (bad_) {
    bad_ = !(u_transition < ge_->p_bad_to_good);
  } else {
    bad_ = u_transition < ge_->p_good_to_bad;
  }
  return u_state_loss < (bad_ ? ge_->loss_in_bad : ge_->loss_in_good) || lost;
}

double LossModel::expected_rate() const {
  double ge_rate = 0.0;
  if (ge_) {
    const double pb = stationary_bad(*ge_);
    ge_rate = (1.0 - pb) * ge_->loss_in_good + pb * ge_->loss_in_bad;
  }
  return 1.0 - (1.0 - p_) * (1.0 - ge_rate);
}

}  // namespace iomtsim::sim::network
