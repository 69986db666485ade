// report.json: the Report's serialisation. Derived figures (latency summaries, accuracy)
// are written for readers but ignored on load and recomputed, so a hand-edited or old
// summary can never disagree with the data.
#include <cmath>
#include <limits>

#include "chart_section.hpp"
#include "iomtsim/reports/report.hpp"
#include "iomtsim/reports/verdict.hpp"
#include "json_convert.hpp"
#include "ops_json.hpp"
#include "sorting.hpp"

namespace iomtsim::reports {

namespace jc = json_convert;
using Json = jc::Json;
using physiology::SimTime;

namespace {

std::int64_t ns(SimTime t) { return t.time_since_epoch().count(); }
SimTime at_ns(const Json& j) { return SimTime{Duration{j.get<std::int64_t>()}}; }
Json num(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }
double num(const Json& j) {
  return j.is_null() ? std::numeric_limits<double>::quiet_NaN() : j.get<double>();
}
// A threshold's measured value may be +infinity (a latency percentile among readings the
// target rejected or never answered: thresholds.cpp): written "unmet", read back as such.
Json measured_json(double v) { return std::isinf(v) && v > 0 ? Json("unmet") : num(v); }
double measured_of(const Json& j) {
  return j.is_string() ? std::numeric_limits<double>::infinity() : num(j);
}

constexpr std::string_view kSeverity[] = {"info", "low", "medium", "high"};

physiology::AlertSeverity severity_from(const std::string& s) {
  for (std::size_t i = 0; i < 4; ++i)
    if (kSeverity[i] == s) return static_cast<physiology::AlertSeverity>(i);
  throw ReportError("report.json: unknown alert severity \"" + s + "\"");
}
physiology::Vital vital_from(const std::string& s) {
  auto v = physiology::vital_from_name(s);
  if (!v) throw ReportError("report.json: unknown vital \"" + s + "\"");
  return *v;
}
Outcome outcome_from(const std::string& s) {
  auto o = outcome_from_name(s);
  if (!o) throw ReportError("report.json: unknown outcome \"" + s + "\"");
  return *o;
}
CompareOp op_from(const std::string& s) {
  for (auto op : {CompareOp::Less, CompareOp::LessEqual, CompareOp::Greater,
                  CompareOp::GreaterEqual, CompareOp::Equal, CompareOp::NotEqual})
    if (scenarios::op_text(op) == s) return op;
  throw ReportError("report.json: unknown comparison \"" + s + "\"");
}

Json reading_json(const physiology::Reading& r) {
  return Json{{"id", r.id},
              {"patient", r.patient},
              {"device", r.device},
              {"vital", physiology::name(r.vital)},
              {"value", r.value},
              {"true_value", r.true_value},
              {"true_time_ns", ns(r.true_time)},
              {"device_time_ns", ns(r.device_time)},
              {"flags", r.flags}};
}
physiology::Reading reading_from(const Json& j) {
  physiology::Reading r;
  r.id = j.at("id").get<std::uint64_t>();
  r.patient = j.at("patient").get<physiology::PatientIndex>();
  r.device = j.at("device").get<physiology::DeviceIndex>();
  r.vital = vital_from(j.at("vital").get<std::string>());
  r.value = j.at("value").get<double>();
  r.true_value = j.at("true_value").get<double>();
  r.true_time = at_ns(j.at("true_time_ns"));
  r.device_time = at_ns(j.at("device_time_ns"));
  r.flags = j.at("flags").get<std::uint8_t>();
  return r;
}

Json latency(const Histogram& h) {
  return Json{{"summary", jc::latency_summary(h)}, {"histogram", jc::histogram(h)}};
}

}  // namespace

std::string to_json(const Report& r) {
  Json j;
  j["schema_version"] = r.schema_version;
  j["run"] = Json{{"scenario", r.run.scenario},
                  {"seed", r.run.seed},
                  {"mode", r.run.mode},
                  {"shards", r.run.shards},
                  {"start_ns", ns(r.run.start)},
                  {"end_ns", ns(r.run.end)},
                  {"patient_count", r.run.patient_count},
                  {"patient_seconds", r.run.patient_seconds},
                  {"patient_days", r.run.patient_days()}};
  j["delivery"] = jc::delivery(r.delivery);
  j["ingest_latency"] = latency(r.ingest_latency);
  j["ingest_latency_raw"] = latency(r.ingest_latency_raw);
  j["alert_latency"] = latency(r.alert_latency);
  Json channels = Json::array();
  for (const auto& c : r.channels)
    channels.push_back(Json{{"protocol", c.protocol},
                            {"profile", c.profile},
                            {"delivery", jc::delivery(c.delivery)},
                            {"ingest_latency", latency(c.ingest_latency)}});
  j["channels"] = std::move(channels);
  j["time_bucket_width_ns"] = r.time_bucket_width.count();
  Json buckets = Json::array();
  for (const auto& b : r.time_buckets)
    buckets.push_back(Json{{"index", b.index},
                           {"delivery", jc::delivery(b.delivery)},
                           {"ingest_latency", jc::histogram(b.ingest_latency)}});
  j["time_buckets"] = std::move(buckets);
  Json episodes = Json::array();
  // A labelled patient's episodes and alerts name its bed too: what a clinician reads.
  auto with_bed = [&r](Json entry, physiology::PatientIndex p) {
    if (auto bed = r.bed_of(p); !bed.empty()) entry["bed"] = std::string(bed);
    return entry;
  };
  for (const auto& e : r.episodes)
    episodes.push_back(with_bed(
        Json{{"id", e.id},
             {"patient", e.patient},
             {"condition", physiology::name(e.condition)},
             {"severity", e.severity},
             {"onset_ns", ns(e.onset)},
             {"end_ns", ns(e.end)},
             {"criteria_met_ns", e.criteria_met ? Json(ns(*e.criteria_met)) : Json(nullptr)},
             {"prodrome_start_ns", e.prodrome_start ? Json(ns(*e.prodrome_start)) : Json(nullptr)}},
        e.patient));
  j["episodes"] = std::move(episodes);
  Json alerts = Json::array();
  for (const auto& a : r.alerts) {
    Json trig{{"known", a.trigger_known}};
    if (a.trigger_known)
      trig.update(Json{{"intended_send_ns", ns(a.trigger_intended_send)},
                       {"vital", physiology::name(a.trigger_vital)},
                       {"value", a.trigger_value},
                       {"true_value", a.trigger_true_value},
                       {"flags", a.trigger_flags}});
    alerts.push_back(
        with_bed(Json{{"alert_id", a.alert.alert_id},
                      {"patient", a.alert.patient},
                      {"rule", a.alert.rule},
                      {"score", a.alert.score},
                      {"severity", kSeverity[static_cast<std::size_t>(a.alert.severity)]},
                      {"trigger_time_ns", ns(a.alert.trigger_time)},
                      {"trigger_reading_id", a.alert.trigger_reading_id},
                      {"received_time_ns", ns(a.alert.received_time)},
                      {"trigger", std::move(trig)}},
                 a.alert.patient));
  }
  j["alerts"] = std::move(alerts);
  j["timeline_patients"] = r.timeline_patients;
  Json traces = Json::array();
  for (const auto& t : r.traces) {
    Json tj{{"reading", reading_json(t.reading)},
            {"protocol", t.protocol},
            {"profile", t.profile},
            {"outcome", t.has_outcome ? Json(name(t.outcome)) : Json(nullptr)}};
    if (t.has_outcome)
      tj.update(Json{{"intended_send_ns", ns(t.intended_send)},
                     {"sent_ns", ns(t.sent)},
                     {"acked_ns", ns(t.acked)}});
    traces.push_back(std::move(tj));
  }
  j["traces"] = std::move(traces);
  Json outages = Json::array();
  for (const auto& o : r.outages)
    outages.push_back(
        Json{{"profile", o.profile}, {"start_ns", ns(o.start)}, {"end_ns", ns(o.end)}});
  j["outages"] = std::move(outages);
  Json tol = Json::object();
  for (auto v : physiology::kAllVitals)
    tol[std::string(physiology::name(v))] =
        r.matching.artifact_tolerance[static_cast<std::size_t>(v)];
  Json spans = Json::array();
  for (const auto& p : r.patient_spans)
    spans.push_back(
        Json{{"patient", p.patient}, {"first_ns", ns(p.first)}, {"last_ns", ns(p.last)}});
  j["patient_spans"] = std::move(spans);
  Json beds = Json::array();
  for (const auto& b : r.beds) beds.push_back(Json{{"patient", b.patient}, {"bed", b.bed}});
  j["beds"] = std::move(beds);
  j["matching"] = Json{{"early_limit_ns", r.matching.early_limit.count()},
                       {"late_limit_ns", r.matching.late_limit.count()},
                       {"utility_rules", r.matching.utility_rules},
                       {"artifact_tolerance", std::move(tol)}};
  Json acc{{"overall", jc::accuracy_stats(r.accuracy.overall)}};
  acc["by_condition"] = Json::object();
  for (const auto& [k, s] : r.accuracy.by_condition) acc["by_condition"][k] = jc::accuracy_stats(s);
  acc["by_rule"] = Json::object();
  for (const auto& [k, s] : r.accuracy.by_rule) acc["by_rule"][k] = jc::accuracy_stats(s);
  j["accuracy"] = std::move(acc);
  const auto& su = r.sepsis_utility;
  j["sepsis_utility"] =
      Json{{"patients", su.patients},           {"septic_patients", su.septic_patients},
           {"patient_hours", su.patient_hours}, {"positive_hours", su.positive_hours},
           {"observed", su.utility.observed},   {"best", su.utility.best},
           {"inaction", su.utility.inaction},   {"normalized", num(su.utility.normalized)}};
  Json thresholds = Json::array();
  for (const auto& t : r.thresholds)
    thresholds.push_back(Json{{"text", t.threshold.text},
                              {"metric", t.threshold.metric},
                              {"op", scenarios::op_text(t.threshold.op)},
                              {"value", t.threshold.value},
                              {"measured", measured_json(t.measured)},
                              {"passed", t.passed},
                              {"message", t.message}});
  j["thresholds"] = std::move(thresholds);
  if (r.interrupted)
    j["interrupted"] = Json{{"signal", signal_name(r.interrupted->signal_number)},
                            {"signal_number", r.interrupted->signal_number},
                            {"at_scenario_time_ns", ns(r.interrupted->at)},
                            {"at_scenario_time_s", physiology::to_seconds(r.interrupted->at)}};
  else
    j["interrupted"] = nullptr;
  const Verdict v = decide(r);
  j["verdict"] = Json{{"result", name(v.kind)}, {"exit_code", v.exit_code}, {"reasons", v.reasons}};
  if (!r.ops.empty()) j["operations"] = json_convert::ops_report(r.ops);
  if (!r.outcome_codes.empty()) {
    Json codes = Json::array(), errors = Json::array();
    for (const auto& c : r.outcome_codes.codes)
      codes.push_back(Json{{"protocol", c.protocol},
                           {"code", c.code},
                           {"messages", c.messages},
                           {"readings", c.readings}});
    for (const auto& e : r.outcome_codes.errors)
      errors.push_back(Json{{"protocol", e.protocol},
                            {"code", e.code},
                            {"kind", e.kind},
                            {"text", e.text},
                            {"count", e.count}});
    j["outcome_codes"] = Json{{"codes", std::move(codes)}, {"errors", std::move(errors)}};
  }
  if (!r.chart.empty()) j["chart"] = chart_json(r.chart);
  if (!r.delivery_attempts.empty())
    j["delivery_attempts"] = Json{{"attempts", r.delivery_attempts.attempts},
                                  {"retries", r.delivery_attempts.retries},
                                  {"retries_exhausted", r.delivery_attempts.retries_exhausted}};
  if (!r.capacity.empty()) {
    Json res = Json::array();
    for (const auto& u : r.capacity.resources)
      res.push_back(Json{{"name", u.name},
                         {"kind", u.kind},
                         {"utilisation", num(u.utilisation)},
                         {"wait_mean_s", u.wait_mean_s ? num(*u.wait_mean_s) : Json(nullptr)},
                         {"wait_p99_s", u.wait_p99_s ? num(*u.wait_p99_s) : Json(nullptr)},
                         {"queue_max", u.queue_max}});
    Json model = Json::array();
    for (const auto& f : r.capacity.model)
      model.push_back(Json{{"figure", f.name}, {"value", f.value}, {"source", f.source}});
    j["capacity"] = Json{{"resources", std::move(res)},
                         {"bottleneck", r.capacity.bottleneck},
                         {"model", std::move(model)}};
  }
  if (!r.waveforms.empty()) {
    const auto& w = r.waveforms;
    j["waveforms"] = Json{{"delivery", json_convert::delivery(w.delivery)},
                          {"latency", json_convert::histogram(w.latency)},
                          {"samples_generated", w.samples_generated},
                          {"samples_acknowledged", w.samples_acknowledged},
                          {"bytes_offered", w.bytes_offered},
                          {"not_sent", w.not_sent}};
  }
  return j.dump(1);
}

Report from_json(std::string_view text) {
  Report r;
  try {
    const Json j = Json::parse(text);
    r.schema_version = j.at("schema_version").get<int>();
    if (r.schema_version != kSchemaVersion)
      throw ReportError("report.json: schema_version " + std::to_string(r.schema_version) +
                        " is not supported (this build reads " + std::to_string(kSchemaVersion) +
                        ")");
    const Json& run = j.at("run");
    r.run.scenario = run.at("scenario").get<std::string>();
    r.run.seed = run.at("seed").get<std::uint64_t>();
    r.run.mode = run.at("mode").get<std::string>();
    r.run.shards = run.at("shards").get<std::vector<std::string>>();
    r.run.start = at_ns(run.at("start_ns"));
    r.run.end = at_ns(run.at("end_ns"));
    r.run.patient_count = run.at("patient_count").get<std::uint64_t>();
    r.run.patient_seconds = run.at("patient_seconds").get<std::uint64_t>();
    r.delivery = jc::delivery(j.at("delivery"));
    r.ingest_latency = jc::histogram(j.at("ingest_latency").at("histogram"));
    r.ingest_latency_raw = jc::histogram(j.at("ingest_latency_raw").at("histogram"));
    // alert_latency's configuration is kept; its counts are recomputed by rescore().
    r.alert_latency = Histogram(jc::histogram(j.at("alert_latency").at("histogram")).config());
    for (const auto& c : j.at("channels"))
      r.channels.push_back(ChannelStats{
          c.at("protocol").get<std::string>(), c.at("profile").get<std::string>(),
          jc::delivery(c.at("delivery")), jc::histogram(c.at("ingest_latency").at("histogram"))});
    r.time_bucket_width = Duration{j.at("time_bucket_width_ns").get<std::int64_t>()};
    if (r.time_bucket_width.count() <= 0)
      throw ReportError("report.json: time_bucket_width_ns must be positive");
    for (const auto& b : j.at("time_buckets"))
      r.time_buckets.push_back(TimeBucket{b.at("index").get<std::int64_t>(),
                                          jc::delivery(b.at("delivery")),
                                          jc::histogram(b.at("ingest_latency"))});
    for (const auto& e : j.at("episodes")) {
      physiology::Episode ep;
      ep.id = e.at("id").get<std::uint32_t>();
      ep.patient = e.at("patient").get<physiology::PatientIndex>();
      auto c = physiology::condition_from_name(e.at("condition").get<std::string>());
      if (!c) throw ReportError("report.json: unknown condition " + e.at("condition").dump());
      ep.condition = *c;
      ep.severity = e.at("severity").get<double>();
      ep.onset = at_ns(e.at("onset_ns"));
      ep.end = at_ns(e.at("end_ns"));
      if (!e.at("criteria_met_ns").is_null()) ep.criteria_met = at_ns(e.at("criteria_met_ns"));
      // Optional on read: reports written before prodromes were modelled lack it.
      if (e.contains("prodrome_start_ns") && !e.at("prodrome_start_ns").is_null())
        ep.prodrome_start = at_ns(e.at("prodrome_start_ns"));
      r.episodes.push_back(ep);
    }
    for (const auto& a : j.at("alerts")) {
      AlertRecord rec;
      rec.alert.alert_id = a.at("alert_id").get<std::string>();
      rec.alert.patient = a.at("patient").get<physiology::PatientIndex>();
      rec.alert.rule = a.at("rule").get<std::string>();
      rec.alert.score = a.at("score").get<double>();
      rec.alert.severity = severity_from(a.at("severity").get<std::string>());
      rec.alert.trigger_time = at_ns(a.at("trigger_time_ns"));
      rec.alert.trigger_reading_id = a.at("trigger_reading_id").get<std::uint64_t>();
      rec.alert.received_time = at_ns(a.at("received_time_ns"));
      const Json& t = a.at("trigger");
      rec.trigger_known = t.at("known").get<bool>();
      if (rec.trigger_known) {
        rec.trigger_intended_send = at_ns(t.at("intended_send_ns"));
        rec.trigger_vital = vital_from(t.at("vital").get<std::string>());
        rec.trigger_value = t.at("value").get<double>();
        rec.trigger_true_value = t.at("true_value").get<double>();
        rec.trigger_flags = t.at("flags").get<std::uint8_t>();
      }
      r.alerts.push_back(std::move(rec));
    }
    r.timeline_patients = j.at("timeline_patients").get<std::vector<std::uint32_t>>();
    for (const auto& t : j.at("traces")) {
      ReadingTrace tr;
      tr.reading = reading_from(t.at("reading"));
      tr.protocol = t.at("protocol").get<std::string>();
      tr.profile = t.at("profile").get<std::string>();
      tr.has_outcome = !t.at("outcome").is_null();
      if (tr.has_outcome) {
        tr.outcome = outcome_from(t.at("outcome").get<std::string>());
        tr.intended_send = at_ns(t.at("intended_send_ns"));
        tr.sent = at_ns(t.at("sent_ns"));
        tr.acked = at_ns(t.at("acked_ns"));
      }
      r.traces.push_back(std::move(tr));
    }
    for (const auto& o : j.at("outages"))
      r.outages.push_back(Outage{o.at("profile").get<std::string>(), at_ns(o.at("start_ns")),
                                 at_ns(o.at("end_ns"))});
    // patient_spans and utility_rules came after schema 1's first reports: optional.
    if (j.contains("beds"))  // came with bed labels: optional on read
      for (const auto& b : j.at("beds"))
        r.beds.push_back(PatientBed{b.at("patient").get<physiology::PatientIndex>(),
                                    b.at("bed").get<std::string>()});
    if (j.contains("patient_spans"))
      for (const auto& p : j.at("patient_spans"))
        r.patient_spans.push_back(PatientSpan{p.at("patient").get<physiology::PatientIndex>(),
                                              at_ns(p.at("first_ns")), at_ns(p.at("last_ns"))});
    const Json& m = j.at("matching");
    if (m.contains("utility_rules"))
      r.matching.utility_rules = m.at("utility_rules").get<std::vector<std::string>>();
    r.matching.early_limit = Duration{m.at("early_limit_ns").get<std::int64_t>()};
    r.matching.late_limit = Duration{m.at("late_limit_ns").get<std::int64_t>()};
    for (const auto& [k, v] : m.at("artifact_tolerance").items())
      r.matching.artifact_tolerance[static_cast<std::size_t>(vital_from(k))] = v.get<double>();
    for (const auto& t : j.at("thresholds")) {
      ThresholdResult tr;
      tr.threshold = Threshold{t.at("text").get<std::string>(),
                               t.at("metric").get<std::string>(),
                               op_from(t.at("op").get<std::string>()),
                               t.at("value").get<double>(),
                               {}};
      tr.measured = measured_of(t.at("measured"));
      tr.passed = t.at("passed").get<bool>();
      tr.message = t.at("message").get<std::string>();
      r.thresholds.push_back(std::move(tr));
    }
    // Optional (older reports); "verdict" is derived: decide() recomputes it.
    if (j.contains("interrupted") && !j.at("interrupted").is_null()) {
      const Json& i = j.at("interrupted");
      r.interrupted =
          Interruption{i.at("signal_number").get<int>(), at_ns(i.at("at_scenario_time_ns"))};
    }
    // Optional: reports of runs without operations devices have no "operations".
    if (j.contains("operations")) r.ops = json_convert::ops_report(j.at("operations"));
    // Optional: older reports have no "outcome_codes".
    if (j.contains("outcome_codes")) {
      for (const auto& c : j.at("outcome_codes").at("codes"))
        r.outcome_codes.add_code(
            c.at("protocol").get<std::string>(), c.at("code").get<std::string>(),
            c.at("messages").get<std::uint64_t>(), c.at("readings").get<std::uint64_t>());
      for (const auto& e : j.at("outcome_codes").at("errors"))
        r.outcome_codes.add_error(e.at("protocol").get<std::string>(),
                                  e.at("code").get<std::string>(), e.at("kind").get<std::string>(),
                                  e.at("text").get<std::string>(),
                                  e.at("count").get<std::uint64_t>());
    }
    // Optional: runs that read nothing back (and older reports) have no "chart".
    if (j.contains("chart")) r.chart = chart_from_json(j.at("chart"));
    // Optional: older reports (and runs that sent nothing) have no "delivery_attempts".
    if (j.contains("delivery_attempts")) {
      const Json& a = j.at("delivery_attempts");
      r.delivery_attempts.attempts = a.at("attempts").get<std::uint64_t>();
      r.delivery_attempts.retries = a.at("retries").get<std::uint64_t>();
      r.delivery_attempts.retries_exhausted = a.at("retries_exhausted").get<std::uint64_t>();
    }
    // Optional: real runs (and older reports) have no "capacity".
    if (j.contains("capacity")) {
      const Json& c = j.at("capacity");
      for (const auto& u : c.at("resources")) {
        ResourceUse x;
        x.name = u.at("name").get<std::string>();
        x.kind = u.at("kind").get<std::string>();
        x.utilisation = num(u.at("utilisation"));
        if (!u.at("wait_mean_s").is_null()) x.wait_mean_s = num(u.at("wait_mean_s"));
        if (!u.at("wait_p99_s").is_null()) x.wait_p99_s = num(u.at("wait_p99_s"));
        x.queue_max = u.at("queue_max").get<std::uint64_t>();
        r.capacity.resources.push_back(std::move(x));
      }
      r.capacity.bottleneck = c.at("bottleneck").get<std::string>();
      if (c.contains("model"))  // reports before provenance lack it
        for (const auto& f : c.at("model"))
          r.capacity.model.push_back({f.at("figure").get<std::string>(),
                                      f.at("value").get<std::string>(),
                                      f.at("source").get<std::string>()});
    }
    // Optional: runs without waveform devices (and older reports) have no "waveforms".
    if (j.contains("waveforms")) {
      const auto& w = j.at("waveforms");
      r.waveforms.delivery = json_convert::delivery(w.at("delivery"));
      r.waveforms.latency = json_convert::histogram(w.at("latency"));
      r.waveforms.samples_generated = w.at("samples_generated").get<std::uint64_t>();
      r.waveforms.samples_acknowledged = w.at("samples_acknowledged").get<std::uint64_t>();
      r.waveforms.bytes_offered = w.at("bytes_offered").get<std::uint64_t>();
      r.waveforms.not_sent = w.at("not_sent").get<std::uint64_t>();
    }
  } catch (const nlohmann::json::exception& e) {
    throw ReportError(std::string("report.json: ") + e.what());
  } catch (const HistogramError& e) {
    throw ReportError(std::string("report.json: ") + e.what());
  }
  sort_report(r);
  r.rescore();
  return r;
}

}  // namespace iomtsim::reports
