// Adapts the rules library's RulesEngine (not thread-safe, per-patient state) to the
// pipeline's Evaluator: one engine per worker shard, each holding at most its share of
// limits.max_patients and reporting what it holds and forgets to the metrics.
#include "evaluator.hpp"
#include "iomtsim/rules/rules_engine.hpp"

namespace iomtsim::reference_target {

namespace {

class RulesEvaluator final : public Evaluator {
 public:
  RulesEvaluator(const rules::RuleSet& rules, std::size_t max_patients, Metrics& metrics)
      : engine_(rules, max_patients), metrics_(metrics) {}
  ~RulesEvaluator() override {
    metrics_.patients_held.fetch_sub(held_, std::memory_order_relaxed);
  }

  void evaluate(const physiology::Reading& reading, std::vector<physiology::Alert>& out) override {
    engine_.ingest(reading, out);
    // Deltas only: the gauge and the counter sum over every worker's engine.
    const std::size_t held = engine_.patients();
    if (held != held_) {
      metrics_.patients_held.fetch_add(held - held_, std::memory_order_relaxed);  // wraps down
      held_ = held;
    }
    const std::uint64_t evicted = engine_.counters().evicted;
    if (evicted != evicted_) {
      metrics_.patients_evicted.fetch_add(evicted - evicted_, std::memory_order_relaxed);
      evicted_ = evicted;
    }
  }

 private:
  rules::RulesEngine engine_;
  Metrics& metrics_;
  std::size_t held_ = 0;
  std::uint64_t evicted_ = 0;
};

}  // namespace

EvaluatorFactory make_rules_evaluator_factory(const rules::RuleSet& rules,
                                              std::size_t max_patients_per_worker,
                                              Metrics& metrics) {
  return [rules, max_patients_per_worker, &metrics] {
    return std::make_unique<RulesEvaluator>(rules, max_patients_per_worker, metrics);
  };
}

}  // namespace iomtsim::reference_target
