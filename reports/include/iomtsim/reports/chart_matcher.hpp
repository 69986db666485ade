#pragma once
// Scores a read-back: what the delivery side had acknowledged (expect) against what the
// target's record holds (found), into a ChartReport (chart.hpp). No sockets: the loadgen
// read-back feeds it; tests feed it directly.
//
// Memory per acknowledged reading is small and bounded: while it is not yet found, its id
// and the fields it was sent with (value, effective time in ms, measurement instant, vital,
// flags: 40 bytes of payload); once found, only its id and a hash of the first resource id
// (for duplicates). At most `max_tracked` readings are held; acknowledged readings past that
// are counted `untracked` and not looked for. Findings that arrive before their reading's
// acknowledgement (the server stored it and the search ran before the 201 came back) wait,
// at most max_tracked / 8 of them.
//
// A finding is about one resource: the same resource id found again (a later version, a
// second search round) changes nothing; a second resource id with the same reading
// identifier makes the reading duplicated. The first finding of a reading decides its
// mismatches and its time to chart.
//
// Not thread-safe: the caller serialises (the read-back holds a lock around it).
//
//   ChartMatcher m(codes, 1'000'000);
//   m.expect({id, 72.0, true, Vital::HeartRate, effective_ms, measured_ns});
//   m.found({"obs-1", id, patient, "8867-4", "/min", 72.0, effective_ms, searchable_ns});
//   ChartReport r = m.finish();   // what was never found is missing
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "iomtsim/physiology/reading.hpp"
#include "iomtsim/physiology/vital.hpp"
#include "iomtsim/reports/chart.hpp"

namespace iomtsim::reports {

// How a vital is coded on the wire, as the sender wrote it (payloads' tables, given by the
// caller so reports stay below payloads).
struct ChartCodes {
  std::string_view code;  // LOINC, e.g. "8867-4"
  std::string_view unit;  // UCUM code, e.g. "/min"; "" for coded values (consciousness)
  int decimals = 0;       // digits after the point the value was sent with
};
using ChartCodeTable = std::function<ChartCodes(physiology::Vital)>;

// An acknowledged reading as it was sent.
struct ChartExpectation {
  std::uint64_t reading_id = 0;
  double value = 0.0;     // in the sent unit (a coded value: its index)
  bool has_value = true;  // false: sent without a value (dataAbsentReason)
  physiology::Vital vital = physiology::Vital::HeartRate;
  std::int64_t effective_unix_ms = 0;  // the effective time written, ms since the Unix epoch
  std::int64_t measured_unix_ns = 0;   // wall instant of the measurement: time_to_chart's origin
};

// One resource the read-back found carrying a reading identifier.
struct ChartFinding {
  std::string resource_id;  // the server's id
  std::uint64_t reading_id = 0;
  std::optional<physiology::PatientIndex> subject;  // the patient its subject names, if any
  std::string subject_text;                         // the subject as found (examples)
  std::string code;                                 // the LOINC code found ("" if none)
  std::string unit;                                 // UCUM code found ("" if none)
  std::optional<double> value;
  std::optional<std::int64_t> effective_unix_ms;
  std::int64_t searchable_unix_ns = 0;  // meta.lastUpdated, else when it was found
};

class ChartMatcher {
 public:
  ChartMatcher(ChartCodeTable codes, std::size_t max_tracked,
               HistogramConfig config = HistogramConfig{});

  void expect(const ChartExpectation& e);
  void found(const ChartFinding& f);
  std::size_t pending() const { return pending_.size(); }  // acknowledged, not found yet
  std::uint64_t charted() const { return report_.charted; }
  // The readings still not found with an id >= `from`, the lowest `limit` of them, sorted
  // (for searches by identifier, which go round them).
  std::vector<std::uint64_t> pending_ids(std::uint64_t from, std::size_t limit) const;
  // The report: what is still pending is missing; waiting findings are unacknowledged.
  ChartReport finish() const;

 private:
  struct Pending {
    double value;
    std::int64_t effective_unix_ms;
    std::int64_t measured_unix_ns;
    physiology::Vital vital;
    bool has_value;
  };
  struct Charted {
    std::uint64_t first_resource_hash;
    bool duplicated;
  };
  void score(std::uint64_t id, const Pending& p, const ChartFinding& f);

  ChartCodeTable codes_;
  std::size_t max_tracked_;
  std::unordered_map<std::uint64_t, Pending> pending_;
  std::unordered_map<std::uint64_t, Charted> charted_;
  // Found before acknowledged: by reading id, the first finding and whether a second
  // resource came too.
  std::unordered_map<std::uint64_t, std::pair<ChartFinding, bool>> early_;
  ChartReport report_;
};

}  // namespace iomtsim::reports
