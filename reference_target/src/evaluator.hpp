#pragma once
// What the pipeline asks of the rules: per-patient state in, alerts out. One evaluator per
// worker; a patient is always routed to the same worker, so an evaluator is never shared
// between threads. rules_evaluator.cpp adapts the rules library's RulesEngine to it.
#include <functional>
#include <memory>
#include <vector>

#include "iomtsim/physiology/alert.hpp"
#include "iomtsim/physiology/reading.hpp"
#include "iomtsim/reference_target/config.hpp"
#include "iomtsim/reference_target/metrics.hpp"

namespace iomtsim::reference_target {

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  // Appends the alerts this reading raises (after the engine's own suppression).
  virtual void evaluate(const physiology::Reading& reading,
                        std::vector<physiology::Alert>& out) = 0;
};

using EvaluatorFactory = std::function<std::unique_ptr<Evaluator>()>;

// One RulesEngine per worker, each with the same rules, holding state for at most
// `max_patients_per_worker` patients (0: no bound); patients held and forgotten are
// counted in `metrics`, which must outlive the evaluators.
EvaluatorFactory make_rules_evaluator_factory(const rules::RuleSet& rules,
                                              std::size_t max_patients_per_worker,
                                              Metrics& metrics);

// Where raised alerts go (webhook, MQTT topic, or both). emit() is called from worker
// threads and must not block for long.
class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void emit(const physiology::Alert& alert) = 0;
};

}  // namespace iomtsim::reference_target
