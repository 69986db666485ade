#pragma once
// The reference target's decision logic: readings in, alerts out. No sockets, no clock,
// no threads: time is the readings' device time, so the same readings in the same order
// give the same alerts in real time, in SimGrid, and in tests.
//
// Not thread-safe. The server shards patients over engines (patient % N) if it needs
// more than one core; all state is per patient.
//
// Patient state is kept for at most `max_patients` patients (0: no bound). A patient id
// is only a number on the wire, so a sender can invent a million of them: past the bound
// the engine forgets the patient it heard from least recently (LRU). A forgotten patient
// that returns starts afresh: no stored vitals, no repeat suppression (so its next alert
// may repeat an earlier one), and its NEWS2 SpO2 scale, if set, is kept.
//
//   RulesEngine engine(RuleSet::defaults());
//   for (const Reading& r : readings)
//     for (Alert& a : engine.ingest(r)) send(a);
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "iomtsim/physiology/alert.hpp"
#include "iomtsim/physiology/reading.hpp"
#include "iomtsim/rules/news2.hpp"
#include "iomtsim/rules/patient_state.hpp"
#include "iomtsim/rules/qsofa.hpp"
#include "iomtsim/rules/rule.hpp"

namespace iomtsim::rules {

struct EngineCounters {
  std::uint64_t readings = 0;    // all ingested
  std::uint64_t duplicates = 0;  // ignored: id seen before
  std::uint64_t late = 0;        // ignored for rules: older than the stored value
  std::uint64_t alerts = 0;      // emitted
  std::uint64_t suppressed = 0;  // rule fired but repeat suppression held it back
  std::uint64_t evicted = 0;     // patients forgotten to stay within max_patients
  std::uint64_t flagged = 0;     // ignored: the device sent no value or marked it questionable
  bool operator==(const EngineCounters&) const = default;
};

class RulesEngine {
 public:
  explicit RulesEngine(RuleSet rules = RuleSet::defaults(), std::size_t max_patients = 0);
  ~RulesEngine();
  RulesEngine(RulesEngine&&) noexcept;
  RulesEngine& operator=(RulesEngine&&) noexcept;

  // Takes one reading; returns the alerts it triggers (usually none). Alerts carry
  // patient, rule, score, severity, trigger_time = the reading's device time, and
  // trigger_reading_id; alert_id is "<rule>-p<patient>-<n>" with n counting per engine.
  std::vector<physiology::Alert> ingest(const physiology::Reading& r);
  // Same, appending to `out` (no allocation when nothing fires).
  void ingest(const physiology::Reading& r, std::vector<physiology::Alert>& out);

  // NEWS2 SpO2 scale for one patient (default: RuleSet.news2.default_scale).
  void set_spo2_scale(physiology::PatientIndex patient, SpO2Scale scale);

  // Scores on the latest values as of `now` (for the server's status endpoint and tests).
  News2Result news2_for(physiology::PatientIndex patient, physiology::SimTime now) const;
  QsofaResult qsofa_for(physiology::PatientIndex patient, physiology::SimTime now) const;
  const PatientState* patient_state(physiology::PatientIndex patient) const;

  const RuleSet& rules() const noexcept;
  const EngineCounters& counters() const noexcept;
  std::size_t patients() const noexcept;  // patients whose state is held now

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace iomtsim::rules
