#pragma once
// What reached the target's record ("time to chart"): the acknowledged readings read back
// from the target by FHIR search, and how each fared. report.json "chart"
// (REPORT_FORMAT.md); present only when a run read its target back (`target.read_back`).
//
// Buckets, over the readings the target acknowledged and the run tracked:
//   charted    found in the record at least once (whatever it looked like)
//   missing    acknowledged, never found by the end of the settle time
//   (so charted + missing == tracked)
//   duplicated found as more than one resource (counted once per reading, even when the
//              delivery side sent it once)
//   mismatched found, but some field differs from what was sent; each field is also
//              counted on its own in `mismatches` (a reading can differ in several)
// time_to_chart: the device's measurement instant (wall clock) to the first time the
// reading was searchable: the resource's meta.lastUpdated when the server gives it, else
// the time the read-back found it; integer nanoseconds, not scaled by an accelerated run.
//
// Merging (shards, `recording merge`) adds the counts, merges the histograms and keeps the
// first examples of each part in order, up to kMaxExamples: exact, since every shard reads
// back only its own readings.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iomtsim/reports/histogram.hpp"

namespace iomtsim::reports {

enum class ChartField : std::uint8_t { Value, Unit, Code, Subject, EffectiveTime };
inline constexpr std::size_t kChartFieldCount = 5;
// "value", "unit", "code", "subject", "effective_time" (report.json, metric names).
std::string_view chart_field_name(ChartField f);
std::optional<ChartField> chart_field_from_name(std::string_view name);

struct ChartMismatches {
  std::uint64_t count = 0;
  std::vector<std::string> examples;  // "reading 1099511627776: sent 72 /min, found 82 /min"
  bool operator==(const ChartMismatches&) const = default;
};

struct ChartReport {
  static constexpr std::size_t kMaxExamples = 5;

  bool enabled = false;       // a read-back ran: the section exists
  std::uint64_t tracked = 0;  // acknowledged readings the read-back looked for
  std::uint64_t charted = 0;
  std::uint64_t missing = 0;
  std::uint64_t duplicated = 0;
  std::uint64_t mismatched = 0;
  std::array<ChartMismatches, kChartFieldCount> mismatches{};  // by ChartField
  std::vector<std::string> missing_examples;     // "reading <id> (<vital>, patient <p>)"
  std::vector<std::string> duplicated_examples;  // "reading <id>: Observation/a, Observation/b"
  // Found in the record though no acknowledgement came (timed out or refused, stored all
  // the same): not in charted.
  std::uint64_t unacknowledged_found = 0;
  // Acknowledged past the memory bound (read_back.max_tracked): not looked for.
  std::uint64_t untracked = 0;
  std::uint64_t requests = 0;  // searches sent to the target
  Histogram time_to_chart;     // ns

  bool empty() const { return !enabled; }
  ChartMismatches& of(ChartField f) { return mismatches[static_cast<std::size_t>(f)]; }
  const ChartMismatches& of(ChartField f) const { return mismatches[static_cast<std::size_t>(f)]; }
  // Appends `text` to `list` while it holds fewer than kMaxExamples.
  static void add_example(std::vector<std::string>& list, std::string text);
  // Throws HistogramError when the time_to_chart configurations differ (never in one run).
  void merge(const ChartReport& other);
  bool operator==(const ChartReport&) const = default;
};

}  // namespace iomtsim::reports
