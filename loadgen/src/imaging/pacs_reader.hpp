#pragma once
// Result to PACS: after the PACS acknowledged an imaging result's STOW-RS request, confirm
// that its study is retrievable, by QIDO-RS as a viewer would find it:
//   GET <dicomweb>/studies?StudyInstanceUID=<uid>&includefield=00201208
// A result counts as retrievable when its study is listed with at least as many instances
// (NumberOfStudyRelatedInstances) as had been acknowledged for the study when this one was;
// result_to_pacs = the wall instant of that answer - the acquisition's wall instant
// (reports/ops_report.hpp). An acknowledgement is not proof of storage: Orthanc answers a
// STOW-RS of an instance its Lua filter refused with 200 and the instance listed as stored.
//
// On its own thread, so that neither the engines nor the PACS wait on it; it never becomes
// the load: one request at a time, at most `max_rate_per_s` of them, each study asked again
// at most every `poll_every`, at most `max_tracked` results waiting (the rest are not
// confirmed). After the run (finish()) it goes on until every result was found or `settle`
// passed. Latency resolution is about poll_every plus the wait for the request budget.
//
//   PacsReader pacs(setup);
//   pacs.start();
//   pacs.acknowledged(result_id, study_uid, acquired);   // engine threads
//   pacs.finish(); pacs.join();
//   for (auto [id, ns] : pacs.found()) …
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "../connect/http_client.hpp"
#include "iomtsim/physiology/time.hpp"

namespace iomtsim::loadgen::detail {

struct PacsReaderSetup {
  Url dicomweb;  // the DICOMweb base the studies were stored to
  TlsClientSettings tls;
  double max_rate_per_s = 20.0;
  std::chrono::milliseconds poll_every{250};
  std::chrono::milliseconds settle{30'000};
  std::size_t max_tracked = 100'000;
  // The wall instant (Unix ns) of a scenario instant: where result to PACS starts.
  std::function<std::int64_t(physiology::SimTime)> unix_ns_of;
};

class PacsReader {
 public:
  explicit PacsReader(PacsReaderSetup setup);  // throws TlsSetupError
  ~PacsReader();
  PacsReader(const PacsReader&) = delete;
  PacsReader& operator=(const PacsReader&) = delete;

  void start();
  // Any thread: the PACS acknowledged result `id` of study `study_uid`, acquired then.
  void acknowledged(std::uint64_t id, const std::string& study_uid, physiology::SimTime acquired);
  void finish();  // the run is over: settle, then end (join() waits)
  void join();
  void stop();  // end now

  // After join(): result id -> acquisition to retrievable, wall ns.
  std::unordered_map<std::uint64_t, std::int64_t> found() const;
  std::uint64_t requests() const;
  std::size_t unconfirmed() const;  // acknowledged, never found
  std::string first_error() const;

 private:
  struct Waiting {
    std::uint64_t id = 0;
    std::int64_t acquired_unix_ns = 0;
    std::int64_t needed_instances = 1;
  };
  struct Study {
    std::vector<Waiting> waiting;
    std::chrono::steady_clock::time_point next_ask{};
  };
  void loop();
  void ask(const std::string& study_uid);

  PacsReaderSetup setup_;
  HttpClient client_;
  std::chrono::steady_clock::duration gap_;
  std::chrono::steady_clock::time_point next_request_{};
  mutable std::mutex mutex_;  // guards what follows
  std::map<std::string, Study> pending_;
  std::unordered_map<std::string, std::int64_t> acked_per_study_;
  std::unordered_map<std::uint64_t, std::int64_t> found_;
  std::size_t tracked_ = 0, untracked_ = 0;
  std::uint64_t requests_ = 0;
  std::string first_error_;
  bool finishing_ = false, stopping_ = false;
  std::chrono::steady_clock::time_point settle_deadline_{};
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace iomtsim::loadgen::detail
