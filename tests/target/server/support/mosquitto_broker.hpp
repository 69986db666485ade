#pragma once
// A real mosquitto broker (Debian's /usr/sbin/mosquitto) as a child process on a free
// loopback port, with a generated config file; stopped (SIGTERM, then SIGKILL) on
// destruction. available() is false when the binary is missing, so tests can skip.
#include <sys/types.h>

#include <cstdint>
#include <string>

namespace iomtsim::testing {

class MosquittoBroker {
 public:
  MosquittoBroker();
  ~MosquittoBroker();
  static bool available();
  bool running() const { return pid_ > 0; }
  std::uint16_t port() const { return port_; }

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::string dir_;
};

}  // namespace iomtsim::testing
