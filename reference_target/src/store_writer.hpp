#pragma once
// Between the acknowledgement and the record: a bounded queue of acknowledged readings, a
// processing stage (each reading waits store.processing_delay from its acknowledgement),
// the post-acknowledgement faults (faults.after_ack), and one writer thread that writes
// what is due in batches of up to store.batch_max, one SQLite transaction each.
//
// Back-pressure: ingest reserves room for a whole message before it answers
// (reserve()); when it does not fit, the message is refused like a full processing queue
// (429/503 with Retry-After, ACK AR, nack). It is a refusal rather than a wait because the
// io threads that would wait also serve every other connection, searches included; a
// sender told to retry keeps its reading, one that is kept waiting times out anyway.
//
//   if (!writer.reserve(n)) → refuse;  … queue for the rules …;  writer.push(readings, …)
//   (or writer.release(n) if the rules' queue refused it after all)
//
// Faults: which reading gets which is a pure function of (faults.after_ack.seed, reading
// id), so a test can count them, and the counts are in Metrics (store_fault_*).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <queue>
#include <span>
#include <thread>
#include <vector>

#include "iomtsim/reference_target/config.hpp"
#include "iomtsim/reference_target/metrics.hpp"
#include "record_store.hpp"

namespace iomtsim::reference_target {

// What faults.after_ack does to one reading.
enum class AfterAckFault : std::uint8_t {
  None,
  Drop,
  Delay,
  Duplicate,
  AlterValue,
  AlterUnit,
  AlterCode,
  AlterSubject,
  AlterEffective
};
// The decision for a reading: a pure function of the config's fractions and seed and the
// reading's key (its id, or its server number with the top bit set).
AfterAckFault after_ack_fault(const AfterAckFaultConfig& cfg, std::uint64_t key);
// Applies an alteration to `r` (value +10 % or +1, code to another vital, subject to
// another patient, effective time one hour later); AlterUnit sets `unit_altered`.
void apply_alteration(AfterAckFault fault, StoredReading& r);

class StoreWriter {
 public:
  StoreWriter(const StoreConfig& cfg, const AfterAckFaultConfig& faults, RecordStore& store,
              Metrics& metrics);
  ~StoreWriter();
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  void start();
  // Joins the writer; readings still queued are not written.
  void stop();

  bool reserve(std::size_t n);
  void release(std::size_t n);
  // Takes readings whose room was reserved. Readings with id 0 get the server numbers
  // first_server_number, +1, … in order.
  void push(std::span<const physiology::Reading> readings, std::uint64_t first_server_number);

  std::uint64_t depth() const { return depth_.load(std::memory_order_relaxed); }

 private:
  using Clock = std::chrono::steady_clock;
  struct Pending {
    Clock::time_point due;
    StoredReading reading;
  };
  struct Later {
    bool operator()(const Pending& a, const Pending& b) const { return a.due > b.due; }
  };
  void run();
  void add(std::size_t n);
  void remove(std::size_t n);

  StoreConfig cfg_;
  AfterAckFaultConfig faults_;
  RecordStore& store_;
  Metrics& metrics_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;  // in due order: every reading waits the same delay
  std::priority_queue<Pending, std::vector<Pending>, Later> late_;  // delayed by a fault
  std::atomic<std::uint64_t> depth_{0};
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace iomtsim::reference_target
