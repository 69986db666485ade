#pragma once
// A device's store-and-forward buffer: holds what the device could not send while its
// link was down, at most `capacity` items, oldest first. When full, pushing a new item
// drops the oldest one and hands it back to the caller, who must account for it
// ("nothing is lost silently"). Capacity 0 means no buffer: the pushed item itself comes
// straight back as dropped. drain() empties it in FIFO order for the burst sent on
// reconnect.
//
// Memory is bounded by the capacity, not by the length of the outage.
//
//   StoreForwardBuffer<Message> buf(1000);
//   if (auto dropped = buf.push(msg)) account_drop(*dropped);
//   for (auto& m : buf.drain()) send(m);
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

namespace iomtsim::sim::network {

template <typename T>
class StoreForwardBuffer {
 public:
  explicit StoreForwardBuffer(std::size_t capacity) : capacity_(capacity) {}

  // Stores `item`; returns the item dropped to make room (the oldest, or `item` itself
  // when the capacity is 0), if any.
  std::optional<T> push(T item) {
    if (capacity_ == 0) {
      ++dropped_;
      return std::optional<T>(std::move(item));
    }
    std::optional<T> dropped;
    if (items_.size() >= capacity_) {
      dropped.emplace(std::move(items_.front()));
      items_.pop_front();
      ++dropped_;
    }
    items_.push_back(std::move(item));
    return dropped;
  }

  // Everything stored, oldest first; the buffer is empty afterwards.
  std::vector<T> drain() {
    std::vector<T> out(std::make_move_iterator(items_.begin()),
                       std::make_move_iterator(items_.end()));
    items_.clear();
    return out;
  }

  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  std::size_t capacity() const { return capacity_; }
  // Items dropped since construction.
  std::uint64_t dropped() const { return dropped_; }
  const std::deque<T>& items() const { return items_; }

 private:
  std::size_t capacity_;
  std::deque<T> items_;
  std::uint64_t dropped_ = 0;
};

}  // namespace iomtsim::sim::network
