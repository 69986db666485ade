// Adapts the rules library's RulesEngine (not thread-safe, per-patient state) to the
// pipeline's Evaluator: one engine per worker shard.
#include "evaluator.hpp"
#include "iomtsim/rules/rules_engine.hpp"

namespace iomtsim::reference_target {

namespace {

class RulesEvaluator final : public Evaluator {
 public:
  explicit RulesEvaluator(const rules::RuleSet& rules) : engine_(rules) {}
  void evaluate(const physiology::Reading& reading, std::vector<physiology::Alert>& out) override {
    engine_.ingest(reading, out);
  }

 private:
  rules::RulesEngine engine_;
};

}  // namespace

EvaluatorFactory make_rules_evaluator_factory(const rules::RuleSet& rules) {
  return [rules] { return std::make_unique<RulesEvaluator>(rules); };
}

}  // namespace iomtsim::reference_target
