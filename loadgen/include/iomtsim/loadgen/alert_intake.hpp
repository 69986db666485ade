#pragma once
// The alert intake: an HTTP server (Boost.Beast, its own thread) that a target posts its
// alerts to, as JSON (payloads/alert_json.hpp: one object or an array), on any path.
// Each alert is stamped with its receive time on the scenario clock and handed to `sink`
// on the intake's thread (the run gives it a RecorderShard of its own, so no lock).
//
//   AlertIntake intake([&](const physiology::Alert& a) { shard.on_alert(a); }, clock_now);
//   intake.start();                         // 127.0.0.1, ephemeral port
//   cfg.alerts.webhook_url = intake.url();  // "http://127.0.0.1:PORT/alerts"
//   ...
//   intake.stop();                          // joins the thread; no sink call after it
//
// Bad bodies get 400 and are counted (bad_requests), never thrown.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "iomtsim/physiology/alert.hpp"
#include "iomtsim/physiology/time.hpp"

namespace iomtsim::loadgen {

class AlertIntake {
 public:
  using Sink = std::function<void(const physiology::Alert&)>;
  using Now = std::function<physiology::SimTime()>;

  AlertIntake(Sink sink, Now now, std::uint16_t port = 0);
  ~AlertIntake();
  AlertIntake(const AlertIntake&) = delete;
  AlertIntake& operator=(const AlertIntake&) = delete;

  void start();  // throws std::system_error if the port cannot be bound
  void stop();   // idempotent
  std::uint16_t port() const;
  std::string url() const;  // http://127.0.0.1:PORT/alerts

  std::uint64_t alerts_received() const { return received_.load(std::memory_order_relaxed); }
  std::uint64_t bad_requests() const { return bad_.load(std::memory_order_relaxed); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<std::uint64_t> received_{0};
  std::atomic<std::uint64_t> bad_{0};
};

}  // namespace iomtsim::loadgen
