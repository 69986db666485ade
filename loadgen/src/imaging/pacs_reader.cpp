#include "pacs_reader.hpp"

#include <algorithm>

#include "../connect/fhir_search.hpp"
#include "../connect/secrets.hpp"
#include "iomtsim/payloads/dicom_stow.hpp"

namespace iomtsim::loadgen::detail {
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t unix_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

PacsReader::PacsReader(PacsReaderSetup setup)
    : setup_(std::move(setup)),
      client_(setup_.dicomweb, setup_.tls, "PACS (QIDO-RS)", std::chrono::seconds(10)),
      gap_(std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(1.0 / std::max(0.001, setup_.max_rate_per_s)))) {}

PacsReader::~PacsReader() { stop(); }

void PacsReader::start() {
  thread_ = std::thread([this] { loop(); });
}

void PacsReader::acknowledged(std::uint64_t id, const std::string& study_uid,
                              physiology::SimTime acquired) {
  const std::int64_t acquired_ns = setup_.unix_ns_of ? setup_.unix_ns_of(acquired) : unix_now_ns();
  std::lock_guard lock(mutex_);
  const std::int64_t n = ++acked_per_study_[study_uid];
  if (tracked_ >= setup_.max_tracked) {
    ++untracked_;
    return;
  }
  ++tracked_;
  auto& s = pending_[study_uid];
  s.waiting.push_back({id, acquired_ns, n});
  wake_.notify_all();
}

void PacsReader::finish() {
  {
    std::lock_guard lock(mutex_);
    finishing_ = true;
    settle_deadline_ = Clock::now() + setup_.settle;
  }
  wake_.notify_all();
}

void PacsReader::join() {
  if (thread_.joinable()) thread_.join();
}

void PacsReader::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  join();
}

std::unordered_map<std::uint64_t, std::int64_t> PacsReader::found() const {
  std::lock_guard lock(mutex_);
  return found_;
}

std::uint64_t PacsReader::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t PacsReader::unconfirmed() const {
  std::lock_guard lock(mutex_);
  std::size_t n = untracked_;
  for (const auto& [uid, s] : pending_) n += s.waiting.size();
  return n;
}

std::string PacsReader::first_error() const {
  std::lock_guard lock(mutex_);
  return first_error_;
}

void PacsReader::loop() {
  for (;;) {
    std::vector<std::string> due;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, setup_.poll_every);
      if (stopping_) return;
      const auto now = Clock::now();
      if (finishing_ && (pending_.empty() || now >= settle_deadline_)) return;
      for (const auto& [uid, s] : pending_)
        if (s.next_ask <= now) due.push_back(uid);
    }
    for (const auto& uid : due) {
      {
        std::lock_guard lock(mutex_);
        if (stopping_ || (finishing_ && Clock::now() >= settle_deadline_)) break;
      }
      ask(uid);
    }
  }
}

void PacsReader::ask(const std::string& study_uid) {
  const auto now = Clock::now();
  if (next_request_ > now) std::this_thread::sleep_until(next_request_);
  next_request_ = std::max(now, next_request_) + gap_;
  // UIDs are digits and dots: nothing to escape in the query.
  const auto reply =
      client_.request("GET", "studies?StudyInstanceUID=" + study_uid + "&includefield=00201208", {},
                      {{"Accept", "application/dicom+json"}});
  const auto at_ns = unix_now_ns();
  std::lock_guard lock(mutex_);
  ++requests_;
  auto it = pending_.find(study_uid);
  if (it == pending_.end()) return;
  it->second.next_ask = Clock::now() + setup_.poll_every;
  if (reply.status != 200 && reply.status != 204) {
    if (first_error_.empty()) first_error_ = redact("QIDO-RS: " + reply_error(reply));
    return;
  }
  const auto studies = payloads::read_qido_studies(reply.body);
  if (!studies) {
    if (first_error_.empty()) first_error_ = "QIDO-RS: the answer is not a DICOM JSON array";
    return;
  }
  std::int64_t instances = -1;
  bool listed = false;
  for (const auto& s : *studies)
    if (s.study_uid == study_uid || (s.study_uid.empty() && studies->size() == 1)) {
      listed = true;
      instances = s.instances;
    }
  if (!listed) return;
  auto& w = it->second.waiting;
  // A PACS that does not count instances: the study being there confirms every result.
  std::erase_if(w, [&](const Waiting& x) {
    if (instances >= 0 && x.needed_instances > instances) return false;
    found_[x.id] = std::max<std::int64_t>(0, at_ns - x.acquired_unix_ns);
    return true;
  });
  if (w.empty()) pending_.erase(it);
}

}  // namespace iomtsim::loadgen::detail
