#include "json_convert.hpp"

#include <cmath>

namespace iomtsim::reports::json_convert {

Json histogram(const Histogram& h) {
  Json buckets = Json::array();
  for (const auto& [i, c] : h.nonzero_buckets()) buckets.push_back(Json::array({i, c}));
  const auto& c = h.config();
  return Json{{"lowest", c.lowest_discernible},
              {"highest", c.highest_trackable},
              {"digits", c.significant_digits},
              {"count", h.count()},
              {"min", h.min()},
              {"max", h.max()},
              {"clamped", h.clamped_count()},
              {"buckets", std::move(buckets)}};
}

Histogram histogram(const Json& j) {
  HistogramConfig c{j.at("lowest").get<std::int64_t>(), j.at("highest").get<std::int64_t>(),
                    j.at("digits").get<int>()};
  std::vector<std::pair<std::size_t, std::int64_t>> buckets;
  for (const auto& b : j.at("buckets"))
    buckets.emplace_back(b.at(0).get<std::size_t>(), b.at(1).get<std::int64_t>());
  Histogram h =
      Histogram::from_buckets(c, buckets, j.at("min").get<std::int64_t>(),
                              j.at("max").get<std::int64_t>(), j.value("clamped", std::int64_t{0}));
  if (h.count() != j.at("count").get<std::int64_t>())
    throw HistogramError("histogram: \"count\" does not equal the sum of the buckets");
  return h;
}

Json latency_summary(const Histogram& h) {
  auto s = [](std::int64_t ns) { return static_cast<double>(ns) * 1e-9; };
  return Json{{"count", h.count()},
              {"min_s", s(h.min())},
              {"mean_s", h.mean() * 1e-9},
              {"p50_s", s(h.value_at_percentile(50))},
              {"p90_s", s(h.value_at_percentile(90))},
              {"p99_s", s(h.value_at_percentile(99))},
              {"p999_s", s(h.value_at_percentile(99.9))},
              {"max_s", s(h.max())}};
}

Json delivery(const DeliveryCounts& d) {
  Json j{{"generated", d.generated}};
  for (std::size_t i = 0; i < kOutcomeCount; ++i)
    j[std::string(name(static_cast<Outcome>(i)))] = d.by_outcome[i];
  j["sum_of_buckets"] = d.outcome_sum();
  j["balanced"] = d.balanced();
  return j;
}

DeliveryCounts delivery(const Json& j) {
  DeliveryCounts d;
  d.generated = j.at("generated").get<std::uint64_t>();
  for (std::size_t i = 0; i < kOutcomeCount; ++i)
    d.by_outcome[i] = j.at(std::string(name(static_cast<Outcome>(i)))).get<std::uint64_t>();
  return d;
}

Json accuracy_stats(const AccuracyStats& s) {
  auto num = [](double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); };
  auto spread = [&](const SpreadStats& p) {
    return Json{{"n", p.n}, {"median", num(p.median)}, {"q1", num(p.q1)}, {"q3", num(p.q3)}};
  };
  return Json{{"episodes", s.episodes},
              {"episodes_detected", s.episodes_detected},
              {"alerts", s.alerts},
              {"true_alerts", s.true_alerts},
              {"false_alerts", s.false_alerts},
              {"excluded_alerts", s.excluded_alerts},
              {"early_alerts", s.early_alerts},
              {"on_time_alerts", s.on_time_alerts},
              {"late_alerts", s.late_alerts},
              {"duplicate_alerts", s.duplicate_alerts},
              {"artifact_true_alerts", s.artifact_true_alerts},
              {"artifact_false_alerts", s.artifact_false_alerts},
              {"sensitivity", num(s.sensitivity)},
              {"ppv", num(s.ppv)},
              {"f1", num(s.f1)},
              {"challenge2015_score", num(s.challenge2015)},
              {"false_per_patient_day", num(s.false_per_patient_day)},
              {"per_100_patient_days", num(s.per_100_patient_days)},
              {"burden_per_bed_per_day", num(s.burden_per_bed_per_day)},
              {"lead_time_s", spread(s.lead_time_s)},
              {"criteria_lead_time_s", spread(s.criteria_lead_time_s)},
              {"chance",
               {{"method", "analytic"},
                {"alerts_per_patient_day", num(s.chance.alerts_per_patient_day)},
                {"sensitivity", num(s.chance.sensitivity)},
                {"lead_time_s", spread(s.chance.lead_time_s)},
                {"criteria_lead_time_s", spread(s.chance.criteria_lead_time_s)}}},
              {"sensitivity_lift", num(s.sensitivity_lift)},
              {"lead_time_lift_s", num(s.lead_time_lift_s)},
              {"criteria_lead_time_lift_s", num(s.criteria_lead_time_lift_s)}};
}

}  // namespace iomtsim::reports::json_convert
