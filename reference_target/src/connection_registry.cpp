#include "connection_registry.hpp"

#include <vector>

namespace iomtsim::reference_target {

ConnectionRegistry::SlotPtr ConnectionRegistry::admit(Protocol p, std::function<void()> close) {
  const auto pi = static_cast<std::size_t>(p);
  SlotPtr victim;
  SlotPtr slot(new Slot(p, std::move(close)));
  {
    std::lock_guard lock(mutex_);
    const bool over_protocol =
        limits_.per_protocol[pi] != 0 && open_[pi] >= limits_.per_protocol[pi];
    const bool over_total = limits_.total != 0 && total_ >= limits_.total;
    if (over_protocol || over_total) {
      // The longest idle, of the same protocol when that protocol's own limit binds. A
      // linear scan: it runs only at the limit, over at most the limit's connections.
      std::int64_t oldest = 0;
      for (const auto& [raw, s] : slots_) {
        if (s->evicted_ || (over_protocol && s->protocol_ != p)) continue;
        const auto since = s->idle_since_ns_.load(std::memory_order_relaxed);
        if (since != 0 && (!victim || since < oldest)) {
          victim = s;
          oldest = since;
        }
      }
      if (!victim) {
        metrics_.refused(p, Refusal::ConnectionLimit);
        return nullptr;
      }
      victim->evicted_ = true;
      --open_[static_cast<std::size_t>(victim->protocol_)];
      --total_;
    }
    slots_.emplace(slot.get(), slot);
    ++open_[pi];
    ++total_;
  }
  if (victim) {
    metrics_.refused(victim->protocol_, Refusal::IdleEvicted);
    victim->close_();  // outside the lock: it posts to the victim's strand
  }
  return slot;
}

void ConnectionRegistry::remove(const SlotPtr& slot) {
  if (!slot) return;
  std::lock_guard lock(mutex_);
  if (slots_.erase(slot.get()) == 0) return;
  if (!slot->evicted_) {
    --open_[static_cast<std::size_t>(slot->protocol_)];
    --total_;
  }
}

void ConnectionRegistry::close_all() {
  std::vector<SlotPtr> all;
  {
    std::lock_guard lock(mutex_);
    for (auto& [raw, s] : slots_) all.push_back(s);
  }
  // Outside the lock: a closer may end a session whose destructor calls remove().
  for (auto& s : all) s->close_();
}

std::size_t ConnectionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return slots_.size();
}

}  // namespace iomtsim::reference_target
