#pragma once
// The bounded queue between ingest and the rules, and the workers that drain it.
//
// Readings are sharded by patient index over `workers` threads; each worker owns its
// Evaluator, so one patient's state is only touched by one thread and needs no lock. The
// bound counts readings in all shards together; submit() is all-or-nothing: a message
// whose readings do not all fit is refused whole (the transport answers 429/503/AR).
// Service time is spent by the worker as it takes each message (sleep_until on a running
// deadline, so oversleeping does not accumulate).
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "evaluator.hpp"
#include "iomtsim/reference_target/config.hpp"
#include "iomtsim/reference_target/metrics.hpp"

namespace iomtsim::reference_target {

class Pipeline {
 public:
  Pipeline(const ProcessingConfig& cfg, Metrics& metrics, const EvaluatorFactory& factory,
           AlertSink* sink);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  void start();
  // Stops the workers; readings still queued are dropped (their callbacks never run).
  void stop();

  enum class Admit : std::uint8_t { Queued, Full, Stopped };
  // Takes the readings if they all fit. `on_processed`, if given, runs on a worker thread
  // once the rules have seen every reading of this message.
  Admit submit(std::vector<physiology::Reading>&& readings,
               std::function<void()> on_processed = {});

  std::uint64_t depth() const { return depth_.load(std::memory_order_relaxed); }

 private:
  struct Completion {
    std::atomic<std::size_t> remaining;
    std::function<void()> done;
  };
  struct Item {
    std::vector<physiology::Reading> readings;
    std::shared_ptr<Completion> completion;
    bool first_part = true;  // carries the per-message service time
  };
  struct Shard {
    std::mutex mutex;
    std::condition_variable cv;
    std::deque<Item> items;
    // Idle: asleep until notified. Lingering: just drained a batch and naps briefly
    // before looking again, so a busy producer need not wake it (a futex wake and two
    // context switches per message cost more than decoding the message).
    enum class Sleep : std::uint8_t { Awake, Idle, Lingering } sleep = Sleep::Awake;
    std::unique_ptr<Evaluator> evaluator;
    std::thread thread;
  };

  void run(Shard& shard);
  void push(Shard& shard, Item&& item, bool urgent);

  ProcessingConfig cfg_;
  Metrics& metrics_;
  AlertSink* sink_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<std::uint64_t> depth_{0};
  std::atomic<bool> stopping_{false};
  bool started_ = false;
};

}  // namespace iomtsim::reference_target
