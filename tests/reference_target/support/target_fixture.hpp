#pragma once
// Starts a TargetServer on 127.0.0.1 with ephemeral ports, and polls its counters with a
// bounded wait (the pipeline works on other threads).
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include "iomtsim/reference_target/target_server.hpp"

namespace iomtsim::testing {

inline std::unique_ptr<reference_target::TargetServer> start_target(
    const std::function<void(reference_target::TargetConfig&)>& tweak = {}) {
  auto cfg = reference_target::loopback_ephemeral_config();
  cfg.http.idle_timeout = std::chrono::seconds(5);
  cfg.http.header_timeout = std::chrono::seconds(5);
  if (tweak) tweak(cfg);
  auto s = std::make_unique<reference_target::TargetServer>(cfg);
  s->start();
  return s;
}

// Polls `pred` every 5 ms until true or the timeout; returns its last value.
inline bool eventually(const std::function<bool()>& pred,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return pred();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace iomtsim::testing
