#include "chart_reader.hpp"

#include <algorithm>

#include "../connect/secrets.hpp"
#include "../provision/fhir_batch.hpp"
#include "iomtsim/payloads/codes.hpp"
#include "iomtsim/payloads/fhir.hpp"

namespace iomtsim::loadgen::detail {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kMaxPagesPerRound = 1000;  // a server that pages forever stops here

reports::ChartCodes chart_codes(physiology::Vital v) {
  const auto& c = payloads::codes(v);
  if (v == physiology::Vital::Consciousness) return {c.loinc, "", 0};  // a coded value
  return {c.loinc, c.ucum, c.wire_decimals};
}

std::int64_t unix_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t floor_ms(std::int64_t ns) {
  return ns >= 0 ? ns / 1'000'000 : (ns - 999'999) / 1'000'000;
}

}  // namespace

ChartReader::ChartReader(ChartReaderSetup setup)
    : setup_(std::move(setup)),
      client_(setup_.fhir, setup_.tls, setup_.creds, "chart read-back", setup_.spec.max_rate_per_s),
      matcher_(chart_codes, static_cast<std::size_t>(setup_.spec.max_tracked)) {}

ChartReader::~ChartReader() { stop(); }

void ChartReader::start(std::int64_t since_unix_ns) {
  since_unix_ns_ = since_unix_ns;
  cursor_.emplace(since_unix_ns);
  thread_ = std::thread([this] { loop(); });
}

void ChartReader::acknowledged(const std::vector<physiology::Reading>& readings) {
  // The fields as they went on the wire, computed outside the lock.
  std::vector<reports::ChartExpectation> batch;
  batch.reserve(readings.size());
  payloads::FhirOptions o;
  o.device_time_scale = setup_.device_time_scale;
  for (const auto& r : readings) {
    reports::ChartExpectation e;
    e.reading_id = r.id;
    e.vital = r.vital;
    if (r.vital == physiology::Vital::Consciousness) {
      const char letter = payloads::acvpu_letter(r.value);
      e.value = payloads::acvpu_from_letter(std::string_view(&letter, 1)).value_or(-1);
    } else {
      e.has_value = !(r.flags & physiology::kFlagValueAbsent);
      e.value = r.value;
    }
    e.effective_unix_ms =
        floor_ms(setup_.epoch_unix_ms * 1'000'000 +
                 payloads::scaled_device_time(r.device_time, o).time_since_epoch().count());
    e.measured_unix_ns = setup_.unix_ns_of ? setup_.unix_ns_of(r.true_time) : unix_now_ns();
    batch.push_back(e);
  }
  std::lock_guard lock(mutex_);
  for (const auto& e : batch) matcher_.expect(e);
}

void ChartReader::finish() {
  {
    std::lock_guard lock(mutex_);
    finishing_ = true;
  }
  wake_.notify_all();
}

void ChartReader::join() {
  if (thread_.joinable()) thread_.join();
}

void ChartReader::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  join();
}

reports::ChartReport ChartReader::report() const {
  std::lock_guard lock(mutex_);
  auto r = matcher_.finish();
  r.requests = client_.requests();
  return r;
}

std::string ChartReader::first_error() const {
  std::lock_guard lock(mutex_);
  return first_error_;
}

void ChartReader::note_error(const std::string& e) {
  std::lock_guard lock(mutex_);
  if (first_error_.empty()) first_error_ = redact(e);
}

