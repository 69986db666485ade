#include <gtest/gtest.h>

#include "iomtsim/reports/render_html.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "iomtsim/reports/merge.hpp"
#include "iomtsim/reports/recorder.hpp"
#include "run_fixture.hpp"

using namespace iomtsim::reports;
using namespace iomtsim::test;
namespace ph = iomtsim::physiology;
using namespace std::chrono_literals;

namespace {
ph::Reading reading(std::uint32_t patient, ph::DeviceIndex device, std::uint32_t seq, double value,
                    double true_value, ph::SimTime t, std::uint8_t flags = 0) {
  ph::Reading r;
  r.id = ph::make_reading_id(patient, device, seq);
  r.patient = patient;
  r.device = device;
  r.vital = ph::Vital::SpO2;
  r.value = value;
  r.true_value = true_value;
  r.true_time = t;
  r.flags = flags;
  return r;
}

// JSON with the shard list blanked, for comparing a merge with a single run.
std::string canonical(Report r) {
  r.run.shards.clear();
  return to_json(r);
}
}  // namespace

TEST(Recorder, CountsLatenciesAndBuckets) {
  Recorder rec;
  auto& s = rec.make_shard();
  const auto ch = rec.channel("hl7v2", "wired");
  EXPECT_EQ(rec.channel("hl7v2", "wired"), ch);
  EXPECT_NE(rec.channel("hl7v2", "wifi"), ch);
  const ph::SimTime t0{10s};
  for (std::uint32_t i = 1; i <= 4; ++i) s.on_generated(reading(1, 0, i, 95, 95, t0), ch);
  s.on_outcome(ph::make_reading_id(1, 0, 1), Outcome::Acknowledged, t0, t0 + 5ms, t0 + 25ms);
  s.on_outcome(ph::make_reading_id(1, 0, 2), Outcome::LostNetwork, t0, t0, t0);
  s.on_outcome(ph::make_reading_id(1, 0, 3), Outcome::Rejected, t0, t0, t0 + 1ms);
  const Report r = rec.merge();
  EXPECT_EQ(r.delivery.generated, 4u);
  EXPECT_EQ(r.delivery[Outcome::Acknowledged], 1u);
  EXPECT_EQ(r.delivery[Outcome::LostNetwork], 1u);
  EXPECT_FALSE(r.delivery.balanced());  // one reading never got an outcome: shown, not hidden
  EXPECT_EQ(r.ingest_latency.count(), 1);
  EXPECT_EQ(r.ingest_latency.max(), 25'000'000);
  EXPECT_EQ(r.ingest_latency_raw.max(), 20'000'000);
  ASSERT_EQ(r.channels.size(), 1u);  // channels without readings are left out
  EXPECT_EQ(r.channels[0].protocol, "hl7v2");
  ASSERT_EQ(r.time_buckets.size(), 1u);
  EXPECT_EQ(r.time_buckets[0].index, 0);
  EXPECT_EQ(r.time_buckets[0].delivery.generated, 4u);
}

