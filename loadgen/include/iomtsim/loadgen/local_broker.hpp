#pragma once
// A real MQTT broker for runs against the embedded reference target: Debian's mosquitto
// as a child process on a free 127.0.0.1 port with a generated config, stopped (SIGTERM,
// then SIGKILL) on destruction. `iomtsim run` starts one when the embedded target must
// ingest MQTT and the scenario names no broker; tests use it the same way.
//
//   LocalBroker broker;                 // throws LocalBrokerError if it cannot start
//   connect_to("127.0.0.1", broker.port());
#include <sys/types.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace iomtsim::loadgen {

class LocalBrokerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class LocalBroker {
 public:
  static constexpr const char* kBinary = "/usr/sbin/mosquitto";

  // Starts the broker and waits (at most about 2 s per attempt) until it accepts
  // connections.
  LocalBroker();
  ~LocalBroker();
  LocalBroker(const LocalBroker&) = delete;
  LocalBroker& operator=(const LocalBroker&) = delete;

  static bool available();  // the mosquitto binary is installed
  std::uint16_t port() const { return port_; }

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::string dir_;
};

}  // namespace iomtsim::loadgen
