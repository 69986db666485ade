#pragma once
// A device's store-and-forward buffer: holds what the device could not send while its
// link was down, at most `capacity` items, oldest first. When full, pushing a new item
// drops the oldest one and hands it back to the caller, who must account for it
// ("nothing is lost silently"). Capacity 0 means no buffer: the pushed item itself comes
// straight back as dropped. drain() empties it in FIFO order for the burst sent on
// reconnect.
//
// Memory is bounded by the capacity, not by the length of the outage, and an empty
// buffer holds none.
//
//   StoreForwardBuffer<Message> buf(1000);
//   if (auto dropped = buf.push(msg)) account_drop(*dropped);
//   for (auto& m : buf.drain()) send(m);
#include <algorithm>
#include <cstddef>
#include <cstdint>
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
    if (size_ == capacity_) {
      // Full: the oldest slot takes the new item and the ring turns by one.
      std::optional<T> dropped(std::move(ring_[head_]));
      ring_[head_] = std::move(item);
      head_ = (head_ + 1) % capacity_;
      ++dropped_;
      return dropped;
    }
    if (size_ == ring_.size()) {
      // Storage full but below capacity: straighten the ring so it can grow at the end.
      std::rotate(ring_.begin(), ring_.begin() + static_cast<std::ptrdiff_t>(head_), ring_.end());
      head_ = 0;
      ring_.push_back(std::move(item));
    } else {
      ring_[(head_ + size_) % ring_.size()] = std::move(item);
    }
    ++size_;
    return std::nullopt;
  }

  // Everything stored, oldest first; the buffer is empty (and holds no memory) afterwards.
  std::vector<T> drain() {
    std::vector<T> out = snapshot();
    std::vector<T>().swap(ring_);
    head_ = size_ = 0;
    return out;
  }

  // A copy of what is stored, oldest first (for end-of-run accounting).
  std::vector<T> snapshot() const {
    std::vector<T> out;
    out.reserve(size_);
    for (std::size_t i = 0; i < size_; ++i) out.push_back(ring_[(head_ + i) % ring_.size()]);
    return out;
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::size_t capacity() const { return capacity_; }
  // Items dropped since construction.
  std::uint64_t dropped() const { return dropped_; }

 private:
  // A ring that grows on demand up to capacity_: an idle device holds no buffer memory,
  // and a long outage never makes it hold more than capacity_ items.
  std::size_t capacity_;
  std::vector<T> ring_;
  std::size_t head_ = 0;  // index of the oldest item
  std::size_t size_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace iomtsim::sim::network
