#include "store_writer.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

namespace iomtsim::reference_target {
namespace {

std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace

AfterAckFault after_ack_fault(const AfterAckFaultConfig& cfg, std::uint64_t key) {
  if (!cfg.any()) return AfterAckFault::None;
  const std::uint64_t h = mix(cfg.seed ^ mix(key));
  const double u = static_cast<double>(h >> 11) * 0x1.0p-53;
  double edge = cfg.drop_fraction;
  if (u < edge) return AfterAckFault::Drop;
  if (u < (edge += cfg.delay_fraction)) return AfterAckFault::Delay;
  if (u < (edge += cfg.duplicate_fraction)) return AfterAckFault::Duplicate;
  if (u < (edge += cfg.alter_fraction)) {
    // Which field: the five kinds in turn, from bits the fraction did not use.
    switch (mix(h) % 5) {
      case 0:
        return AfterAckFault::AlterValue;
      case 1:
        return AfterAckFault::AlterUnit;
      case 2:
        return AfterAckFault::AlterCode;
      case 3:
        return AfterAckFault::AlterSubject;
      default:
        return AfterAckFault::AlterEffective;
    }
  }
  return AfterAckFault::None;
}

void apply_alteration(AfterAckFault fault, StoredReading& s) {
  auto& r = s.reading;
  using physiology::Vital;
  switch (fault) {
    case AfterAckFault::AlterValue:
      r.value += std::max(1.0, std::fabs(r.value) * 0.1);
      r.flags = static_cast<std::uint8_t>(r.flags & ~physiology::kFlagValueAbsent);
      break;
    case AfterAckFault::AlterUnit:
      s.unit_altered = true;
      break;
    case AfterAckFault::AlterCode:
      r.vital = r.vital == Vital::HeartRate ? Vital::PulseRate : Vital::HeartRate;
      break;
    case AfterAckFault::AlterSubject:
      r.patient ^= 1u;
      break;
    case AfterAckFault::AlterEffective:
      r.device_time += std::chrono::hours(1);
      break;
    default:
      break;
  }
}

StoreWriter::StoreWriter(const StoreConfig& cfg, const AfterAckFaultConfig& faults,
                         RecordStore& store, Metrics& metrics)
    : cfg_(cfg), faults_(faults), store_(store), metrics_(metrics) {
  metrics_.store_queue_bound.store(cfg_.queue_bound, std::memory_order_relaxed);
}

StoreWriter::~StoreWriter() { stop(); }

void StoreWriter::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void StoreWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool StoreWriter::reserve(std::size_t n) {
  std::uint64_t cur = depth_.load(std::memory_order_relaxed);
  do {
    if (n > 0 && cur + n > cfg_.queue_bound) return false;
  } while (!depth_.compare_exchange_weak(cur, cur + n, std::memory_order_relaxed));
  metrics_.store_queue_depth.store(cur + n, std::memory_order_relaxed);
  return true;
}

void StoreWriter::add(std::size_t n) {
  const auto now = depth_.fetch_add(n, std::memory_order_relaxed) + n;
  metrics_.store_queue_depth.store(now, std::memory_order_relaxed);
}

void StoreWriter::remove(std::size_t n) {
  const auto now = depth_.fetch_sub(n, std::memory_order_relaxed) - n;
  metrics_.store_queue_depth.store(now, std::memory_order_relaxed);
}

void StoreWriter::release(std::size_t n) { remove(n); }

void StoreWriter::push(std::span<const physiology::Reading> readings,
                       std::uint64_t first_server_number) {
  const auto due =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(cfg_.processing_delay);
  std::uint64_t server_number = first_server_number;
  std::size_t dropped = 0, extra = 0;
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    wake = queue_.empty();
    for (const auto& r : readings) {
      Pending p{due, StoredReading{r, r.id == 0 ? server_number++ : 0, false, false}};
      const std::uint64_t key =
          r.id != 0 ? r.id : (p.reading.server_number | (std::uint64_t{1} << 63));
      const AfterAckFault fault = after_ack_fault(faults_, key);
      if (fault != AfterAckFault::None)
        metrics_.store_faults[static_cast<std::size_t>(fault) - 1].fetch_add(
            1, std::memory_order_relaxed);
      switch (fault) {
        case AfterAckFault::Drop:
          ++dropped;
          continue;
        case AfterAckFault::Delay:
          p.due += std::chrono::duration_cast<Clock::duration>(faults_.delay);
          late_.push(std::move(p));
          wake = true;  // its due time may come before what the writer waits for
          continue;
        case AfterAckFault::Duplicate: {
          Pending second = p;
          second.reading.second_copy = true;
          queue_.push_back(std::move(p));
          queue_.push_back(std::move(second));
          ++extra;
          continue;
        }
        case AfterAckFault::None:
          break;
        default:
          apply_alteration(fault, p.reading);
          break;
      }
      queue_.push_back(std::move(p));
    }
  }
  if (extra > dropped) add(extra - dropped);
  if (dropped > extra) remove(dropped - extra);
  if (wake) cv_.notify_one();
}

namespace {
// Between two write transactions, at least this long unless a whole batch_max is due:
// a commit costs as much as tens of rows, so under load the writer takes what came in
// the meantime in one transaction rather than one per message. It adds at most this to
// the time to chart.
constexpr auto kMinWriteInterval = std::chrono::milliseconds(10);
}  // namespace

void StoreWriter::run() {
  std::vector<StoredReading> batch;
  batch.reserve(cfg_.batch_max);
  Clock::time_point last_write{};
  while (true) {
    {
      std::unique_lock lock(mutex_);
      while (true) {
        if (stopping_) return;
        const auto now = Clock::now();
        std::optional<Clock::time_point> next;
        if (!queue_.empty()) next = queue_.front().due;
        if (!late_.empty() && (!next || late_.top().due < *next)) next = late_.top().due;
        // A full batch is written at once; less waits for the interval to pass.
        if (next && queue_.size() < cfg_.batch_max && *next < last_write + kMinWriteInterval)
          next = last_write + kMinWriteInterval;
        if (next && *next <= now) break;
        if (next)
          cv_.wait_until(lock, *next);
        else
          cv_.wait(lock);
      }
      const auto now = Clock::now();
      while (batch.size() < cfg_.batch_max && !queue_.empty() && queue_.front().due <= now) {
        batch.push_back(std::move(queue_.front().reading));
        queue_.pop_front();
      }
      while (batch.size() < cfg_.batch_max && !late_.empty() && late_.top().due <= now) {
        batch.push_back(late_.top().reading);
        late_.pop();
      }
    }
    last_write = Clock::now();
    std::uint64_t evicted = 0;
    const std::size_t written = store_.write(batch, evicted);
    metrics_.store_written.fetch_add(written, std::memory_order_relaxed);
    metrics_.store_evicted.fetch_add(evicted, std::memory_order_relaxed);
    metrics_.store_write_batches.fetch_add(1, std::memory_order_relaxed);
    remove(batch.size());
    batch.clear();
  }
}

}  // namespace iomtsim::reference_target
