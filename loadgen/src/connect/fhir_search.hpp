#pragma once
// Reading a FHIR server back, shared by the alert polling (alerts/fhir_alert_reader.hpp) and
// the chart read-back (chart/chart_reader.hpp): an authenticated GET spaced by a request
// budget, so that reading back never becomes the load; the path of a Bundle's next link;
// and the `_lastUpdated` cursor that pages through what changed since the last round.
//
// Not thread-safe: each reader owns one and calls it from its own thread.
//
//   FhirSearchClient c(base, tls, creds, "chart read-back", 5.0);   // 5 requests/s at most
//   LastUpdatedCursor cur(since_unix_ns);
//   auto r = c.get("Observation?" + cur.query() + "&_count=100");
//   for (each resource) if (cur.take(id, meta_last_updated)) … new …
#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include "credentials.hpp"
#include "http_client.hpp"

namespace iomtsim::loadgen::detail {

class FhirSearchClient {
 public:
  // `max_rate_per_s` > 0. Throws TlsSetupError for TLS files that do not load.
  FhirSearchClient(Url base, const TlsClientSettings& tls, std::shared_ptr<const Credentials> creds,
                   std::string what, double max_rate_per_s);
  // GET `target` (as HttpClient::request takes it) with Accept: application/fhir+json and the
  // credentials, after waiting for the request budget. A 401 tells the credentials (a
  // token is fetched again next time).
  HttpReply get(const std::string& target);
  std::uint64_t requests() const { return requests_; }

 private:
  HttpClient client_;
  std::shared_ptr<const Credentials> creds_;
  std::chrono::steady_clock::duration gap_;
  std::chrono::steady_clock::time_point next_request_{};
  std::uint64_t requests_ = 0;
};

// A link's path and query, whatever server name it carries (a server may know itself by
// another name than the one we reach it at).
std::string link_path(const std::string& link);

// "HTTP 400 <OperationOutcome reason>" or the transport error, for messages.
std::string reply_error(const HttpReply& r);

// Paging through what changed: the last meta.lastUpdated seen, searched again with `ge` (the
// ids already seen at that very instant are skipped), so equal timestamps lose nothing. It
// starts at the run's start, so resources older than the run are not read. The server's
// clock and ours should agree (NTP).
class LastUpdatedCursor {
 public:
  explicit LastUpdatedCursor(std::int64_t since_unix_ns);
  // "_lastUpdated=ge<instant>&_sort=_lastUpdated" (query-encoded).
  std::string query() const;
  // True when (id, last_updated) is new to the cursor; moves it forward.
  bool take(const std::string& id, const std::string& last_updated);

 private:
  std::string since_;
  std::set<std::string> ids_at_since_;
};

}  // namespace iomtsim::loadgen::detail
