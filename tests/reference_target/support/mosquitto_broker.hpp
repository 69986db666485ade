#pragma once
// Tests use the same broker `iomtsim run` starts for the embedded target
// (loadgen::LocalBroker: Debian's mosquitto on a free loopback port). This adapter keeps
// the tests' style: available() is false when the binary is missing, so a test can skip,
// and a broker that fails to start shows as running() == false.
#include <cstdint>
#include <memory>

#include "iomtsim/loadgen/local_broker.hpp"

namespace iomtsim::testing {

class MosquittoBroker {
 public:
  MosquittoBroker() {
    if (!available()) return;
    try {
      broker_ = std::make_unique<loadgen::LocalBroker>();
    } catch (const loadgen::LocalBrokerError&) {
      // running() stays false; the test reports it.
    }
  }
  static bool available() { return loadgen::LocalBroker::available(); }
  bool running() const { return broker_ != nullptr; }
  std::uint16_t port() const { return broker_ ? broker_->port() : 0; }

 private:
  std::unique_ptr<loadgen::LocalBroker> broker_;
};

}  // namespace iomtsim::testing