// One page: every Observation of ours handed to the matcher. Returns how many were new to
// the cursor (or, without one, found at all).
std::size_t ChartReader::take_page(const std::string& target, std::string* next,
                                   std::size_t* entries) {
  HttpReply r = client_.get(target);
  if (r.status != 200) {
    note_error("searching Observations: " + reply_error(r));
    return 0;
  }
  auto decoded = payloads::decode_observation_page(r.body);
  if (!decoded.ok()) {
    note_error("searching Observations: " + decoded.error);
    return 0;
  }
  const auto found_at = unix_now_ns();
  std::size_t fresh = 0;
  std::vector<reports::ChartFinding> findings;
  for (const auto& o : decoded.value.observations) {
    if (cursor_ && !cursor_->take(o.id, o.last_updated)) continue;
    ++fresh;
    if (!o.reading_id || o.id.empty()) continue;  // not one of ours
    const auto patient = physiology::reading_patient(*o.reading_id);
    if (!setup_.shard.owns(patient)) continue;  // another shard's reading
    // Older than the run: an earlier run of the same scenario (1 s for clocks that differ).
    if (o.last_updated_unix_ns && *o.last_updated_unix_ns < since_unix_ns_ - 1'000'000'000)
      continue;
    reports::ChartFinding f;
    f.resource_id = "Observation/" + o.id;
    f.reading_id = *o.reading_id;
    if (!o.subject_reference.empty())
      f.subject = setup_.directory->from_reference(o.subject_reference);
    if (!f.subject && !o.subject_identifier.empty())
      f.subject = setup_.directory->from_identifier(o.subject_identifier);
    f.subject_text = o.subject_reference.empty() ? o.subject_identifier : o.subject_reference;
    f.code = o.code;
    f.unit = o.unit;
    f.value = o.value;
    if (o.effective_unix_ns) f.effective_unix_ms = floor_ms(*o.effective_unix_ns);
    f.searchable_unix_ns = o.last_updated_unix_ns.value_or(found_at);
    findings.push_back(std::move(f));
  }
  {
    std::lock_guard lock(mutex_);
    for (const auto& f : findings) matcher_.found(f);
  }
  if (next) *next = decoded.value.next;
  if (entries) *entries = decoded.value.entries;
  return fresh;
}

std::size_t ChartReader::round() {
  const std::string first = "Observation?identifier=" +
                            query_encode(std::string(payloads::kReadingIdentifierSystem) + "|") +
                            "&_count=" + std::to_string(setup_.spec.page_size) + "&";
  std::size_t fresh = 0;
  std::string target = first + cursor_->query();
  for (int page = 0; page < kMaxPagesPerRound; ++page) {
    std::string next;
    std::size_t entries = 0;
    const auto n = take_page(target, &next, &entries);
    fresh += n;
    if (!next.empty()) {
      target = link_path(next);
      continue;
    }
    // The last page: full pages of nothing new would spin on one instant.
    if (entries < setup_.spec.page_size || n == 0) break;
    target = first + cursor_->query();
  }
  return fresh;
}

std::size_t ChartReader::by_identifier(Clock::time_point deadline) {
  // As many as the budget allows before the deadline, going round the missing ones.
  const double seconds_left = std::chrono::duration<double>(deadline - Clock::now()).count();
  const auto per = static_cast<std::size_t>(setup_.spec.identifiers_per_search);
  const auto searches =
      static_cast<std::size_t>(std::max(1.0, seconds_left * setup_.spec.max_rate_per_s));
  std::vector<std::uint64_t> ids;
  {
    std::lock_guard lock(mutex_);
    ids = matcher_.pending_ids(next_identifier_, searches * per);
    if (ids.empty() && next_identifier_ != 0) ids = matcher_.pending_ids(0, searches * per);
  }
  next_identifier_ = ids.empty() ? 0 : ids.back() + 1;
  std::size_t found = 0;
  for (std::size_t at = 0; at < ids.size() && Clock::now() < deadline; at += per) {
    std::string list;
    for (std::size_t i = at; i < std::min(ids.size(), at + per); ++i)
      list +=
          (list.empty() ? "" : ",") + query_encode(std::string(payloads::kReadingIdentifierSystem) +
                                                   "|" + std::to_string(ids[i]));
    const std::size_t before = [&] {
      std::lock_guard lock(mutex_);
      return matcher_.pending();
    }();
    // Without the cursor: every copy counts, whatever its lastUpdated.
    auto saved = std::move(cursor_);
    cursor_.reset();
    std::string next;
    std::string target = "Observation?identifier=" + list +
                         "&_count=" + std::to_string(std::max<std::size_t>(per * 2, 10));
    for (int page = 0; page < 20 && !target.empty(); ++page) {
      next.clear();
      take_page(target, &next, nullptr);
      target = next.empty() ? std::string() : link_path(next);
    }
    cursor_ = std::move(saved);
    std::lock_guard lock(mutex_);
    found += before - std::min(before, matcher_.pending());
  }
  return found;
}

void ChartReader::loop() {
  const auto every = std::chrono::duration_cast<Clock::duration>(setup_.spec.every);
  auto next_round = Clock::now() + every;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, next_round, [&] { return stopping_ || finishing_; });
      if (stopping_) return;
      if (finishing_) break;
    }
    round();
    next_round = Clock::now() + every;
  }
  // Settling: until everything acknowledged was found, or the settle time passed.
  const auto deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(setup_.spec.settle);
  const auto pause = std::min<Clock::duration>(every, std::chrono::seconds(1));
  while (true) {
    const auto fresh = round();
    auto pending = [&] {
      std::lock_guard lock(mutex_);
      return matcher_.pending();
    };
    if (pending() == 0 || Clock::now() >= deadline) return;
    if (fresh == 0) by_identifier(deadline);
    if (pending() == 0 || Clock::now() >= deadline) return;
    std::unique_lock lock(mutex_);
    if (wake_.wait_until(lock, std::min(deadline, Clock::now() + pause), [&] { return stopping_; }))
      return;
  }
}

}  // namespace iomtsim::loadgen::detail
