#pragma once
// Result to chart: once the FHIR target acknowledged a stored study's ImagingStudy and
// DiagnosticReport (payloads/imaging_chart.hpp), find the DiagnosticReport as a chart
// would, by FHIR search on its identifier, a few results to a request:
//   GET [base]/DiagnosticReport?identifier=urn:iomtsim:imaging-result|<id>,…&_count=N
// A result counts as charted when its DiagnosticReport is found referencing an
// ImagingStudy; result_to_chart = the wall instant of that answer - the acquisition's
// wall instant (reports/ops_report.hpp).
//
// On its own thread with the request budget of connect/fhir_search.hpp (at most
// `max_rate_per_s` requests), each result asked again at most every `poll_every`, at most
// `max_tracked` waiting; after the run (finish()) it goes on until every result was found
// or `settle` passed.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "../connect/fhir_search.hpp"
#include "iomtsim/physiology/time.hpp"

namespace iomtsim::loadgen::detail {

struct ReportReaderSetup {
  Url fhir;
  TlsClientSettings tls;
  std::shared_ptr<const Credentials> creds;
  double max_rate_per_s = 10.0;
  std::size_t ids_per_search = 20;
  std::chrono::milliseconds poll_every{500};
  std::chrono::milliseconds settle{30'000};
  std::size_t max_tracked = 100'000;
  std::function<std::int64_t(physiology::SimTime)> unix_ns_of;  // as PacsReaderSetup's
};

class ReportReader {
 public:
  explicit ReportReader(ReportReaderSetup setup);  // throws TlsSetupError
  ~ReportReader();
  ReportReader(const ReportReader&) = delete;
  ReportReader& operator=(const ReportReader&) = delete;

  void start();
  // Any thread: the FHIR target acknowledged the report of result `id`, acquired then.
  void acknowledged(std::uint64_t id, physiology::SimTime acquired);
  void finish();
  void join();
  void stop();

  std::unordered_map<std::uint64_t, std::int64_t> found() const;  // id -> wall ns, after join()
  std::uint64_t requests() const;
  std::size_t unconfirmed() const;
  std::string first_error() const;

 private:
  struct Waiting {
    std::int64_t acquired_unix_ns = 0;
    std::chrono::steady_clock::time_point next_ask{};
  };
  void loop();
  void ask(const std::vector<std::uint64_t>& ids);

  ReportReaderSetup setup_;
  FhirSearchClient client_;
  mutable std::mutex mutex_;  // guards what follows
  std::map<std::uint64_t, Waiting> pending_;
  std::unordered_map<std::uint64_t, std::int64_t> found_;
  std::size_t untracked_ = 0;
  std::uint64_t requests_ = 0;
  std::string first_error_;
  bool finishing_ = false, stopping_ = false;
  std::chrono::steady_clock::time_point settle_deadline_{};
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace iomtsim::loadgen::detail
