#include "pipeline.hpp"

#include <chrono>

namespace iomtsim::reference_target {

Pipeline::Pipeline(const ProcessingConfig& cfg, Metrics& metrics, const EvaluatorFactory& factory,
                   AlertSink* sink)
    : cfg_(cfg), metrics_(metrics), sink_(sink) {
  const unsigned n = cfg_.workers == 0 ? 1 : cfg_.workers;
  for (unsigned i = 0; i < n; ++i) {
    auto s = std::make_unique<Shard>();
    s->evaluator = factory();
    shards_.push_back(std::move(s));
  }
  metrics_.queue_bound.store(cfg_.queue_bound, std::memory_order_relaxed);
}

Pipeline::~Pipeline() { stop(); }

void Pipeline::start() {
  if (started_) return;
  started_ = true;
  for (auto& s : shards_) {
    Shard* shard = s.get();
    shard->thread = std::thread([this, shard] { run(*shard); });
  }
}

void Pipeline::stop() {
  stopping_.store(true);
  for (auto& s : shards_) {
    { std::lock_guard lock(s->mutex); }
    s->cv.notify_all();
  }
  for (auto& s : shards_)
    if (s->thread.joinable()) s->thread.join();
  for (auto& s : shards_) {
    std::lock_guard lock(s->mutex);
    s->items.clear();
  }
  depth_.store(0);
  metrics_.queue_depth.store(0, std::memory_order_relaxed);
}

namespace {
// How long a worker that just drained its queue naps before looking again, and how many
// queued messages make a producer wake it anyway.
constexpr auto kLinger = std::chrono::microseconds(500);
constexpr std::size_t kWakeBacklog = 256;
}  // namespace

void Pipeline::push(Shard& shard, Item&& item, bool urgent) {
  bool wake = false;
  {
    std::lock_guard lock(shard.mutex);
    shard.items.push_back(std::move(item));
    wake = shard.sleep == Shard::Sleep::Idle || (shard.sleep == Shard::Sleep::Lingering &&
                                                 (urgent || shard.items.size() >= kWakeBacklog));
  }
  if (wake) shard.cv.notify_one();
}

Pipeline::Admit Pipeline::submit(std::vector<physiology::Reading>&& readings,
                                 std::function<void()> on_processed) {
  if (stopping_.load(std::memory_order_relaxed)) return Admit::Stopped;
  const std::uint64_t n = readings.size();
  // Reserve room for the whole message first: all or nothing.
  std::uint64_t cur = depth_.load(std::memory_order_relaxed);
  do {
    if (cur + n > cfg_.queue_bound && n > 0) return Admit::Full;
  } while (!depth_.compare_exchange_weak(cur, cur + n, std::memory_order_relaxed));
  metrics_.queue_depth.store(cur + n, std::memory_order_relaxed);

  auto completion = on_processed ? std::make_shared<Completion>() : nullptr;
  const std::size_t nshards = shards_.size();
  if (nshards == 1 || n <= 1) {
    const std::size_t idx = n == 0 ? 0 : readings.front().patient % nshards;
    if (completion) {
      completion->remaining = 1;
      completion->done = std::move(on_processed);
    }
    push(*shards_[idx], Item{std::move(readings), completion, true}, completion != nullptr);
    return Admit::Queued;
  }
  // A Bundle may span patients: split by shard, keep reading order within each.
  std::vector<std::vector<physiology::Reading>> parts(nshards);
  for (auto& r : readings) parts[r.patient % nshards].push_back(std::move(r));
  std::size_t used = 0;
  for (const auto& p : parts) used += p.empty() ? 0 : 1;
  if (completion) {
    completion->remaining = used;
    completion->done = std::move(on_processed);
  }
  bool first = true;
  for (std::size_t i = 0; i < nshards; ++i) {
    if (parts[i].empty()) continue;
    push(*shards_[i], Item{std::move(parts[i]), completion, first}, completion != nullptr);
    first = false;
  }
  return Admit::Queued;
}

void Pipeline::run(Shard& shard) {
  using Clock = std::chrono::steady_clock;
  std::deque<Item> batch;
  std::vector<physiology::Alert> alerts;
  Clock::time_point busy_until = Clock::now();
  const bool has_service_time = cfg_.service_time_per_message > Duration::zero() ||
                                cfg_.service_time_per_reading > Duration::zero();
  bool worked = false;
  while (true) {
    {
      std::unique_lock lock(shard.mutex);
      auto ready = [&] { return stopping_.load() || !shard.items.empty(); };
      if (!ready() && worked) {
        // Busy a moment ago: nap briefly and collect what arrives meanwhile in one batch.
        shard.sleep = Shard::Sleep::Lingering;
        shard.cv.wait_for(lock, kLinger, ready);
      }
      if (!ready()) {
        shard.sleep = Shard::Sleep::Idle;
        shard.cv.wait(lock, ready);
      }
      shard.sleep = Shard::Sleep::Awake;
      if (stopping_.load()) return;
      batch.swap(shard.items);  // take everything queued: one lock per burst, not per item
    }
    worked = !batch.empty();
    for (auto& item : batch) {
      if (stopping_.load(std::memory_order_relaxed)) return;
      if (has_service_time) {
        const auto now = Clock::now();
        if (busy_until < now) busy_until = now;
        busy_until += std::chrono::duration_cast<Clock::duration>(
            (item.first_part ? cfg_.service_time_per_message : Duration::zero()) +
            cfg_.service_time_per_reading * static_cast<std::int64_t>(item.readings.size()));
        std::this_thread::sleep_until(busy_until);
      }
      for (const auto& r : item.readings) {
        alerts.clear();
        if (shard.evaluator) shard.evaluator->evaluate(r, alerts);
        for (const auto& a : alerts) {
          metrics_.alerts_raised.fetch_add(1, std::memory_order_relaxed);
          if (sink_ != nullptr) sink_->emit(a);
        }
      }
      const auto n = item.readings.size();
      metrics_.readings_processed.fetch_add(n, std::memory_order_relaxed);
      const auto left = depth_.fetch_sub(n, std::memory_order_relaxed) - n;
      metrics_.queue_depth.store(left, std::memory_order_relaxed);
      if (item.completion && item.completion->remaining.fetch_sub(1) == 1 && item.completion->done)
        item.completion->done();
    }
    batch.clear();
  }
}

}  // namespace iomtsim::reference_target
