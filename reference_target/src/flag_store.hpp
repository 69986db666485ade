#pragma once
// The alerts the target raised, kept as FHIR Flags and served over FHIR search, as a
// pipeline with a record raises them (a real store, SQLite, comes with the time-to-chart
// work; this keeps only the Flags, in memory, bounded).
//
// Each alert becomes a Flag (payloads::encode_alert_flag) whose meta.lastUpdated and
// period.start are the instant it was raised, strictly increasing across Flags (a microsecond
// apart at least), so a client that polls `_lastUpdated=gt<the last one it saw>` misses
// none and sees none twice. Past `max_flags` the oldest are forgotten (counted).
//
//   GET [base]/Flag?_lastUpdated=gt2024-05-01T08:00:00.000000Z&_count=100
//   GET [base]/Flag/<id>
// search() answers a searchset Bundle in lastUpdated order with a `next` link when more
// match; read() the Flag or nothing. Any thread.
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "evaluator.hpp"
#include "iomtsim/reference_target/metrics.hpp"
#include "record_store.hpp"

namespace iomtsim::reference_target {

class FlagStore final : public AlertSink {
 public:
  FlagStore(std::size_t max_flags, std::string fhir_base);
  // Patients named by other ids than p<index> (fhir_lenient.hpp): their Flags name them so.
  void set_names(const PatientNames* names) { names_ = names; }
  void emit(const physiology::Alert& alert) override;

  // The query string after '?' (may be empty). An error text for what it cannot serve.
  struct Answer {
    unsigned status = 200;
    std::string body;  // a Bundle, or the reason for an error status
  };
  Answer search(std::string_view query) const;
  std::optional<std::string> read(std::string_view id) const;

  std::size_t size() const;
  std::uint64_t forgotten() const;

 private:
  struct Entry {
    std::int64_t updated_ns;
    std::string id;
    std::string json;
  };
  std::size_t max_;
  std::string base_;
  const PatientNames* names_ = nullptr;
  mutable std::mutex mutex_;
  std::deque<Entry> flags_;
  std::int64_t last_ns_ = 0;
  std::uint64_t forgotten_ = 0;
};

}  // namespace iomtsim::reference_target
