#include <vector>

#include "context.hpp"

namespace iomtsim::reference_target {

std::uint64_t ConnectionRegistry::add(std::function<void()> close) {
  std::lock_guard lock(mutex_);
  const auto id = next_++;
  closers_.emplace(id, std::move(close));
  return id;
}

void ConnectionRegistry::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  closers_.erase(id);
}

void ConnectionRegistry::close_all() {
  std::vector<std::function<void()>> closers;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, f] : closers_) closers.push_back(f);
  }
  // Outside the lock: a closer may end a session whose destructor calls remove().
  for (auto& f : closers) f();
}

std::size_t ConnectionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return closers_.size();
}

}  // namespace iomtsim::reference_target
