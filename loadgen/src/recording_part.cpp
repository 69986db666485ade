#include "recording_part.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace iomtsim::loadgen::detail {
namespace {

constexpr std::size_t kFlushBytes = 1u << 20;  // a full buffer is written at once
// The engine asks the clock once per this many writes, not per reading.
constexpr std::uint32_t kWritesPerClockCheck = 256;

// Writes all of `data` to `fd`; false on an error other than EINTR.
bool write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

RecordingPartWriter::RecordingPartWriter(std::filesystem::path path,
                                         const payloads::RecordingHeader& header,
                                         std::chrono::milliseconds flush_every)
    : path_(std::move(path)), flush_every_(flush_every) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw std::runtime_error("cannot write " + path_.string() + ": " + std::strerror(errno));
  payloads::append_delimited(buffer_, payloads::encode_record_entry(header));
  {
    std::lock_guard lock(mutex_);
    flush_locked();
  }
  if (failed_) {
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error("cannot write " + path_.string() + ": " + std::strerror(errno));
  }
  next_checkpoint_ = std::chrono::steady_clock::now() + flush_every_;
  flusher_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!closing_) {
      wake_.wait_for(lock, flush_every_, [this] { return closing_; });
      flush_locked();
    }
  });
}

RecordingPartWriter::~RecordingPartWriter() { close(); }

void RecordingPartWriter::flush_locked() {
  if (buffer_.empty() || fd_ < 0) return;
  if (!write_all(fd_, buffer_)) failed_ = true;
  buffer_.clear();
}

void RecordingPartWriter::write(const payloads::RecordEntry& entry) {
  const std::string bytes = payloads::encode_record_entry(entry);
  std::lock_guard lock(mutex_);
  payloads::append_delimited(buffer_, bytes);
  if (buffer_.size() >= kFlushBytes) flush_locked();
}

bool RecordingPartWriter::checkpoint_due() {
  if (++writes_since_check_ < kWritesPerClockCheck) return false;
  writes_since_check_ = 0;
  const auto now = std::chrono::steady_clock::now();
  if (now < next_checkpoint_) return false;
  next_checkpoint_ = now + flush_every_;
  return true;
}

void RecordingPartWriter::update_episodes(const std::vector<physiology::Episode>& episodes) {
  for (const auto& e : episodes) {
    const auto key = std::pair(e.patient, e.id);
    auto it = episodes_.find(key);
    if (it != episodes_.end() && it->second == e) continue;
    episodes_[key] = e;
    write(e);
  }
}

bool RecordingPartWriter::close() {
  {
    std::lock_guard lock(mutex_);
    if (fd_ < 0) return !failed_;
    closing_ = true;
  }
  wake_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  std::lock_guard lock(mutex_);
  flush_locked();
  if (::close(fd_) != 0) failed_ = true;
  fd_ = -1;
  return !failed_;
}

}  // namespace iomtsim::loadgen::detail
