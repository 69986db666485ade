#include "iomtsim/reports/render_html.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "chart_section.hpp"
#include "capacity_section.hpp"
#include "html_page.hpp"
#include "iomtsim/reports/verdict.hpp"
#include "ops_section.hpp"
#include "outcome_codes_section.hpp"
#include "iomtsim/reports/svg_plot.hpp"
#include "timeline_section.hpp"

namespace iomtsim::reports {

namespace {

using html::cell;
// Figures in the page's text and tables: never in exponent form (xml::shown).
std::string num(double v, int digits = 4) { return xml::shown(v, digits); }

double ms(std::int64_t ns) { return static_cast<double>(ns) * 1e-6; }
double minutes(SimTime t) { return physiology::to_seconds(t) / 60.0; }
std::string pct(double f) { return std::isnan(f) ? "n/a" : num(100.0 * f, 4) + " %"; }

std::string summary(const Report& r) {
  std::size_t failed = 0;
  for (const auto& t : r.thresholds) failed += t.passed ? 0 : 1;
  const Verdict v = decide(r);  // the verdict every output shows (verdict.hpp)
  std::string b =
      "<p>Overall: <span class=\"" + std::string(v.kind == VerdictKind::Pass ? "pass" : "fail") +
      "\" id=\"verdict\" data-verdict=\"" + std::string(name(v.kind)) + "\">" +
      std::string(title(v.kind)) + "</span> — " + std::to_string(r.thresholds.size() - failed) +
      " of " + std::to_string(r.thresholds.size()) + " thresholds met (exit code " +
      std::to_string(v.exit_code) + ").</p>\n";
  if (!v.reasons.empty()) {
    b += "<ul class=\"reasons\">\n";
    for (const auto& reason : v.reasons) b += "<li>" + xml::escape(reason) + "</li>\n";
    b += "</ul>\n";
  }
  b += "<p class=\"note\">Scenario " + xml::escape(r.run.scenario) + ", seed " +
       std::to_string(r.run.seed) + ", mode " + xml::escape(r.run.mode) + ", " +
       std::to_string(r.run.patient_count) + " patients, " + num(r.run.patient_days()) +
       " patient-days, " + num(r.duration_s() / 60.0) + " min of scenario time" +
       (r.run.shards.empty() ? std::string()
                             : ", merged from " + std::to_string(r.run.shards.size()) + " shards") +
       ".</p>\n";
  b += "<table><tr><th "
       "class=\"l\">threshold</th><th>measured</th><th>expected</th><th>result</th></tr>\n";
  b += "<tr>" + cell("delivery buckets sum to generated", true) +
       cell(std::to_string(r.delivery.outcome_sum())) +
       cell("= " + std::to_string(r.delivery.generated)) + "<td class=\"" +
       (delivery_balanced(r) ? "pass\">PASS" : "fail\">FAIL") + "</td></tr>\n";
  for (const auto& t : r.thresholds) {
    // Values in the metric's unit, as the catalogue gives it (scenarios/metrics.hpp).
    const auto m = scenarios::resolve_metric(t.threshold.metric);
    const auto shown = [&](double x) { return m ? format_metric_value(*m, x) : num(x, 6); };
    b += "<tr>" + cell(t.threshold.text.empty() ? t.threshold.metric : t.threshold.text, true) +
         cell(shown(t.measured)) +
         cell(std::string(scenarios::op_text(t.threshold.op)) + " " + shown(t.threshold.value)) +
         "<td class=\"" + (t.passed ? "pass\">PASS" : "fail\">FAIL") + "</td></tr>\n";
  }
  b += "</table>\n";
  return html::section("summary", "Summary", b);
}

std::string latency_row(const std::string& name, const Histogram& h) {
  return "<tr>" + cell(name, true) + cell(std::to_string(h.count())) +
         cell(num(ms(h.value_at_percentile(50)))) + cell(num(ms(h.value_at_percentile(90)))) +
         cell(num(ms(h.value_at_percentile(99)))) + cell(num(ms(h.value_at_percentile(99.9)))) +
         cell(num(ms(h.max()))) + "</tr>\n";
}
const char* kLatencyHeader =
    "<tr><th class=\"l\">latency</th><th>count</th><th>p50 (ms)</th><th>p90 (ms)</th>"
    "<th>p99 (ms)</th><th>p99.9 (ms)</th><th>max (ms)</th></tr>\n";

svg::Series percentile_series(const std::string& label, const std::string& color,
                              const Histogram& h) {
  svg::Series s{label, color, svg::Series::Style::Line, {}};
  if (h.empty()) return s;
  for (double x = 0.0; x <= 4.0001; x += 0.05) {
    const double p = 100.0 * (1.0 - std::pow(10.0, -x));
    s.points.emplace_back(x, ms(h.value_at_percentile(p)));
  }
  return s;
}

svg::Series cdf_series(const std::string& label, const std::string& color, const Histogram& h) {
  svg::Series s{label, color, svg::Series::Style::Step, {}};
  std::int64_t seen = 0;
  for (const auto& [i, c] : h.nonzero_buckets()) {
    seen += c;
    s.points.emplace_back(ms(h.highest_equivalent(h.value_at_index(i))),
                          static_cast<double>(seen) / static_cast<double>(h.count()));
  }
  return s;
}

std::string latency(const Report& r) {
  std::string b =
      "<p class=\"note\">Ingest latency runs from the intended send time to the "
      "acknowledgement (so a stalled target shows up: no coordinated omission); "
      "raw runs from the actual send; alert latency from the triggering reading's "
      "intended send to the alert's arrival.</p>\n<table>" +
      std::string(kLatencyHeader);
  b += latency_row("ingest (intended send → ack)", r.ingest_latency);
  b += latency_row("ingest raw (actual send → ack)", r.ingest_latency_raw);
  b += latency_row("alert (trigger → alert received)", r.alert_latency);
  std::map<std::string, Histogram> by_protocol, by_profile;
  for (const auto& c : r.channels) {
    by_protocol.try_emplace(c.protocol, c.ingest_latency.config())
        .first->second.merge(c.ingest_latency);
    by_profile.try_emplace(c.profile, c.ingest_latency.config())
        .first->second.merge(c.ingest_latency);
  }
  for (const auto& [k, h] : by_protocol) b += latency_row("ingest, protocol " + k, h);
  for (const auto& [k, h] : by_profile) b += latency_row("ingest, network profile " + k, h);
  b += "</table>\n";
  svg::Plot p;
  p.title = "Latency by percentile";
  p.x_label = "percentile";
  p.y_label = "latency (ms)";
  p.x_ticks = {{0, "0%"}, {1, "90%"}, {2, "99%"}, {3, "99.9%"}, {4, "99.99%"}};
  p.x_range = {{0.0, 4.0}};
  p.y_scale = svg::Scale::Auto;  // logarithmic when the tail is decades above the median
  p.series = {percentile_series("ingest", "#1f77b4", r.ingest_latency),
              percentile_series("ingest raw", "#2ca02c", r.ingest_latency_raw),
              percentile_series("alert", "#d62728", r.alert_latency)};
  b += svg::render(p);
  svg::Plot c;
  c.title = "Latency CDF";
  c.x_label = "latency (ms)";
  c.y_label = "fraction at or below";
  c.y_range = {{0.0, 1.0}};
  c.x_scale = svg::Scale::Auto;
  c.series = {cdf_series("ingest", "#1f77b4", r.ingest_latency),
              cdf_series("alert", "#d62728", r.alert_latency)};
  b += svg::render(c);
  return html::section("latency", "Latency", b);
}

std::string over_time(const Report& r) {
  const double width_s = physiology::to_seconds(r.time_bucket_width);
  svg::Series thr{"acknowledged/s", "#1f77b4", svg::Series::Style::Step, {}};
  svg::Series gen{"generated/s", "#7f7f7f", svg::Series::Style::Step, {}};
  svg::Series err{"errors/s", "#d62728", svg::Series::Style::Step, {}};
  svg::Series p99{"p99", "#ff7f0e", svg::Series::Style::Step, {}};
  svg::Series p50{"p50", "#1f77b4", svg::Series::Style::Step, {}};
  for (const auto& b : r.time_buckets) {
    const double x = static_cast<double>(b.index) * width_s / 60.0;
    thr.points.emplace_back(x, static_cast<double>(b.delivery[Outcome::Acknowledged]) / width_s);
    gen.points.emplace_back(x, static_cast<double>(b.delivery.generated) / width_s);
    err.points.emplace_back(x, static_cast<double>(b.delivery.errors()) / width_s);
    p99.points.emplace_back(
        x, b.ingest_latency.empty() ? NAN : ms(b.ingest_latency.value_at_percentile(99)));
    p50.points.emplace_back(
        x, b.ingest_latency.empty() ? NAN : ms(b.ingest_latency.value_at_percentile(50)));
  }
  // A step series draws each bucket from its start; close the last bucket at its end.
  if (!r.time_buckets.empty()) {
    const double end = static_cast<double>(r.time_buckets.back().index + 1) * width_s / 60.0;
    for (auto* s : {&thr, &gen, &err, &p99, &p50})
      s->points.emplace_back(end, s->points.back().second);
  }
  const std::string xl = "scenario time (min), buckets of " + num(width_s) + " s";
  svg::Plot t =
      svg::make_plot("Throughput and errors over time", xl, "readings per second", {gen, thr, err});
  svg::Plot l = svg::make_plot("Ingest latency over time", xl, "latency (ms)", {p50, p99});
  l.y_scale = svg::Scale::Auto;
  for (const auto& o : r.outages) {
    t.bands.push_back({minutes(o.start), minutes(o.end), "#d62728", "outage: " + o.profile});
    l.bands.push_back(t.bands.back());
  }
  return html::section("over-time", "Over time", svg::render(t) + svg::render(l));
}

std::string delivery_table(const std::string& first_col, const std::string& name,
                           const DeliveryCounts& d, const Histogram& h) {
  std::string row =
      "<tr>" + cell(first_col, true) + cell(name, true) + cell(std::to_string(d.generated));
  for (std::size_t i = 0; i < kOutcomeCount; ++i) row += cell(std::to_string(d.by_outcome[i]));
  row += cell(d.balanced() ? "ok" : "MISMATCH") + cell(num(ms(h.value_at_percentile(50)))) +
         cell(num(ms(h.value_at_percentile(99)))) + "</tr>\n";
  return row;
}

std::string delivery(const Report& r) {
  const auto& d = r.delivery;
  std::vector<std::pair<std::string, double>> bars = {
      {"generated", static_cast<double>(d.generated)}};
  for (std::size_t i = 0; i < kOutcomeCount; ++i)
    bars.emplace_back(std::string(name(static_cast<Outcome>(i))),
                      static_cast<double>(d.by_outcome[i]));
  std::string b = svg::bars("Delivery buckets", "readings (count)", bars);
  b += "<p>Sum of buckets " + std::to_string(d.outcome_sum()) + " vs generated " +
       std::to_string(d.generated) + ": <span class=\"" +
       (d.balanced() ? "pass\">balanced" : "fail\">MISMATCH") + "</span>. Acknowledged " +
       pct(d.generated ? d.fraction(Outcome::Acknowledged) : NAN) + ", lost to network " +
       pct(d.generated ? d.fraction(Outcome::LostNetwork) : NAN) + ".</p>\n";
  // Per protocol, per network profile, and per channel.
  std::map<std::string, std::pair<DeliveryCounts, Histogram>> by_protocol, by_profile;
  for (const auto& c : r.channels) {
    for (auto* m : {&by_protocol, &by_profile}) {
      const std::string& key = m == &by_protocol ? c.protocol : c.profile;
      auto [it, inserted] =
          m->try_emplace(key, DeliveryCounts{}, Histogram(c.ingest_latency.config()));
      it->second.first += c.delivery;
      it->second.second.merge(c.ingest_latency);
    }
  }
  b += "<table><tr><th class=\"l\">by</th><th class=\"l\">name</th><th>generated</th>";
  for (std::size_t i = 0; i < kOutcomeCount; ++i)
    b += "<th>" + std::string(name(static_cast<Outcome>(i))) + "</th>";
  b += "<th>check</th><th>p50 (ms)</th><th>p99 (ms)</th></tr>\n";
  for (const auto& [k, v] : by_protocol) b += delivery_table("protocol", k, v.first, v.second);
  for (const auto& [k, v] : by_profile)
    b += delivery_table("network profile", k, v.first, v.second);
  for (const auto& c : r.channels)
    b += delivery_table("channel", c.protocol + " over " + c.profile, c.delivery, c.ingest_latency);
  b += "</table>\n";
  return html::section("delivery", "Delivery", b);
}

std::string accuracy_row(const std::string& scope, const std::string& name,
                         const AccuracyStats& s) {
  auto spread = [](const SpreadStats& x) {
    return x.n ? num(x.median / 60.0) + " [" + num(x.q1 / 60.0) + ", " + num(x.q3 / 60.0) + "]"
               : std::string("n/a");
  };
  return "<tr>" + cell(scope, true) + cell(name, true) + cell(std::to_string(s.episodes)) +
         cell(std::to_string(s.episodes_detected)) + cell(pct(s.sensitivity)) +
         cell(pct(s.chance.sensitivity)) + cell(pct(s.sensitivity_lift)) +
         cell(std::to_string(s.alerts)) + cell(std::to_string(s.true_alerts)) +
         cell(std::to_string(s.false_alerts)) + cell(pct(s.ppv)) + cell(num(s.f1)) +
         cell(num(s.false_per_patient_day)) + cell(num(s.per_100_patient_days)) +
         cell(spread(s.lead_time_s)) + cell(spread(s.chance.lead_time_s)) +
         cell(spread(s.criteria_lead_time_s)) + cell(spread(s.chance.criteria_lead_time_s)) +
         cell(num(s.criteria_lead_time_lift_s / 60.0)) +
         cell(std::to_string(s.early_alerts) + "/" + std::to_string(s.on_time_alerts) + "/" +
              std::to_string(s.late_alerts)) +
         cell(std::to_string(s.duplicate_alerts)) +
         cell(std::to_string(s.artifact_true_alerts) + "/" +
              std::to_string(s.artifact_false_alerts)) +
         "</tr>\n";
}

std::string accuracy(const Report& r) {
  std::string b =
      "<p class=\"note\">An alert detects an episode of the same patient once the condition "
      "shows in the physiology (its onset, or the start of its prodrome for heart failure and "
      "COPD)" +
      (r.matching.early_limit.count() > 0
           ? " or up to " + num(physiology::to_seconds(r.matching.early_limit) / 60.0) +
                 " min before"
           : std::string()) +
      ", until " + num(physiology::to_seconds(r.matching.late_limit) / 60.0) +
      " min after its end; earlier alerts are false. Early, on time and late are against the "
      "time the clinical criteria were first met. Lead time is the first matching alert minus "
      "onset (or minus the time criteria were first met), median [IQR] in minutes; negative "
      "means before. Chance: what as many alerts placed at random over the same patients' "
      "observed spans would score (computed analytically); lift: sensitivity minus chance, and "
      "chance median lead minus the observed one (positive: earlier than chance). Artifact "
      "alerts: trigger flagged or measured value off the true value by more than the "
      "tolerance.</p>\n";
  b += "<table><tr><th class=\"l\">scope</th><th class=\"l\">name</th><th>episodes</th>"
       "<th>detected</th><th>sensitivity</th><th>chance</th><th>lift</th><th>alerts</th>"
       "<th>true</th><th>false</th>"
       "<th>PPV</th><th>F1</th><th>false / patient-day</th><th>alerts / 100 patient-days</th>"
       "<th>lead from onset (min)</th><th>chance</th><th>lead from criteria (min)</th>"
       "<th>chance</th><th>lift (min)</th>"
       "<th>early/on time/late</th><th>duplicates</th><th>artifact true/false</th></tr>\n";
  b += accuracy_row("all", "all", r.accuracy.overall);
  for (const auto& [k, s] : r.accuracy.by_condition) b += accuracy_row("condition", k, s);
  for (const auto& [k, s] : r.accuracy.by_rule) b += accuracy_row("rule", k, s);
  b += "</table>\n<p>Alert burden: " + num(r.accuracy.overall.burden_per_bed_per_day) +
       " alerts per bed per day.</p>\n";
  return html::section("accuracy", "Alert accuracy", b);
}

}  // namespace

std::string render_html(const Report& report, const HtmlOptions& options) {
  std::string o = html::page_begin(options.title);
  o += summary(report);
  o += latency(report);
  o += over_time(report);
  o += delivery(report);
  o += accuracy(report);
  o += outcome_codes_section(report);
  o += chart_section(report);
  o += ops_section(report);
  o += capacity_section(report);
  o += timeline_section(report, options.timeline_patient);
  o += html::page_end();
  return o;
}

}  // namespace iomtsim::reports
