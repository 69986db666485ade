// The `rules` section of the target config, mapped one to one onto rules::RuleSet:
//
//   rules:
//     defaults: true            # start from RuleSet::defaults() (false: no custom rules)
//     ignore_questionable: true # readings a device marked questionable never score
//     news2: {enabled: true, medium_threshold: 5, high_threshold: 7,
//             alert_on_single_three: true, min_parameters: 3, freshness: 15m,
//             default_scale: 1, aggregation: 5m, persistence: 3m,
//             single_three_persistence: 15m, continuous_gap: 10m,
//             repeat_interval: 4h, single_three_repeat_interval: 4h}
//     qsofa: {enabled: true, threshold: 2, severity: medium, freshness: 15m,
//             persistence: 3m, repeat_interval: 4h}
//     suppression: {repeat_interval: 4h, realert_on_escalation: true}
//     custom:                   # appended to (or replacing) the default custom rules
//       - name: spo2_low_sustained
//         severity: high
//         combine: all          # or any
//         freshness: 15m
//         repeat_interval: 1h   # optional; default suppression.repeat_interval
//         conditions:
//           - {vital: spo2, op: "<", threshold: 88, sustained_for: 2m, max_gap: 5m}
//           - {vital: systolic_bp, rate: {window: 30m, op: "<=", change: -20, min_span: 1m}}
#include "yaml_reader.hpp"

