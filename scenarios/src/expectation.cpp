#include "iomtsim/scenarios/expectation.hpp"

#include <array>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "iomtsim/physiology/episode.hpp"

namespace iomtsim::scenarios {
namespace {

using Q = QuantityKind;

constexpr std::string_view kLatencyFamilies[] = {"ingest_latency", "ingest_latency_raw",
                                                 "alert_latency"};
constexpr std::string_view kLatencyStats[] = {"p50", "p90", "p95", "p99", "p999", "max", "mean", "min"};
constexpr std::string_view kOutcomes[] = {"acknowledged", "rejected", "lost_network",
                                          "dropped_buffer", "timed_out", "failed", "in_flight"};

struct AlertStat {
  std::string_view name;
  Q kind;
  bool signed_value;
  std::string_view description;
};
constexpr AlertStat kAlertStats[] = {
    {"sensitivity", Q::Fraction, false, "fraction of episodes with a timely alert"},
    {"ppv", Q::Fraction, false, "fraction of alerts that matched an episode"},
    {"f1", Q::Fraction, false, "harmonic mean of sensitivity and PPV"},
    {"challenge2015_score", Q::Number, false,
     "PhysioNet 2015 score 100(TP+TN)/(TP+TN+FP+5FN), episodes as events, TN = 0"},
    {"false_per_patient_day", Q::Number, false, "unmatched alerts per patient-day"},
    {"per_100_patient_days", Q::Number, false, "all alerts per 100 patient-days"},
    {"burden_per_bed_per_day", Q::Number, false, "alerts per bed per day"},
    {"median_lead_time", Q::TimeSpan, true, "median of first alert minus episode onset"},
    {"lead_time_q1", Q::TimeSpan, true, "first quartile of alert minus onset"},
    {"lead_time_q3", Q::TimeSpan, true, "third quartile of alert minus onset"},
    {"median_criteria_lead_time", Q::TimeSpan, true,
     "median of first alert minus the time criteria were first met"},
    {"count", Q::Number, false, "alerts received"},
    {"true_count", Q::Number, false, "alerts matched to an episode"},
    {"false_count", Q::Number, false, "alerts matched to no episode"},
    {"artifact_count", Q::Number, false, "alerts triggered by an artifact"},
    {"episodes", Q::Number, false, "ground-truth episodes"},
    {"detected", Q::Number, false, "episodes with a timely alert"},
};

// Storage for the fixed names (string_views into it stay valid: built once, never grown).
struct Catalogue {
  std::vector<std::string> names;
  std::vector<MetricInfo> metrics;
  Catalogue() {
    names.reserve(256);
    auto add = [&](std::string n, Q kind, std::string_view desc, bool signed_value = false) {
      names.push_back(std::move(n));
      metrics.push_back({names.back(), kind, desc, signed_value});
    };
    for (auto f : kLatencyFamilies) {
      for (auto st : kLatencyStats)
        add(std::string(f) + "." + std::string(st), Q::TimeSpan,
            f == "alert_latency" ? "triggering reading's intended send to alert received"
            : f == "ingest_latency" ? "intended send to acknowledgement"
                                    : "actual send to acknowledgement (service time)");
      add(std::string(f) + ".count", Q::Number, "readings (or alerts) measured");
    }
    add("delivery.generated", Q::Number, "readings generated");
    add("delivery.lost_fraction", Q::Fraction, "fraction lost to emulated network loss");
    for (auto o : kOutcomes) {
      add("delivery." + std::string(o), Q::Number, "readings in this bucket");
      add("delivery." + std::string(o) + "_fraction", Q::Fraction,
          "fraction of generated readings in this bucket");
    }
    add("throughput.readings_per_s", Q::Number, "acknowledged readings per second");
    add("throughput.generated_per_s", Q::Number, "generated readings per second");
    for (const auto& st : kAlertStats)
      add("alerts." + std::string(st.name), st.kind, st.description, st.signed_value);
    // Hospital operations devices (reports/include/iomtsim/reports/ops_report.hpp).
    add("pump_alarms.delivery_fraction", Q::Fraction, "pump alarms that came back as an alert");
    add("pump_alarms.count", Q::Number, "pump alarms generated");
    add("pump_alarms.delivered", Q::Number, "pump alarms that came back as an alert");
    add("assets.correct_fraction", Q::Fraction, "asset queries answered with the true zone");
    add("assets.queries", Q::Number, "asset location queries asked");
    add("assets.correct", Q::Number, "asset queries answered with the true zone");
    add("assets.unanswered", Q::Number, "asset queries the target could not answer");
    add("imaging.throughput_mib_s", Q::Number, "imaging MiB acknowledged per second");
    add("imaging.count", Q::Number, "imaging results generated");
    add("imaging.acknowledged", Q::Number, "imaging results acknowledged");
    constexpr std::pair<std::string_view, std::string_view> kOpsLatencies[] = {
        {"pump_alarms.latency", "pump alarm sent to alert received"},
        {"assets.staleness", "time since the target's location was last correct"},
        {"assets.locate_time", "asset query to answer"},
        {"imaging.result_latency", "acquisition to acknowledged"},
        {"imaging.vitals_latency_during", "vital signs sent while their link carried imaging"},
        {"imaging.vitals_latency_outside", "vital signs sent otherwise"}};
    for (const auto& [f, desc] : kOpsLatencies) {
      for (auto st : kLatencyStats) add(std::string(f) + "." + std::string(st), Q::TimeSpan, desc);
      add(std::string(f) + ".count", Q::Number, "values measured");
    }
  }
};

const Catalogue& catalogue() {
  static const Catalogue c;
  return c;
}

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

std::vector<std::string_view> split_dots(std::string_view s) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '.') {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

bool space(char c) { return c == ' ' || c == '\t'; }

}  // namespace

std::span<const MetricInfo> known_metrics() { return catalogue().metrics; }

std::optional<MetricInfo> metric_info(std::string_view name) {
  for (const auto& m : catalogue().metrics)
    if (m.name == name) return m;
  const auto p = split_dots(name);
  // alerts.CONDITION.STAT and alerts.rule.RULE.STAT
  const auto alert_stat = [&](std::string_view stat) -> std::optional<MetricInfo> {
    for (const auto& st : kAlertStats)
      if (st.name == stat) return MetricInfo{name, st.kind, st.description, st.signed_value};
    return std::nullopt;
  };
  if (p.size() == 3 && p[0] == "alerts" && physiology::condition_from_name(p[1]))
    return alert_stat(p[2]);
  if (p.size() == 4 && p[0] == "alerts" && p[1] == "rule" && is_identifier(p[2]))
    return alert_stat(p[3]);
  // ingest_latency.protocol|profile.NAME.STAT
  if (p.size() == 4 && p[0] == "ingest_latency" && (p[1] == "protocol" || p[1] == "profile") &&
      is_identifier(p[2])) {
    for (auto st : kLatencyStats)
      if (st == p[3]) return MetricInfo{name, Q::TimeSpan, "ingest latency of one channel"};
    if (p[3] == "count") return MetricInfo{name, Q::Number, "readings of one channel"};
  }
  return std::nullopt;
}

std::string metric_name_pattern() {
  auto alternation = [](auto&& items) {
    std::string alt;
    for (const auto& it : items) {
      if (!alt.empty()) alt += "|";
      for (char c : std::string_view(it)) {
        if (c == '.') alt += "\\";
        alt += c;
      }
    }
    return alt;
  };
  std::vector<std::string_view> fixed;
  for (const auto& m : catalogue().metrics) fixed.push_back(m.name);
  std::vector<std::string_view> stats;
  for (const auto& st : kAlertStats) stats.push_back(st.name);
  std::vector<std::string_view> lat(std::begin(kLatencyStats), std::end(kLatencyStats));
  lat.push_back("count");
  return "(" + alternation(fixed) + "|alerts\\.(rule\\.)?[A-Za-z0-9_-]+\\.(" +
         alternation(stats) + ")|ingest_latency\\.(protocol|profile)\\.[A-Za-z0-9_-]+\\.(" +
         alternation(lat) + "))";
}

std::string_view op_text(CompareOp op) {
  switch (op) {
    case CompareOp::Less: return "<";
    case CompareOp::LessEqual: return "<=";
    case CompareOp::Greater: return ">";
    case CompareOp::GreaterEqual: return ">=";
    case CompareOp::Equal: return "==";
  }
  return "?";
}

bool holds(CompareOp op, double measured, double threshold) {
  switch (op) {
    case CompareOp::Less: return measured < threshold;
    case CompareOp::LessEqual: return measured <= threshold;
    case CompareOp::Greater: return measured > threshold;
    case CompareOp::GreaterEqual: return measured >= threshold;
    case CompareOp::Equal: return measured == threshold;
  }
  return false;
}

std::variant<Expectation, ExpectationError> parse_expectation(std::string_view text,
                                                              const SourceLocation& where) {
  std::size_t i = 0;
  while (i < text.size() && space(text[i])) ++i;
  const std::size_t metric_start = i;
  while (i < text.size() && !space(text[i]) && text[i] != '<' && text[i] != '>' &&
         text[i] != '=' && text[i] != '!')
    ++i;
  const std::string_view metric = text.substr(metric_start, i - metric_start);
  if (metric.empty()) {
    return ExpectationError{"expected 'metric op value', e.g. 'ingest_latency.p99 < 2s'",
                            metric_start};
  }
  const std::optional<MetricInfo> info = metric_info(metric);
  if (!info) {
    // Nearest by shared prefix, then by length: a cheap suggestion that needs no tables.
    std::string_view best;
    std::size_t best_score = 0;
    for (const auto& m : known_metrics()) {
      std::size_t p = 0;
      while (p < m.name.size() && p < metric.size() && m.name[p] == metric[p]) ++p;
      if (p > best_score) {
        best_score = p;
        best = m.name;
      }
    }
    std::string msg = "unknown metric '" + std::string(metric) + "'";
    if (best_score >= 4) msg += " (did you mean '" + std::string(best) + "'?)";
    return ExpectationError{msg, metric_start};
  }
  while (i < text.size() && space(text[i])) ++i;
  const std::size_t op_start = i;
  CompareOp op{};
  auto rest = text.substr(i);
  if (rest.starts_with("<=")) { op = CompareOp::LessEqual; i += 2; }
  else if (rest.starts_with(">=")) { op = CompareOp::GreaterEqual; i += 2; }
  else if (rest.starts_with("==")) { op = CompareOp::Equal; i += 2; }
  else if (rest.starts_with("<")) { op = CompareOp::Less; i += 1; }
  else if (rest.starts_with(">")) { op = CompareOp::Greater; i += 1; }
  else {
    return ExpectationError{"expected a comparison (<, <=, >, >=, ==) after '" +
                                std::string(metric) + "'",
                            op_start};
  }
  while (i < text.size() && space(text[i])) ++i;
  // Lead times are signed (negative = before onset); parse_quantity takes magnitudes.
  const bool negative = info->signed_value && i < text.size() && text[i] == '-';
  if (negative) ++i;
  const std::size_t value_start = i;
  const QuantityResult q = parse_quantity(text.substr(i), info->kind);
  if (!q.value && info->kind == Q::Number &&
      text.substr(i).find('%') != std::string_view::npos &&
      metric_info(std::string(metric) + "_fraction")) {
    // The usual slip: a bucket count compared with a percentage.
    return ExpectationError{std::string(metric) + " is a count; for a fraction use '" +
                                std::string(metric) + "_fraction'",
                            value_start};
  }
  if (!q.value) {
    return ExpectationError{std::string(metric) + ": " + q.error, value_start + q.error_offset};
  }
  if (info->kind == Q::Fraction && (*q.value < 0 || *q.value > 1)) {
    return ExpectationError{std::string(metric) + " threshold " + format_quantity(*q.value, info->kind) +
                                " is out of range: expected 0 to 1",
                            value_start};
  }
  const double value = negative ? -*q.value : *q.value;
  if (value < 0 && !info->signed_value) {
    return ExpectationError{std::string(metric) + " threshold must not be negative", value_start};
  }
  Expectation e;
  e.text = std::string(text);
  e.metric = std::string(metric);
  e.op = op;
  e.value = value;
  e.where = where;
  return e;
}

}  // namespace iomtsim::scenarios
