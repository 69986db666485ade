#pragma once
// The chart read-back (scenario `target.read_back`, scenarios/read_back.hpp): on its own
// thread, reads the target's FHIR record back and scores what reached it (ChartMatcher,
// reports/chart_matcher.hpp) into the report's `chart` section.
//
// Engine threads hand it each acknowledged FHIR message's readings (acknowledged(): one lock
// per message, a few bytes kept per reading). While the run goes on it searches
//   Observation?identifier=urn:iomtsim:reading|&_lastUpdated=ge<cursor>&_sort=_lastUpdated&_count=N
// every `every`, following the Bundle's next links (the cursor again while pages come full),
// within the request budget (connect/fhir_search.hpp, shared with the alert polling). After
// the run (finish()), it goes on until every acknowledged reading was found or `settle`
// passed; rounds that bring nothing new are followed by searches naming the readings still
// missing by identifier (`identifiers_per_search` to a request), which also catch resources
// whose lastUpdated the cursor passed by.
//
// Which resources count: an Observation carrying an urn:iomtsim:reading identifier of a
// patient this shard runs, last updated at or after the run's start (an earlier run of the
// same scenario on the same server carries the same identifiers). Its subject is mapped to a
// patient through the PatientDirectory (provisioned ids, or iomtsim's own p<index>).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "../connect/credentials.hpp"
#include "../connect/fhir_search.hpp"
#include "../provision/patient_directory.hpp"
#include "iomtsim/payloads/fhir_chart.hpp"
#include "iomtsim/physiology/reading.hpp"
#include "iomtsim/reports/chart_matcher.hpp"
#include "iomtsim/scenarios/read_back.hpp"
#include "iomtsim/sim/shard_spec.hpp"

namespace iomtsim::loadgen::detail {

struct ChartReaderSetup {
  Url fhir;
  TlsClientSettings tls;
  std::shared_ptr<const Credentials> creds;
  scenarios::ReadBackSpec spec;
  std::shared_ptr<const PatientDirectory> directory = std::make_shared<PatientDirectory>();
  sim::ShardSpec shard;
  // How the effective times were written (payloads::FhirOptions).
  std::int64_t epoch_unix_ms = 0;
  double device_time_scale = 1.0;
  // The wall instant (Unix ns) of a scenario instant: where time to chart starts.
  std::function<std::int64_t(physiology::SimTime)> unix_ns_of;
};

class ChartReader {
 public:
  explicit ChartReader(ChartReaderSetup setup);  // throws TlsSetupError
  ~ChartReader();
  ChartReader(const ChartReader&) = delete;
  ChartReader& operator=(const ChartReader&) = delete;

  void start(std::int64_t since_unix_ns);
  // Any thread: the readings of one message the target acknowledged.
  void acknowledged(const std::vector<physiology::Reading>& readings);
  // The run is over: read until every reading is found or `settle` has passed; returns at
  // once (join() waits).
  void finish();
  void join();
  void stop();

  reports::ChartReport report() const;  // after join()
  std::string first_error() const;

 private:
  void loop();
  std::size_t round();  // resources new to the matcher
  std::size_t by_identifier(std::chrono::steady_clock::time_point deadline);
  std::size_t take_page(const std::string& target, std::string* next, std::size_t* entries);
  void note_error(const std::string& e);

  ChartReaderSetup setup_;
  FhirSearchClient client_;
  std::optional<LastUpdatedCursor> cursor_;
  std::int64_t since_unix_ns_ = 0;
  std::uint64_t next_identifier_ = 0;  // identifier searches go round the missing ones
  mutable std::mutex mutex_;           // guards matcher_ and the flags below
  reports::ChartMatcher matcher_;
  std::condition_variable wake_;
  bool finishing_ = false, stopping_ = false;
  std::string first_error_;
  std::thread thread_;
};

}  // namespace iomtsim::loadgen::detail
