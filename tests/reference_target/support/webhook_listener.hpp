#pragma once
// A tiny HTTP server standing in for an alert receiver: accepts connections on a
// loopback port, answers every request 200, and keeps the bodies. Runs one thread;
// stopping is bounded (poll with a short timeout).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace iomtsim::testing {

class WebhookListener {
 public:
  WebhookListener();
  ~WebhookListener();
  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/alerts"; }
  // Waits until at least n bodies arrived (or the timeout); returns all bodies so far.
  std::vector<std::string> wait_for(std::size_t n, std::chrono::milliseconds timeout);
  std::vector<std::string> bodies() const;
  std::vector<std::string> paths() const;

 private:
  void run();
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::string> bodies_, paths_;
  std::thread thread_;
};

}  // namespace iomtsim::testing
