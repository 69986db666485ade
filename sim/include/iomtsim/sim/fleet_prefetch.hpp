#pragma once
// A Fleet's outputs generated on a background thread, ahead of the one thread that
// consumes them, in exactly the Fleet's order: the physiology of the next few thousand
// readings runs on another core while the consumer (the SimGrid driver) carries the
// current ones. Same outputs, same order, same episodes: only where the work runs changes.
//
// The producer hands over chunks of `chunk` outputs and stays at most `depth` chunks
// ahead (bounded memory). It stops at the first output after `end` (the consumer would
// not take it). While it runs, only the producer calls the Fleet's next(); the Fleet's
// immutable tables (devices(), device_slot()) stay safe to read from the consumer.
//
// With `threaded` false the same chunks are generated on the consumer's thread when it
// needs them (for comparisons, and machines with one core).
//
//   FleetPrefetch feed(fleet, end);
//   while (!feed.done()) use(feed.next());
//   auto episodes = feed.finish();   // joins the producer, then Fleet::finish()
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "iomtsim/sim/fleet.hpp"

namespace iomtsim::sim {

class FleetPrefetch {
 public:
  FleetPrefetch(Fleet& fleet, SimTime end, bool threaded = true, std::size_t chunk = 2048,
                std::size_t depth = 8);
  ~FleetPrefetch();  // stops the producer and joins it
  FleetPrefetch(const FleetPrefetch&) = delete;
  FleetPrefetch& operator=(const FleetPrefetch&) = delete;

  // Nothing left at or before `end`. May wait for the producer.
  bool done();
  // Time of the next output; SimTime::max() when done(). May wait for the producer.
  SimTime next_time();
  // Throws std::logic_error when done(); rethrows what the producer threw.
  DeviceOutput next();
  // Stops the producer, then the Fleet's final episodes (Fleet::finish()).
  std::vector<physiology::Episode> finish();

 private:
  void produce();
  std::vector<DeviceOutput> make_chunk();  // up to chunk_ outputs at or before end_
  bool fill();  // current_ has an output at pos_, or the stream is over

  Fleet& fleet_;
  SimTime end_;
  bool threaded_;
  std::size_t chunk_, depth_;
  std::mutex mutex_;
  std::condition_variable ready_, space_;
  std::deque<std::vector<DeviceOutput>> full_;  // guarded by mutex_
  bool finished_ = false;                       // producer is done (guarded)
  bool stop_ = false;                           // consumer asks it to stop (guarded)
  std::exception_ptr error_;                    // guarded
  std::vector<DeviceOutput> current_;           // consumer side
  std::size_t pos_ = 0;
  std::thread producer_;
};

}  // namespace iomtsim::sim