TEST(Recorder, AlertsFindTheirTriggerForLatencyAndArtifacts) {
  RecorderOptions o;
  o.trigger_lookback = 4;
  Recorder rec(o);
  auto& engine = rec.make_shard();
  auto& intake = rec.make_shard();  // alerts may arrive on another thread
  const auto ch = rec.channel("fhir_r4", "wifi");
  const ph::SimTime t{60s};
  engine.on_generated(reading(2, 1, 1, 82, 96, t, ph::kFlagMotionArtifact), ch);
  engine.on_outcome(ph::make_reading_id(2, 1, 1), Outcome::Acknowledged, t, t, t + 10ms);
  ph::Alert a;
  a.patient = 2;
  a.rule = "spo2_low";
  a.trigger_reading_id = ph::make_reading_id(2, 1, 1);
  a.received_time = t + 2s;
  intake.on_alert(a);
  // A trigger that has left the ring (another device): 10 later readings of its device.
  engine.on_generated(reading(2, 0, 1, 95, 95, t), ch);
  engine.on_outcome(ph::make_reading_id(2, 0, 1), Outcome::Acknowledged, t, t, t + 10ms);
  for (std::uint32_t i = 2; i < 12; ++i) engine.on_generated(reading(2, 0, i, 95, 95, t), ch);
  ph::Alert late = a;
  late.trigger_reading_id = ph::make_reading_id(2, 0, 1);
  late.received_time = t + 3s;
  engine.on_alert(late);
  const Report r = rec.merge();
  ASSERT_EQ(r.alerts.size(), 2u);
  EXPECT_TRUE(r.alerts[0].trigger_known);
  EXPECT_EQ(r.alerts[0].trigger_intended_send, t);
  EXPECT_TRUE(is_artifact(r.alerts[0], r.matching));
  EXPECT_FALSE(r.alerts[1].trigger_known);
  EXPECT_EQ(r.alert_latency.count(), 1);
  EXPECT_EQ(r.alert_latency.max(), 2'000'000'000);
  EXPECT_EQ(r.accuracy.overall.artifact_false_alerts, 1u);
}

TEST(Recorder, TracesOnlyTimelinePatientsAndTheSample) {
  const Report r = fixture_report();
  std::size_t patient0 = 0, others = 0;
  for (const auto& t : r.traces) (t.reading.patient == 0 ? patient0 : others)++;
  EXPECT_EQ(patient0, 2u * 120u);  // every reading of the timeline patient
  EXPECT_GT(others, 0u);           // plus roughly 1 in 50 of the rest
  EXPECT_LT(others, 2u * 120u * 11u / 20u);
  for (const auto& t : r.traces) EXPECT_TRUE(t.has_outcome);
}

TEST(Recorder, FixtureRunIsBalancedAndScored) {
  const Report r = fixture_report();
  EXPECT_EQ(r.delivery.generated, 12u * 2u * 120u);
  EXPECT_TRUE(r.delivery.balanced());
  EXPECT_EQ(r.channels.size(), 2u);
  EXPECT_EQ(r.time_buckets.size(), 12u);
  // Exposure is what was observed: each patient's readings run from minute 0 to minute
  // 119 of the 120-minute run, so 119 minutes each, not the whole scenario.
  EXPECT_EQ(r.run.patient_seconds, 12u * 119u * 60u);
  EXPECT_EQ(r.accuracy.overall.episodes, 4u);
  EXPECT_GT(r.accuracy.overall.episodes_detected, 0u);
  EXPECT_GT(r.accuracy.overall.false_alerts, 0u);
  EXPECT_GT(r.alert_latency.count(), 0);
}

TEST(Recorder, ThreadedShardsEqualOneShard) {
  const FixtureSpec spec;
  Recorder rec(fixture_options());
  fixture_run_info(rec, spec.patients, spec);
  rec.set_episodes(fixture_episodes(spec));
  std::vector<RecorderShard*> shards;
  for (int i = 0; i < 4; ++i) shards.push_back(&rec.make_shard());
  std::vector<std::thread> threads;
  for (std::uint32_t i = 0; i < 4; ++i)
    threads.emplace_back([&, i] { feed_patients(rec, *shards[i], 3 * i, 3 * i + 3, spec); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(to_json(rec.merge()), to_json(fixture_report(spec)));
}

TEST(Merge, ShardReportsMergeToTheSingleRunReport) {
  const FixtureSpec spec;
  const Report single = fixture_report(spec);
  std::vector<Report> parts;
  const std::uint32_t cuts[] = {0, 5, 6, 12};  // uneven shards, one with 1 patient
  for (int k = 0; k < 3; ++k) {
    Recorder rec(fixture_options());
    fixture_run_info(rec, cuts[k + 1] - cuts[k], spec);
    rec.set_episodes(fixture_episodes(spec));  // each shard may know all the ground truth
    feed_patients(rec, rec.make_shard(), cuts[k], cuts[k + 1], spec);
    Report part = rec.merge();
    part.run.shards = {std::to_string(k + 1) + "/3"};
    // Through JSON, as shards hand their reports over.
    parts.push_back(from_json(to_json(part)));
  }
  const Report merged = merge_reports(parts);
  EXPECT_EQ(merged.run.shards, (std::vector<std::string>{"1/3", "2/3", "3/3"}));
  EXPECT_EQ(canonical(merged), canonical(single));
  EXPECT_EQ(merged.ingest_latency, single.ingest_latency);
  EXPECT_DOUBLE_EQ(merged.accuracy.overall.ppv, single.accuracy.overall.ppv);
  // Merging in another order gives the same report.
  std::vector<Report> reversed(parts.rbegin(), parts.rend());
  EXPECT_EQ(canonical(merge_reports(reversed)), canonical(single));
}

namespace {
Report report_with_spans(std::vector<PatientSpan> spans, std::size_t false_alerts) {
  Report r;
  r.run.scenario = "spans";
  r.run.patient_seconds = 999'999;  // what a caller guessed: the spans decide
  r.patient_spans = std::move(spans);
  for (std::size_t k = 0; k < false_alerts; ++k) {
    AlertRecord a;
    a.alert.patient = r.patient_spans.front().patient;
    a.alert.rule = "news2";
    a.alert.received_time = r.patient_spans.front().first + std::chrono::minutes(k);
    r.alerts.push_back(a);
  }
  r.rescore();
  return r;
}
}  // namespace

// Imported stays of different lengths count for their own spans; shards of one patient
// join by min/max; the merge equals the whole.
TEST(PatientDays, FromObservedSpansInRunsAndMerges) {
  const Report a = report_with_spans(
      {{0, ph::SimTime{}, ph::SimTime{1h}}, {1, ph::SimTime{}, ph::SimTime{2h}}}, 2);
  const Report b = report_with_spans(
      {{2, ph::SimTime{1h}, ph::SimTime{4h}}, {1, ph::SimTime{2h}, ph::SimTime{3h}}}, 1);
  EXPECT_EQ(a.run.patient_seconds, 3u * 3600u);
  EXPECT_EQ(b.run.patient_seconds, 4u * 3600u);
  EXPECT_DOUBLE_EQ(a.accuracy.overall.false_per_patient_day, 2.0 / (3.0 / 24.0));
  const Report m = merge_reports(std::vector<Report>{a, b});
  // Patient 0: 1 h; patient 1: 0..3 h = 3 h; patient 2: 3 h.
  EXPECT_EQ(m.run.patient_seconds, 7u * 3600u);
  EXPECT_DOUBLE_EQ(m.accuracy.overall.false_per_patient_day, 3.0 / (7.0 / 24.0));
  EXPECT_EQ(from_json(to_json(m)).run.patient_seconds, m.run.patient_seconds);
  EXPECT_EQ(observed_patient_seconds(m.patient_spans), 7u * 3600u);
  // Without spans (a report written before they existed) the given exposure stands.
  Report old;
  old.run.patient_seconds = 86400;
  old.rescore();
  EXPECT_EQ(old.run.patient_seconds, 86400u);
}

TEST(Merge, RejectsIncompatibleReports) {
  Report a = fixture_report({4, 30});
  Report b = a;
  b.run.seed = 8;
  EXPECT_THROW(merge_reports(std::vector<Report>{a, b}), MergeError);
  EXPECT_NO_THROW(merge_reports(std::vector<Report>{a, b}, true));
  Report c = a;
  c.time_bucket_width = 7min;  // fixture: 10 min; neither divides the other
  EXPECT_THROW(merge_reports(std::vector<Report>{a, c}), MergeError);
  Report m = a;
  m.matching.late_limit = 2h;
  EXPECT_THROW(merge_reports(std::vector<Report>{a, m}), MergeError);
  EXPECT_THROW(merge_reports(std::vector<Report>{}), MergeError);
}

TEST(ReportJson, RoundTripIsExact) {
  const Report r = fixture_report({6, 60});
  const std::string text = to_json(r);
  const Report back = from_json(text);
  EXPECT_EQ(to_json(back), text);
  EXPECT_EQ(back.alerts, r.alerts);
  EXPECT_EQ(back.traces, r.traces);
  EXPECT_EQ(back.episodes, r.episodes);
  EXPECT_NE(text.find("\"schema_version\": 1"), std::string::npos);
}

// Delivery attempts: in report.json, added exactly by a merge, absent from older reports.
TEST(ReportJson, DeliveryAttemptsRoundTripAndMergeByAdding) {
  Report a = fixture_report({6, 60});
  Report b = a;
  a.run.shards = {"1/2"};
  b.run.shards = {"2/2"};
  a.delivery_attempts = AttemptCounts{100, 7, 1};
  b.delivery_attempts = AttemptCounts{50, 3, 0};
  const std::string text = to_json(a);
  EXPECT_NE(text.find("\"delivery_attempts\""), std::string::npos);
  EXPECT_EQ(from_json(text).delivery_attempts, a.delivery_attempts);
  const Report m = merge_reports(std::vector<Report>{from_json(text), from_json(to_json(b))});
  EXPECT_EQ(m.delivery_attempts, (AttemptCounts{150, 10, 1}));
  Report none = fixture_report({6, 60});
  EXPECT_EQ(to_json(none).find("delivery_attempts"), std::string::npos);
  EXPECT_EQ(from_json(to_json(none)).delivery_attempts, AttemptCounts{});
  // report.html says how many retries there were.
  EXPECT_NE(render_html(a).find("7 of them retries"), std::string::npos);
}

TEST(ReportJson, RejectsOtherSchemaVersionsAndMalformedInput) {
  std::string text = to_json(fixture_report({3, 10}));
  const auto pos = text.find("\"schema_version\": 1");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, 19, "\"schema_version\": 99");
  EXPECT_THROW(from_json(text), ReportError);
  EXPECT_THROW(from_json("{}"), ReportError);
  EXPECT_THROW(from_json("[1,2"), ReportError);
}

TEST(Recorder, TimeSeriesStaysBoundedByCoarsening) {
  RecorderOptions o;
  o.time_bucket_width = 1min;
  o.max_time_buckets = 16;
  Recorder rec(o);
  auto& s = rec.make_shard();
  const auto ch = rec.channel("fhir_r4", "wifi");
  // 100 minutes of one reading per minute: 100 one-minute buckets before coarsening.
  for (std::uint32_t m = 0; m < 100; ++m) {
    const ph::SimTime t{std::chrono::minutes(m)};
    s.on_generated(reading(0, 0, m + 1, 95, 95, t), ch);
    s.on_outcome(ph::make_reading_id(0, 0, m + 1), Outcome::Acknowledged, t, t, t + 1ms);
  }
  const Report r = rec.merge();
  EXPECT_EQ(r.time_bucket_width, 8min);  // 100 / 8 -> 13 buckets <= 16
  EXPECT_LE(r.time_buckets.size(), 16u);
  std::uint64_t generated = 0;
  std::int64_t latencies = 0;
  for (const auto& b : r.time_buckets) {
    generated += b.delivery.generated;
    latencies += b.ingest_latency.count();
  }
  EXPECT_EQ(generated, 100u);  // nothing lost by coarsening
  EXPECT_EQ(latencies, 100);
  EXPECT_EQ(r.time_buckets.front().delivery.generated, 8u);

  // A report with finer buckets merges into the coarser width exactly.
  RecorderOptions fine = o;
  fine.max_time_buckets = 0;
  Recorder rec2(fine);
  auto& s2 = rec2.make_shard();
  const auto ch2 = rec2.channel("fhir_r4", "wifi");
  for (std::uint32_t m = 0; m < 10; ++m) {
    const ph::SimTime t{std::chrono::minutes(m)};
    s2.on_generated(reading(1, 0, m + 1, 95, 95, t), ch2);
  }
  const Report merged = merge_reports(std::vector<Report>{r, rec2.merge()});
  EXPECT_EQ(merged.time_bucket_width, 8min);
  EXPECT_EQ(merged.time_buckets.front().delivery.generated, 16u);
  EXPECT_EQ(merged.time_buckets[1].delivery.generated, 10u);
}

TEST(Recorder, OutcomeWithoutGenerationIsCountedNotACrash) {
  Recorder rec;
  auto& s = rec.make_shard();
  const ph::SimTime t{1s};
  s.on_outcome(ph::make_reading_id(9, 0, 1), Outcome::TimedOut, t, t, t);
  const Report r = rec.merge();
  EXPECT_EQ(r.delivery[Outcome::TimedOut], 1u);
  EXPECT_FALSE(r.delivery.balanced());  // more outcomes than generated: the check shows it
  ASSERT_EQ(r.channels.size(), 1u);
  EXPECT_EQ(r.channels[0].protocol, "unknown");
}

TEST(Recorder, AlertsFromAnIntakeThreadResolveWhileTheRunGoesOn) {
  RecorderOptions o;
  o.trigger_lookback = 8;
  Recorder rec(o);
  auto& engine = rec.make_shard();
  auto& intake = rec.make_shard();
  const auto ch = rec.channel("fhir_r4", "wifi");
  const ph::SimTime t{10s};
  // Reading 1 is acknowledged, then alerted on from the intake thread.
  engine.on_generated(reading(5, 0, 1, 70, 96, t), ch);
  engine.on_outcome(ph::make_reading_id(5, 0, 1), Outcome::Acknowledged, t, t, t + 5ms);
  ph::Alert a;
  a.patient = 5;
  a.rule = "spo2_low";
  a.trigger_reading_id = ph::make_reading_id(5, 0, 1);
  a.received_time = t + 1s;
  intake.on_alert(a);
  // Reading 2's alert arrives before its acknowledgement (the target alerts first).
  engine.on_generated(reading(5, 0, 2, 95, 95, t + 1s), ch);
  ph::Alert b = a;
  b.trigger_reading_id = ph::make_reading_id(5, 0, 2);
  b.received_time = t + 1500ms;
  intake.on_alert(b);
  engine.on_outcome(ph::make_reading_id(5, 0, 2), Outcome::Acknowledged, t + 1s, t + 1s, t + 2s);
  // Long after: both triggers have left the ring by the end of the run.
  for (std::uint32_t i = 3; i < 100; ++i) {
    engine.on_generated(reading(5, 0, i, 95, 95, t + std::chrono::seconds(i)), ch);
    engine.on_outcome(ph::make_reading_id(5, 0, i), Outcome::Acknowledged,
                      t + std::chrono::seconds(i), t + std::chrono::seconds(i),
                      t + std::chrono::seconds(i) + 1ms);
  }
  const Report r = rec.merge();
  ASSERT_EQ(r.alerts.size(), 2u);
  EXPECT_TRUE(r.alerts[0].trigger_known);
  EXPECT_TRUE(r.alerts[1].trigger_known);
  EXPECT_EQ(r.alerts[1].trigger_intended_send, t + 1s);
  EXPECT_TRUE(is_artifact(r.alerts[0], r.matching));  // 70 % measured vs 96 % true
  EXPECT_FALSE(is_artifact(r.alerts[1], r.matching));
  EXPECT_EQ(r.alert_latency.count(), 2);
  EXPECT_EQ(r.alert_latency.min(), 500'000'000);
}

TEST(ReportJson, TopLevelKeysAreTheOnesReportFormatDocuments) {
  std::ifstream doc(IOMTSIM_SOURCE_DIR "/reports/REPORT_FORMAT.md");
  ASSERT_TRUE(doc);
  std::set<std::string> documented;
  std::string line;
  bool in_table = false;
  while (std::getline(doc, line)) {
    if (line.starts_with("## Top level"))
      in_table = true;
    else if (line.starts_with("### "))
      in_table = false;
    if (in_table && line.starts_with("| `"))
      documented.insert(line.substr(3, line.find('`', 3) - 3));
  }
  const auto j = nlohmann::json::parse(to_json(fixture_report({3, 10})));
  std::set<std::string> written;
  for (const auto& [k, v] : j.items()) written.insert(k);
  EXPECT_EQ(written, documented);
}

// Accelerated runs: an alert's receive time is stamped like its trigger's acknowledgement
// (trigger's scenario stamp + real elapsed wall time), so alert latency does not grow with
// the speed-up. Here the trigger left at scenario 100 s + 5 ms (wall instant 7 s) and the
// alert came 20 ms of wall time later, while the accelerated clock had moved 10 minutes.
TEST(Recorder, AlertReceiveTimeFollowsWallTimeSinceTheTriggerWasSent) {
  for (const bool cross_thread : {false, true}) {
    Recorder rec;
    const auto ch = rec.channel("fhir_r4", "hospital_wifi");
    RecorderShard& engine = rec.make_shard();
    RecorderShard& intake = rec.make_shard();
    ph::Reading r;
    r.id = ph::make_reading_id(3, 0, 1);
    r.patient = 3;
    r.true_time = ph::SimTime{} + 100s;
    engine.on_generated(r, ch);
    const ph::SimTime sent = r.true_time + 5ms;
    const std::int64_t sent_wall_ns = 7'000'000'000;
    ph::Alert a;
    a.patient = 3;
    a.rule = "news2";
    a.trigger_reading_id = r.id;
    a.received_time = r.true_time + 10min;  // what the accelerated clock said
    const std::int64_t received_wall_ns = sent_wall_ns + 20'000'000;
    if (cross_thread) {  // the alert arrives before the trigger's outcome is recorded
      intake.on_alert(a, received_wall_ns);
      engine.on_outcome(r.id, Outcome::Acknowledged, r.true_time, sent, sent + 1ms, sent_wall_ns);
    } else {
      engine.on_outcome(r.id, Outcome::Acknowledged, r.true_time, sent, sent + 1ms, sent_wall_ns);
      engine.on_alert(a, received_wall_ns);
    }
    const Report report = rec.merge();
    ASSERT_EQ(report.alerts.size(), 1u);
    EXPECT_TRUE(report.alerts[0].trigger_known);
    EXPECT_EQ(report.alerts[0].alert.received_time, sent + 20ms) << "cross_thread " << cross_thread;
    EXPECT_FALSE(report.alerts[0].received_wall_ns.has_value());
    EXPECT_EQ(report.alert_latency.max(), std::chrono::nanoseconds(5ms + 20ms).count())
        << "cross_thread " << cross_thread;
  }
}

TEST(Recorder, AlertWithoutWallStampsKeepsItsReceiveTime) {
  Recorder rec;
  const auto ch = rec.channel("fhir_r4", "hospital_wifi");
  RecorderShard& shard = rec.make_shard();
  ph::Reading r;
  r.id = ph::make_reading_id(1, 0, 1);
  r.patient = 1;
  r.true_time = ph::SimTime{} + 50s;
  shard.on_generated(r, ch);
  shard.on_outcome(r.id, Outcome::Acknowledged, r.true_time, r.true_time, r.true_time + 1ms);
  ph::Alert a;
  a.patient = 1;
  a.rule = "qsofa";
  a.trigger_reading_id = r.id;
  a.received_time = r.true_time + 2s;
  shard.on_alert(a, 123);  // a wall stamp for the alert alone changes nothing
  const Report report = rec.merge();
  ASSERT_EQ(report.alerts.size(), 1u);
  EXPECT_EQ(report.alerts[0].alert.received_time, r.true_time + 2s);
}
