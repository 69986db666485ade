#pragma once
// Reads alerts from a FHIR server on its own thread: polls a search per alert resource type
// (Flag, DetectedIssue, RiskAssessment, Communication, CommunicationRequest) on
// `_lastUpdated`, paged (the Bundle's next link, or the cursor again while pages come full),
// at most `max_rate_per_s` requests a second; and reads the Observations alerts point at
// (a flag-detail "Observation/123") to learn which reading triggered them.
//
// Cursor: per type, a LastUpdatedCursor (connect/fhir_search.hpp, shared with the chart
// read-back) from the run's start, so alerts older than the run (an earlier run on the same
// server) are not read. Alerts heard twice are the capture's to drop (by id).
//
// finish() asks for last rounds: until a round brings nothing new and no Observation waits
// to be read, or the deadline; then the thread ends.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "../connect/credentials.hpp"
#include "../connect/fhir_search.hpp"
#include "../connect/http_client.hpp"
#include "heard_alert.hpp"
#include "iomtsim/scenarios/alert_capture.hpp"

namespace iomtsim::loadgen::detail {

class FhirAlertReader {
 public:
  using Sink = std::function<void(std::vector<HeardAlert>)>;
  // `poll`: nullopt reads Observations only (alerts come by Subscription or webhook).
  FhirAlertReader(Url base, const TlsClientSettings& tls, std::shared_ptr<const Credentials> creds,
                  std::optional<scenarios::FhirPollSpec> poll, Sink sink);
  ~FhirAlertReader();
  FhirAlertReader(const FhirAlertReader&) = delete;
  FhirAlertReader& operator=(const FhirAlertReader&) = delete;

  void start(std::int64_t since_unix_ns);
  // Queues an alert whose trigger is an Observation reference; it reaches the sink once read
  // (with the reading id when the Observation carries one).
  void resolve(HeardAlert alert);
  void finish(std::chrono::steady_clock::time_point deadline);  // blocks until done
  void stop();

  std::uint64_t requests() const { return requests_.load(std::memory_order_relaxed); }
  std::uint64_t polls() const { return polls_.load(std::memory_order_relaxed); }
  std::string first_error() const;

 private:
  void loop();
  std::size_t round();  // new alerts found
  std::size_t poll_type(const std::string& type, LastUpdatedCursor& c);
  void resolve_pending(std::chrono::steady_clock::time_point deadline);
  HttpReply get(const std::string& target);
  void note_error(const std::string& e);

  std::optional<scenarios::FhirPollSpec> poll_;
  FhirSearchClient client_;
  Sink sink_;
  std::map<std::string, LastUpdatedCursor> cursors_;
  std::map<std::string, std::uint64_t>
      observation_cache_;  // "Observation/<id>" -> reading id (0: none)
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<HeardAlert> pending_;
  bool finishing_ = false, stopping_ = false, done_ = false;
  std::chrono::steady_clock::time_point deadline_{};
  std::string first_error_;
  std::atomic<std::uint64_t> requests_{0}, polls_{0};
  std::thread thread_;
};

}  // namespace iomtsim::loadgen::detail
