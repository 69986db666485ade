#include "iomtsim/sim/fleet_prefetch.hpp"

#include <stdexcept>

namespace iomtsim::sim {

FleetPrefetch::FleetPrefetch(Fleet& fleet, SimTime end, bool threaded, std::size_t chunk,
                             std::size_t depth)
    : fleet_(fleet),
      end_(end),
      threaded_(threaded),
      chunk_(std::max<std::size_t>(1, chunk)),
      depth_(std::max<std::size_t>(1, depth)) {
  if (threaded_) producer_ = std::thread([this] { produce(); });
}

std::vector<DeviceOutput> FleetPrefetch::make_chunk() {
  std::vector<DeviceOutput> chunk;
  chunk.reserve(chunk_);
  while (chunk.size() < chunk_ && !fleet_.done() && fleet_.next_time() <= end_)
    chunk.push_back(fleet_.next());
  return chunk;
}

FleetPrefetch::~FleetPrefetch() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  space_.notify_all();
  if (producer_.joinable()) producer_.join();
}

void FleetPrefetch::produce() {
  try {
    for (;;) {
      std::vector<DeviceOutput> chunk = make_chunk();
      const bool last = chunk.size() < chunk_;
      std::unique_lock lock(mutex_);
      space_.wait(lock, [this] { return stop_ || full_.size() < depth_; });
      if (stop_) break;
      if (!chunk.empty()) full_.push_back(std::move(chunk));
      if (last) break;
      lock.unlock();
      ready_.notify_one();
    }
  } catch (...) {
    std::lock_guard lock(mutex_);
    error_ = std::current_exception();
  }
  {  // every way out: the stream is over (after an error, once its chunks are taken)
    std::lock_guard lock(mutex_);
    finished_ = true;
  }
  ready_.notify_all();
}

bool FleetPrefetch::fill() {
  if (pos_ < current_.size()) return true;
  if (!threaded_) {
    current_ = make_chunk();
    pos_ = 0;
    return !current_.empty();
  }
  std::unique_lock lock(mutex_);
  ready_.wait(lock, [this] { return !full_.empty() || finished_; });
  if (full_.empty()) {
    if (error_) std::rethrow_exception(error_);
    return false;
  }
  current_ = std::move(full_.front());
  full_.pop_front();
  pos_ = 0;
  lock.unlock();
  space_.notify_one();
  return true;
}

bool FleetPrefetch::done() { return !fill(); }

SimTime FleetPrefetch::next_time() {
  if (!fill()) return SimTime::max();
  return std::visit([](const auto& o) { return o.true_time; }, current_[pos_]);
}

DeviceOutput FleetPrefetch::next() {
  if (!fill()) throw std::logic_error("FleetPrefetch::next() when done");
  return std::move(current_[pos_++]);
}

std::vector<physiology::Episode> FleetPrefetch::finish() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  space_.notify_all();
  if (producer_.joinable()) producer_.join();
  return fleet_.finish();
}

}  // namespace iomtsim::sim
