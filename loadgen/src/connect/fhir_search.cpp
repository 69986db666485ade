#include "fhir_search.hpp"

#include <algorithm>
#include <thread>

#include "../provision/fhir_batch.hpp"
#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/payloads/fhir_alerts.hpp"

namespace iomtsim::loadgen::detail {

using Clock = std::chrono::steady_clock;

FhirSearchClient::FhirSearchClient(Url base, const TlsClientSettings& tls,
                                   std::shared_ptr<const Credentials> creds, std::string what,
                                   double max_rate_per_s)
    : client_(std::move(base), tls, std::move(what), std::chrono::seconds(30)),
      creds_(std::move(creds)),
      gap_(std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(1.0 / std::max(max_rate_per_s, 1e-3)))) {}

HttpReply FhirSearchClient::get(const std::string& target) {
  const auto now = Clock::now();
  if (next_request_ > now) std::this_thread::sleep_until(next_request_);
  next_request_ = std::max(now, next_request_) + gap_;
  HeaderList h = {{"Accept", "application/fhir+json"}};
  if (creds_) {
    for (const auto& x : creds_->headers()) h.push_back(x);
    if (auto a = creds_->authorization(); !a.empty()) h.emplace_back("Authorization", a);
  }
  ++requests_;
  HttpReply r = client_.request("GET", target, {}, h);
  if (r.status == 401 && creds_) creds_->unauthorized();
  return r;
}

std::string link_path(const std::string& link) {
  const auto scheme = link.find("://");
  if (scheme == std::string::npos) return link;
  const auto slash = link.find('/', scheme + 3);
  return slash == std::string::npos ? "/" : link.substr(slash);
}

std::string reply_error(const HttpReply& r) {
  if (r.status == 0) return r.error;
  std::string why = payloads::operation_outcome_reason(r.body);
  return "HTTP " + std::to_string(r.status) + (why.empty() ? "" : " " + why);
}

LastUpdatedCursor::LastUpdatedCursor(std::int64_t since_unix_ns)
    // Milliseconds, as most servers store lastUpdated (and parse instants).
    : since_(payloads::format_fhir_instant(
          physiology::SimTime{std::chrono::nanoseconds(since_unix_ns)}, 0)) {}

std::string LastUpdatedCursor::query() const {
  return "_lastUpdated=ge" + query_encode(since_) + "&_sort=_lastUpdated";
}

bool LastUpdatedCursor::take(const std::string& id, const std::string& last_updated) {
  if (last_updated == since_ && ids_at_since_.contains(id)) return false;
  if (!last_updated.empty() && last_updated != since_) {
    since_ = last_updated;
    ids_at_since_.clear();
  }
  ids_at_since_.insert(id);
  return true;
}

}  // namespace iomtsim::loadgen::detail
