#include "fhir_alert_reader.hpp"

#include <algorithm>

#include "../connect/secrets.hpp"
#include "../provision/fhir_batch.hpp"
#include "iomtsim/payloads/fhir_alerts.hpp"

namespace iomtsim::loadgen::detail {
namespace {

using Clock = std::chrono::steady_clock;

HeardAlert heard(const payloads::FhirAlert& a) {
  HeardAlert h;
  h.source = "fhir_poll";
  h.alert_id = a.alert_id;
  h.patient_reference = a.patient_reference;
  h.patient_identifier = a.patient_identifier;
  h.rule = a.rule;
  h.severity = a.severity;
  h.score = a.score;
  h.time_unix_ns = a.time_unix_ns;
  h.trigger_reading_id = a.trigger_reading_id;
  h.trigger_reference = a.trigger_reference;
  return h;
}

}  // namespace

FhirAlertReader::FhirAlertReader(Url base, const TlsClientSettings& tls,
                                 std::shared_ptr<const Credentials> creds,
                                 std::optional<scenarios::FhirPollSpec> poll, Sink sink)
    : poll_(std::move(poll)),
      client_(std::move(base), tls, std::move(creds), "alert polling",
              poll_ ? poll_->max_rate_per_s : 2.0),
      sink_(std::move(sink)) {}

FhirAlertReader::~FhirAlertReader() { stop(); }

void FhirAlertReader::start(std::int64_t since_unix_ns) {
  if (poll_)
    for (const auto& t : poll_->resources) cursors_.emplace(t, LastUpdatedCursor(since_unix_ns));
  thread_ = std::thread([this] { loop(); });
}

void FhirAlertReader::resolve(HeardAlert alert) {
  {
    std::lock_guard lock(mutex_);
    pending_.push_back(std::move(alert));
  }
  wake_.notify_all();
}

void FhirAlertReader::finish(Clock::time_point deadline) {
  {
    std::lock_guard lock(mutex_);
    finishing_ = true;
    deadline_ = deadline;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void FhirAlertReader::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string FhirAlertReader::first_error() const {
  std::lock_guard lock(mutex_);
  return first_error_;
}

void FhirAlertReader::note_error(const std::string& e) {
  std::lock_guard lock(mutex_);
  if (first_error_.empty()) first_error_ = redact(e);
}

HttpReply FhirAlertReader::get(const std::string& target) {
  HttpReply r = client_.get(target);
  requests_.store(client_.requests(), std::memory_order_relaxed);
  return r;
}

std::size_t FhirAlertReader::poll_type(const std::string& type, LastUpdatedCursor& c) {
  std::size_t fresh = 0;
  std::string target = type + "?" + c.query() + "&_count=" + std::to_string(poll_->page_size);
  for (int page = 0; page < 1000; ++page) {  // bounded: a server that pages forever stops here
    HttpReply r = get(target);
    if (r.status != 200) {
      note_error("searching " + type + ": " + reply_error(r));
      return fresh;
    }
    auto decoded = payloads::decode_alert_page(r.body);
    if (!decoded.ok()) {
      note_error("searching " + type + ": " + decoded.error);
      return fresh;
    }
    const auto& p = decoded.value;
    if (!p.errors.empty()) note_error(p.errors.front());
    std::vector<HeardAlert> out;
    for (const auto& a : p.alerts)
      if (c.take(a.id, a.last_updated)) out.push_back(heard(a));
    fresh += out.size();
    const bool full = p.entries >= poll_->page_size;
    if (!out.empty()) sink_(std::move(out));
    if (!p.next.empty()) {
      target = link_path(p.next);
      continue;
    }
    if (!full || fresh == 0) break;  // a full page of nothing new: do not spin on one instant
    target = type + "?" + c.query() + "&_count=" + std::to_string(poll_->page_size);
  }
  return fresh;
}

std::size_t FhirAlertReader::round() {
  if (!poll_) return 0;
  polls_.fetch_add(1, std::memory_order_relaxed);
  std::size_t fresh = 0;
  for (auto& [type, c] : cursors_) fresh += poll_type(type, c);
  return fresh;
}

void FhirAlertReader::resolve_pending(Clock::time_point deadline) {
  std::vector<HeardAlert> batch;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    batch.assign(std::make_move_iterator(pending_.begin()),
                 std::make_move_iterator(pending_.end()));
    pending_.clear();
  }
  if (batch.empty()) return;
  // The Observations not read yet, 50 to a search (GET Observation?_id=a,b,…): one request
  // for many alerts; a server that cannot search by _id is asked one by one.
  std::vector<std::string> ids;
  for (const auto& a : batch) {
    const auto id = a.trigger_reference.substr(std::string_view("Observation/").size());
    if (!observation_cache_.contains(a.trigger_reference) &&
        std::find(ids.begin(), ids.end(), id) == ids.end())
      ids.push_back(id);
  }
  for (std::size_t at = 0; at < ids.size() && Clock::now() < deadline; at += 50) {
    std::string list;
    const auto end = std::min(ids.size(), at + 50);
    for (std::size_t i = at; i < end; ++i) list += (list.empty() ? "" : ",") + query_encode(ids[i]);
    HttpReply r = get("Observation?_id=" + list + "&_count=50");
    const auto page = r.status == 200 ? payloads::observations_by_id(r.body)
                                      : std::vector<std::pair<std::string, std::uint64_t>>{};
    for (const auto& [id, reading] : page) observation_cache_["Observation/" + id] = reading;
    for (std::size_t i = at; i < end && Clock::now() < deadline; ++i) {
      const std::string ref = "Observation/" + ids[i];
      if (observation_cache_.contains(ref)) continue;
      HttpReply one = get(ref);  // not found by the search (or no search): read it
      if (one.status == 200)
        observation_cache_[ref] = payloads::observation_reading_id(one.body).value_or(0);
      else
        note_error("reading " + ref + ": " +
                   (one.status ? "HTTP " + std::to_string(one.status) : one.error));
    }
  }
  std::vector<HeardAlert> out;
  for (auto& a : batch) {
    auto it = observation_cache_.find(a.trigger_reference);
    a.trigger_reading_id = it == observation_cache_.end() ? 0 : it->second;
    a.trigger_reference.clear();  // resolved, or given up: delivered as it is now
    out.push_back(std::move(a));
  }
  if (observation_cache_.size() > 100000) observation_cache_.clear();  // bounded
  sink_(std::move(out));
}

void FhirAlertReader::loop() {
  const auto every =
      poll_ ? std::chrono::duration_cast<Clock::duration>(poll_->every) : std::chrono::seconds(1);
  auto next_round = Clock::now();
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, next_round,
                       [&] { return stopping_ || finishing_ || !pending_.empty(); });
      if (stopping_) return;
    }
    if (Clock::now() >= next_round) {
      round();
      next_round = Clock::now() + every;
    }
    resolve_pending(Clock::time_point::max());
    bool finishing = false;
    Clock::time_point deadline;
    {
      std::lock_guard lock(mutex_);
      finishing = finishing_;
      deadline = deadline_;
    }
    if (finishing) {
      // Last rounds: until nothing new comes and nothing waits, or the deadline.
      for (int i = 0; i < 5 && Clock::now() < deadline; ++i) {
        const auto fresh = round();
        resolve_pending(deadline);
        std::lock_guard lock(mutex_);
        if (fresh == 0 && pending_.empty()) break;
      }
      resolve_pending(Clock::time_point{});  // past the deadline: deliver without reading
      return;
    }
  }
}

}  // namespace iomtsim::loadgen::detail