namespace iomtsim::reference_target {

namespace {

using physiology::AlertSeverity;

std::optional<AlertSeverity> severity_from(const std::string& s) {
  if (s == "info") return AlertSeverity::Info;
  if (s == "low") return AlertSeverity::Low;
  if (s == "medium") return AlertSeverity::Medium;
  if (s == "high") return AlertSeverity::High;
  return std::nullopt;
}

void read_severity(Reader& r, const YAML::Node& map, const char* key, AlertSeverity& out) {
  if (auto n = map[key]) {
    auto s = severity_from(Reader::scalar(n));
    if (s) {
      out = *s;
      return;
    }
    std::string message = "'";
    message += key;
    message += "' must be info, low, medium or high, found '" + Reader::scalar(n) + "'";
    r.issue(n, message);
  }
}

void read_op(Reader& r, const YAML::Node& map, rules::CompareOp& out) {
  auto n = map["op"];
  if (!n) return r.issue(map, "a condition needs 'op' (<, <=, >, >=, ==, !=)");
  const auto s = Reader::scalar(n);
  using rules::CompareOp;
  if (s == "<")
    out = CompareOp::Less;
  else if (s == "<=")
    out = CompareOp::LessEqual;
  else if (s == ">")
    out = CompareOp::Greater;
  else if (s == ">=")
    out = CompareOp::GreaterEqual;
  else if (s == "==")
    out = CompareOp::Equal;
  else if (s == "!=")
    out = CompareOp::NotEqual;
  else
    r.issue(n, "'op' must be one of <, <=, >, >=, ==, !=, found '" + s + "'");
}

void read_vital(Reader& r, const YAML::Node& map, physiology::Vital& out) {
  auto n = map["vital"];
  if (!n) return r.issue(map, "a condition needs 'vital'");
  auto v = physiology::vital_from_name(Reader::scalar(n));
  if (!v)
    return r.issue(
        n, "unknown vital '" + Reader::scalar(n) + "' (expected e.g. heart_rate, spo2, resp_rate)");
  out = *v;
}

std::optional<rules::Condition> read_condition(Reader& r, const YAML::Node& n) {
  if (!r.check_map(n, "condition",
                   {"vital", "op", "threshold", "sustained_for", "max_gap", "rate"}))
    return std::nullopt;
  if (auto rate = n["rate"]) {
    rules::RateCondition c;
    read_vital(r, n, c.vital);
    if (!r.check_map(rate, "rate", {"window", "op", "change", "min_span"})) return std::nullopt;
    read_op(r, rate, c.op);
    r.get(rate, "window", c.window);
    r.get(rate, "min_span", c.min_span);
    if (!rate["change"]) r.issue(rate, "a rate condition needs 'change'");
    r.get(rate, "change", c.change, -1e6, 1e6);
    return c;
  }
  rules::ThresholdCondition c;
  read_vital(r, n, c.vital);
  read_op(r, n, c.op);
  if (!n["threshold"]) r.issue(n, "a threshold condition needs 'threshold'");
  r.get(n, "threshold", c.threshold, -1e6, 1e6);
  r.get(n, "sustained_for", c.sustained_for);
  r.get(n, "max_gap", c.max_gap);
  return c;
}

void read_custom(Reader& r, const YAML::Node& n, std::vector<rules::RuleConfig>& out) {
  if (!n.IsSequence()) return r.issue(n, "'custom' must be a list of rules");
  for (const auto& e : n) {
    if (!r.check_map(e, "custom rule",
                     {"name", "severity", "combine", "freshness", "repeat_interval", "conditions"}))
      continue;
    rules::RuleConfig rule;
    r.get(e, "name", rule.name);
    if (rule.name.empty()) r.issue(e, "a custom rule needs a 'name'");
    read_severity(r, e, "severity", rule.severity);
    if (auto c = e["combine"]) {
      const auto s = Reader::scalar(c);
      if (s == "all")
        rule.combine = rules::Combine::All;
      else if (s == "any")
        rule.combine = rules::Combine::Any;
      else
        r.issue(c, "'combine' must be all or any, found '" + s + "'");
    }
    r.get(e, "freshness", rule.freshness);
    r.get(e, "repeat_interval", rule.repeat_interval);
    auto conds = e["conditions"];
    if (!conds || !conds.IsSequence() || conds.size() == 0) {
      r.issue(conds ? conds : YAML::Node(e), "a custom rule needs a non-empty list 'conditions'");
    } else {
      for (const auto& c : conds)
        if (auto cond = read_condition(r, c)) rule.conditions.push_back(*cond);
    }
    out.push_back(std::move(rule));
  }
}

}  // namespace

void read_rules(Reader& r, const YAML::Node& n, rules::RuleSet& out) {
  if (!r.check_map(n, "rules",
                   {"defaults", "ignore_questionable", "news2", "qsofa", "suppression", "custom"}))
    return;
  bool defaults = true;
  r.get(n, "defaults", defaults);
  out = rules::RuleSet::defaults();
  if (!defaults) out.rules.clear();
  r.get(n, "ignore_questionable", out.ignore_questionable);
  if (auto s = n["news2"];
      s && r.check_map(s, "rules.news2",
                       {"enabled", "medium_threshold", "high_threshold", "alert_on_single_three",
                        "min_parameters", "freshness", "default_scale", "aggregation",
                        "persistence", "single_three_persistence", "continuous_gap",
                        "repeat_interval", "single_three_repeat_interval"})) {
    auto& c = out.news2;
    r.get(s, "enabled", c.enabled);
    r.get_int(s, "medium_threshold", c.medium_threshold, 1, 20);
    r.get_int(s, "high_threshold", c.high_threshold, 1, 20);
    r.get(s, "alert_on_single_three", c.alert_on_single_three);
    r.get_int(s, "min_parameters", c.min_parameters, 1, 7);
    r.get(s, "freshness", c.freshness);
    r.get(s, "aggregation", c.aggregation);
    r.get(s, "persistence", c.persistence);
    r.get(s, "single_three_persistence", c.single_three_persistence);
    r.get(s, "continuous_gap", c.continuous_gap);
    r.get(s, "repeat_interval", c.repeat_interval);
    r.get(s, "single_three_repeat_interval", c.single_three_repeat_interval);
    if (auto sc = s["default_scale"]) {
      int scale = 1;
      r.get_int(s, "default_scale", scale, 1, 2);
      c.default_scale = scale == 2 ? rules::SpO2Scale::Scale2 : rules::SpO2Scale::Scale1;
    }
  }
  if (auto s = n["qsofa"]; s && r.check_map(s, "rules.qsofa",
                                            {"enabled", "threshold", "severity", "freshness",
                                             "persistence", "repeat_interval"})) {
    r.get(s, "enabled", out.qsofa.enabled);
    r.get_int(s, "threshold", out.qsofa.threshold, 1, 3);
    read_severity(r, s, "severity", out.qsofa.severity);
    r.get(s, "freshness", out.qsofa.freshness);
    r.get(s, "persistence", out.qsofa.persistence);
    r.get(s, "repeat_interval", out.qsofa.repeat_interval);
  }
  if (auto s = n["suppression"];
      s && r.check_map(s, "rules.suppression", {"repeat_interval", "realert_on_escalation"})) {
    r.get(s, "repeat_interval", out.suppression.repeat_interval);
    r.get(s, "realert_on_escalation", out.suppression.realert_on_escalation);
  }
  if (auto s = n["custom"]) read_custom(r, s, out.rules);
}

}  // namespace iomtsim::reference_target
