#include "iomtsim/reports/render_junit.hpp"

#include "chart_section.hpp"
#include "iomtsim/reports/verdict.hpp"
#include "outcome_codes_section.hpp"
#include "xml_text.hpp"

namespace iomtsim::reports {

std::string render_junit(const Report& report) {
  struct Case {
    std::string name, message;
    enum class Result { Passed, Failure, Error } result;
    std::string type;
  };
  const Verdict verdict = decide(report);
  std::vector<Case> cases;
  const auto& d = report.delivery;
  const bool balanced = delivery_balanced(report);
  std::string mismatch = "readings: buckets sum to " + std::to_string(d.outcome_sum()) +
                         ", generated " + std::to_string(d.generated);
  if (!report.waveforms.balanced())
    mismatch += "; waveform blocks: buckets sum to " +
                std::to_string(report.waveforms.delivery.outcome_sum()) + ", generated " +
                std::to_string(report.waveforms.delivery.generated);
  if (!report.ops.delivery.balanced()) mismatch += "; operations messages do not balance";
  cases.push_back({"delivery buckets sum to generated", mismatch,
                   balanced ? Case::Result::Passed : Case::Result::Failure, "invalid"});
  // An interrupted run did not test what it was meant to: an error, not a failure.
  if (report.interrupted) {
    std::string why;
    for (const auto& r : verdict.reasons)
      if (r.starts_with("interrupted")) why = r;
    cases.push_back({"run reached its end", why, Case::Result::Error, "interrupted"});
  }
  for (const auto& t : report.thresholds)
    cases.push_back({t.threshold.text.empty() ? t.threshold.metric : t.threshold.text, t.message,
                     t.passed ? Case::Result::Passed : Case::Result::Failure, "threshold"});
  std::size_t failures = 0, errors = 0;
  for (const auto& c : cases) {
    failures += c.result == Case::Result::Failure ? 1 : 0;
    errors += c.result == Case::Result::Error ? 1 : 0;
  }
  const std::string counts = "tests=\"" + std::to_string(cases.size()) + "\" failures=\"" +
                             std::to_string(failures) + "\" errors=\"" + std::to_string(errors) +
                             "\"";

  std::string o = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o += "<testsuites name=\"iomtsim\" " + counts + ">\n";
  o += "  <testsuite name=\"" +
       xml::escape(report.run.scenario.empty() ? "iomtsim" : report.run.scenario) + "\" " + counts +
       " skipped=\"0\">\n";
  // The verdict every other output shows (verdict.hpp), for tools that read properties.
  o += "    <properties>\n      <property name=\"verdict\" value=\"" +
       std::string(name(verdict.kind)) + "\"/>\n      <property name=\"exit_code\" value=\"" +
       std::to_string(verdict.exit_code) + "\"/>\n" + chart_junit_properties(report) +
       "    </properties>\n";
  // The target's own reasons explain most failures: they go in every failure's text.
  const std::string note = outcome_codes_note(report);
  for (const auto& c : cases) {
    o += "    <testcase classname=\"iomtsim.thresholds\" name=\"" + xml::escape(c.name) + "\"";
    if (c.result == Case::Result::Passed) {
      o += "/>\n";
      continue;
    }
    const char* tag = c.result == Case::Result::Error ? "error" : "failure";
    o += ">\n      <" + std::string(tag) + " message=\"" + xml::escape(c.message) + "\" type=\"" +
         c.type + "\">" + xml::escape(c.message + note) + "</" + tag + ">\n    </testcase>\n";
  }
  o += "  </testsuite>\n</testsuites>\n";
  return o;
}

}  // namespace iomtsim::reports
