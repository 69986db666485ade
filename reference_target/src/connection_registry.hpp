#pragma once
// The open connections of every listener: admission under the connection limits, the
// longest-idle one closed to make room, and close_all() for stop() and an injected crash.
//
// A session asks admit() before it starts. Over a limit, the registry closes the
// connection that has been idle longest (a keep-alive HTTP connection between requests,
// an MLLP/protobuf connection between frames) and admits the new one in its place; with
// no idle connection to close, admit() refuses and the listener answers (HTTP 503) and
// closes. Idle sockets are what an attacker holds cheaply; busy ones cost it bandwidth.
//
//   auto slot = registry.admit(Protocol::Http, [weak] { /* post a close */ });
//   if (!slot) return refuse(socket);
//   slot->set_idle(true);    // waiting for the next request, nothing buffered
//   registry.remove(slot);   // in the session's destructor
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "iomtsim/reference_target/metrics.hpp"

namespace iomtsim::reference_target {

class ConnectionRegistry {
 public:
  struct Limits {
    std::size_t total = 0;                                // 0: no limit
    std::array<std::size_t, kProtocolCount> per_protocol{};  // 0: no limit
  };

  class Slot {
   public:
    // Called from the session's own strand; read by admit() on other threads.
    void set_idle(bool idle) {
      idle_since_ns_.store(idle ? std::chrono::steady_clock::now().time_since_epoch().count() : 0,
                           std::memory_order_relaxed);
    }

   private:
    friend class ConnectionRegistry;
    Slot(Protocol p, std::function<void()> close) : protocol_(p), close_(std::move(close)) {}
    Protocol protocol_;
    std::function<void()> close_;  // safe to call from any thread
    std::atomic<std::int64_t> idle_since_ns_{0};  // 0: busy
    bool evicted_ = false;                        // under the registry's mutex
  };
  using SlotPtr = std::shared_ptr<Slot>;

  ConnectionRegistry(Limits limits, Metrics& metrics) : limits_(limits), metrics_(metrics) {}

  // A slot for a new connection, or null when it must be refused (counted as
  // connection_limit). May close an idle connection to make room (counted as idle_evicted).
  SlotPtr admit(Protocol p, std::function<void()> close);
  void remove(const SlotPtr& slot);
  void close_all();
  std::size_t size() const;

 private:
  Limits limits_;
  Metrics& metrics_;
  mutable std::mutex mutex_;
  std::unordered_map<Slot*, SlotPtr> slots_;
  std::array<std::size_t, kProtocolCount> open_{};  // admitted and not evicted, per protocol
  std::size_t total_ = 0;
};

}  // namespace iomtsim::reference_target
