#include "report_reader.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

#include "../connect/secrets.hpp"

namespace iomtsim::loadgen::detail {
namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

constexpr std::string_view kSystem = "urn:iomtsim:imaging-result";  // payloads' identifier

std::int64_t unix_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The result id of a DiagnosticReport of ours that references an ImagingStudy; 0 otherwise.
std::uint64_t charted_result(const Json& r) {
  if (!r.is_object() || r.value("resourceType", "") != "DiagnosticReport") return 0;
  const auto studies = r.find("imagingStudy");
  if (studies == r.end() || !studies->is_array() || studies->empty()) return 0;
  const auto ref = (*studies)[0].value("reference", "");
  if (ref.find("ImagingStudy/") == std::string::npos) return 0;
  const auto ids = r.find("identifier");
  if (ids == r.end() || !ids->is_array()) return 0;
  for (const auto& i : *ids) {
    if (!i.is_object() || i.value("system", "") != kSystem) continue;
    const auto v = i.value("value", "");
    if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos || v.size() > 19)
      return 0;
    return std::stoull(v);
  }
  return 0;
}

}  // namespace

ReportReader::ReportReader(ReportReaderSetup setup)
    : setup_(std::move(setup)),
      client_(setup_.fhir, setup_.tls, setup_.creds, "imaging result to chart",
              setup_.max_rate_per_s) {}

ReportReader::~ReportReader() { stop(); }

void ReportReader::start() {
  thread_ = std::thread([this] { loop(); });
}

void ReportReader::acknowledged(std::uint64_t id, physiology::SimTime acquired) {
  const std::int64_t acquired_ns = setup_.unix_ns_of ? setup_.unix_ns_of(acquired) : unix_now_ns();
  std::lock_guard lock(mutex_);
  if (found_.contains(id) || pending_.contains(id)) return;  // a procedure's study PUT again
  if (pending_.size() >= setup_.max_tracked) {
    ++untracked_;
    return;
  }
  pending_[id] = {acquired_ns, {}};
  wake_.notify_all();
}

void ReportReader::finish() {
  {
    std::lock_guard lock(mutex_);
    finishing_ = true;
    settle_deadline_ = Clock::now() + setup_.settle;
  }
  wake_.notify_all();
}

void ReportReader::join() {
  if (thread_.joinable()) thread_.join();
}

void ReportReader::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  join();
}

std::unordered_map<std::uint64_t, std::int64_t> ReportReader::found() const {
  std::lock_guard lock(mutex_);
  return found_;
}

std::uint64_t ReportReader::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t ReportReader::unconfirmed() const {
  std::lock_guard lock(mutex_);
  return pending_.size() + untracked_;
}

std::string ReportReader::first_error() const {
  std::lock_guard lock(mutex_);
  return first_error_;
}

void ReportReader::loop() {
  for (;;) {
    std::vector<std::vector<std::uint64_t>> batches;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, setup_.poll_every);
      if (stopping_) return;
      const auto now = Clock::now();
      if (finishing_ && (pending_.empty() || now >= settle_deadline_)) return;
      std::vector<std::uint64_t> batch;
      for (auto& [id, w] : pending_) {
        if (w.next_ask > now) continue;
        w.next_ask = now + setup_.poll_every;
        batch.push_back(id);
        if (batch.size() == setup_.ids_per_search) batches.push_back(std::move(batch)), batch = {};
      }
      if (!batch.empty()) batches.push_back(std::move(batch));
    }
    for (const auto& b : batches) {
      {
        std::lock_guard lock(mutex_);
        if (stopping_ || (finishing_ && Clock::now() >= settle_deadline_)) break;
      }
      ask(b);
    }
  }
}

void ReportReader::ask(const std::vector<std::uint64_t>& ids) {
  std::string q = "DiagnosticReport?identifier=";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) q += ',';
    q += kSystem;
    q += "%7C" + std::to_string(ids[i]);
  }
  q += "&_count=" + std::to_string(ids.size());
  const auto reply = client_.get(q);
  const auto at_ns = unix_now_ns();
  std::lock_guard lock(mutex_);
  ++requests_;
  if (reply.status != 200) {
    if (first_error_.empty())
      first_error_ = redact("searching DiagnosticReports: " + reply_error(reply));
    return;
  }
  const auto bundle = Json::parse(reply.body, nullptr, false);
  const auto entries = bundle.is_object() ? bundle.find("entry") : bundle.end();
  if (bundle.is_discarded() || !bundle.is_object()) {
    if (first_error_.empty())
      first_error_ = "searching DiagnosticReports: the answer is not a Bundle";
    return;
  }
  if (entries == bundle.end() || !entries->is_array()) return;  // none yet
  for (const auto& e : *entries) {
    if (!e.is_object() || !e.contains("resource")) continue;
    const auto id = charted_result(e["resource"]);
    auto it = pending_.find(id);
    if (id == 0 || it == pending_.end()) continue;
    found_[id] = std::max<std::int64_t>(0, at_ns - it->second.acquired_unix_ns);
    pending_.erase(it);
  }
}

}  // namespace iomtsim::loadgen::detail
