// One verdict drives every output: for each outcome (pass, fail, invalid, interrupted by
// SIGINT or SIGTERM) the exit code, the console's summary line, report.json's "verdict",
// report.html's "Overall" and junit.xml say the same thing, before and after report.json
// is read back.
#include <gtest/gtest.h>

#include <csignal>
#include <nlohmann/json.hpp>

#include "iomtsim/reports/render_html.hpp"
#include "iomtsim/reports/render_junit.hpp"
#include "iomtsim/reports/verdict.hpp"
#include "run_fixture.hpp"
#include "xml_check.hpp"

using namespace iomtsim::reports;
using namespace iomtsim::test;
namespace ph = iomtsim::physiology;

namespace {

struct Case {
  const char* label;
  VerdictKind kind;
  int exit_code;
  Report report;
};

std::vector<Case> cases() {
  const Report base = fixture_report();
  // The fixture rejects a few percent of its readings, so its p99 is unmet (thresholds.cpp)
  // and a threshold that holds is written on the median.
  const Threshold holds{
      "ingest_latency.p50 < 1000s", "ingest_latency.p50", CompareOp::Less, 1000.0, {}};
  const Threshold fails{
      "ingest_latency.p99 < 1ns", "ingest_latency.p99", CompareOp::Less, 1e-9, {}};
  std::vector<Case> out;
  Report pass = base;
  pass.thresholds = evaluate_thresholds(pass, {holds});
  out.push_back({"pass", VerdictKind::Pass, 0, pass});
  Report fail = base;
  fail.thresholds = evaluate_thresholds(fail, {holds, fails});
  out.push_back({"fail", VerdictKind::Fail, 1, fail});
  Report invalid = pass;  // a reading in no bucket
  ++invalid.delivery.generated;
  out.push_back({"invalid readings", VerdictKind::Invalid, 3, invalid});
  Report invalid_blocks = fail;  // a waveform block in no bucket: the same definition
  invalid_blocks.waveforms.delivery.generated = 2;
  invalid_blocks.waveforms.delivery.add(Outcome::Acknowledged);
  out.push_back({"invalid waveforms", VerdictKind::Invalid, 3, invalid_blocks});
  Report invalid_ops = pass;  // an operations message in no bucket
  invalid_ops.ops.delivery.pump_events.generated = 1;
  out.push_back({"invalid operations", VerdictKind::Invalid, 3, invalid_ops});
  Report sigint = fail;  // interrupted outranks a failed threshold
  sigint.interrupted = Interruption{SIGINT, ph::SimTime{std::chrono::minutes(7)}};
  out.push_back({"SIGINT", VerdictKind::Interrupted, 130, sigint});
  Report sigterm = pass;
  sigterm.interrupted = Interruption{SIGTERM, ph::SimTime{std::chrono::seconds(90)}};
  out.push_back({"SIGTERM", VerdictKind::Interrupted, 143, sigterm});
  Report request = pass;
  request.interrupted = Interruption{0, ph::SimTime{std::chrono::seconds(1)}};
  out.push_back({"stop request", VerdictKind::Interrupted, 130, request});
  return out;
}

// What each output says the verdict is.
struct Said {
  std::string json_result;
  int json_exit_code = -1;
  std::string html;
  std::string junit_property;
  std::size_t junit_failures = 0, junit_errors = 0;
  std::string summary_word;
};

Said read_outputs(const Report& r) {
  Said s;
  const auto j = nlohmann::json::parse(to_json(r));
  s.json_result = j.at("verdict").at("result").get<std::string>();
  s.json_exit_code = j.at("verdict").at("exit_code").get<int>();
  const XmlCheck html = check_xml(render_html(r));
  EXPECT_TRUE(html.ok) << html.error;
  for (const auto& e : html.elements)
    if (e.attributes.count("id") && e.attributes.at("id") == "verdict")
      s.html = e.attributes.at("data-verdict");
  const XmlCheck junit = check_xml(render_junit(r));
  EXPECT_TRUE(junit.ok) << junit.error;
  for (const auto& e : junit.elements)
    if (e.name == "property" && e.attributes.at("name") == "verdict")
      s.junit_property = e.attributes.at("value");
  s.junit_failures = junit.count("failure");
  s.junit_errors = junit.count("error");
  const std::string line = summary_lines(r, decide(r));
  s.summary_word = line.substr(0, line.find(':'));
  return s;
}

}  // namespace

TEST(Verdict, EveryOutputAgreesOnEveryOutcome) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.label);
    const Verdict v = decide(c.report);
    EXPECT_EQ(v.kind, c.kind);
    EXPECT_EQ(v.exit_code, c.exit_code);
    EXPECT_EQ(v.kind == VerdictKind::Pass, v.reasons.empty());
    // The same, after report.json is read back (the verdict is derived, not stored).
    const Report back = from_json(to_json(c.report));
    EXPECT_EQ(decide(back), v);
    for (const Report* r : {&c.report, &back}) {
      const Said s = read_outputs(*r);
      EXPECT_EQ(s.json_result, name(v.kind));
      EXPECT_EQ(s.json_exit_code, v.exit_code);
      EXPECT_EQ(s.html, name(v.kind));
      EXPECT_EQ(s.junit_property, name(v.kind));
      EXPECT_EQ(s.summary_word, title(v.kind));
      // JUnit's counts tell CI the same: a clean pass, failures for fail and invalid, an
      // error for an interrupted run.
      EXPECT_EQ(s.junit_failures == 0 && s.junit_errors == 0, v.kind == VerdictKind::Pass);
      EXPECT_EQ(s.junit_errors > 0, v.kind == VerdictKind::Interrupted);
      if (v.kind == VerdictKind::Fail || v.kind == VerdictKind::Invalid) {
        EXPECT_GT(s.junit_failures, 0u);
      }
    }
  }
}

TEST(Verdict, InterruptionIsKeptInReportJsonAndMerges) {
  Report r = fixture_report();
  r.interrupted = Interruption{SIGTERM, ph::SimTime{std::chrono::seconds(42)}};
  const auto j = nlohmann::json::parse(to_json(r));
  EXPECT_EQ(j.at("interrupted").at("signal").get<std::string>(), "SIGTERM");
  EXPECT_EQ(j.at("interrupted").at("at_scenario_time_ns").get<std::int64_t>(), 42'000'000'000);
  EXPECT_EQ(from_json(to_json(r)).interrupted, r.interrupted);
  EXPECT_TRUE(nlohmann::json::parse(to_json(fixture_report())).at("interrupted").is_null());
}

TEST(Verdict, InvalidOutranksInterruptedAndBothAreSaid) {
  Report r = fixture_report();
  ++r.delivery.generated;
  r.interrupted = Interruption{SIGINT, ph::SimTime{std::chrono::seconds(3)}};
  const Verdict v = decide(r);
  EXPECT_EQ(v.kind, VerdictKind::Invalid);
  EXPECT_EQ(v.exit_code, kExitInvalid);
  ASSERT_EQ(v.reasons.size(), 2u);
  EXPECT_TRUE(v.reasons[0].starts_with("delivery accounting does not balance"));
  EXPECT_TRUE(v.reasons[1].starts_with("interrupted by SIGINT at 3.000 s"));
}
