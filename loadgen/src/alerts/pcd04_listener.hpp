#pragma once
// Listens for HL7 ORU^R40 alert messages (IHE PCD-04, payloads/hl7_alert.hpp) over MLLP, as an
// alert manager's receiver does, on the address the scenario gives (alerts.mllp). Each
// message is answered with an ACK^R40: AA, or AE with the reason when it cannot be read
// (then it is counted, not scored). Its own thread. Bounded: 1 MiB per frame, 64
// connections, a connection quiet for 5 minutes is closed.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "heard_alert.hpp"

namespace iomtsim::loadgen::detail {

class Pcd04Listener {
 public:
  using Sink = std::function<void(std::vector<HeardAlert>)>;
  Pcd04Listener(std::string host, std::uint16_t port, Sink sink);
  ~Pcd04Listener();
  Pcd04Listener(const Pcd04Listener&) = delete;
  Pcd04Listener& operator=(const Pcd04Listener&) = delete;

  void start();  // throws std::system_error when it cannot bind
  void stop();
  std::uint16_t port() const;
  std::uint64_t messages() const { return messages_.load(std::memory_order_relaxed); }
  std::uint64_t unreadable() const { return unreadable_.load(std::memory_order_relaxed); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<std::uint64_t> messages_{0}, unreadable_{0};
};

}  // namespace iomtsim::loadgen::detail
