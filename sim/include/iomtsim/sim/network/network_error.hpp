#pragma once
// The one exception type of the network-condition models: a NetworkProfile that cannot
// be applied (negative probabilities, a random-failure process with MTBF but no MTTR,
// two profiles giving one shared link different bandwidths, …). The scenario loader
// validates most of this first; these checks are the models' own guard, so bad input
// never becomes a crash or a silent nonsense result.
#include <stdexcept>
#include <string>

namespace iomtsim::sim::network {

class NetworkConfigError : public std::invalid_argument {
 public:
  explicit NetworkConfigError(const std::string& what) : std::invalid_argument(what) {}
};

}  // namespace iomtsim::sim::network
