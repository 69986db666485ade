#pragma once
// The heart of the fleet's merge: a binary min-heap of one entry per live source (a
// patient), keyed by (time of its next output, patient index). Popping the smallest and
// putting the same source back with its new time is one sift (replace_top), not a pop and
// a push.
//
// Why (time, patient) is enough for a global (true_time, patient, device, seq) order:
// each source already yields its own outputs in (true_time, device, seq) order, and there
// is never more than one entry per patient, so ties on time are broken by patient and
// within a patient by the source itself.
//
// Memory: one 16-byte entry per source, whatever the run length.
#include <cstdint>
#include <utility>
#include <vector>

#include "iomtsim/physiology/reading.hpp"
#include "iomtsim/physiology/time.hpp"

namespace iomtsim::sim {

class MergeQueue {
 public:
  struct Entry {
    physiology::SimTime time{};
    physiology::PatientIndex patient = 0;
    std::uint32_t slot = 0;  // the caller's index of the source
    bool operator==(const Entry&) const = default;
  };

  void reserve(std::size_t n) { heap_.reserve(n); }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  // Precondition for top/pop/replace_top: !empty().
  const Entry& top() const { return heap_.front(); }

  void push(Entry e) {
    heap_.push_back(e);
    sift_up(heap_.size() - 1);
  }
  void pop() {
    heap_.front() = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(0);
  }
  // Replaces the top entry (normally: same source, later time) and restores the order.
  void replace_top(Entry e) {
    heap_.front() = e;
    sift_down(0);
  }

 private:
  static bool before(const Entry& a, const Entry& b) {
    return a.time != b.time ? a.time < b.time : a.patient < b.patient;
  }
  void sift_up(std::size_t i) {
    Entry e = heap_[i];
    while (i > 0) {
      const std::size_t parent = (i - 1) / 2;
      if (!before(e, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = e;
  }
  void sift_down(std::size_t i) {
    const std::size_t n = heap_.size();
    Entry e = heap_[i];
    for (;;) {
      std::size_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
      if (!before(heap_[child], e)) break;
      heap_[i] = heap_[child];
      i = child;
    }
    heap_[i] = e;
  }

  std::vector<Entry> heap_;
};

}  // namespace iomtsim::sim
