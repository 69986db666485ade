#include "iomtsim/rules/rule.hpp"

#include <array>

namespace iomtsim::rules {

physiology::Vital condition_vital(const Condition& c) {
  return std::visit([](const auto& x) { return x.vital; }, c);
}

RuleSet RuleSet::defaults() {
  using physiology::AlertSeverity;
  using physiology::Vital;
  using std::chrono::minutes;
  RuleSet s;
  auto sustained = [](std::string name, AlertSeverity sev, Vital v, CompareOp op, double thr,
                      physiology::Duration d) {
    RuleConfig r;
    r.name = std::move(name);
    r.severity = sev;
    r.conditions.push_back(ThresholdCondition{v, op, thr, d});
    return r;
  };
  // Stable ward patients spend minutes below 88 % most days (docs/clinical.md, "Stable
  // patients are not flat"): the default pages for a deeper, longer desaturation.
  s.rules.push_back(sustained("spo2_low_sustained", AlertSeverity::High, Vital::SpO2,
                              CompareOp::Less, 85.0, minutes(5)));
  // 15 min below 54 mg/dL is a level-2 hypoglycemia event; CGMs sample every 5 min, so
  // allow gaps up to 10 min without restarting the clock.
  RuleConfig glucose = sustained("glucose_low_sustained", AlertSeverity::High, Vital::Glucose,
                                 CompareOp::Less, 54.0, minutes(15));
  std::get<ThresholdCondition>(glucose.conditions[0]).max_gap = minutes(10);
  s.rules.push_back(std::move(glucose));
  s.rules.push_back(sustained("hr_high_sustained", AlertSeverity::Medium, Vital::HeartRate,
                              CompareOp::Greater, 130.0, minutes(10)));
  s.rules.push_back(sustained("rr_low_sustained", AlertSeverity::High, Vital::RespRate,
                              CompareOp::LessEqual, 8.0, minutes(2)));
  return s;
}

}  // namespace iomtsim::rules
